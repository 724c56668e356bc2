import { useState } from 'preact/hooks';
import { ApiError, post } from '../api';
import { LangSwitch } from '../components/LangSwitch';
import { Banner, errorText, useTitle } from '../components/ui';
import { t, type Lang } from '../i18n';
import type { User } from '../types';

export function Login({ lang, onLoggedIn }: { lang: Lang; onLoggedIn: (u: User) => void }) {
  useTitle(t('login.submit'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await post<{ user: User }>('/api/auth/login', { email: email.trim(), password });
      onLoggedIn(res.user);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.failed') : errorText(err));
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main" data-lang={lang}>
      <form class="login-card" onSubmit={submit} noValidate>
        <div class="login-top">
          <div class="logo logo-big">
            <svg viewBox="0 0 32 32" width="40" height="40" aria-hidden="true">
              <rect width="32" height="32" rx="7" fill="currentColor" />
              <path d="M6 8h20l-7 9v7l-6 3V17z" fill="#fff" />
            </svg>
          </div>
          <LangSwitch lang={lang} />
        </div>
        <h1 tabIndex={-1}>{t('login.title')}</h1>
        <p class="muted">{t('login.subtitle')}</p>
        {error && <Banner>{error}</Banner>}
        <div class="field">
          <label for="login-email">{t('login.email')}</label>
          <input
            id="login-email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            autoFocus
          />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
