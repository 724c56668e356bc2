// The card's timeline (GET /api/deals/{id}/timeline), newest first: process steps (what the
// process did on each event), calls and meetings, and field changes. Entries of one event
// share a time and are shown together.

import { useMemo } from 'preact/hooks';
import { Spinner } from '../../components/ui';
import { dateTime, day, money } from '../../format';
import { t, tk } from '../../i18n';
import { effectText, fieldLabel, lostReasonName } from '../../process';
import { stageName, userName } from '../../store';
import type { Task, TimelineEntry } from '../../types';

const HIDDEN_FIELDS = new Set(['stage_changed_at', 'closed_at', 'pipeline', 'currency', 'updated_at', 'version']);

type ProcessEntry = Extract<TimelineEntry, { kind: 'process' }>;
type ActivityEntry = Extract<TimelineEntry, { kind: 'activity' }>;
type ChangeEntry = Extract<TimelineEntry, { kind: 'change' }>;

type Item =
  | { kind: 'process'; at: string; who: string | null; event: string; lines: string[] }
  | { kind: 'activity'; at: string; a: ActivityEntry }
  | { kind: 'change'; at: string; who: string | null; e: ChangeEntry[] };

function eventTitle(event: string): string {
  const [name, arg = ''] = event.split(' ', 2);
  switch (name) {
    case 'created':
      return t('tl.created');
    case 'move':
      return t('tl.move', { stage: stageName(arg) });
    case 'scored':
      return t('tl.scored');
    case 'check':
      return t('tl.check');
    case 'lost':
      return t('tl.lost', { reason: lostReasonName(arg) });
    case 'fields':
      return t('tl.fields');
    case 'timer':
      return t('tl.timer');
    case 'task_done':
      return t('tl.taskDone');
    case 'external':
      return t('tl.external', { name: arg.replace(/_/g, ' ') });
    default:
      return event;
  }
}

function value(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return t('common.none');
  switch (field) {
    case 'stage':
      return stageName(String(v));
    case 'status':
      return tk('status', String(v));
    case 'channel':
      return tk('channel', String(v));
    case 'amount':
      return money(Number(v));
    case 'responsible_id':
      return userName(Number(v));
    case 'decision_date':
      return day(String(v));
    case 'lost_reason':
      return lostReasonName(String(v));
    case 'members':
      return Array.isArray(v) ? v.map((x) => userName(Number(x))).join(', ') || t('common.none') : String(v);
    case 'archived':
      return v ? '✓' : '—';
    default:
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}

export function Timeline({ entries, tasks }: { entries: TimelineEntry[] | null; tasks: Task[] | null }) {
  const items = useMemo(() => {
    const titles = new Map((tasks ?? []).map((x) => [x.kind ?? '', x.title]));
    const out: Item[] = [];
    const processGroups = new Map<string, Extract<Item, { kind: 'process' }>>();
    const changeGroups = new Map<string, Extract<Item, { kind: 'change' }>>();
    const stageMovedAt = new Set<string>();
    for (const e of entries ?? []) {
      if (e.kind === 'process') {
        const p = e as ProcessEntry;
        if (/^stage /.test(p.text)) stageMovedAt.add(p.at);
        const k = `${p.at}|${p.event}|${p.user_name}`;
        let g = processGroups.get(k);
        if (!g) {
          g = { kind: 'process', at: p.at, who: p.user_name, event: p.event, lines: [] };
          processGroups.set(k, g);
          out.push(g);
        }
        // "Moved to X" already says the stage the move went to.
        const own = /^move (\S+)$/.exec(p.event);
        if (own && p.text.endsWith(` -> ${own[1]}`) && p.text.startsWith('stage ')) continue;
        const line = effectText(p.text, titles);
        if (line) g.lines.push(line);
      } else if (e.kind === 'activity') out.push({ kind: 'activity', at: e.at, a: e });
    }
    for (const e of entries ?? []) {
      if (e.kind !== 'change') continue;
      if (e.field && HIDDEN_FIELDS.has(e.field)) continue;
      // A stage change the process made is already told by its own entry.
      if (e.field === 'stage' && stageMovedAt.has(e.at)) continue;
      const k = `${e.at}|${e.user_name}`;
      let g = changeGroups.get(k);
      if (!g) {
        g = { kind: 'change', at: e.at, who: e.user_name, e: [] };
        changeGroups.set(k, g);
        out.push(g);
      }
      g.e.push(e);
    }
    // Newest first; within one moment the process step before the changes it caused.
    const rank = { process: 0, activity: 1, change: 2 };
    return out
      .filter((x) => x.kind !== 'process' || x.lines.length > 0 || x.event.startsWith('move '))
      .map((x, i) => ({ x, i }))
      .sort((a, b) => Date.parse(b.x.at) - Date.parse(a.x.at) || rank[a.x.kind] - rank[b.x.kind] || b.i - a.i)
      .map(({ x }) => x);
  }, [entries, tasks]);

  return (
    <section class="panel" aria-labelledby="timeline-h" data-testid="timeline">
      <h2 id="timeline-h">{t('deal.timeline')}</h2>
      {entries === null ? (
        <Spinner />
      ) : items.length === 0 ? (
        <p class="muted">{t('deal.noTimeline')}</p>
      ) : (
        <ol class="timeline">
          {items.map((it) =>
            it.kind === 'process' ? (
              <li class="tl tl-process">
                <div class="tl-head">
                  <span class="tl-type">{eventTitle(it.event)}</span>
                  <span class="tl-who">{it.who ?? t('deal.system')}</span>
                  <time class="tl-time" dateTime={it.at}>
                    {dateTime(it.at)}
                  </time>
                </div>
                {it.lines.length > 0 && (
                  <ul class="tl-changes">
                    {it.lines.map((l) => (
                      <li>{l}</li>
                    ))}
                  </ul>
                )}
              </li>
            ) : it.kind === 'activity' ? (
              <li class={`tl tl-${it.a.type}`}>
                <div class="tl-head">
                  <span class="tl-type">{tk('activity', it.a.type)}</span>
                  <span class="tl-who">{it.a.user_name ?? t('deal.system')}</span>
                  <time class="tl-time" dateTime={it.at}>
                    {dateTime(it.at)}
                  </time>
                </div>
                {it.a.text && (
                  <p>
                    <span class="tl-label">{t('log.goal_label')}</span> {it.a.text}
                  </p>
                )}
                {it.a.outcome && (
                  <p>
                    <span class="tl-label">{t('log.outcome_label')}</span> {it.a.outcome}
                  </p>
                )}
                {it.a.next_step && (
                  <p>
                    <span class="tl-label">{t('log.next_label')}</span> {it.a.next_step}
                  </p>
                )}
              </li>
            ) : (
              <li class="tl tl-audit">
                <div class="tl-head">
                  <span class="tl-who">{it.who ?? t('deal.system')}</span>
                  <time class="tl-time" dateTime={it.at}>
                    {dateTime(it.at)}
                  </time>
                </div>
                <ul class="tl-changes">
                  {it.e.map((e) => (
                    <li>
                      {e.action === 'create' ? (
                        t('deal.created')
                      ) : e.action === 'archive' ? (
                        t('deal.archivedAction')
                      ) : e.action === 'restore' ? (
                        t('deal.restoredAction')
                      ) : (
                        <>
                          {t('deal.changed', { field: fieldLabel(e.field ?? '') })}: <s>{value(e.field ?? '', e.old)}</s> → <strong>{value(e.field ?? '', e.new)}</strong>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              </li>
            ),
          )}
        </ol>
      )}
    </section>
  );
}
