// Lead routing and absences. /routing (head, admin): the distribution rules as YAML with the
// server's problems shown at their line, and the team's absences. /absences (everyone): mark a
// vacation or sick leave with a stand-in and see one's own (and those one stands in for).

import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, randomKey, request } from '../../api';
import { Banner, errorText, Field, Spinner, useTitle } from '../../components/ui';
import { day, dateTime } from '../../format';
import { t, type Lang } from '../../i18n';
import { meta, toast, userName } from '../../store';
import './routing.css';

interface RoutingRules {
  yaml: string;
  default: boolean;
  updated_at: string | null;
}

interface Problem {
  line: number;
  column: number;
  message: string;
}

export interface Absence {
  id: number;
  user_id: number;
  user_name: string;
  kind: 'vacation' | 'sick_leave';
  starts_at: string;
  ends_at: string;
  stand_in_id: number;
  stand_in_name: string;
  note: string | null;
  state: 'planned' | 'active' | 'ended';
  moved_tasks: number;
}

const canHead = () => meta.me?.role === 'head' || meta.me?.role === 'admin';

export function RoutingPage({ lang, rules }: { lang: Lang; rules: boolean }) {
  useTitle(rules ? t('routing.title') : t('absence.title'));
  return (
    <section class="page routing-page" data-lang={lang}>
      <h1 tabIndex={-1}>{rules ? t('routing.title') : t('absence.title')}</h1>
      {rules && canHead() && <RulesEditor />}
      <Absences />
    </section>
  );
}

