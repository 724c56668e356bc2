// The desktop's week view: Monday to Sunday, hours 8–20 in the user's time zone, with the
// user's tasks (by due time; each links to its card) and the next steps of the calls and
// meetings they logged. Earlier and later items sit in the first and last rows.

import { useEffect, useState } from 'preact/hooks';
import { listAll } from '../../api';
import { Banner, Spinner, errorText } from '../../components/ui';
import { locale, t, type Key } from '../../i18n';
import { Link } from '../../router';
import { deals, fetchMissing, meta } from '../../store';
import type { Activity, Deal, Task } from '../../types';
import { wallIn, weekDays, weekStart } from './week';

const FIRST_HOUR = 8;
const LAST_HOUR = 20;

interface Item {
  key: string;
  at: Date;
  title: string;
  kind: 'task' | 'step';
  done?: boolean;
  dealId: number | null;
  activityType?: string;
}

export function WeekCalendar() {
  const tz = meta.me!.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [offset, setOffset] = useState(0);
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setTick] = useState(0);

  const monday = weekStart(new Date(), tz, offset);
  const days = weekDays(monday, tz);
  const from = days[0];
  const to = days[7];

  useEffect(() => {
    const ctl = new AbortController();
    setItems(null);
    setError(null);
    (async () => {
      const [tasks, acts] = await Promise.all([
        listAll<Task>('/api/tasks', { mine: true, due_from: from.toISOString(), due_to: to.toISOString(), sort: 'due_at' }, { signal: ctl.signal, maxPages: 5 }),
        // Activities have no range filter on the next step: newest next steps first, until the week is passed.
        listAll<Activity>('/api/activities', { mine: true, sort: '-next_step_at' }, {
          signal: ctl.signal,
          maxPages: 5,
          stop: (page) => page.some((a) => !a.next_step_at || new Date(a.next_step_at) < from),
        }),
      ]);
      const list: Item[] = [
        ...tasks.map((x) => ({ key: `t${x.id}`, at: new Date(x.due_at), title: x.title, kind: 'task' as const, done: x.done, dealId: x.deal_id })),
        ...acts
          .filter((a) => a.next_step_at && new Date(a.next_step_at) >= from && new Date(a.next_step_at) < to)
          .map((a) => ({ key: `a${a.id}`, at: new Date(a.next_step_at!), title: a.next_step || a.goal || t(`activity.${a.type}` as Key), kind: 'step' as const, dealId: a.deal_id, activityType: a.type })),
      ].sort((a, b) => +a.at - +b.at);
      setItems(list);
      const ids = list.map((x) => x.dealId).filter((x): x is number => !!x);
      if (ids.some((id) => !deals.has(id))) void fetchMissing<Deal>('/api/deals', deals, ids, 60).then(() => setTick((n) => n + 1));
    })().catch((e) => {
      if ((e as Error).name !== 'AbortError') setError(errorText(e));
    });
    return () => ctl.abort();
  }, [offset, tz]);

  const dayFmt = new Intl.DateTimeFormat(locale(), { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short' });
  const rangeFmt = new Intl.DateTimeFormat(locale(), { timeZone: tz, day: 'numeric', month: 'long' });
  const timeFmt = new Intl.DateTimeFormat(locale(), { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const today = wallIn(new Date(), tz);
  const hours = Array.from({ length: LAST_HOUR - FIRST_HOUR + 1 }, (_, i) => FIRST_HOUR + i);

  // Items by day index and hour row.
  const cells = new Map<string, Item[]>();
  for (const it of items ?? []) {
    const dayIdx = days.findIndex((d, i) => i < 7 && it.at >= d && it.at < days[i + 1]);
    if (dayIdx < 0) continue;
    const h = Math.min(LAST_HOUR, Math.max(FIRST_HOUR, wallIn(it.at, tz).h));
    const k = `${dayIdx}:${h}`;
    cells.set(k, [...(cells.get(k) ?? []), it]);
  }

  return (
    <section class="panel week" aria-labelledby="week-h" data-testid="week">
      <div class="week-head">
        <h2 id="week-h">
          {t('week.title', { from: rangeFmt.format(days[0]), to: rangeFmt.format(days[6]) })}
        </h2>
        <div class="week-nav">
          <button type="button" class="btn btn-small" onClick={() => setOffset((o) => o - 1)} aria-label={t('week.prevLabel')}>
            ← {t('week.prev')}
          </button>
          <button type="button" class="btn btn-small" disabled={offset === 0} onClick={() => setOffset(0)}>
            {t('week.current')}
          </button>
          <button type="button" class="btn btn-small" onClick={() => setOffset((o) => o + 1)} aria-label={t('week.nextLabel')}>
            {t('week.next')} →
          </button>
        </div>
      </div>
      <p class="muted week-tz">{t('week.zone', { tz })}</p>
      {error && <Banner>{error}</Banner>}
      {!items && !error && <Spinner />}
      {items && (
        <div class="week-scroll">
          <table class="week-grid">
            <thead>
              <tr>
                <th scope="col" class="week-hour-h">
                  <span class="sr-only">{t('week.hour')}</span>
                </th>
                {days.slice(0, 7).map((d) => {
                  const w = wallIn(d, tz);
                  const isToday = w.y === today.y && w.m === today.m && w.d === today.d;
                  return (
                    <th scope="col" key={+d} class={isToday ? 'week-today' : ''} aria-current={isToday ? 'date' : undefined}>
                      {dayFmt.format(d)}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {hours.map((h) => (
                <tr key={h}>
                  <th scope="row" class="week-hour">
                    {h === FIRST_HOUR ? `≤ ${h}:00` : h === LAST_HOUR ? `≥ ${h}:00` : `${h}:00`}
                  </th>
                  {days.slice(0, 7).map((_, i) => (
                    <td key={i}>
                      {(cells.get(`${i}:${h}`) ?? []).map((it) => (
                        <div key={it.key} class={`week-item week-${it.kind}${it.done ? ' week-done' : ''}`} data-testid="week-item">
                          <time dateTime={it.at.toISOString()}>{timeFmt.format(it.at)}</time>{' '}
                          {it.kind === 'task' && it.dealId ? (
                            <Link href={`/deals/${it.dealId}`}>{it.title}</Link>
                          ) : (
                            <span>{it.title}</span>
                          )}
                          {it.kind === 'step' && <span class="week-tag">{t('week.nextStep')}</span>}
                          {it.kind === 'step' && it.dealId && (
                            <Link href={`/deals/${it.dealId}`} class="week-deal">
                              {deals.get(it.dealId)?.title ?? `#${it.dealId}`}
                            </Link>
                          )}
                          {it.done && <span class="sr-only"> ({t('week.done')})</span>}
                        </div>
                      ))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 && <p class="muted">{t('week.empty')}</p>}
        </div>
      )}
    </section>
  );
}
