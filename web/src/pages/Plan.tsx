// "План": the head enters the month's revenue plan and break-even point; the server works back
// up the funnel with the base month's conversions (rounding up at every step) and splits it per
// manager. The arithmetic is shown line by line; a saved plan gets a day-by-day progress view.

import { lazy, Suspense } from 'preact/compat';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, request } from '../api';
import { Banner, errorText, Spinner, useTitle } from '../components/ui';
import { money } from '../format';
import { loc, t, type Lang } from '../i18n';
import { meta } from '../store';
import {
  parseRubles,
  thisMonth,
  type ComputedPlan,
  type ManagerInput,
  type PlanLine,
  type PlanRequest,
  type PlanState,
  type Progress,
  type Series,
} from './analytics/types';

import './analytics/analytics.css';

const ProgressChart = lazy(() => import('./analytics/ProgressChart'));

const rubles = (k: number) => String(Math.round(k / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
const percent = (permille: number) => `${(permille / 10).toLocaleString(undefined, { minimumFractionDigits: 1 })} %`;

export function PlanPage({ lang }: { lang: Lang }) {
  useTitle(t('plan.title'));
  const role = meta.me?.role;
  const planner = role === 'head' || role === 'admin' || role === 'owner';
  const [month, setMonth] = useState(thisMonth());
  const [state, setState] = useState<PlanState | null>(null);
  const [shown, setShown] = useState<ComputedPlan | null>(null);
  const [revenue, setRevenue] = useState('');
  const [breakEven, setBreakEven] = useState('');
  const [average, setAverage] = useState('');
  const [baseMonth, setBaseMonth] = useState('');
  const [managers, setManagers] = useState<(ManagerInput & { name: string; on: boolean })[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  const load = async () => {
    setError(null);
    try {
      const s = await get<PlanState>('/api/analytics/plan', { month });
      setState(s);
      setShown(s.saved);
      setSaved(!!s.saved);
      const input = s.saved?.input;
      setRevenue(input ? rubles(input.revenue_plan) : '');
      setBreakEven(input && input.break_even ? rubles(input.break_even) : '');
      setAverage(input?.average_sale ? rubles(input.average_sale) : '');
      setBaseMonth(input?.base_month ?? s.default_base_month);
      const planned = new Map((input?.managers ?? []).map((m) => [m.user_id, m]));
      const names = new Map(s.managers.map((m) => [m.user_id, m.name]));
      for (const m of s.saved?.plan.managers ?? []) names.set(m.user_id, m.name);
      const ids = [...new Set([...s.managers.map((m) => m.user_id), ...planned.keys()])];
      setManagers(
        ids.map((id) => ({
          user_id: id,
          name: names.get(id) ?? `#${id}`,
          weight: planned.get(id)?.weight ?? 1,
          first_day: planned.get(id)?.first_day ?? 1,
          on: input ? planned.has(id) : true,
        })),
      );
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => void load(), [month]);

  const body = (): PlanRequest | null => {
    const r = parseRubles(revenue);
    if (!r) {
      setError(t('plan.needRevenue'));
      return null;
    }
    const b: PlanRequest = {
      month,
      revenue_plan: r,
      break_even: parseRubles(breakEven) ?? 0,
      base_month: baseMonth,
      managers: managers.filter((m) => m.on).map(({ user_id, weight, first_day }) => ({ user_id, weight, first_day })),
    };
    const avg = parseRubles(average);
    if (average.trim() && avg) b.average_sale = avg;
    return b;
  };

  const run = async (save: boolean) => {
    const b = body();
    if (!b) return;
    setBusy(true);
    setError(null);
    try {
      const result = save
        ? await request<ComputedPlan>('PUT', `/api/analytics/plan/${month}`, b)
        : await request<ComputedPlan>('POST', '/api/analytics/plan/preview', b);
      setShown(result);
      setSaved(save);
      if (save) setState((s) => (s ? { ...s, saved: result } : s));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page analytics" aria-labelledby="plan-h1" data-lang={lang}>
      <div class="page-head">
        <div>
          <h1 id="plan-h1" tabIndex={-1}>
            {t('plan.title')}
          </h1>
          <p class="muted">{t('plan.intro')}</p>
        </div>
        <div class="page-actions">
          <label class="field-inline">
            {t('plan.month')}{' '}
            <input type="month" value={month} onChange={(e) => setMonth((e.target as HTMLInputElement).value || thisMonth())} />
          </label>
          {state?.saved && (
            <>
              <a class="btn" href={`/api/analytics/plan/${month}/export`} download>
                {t('analytics.xlsx')}
              </a>
              <a class="btn" href={`/api/analytics/plan/${month}/export?format=csv`} download>
                CSV
              </a>
            </>
          )}
        </div>
      </div>
      {error && <Banner>{error}</Banner>}
      {!state && !error && <Spinner />}
      {state && planner && (
        <form
          class="card-panel plan-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(false);
          }}
        >
          <div class="form-grid">
            <div class="field">
              <label for="plan-revenue">{t('plan.revenue')}</label>
              <input id="plan-revenue" data-testid="plan-revenue" inputMode="numeric" value={revenue} placeholder="800 000"
                onInput={(e) => setRevenue((e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="plan-break-even">{t('plan.breakEven')}</label>
              <input id="plan-break-even" inputMode="numeric" value={breakEven} placeholder="400 000"
                onInput={(e) => setBreakEven((e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="plan-base">{t('plan.baseMonth')}</label>
              <input id="plan-base" type="month" value={baseMonth} onChange={(e) => setBaseMonth((e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="plan-average">{t('plan.averageSale')}</label>
              <input id="plan-average" inputMode="numeric" value={average} placeholder={t('plan.averageFromBase')}
                onInput={(e) => setAverage((e.target as HTMLInputElement).value)} />
            </div>
          </div>
          <fieldset class="plan-managers">
            <legend>{t('plan.managers')}</legend>
            <table class="table">
              <thead>
                <tr>
                  <th>{t('plan.manager')}</th>
                  <th>{t('plan.weight')}</th>
                  <th>{t('plan.firstDay')}</th>
                </tr>
              </thead>
              <tbody>
                {managers.map((m, i) => {
                  const set = (patch: Partial<typeof m>) => setManagers(managers.map((x, j) => (j === i ? { ...x, ...patch } : x)));
                  return (
                    <tr key={m.user_id}>
                      <td>
                        <label>
                          <input type="checkbox" checked={m.on} onChange={(e) => set({ on: (e.target as HTMLInputElement).checked })} /> {m.name}
                        </label>
                      </td>
                      <td>
                        <input class="input-narrow" type="number" min={1} max={1000} value={m.weight} aria-label={`${t('plan.weight')}: ${m.name}`}
                          onInput={(e) => set({ weight: Math.max(1, Number((e.target as HTMLInputElement).value) || 1) })} />
                      </td>
                      <td>
                        <input class="input-narrow" type="number" min={1} max={31} value={m.first_day} aria-label={`${t('plan.firstDay')}: ${m.name}`}
                          onInput={(e) => set({ first_day: Math.max(1, Number((e.target as HTMLInputElement).value) || 1) })} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </fieldset>
          <div class="form-actions">
            <button type="submit" class="btn" data-testid="plan-compute" disabled={busy}>
              {t('plan.compute')}
            </button>
            {state.can_save && (
              <button type="button" class="btn btn-primary" data-testid="plan-save" disabled={busy} onClick={() => void run(true)}>
                {t('plan.save')}
              </button>
            )}
          </div>
        </form>
      )}
      {state && !shown && !planner && <p class="muted">{t('plan.none')}</p>}
      {shown && <PlanView plan={shown} saved={saved} />}
      {state?.saved && saved && <ProgressView month={month} lines={state.saved.plan.lines} />}
    </section>
  );
}

function PlanView({ plan, saved }: { plan: ComputedPlan; saved: boolean }) {
  const p = plan.plan;
  return (
    <>
      <h2>{saved ? t('plan.savedTitle', { version: plan.version ?? 1 }) : t('plan.previewTitle')}</h2>
      <p class="muted">
        {t('plan.base', { month: plan.base.month, sales: plan.base.sales, revenue: money(plan.base.revenue), average: money(plan.base.average_sale) })}
      </p>
      <ol class="plan-arithmetic" data-testid="plan-arithmetic">
        <li data-testid="plan-sales-needed">
          {t('plan.salesNeeded', { n: p.sales_needed })} <code>{p.lines[p.lines.length - 1].formula}</code>
        </li>
        {p.break_even_sales > 0 && (
          <li>
            {t('plan.breakEvenSales', { n: p.break_even_sales })} <code>{p.break_even_formula}</code>
          </li>
        )}
        {p.lines
          .slice(0, -1)
          .map((l, i) => ({ l, next: p.lines[i + 1] }))
          .reverse()
          .map(({ l, next }) => (
            <li>
              {t('plan.stepLine', { step: loc(l.name), n: l.target, next: loc(next.name), conv: percent(l.conversion_permille ?? 0) })}{' '}
              <code>{l.formula}</code>
              {l.conversion_capped && <span class="muted"> {t('plan.capped')}</span>}
            </li>
          ))}
      </ol>
      <table class="table">
        <thead>
          <tr>
            <th>{t('plan.step')}</th>
            <th class="num">{t('plan.baseCount', { month: plan.base.month })}</th>
            <th class="num">{t('plan.conversion')}</th>
            <th class="num">{t('plan.target')}</th>
          </tr>
        </thead>
        <tbody>
          {p.lines.map((l) => (
            <tr>
              <td>{loc(l.name)}</td>
              <td class="num">{l.base_count}</td>
              <td class="num">{l.conversion_permille !== undefined ? percent(l.conversion_permille) : '—'}</td>
              <td class="num">
                <strong>{l.target}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('plan.split')}</h2>
      <div class="table-scroll">
        <table class="table" data-testid="plan-split">
          <thead>
            <tr>
              <th>{t('plan.manager')}</th>
              <th class="num">{t('plan.share')}</th>
              <th class="num">{t('plan.revenueShort')}</th>
              {p.lines.map((l) => (
                <th class="num">{loc(l.name)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.managers.map((m) => (
              <tr>
                <td>
                  {m.name}
                  {m.first_day > 1 && <span class="muted"> {t('plan.fromDay', { day: m.first_day })}</span>}
                </td>
                <td class="num">{percent(m.share_permille)}</td>
                <td class="num">{money(m.revenue)}</td>
                {p.lines.map((l) => (
                  <td class="num">{m.targets[l.code]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted">{t('plan.roundingNote')}</p>
    </>
  );
}

function ProgressView({ month, lines }: { month: string; lines: PlanLine[] }) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<Progress>(`/api/analytics/plan/${month}/progress`).then(setProgress, (e) => setError(errorText(e)));
  }, [month]);
  const labels = useMemo(() => ({ actual: t('plan.actual'), plan: t('plan.planLine'), projection: t('plan.projection') }), [progress]);
  if (error) return <Banner>{error}</Banner>;
  if (!progress) return <Spinner />;
  const revenue = progress.team.find((s) => s.code === 'revenue');
  const name = (s: Series) => (s.code === 'revenue' ? t('plan.revenueShort') : loc(lines.find((l) => l.code === s.code)?.name) || s.code);
  const fmt = (s: Series, v: number) => (s.code === 'revenue' ? money(v) : String(v));
  return (
    <>
      <h2>{t('plan.progress', { day: progress.elapsed_days, days: progress.days_in_month })}</h2>
      {revenue && (
        <Suspense fallback={<Spinner />}>
          <ProgressChart days={progress.days_in_month} daily={revenue.daily} target={revenue.target} labels={labels} format={money} />
        </Suspense>
      )}
      <table class="table" data-testid="plan-progress">
        <thead>
          <tr>
            <th>{t('plan.step')}</th>
            <th class="num">{t('plan.target')}</th>
            <th class="num">{t('plan.toDate')}</th>
            <th class="num">{t('plan.actual')}</th>
            <th class="num">{t('plan.pace')}</th>
            <th class="num">{t('plan.projection')}</th>
          </tr>
        </thead>
        <tbody>
          {progress.team.map((s) => (
            <tr class={s.planned_to_date > 0 && s.pace_percent < 90 ? 'row-behind' : ''}>
              <td>{name(s)}</td>
              <td class="num">{fmt(s, s.target)}</td>
              <td class="num">{fmt(s, s.planned_to_date)}</td>
              <td class="num">{fmt(s, s.actual)}</td>
              <td class="num">{s.planned_to_date > 0 ? `${s.pace_percent} %` : '—'}</td>
              <td class="num">{fmt(s, s.projection)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {progress.managers.length > 1 && (
        <table class="table">
          <thead>
            <tr>
              <th>{t('plan.manager')}</th>
              <th class="num">{t('plan.revenueShort')}</th>
              <th class="num">{t('plan.pace')}</th>
              <th class="num">{t('plan.projection')}</th>
            </tr>
          </thead>
          <tbody>
            {progress.managers.map((m) => {
              const r = m.series[0];
              return (
                <tr class={r.planned_to_date > 0 && r.pace_percent < 90 ? 'row-behind' : ''}>
                  <td>
                    {m.name}
                    {!m.in_plan && <span class="muted"> {t('plan.notInPlan')}</span>}
                  </td>
                  <td class="num">
                    {money(r.actual)} / {money(r.target)}
                  </td>
                  <td class="num">{r.planned_to_date > 0 ? `${r.pace_percent} %` : '—'}</td>
                  <td class="num">{money(r.projection)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
