// "Мотивация": the month's points per action (quality rules applied), the leaderboard and the
// payroll sheet — base salary by points level plus a tiered % of sales — with Excel / CSV export.

import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { Banner, errorText, Spinner, useTitle } from '../components/ui';
import { money } from '../format';
import { loc, t, type Lang } from '../i18n';
import { thisMonth, type MotivationSheet } from './analytics/types';
import './analytics/analytics.css';

export function MotivationPage({ lang }: { lang: Lang }) {
  useTitle(t('motivation.title'));
  const [month, setMonth] = useState(thisMonth());
  const [sheet, setSheet] = useState<MotivationSheet | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setSheet(null);
    setError(null);
    get<MotivationSheet>('/api/analytics/motivation', { month }).then(setSheet, (e) => setError(errorText(e)));
  }, [month]);

  const plan = sheet?.scheme.points_plan ?? 1;
  return (
    <section class="page analytics" aria-labelledby="motivation-h1" data-lang={lang}>
      <div class="page-head">
        <div>
          <h1 id="motivation-h1" tabIndex={-1}>
            {t('motivation.title')}
          </h1>
          <p class="muted">{sheet ? loc(sheet.scheme.name) : t('motivation.intro')}</p>
        </div>
        <div class="page-actions">
          <label class="field-inline">
            {t('plan.month')}{' '}
            <input type="month" value={month} onChange={(e) => setMonth((e.target as HTMLInputElement).value || thisMonth())} />
          </label>
          <a class="btn" data-testid="payroll-xlsx" href={`/api/analytics/motivation/export?month=${month}`} download>
            {t('analytics.xlsx')}
          </a>
          <a class="btn" href={`/api/analytics/motivation/export?format=csv&month=${month}`} download>
            CSV
          </a>
        </div>
      </div>
      {error && <Banner>{error}</Banner>}
      {!sheet && !error && <Spinner />}
      {sheet && (
        <>
          <h2>{t('motivation.leaderboard')}</h2>
          <ol class="leaderboard" data-testid="leaderboard">
            {sheet.rows.map((r) => (
              <li key={r.user_id}>
                <span class="leader-rank">{r.rank}</span>
                <span class="leader-name">{r.name}</span>
                <span class="leader-bar" aria-hidden="true">
                  <span style={{ width: `${Math.min(100, (r.points / plan) * 100)}%` }} />
                </span>
                <span class="leader-points">
                  {t('motivation.points', { points: r.points, plan })} · {r.points_plan_percent} %
                </span>
              </li>
            ))}
          </ol>
          <h2>{t('motivation.payroll')}</h2>
          <div class="table-scroll">
            <table class="table" data-testid="payroll">
              <thead>
                <tr>
                  <th>{t('plan.manager')}</th>
                  {sheet.scheme.actions.map((a) => (
                    <th class="num" title={a.required.length ? t('motivation.requires', { fields: a.required.join(', ') }) : undefined}>
                      {loc(a.name)} <span class="muted">×{a.points}</span>
                    </th>
                  ))}
                  <th class="num">{t('motivation.pointsShort')}</th>
                  <th class="num">{t('motivation.base')}</th>
                  <th class="num">{t('motivation.sales')}</th>
                  <th class="num">{t('motivation.percent')}</th>
                  <th class="num">{t('motivation.bonus')}</th>
                  <th class="num">{t('motivation.total')}</th>
                </tr>
              </thead>
              <tbody>
                {sheet.rows.map((r) => (
                  <tr key={r.user_id}>
                    <td>{r.name}</td>
                    {sheet.scheme.actions.map((a) => {
                      const c = r.actions[a.code];
                      return (
                        <td class="num">
                          {c.counted}
                          {c.rejected > 0 && (
                            <span class="muted" title={t('motivation.rejectedHint')}>
                              {' '}
                              (−{c.rejected})
                            </span>
                          )}
                        </td>
                      );
                    })}
                    <td class="num">
                      <strong>{r.points}</strong>
                    </td>
                    <td class="num">{money(r.base)}</td>
                    <td class="num">
                      {money(r.sales)} <span class="muted">({r.sales_plan_percent} %)</span>
                    </td>
                    <td class="num">{r.percent} %</td>
                    <td class="num">{money(r.bonus)}</td>
                    <td class="num">
                      <strong>{money(r.total)}</strong>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('motivation.scheme')}</h2>
          <div class="scheme-grid">
            <ul>
              {sheet.scheme.actions.map((a) => (
                <li>
                  {loc(a.name)}: <strong>{a.points}</strong>
                  {a.required.length > 0 && <span class="muted"> — {t('motivation.requires', { fields: a.required.join(', ') })}</span>}
                </li>
              ))}
            </ul>
            <ul>
              {sheet.scheme.salary_levels.map((l) => (
                <li>{t('motivation.level', { points: l.from_points, base: money(l.base) })}</li>
              ))}
            </ul>
            <ul>
              {sheet.scheme.sales_percent.map((x) => (
                <li>{t('motivation.tier', { from: x.from_plan_percent, percent: x.percent })}</li>
              ))}
              <li class="muted">
                {sheet.plan_saved ? t('motivation.planFromSaved') : t('motivation.planDefault', { plan: money(sheet.scheme.sales_plan) })}
              </li>
            </ul>
          </div>
        </>
      )}
    </section>
  );
}
