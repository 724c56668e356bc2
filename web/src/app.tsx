// The shell: who is logged in, reference data, the header and the routes.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, post, setUnauthenticatedHandler } from './api';
import { Banner, Spinner } from './components/ui';
import { LangSwitch } from './components/LangSwitch';
import { lazyPage } from './components/lazy';
import { NotificationBell } from './components/Notifications';
import { lang, onLangChange, t, tk, type Lang } from './i18n';
import { Board } from './pages/Board';
import { Login } from './pages/Login';
import { Link, match, navigate, useLocation } from './router';
import { dismissToast, loadMeta, meta, onToasts, readSession, type Toast } from './store';
import type { User } from './types';

const DealPage = lazyPage(() => import('./pages/Deal').then((m) => m.DealPage));
const Desktop = lazyPage(() => import('./pages/Desktop').then((m) => m.Desktop));
const NewLead = lazyPage(() => import('./pages/NewLead').then((m) => m.NewLead));
const FunnelPage = lazyPage(() => import('./pages/analytics/Funnel').then((m) => m.FunnelPage));
const DeviationsPage = lazyPage(() => import('./pages/analytics/Deviations').then((m) => m.DeviationsPage));
const MonitorPage = lazyPage(() => import('./pages/analytics/Monitor').then((m) => m.MonitorPage));
const MotivationPage = lazyPage(() => import('./pages/Motivation').then((m) => m.MotivationPage));
const PlanPage = lazyPage(() => import('./pages/Plan').then((m) => m.PlanPage));
const RoutingPage = lazyPage(() => import('./pages/routing/Routing').then((m) => m.RoutingPage));
const SiteForm = lazyPage(() => import('./pages/SiteForm').then((m) => m.SiteForm));

type Phase = 'loading' | 'login' | 'ready' | 'error';

export function App() {
  const [phase, setPhase] = useState<Phase>('loading');
  const [currentLang, setCurrentLang] = useState<Lang>(lang());
  const loc = useLocation();

  useEffect(() => onLangChange(setCurrentLang), []);

  const start = async (user?: User) => {
    setPhase('loading');
    try {
      meta.me = user ?? (await readSession()).user;
      await loadMeta();
      setPhase('ready');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setPhase('login');
      else setPhase('error');
    }
  };

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      meta.me = null;
      setPhase('login');
    });
    void start();
  }, []);

  useEffect(() => {
    if (phase === 'ready' && loc.path === '/login') navigate('/', { replace: true });
  }, [phase, loc.path]);

  // Move focus to the new page's heading so keyboard and screen-reader users follow the route.
  const firstRoute = useRef(true);
  useEffect(() => {
    if (phase !== 'ready') return;
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: false }));
  }, [loc.path, phase]);

  if (phase === 'loading')
    return (
      <div class="boot">
        <Spinner />
      </div>
    );
  if (phase === 'error')
    return (
      <div class="boot">
        <Banner>{t('err.network')}</Banner>
        <button class="btn" onClick={() => void start()}>
          {t('common.retry')}
        </button>
      </div>
    );
  if (phase === 'login')
    return (
      <>
        <Login lang={currentLang} onLoggedIn={(u) => void start(u)} />
        <Toasts />
      </>
    );

  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <Header path={loc.path} lang={currentLang} onLoggedOut={() => setPhase('login')} />
      <main id="main" class={loc.path === '/board' ? 'main main-wide' : 'main'}>
        <Route path={loc.path} lang={currentLang} />
      </main>
      <Toasts />
    </>
  );
}

