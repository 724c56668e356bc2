// The board's data: one GET /api/board (every visible open deal and those closed lately, as
// compact cards with the company's name and an overdue flag). When the app is opened on
// /board the read starts at boot, alongside the session and reference data, and the board
// takes that answer if its filters match.

import { get, type Query } from '../../api';
import type { Deal } from '../../types';

export const CLOSED_DAYS = 30;

/** A deal as the board draws it: the fields a card and a move need, plus the company's name. */
export type BoardCard = Pick<
  Deal,
  'id' | 'version' | 'title' | 'pipeline' | 'stage' | 'status' | 'amount' | 'currency' | 'segment' | 'responsible_id' | 'company_id' | 'channel' | 'stage_changed_at' | 'closed_at'
> & { company?: string | null; overdue?: boolean };

export interface BoardData {
  cards: BoardCard[];
  closed_days: number;
  truncated: boolean;
}

export interface BoardFilters {
  q: string;
  responsible: string;
  segment: string;
  channel: string;
}

export function boardQuery(f: BoardFilters): Query {
  return {
    q: f.q || undefined,
    responsible_id: f.responsible || undefined,
    segment: f.segment || undefined,
    channel: f.channel || undefined,
    closed_days: CLOSED_DAYS,
  };
}

export function readBoardFilters(search = location.search): BoardFilters {
  const p = new URLSearchParams(search);
  return { q: p.get('q') ?? '', responsible: p.get('responsible') ?? '', segment: p.get('segment') ?? '', channel: p.get('channel') ?? '' };
}

let early: { key: string; at: number; data: Promise<BoardData>; value?: BoardData } | null = null;

/** Starts reading the board for the current URL's filters (called at boot on /board). */
export function prefetchBoard() {
  const query = boardQuery(readBoardFilters());
  const data = get<BoardData>('/api/board', query);
  const entry: NonNullable<typeof early> = { key: JSON.stringify(query), at: Date.now(), data };
  data.then((v) => (entry.value = v)).catch(() => undefined);
  early = entry;
}

/** The boot read's answer when it has already arrived for these filters (taken once): the
 *  board then draws its cards in its very first render, without waiting for an effect. */
export function takeArrivedBoard(f: BoardFilters): BoardData | null {
  const e = early;
  if (!e || !e.value || e.key !== JSON.stringify(boardQuery(f)) || Date.now() - e.at >= 10_000) return null;
  early = null;
  return e.value;
}

export function loadBoard(f: BoardFilters, signal: AbortSignal): Promise<BoardData> {
  const query = boardQuery(f);
  const key = JSON.stringify(query);
  const e = early;
  early = null;
  if (e && e.key === key && Date.now() - e.at < 10_000) return e.data;
  return get<BoardData>('/api/board', query, signal);
}
