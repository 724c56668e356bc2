// The manager's home: own open tasks — overdue, today, upcoming — each linking to its card,
// each completable in place. The head (and admin, owner) also sees the latest deviations
// from the process in their scope: missed checkpoints, by whom, on which card.

import { useEffect, useState } from 'preact/hooks';
import { get, listAll, patch } from '../api';
import { Banner, Spinner, errorText, useTitle } from '../components/ui';
import { dateTime, day, relDay, startOfDay, time } from '../format';
import { loc, t, type Key, type Lang } from '../i18n';
import { Link } from '../router';
import { deals, fetchMissing, meta, stageName, toast } from '../store';
import type { Deal, Task } from '../types';
import { CalendarSubscribe } from './desktop/CalendarSubscribe';
import { WeekCalendar } from './desktop/WeekCalendar';

interface Groups {
  overdue: Task[];
  today: Task[];
  upcoming: Task[];
  moreUpcoming: boolean;
}

const UPCOMING_SHOWN = 50;

export function Desktop({ lang }: { lang: Lang }) {
  useTitle(t('desktop.title'));
  const me = meta.me!;
  const [groups, setGroups] = useState<Groups | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState<Set<number>>(new Set());
  const [, setDealTick] = useState(0);
  const [view, setViewState] = useState<'list' | 'week'>(() => (localStorage.getItem('voronka.desktopView') === 'week' ? 'week' : 'list'));
  const setView = (v: 'list' | 'week') => {
    setViewState(v);
    try {
      localStorage.setItem('voronka.desktopView', v);
    } catch {
      /* private mode */
    }
  };

  const load = async () => {
    setError(null);
    const now = new Date();
    const endOfToday = startOfDay(now, 1).toISOString();
    try {
      const [overdue, today, upcoming] = await Promise.all([
        listAll<Task>('/api/tasks', { mine: true, overdue: true, sort: 'due_at' }, { maxPages: 5 }),
        listAll<Task>('/api/tasks', { mine: true, done: false, due_from: now.toISOString(), due_to: endOfToday, sort: 'due_at' }, { maxPages: 5 }),
        listAll<Task>('/api/tasks', { mine: true, done: false, due_from: endOfToday, sort: 'due_at' }, { maxPages: 1 }),
      ]);
      setGroups({ overdue, today, upcoming: upcoming.slice(0, UPCOMING_SHOWN), moreUpcoming: upcoming.length > UPCOMING_SHOWN });
      const ids = [...overdue, ...today, ...upcoming].map((x) => x.deal_id!).filter(Boolean);
      if (ids.some((id) => !deals.has(id))) {
        // One list call covers most cards; the rest (closed deals) are read one by one.
        const mine = await listAll<Deal>('/api/deals', { mine: true, status: 'open', sort: '-stage_changed_at' }, { maxPages: 5 });
        for (const d of mine) deals.set(d.id, d);
        await fetchMissing('/api/deals', deals, ids, 100);
        setDealTick((n) => n + 1);
      }
    } catch (e) {
      setError(errorText(e));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const complete = async (task: Task) => {
    setWorking((s) => new Set(s).add(task.id));
    try {
      await patch<Task>(`/api/tasks/${task.id}`, { version: task.version, done: true });
      toast(t('desktop.completed', { title: task.title }));
      setGroups((g) =>
        g && {
          overdue: g.overdue.filter((x) => x.id !== task.id),
          today: g.today.filter((x) => x.id !== task.id),
          upcoming: g.upcoming.filter((x) => x.id !== task.id),
          moreUpcoming: g.moreUpcoming,
        },
      );
    } catch (e) {
      toast(errorText(e), 'error');
      void load();
    } finally {
      setWorking((s) => {
        const n = new Set(s);
        n.delete(task.id);
        return n;
      });
    }
  };

  const firstName = me.name.split(' ')[0];
  return (
    <section class="page desktop" aria-labelledby="desktop-h1" data-lang={lang}>
      <div class="page-head">
        <div>
          <h1 id="desktop-h1" tabIndex={-1}>
            {t('desktop.title')}
          </h1>
          <p class="muted">
            {t('desktop.greeting', { name: firstName })} {day(new Date())}
          </p>
        </div>
        <div class="page-actions">
          <Link href="/leads/new" class="btn btn-primary">
            {t('desktop.newLead')}
          </Link>
          <Link href="/board" class="btn">
            {t('desktop.openBoard')}
          </Link>
        </div>
      </div>
      {error && (
        <Banner>
          {error}{' '}
          <button class="btn btn-small" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </Banner>
      )}
      {!groups && !error && <Spinner />}
      {(me.role === 'head' || me.role === 'admin' || me.role === 'owner') && <Deviations />}
      <div class="view-toggle" role="group" aria-label={t('desktop.view')}>
        <button type="button" class="btn btn-small" aria-pressed={view === 'list'} onClick={() => setView('list')}>
          {t('desktop.viewList')}
        </button>
        <button type="button" class="btn btn-small" aria-pressed={view === 'week'} onClick={() => setView('week')}>
          {t('desktop.viewWeek')}
        </button>
      </div>
      {view === 'week' && <WeekCalendar />}
      {view === 'list' && groups && (
        <div class="task-columns">
          <TaskGroup id="overdue" title="desktop.overdue" empty="desktop.noOverdue" tasks={groups.overdue} working={working} onComplete={complete} />
          <TaskGroup id="today" title="desktop.today" empty="desktop.noToday" tasks={groups.today} working={working} onComplete={complete} />
          <TaskGroup id="upcoming" title="desktop.upcoming" empty="desktop.noUpcoming" tasks={groups.upcoming} more={groups.moreUpcoming} working={working} onComplete={complete} />
        </div>
      )}
      <CalendarSubscribe />
    </section>
  );
}

function TaskGroup(props: { id: string; title: Key; empty: Key; tasks: Task[]; more?: boolean; working: Set<number>; onComplete: (t: Task) => void }) {
  const { id, title, empty, tasks, more, working, onComplete } = props;
  return (
    <section class={`panel task-group group-${id}`} aria-labelledby={`group-${id}`} data-testid={`tasks-${id}`}>
      <h2 id={`group-${id}`}>
        {t(title)} <span class="count">{tasks.length}{more ? '+' : ''}</span>
      </h2>
      {tasks.length === 0 ? (
        <p class="muted">{t(empty)}</p>
      ) : (
        <ul class="desk-tasks" role="list">
          {tasks.map((task) => {
            const deal = task.deal_id ? deals.get(task.deal_id) : undefined;
            return (
              <li class="desk-task" key={task.id} data-task-id={task.id}>
                <button
                  type="button"
                  class="complete-btn"
                  disabled={working.has(task.id)}
                  aria-label={t('desktop.completeTask', { title: task.title })}
                  title={t('desktop.complete')}
                  onClick={() => onComplete(task)}
                >
                  <span aria-hidden="true">✓</span>
                </button>
                <div class="desk-task-body">
                  <div class="desk-task-title">{task.title}</div>
                  <div class="desk-task-meta">
                    <time dateTime={task.due_at} class={id === 'overdue' ? 'late' : ''}>
                      {id === 'today' ? time(task.due_at) : id === 'overdue' ? dateTime(task.due_at) : `${relDay(task.due_at)}, ${time(task.due_at)}`}
                    </time>
                    {task.deal_id ? (
                      <Link href={`/deals/${task.deal_id}`} class="desk-task-deal">
                        {deal ? deal.title : `#${task.deal_id}`}
                      </Link>
                    ) : (
                      <span class="muted">{t('desktop.noDeal')}</span>
                    )}
                    {deal && <span class="muted desk-task-stage">{stageName(deal.stage)}</span>}
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

interface Deviation {
  id: number;
  deal_id: number;
  code: string;
  user_name: string | null;
  message: { ru: string; en: string };
  created_at: string;
}

const DEVIATIONS_SHOWN = 8;

function Deviations() {
  const [items, setItems] = useState<Deviation[] | null>(null);
  const [, setTick] = useState(0);
  useEffect(() => {
    get<{ items: Deviation[] }>('/api/deviations')
      .then((r) => {
        setItems(r.items);
        const ids = r.items.slice(0, DEVIATIONS_SHOWN).map((x) => x.deal_id);
        if (ids.some((id) => !deals.has(id))) void fetchMissing('/api/deals', deals, ids, DEVIATIONS_SHOWN).then(() => setTick((n) => n + 1));
      })
      .catch(() => setItems([]));
  }, []);
  if (items === null) return null;
  return (
    <section class="panel deviations" aria-labelledby="dev-h" data-testid="deviations">
      <h2 id="dev-h">
        {t('desktop.deviations')} <span class="count">{items.length}</span>
      </h2>
      {items.length === 0 ? (
        <p class="muted">{t('desktop.noDeviations')}</p>
      ) : (
        <ul class="dev-list" role="list">
          {items.slice(0, DEVIATIONS_SHOWN).map((d) => (
            <li key={d.id}>
              <span class="dev-msg">{loc(d.message)}</span>
              <span class="muted">{d.user_name ?? t('deal.system')}</span>
              <Link href={`/deals/${d.deal_id}`}>{deals.get(d.deal_id)?.title ?? `#${d.deal_id}`}</Link>
              <time class="muted" dateTime={d.created_at}>
                {dateTime(d.created_at)}
              </time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