function Route({ path, lang }: { path: string; lang: Lang }) {
  if (path === '/' || path === '/login') return <Desktop lang={lang} />;
  if (path === '/board') return <Board lang={lang} />;
  if (path === '/plan') return <PlanPage lang={lang} />;
  if (path === '/motivation') return <MotivationPage lang={lang} />;
  if (path === '/funnel') return <FunnelPage lang={lang} />;
  if (path === '/monitor') return <MonitorPage lang={lang} />;
  if (path === '/deviations') return <DeviationsPage lang={lang} />;
  if (path === '/leads/new') return <NewLead lang={lang} />;
  if (path === '/absences') return <RoutingPage lang={lang} rules={false} />;
  if (path === '/routing' && (meta.me?.role === 'head' || meta.me?.role === 'admin')) return <RoutingPage lang={lang} rules />;
  if (path === '/site-form' && (meta.me?.role === 'head' || meta.me?.role === 'admin')) return <SiteForm lang={lang} />;
  const deal = match('/deals/:id', path);
  if (deal && /^\d+$/.test(deal.id)) return <DealPage key={deal.id} id={Number(deal.id)} lang={lang} />;
  return (
    <section class="page">
      <h1 tabIndex={-1}>{t('common.notFound')}</h1>
      <Link href="/">{t('common.toDesktop')}</Link>
    </section>
  );
}

function Header({ path, lang, onLoggedOut }: { path: string; lang: Lang; onLoggedOut: () => void }) {
  const me = meta.me!;
  const nav: { href: string; label: string; active: boolean }[] = [
    { href: '/', label: t('nav.desktop'), active: path === '/' },
    { href: '/board', label: t('nav.board'), active: path === '/board' || path.startsWith('/deals/') },
  ];
  nav.push({ href: '/plan', label: t('nav.plan'), active: path === '/plan' });
  nav.push({ href: '/motivation', label: t('nav.motivation'), active: path === '/motivation' });
  nav.push({ href: '/funnel', label: t('nav.reports'), active: ['/funnel', '/monitor', '/deviations'].includes(path) });
  // Owners and curators do not take leads (the server refuses them).
  if (me.role !== 'owner' && me.role !== 'curator') nav.push({ href: '/leads/new', label: t('nav.newLead'), active: path === '/leads/new' });
  if (me.role === 'head' || me.role === 'admin') nav.push({ href: '/site-form', label: t('nav.siteForm'), active: path === '/site-form' });
  if (me.role === 'head' || me.role === 'admin') nav.push({ href: '/routing', label: t('nav.routing'), active: path === '/routing' });
  else nav.push({ href: '/absences', label: t('nav.absences'), active: path === '/absences' });
  const logout = async () => {
    try {
      await post('/api/auth/logout', {});
    } catch {
      /* the session may already be gone */
    }
    meta.me = null;
    onLoggedOut();
  };
  return (
    <header class="header">
      <Link href="/" class="logo" aria-label={t('app.name')}>
        <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
          <rect width="32" height="32" rx="7" fill="currentColor" />
          <path d="M6 8h20l-7 9v7l-6 3V17z" fill="#fff" />
        </svg>
        <span class="logo-text">{t('app.name')}</span>
      </Link>
      <nav class="nav" aria-label={t('nav.main')}>
        {nav.map((n) => (
          <Link href={n.href} class={n.active ? 'nav-link active' : 'nav-link'} aria-current={n.active ? 'page' : undefined}>
            {n.label}
          </Link>
        ))}
      </nav>
      <div class="header-right">
        <div class="user" data-testid="current-user">
          <span class="user-name">{me.name}</span>
          <span class="user-role">{tk('role', me.role)}</span>
        </div>
        <NotificationBell />
        <LangSwitch lang={lang} />
        <button type="button" class="btn btn-ghost" onClick={() => void logout()}>
          {t('header.logout')}
        </button>
      </div>
    </header>
  );
}

function Toasts() {
  const [items, setItems] = useState<Toast[]>([]);
  useEffect(() => onToasts(setItems), []);
  return (
    <div class="toasts" aria-live="polite" aria-relevant="additions">
      {items.map((x) => (
        <div class={`toast toast-${x.kind}`} key={x.id} role={x.kind === 'error' ? 'alert' : 'status'}>
          <span>
            {x.text}
            {x.link && (
              <>
                {' '}
                <Link href={x.link.href} class="toast-link" onClick={() => dismissToast(x.id)}>
                  {x.link.label}
                </Link>
              </>
            )}
          </span>
          <button type="button" class="toast-close" aria-label={t('common.close')} onClick={() => dismissToast(x.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
