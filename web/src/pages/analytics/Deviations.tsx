// "Регламент": for every rule of the process with a deadline — how many times it fell due in the
// month, met on time, late, missed, still open — for the team or one manager. Every count opens
// the tasks and cards behind it.

import { useEffect, useState } from 'preact/hooks';
import { get, withQuery } from '../../api';
import { Banner, errorText, Spinner, useTitle } from '../../components/ui';
import { dateTime } from '../../format';
import { loc, t, type Lang } from '../../i18n';
import { Link } from '../../router';
import { stageName } from '../../store';
import type { Text2 } from '../../types';
import { thisMonth } from './types';
import { ReportTabs } from './ReportTabs';
import './analytics.css';
import './funnel.css';

type Outcome = 'due' | 'on_time' | 'late' | 'missed' | 'open';
const OUTCOMES: Outcome[] = ['due', 'on_time', 'late', 'missed', 'open'];
type Counts = Record<Outcome, number>;

interface RuleRow {
  code: string;
  title: Text2;
  stage: string;
  checkpoint: boolean;
  in_definition: boolean;
  deviations_raised: number;
  total: Counts;
  managers: Record<string, Counts>;
}

interface Report {
  managers: { user_id: number; name: string }[];
  rules: RuleRow[];
}

interface Cards {
  total: number;
  items: { task_id: number; title: string; deal_id: number; deal_title: string; assignee_name: string | null; due_at: string; done_at: string | null; outcome: string }[];
}

export function DeviationsPage({ lang }: { lang: Lang }) {
  useTitle(t('deviations.title'));
  const [month, setMonth] = useState(thisMonth());
  const [manager, setManager] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const [managers, setManagers] = useState<{ user_id: number; name: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [drill, setDrill] = useState<{ rule: RuleRow; outcome: Outcome } | null>(null);
  const params = { month, manager };

  useEffect(() => {
    setReport(null);
    setError(null);
    setDrill(null);
    get<Report>('/api/analytics/deviations', params).then(
      (r) => {
        setReport(r);
        if (!manager) setManagers(r.managers);
      },
      (e) => setError(errorText(e)),
    );
  }, [month, manager]);

  return (
    <section class="page analytics" aria-labelledby="deviations-h1" data-lang={lang}>
      <ReportTabs path="/deviations" />
      <div class="page-head">
        <div>
          <h1 id="deviations-h1" tabIndex={-1}>
            {t('deviations.title')}
          </h1>
          <p class="muted">{t('deviations.intro')}</p>
        </div>
        <div class="page-actions">
          <a class="btn" href={withQuery('/api/analytics/deviations/export', params)} download>
            {t('analytics.xlsx')}
          </a>
          <a class="btn" href={withQuery('/api/analytics/deviations/export', { ...params, format: 'csv' })} download>
            CSV
          </a>
        </div>
      </div>
      <div class="card-panel funnel-filters">
        <label class="field-inline">
          {t('plan.month')}{' '}
          <input type="month" value={month} onChange={(e) => setMonth((e.target as HTMLInputElement).value || thisMonth())} />
        </label>
        <label class="field-inline">
          {t('funnel.manager')}{' '}
          <select value={manager} data-testid="deviations-manager" onChange={(e) => setManager((e.target as HTMLSelectElement).value)}>
            <option value="">{t('common.all')}</option>
            {managers.map((m) => (
              <option value={String(m.user_id)}>{m.name}</option>
            ))}
          </select>
        </label>
      </div>
      {error && <Banner>{error}</Banner>}
      {!report && !error && <Spinner />}
      {report && (
        <div class="table-scroll">
          <table class="table" data-testid="deviations-table">
            <thead>
              <tr>
                <th>{t('deviations.rule')}</th>
                {OUTCOMES.map((o) => (
                  <th class="num">{t(`deviations.${o}` as 'deviations.due')}</th>
                ))}
                <th class="num">{t('deviations.raised')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rules.map((r) => (
                <tr data-rule={r.code} class={r.total.missed > 0 ? 'row-behind' : ''}>
                  <td>
                    {loc(r.title)}
                    <div class="muted">
                      {!r.in_definition ? t('deviations.notInProcess') : r.stage ? stageName(r.stage) : t('deviations.anyStage')}
                      {r.checkpoint ? ` · ${t('deviations.checkpoint')}` : ''}
                    </div>
                  </td>
                  {OUTCOMES.map((o) => (
                    <td class="num">
                      <button type="button" class="link-button" disabled={!r.total[o]} onClick={() => setDrill({ rule: r, outcome: o })}>
                        {r.total[o]}
                      </button>
                    </td>
                  ))}
                  <td class="num">{r.deviations_raised}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {drill && <DrillList key={`${drill.rule.code}-${drill.outcome}`} params={params} rule={drill.rule} outcome={drill.outcome} onClose={() => setDrill(null)} />}
    </section>
  );
}

function DrillList({ params, rule, outcome, onClose }: { params: Record<string, string>; rule: RuleRow; outcome: Outcome; onClose: () => void }) {
  const [cards, setCards] = useState<Cards | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<Cards>('/api/analytics/deviations/cards', { ...params, rule: rule.code, outcome: outcome === 'due' ? '' : outcome }).then(setCards, (e) =>
      setError(errorText(e)),
    );
  }, []);
  return (
    <div class="card-panel funnel-drill" data-testid="deviations-drill">
      <div class="drill-head">
        <h2>
          {loc(rule.title)}: {t(`deviations.${outcome}` as 'deviations.due').toLowerCase()}
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
              <th class="num">{t('deviations.dueAt')}</th>
              <th class="num">{t('deviations.doneAt')}</th>
              <th>{t('deviations.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {cards.items.map((c) => (
              <tr>
                <td>
                  <Link href={`/deals/${c.deal_id}`}>{c.deal_title}</Link>
                  <div class="muted">{c.title}</div>
                </td>
                <td>{c.assignee_name ?? '—'}</td>
                <td class="num">{dateTime(c.due_at)}</td>
                <td class="num">{c.done_at ? dateTime(c.done_at) : '—'}</td>
                <td>{t(`deviations.${c.outcome}` as 'deviations.due')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
