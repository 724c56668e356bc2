// "Монитор": what everyone in the department is doing now — last action and its card, today's
// tasks, deviations — and the daily norms against today's and this week's actuals, with who is
// behind highlighted. Refreshes every 30 seconds. A head or an admin edits the norms' YAML here.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, request } from '../../api';
import { Banner, errorText, Spinner, useTitle } from '../../components/ui';
import { dateTime, time } from '../../format';
import { loc, t, tk, type Lang } from '../../i18n';
import { Link } from '../../router';
import { hundredths, type Monitor, type MonitorUser, type NormsDoc, type StoredNorms } from './funnelTypes';
import { ReportTabs } from './ReportTabs';
import './analytics.css';
import './funnel.css';

const POLL_MS = 30_000;

export function MonitorPage({ lang }: { lang: Lang }) {
  useTitle(t('monitor.title'));
  const [monitor, setMonitor] = useState<Monitor | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updated, setUpdated] = useState<Date | null>(null);
  const [editing, setEditing] = useState(false);

  const load = async () => {
    try {
      setMonitor(await get<Monitor>('/api/analytics/monitor'));
      setUpdated(new Date());
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <section class="page analytics" aria-labelledby="monitor-h1" data-lang={lang}>
      <ReportTabs path="/monitor" />
      <div class="page-head">
        <div>
          <h1 id="monitor-h1" tabIndex={-1}>
            {t('monitor.title')}
          </h1>
          <p class="muted">
            {t('monitor.intro')}
            {updated && <> · {t('monitor.updated', { at: time(updated) })}</>}
          </p>
        </div>
        <div class="page-actions">
          <button type="button" class="btn" onClick={() => void load()}>
            {t('monitor.refresh')}
          </button>
          <button type="button" class="btn" data-testid="norms-edit" onClick={() => setEditing(!editing)}>
            {t('monitor.norms')}
          </button>
        </div>
      </div>
      {error && <Banner>{error}</Banner>}
      {editing && (
        <NormsEditor
          onSaved={() => {
            setEditing(false);
            void load();
          }}
        />
      )}
      {!monitor && !error && <Spinner />}
      {monitor && (
        <>
          <NormsSummary norms={monitor.norms} />
          <div class="table-scroll">
            <table class="table monitor-table" data-testid="monitor-table">
              <thead>
                <tr>
                  <th>{t('monitor.user')}</th>
                  <th>{t('monitor.lastAction')}</th>
                  <th class="num">{t('monitor.tasks')}</th>
                  <th class="num">{t('monitor.deviations')}</th>
                  <th>{t('monitor.normsToday')}</th>
                </tr>
              </thead>
              <tbody>
                {monitor.users.map((u) => (
                  <UserRow u={u} norms={monitor.norms} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function NormsSummary({ norms }: { norms: NormsDoc }) {
  return (
    <p class="muted" data-testid="norms-summary">
      {loc(norms.name)}: {norms.norms.map((n) => `${loc(n.name)} ${hundredths(n.per_day_x100)}`).join(', ')} {t('monitor.perDay')}
      {norms.default ? ` (${t('monitor.defaultNorms')})` : ` (${t('monitor.version', { v: norms.version ?? 0 })})`}
    </p>
  );
}

function UserRow({ u, norms }: { u: MonitorUser; norms: NormsDoc }) {
  const a = u.last_action;
  const name = (code: string) => loc(norms.norms.find((n) => n.code === code)?.name) || code;
  return (
    <tr class={u.behind ? 'row-behind' : ''} data-user={u.user_id} data-behind={u.behind ? 'true' : 'false'}>
      <td>
        <strong>{u.name}</strong>
        <div class="muted">{tk('role', u.role)}</div>
        {u.behind && <div class="behind-text">{t('monitor.behind')}</div>}
      </td>
      <td>
        {a ? (
          <>
            <div>{dateTime(a.at)}</div>
            <div class="muted">
              {tk('monitor.entity', a.entity)} · {tk('monitor.action', a.action)}
              {a.field ? ` (${a.field})` : ''}
            </div>
            {a.deal_id && <Link href={`/deals/${a.deal_id}`}>{a.deal_title ?? `#${a.deal_id}`}</Link>}
          </>
        ) : (
          <span class="muted">{t('monitor.noActions')}</span>
        )}
      </td>
      <td class="num">
        <div>{t('monitor.tasksDone', { n: u.tasks.done_today })}</div>
        <div>{t('monitor.tasksOpen', { n: u.tasks.open_today })}</div>
        <div class={u.tasks.overdue ? 'overdue' : ''}>{t('monitor.tasksOverdue', { n: u.tasks.overdue })}</div>
      </td>
      <td class="num">
        <div class={u.deviations.open ? 'overdue' : ''}>{t('monitor.devOpen', { n: u.deviations.open })}</div>
        <div class="muted">{t('monitor.devToday', { n: u.deviations.today })}</div>
      </td>
      <td data-testid="norms-cell">
        {!u.norms_apply && <span class="muted">{t('monitor.noNorms')}</span>}
        {u.norms.map((n) => (
          <span class={n.behind ? 'norm behind' : 'norm'} data-norm={n.code} title={t('monitor.expected', { today: hundredths(n.today_expected_x100), week: hundredths(n.week_expected_x100) })}>
            {name(n.code)}: {n.today}/{hundredths(n.today_norm_x100)} · {t('monitor.week')} {n.week}/{hundredths(n.week_norm_x100)}
          </span>
        ))}
      </td>
    </tr>
  );
}

function NormsEditor({ onSaved }: { onSaved: () => void }) {
  const [stored, setStored] = useState<StoredNorms | null>(null);
  const [yaml, setYaml] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get<StoredNorms>('/api/analytics/norms').then(
      (s) => {
        setStored(s);
        setYaml(s.yaml);
      },
      (e) => setError(errorText(e)),
    );
  }, []);
  const save = async () => {
    if (!stored) return;
    setBusy(true);
    setError(null);
    setProblems([]);
    try {
      await request<StoredNorms>('PUT', '/api/analytics/norms', { yaml, version: stored.version });
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.data?.problems))
        setProblems(e.data.problems.map((p: { line: number; column: number; message: string }) => `${t('monitor.line', { line: p.line, column: p.column })}: ${p.message}`));
      else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="card-panel norms-editor" data-testid="norms-editor">
      <h2>{t('monitor.normsTitle')}</h2>
      {error && <Banner>{error}</Banner>}
      {!stored && !error && <Spinner />}
      {stored && (
        <>
          <p class="muted">
            {stored.default ? t('monitor.defaultNorms') : t('monitor.version', { v: stored.version })}
            {stored.saved_at && ` · ${dateTime(stored.saved_at)}`}
          </p>
          <label class="sr-only" for="norms-yaml">
            {t('monitor.normsTitle')}
          </label>
          <textarea id="norms-yaml" value={yaml} readOnly={!stored.can_edit} spellcheck={false}
            onInput={(e) => setYaml((e.target as HTMLTextAreaElement).value)} />
          {problems.length > 0 && (
            <div class="norms-problems" role="alert" data-testid="norms-problems">
              {problems.join('\n')}
            </div>
          )}
          {stored.can_edit ? (
            <div class="form-actions">
              <button type="button" class="btn btn-primary" data-testid="norms-save" disabled={busy} onClick={() => void save()}>
                {t('common.save')}
              </button>
            </div>
          ) : (
            <p class="muted">{t('monitor.readOnly')}</p>
          )}
        </>
      )}
    </div>
  );
}
