// The deal card: where the card is in the process (stage, goal, script, checklist, required
// fields, deadlines, the ways on), the scoring form, editable fields (validated by the server,
// messages next to the field), the working group, contact and company, tasks, the timeline
// (process steps, activities, changes) and the form to log a call or meeting.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, get, listAll, patch, post, randomKey } from '../api';
import { pokeNotifications } from '../components/Notifications';
import { Banner, Field, Spinner, errorField, errorText, fieldAttrs, useTitle } from '../components/ui';
import { amountInput, dateTime, fromDateInput, fromLocalInput, money, parseAmount, startOfDay, toDateInput, toLocalInput } from '../format';
import { t, tk, type Lang } from '../i18n';
import { effectsSummary, getProcess, lostReasonName } from '../process';
import { Link } from '../router';
import { deals as dealCache, meta, stageName, toast, userName } from '../store';
import type { Activity, Company, Contact, Deal, DealProcess, ProcessResult, Task, TimelineEntry } from '../types';
import { ProcessPanel } from './deal/ProcessPanel';
import { ScoringPanel } from './deal/ScoringPanel';
import { Timeline } from './deal/Timeline';
import { ContactPrivacy } from './deal/ContactPrivacy';

const CHANNELS = ['phone', 'site_form', 'email', 'messenger', 'manual', 'outbound', 'referral'];
const PRODUCTS = ['Корпоративный сайт', 'Интернет-магазин', 'Мобильное приложение', 'Корпоративный портал', 'Интеграция с 1С', 'Техническая поддержка', 'CRM-внедрение'];

type Draft = Record<string, string>;

function toDraft(d: Deal): Draft {
  return {
    title: d.title,
    amount: amountInput(d.amount),
    channel: d.channel,
    product: d.product ?? '',
    region: d.region ?? '',
    responsible_id: d.responsible_id ? String(d.responsible_id) : '',
    decision_date: toDateInput(d.decision_date),
    description: d.description ?? '',
  };
}

/** The fields that differ from the record, converted to API values; or a local error. */
function changes(deal: Deal, draft: Draft): { body: Record<string, unknown>; error?: [string, string] } {
  const base = toDraft(deal);
  const body: Record<string, unknown> = {};
  for (const k of Object.keys(draft)) {
    if (draft[k] === base[k]) continue;
    const v = draft[k].trim();
    switch (k) {
      case 'amount': {
        const n = parseAmount(v);
        if (n !== null && isNaN(n)) return { body, error: ['amount', t('err.amount')] };
        body.amount = n ?? 0;
        break;
      }
      case 'responsible_id':
        body.responsible_id = v === '' ? null : Number(v);
        break;
      case 'decision_date':
        body.decision_date = v === '' ? null : fromDateInput(v) ?? v;
        break;
      case 'title':
      case 'channel':
        body[k] = v;
        break;
      case 'description':
        body[k] = draft[k] === '' ? null : draft[k];
        break;
      default:
        body[k] = v === '' ? null : v;
    }
  }
  return { body };
}

