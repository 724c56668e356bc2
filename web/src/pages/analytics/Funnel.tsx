// "Воронка (отчёт)": stage-to-stage conversion and time in stage for a month, as cohort (cards
// created in the month, followed to where they got) or flow (what moved in the month), grouped
// by manager, product, region, channel or segment. Every count opens the cards behind it.

import { lazy, Suspense } from 'preact/compat';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, withQuery } from '../../api';
import { Banner, errorText, Spinner, useTitle } from '../../components/ui';
import { dateTime, money } from '../../format';
import { loc, locale, t, tk, type Lang } from '../../i18n';
import { Link } from '../../router';
import { meta, stageName } from '../../store';
import { duration, type FunnelCards, type FunnelGroup, type FunnelMode, type FunnelReport, type FunnelRow } from './funnelTypes';
import { thisMonth } from './types';
import { ReportTabs } from './ReportTabs';
import './analytics.css';
import './funnel.css';

const FunnelChart = lazy(() => import('./FunnelChart'));

const GROUPS: FunnelGroup[] = ['manager', 'product', 'region', 'channel', 'segment', 'none'];
const CHANNELS = ['site_form', 'email', 'phone', 'messenger', 'manual', 'outbound', 'referral'];

const pct = (permille: number | null) =>
  permille === null ? '—' : `${(permille / 10).toLocaleString(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

interface Drill {
  step: string;
  which: 'entered' | 'converted';
  value?: string;
  label: string;
}

export function FunnelPage({ lang }: { lang: Lang }) {
  useTitle(t('funnel.title'));
  const [mode, setMode] = useState<FunnelMode>('cohort');
  const [month, setMonth] = useState(thisMonth());
  const [group, setGroup] = useState<FunnelGroup>(meta.me?.role === 'manager' ? 'channel' : 'manager');
  const [channel, setChannel] = useState('');
  const [segment, setSegment] = useState('');
  // A range of days instead of the month, when both ends are set.
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [report, setReport] = useState<FunnelReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drill, setDrill] = useState<Drill | null>(null);

  const days = from && to;
  const params: Record<string, string> = days ? { mode, from, to, group, channel, segment } : { mode, month, group, channel, segment };
  useEffect(() => {
    setReport(null);
    setError(null);
    setDrill(null);
    get<FunnelReport>('/api/analytics/funnel', params).then(setReport, (e) => setError(errorText(e)));
  }, [mode, month, from, to, group, channel, segment]);

  const units = { d: t('funnel.days'), h: t('funnel.hours'), m: t('funnel.minutes') };
  const label = (row: FunnelRow) => (group === 'channel' && row.key ? tk('channel', row.key) : row.label);
  const stepNames = useMemo(() => (report ? report.steps.map((s) => loc(s.name)) : []), [report, lang]);
  const series = useMemo(() => {
    if (!report) return [];
    if (report.groups.length > 1 && report.groups.length <= 8)
      return report.groups.map((g) => ({ label: label(g), values: g.cells.map((c) => c.entered) }));
    return [{ label: t('funnel.entered'), values: report.total.cells.map((c) => c.entered) }];
  }, [report, lang]);

  const open = (d: Drill) => setDrill(d);
  const stepIndex = (code: string) => report?.steps.findIndex((s) => s.code === code) ?? -1;

  return (
    <section class="page analytics" aria-labelledby="funnel-h1" data-lang={lang}>
      <ReportTabs path="/funnel" />
      <div class="page-head">
        <div>
          <h1 id="funnel-h1" tabIndex={-1}>
            {t('funnel.title')}
          </h1>
          <p class="muted">{mode === 'cohort' ? t('funnel.cohortHint') : t('funnel.flowHint')}</p>
        </div>
        <div class="page-actions">
          <a class="btn" href={withQuery('/api/analytics/funnel/export', params)} download>
            {t('analytics.xlsx')}
          </a>
          <a class="btn" href={withQuery('/api/analytics/funnel/export', { ...params, format: 'csv' })} download>
            CSV
          </a>
        </div>
      </div>
      <div class="card-panel funnel-filters">
        <div class="segmented" role="radiogroup" aria-label={t('funnel.mode')}>
          {(['cohort', 'flow'] as FunnelMode[]).map((m) => (
            <label class={mode === m ? 'seg-opt checked' : 'seg-opt'}>
              <input type="radio" name="funnel-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              {m === 'cohort' ? t('funnel.cohort') : t('funnel.flow')}
            </label>
          ))}
        </div>
        <label class="field-inline">
          {t('plan.month')}{' '}
          <input type="month" value={month} disabled={!!days} onChange={(e) => setMonth((e.target as HTMLInputElement).value || thisMonth())} />
        </label>
        <label class="field-inline">
          {t('funnel.from')}{' '}
          <input type="date" value={from} data-testid="funnel-from" onChange={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field-inline">
          {t('funnel.to')}{' '}
          <input type="date" value={to} data-testid="funnel-to" onChange={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field-inline">
          {t('funnel.groupBy')}{' '}
          <select value={group} data-testid="funnel-group" onChange={(e) => setGroup((e.target as HTMLSelectElement).value as FunnelGroup)}>
            {GROUPS.map((g) => (
              <option value={g}>{t(`funnel.group.${g}` as 'funnel.group.none')}</option>
            ))}
          </select>
        </label>
        <label class="field-inline">
          {t('funnel.channel')}{' '}
          <select value={channel} onChange={(e) => setChannel((e.target as HTMLSelectElement).value)}>
            <option value="">{t('common.all')}</option>
            {CHANNELS.map((c) => (
              <option value={c}>{tk('channel', c)}</option>
            ))}
          </select>
        </label>
        <label class="field-inline">
          {t('funnel.segment')}{' '}
          <select value={segment} onChange={(e) => setSegment((e.target as HTMLSelectElement).value)}>
            <option value="">{t('common.all')}</option>
            {['A', 'B', 'C'].map((x) => (
              <option value={x}>{x}</option>
            ))}
          </select>
        </label>
      </div>
      {report && <p class="muted" data-testid="funnel-period">{t('funnel.period', { period: report.period.label })}</p>}
      {error && <Banner>{error}</Banner>}
      {!report && !error && <Spinner />}
      {report && (
        <>
          <Suspense fallback={<Spinner />}>
            <FunnelChart steps={stepNames} series={series} title={t('funnel.chart')} />
          </Suspense>
          <h2>{t('funnel.total')}</h2>
          <div class="table-scroll">
            <table class="table" data-testid="funnel-table">
              <thead>
                <tr>
                  <th>{t('funnel.step')}</th>
                  <th class="num">{t('funnel.entered')}</th>
                  <th class="num">{t('funnel.converted')}</th>
                  <th class="num">{t('funnel.conversion')}</th>
                  <th class="num">{t('funnel.median')}</th>
                  <th class="num">{t('funnel.p90')}</th>
                </tr>
              </thead>
              <tbody>
                {report.steps.map((s, i) => {
                  const c = report.total.cells[i];
                  const last = i === report.steps.length - 1;
                  return (
                    <tr data-step={s.code}>
                      <td>{loc(s.name)}</td>
                      <td class="num">
                        <button type="button" class="link-button" data-testid={`cell-${s.code}`} disabled={!c.entered}
                          onClick={() => open({ step: s.code, which: 'entered', label: loc(s.name) })}>
                          {c.entered}
                        </button>
                      </td>
                      <td class="num">
                        {last ? '—' : (
                          <button type="button" class="link-button" disabled={!c.converted}
                            onClick={() => open({ step: s.code, which: 'converted', label: `${loc(s.name)} → ${loc(report.steps[i + 1].name)}` })}>
                            {c.converted}
                          </button>
                        )}
                      </td>
                      <td class="num">{pct(c.conversion_permille)}</td>
                      <td class="num">{last ? '—' : duration(c.median_ms, units)}</td>
                      <td class="num">{last ? '—' : duration(c.p90_ms, units)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {report.groups.length > 0 && (
            <>
              <h2>{t('funnel.byGroup', { group: t(`funnel.group.${group}` as 'funnel.group.none').toLowerCase() })}</h2>
              <p class="muted">{t('funnel.matrixHint')}</p>
              <div class="table-scroll">
                <table class="table funnel-matrix" data-testid="funnel-groups">
                  <thead>
                    <tr>
                      <th>{t(`funnel.group.${group}` as 'funnel.group.none')}</th>
                      {report.steps.map((s) => (
                        <th class="num">{loc(s.name)}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {report.groups.map((g) => (
                      <tr data-group={g.key}>
                        <td>{label(g)}</td>
                        {g.cells.map((c, i) => (
                          <td class="num">
                            <button type="button" class="link-button" disabled={!c.entered}
                              onClick={() => open({ step: report.steps[i].code, which: 'entered', value: g.key, label: `${label(g)}: ${stepNames[i]}` })}>
                              {c.entered}
                            </button>
                            {c.conversion_permille !== null && (
                              <button type="button" class="link-button conv" disabled={!c.converted} title={t('funnel.conversion')}
                                onClick={() => open({ step: report.steps[i].code, which: 'converted', value: g.key, label: `${label(g)}: ${stepNames[i]} → ${stepNames[i + 1]}` })}>
                                {pct(c.conversion_permille)}
                              </button>
                            )}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {drill && stepIndex(drill.step) >= 0 && (
            <DrillList key={JSON.stringify(drill)} params={params} drill={drill} onClose={() => setDrill(null)} />
          )}
        </>
      )}
    </section>
  );
}

function DrillList({ params, drill, onClose }: { params: Record<string, string>; drill: Drill; onClose: () => void }) {
  const [cards, setCards] = useState<FunnelCards | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<FunnelCards>('/api/analytics/funnel/cards', { ...params, step: drill.step, which: drill.which, value: drill.value }).then(
      setCards,
      (e) => setError(errorText(e)),
    );
  }, []);
  return (
    <div class="card-panel funnel-drill" data-testid="funnel-drill" role="region" aria-label={drill.label}>
      <div class="drill-head">
        <h2>
          {drill.which === 'entered' ? t('funnel.drillEntered', { what: drill.label }) : t('funnel.drillConverted', { what: drill.label })}
          {cards && <span class="muted"> · {cards.total}</span>}
        </h2>
        <button type="button" class="btn" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      {error && <Banner>{error}</Banner>}
      {!cards && !error && <Spinner />}
      {cards && (
        <table class="table">
          <thead>
            <tr>
              <th>{t('funnel.card')}</th>
              <th>{t('funnel.manager')}</th>
              <th>{t('funnel.stageNow')}</th>
              <th class="num">{t('funnel.amount')}</th>
              <th class="num">{t('funnel.reachedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {cards.items.map((c) => (
              <tr>
                <td>
                  <Link href={`/deals/${c.id}`}>{c.title}</Link>
                </td>
                <td>{c.manager_name ?? '—'}</td>
                <td>{stageName(c.stage)}</td>
                <td class="num">{money(c.amount)}</td>
                <td class="num">{c.reached_at ? dateTime(c.reached_at) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cards && cards.total > cards.items.length && <p class="muted">{t('funnel.firstN', { n: cards.items.length })}</p>}
    </div>
  );
}
