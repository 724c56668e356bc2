// The bell in the header: the unread count, live from the server-sent events stream
// (GET /api/notifications/stream; while it is down, GET /api/notifications?unread=true every
// 10 s, when the window regains focus, and right after this tab did something in the process),
// a dropdown of the latest messages linking to their cards; opening one marks it read.

import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post } from '../api';
import { dateTime } from '../format';
import { loc, t } from '../i18n';
import { navigate } from '../router';
import { deals, fetchMissing } from '../store';
import type { Deal, Notification } from '../types';

const POLL_MS = 10_000;

const pokes = new Set<() => void>();
/** Asks the bell to look again now (after a process step that may have notified someone). */
export function pokeNotifications() {
  pokes.forEach((f) => f());
}

interface Feed {
  items: Notification[];
  unread: number;
}

export function NotificationBell() {
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  // Live: the server-sent events stream (GET /api/notifications/stream) gives the unread count
  // at once and then each new notification. Polling (every 10 s, on focus, after a process
  // step in this tab) runs only while the stream is down.
  useEffect(() => {
    let live = true;
    let inFlight = false;
    let timer: ReturnType<typeof setInterval> | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let es: EventSource | null = null;
    let greetings = 0;
    const seen = new Set<number>();

    const poll = async () => {
      if (inFlight || document.visibilityState === 'hidden') return;
      inFlight = true;
      try {
        const feed = await get<Feed>('/api/notifications', { unread: true });
        if (!live) return;
        setUnread(feed.unread);
        for (const x of feed.items) seen.add(x.id);
        setItems((old) => {
          if (!old) return old;
          const have = new Set(old.map((x) => x.id));
          return [...feed.items.filter((x) => !have.has(x.id)), ...old];
        });
      } catch {
        /* next round */
      } finally {
        inFlight = false;
      }
    };
    const onFocus = () => void poll();
    const onVisible = () => document.visibilityState === 'visible' && void poll();
    const startPolling = () => {
      if (timer || !live) return;
      void poll();
      timer = setInterval(() => void poll(), POLL_MS);
      window.addEventListener('focus', onFocus);
      document.addEventListener('visibilitychange', onVisible);
      pokes.add(onFocus);
    };
    const stopPolling = () => {
      if (!timer) return;
      clearInterval(timer);
      timer = null;
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisible);
      pokes.delete(onFocus);
    };

    const connect = () => {
      if (!live) return;
      if (typeof EventSource === 'undefined') return startPolling();
      es = new EventSource('/api/notifications/stream', { withCredentials: true });
      es.addEventListener('open', () => stopPolling());
      es.addEventListener('unread', (e) => {
        stopPolling();
        try {
          setUnread(Number(JSON.parse((e as MessageEvent).data).unread) || 0);
        } catch {
          /* malformed: ignore */
        }
        // After a reconnect the stream replays what came since the last event id, which the
        // count already includes: read the count once more when that replay has arrived.
        if (greetings++ > 0) setTimeout(() => void poll(), 1000);
      });
      es.addEventListener('notification', (e) => {
        let n: Notification;
        try {
          n = { ...JSON.parse((e as MessageEvent).data), read: false };
        } catch {
          return;
        }
        if (seen.has(n.id)) return;
        seen.add(n.id);
        setUnread((u) => u + 1);
        setItems((old) => (old ? [n, ...old.filter((x) => x.id !== n.id)] : old));
        if (n.deal_id && !deals.has(n.deal_id)) void fetchMissing<Deal>('/api/deals', deals, [n.deal_id], 1).then(() => setItems((x) => (x ? [...x] : x)));
      });
      es.addEventListener('error', () => {
        // The browser retries by itself (retry: 3000) unless the stream was refused; poll meanwhile.
        startPolling();
        if (es && es.readyState === EventSource.CLOSED) {
          es = null;
          retry = setTimeout(connect, 30_000);
        }
      });
    };
    connect();
    return () => {
      live = false;
      es?.close();
      if (retry) clearTimeout(retry);
      stopPolling();
    };
  }, []);

  // The list: read when opened (the latest, read or not).
  useEffect(() => {
    if (!open) return;
    get<Feed>('/api/notifications')
      .then((feed) => {
        const list = feed.items.slice(0, 30);
        setItems(list);
        setUnread(feed.unread);
        // The cards' titles under the messages.
        const ids = list.map((x) => x.deal_id).filter((x): x is number => !!x);
        if (ids.some((id) => !deals.has(id))) void fetchMissing<Deal>('/api/deals', deals, ids, 30).then(() => setItems((x) => (x ? [...x] : x)));
      })
      .catch(() => setItems((x) => x ?? []));
  }, [open]);

  // Close on Escape (focus back to the bell) and on a click elsewhere.
  useEffect(() => {
    if (!open) return;
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    const click = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', key);
    document.addEventListener('mousedown', click);
    return () => {
      document.removeEventListener('keydown', key);
      document.removeEventListener('mousedown', click);
    };
  }, [open]);

  const markRead = async (n: Notification) => {
    if (n.read) return;
    setItems((list) => list?.map((x) => (x.id === n.id ? { ...x, read: true } : x)) ?? list);
    setUnread((u) => Math.max(0, u - 1));
    try {
      await post(`/api/notifications/${n.id}/read`, {});
    } catch {
      /* the next poll corrects the count */
    }
  };

  const openOne = (n: Notification, e: MouseEvent) => {
    void markRead(n);
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    setOpen(false);
    if (n.deal_id) navigate(`/deals/${n.deal_id}`);
  };

  const readAll = () => {
    for (const n of items ?? []) if (!n.read) void markRead(n);
  };

  const label = unread ? t('notif.labelUnread', { n: unread }) : t('notif.label');
  return (
    <div class="bell-wrap" ref={rootRef}>
      <button
        type="button"
        class={`bell${unread ? ' bell-unread' : ''}`}
        ref={buttonRef}
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls="notif-panel"
        data-testid="bell"
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.5A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.5L18 12.6V9a6 6 0 0 0-6-6Zm0 19a2.6 2.6 0 0 0 2.5-2h-5a2.6 2.6 0 0 0 2.5 2Z" fill="currentColor" />
        </svg>
        {unread > 0 && (
          <span class="bell-count" data-testid="bell-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div class="notif-panel" id="notif-panel" role="region" aria-label={t('notif.title')}>
          <div class="notif-head">
            <h2>{t('notif.title')}</h2>
            {unread > 0 && (
              <button type="button" class="btn btn-ghost btn-small" onClick={readAll}>
                {t('notif.readAll')}
              </button>
            )}
          </div>
          {items === null ? (
            <p class="muted notif-empty">{t('common.loading')}</p>
          ) : items.length === 0 ? (
            <p class="muted notif-empty">{t('notif.empty')}</p>
          ) : (
            <ul class="notif-list" role="list">
              {items.map((n) => (
                <li class={n.read ? 'notif' : 'notif notif-new'} key={n.id}>
                  <a href={n.deal_id ? `/deals/${n.deal_id}` : '#'} onClick={(e) => openOne(n, e)}>
                    {!n.read && <span class="sr-only">{t('notif.new')}: </span>}
                    <span class="notif-text">{loc(n.message)}</span>
                    {n.deal_id && deals.get(n.deal_id) && <span class="notif-deal">{deals.get(n.deal_id)!.title}</span>}
                    <time class="notif-time" dateTime={n.created_at}>
                      {dateTime(n.created_at)}
                    </time>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
