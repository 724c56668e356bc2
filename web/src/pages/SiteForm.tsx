// The site form (head of sales, admin): creates an intake-only token (POST /api/tokens
// {scope: "intake"}) and shows the snippet to paste on the company's website — a <div> and
// the server's /form.js, which renders the request form and posts leads to /api/intake.
// The token is shown once (the server keeps its hash); the list revokes old forms.

import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post } from '../api';
import { errorText } from '../components/ui';
import { t, type Lang } from '../i18n';
import { dateTime } from '../format';
import { toast } from '../store';

interface TokenRow {
  id: number;
  name: string;
  scope: string;
  created_at: string;
  revoked: boolean;
}

export function snippetFor(origin: string, token: string, formLang: Lang): string {
  return `<div data-voronka-form></div>\n<script src="${origin}/form.js" data-token="${token}" data-lang="${formLang}" async></script>`;
}

export function SiteForm(_: { lang: Lang }) {
  const [tokens, setTokens] = useState<TokenRow[] | null>(null);
  const [name, setName] = useState(t('siteForm.defaultName'));
  const [formLang, setFormLang] = useState<Lang>('ru');
  const [token, setToken] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const snippetRef = useRef<HTMLTextAreaElement>(null);

  const load = async () => {
    try {
      const res = await get<{ items: TokenRow[] }>('/api/tokens');
      setTokens(res.items.filter((x) => x.scope === 'intake' && !x.revoked));
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => void load(), []);

  const create = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await post<{ token: string }>('/api/tokens', { name: name.trim() || t('siteForm.defaultName'), scope: 'intake' });
      setToken(res.token);
      void load();
      requestAnimationFrame(() => snippetRef.current?.select());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (row: TokenRow) => {
    if (!confirm(t('siteForm.revokeConfirm', { name: row.name }))) return;
    try {
      await post(`/api/tokens/${row.id}/revoke`, {});
      toast(t('siteForm.revoked', { name: row.name }));
      void load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const snippet = token ? snippetFor(location.origin, token, formLang) : '';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(snippet);
    } catch {
      snippetRef.current?.select();
      document.execCommand('copy');
    }
    toast(t('siteForm.copied'));
  };

  return (
    <section class="page site-form-page">
      <h1 tabIndex={-1}>{t('siteForm.title')}</h1>
      <p class="muted">{t('siteForm.intro')}</p>

      <form class="panel site-form-create" onSubmit={(e) => void create(e)}>
        <h2>{t('siteForm.new')}</h2>
        <div class="site-form-row">
          <label>
            {t('siteForm.name')}
            <input value={name} maxLength={100} required onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {t('siteForm.lang')}
            <select value={formLang} onChange={(e) => setFormLang((e.target as HTMLSelectElement).value as Lang)}>
              <option value="ru">Русский</option>
              <option value="en">English</option>
            </select>
          </label>
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('common.loading') : t('siteForm.create')}
        </button>
        {token && (
          <div class="site-form-snippet">
            <label for="site-form-snippet">{t('siteForm.snippet')}</label>
            <textarea id="site-form-snippet" ref={snippetRef} readOnly rows={3} value={snippet} data-testid="site-form-snippet" aria-describedby="site-form-once" onFocus={(e) => (e.target as HTMLTextAreaElement).select()} />
            <button type="button" class="btn" onClick={() => void copy()}>
              {t('cal.copy')}
            </button>
            <p id="site-form-once" class="cal-once" role="status">
              {t('siteForm.once')}
            </p>
          </div>
        )}
        {error && (
          <p class="cal-error" role="alert">
            {error}
          </p>
        )}
      </form>

      <section class="panel" aria-labelledby="site-forms-h">
        <h2 id="site-forms-h">{t('siteForm.list')}</h2>
        {tokens === null ? (
          <p class="muted">{t('common.loading')}</p>
        ) : tokens.length === 0 ? (
          <p class="muted">{t('siteForm.none')}</p>
        ) : (
          <ul class="site-form-list" data-testid="site-form-list">
            {tokens.map((row) => (
              <li key={row.id}>
                <span>
                  <strong>{row.name}</strong> <span class="muted">{t('siteForm.createdAt', { at: dateTime(row.created_at) })}</span>
                </span>
                <button type="button" class="btn btn-ghost" onClick={() => void revoke(row)}>
                  {t('siteForm.revoke')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