function RulesEditor() {
  const [stored, setStored] = useState<RoutingRules | null>(null);
  const [yaml, setYaml] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get<RoutingRules>('/api/routing').then(
      (r) => {
        setStored(r);
        setYaml(r.yaml);
      },
      (e) => setError(errorText(e)),
    );
  }, []);
  const save = async (text: string | null) => {
    setBusy(true);
    setError(null);
    setProblems([]);
    try {
      const r = await request<RoutingRules>('PUT', '/api/routing', { yaml: text });
      setStored(r);
      setYaml(r.yaml);
      toast(t('routing.saved'));
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.data?.problems)) setProblems(e.data.problems as Problem[]);
      else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const byLine = new Map<number, Problem[]>();
  for (const p of problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);
  const lines = yaml.split('\n');
  return (
    <div class="card-panel routing-editor" data-testid="routing-editor">
      <h2>{t('routing.rules')}</h2>
      <p class="muted">{t('routing.intro')}</p>
      {error && <Banner>{error}</Banner>}
      {!stored && !error && <Spinner />}
      {stored && (
        <>
          <p class="muted">
            {stored.default ? t('routing.default') : t('routing.updated', { at: dateTime(stored.updated_at) })}
          </p>
          <label class="sr-only" for="routing-yaml">
            {t('routing.rules')}
          </label>
          <textarea
            id="routing-yaml"
            class="routing-yaml"
            value={yaml}
            rows={Math.min(40, Math.max(12, lines.length + 2))}
            spellcheck={false}
            aria-invalid={problems.length > 0 ? true : undefined}
            aria-describedby={problems.length > 0 ? 'routing-problems' : undefined}
            onInput={(e) => setYaml((e.target as HTMLTextAreaElement).value)}
          />
          {problems.length > 0 && (
            <ol class="routing-problems" id="routing-problems" role="alert" data-testid="routing-problems">
              {[...byLine.entries()].map(([line, ps]) => (
                <li key={line}>
                  <code class="routing-line">
                    {line > 0 ? t('routing.line', { line, column: ps[0].column }) : t('routing.noLine')}
                    {line > 0 && lines[line - 1] !== undefined && <span class="routing-src">{lines[line - 1]}</span>}
                  </code>
                  {ps.map((p) => (
                    <div key={p.message}>{p.message}</div>
                  ))}
                </li>
              ))}
            </ol>
          )}
          <div class="form-actions">
            <button type="button" class="btn btn-primary" data-testid="routing-save" disabled={busy} onClick={() => void save(yaml)}>
              {t('common.save')}
            </button>
            {!stored.default && (
              <button type="button" class="btn" disabled={busy} onClick={() => void save(null)}>
                {t('routing.reset')}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function Absences() {
  const [items, setItems] = useState<Absence[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    get<{ items: Absence[] }>('/api/absences').then(
      (r) => setItems(r.items),
      (e) => setError(errorText(e)),
    );
  useEffect(() => void load(), []);
  const cancel = async (a: Absence) => {
    if (!confirm(t('absence.cancelConfirm', { name: a.user_name }))) return;
    try {
      await request('DELETE', `/api/absences/${a.id}`);
      toast(t('absence.cancelled'));
      void load();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  return (
    <>
      <AbsenceForm onSaved={() => void load()} />
      <div class="card-panel" data-testid="absences">
        <h2>{canHead() ? t('absence.team') : t('absence.mine')}</h2>
        {error && <Banner>{error}</Banner>}
        {!items && !error && <Spinner />}
        {items && items.length === 0 && <p class="muted">{t('absence.none')}</p>}
        {items && items.length > 0 && (
          <table class="table absences-table">
            <thead>
              <tr>
                <th>{t('absence.who')}</th>
                <th>{t('absence.kind')}</th>
                <th>{t('absence.period')}</th>
                <th>{t('absence.standIn')}</th>
                <th>{t('absence.state')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} data-testid="absence-row">
                  <td>{a.user_name}</td>
                  <td>{t(a.kind === 'vacation' ? 'absence.vacation' : 'absence.sick')}</td>
                  <td>
                    {day(a.starts_at)} — {day(new Date(new Date(a.ends_at).getTime() - 1))}
                  </td>
                  <td>{a.stand_in_name}</td>
                  <td>
                    {t(`absence.state.${a.state}` as 'absence.state.active')}
                    {a.state === 'active' && a.moved_tasks > 0 && ` · ${t('absence.moved', { n: a.moved_tasks })}`}
                  </td>
                  <td>
                    {a.state !== 'ended' && (
                      <button type="button" class="btn btn-small" onClick={() => void cancel(a)}>
                        {t('absence.cancel')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}

/** Local midnight of a YYYY-MM-DD date, as an ISO instant; `plusDays` after it. */
function localMidnight(date: string, plusDays = 0): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function AbsenceForm({ onSaved }: { onSaved: () => void }) {
  const me = meta.me!;
  const today = new Date().toISOString().slice(0, 10);
  const people = [...meta.users.values()].filter((u) => !u.archived);
  const mine = canHead() ? people.filter((u) => me.role === 'admin' || u.team_id === me.team_id || u.id === me.id) : [me];
  const [userId, setUserId] = useState(me.id);
  const [kind, setKind] = useState<'vacation' | 'sick_leave'>('vacation');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [standIn, setStandIn] = useState<number>(0);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [field, setField] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setField(undefined);
    if (!standIn) {
      setField('stand_in_id');
      setError(t('absence.needStandIn'));
      return;
    }
    setBusy(true);
    try {
      await post(
        '/api/absences',
        {
          user_id: userId,
          kind,
          starts_at: localMidnight(from),
          ends_at: localMidnight(to, 1),
          stand_in_id: standIn,
          note: note.trim() || null,
        },
        { idempotencyKey: randomKey() },
      );
      toast(t('absence.saved', { name: userName(userId) }));
      setNote('');
      onSaved();
    } catch (err) {
      setError(errorText(err));
      setField(err instanceof ApiError ? err.field : undefined);
    } finally {
      setBusy(false);
    }
  };
  const err = (f: string) => (field === f ? error : null);
  return (
    <form class="card-panel absence-form" onSubmit={(e) => void submit(e)} data-testid="absence-form">
      <h2>{t('absence.mark')}</h2>
      <p class="muted">{t('absence.intro')}</p>
      {error && !field && <Banner>{error}</Banner>}
      <div class="absence-grid">
        {mine.length > 1 && (
          <Field id="absence-user" label={t('absence.who')} error={err('user_id')}>
            <select id="absence-user" value={userId} onChange={(e) => setUserId(Number((e.target as HTMLSelectElement).value))}>
              {mine.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id="absence-kind" label={t('absence.kind')} error={err('kind')}>
          <select id="absence-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as 'vacation')}>
            <option value="vacation">{t('absence.vacation')}</option>
            <option value="sick_leave">{t('absence.sick')}</option>
          </select>
        </Field>
        <Field id="absence-from" label={t('absence.from')} error={err('starts_at')}>
          <input id="absence-from" type="date" required value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="absence-to" label={t('absence.to')} error={err('ends_at')}>
          <input id="absence-to" type="date" required min={from} value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="absence-stand-in" label={t('absence.standIn')} error={err('stand_in_id')}>
          <select id="absence-stand-in" value={standIn} onChange={(e) => setStandIn(Number((e.target as HTMLSelectElement).value))}>
            <option value={0}>{t('absence.choose')}</option>
            {people
              .filter((u) => u.id !== userId)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </Field>
        <Field id="absence-note" label={t('absence.note')} error={err('note')}>
          <input id="absence-note" value={note} maxLength={1000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
        </Field>
      </div>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="absence-save">
          {t('absence.save')}
        </button>
      </div>
    </form>
  );
}
