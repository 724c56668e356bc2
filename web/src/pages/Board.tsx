// The pipeline board: one column per stage, cards dragged between columns (pointer events,
// so mouse and pen both work) or moved with Shift+←/→. A move is optimistic: the card
// jumps at once and POST /api/deals/{id}/move {to, version} follows — the process decides.
// When it refuses (422: the stage is not finished, or the move is not allowed; 409: stale)
// the card snaps back and the message names what is missing, with a link to the card.
// Dropping on Lost asks for one of the pipeline's lost reasons first.

import { memo } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { LostDialog } from '../components/LostDialog';
import { Banner, errorText, useTitle } from '../components/ui';
import { money, moneyShort } from '../format';
import { t, tk, type Lang } from '../i18n';
import { effectsSummary, lostReasonName, moveDeal, processErrorText, stageDef } from '../process';
import { navigate } from '../router';
import { companies, meta, shortName, stageName, toast } from '../store';
import type { Deal, ProcessResult } from '../types';
import { loadBoard, takeArrivedBoard, readBoardFilters, type BoardCard, type BoardFilters } from './board/data';

const CHANNELS = ['phone', 'site_form', 'email', 'messenger', 'manual', 'outbound', 'referral'];
const SEGMENTS = ['A', 'B', 'C'];
const FIRST_RENDER = 40; // cards drawn per column before "show more"
// The first paint draws fewer (a screen's worth) and the rest follows right after it, so
// that a board of a thousand cards shows and takes input sooner.
const FIRST_PAINT = 12;

type Filters = BoardFilters;
const readFilters = () => readBoardFilters();

function writeFilters(f: Filters) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const s = p.toString();
  history.replaceState(null, '', s ? `/board?${s}` : '/board');
}

const ms = (iso: string | null) => (iso ? Date.parse(iso) : 0);
const statusFor = (stage: string): Deal['status'] => (stage === 'won' ? 'won' : stage === 'lost' ? 'lost' : 'open');
// Company names from the board's read, kept across reloads of the board in this session.
const companyNames = new Map<number, string>();
const companyOf = (d: BoardCard) => (d.company_id ? (companyNames.get(d.company_id) ?? companies.get(d.company_id)?.name) : undefined);


