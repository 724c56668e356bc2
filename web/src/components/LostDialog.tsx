// "Mark lost": the pipeline's lost reasons, with inputs for the fields each reason needs
// (dates as date-time inputs), posted to POST /api/deals/{id}/lost. Some reasons do not
// close the card but send it back (waiting for a decision → deep interview).

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { fromLocalInput } from '../format';
import { loc, t } from '../i18n';
import { fieldLabel, isNumberField, isTimeField, lostReasons, markLost, missingOf, processErrorText } from '../process';
import type { Deal, ProcessResult } from '../types';
import { Banner, Field, fieldAttrs } from './ui';

/** Reasons the process records by itself (scoring), not offered by hand. */
const AUTOMATIC = new Set(['segment_c', 'knocked_out']);

export function LostDialog({ deal, onCancel, onDone }: { deal: Pick<Deal, 'id' | 'version' | 'title'>; onCancel: () => void; onDone: (r: ProcessResult) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const reasons = lostReasons().filter((r) => !AUTOMATIC.has(r.code));
  const [choice, setChoice] = useState(reasons[0]?.code ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    const close = (e: Event) => {
      e.preventDefault();
      onCancel();
    };
    d.addEventListener('cancel', close);
    return () => d.removeEventListener('cancel', close);
  }, []);

  const reason = reasons.find((r) => r.code === choice);
  const focusInvalid = () => requestAnimationFrame(() => ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!reason || busy) return;
    setBanner(null);
    const fields: Record<string, unknown> = {};
    const errs: Record<string, string> = {};
    for (const f of reason.requires) {
      const v = (values[f] ?? '').trim();
      if (!v) errs[f] = t('common.required');
      else if (isTimeField(f)) {
        const iso = fromLocalInput(v);
        if (iso) fields[f] = iso;
        else errs[f] = t('err.date');
      } else if (isNumberField(f)) {
        if (/^\d+$/.test(v)) fields[f] = Number(v);
        else errs[f] = t('err.number');
      } else fields[f] = v;
    }
    setErrors(errs);
    if (Object.keys(errs).length) return focusInvalid();
    setBusy(true);
    try {
      onDone(await markLost(deal, reason.code, fields));
    } catch (err) {
      const missing = missingOf(err).filter((m) => m.kind === 'field' && reason.requires.includes(m.code));
      const field = err instanceof ApiError && err.field?.startsWith('fields.') ? err.field.slice(7) : '';
      if (missing.length) {
        setErrors(Object.fromEntries(missing.map((m) => [m.code, t('common.required')])));
        focusInvalid();
      } else if (field && reason.requires.includes(field)) {
        setErrors({ [field]: processErrorText(err) });
        focusInvalid();
      } else setBanner(processErrorText(err));
      setBusy(false);
    }
  };

  const set = (k: string, v: string) => {
    setValues((x) => ({ ...x, [k]: v }));
    if (errors[k]) setErrors((x) => ({ ...x, [k]: '' }));
  };

  return (
    <dialog ref={ref} class="dialog" aria-labelledby="lost-title">
      <form method="dialog" onSubmit={submit} noValidate>
        <h2 id="lost-title">{t('lost.title')}</h2>
        <p>{t('lost.prompt', { title: deal.title })}</p>
        {banner && <Banner>{banner}</Banner>}
        <fieldset class="radio-list">
          <legend class="sr-only">{t('lost.title')}</legend>
          {reasons.map((r) => (
            <label class="radio">
              <input type="radio" name="lost-reason" value={r.code} checked={choice === r.code} onChange={() => setChoice(r.code)} />
              {loc(r.name)}
            </label>
          ))}
        </fieldset>
        {reason && reason.requires.length > 0 && (
          <div class="lost-fields">
            {reason.requires.map((f) => {
              const id = `lost-${f}`;
              return (
                <Field id={id} label={fieldLabel(f)} error={errors[f]} hint={isNumberField(f) ? t('pf.our_rank_hint') : undefined}>
                  <input
                    {...fieldAttrs(id, errors[f])}
                    type={isTimeField(f) ? 'datetime-local' : isNumberField(f) ? 'number' : 'text'}
                    min={isNumberField(f) ? 1 : undefined}
                    inputMode={isNumberField(f) ? 'numeric' : undefined}
                    value={values[f] ?? ''}
                    onInput={(e) => set(f, e.currentTarget.value)}
                    autocomplete="off"
                  />
                </Field>
              );
            })}
          </div>
        )}
        <div class="dialog-actions">
          <button type="button" class="btn btn-ghost" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-danger" disabled={!reason || busy}>
            {busy ? t('common.saving') : t('lost.confirm')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
