// A thin fetch wrapper: JSON in and out, same-origin cookie session, errors as ApiError
// carrying the server's {"error":{"code","message","field"}} (and "current" on 409).

import type { Page } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly current?: unknown,
    /** The whole error body, for details such as the missing items of a stage's exit check. */
    readonly data?: any,
  ) {
    super(message);
  }
}

type Listener = () => void;
let onUnauthenticated: Listener | null = null;
export function setUnauthenticatedHandler(fn: Listener) {
  onUnauthenticated = fn;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

export function randomKey(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export interface RequestOptions {
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'network');
  }
  const text = await res.text();
  let data: any = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data?.error ?? {};
    if (res.status === 401 && path !== '/api/auth/login' && onUnauthenticated) onUnauthenticated();
    throw new ApiError(res.status, err.code ?? 'http_' + res.status, err.message ?? res.statusText, err.field || undefined, data?.current, data);
  }
  return data as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  request<T>('GET', withQuery(path, query), undefined, { signal });
export const post = <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('POST', path, body, opts);
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);

/** Reads every page (limit 200, following next_cursor), reporting each page as it arrives. */
export async function listAll<T>(
  path: string,
  query: Query,
  opts: { signal?: AbortSignal; onPage?: (items: T[]) => void; maxPages?: number; stop?: (page: T[]) => boolean } = {},
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  const maxPages = opts.maxPages ?? 100;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await get<Page<T>>(path, { ...query, limit: 200, cursor }, opts.signal);
    all.push(...page.items);
    opts.onPage?.(page.items);
    if (!page.next_cursor || opts.stop?.(page.items)) break;
    cursor = page.next_cursor;
  }
  return all;
}
