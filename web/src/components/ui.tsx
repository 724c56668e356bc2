// Small shared pieces: labelled fields with server messages, page titles, error text.

import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../api';
import { t } from '../i18n';
import { serverText } from '../serverText';

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('err.network');
    if (e.status === 409 && e.current) return t('err.conflict');
    if (e.status === 403) return `${t('err.forbidden')}: ${serverText(e.message)}`;
    const text = e.message ? serverText(e.message) : t('err.generic');
    const items = missingItems(e.data);
    return items.length ? `${text}: ${items.join('; ')}` : text;
  }
  return t('err.generic');
}

/**
 * Items a refusal lists (e.g. what a stage's exit check still misses), if the body has any:
 * `missing`/`items` arrays of strings or of objects with a label, name, title or message.
 */
function missingItems(data: any): string[] {
  const list = data?.error?.missing ?? data?.missing ?? data?.error?.items;
  if (!Array.isArray(list)) return [];
  return list
    .map((x) => (typeof x === 'string' ? x : (x?.label ?? x?.name ?? x?.title ?? x?.message ?? x?.field)))
    .filter((x): x is string => typeof x === 'string' && x.length > 0);
}

/** Field name the server blamed, if any. */
export function errorField(e: unknown): string | undefined {
  return e instanceof ApiError ? e.field : undefined;
}

export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title]);
}

/** Attributes that tie an input to its label and error message. */
export function fieldAttrs(id: string, error?: string | null) {
  return {
    id,
    'aria-invalid': error ? (true as const) : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  };
}

interface FieldProps {
  id: string;
  label: string;
  error?: string | null;
  hint?: string;
  class?: string;
  children: ComponentChildren;
}

export function Field({ id, label, error, hint, class: cls, children }: FieldProps) {
  return (
    <div class={`field${error ? ' field-error' : ''}${cls ? ' ' + cls : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && !error && <div class="field-hint">{hint}</div>}
      {error && (
        <div class="error-text" id={`${id}-error`} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <div class="spinner" role="status">
      <span class="spinner-dot" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

export function Banner({ kind = 'error', children }: { kind?: 'error' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`banner banner-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