export function DealPage({ id, lang }: { id: number; lang: Lang }) {
  const [deal, setDeal] = useState<Deal | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [contact, setContact] = useState<Contact | null>(null);
  const [company, setCompany] = useState<Company | null>(null);
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [process, setProcess] = useState<DealProcess | null>(null);
  const [timeline, setTimeline] = useState<TimelineEntry[] | null>(null);
  useTitle(deal?.title ?? t('common.loading'));

  const loadTasks = () =>
    listAll<Task>('/api/tasks', { deal_id: id, sort: 'due_at' }, { maxPages: 3 })
      .then((x) => {
        setTasks(x);
        return x;
      })
      .catch(() => {
        setTasks([]);
        return [] as Task[];
      });
  const loadTimeline = () =>
    void get<{ items: TimelineEntry[] }>(`/api/deals/${id}/timeline`)
      .then((r) => setTimeline(r.items))
      .catch(() => setTimeline([]));
  const loadProcess = () =>
    void getProcess(id)
      .then(setProcess)
      .catch(() => undefined);

  useEffect(() => {
    let live = true;
    get<Deal>(`/api/deals/${id}`)
      .then((d) => {
        if (!live) return;
        setDeal(d);
        dealCache.set(d.id, d);
        if (d.contact_id) get<Contact>(`/api/contacts/${d.contact_id}`).then((c) => live && setContact(c)).catch(() => undefined);
        if (d.company_id) get<Company>(`/api/companies/${d.company_id}`).then((c) => live && setCompany(c)).catch(() => undefined);
      })
      .catch((e) => live && setLoadError(e instanceof ApiError && (e.status === 404 || e.status === 403) ? t('deal.notFound') : errorText(e)));
    void loadTasks();
    loadTimeline();
    loadProcess();
    return () => {
      live = false;
    };
  }, [id]);

  // Route changes focus the page heading; the card's heading appears only once it has loaded.
  const loaded = deal !== null;
  useEffect(() => {
    if (loaded && (document.activeElement === document.body || document.activeElement === null))
      document.getElementById('deal-h1')?.focus({ preventScroll: true });
  }, [loaded]);

  const onSaved = (d: Deal) => {
    setDeal(d);
    dealCache.set(d.id, d);
    loadTimeline();
  };

  /** A process step went through: fresh card, process, tasks and timeline; say what happened. */
  const onProcessResult = (res: ProcessResult, message?: string) => {
    onSaved(res.deal);
    loadProcess();
    pokeNotifications();
    void loadTasks().then((fresh) => {
      const titles = new Map(fresh.map((x) => [x.kind ?? '', x.title]));
      const fx = effectsSummary(res.effects.filter((x) => !x.startsWith('stage ')), titles);
      if (message || fx) toast([message, fx].filter(Boolean).join('. '));
    });
  };

  if (loadError)
    return (
      <section class="page">
        <h1 tabIndex={-1}>{t('deal.notFound')}</h1>
        <Banner>{loadError}</Banner>
        <Link href="/board">{t('deal.back')}</Link>
      </section>
    );
  if (!deal)
    return (
      <section class="page">
        <h1 tabIndex={-1} class="sr-only">
          {t('common.loading')}
        </h1>
        <Spinner />
      </section>
    );

  return (
    <article class="page deal-page" aria-labelledby="deal-h1">
      <div class="deal-head">
        <Link href="/board" class="back-link">
          {t('deal.back')}
        </Link>
        <h1 id="deal-h1" tabIndex={-1}>
          {deal.title}
        </h1>
        <div class="deal-sub">
          <span class={`status status-${deal.status}`}>{tk('status', deal.status)}</span>
          {deal.status === 'lost' && deal.lost_reason && <span class="muted">{lostReasonName(deal.lost_reason)}</span>}
          <span class="deal-amount">{money(deal.amount, deal.currency)}</span>
          {deal.segment && <span class={`badge seg-${deal.segment}`}>{tk('segment', deal.segment)}</span>}
          {deal.score !== null && <span class="muted">{t('deal.scoreShort', { score: deal.score > 0 ? `+${deal.score}` : String(deal.score) })}</span>}
          <span class="muted">{userName(deal.responsible_id)}</span>
        </div>
        <StageProgress stage={deal.stage} />
      </div>
      <div class="deal-grid">
        <div class="deal-process">
          <ProcessPanel deal={deal} process={process} tasks={tasks} onResult={onProcessResult} onDeal={onSaved} />
        </div>
        <div class="deal-fields">
          <DealForm deal={deal} lang={lang} onSaved={onSaved} onConflict={setDeal} />
        </div>
        <div class="deal-main">
          <ScoringPanel deal={deal} tasks={tasks} blocks={process?.fields.score_blocks as Record<string, unknown> | undefined} onResult={onProcessResult} />
          <LogActivity
            deal={deal}
            onLogged={() => {
              loadTimeline();
              void loadTasks();
            }}
          />
          <Timeline entries={timeline} tasks={tasks} />
        </div>
        <aside class="deal-side">
          <TasksPanel deal={deal} tasks={tasks} reload={() => {
            void loadTasks();
            loadProcess();
            loadTimeline();
          }} />
          <MembersPanel deal={deal} onSaved={onSaved} />
          <ContactPanel contact={contact} hasId={!!deal.contact_id} onErased={(c) => {
            setContact(c);
            loadTimeline();
            void get<Deal>(`/api/deals/${id}`).then(setDeal);
          }} />
          <CompanyPanel company={company} hasId={!!deal.company_id} />
        </aside>
      </div>
    </article>
  );
}

function StageProgress({ stage }: { stage: string }) {
  const stages = meta.stages;
  const idx = stages.findIndex((s) => s.code === stage);
  return (
    <ol class="stages" aria-label={t('deal.stageProgress')}>
      {stages.map((s, i) => (
        <li
          class={`stage-step${s.code === stage ? ' current' : i < idx && stage !== 'lost' ? ' passed' : ''}${s.code === 'lost' ? ' step-lost' : ''}`}
          aria-current={s.code === stage ? 'step' : undefined}
        >
          {stageName(s.code)}
        </li>
      ))}
    </ol>
  );
}