export function Board({ lang }: { lang: Lang }) {
  useTitle(t('board.title'));
  const me = meta.me!;
  const stages = meta.stages;
  const [filters, setFilters] = useState<Filters>(readFilters);
  const [qInput, setQInput] = useState(filters.q);
  // The boot read may have arrived already: then the first render draws the cards.
  const [arrived] = useState(() => {
    const data = takeArrivedBoard(filters);
    if (data) for (const c of data.cards) if (c.company_id && c.company) companyNames.set(c.company_id, c.company);
    return data;
  });
  const [items, setItems] = useState<BoardCard[]>(() => arrived?.cards ?? []);
  const [loading, setLoading] = useState(!arrived);
  const [error, setError] = useState<string | null>(null);
  const [overdue, setOverdue] = useState<Set<number>>(() => new Set(arrived ? arrived.cards.filter((c) => c.overdue).map((c) => c.id) : []));
  const skipRead = useRef(!!arrived);
  const [shown, setShown] = useState<Record<string, number>>({});
  const [busy, setBusy] = useState<Set<number>>(new Set());
  const [flash, setFlash] = useState<number | null>(null);
  const [lostFor, setLostFor] = useState<BoardCard | null>(null);
  const [announce, setAnnounce] = useState('');
  const [reloadTick, setReloadTick] = useState(0);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const focusAfter = useRef<number | null>(null);
  const boardRef = useRef<HTMLDivElement>(null);
  // Columns drawn in full so far: after the first paint (a screen's worth of cards in every
  // column) the rest follows a few columns per frame, so the board takes input throughout.
  const [grown, setGrown] = useState(arrived ? 0 : Infinity);
  useEffect(() => {
    if (grown >= stages.length) return;
    let timer = 0;
    const frame = requestAnimationFrame(() => (timer = window.setTimeout(() => setGrown((g) => g + 3), 0)));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [grown, stages.length]);

  // Search is typed freely and applied after a pause.
  useEffect(() => {
    const h = setTimeout(() => setFilters((f) => (f.q === qInput.trim() ? f : { ...f, q: qInput.trim() })), 300);
    return () => clearTimeout(h);
  }, [qInput]);

  // The whole board in one read (GET /api/board): open deals, those closed lately, company
  // names and overdue flags. The previous picture stays until the new one arrives.
  useEffect(() => {
    writeFilters(filters);
    if (skipRead.current) {
      skipRead.current = false;  // drawn from the boot read
      return;
    }
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    loadBoard(filters, ctrl.signal)
      .then((data) => {
        if (ctrl.signal.aborted) return;
        for (const c of data.cards) if (c.company_id && c.company) companyNames.set(c.company_id, c.company);
        setOverdue(new Set(data.cards.filter((c) => c.overdue).map((c) => c.id)));
        setShown({});
        setGrown(0);
        setItems(data.cards);
      })
      .catch((e) => {
        if ((e as Error).name !== 'AbortError' && !ctrl.signal.aborted) setError(errorText(e));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [filters, reloadTick]);

  // Columns: grouped, newest in stage first; totals over everything loaded.
  const columns = useMemo(() => {
    const by = new Map<string, BoardCard[]>(stages.map((s) => [s.code, []]));
    for (const d of items) {
      let list = by.get(d.stage);
      if (!list) by.set(d.stage, (list = []));
      list.push(d);
    }
    return stages.map((s) => {
      const list = by.get(s.code)!;
      const closedCol = s.code === 'won' || s.code === 'lost';
      list.sort((a, b) => (closedCol ? ms(b.closed_at) - ms(a.closed_at) : 0) || ms(b.stage_changed_at) - ms(a.stage_changed_at) || b.id - a.id);
      const sum = list.reduce((acc, d) => acc + (d.currency === 'RUB' ? d.amount : 0), 0);
      return { code: s.code, deals: list, sum, closed: closedCol };
    });
  }, [items, stages]);

  const openTotals = useMemo(() => {
    let n = 0;
    let sum = 0;
    for (const d of items)
      if (d.status === 'open') {
        n++;
        sum += d.currency === 'RUB' ? d.amount : 0;
      }
    return { n, sum };
  }, [items]);

  useEffect(() => {
    if (focusAfter.current === null) return;
    const el = boardRef.current?.querySelector<HTMLElement>(`[data-id="${focusAfter.current}"]`);
    if (el) {
      el.focus();
      el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
    focusAfter.current = null;
  }, [items]);

  useEffect(() => {
    if (flash === null) return;
    const h = setTimeout(() => setFlash(null), 700);
    return () => clearTimeout(h);
  }, [flash]);

  const replace = (deal: BoardCard) => setItems((list) => list.map((d) => (d.id === deal.id ? deal : d)));

  const move = async (dealId: number, to: string) => {
    const deal = itemsRef.current.find((d) => d.id === dealId);
    if (!deal || deal.stage === to || busy.has(dealId)) return;
    if (to === 'lost') {
      setLostFor(deal);
      return;
    }
    const status = statusFor(to);
    const now = new Date().toISOString();
    replace({ ...deal, stage: to, status, stage_changed_at: now, closed_at: status === 'open' ? null : now });
    setBusy((s) => new Set(s).add(dealId));
    try {
      const res = await moveDeal(deal, to);
      replace(res.deal);
      setAnnounce(t('board.moved', { title: deal.title, stage: stageName(res.deal.stage) }));
      // The process may carry the card on (an automatic move): say where it went.
      if (res.deal.stage !== to) toast(t('board.moved', { title: deal.title, stage: stageName(res.deal.stage) }));
    } catch (e) {
      const current = e instanceof ApiError && e.status === 409 && e.current ? (e.current as BoardCard) : deal;
      replace(current);
      setFlash(dealId);
      const refused = e instanceof ApiError && e.status === 422;
      toast(
        t('board.moveFailed', { title: deal.title, message: refused ? processErrorText(e) : errorText(e) }),
        'error',
        refused ? { href: `/deals/${dealId}`, label: t('board.openCard') } : undefined,
      );
    } finally {
      setBusy((s) => {
        const n = new Set(s);
        n.delete(dealId);
        return n;
      });
    }
  };

  const lostDone = (res: ProcessResult) => {
    setLostFor(null);
    replace(res.deal);
    const where = res.deal.stage === 'lost' ? t('board.lostDone', { title: res.deal.title, reason: lostReasonName(res.deal.lost_reason) }) : t('board.moved', { title: res.deal.title, stage: stageName(res.deal.stage) });
    const fx = effectsSummary(res.effects.filter((x) => x.startsWith('task ')));
    setAnnounce(where);
    toast(fx ? `${where}. ${fx}` : where);
  };

  useDrag(boardRef, (id, to) => void move(id, to));

  const onKeyDown = (e: KeyboardEvent) => {
    const card = (e.target as Element).closest<HTMLElement>('.card');
    if (!card || !e.shiftKey || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    e.preventDefault();
    const id = Number(card.dataset.id);
    const deal = itemsRef.current.find((d) => d.id === id);
    if (!deal) return;
    const i = stages.findIndex((s) => s.code === deal.stage);
    const next = stages[i + (e.key === 'ArrowRight' ? 1 : -1)];
    if (!next) return;
    focusAfter.current = id;
    void move(id, next.code);
  };

  const set = (patchF: Partial<Filters>) => setFilters((f) => ({ ...f, ...patchF }));
  const anyFilter = filters.q || filters.responsible || filters.segment || filters.channel;
  const people = [...meta.users.values()].filter((u) => !u.archived && (u.role === 'manager' || u.role === 'head'));

  return (
    <section class="board-page" aria-labelledby="board-h1">
      <div class="board-top">
        <div class="board-heading">
          <h1 id="board-h1" tabIndex={-1}>
            {t('board.title')}
          </h1>
          <p class="board-summary" data-testid="board-summary">
            {t('board.summary', { n: openTotals.n, sum: money(openTotals.sum) })}
            {loading && <span class="muted"> · {t('board.loadingMore')}</span>}
          </p>
        </div>
        <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <div class="filter filter-search">
            <label for="board-q">{t('board.search')}</label>
            <input id="board-q" type="search" value={qInput} placeholder={t('board.searchPlaceholder')} onInput={(e) => setQInput(e.currentTarget.value)} />
          </div>
          {me.role !== 'manager' && (
            <div class="filter">
              <label for="board-resp">{t('board.responsible')}</label>
              <select id="board-resp" value={filters.responsible} onChange={(e) => set({ responsible: e.currentTarget.value })}>
                <option value="">{t('common.all')}</option>
                {people.map((u) => (
                  <option value={String(u.id)}>{u.name}</option>
                ))}
              </select>
            </div>
          )}
          <div class="filter">
            <label for="board-seg">{t('board.segment')}</label>
            <select id="board-seg" value={filters.segment} onChange={(e) => set({ segment: e.currentTarget.value })}>
              <option value="">{t('common.all')}</option>
              {SEGMENTS.map((s) => (
                <option value={s}>{tk('segment', s)}</option>
              ))}
              <option value="null">{t('board.noSegment')}</option>
            </select>
          </div>
          <div class="filter">
            <label for="board-ch">{t('board.channel')}</label>
            <select id="board-ch" value={filters.channel} onChange={(e) => set({ channel: e.currentTarget.value })}>
              <option value="">{t('common.all')}</option>
              {CHANNELS.map((c) => (
                <option value={c}>{tk('channel', c)}</option>
              ))}
            </select>
          </div>
          {anyFilter && (
            <button
              type="button"
              class="btn btn-ghost filter-reset"
              onClick={() => {
                setQInput('');
                setFilters({ q: '', responsible: '', segment: '', channel: '' });
              }}
            >
              {t('board.reset')}
            </button>
          )}
        </form>
      </div>
      <p class="board-hint muted" id="board-hint">
        {t('board.hint')}
      </p>
      {error && (
        <Banner>
          {error}{' '}
          <button class="btn btn-small" onClick={() => setReloadTick((n) => n + 1)}>
            {t('common.retry')}
          </button>
        </Banner>
      )}
      <div class="sr-only" aria-live="polite">
        {announce}
      </div>
      <div class="board" ref={boardRef} onKeyDown={onKeyDown}>
        {columns.map((col, i) => {
          const full = i < grown;
          const limit = shown[col.code] ?? (full ? FIRST_RENDER : FIRST_PAINT);
          const more = full ? col.deals.length - limit : 0;
          return (
            <section class={`column${col.closed ? ' column-closed' : ''}`} data-stage={col.code} aria-label={stageName(col.code)} key={col.code}>
              <header class="column-head">
                <h2 class="column-title">{stageName(col.code)}</h2>
                <div class="column-totals">
                  <span class="column-count" title={t('board.cardsIn', { n: col.deals.length })}>
                    {col.deals.length}
                  </span>
                  <span class="column-sum" title={money(col.sum)}>
                    {moneyShort(col.sum)}
                  </span>
                  {col.closed && <span class="column-note">{t('board.closedHint')}</span>}
                </div>
              </header>
              <ul class="column-cards" role="list">
                {col.deals.slice(0, limit).map((d) => (
                  <DealCard
                    key={d.id}
                    deal={d}
                    company={companyOf(d)}
                    overdue={overdue.has(d.id)}
                    busy={busy.has(d.id)}
                    flash={flash === d.id}
                    lang={lang}
                  />
                ))}
                {col.deals.length === 0 && !loading && <li class="column-empty">{t('board.empty')}</li>}
              </ul>
              {more > 0 && (
                <button type="button" class="btn btn-ghost btn-more" onClick={() => setShown((s) => ({ ...s, [col.code]: limit + 100 }))}>
                  {t('common.showMore', { n: Math.min(more, 100) })}
                </button>
              )}
            </section>
          );
        })}
      </div>
      {lostFor && <LostDialog deal={lostFor} onCancel={() => setLostFor(null)} onDone={lostDone} />}
    </section>
  );
}

interface CardProps {
  deal: BoardCard;
  company?: string;
  overdue: boolean;
  busy: boolean;
  flash: boolean;
  lang: Lang;
}

const DealCard = memo(function DealCard({ deal, company, overdue, busy, flash }: CardProps) {
  return (
    <li class="card-item">
      <a
        class={`card${busy ? ' card-busy' : ''}${flash ? ' card-flash' : ''}`}
        href={`/deals/${deal.id}`}
        data-id={deal.id}
        draggable={false}
        aria-describedby="board-hint"
        aria-keyshortcuts="Shift+ArrowRight Shift+ArrowLeft"
        onClick={(e) => {
          if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          navigate(`/deals/${deal.id}`);
        }}
      >
        <span class="card-title">{deal.title}</span>
        {company && <span class="card-company">{company}</span>}
        <span class="card-row">
          <span class="card-amount">{money(deal.amount, deal.currency)}</span>
          {deal.segment && (
            <span class={`badge seg-${deal.segment}`} title={tk('segment', deal.segment)}>
              {deal.segment}
            </span>
          )}
        </span>
        <span class="card-row card-foot">
          <span class="card-resp">{shortName(deal.responsible_id)}</span>
          {overdue && (
            <span class="card-overdue" title={t('board.overdue')}>
              <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.6" />
                <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
              </svg>
              <span>{t('board.overdueShort')}</span>
            </span>
          )}
        </span>
      </a>
    </li>
  );
});

/** Pointer-event drag and drop: a floating copy follows the pointer, the column under it lights up. */
function useDrag(boardRef: { current: HTMLDivElement | null }, onDrop: (id: number, stage: string) => void) {
  const dropRef = useRef(onDrop);
  dropRef.current = onDrop;
  useEffect(() => {
    const board = boardRef.current;
    if (!board) return;
    let pending: { id: number; el: HTMLElement; x: number; y: number; pointerId: number; from: string } | null = null;
    let ghost: HTMLElement | null = null;
    let over: HTMLElement | null = null;
    let dx = 0;
    let dy = 0;
    let suppressClick = false;
    let scrollTimer = 0;
    let lastX = 0;

    const columnAt = (x: number, y: number) => (document.elementFromPoint(x, y)?.closest('.column') as HTMLElement | null) ?? null;
    const setOver = (col: HTMLElement | null) => {
      if (over === col) return;
      over?.classList.remove('column-over');
      over = col;
      if (col && col.dataset.stage !== pending?.from) col.classList.add('column-over');
    };
    // While dragging, the columns the process allows from here are marked; the others dimmed.
    const markColumns = (from: string) => {
      const def = stageDef(from);
      const allowed = new Set([...(def?.next ?? []), ...(def?.returns ?? []), ...(def && def.kind === '' ? ['lost'] : [])]);
      board.querySelectorAll<HTMLElement>('.column').forEach((c) => {
        const code = c.dataset.stage ?? '';
        if (code !== from) c.classList.add(allowed.has(code) ? 'column-allowed' : 'column-blocked');
      });
    };
    const cleanup = () => {
      board.querySelectorAll('.column-allowed, .column-blocked').forEach((c) => c.classList.remove('column-allowed', 'column-blocked'));
      ghost?.remove();
      ghost = null;
      setOver(null);
      pending?.el.classList.remove('card-dragging');
      document.body.classList.remove('dragging');
      pending = null;
      clearInterval(scrollTimer);
      scrollTimer = 0;
    };
    const autoScroll = () => {
      const r = board.getBoundingClientRect();
      if (lastX < r.left + 60) board.scrollLeft -= 24;
      else if (lastX > r.right - 60) board.scrollLeft += 24;
    };

    const down = (e: PointerEvent) => {
      if (e.button !== 0 || e.pointerType === 'touch') return;
      const el = (e.target as Element).closest<HTMLElement>('.card');
      if (!el) return;
      const col = el.closest<HTMLElement>('.column');
      pending = { id: Number(el.dataset.id), el, x: e.clientX, y: e.clientY, pointerId: e.pointerId, from: col?.dataset.stage ?? '' };
    };
    const moveH = (e: PointerEvent) => {
      if (!pending || e.pointerId !== pending.pointerId) return;
      if (!ghost) {
        if (Math.abs(e.clientX - pending.x) + Math.abs(e.clientY - pending.y) < 6) return;
        const r = pending.el.getBoundingClientRect();
        dx = pending.x - r.left;
        dy = pending.y - r.top;
        ghost = pending.el.cloneNode(true) as HTMLElement;
        ghost.classList.add('card-ghost');
        ghost.removeAttribute('href');
        ghost.setAttribute('aria-hidden', 'true');
        ghost.style.width = `${r.width}px`;
        document.body.appendChild(ghost);
        pending.el.classList.add('card-dragging');
        if (meta.pipeline) markColumns(pending.from);
        document.body.classList.add('dragging');
        scrollTimer = window.setInterval(autoScroll, 30);
      }
      e.preventDefault();
      lastX = e.clientX;
      ghost.style.transform = `translate(${e.clientX - dx}px, ${e.clientY - dy}px) rotate(1.5deg)`;
      setOver(columnAt(e.clientX, e.clientY));
    };
    const up = (e: PointerEvent) => {
      if (!pending || e.pointerId !== pending.pointerId) return;
      const dragging = !!ghost;
      const { id, from } = pending;
      const col = dragging ? columnAt(e.clientX, e.clientY) : null;
      cleanup();
      if (!dragging) return;
      suppressClick = true;
      setTimeout(() => (suppressClick = false), 0);
      const to = col?.dataset.stage;
      if (to && to !== from) dropRef.current(id, to);
    };
    const cancel = () => cleanup();
    const click = (e: MouseEvent) => {
      if (suppressClick) {
        e.preventDefault();
        e.stopPropagation();
        suppressClick = false;
      }
    };
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && pending) cleanup();
    };
    const dragstart = (e: DragEvent) => e.preventDefault();

    board.addEventListener('pointerdown', down);
    window.addEventListener('pointermove', moveH);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', cancel);
    window.addEventListener('keydown', key);
    board.addEventListener('click', click, true);
    board.addEventListener('dragstart', dragstart);
    return () => {
      cleanup();
      board.removeEventListener('pointerdown', down);
      window.removeEventListener('pointermove', moveH);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', cancel);
      window.removeEventListener('keydown', key);
      board.removeEventListener('click', click, true);
      board.removeEventListener('dragstart', dragstart);
    };
  }, []);
}
