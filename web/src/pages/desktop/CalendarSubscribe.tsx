// "Subscribe in Google Calendar / Outlook": creates an API token named "calendar"
// (POST /api/tokens) and shows the feed's address (GET /api/calendar.ics?token=…) once, with a
// copy button. The server keeps only the token's hash, so the address cannot be shown again.

import { useRef, useState } from 'preact/hooks';
import { post } from '../../api';
import { errorText } from '../../components/ui';
import { t } from '../../i18n';
import { toast } from '../../store';

export function CalendarSubscribe() {
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await post<{ token: string }>('/api/tokens', { name: 'calendar' });
      setUrl(`${location.origin}/api/calendar.ics?token=${encodeURIComponent(res.token)}`);
      requestAnimationFrame(() => inputRef.current?.select());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      inputRef.current?.select();
      document.execCommand('copy');
    }
    toast(t('cal.copied'));
  };

  return (
    <section class="panel cal-sub" aria-labelledby="cal-sub-h" data-testid="calendar-subscribe">
      <h2 id="cal-sub-h">{t('cal.title')}</h2>
      <p class="muted">{t('cal.intro')}</p>
      {!url ? (
        <button type="button" class="btn" disabled={busy} onClick={() => void create()}>
          {busy ? t('common.loading') : t('cal.create')}
        </button>
      ) : (
        <div class="cal-url">
          <label for="cal-url-input">{t('cal.url')}</label>
          <div class="cal-url-row">
            <input id="cal-url-input" ref={inputRef} readOnly value={url} data-testid="calendar-url" onFocus={(e) => (e.target as HTMLInputElement).select()} aria-describedby="cal-once" />
            <button type="button" class="btn btn-primary" onClick={() => void copy()}>
              {t('cal.copy')}
            </button>
          </div>
          <p id="cal-once" class="cal-once" role="status">
            {t('cal.once')}
          </p>
        </div>
      )}
      {error && (
        <p class="cal-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