function DealForm({ deal, onSaved, onConflict }: { deal: Deal; lang: Lang; onSaved: (d: Deal) => void; onConflict: (d: Deal) => void }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(deal));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const prevDeal = useRef(deal);

  // The record changed outside this form (a save elsewhere, a 409 with the current record):
  // rebase — fields the user edited keep the edit, the others take the fresh values.
  useEffect(() => {
    const prev = prevDeal.current;
    prevDeal.current = deal;
    if (prev === deal) return;
    const before = toDraft(prev);
    const fresh = toDraft(deal);
    setDraft((d) => {
      const out = { ...fresh };
      for (const k of Object.keys(d)) if (d[k] !== before[k]) out[k] = d[k];
      return out;
    });
  }, [deal]);

  const { body } = useMemo(() => changes(deal, draft), [deal, draft]);
  const dirty = Object.keys(body).length > 0 || draft.amount !== toDraft(deal).amount;

  const set = (k: string, v: string) => {
    setDraft((d) => ({ ...d, [k]: v }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: '' }));
  };

  const focusField = (k: string) => requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>(`#deal-${k}`)?.focus());

  const save = async (e: Event) => {
    e.preventDefault();
    setBanner(null);
    const c = changes(deal, draft);
    if (c.error) {
      setErrors({ [c.error[0]]: c.error[1] });
      focusField(c.error[0]);
      return;
    }
    if (Object.keys(c.body).length === 0) return;
    setBusy(true);
    setErrors({});
    try {
      const saved = await patch<Deal>(`/api/deals/${deal.id}`, { version: deal.version, ...c.body });
      prevDeal.current = saved;
      setDraft(toDraft(saved));
      onSaved(saved);
      toast(t('deal.saved'));
    } catch (err) {
      const field = errorField(err);
      if (err instanceof ApiError && err.status === 409 && err.current) {
        onConflict(err.current as Deal);
        setBanner(t('err.conflict'));
      } else if (field && field in draft) {
        setErrors({ [field]: errorText(err) });
        focusField(field);
      } else {
        setBanner(errorText(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const input = (k: string, label: string, props: Record<string, unknown> = {}, cls = '') => (
    <Field id={`deal-${k}`} label={label} error={errors[k]} class={cls}>
      <input {...fieldAttrs(`deal-${k}`, errors[k])} value={draft[k]} onInput={(e) => set(k, e.currentTarget.value)} {...props} />
    </Field>
  );
  const select = (k: string, label: string, options: [string, string][], cls = '') => (
    <Field id={`deal-${k}`} label={label} error={errors[k]} class={cls}>
      <select {...fieldAttrs(`deal-${k}`, errors[k])} value={draft[k]} onChange={(e) => set(k, e.currentTarget.value)}>
        {options.map(([v, l]) => (
          <option value={v}>{l}</option>
        ))}
      </select>
    </Field>
  );

  const people = [...meta.users.values()].filter((u) => !u.archived && (u.role === 'manager' || u.role === 'head' || u.id === deal.responsible_id));

  return (
    <form class={`panel deal-form${dirty ? ' deal-form-dirty' : ''}`} ref={formRef} onSubmit={save} noValidate aria-labelledby="deal-form-h">
      <h2 id="deal-form-h">{t('deal.details')}</h2>
      {banner && <Banner>{banner}</Banner>}
      <div class="form-grid">
        {input('title', t('field.title'), { required: true, autocomplete: 'off' }, 'span-2')}
        {input('amount', t('field.amount'), { inputMode: 'decimal', autocomplete: 'off' })}
        {input('decision_date', t('field.decision_date'), { type: 'date' })}
        {select('responsible_id', t('field.responsible_id'), [['', t('common.none')], ...people.map((u) => [String(u.id), u.name] as [string, string])], 'span-2')}
        {select('channel', t('field.channel'), CHANNELS.map((c) => [c, tk('channel', c)]))}
        {input('region', t('field.region'), { autocomplete: 'off' })}
        {input('product', t('field.product'), { list: 'deal-products', autocomplete: 'off' }, 'span-2')}
        <Field id="deal-description" label={t('field.description')} error={errors.description} class="span-2">
          <textarea {...fieldAttrs('deal-description', errors.description)} rows={2} value={draft.description} onInput={(e) => set('description', e.currentTarget.value)} />
        </Field>
      </div>
      <datalist id="deal-products">
        {PRODUCTS.map((p) => (
          <option value={p} />
        ))}
      </datalist>
      <div class="form-actions">
        {dirty && <span class="muted dirty-note">{t('deal.unsaved')}</span>}
        <button
          type="button"
          class="btn btn-ghost"
          disabled={!dirty || busy}
          onClick={() => {
            setDraft(toDraft(deal));
            setErrors({});
            setBanner(null);
          }}
        >
          {t('common.cancel')}
        </button>
        <button type="submit" class="btn btn-primary" disabled={!dirty || busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** The deal's working group (deal.members); anyone who may edit the card may change it. */
function MembersPanel({ deal, onSaved }: { deal: Deal; onSaved: (d: Deal) => void }) {
  const [adding, setAdding] = useState('');
  const [busy, setBusy] = useState(false);
  const canEdit = meta.me!.role !== 'owner' && meta.me!.role !== 'curator';
  const save = async (members: number[]) => {
    setBusy(true);
    try {
      onSaved(await patch<Deal>(`/api/deals/${deal.id}`, { version: deal.version, members }));
      setAdding('');
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  const others = [...meta.users.values()].filter((u) => !u.archived && u.id !== deal.responsible_id && !deal.members.includes(u.id) && u.role !== 'owner');
  return (
    <section class="panel" aria-labelledby="members-h" data-testid="members">
      <h2 id="members-h">{t('field.members')}</h2>
      <ul class="members" role="list">
        {deal.responsible_id && (
          <li>
            <span>{userName(deal.responsible_id)}</span>
            <span class="muted member-role">{t('members.responsible')}</span>
          </li>
        )}
        {deal.members.map((m) => (
          <li>
            <span>{userName(m)}</span>
            <span class="muted member-role">{meta.users.get(m)?.position ?? ''}</span>
            {canEdit && deal.status === 'open' && (
              <button type="button" class="btn btn-ghost btn-small" disabled={busy} aria-label={t('members.remove', { name: userName(m) })} onClick={() => void save(deal.members.filter((x) => x !== m))}>
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {deal.members.length === 0 && <p class="muted">{t('members.none')}</p>}
      {canEdit && deal.status === 'open' && (
        <form
          class="member-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding) void save([...deal.members, Number(adding)]);
          }}
        >
          <label for="member-add" class="sr-only">
            {t('members.addLabel')}
          </label>
          <select id="member-add" value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
            <option value="">{t('members.pick')}</option>
            {others.map((u) => (
              <option value={String(u.id)}>{u.name}</option>
            ))}
          </select>
          <button type="submit" class="btn btn-small" disabled={!adding || busy}>
            {t('members.add')}
          </button>
        </form>
      )}
    </section>
  );
}

function ContactPanel({ contact, hasId, onErased }: { contact: Contact | null; hasId: boolean; onErased: (c: Contact) => void }) {
  return (
    <section class="panel" aria-labelledby="contact-h">
      <h2 id="contact-h">{t('deal.contact')}</h2>
      {!hasId ? (
        <p class="muted">{t('deal.noContact')}</p>
      ) : !contact ? (
        <Spinner />
      ) : (
        <dl class="props">
          <dt class="sr-only">{t('lead.name')}</dt>
          <dd class="prop-name">{contact.name}</dd>
          {contact.position && (
            <>
              <dt>{t('deal.position')}</dt>
              <dd>{contact.position}</dd>
            </>
          )}
          {contact.phones.length > 0 && (
            <>
              <dt>{t('deal.phones')}</dt>
              <dd>
                {contact.phones.map((p) => (
                  <a href={`tel:${p}`} class="block-link">
                    {p}
                  </a>
                ))}
              </dd>
            </>
          )}
          {contact.emails.length > 0 && (
            <>
              <dt>{t('deal.emails')}</dt>
              <dd>
                {contact.emails.map((m) => (
                  <a href={`mailto:${m}`} class="block-link">
                    {m}
                  </a>
                ))}
              </dd>
            </>
          )}
        </dl>
      )}
      {contact && <ContactPrivacy contact={contact} onErased={onErased} />}
    </section>
  );
}

function CompanyPanel({ company, hasId }: { company: Company | null; hasId: boolean }) {
  return (
    <section class="panel" aria-labelledby="company-h">
      <h2 id="company-h">{t('deal.company')}</h2>
      {!hasId ? (
        <p class="muted">{t('deal.noCompany')}</p>
      ) : !company ? (
        <Spinner />
      ) : (
        <dl class="props">
          <dt class="sr-only">{t('field.title')}</dt>
          <dd class="prop-name">{company.name}</dd>
          {company.inn && (
            <>
              <dt>{t('deal.inn')}</dt>
              <dd>{company.inn}</dd>
            </>
          )}
          {company.region && (
            <>
              <dt>{t('field.region')}</dt>
              <dd>{company.region}</dd>
            </>
          )}
          {company.website && (
            <>
              <dt>{t('deal.website')}</dt>
              <dd>{company.website}</dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}

function defaultDue(): string {
  const d = startOfDay(new Date(), 1);
  d.setHours(10);
  return toLocalInput(d);
}

function TasksPanel({ deal, tasks, reload }: { deal: Deal; tasks: Task[] | null; reload: () => void }) {
  const [title, setTitle] = useState('');
  const [due, setDue] = useState(defaultDue);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [working, setWorking] = useState<Set<number>>(new Set());

  const complete = async (task: Task) => {
    setWorking((s) => new Set(s).add(task.id));
    try {
      await patch<Task>(`/api/tasks/${task.id}`, { version: task.version, done: !task.done });
      if (!task.done) toast(t('desktop.completed', { title: task.title }));
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setWorking((s) => {
        const n = new Set(s);
        n.delete(task.id);
        return n;
      });
      reload();
    }
  };

  const add = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!title.trim()) errs.title = t('common.required');
    const dueIso = fromLocalInput(due);
    if (!dueIso) errs.due_at = t('common.required');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      await post<Task>(
        '/api/tasks',
        { title: title.trim(), deal_id: deal.id, due_at: dueIso, assignee_id: deal.responsible_id ?? meta.me!.id, kind: 'manual' },
        { idempotencyKey: randomKey() },
      );
      setTitle('');
      setDue(defaultDue());
      toast(t('deal.taskAdded'));
      reload();
    } catch (err) {
      const f = errorField(err);
      setErrors({ [f === 'due_at' ? 'due_at' : 'title']: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const open = (tasks ?? []).filter((x) => !x.done);
  const done = (tasks ?? []).filter((x) => x.done);
  return (
    <section class="panel" aria-labelledby="tasks-h" data-testid="deal-tasks">
      <h2 id="tasks-h">{t('deal.tasks')}</h2>
      {tasks === null ? (
        <Spinner />
      ) : (
        <>
          {open.length === 0 && <p class="muted">{t('deal.noTasks')}</p>}
          <ul class="task-list" role="list">
            {open.map((x) => (
              <TaskRow task={x} busy={working.has(x.id)} onToggle={() => void complete(x)} />
            ))}
          </ul>
          {done.length > 0 && (
            <details class="done-tasks">
              <summary>{t('deal.doneTasks', { n: done.length })}</summary>
              <ul class="task-list" role="list">
                {done.map((x) => (
                  <TaskRow task={x} busy={working.has(x.id)} onToggle={() => void complete(x)} />
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      <form class="add-task" onSubmit={add} noValidate>
        <h3>{t('deal.addTask')}</h3>
        <Field id="task-title" label={t('deal.taskTitle')} error={errors.title}>
          <input {...fieldAttrs('task-title', errors.title)} value={title} onInput={(e) => setTitle(e.currentTarget.value)} autocomplete="off" />
        </Field>
        <Field id="task-due" label={t('deal.taskDue')} error={errors.due_at}>
          <input {...fieldAttrs('task-due', errors.due_at)} type="datetime-local" value={due} onInput={(e) => setDue(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="btn" disabled={busy}>
          {t('deal.addTask')}
        </button>
      </form>
    </section>
  );
}

function TaskRow({ task, busy, onToggle }: { task: Task; busy: boolean; onToggle: () => void }) {
  const id = `task-${task.id}`;
  return (
    <li class={`task${task.overdue ? ' task-overdue' : ''}${task.done ? ' task-done' : ''}`}>
      <input type="checkbox" id={id} checked={task.done} disabled={busy} onChange={onToggle} />
      <label for={id}>
        <span class="task-title">{task.title}</span>
        <span class="task-due">
          {dateTime(task.due_at)} · {userName(task.assignee_id)}
        </span>
      </label>
    </li>
  );
}

function LogActivity({ deal, onLogged }: { deal: Deal; onLogged: () => void }) {
  const [type, setType] = useState<'call' | 'meeting'>('call');
  const [goal, setGoal] = useState('');
  const [outcome, setOutcome] = useState('');
  const [nextStep, setNextStep] = useState('');
  const [nextAt, setNextAt] = useState(defaultDue);
  const [duration, setDuration] = useState('');
  const [makeTask, setMakeTask] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBanner(null);
    const errs: Record<string, string> = {};
    if (!goal.trim()) errs.goal = t('log.goalRequired');
    const nextIso = fromLocalInput(nextAt);
    if (nextStep.trim() && makeTask && !nextIso) errs.next_step_at = t('log.nextStepAtRequired');
    setErrors(errs);
    if (Object.keys(errs).length) {
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setBusy(true);
    try {
      const body: Record<string, unknown> = {
        type,
        deal_id: deal.id,
        occurred_at: new Date().toISOString(),
        goal: goal.trim(),
      };
      if (deal.contact_id) body.contact_id = deal.contact_id;
      if (outcome.trim()) body.outcome = outcome.trim();
      if (nextStep.trim()) {
        body.next_step = nextStep.trim();
        if (nextIso) body.next_step_at = nextIso;
      }
      if (duration.trim()) body.duration_min = /^\d+$/.test(duration.trim()) ? Number(duration.trim()) : duration.trim();
      await post<Activity>('/api/activities', body, { idempotencyKey: randomKey() });
      if (nextStep.trim() && makeTask && nextIso)
        await post<Task>(
          '/api/tasks',
          { title: nextStep.trim(), deal_id: deal.id, due_at: nextIso, assignee_id: deal.responsible_id ?? meta.me!.id, kind: 'next_step' },
          { idempotencyKey: randomKey() },
        );
      setGoal('');
      setOutcome('');
      setNextStep('');
      setDuration('');
      setNextAt(defaultDue());
      toast(t('log.saved'));
      onLogged();
    } catch (err) {
      const f = errorField(err);
      if (f && ['goal', 'outcome', 'next_step', 'next_step_at', 'duration_min'].includes(f)) setErrors({ [f]: errorText(err) });
      else setBanner(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel log-form" ref={formRef} onSubmit={submit} noValidate aria-labelledby="log-h">
      <h2 id="log-h">{t('log.title')}</h2>
      {banner && <Banner>{banner}</Banner>}
      <fieldset class="segmented">
        <legend>{t('log.type')}</legend>
        {(['call', 'meeting'] as const).map((x) => (
          <label class={type === x ? 'seg-opt checked' : 'seg-opt'}>
            <input type="radio" name="log-type" value={x} checked={type === x} onChange={() => setType(x)} />
            {tk('activity', x)}
          </label>
        ))}
      </fieldset>
      <div class="form-grid">
        <Field id="log-goal" label={t('log.goal')} error={errors.goal} class="span-2">
          <input {...fieldAttrs('log-goal', errors.goal)} value={goal} placeholder={t('log.goalPlaceholder')} onInput={(e) => setGoal(e.currentTarget.value)} autocomplete="off" />
        </Field>
        <Field id="log-outcome" label={t('log.outcome')} error={errors.outcome} class="span-2">
          <textarea {...fieldAttrs('log-outcome', errors.outcome)} rows={2} value={outcome} onInput={(e) => setOutcome(e.currentTarget.value)} />
        </Field>
        <Field id="log-next" label={t('log.nextStep')} error={errors.next_step}>
          <input {...fieldAttrs('log-next', errors.next_step)} value={nextStep} onInput={(e) => setNextStep(e.currentTarget.value)} autocomplete="off" />
        </Field>
        <Field id="log-next-at" label={t('log.nextStepAt')} error={errors.next_step_at}>
          <input {...fieldAttrs('log-next-at', errors.next_step_at)} type="datetime-local" value={nextAt} onInput={(e) => setNextAt(e.currentTarget.value)} />
        </Field>
        <Field id="log-duration" label={t('log.duration')} error={errors.duration_min}>
          <input {...fieldAttrs('log-duration', errors.duration_min)} type="number" min={0} inputMode="numeric" value={duration} onInput={(e) => setDuration(e.currentTarget.value)} />
        </Field>
        <div class="field field-check">
          <label class="check">
            <input type="checkbox" checked={makeTask} onChange={(e) => setMakeTask(e.currentTarget.checked)} />
            {t('log.makeTask')}
          </label>
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('common.saving') : t('log.submit')}
        </button>
      </div>
    </form>
  );
}
