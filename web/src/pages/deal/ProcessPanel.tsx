// The card's place in the process: the stage's goal and script, its checklist (ticked
// through POST /check), the fields it needs to be left (POST /fields), the pending
// deadlines, and the ways on — next stages, returns, "mark lost".

import { useEffect, useState } from 'preact/hooks';
import { LostDialog } from '../../components/LostDialog';
import { Banner, Field, Spinner, fieldAttrs } from '../../components/ui';
import { dateTime, fromLocalInput, toLocalInput } from '../../format';
import { loc, t, tk } from '../../i18n';
import {
  checkItem,
  fieldLabel,
  fieldTime,
  isNumberField,
  isTimeField,
  lostReasonName,
  missingLabel,
  moveDeal,
  processErrorText,
  processRefusal,
  recordFields,
} from '../../process';
import { stageName, toast } from '../../store';
import type { Deal, DealProcess, MissingItem, ProcessResult, Task } from '../../types';

/** Requirements the scoring form fills in, not this panel. */
const SCORING_FIELDS = new Set(['score', 'segment']);

interface Props {
  deal: Deal;
  process: DealProcess | null;
  tasks: Task[] | null;
  onResult: (r: ProcessResult, message?: string) => void;
  /** The checklist was ticked: the deal's version moved on. */
  onDeal: (d: Deal) => void;
}

export function ProcessPanel({ deal, process, tasks, onResult, onDeal }: Props) {
  const [busy, setBusy] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<{ text: string; missing: MissingItem[] } | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [lostOpen, setLostOpen] = useState(false);
  const stage = process?.stage ?? null;

  useEffect(() => setChecked(new Set(process?.checked ?? [])), [process]);
  useEffect(() => setRefusal(null), [stage?.code]);

  if (!process || !stage)
    return (
      <section class="panel process-panel" aria-labelledby="process-h">
        <h2 id="process-h">{t('process.title')}</h2>
        <Spinner />
      </section>
    );

  const closed = deal.status !== 'open';
  const missingCodes = new Set(refusal?.missing.map((m) => `${m.kind}:${m.code}`) ?? []);

  const move = async (to: string) => {
    setBusy(to);
    setRefusal(null);
    try {
      const res = await moveDeal(deal, to);
      onResult(res, t('board.moved', { title: deal.title, stage: stageName(res.deal.stage) }));
    } catch (e) {
      const refused = processRefusal(e);
      const missing = refused.missing;
      setRefusal(refused);
      const firstField = missing.find((m) => m.kind === 'field' && !SCORING_FIELDS.has(m.code));
      const target = firstField ? `#pf-${firstField.code}` : missing.some((m) => m.kind === 'checklist') ? '.checklist input:not(:checked)' : '';
      if (target) requestAnimationFrame(() => document.querySelector<HTMLElement>(target)?.focus());
    } finally {
      setBusy(null);
    }
  };

  const toggle = async (code: string, on: boolean) => {
    const before = checked;
    setChecked((s) => {
      const n = new Set(s);
      if (on) n.add(code);
      else n.delete(code);
      return n;
    });
    try {
      const res = await checkItem(deal.id, code, on);
      onDeal(res.deal);
      if (refusal) setRefusal({ ...refusal, missing: refusal.missing.filter((m) => !(m.kind === 'checklist' && m.code === code)) });
    } catch (e) {
      setChecked(before);
      toast(processErrorText(e), 'error');
    }
  };

  const taskTitle = (kind: string) => tasks?.find((x) => x.kind === kind && !x.done)?.title ?? tasks?.find((x) => x.kind === kind)?.title;
  const timers = [...process.timers].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const now = Date.now();
  const ways = closed ? [] : stage.next.filter((s) => s !== 'lost');
  const returns = closed ? [] : stage.returns;
  const fieldsToFill = stage.requires.filter((f) => !SCORING_FIELDS.has(f));
  const scoringNeeded = stage.requires.filter((f) => SCORING_FIELDS.has(f));

  return (
    <section class="panel process-panel" aria-labelledby="process-h" data-testid="process-panel">
      <p class="process-kicker">{t('process.title')}</p>
      <h2 id="process-h" class="process-stage">
        {loc(stage.name)}
      </h2>
      {closed ? (
        <p class={`process-closed status-${deal.status}`}>
          {deal.status === 'lost' ? t('process.closedLost', { reason: lostReasonName(deal.lost_reason) }) : t('process.closedWon')}
        </p>
      ) : (
        loc(stage.goal) && (
          <p class="process-goal">
            <span class="tl-label">{t('process.goal')}</span> {loc(stage.goal)}
          </p>
        )
      )}

      {!closed && stage.script.length > 0 && (
        <details class="process-block script" open>
          <summary>{t('process.script')}</summary>
          <ol class="script-steps">
            {stage.script.map((s) => (
              <li>{loc(s)}</li>
            ))}
          </ol>
        </details>
      )}

      {!closed && stage.checklist.length > 0 && (
        <fieldset class="process-block checklist">
          <legend>{t('process.checklist')}</legend>
          {stage.checklist.map((c) => (
            <label class={`check${missingCodes.has(`checklist:${c.code}`) ? ' check-missing' : ''}`}>
              <input type="checkbox" checked={checked.has(c.code)} onChange={(e) => void toggle(c.code, e.currentTarget.checked)} />
              {loc(c)}
            </label>
          ))}
        </fieldset>
      )}

      {!closed && scoringNeeded.length > 0 && (
        <div class="process-block">
          <h3>{t('process.requires')}</h3>
          <ul class="req-list">
            {scoringNeeded.map((f) => {
              const v = f === 'score' ? deal.score : deal.segment;
              return (
                <li class={v === null ? (missingCodes.has(`field:${f}`) ? 'req-missing' : 'req-open') : 'req-done'}>
                  <span aria-hidden="true">{v === null ? '○' : '✓'}</span> {fieldLabel(f)}:{' '}
                  <strong>{v === null ? t('process.notFilled') : f === 'segment' ? tk('segment', String(v)) : String(v)}</strong>
                </li>
              );
            })}
          </ul>
          {scoringNeeded.some((f) => (f === 'score' ? deal.score : deal.segment) === null) && (
            <a href="#scoring-h" class="req-link" onClick={(e) => {
              e.preventDefault();
              const h = document.getElementById('scoring-h');
              h?.scrollIntoView({ block: 'start' });
              h?.focus({ preventScroll: true });
            }}>
              {t('process.fillScoring')}
            </a>
          )}
        </div>
      )}

      {!closed && fieldsToFill.length > 0 && (
        <RequiredFields key={stage.code} deal={deal} fields={fieldsToFill} values={process.fields} missing={missingCodes} onResult={onResult} />
      )}

      {timers.length > 0 && (
        <div class="process-block">
          <h3>{t('process.deadlines')}</h3>
          <ul class="deadlines">
            {timers.map((x) => {
              const late = Date.parse(x.at) < now;
              const label = x.code.startsWith('task:') ? (taskTitle(x.code.slice(5)) ?? fieldLabel(x.code.slice(5))) : t('process.stageTimer');
              return (
                <li class={late ? 'late' : ''}>
                  <span class="deadline-what">{label}</span>
                  <time dateTime={x.at}>
                    {dateTime(x.at)}
                    {late && ` · ${t('process.overdue')}`}
                  </time>
                </li>
              );
            })}
          </ul>
        </div>
      )}

      {refusal && (
        <Banner>
          {refusal.text}
          {refusal.missing.length > 0 && (
            <ul class="missing-list">
              {refusal.missing.map((m) => (
                <li>{missingLabel(m)}</li>
              ))}
            </ul>
          )}
        </Banner>
      )}

      {!closed && (
        <div class="process-actions">
          {(ways.length > 0 || returns.length > 0) && (
            <div class="ways" role="group" aria-label={t('process.moveTo')}>
              <span class="ways-label" aria-hidden="true">
                {t('process.moveTo')}
              </span>
              {ways.map((to, i) => (
                <button type="button" class={`btn ${i === 0 ? 'btn-primary' : ''}${to === 'won' ? ' btn-won' : ''}`} disabled={busy !== null} onClick={() => void move(to)}>
                  <span aria-hidden="true">{to === 'won' ? '✓' : '→'}</span> {stageName(to)}
                </button>
              ))}
              {returns.map((to) => (
                <button type="button" class="btn btn-ghost" disabled={busy !== null} onClick={() => void move(to)} title={t('process.return')}>
                  <span aria-hidden="true">↩</span> {stageName(to)}
                </button>
              ))}
            </div>
          )}
          <button type="button" class="btn btn-ghost btn-lost" onClick={() => setLostOpen(true)}>
            {t('process.markLost')}
          </button>
        </div>
      )}
      {lostOpen && (
        <LostDialog
          deal={deal}
          onCancel={() => setLostOpen(false)}
          onDone={(res) => {
            setLostOpen(false);
            onResult(res, res.deal.stage === 'lost' ? t('board.lostDone', { title: deal.title, reason: lostReasonName(res.deal.lost_reason) }) : t('board.moved', { title: deal.title, stage: stageName(res.deal.stage) }));
          }}
        />
      )}
    </section>
  );
}

