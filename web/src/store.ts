// Reference data loaded once after login (stages, the user directory), toasts, and small
// caches of companies and deals shared by the screens.

import { get, listAll } from './api';
import { lang, t } from './i18n';
import type { Company, Deal, Pipeline, ScoringModel, Stage, User } from './types';

export const DEFAULT_PIPELINE = 'it_studio';

export const meta = {
  me: null as User | null,
  stages: [] as Stage[],
  users: new Map<number, User>(),
  /** The department's process: stages with goals, scripts, checklists; lost reasons. */
  pipeline: null as Pipeline | null,
};

let earlySession: Promise<{ user: User }> | null = null;
/** Starts the session check at boot (before the app has rendered). */
export function prefetchSession() {
  earlySession = get<{ user: User }>('/api/auth/me');
  earlySession.catch(() => undefined);
}
/** Who is logged in: the boot check when there is one (used once), else a new one. */
export function readSession(): Promise<{ user: User }> {
  const p = earlySession ?? get<{ user: User }>('/api/auth/me');
  earlySession = null;
  return p;
}

let early: Promise<[{ items: Stage[] }, User[], Pipeline | null]> | null = null;
function readMeta() {
  return Promise.all([
    get<{ items: Stage[] }>('/api/stages'),
    listAll<User>('/api/users', { sort: 'name' }, { maxPages: 10 }),
    get<Pipeline>(`/api/pipelines/${DEFAULT_PIPELINE}`).catch(() => null),
  ]);
}

/** Starts reading the reference data at boot, alongside the session check. */
export function prefetchMeta() {
  early = readMeta();
  early.catch(() => undefined);
}

export async function loadMeta(): Promise<void> {
  // The boot read when there is one (once: a later load, e.g. after logging in, reads again).
  const pending = early ?? readMeta();
  early = null;
  const [stages, users, pipeline] = await pending.catch(() => readMeta());
  meta.stages = stages.items;
  meta.users = new Map(users.map((u) => [u.id, u]));
  meta.pipeline = pipeline;
}

let scoringModel: Promise<ScoringModel> | null = null;
/** The scoring model, read once per session (on the first card that needs it). */
export function loadScoringModel(): Promise<ScoringModel> {
  if (!scoringModel)
    scoringModel = get<ScoringModel>('/api/scoring/model').catch((e) => {
      scoringModel = null;
      throw e;
    });
  return scoringModel;
}

export const OPEN_STAGES = () => meta.stages.filter((s) => s.code !== 'won' && s.code !== 'lost');

export function stageName(code: string | null | undefined): string {
  if (!code) return t('common.none');
  const s = meta.stages.find((x) => x.code === code);
  if (!s) return code;
  return lang() === 'ru' ? s.name_ru : s.name_en;
}

export function userName(id: number | null | undefined): string {
  if (!id) return t('common.none');
  return meta.users.get(id)?.name ?? `#${id}`;
}

/** "Алексей Смирнов" → "Алексей С." for compact cards. */
export function shortName(id: number | null | undefined): string {
  const full = userName(id);
  const parts = full.split(' ');
  return parts.length > 1 ? `${parts[0]} ${parts[1][0]}.` : full;
}

// ---- toasts -------------------------------------------------------------------------

export interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error';
  /** An optional link under the text, e.g. to the card a refused move concerns. */
  link?: { href: string; label: string };
}
let toastSeq = 0;
let toasts: Toast[] = [];
const toastListeners = new Set<(t: Toast[]) => void>();

export function toast(text: string, kind: Toast['kind'] = 'ok', link?: Toast['link']) {
  const item: Toast = { id: ++toastSeq, text, kind, link };
  toasts = [...toasts.slice(-3), item];
  toastListeners.forEach((f) => f(toasts));
  setTimeout(() => dismissToast(item.id), kind === 'error' ? (link ? 12000 : 8000) : 4000);
}

export function dismissToast(id: number) {
  toasts = toasts.filter((x) => x.id !== id);
  toastListeners.forEach((f) => f(toasts));
}

export function onToasts(fn: (t: Toast[]) => void): () => void {
  toastListeners.add(fn);
  return () => void toastListeners.delete(fn);
}

// ---- caches -------------------------------------------------------------------------

export const companies = new Map<number, Company>();
export const deals = new Map<number, Deal>();

/** Fetches the records with these ids that are not cached yet (a few at a time). */
export async function fetchMissing<T extends { id: number }>(
  path: string,
  cache: Map<number, T>,
  ids: Iterable<number>,
  limit = 200,
): Promise<void> {
  const want = [...new Set(ids)].filter((id) => id && !cache.has(id)).slice(0, limit);
  let i = 0;
  const worker = async () => {
    while (i < want.length) {
      const id = want[i++];
      try {
        cache.set(id, await get<T>(`${path}/${id}`));
      } catch {
        /* no access or gone: leave it out */
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}