function RequiredFields(props: { deal: Deal; fields: string[]; values: Record<string, unknown>; missing: Set<string>; onResult: (r: ProcessResult, message?: string) => void }) {
  const { deal, fields, values, missing, onResult } = props;
  const initial = () =>
    Object.fromEntries(
      fields.map((f) => {
        const v = values[f];
        if (v === undefined || v === null) return [f, ''];
        return [f, isTimeField(f) ? toLocalInput(fieldTime(v)) : String(v)];
      }),
    );
  const [draft, setDraft] = useState<Record<string, string>>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    const out: Record<string, unknown> = {};
    const errs: Record<string, string> = {};
    for (const f of fields) {
      const v = (draft[f] ?? '').trim();
      if (!v) continue;
      if (isTimeField(f)) {
        const iso = fromLocalInput(v);
        if (iso) out[f] = iso;
        else errs[f] = t('err.date');
      } else out[f] = isNumberField(f) && /^\d+$/.test(v) ? Number(v) : v;
    }
    if (!Object.keys(out).length && !Object.keys(errs).length) for (const f of fields) errs[f] = t('common.required');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      onResult(await recordFields(deal.id, out), t('process.fieldsSaved'));
    } catch (err) {
      setErrors({ [fields[0]]: processErrorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="process-block required-fields" onSubmit={save} noValidate>
      <h3>{t('process.requires')}</h3>
      {fields.map((f) => {
        const id = `pf-${f}`;
        const err = errors[f] || (missing.has(`field:${f}`) ? t('common.required') : '');
        return (
          <Field id={id} label={fieldLabel(f)} error={err}>
            <input
              {...fieldAttrs(id, err)}
              type={isTimeField(f) ? 'datetime-local' : isNumberField(f) ? 'number' : 'text'}
              value={draft[f]}
              onInput={(e) => {
                const v = e.currentTarget.value;
                setDraft((d) => ({ ...d, [f]: v }));
                if (errors[f]) setErrors((x) => ({ ...x, [f]: '' }));
              }}
              autocomplete="off"
            />
          </Field>
        );
      })}
      <button type="submit" class="btn btn-small" disabled={busy}>
        {busy ? t('common.saving') : t('process.saveFields')}
      </button>
    </form>
  );
}
