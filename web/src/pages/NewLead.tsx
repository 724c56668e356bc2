// A lead taken by hand, typically while the client is on the phone: POST /api/intake creates
// (or finds) the contact and the deal, and starts the process — a phone lead goes straight
// to screening, the others to getting the contact — with its first tasks.

import { useRef, useState } from 'preact/hooks';
import { post, randomKey } from '../api';
import { Banner, Field, errorField, errorText, fieldAttrs, useTitle } from '../components/ui';
import { parseAmount } from '../format';
import { t, tk, type Lang } from '../i18n';
import { navigate } from '../router';
import { deals, stageName, toast } from '../store';
import type { IntakeResult } from '../types';

const CHANNELS = ['phone', 'site_form', 'email', 'messenger'] as const;
const PRODUCTS = ['Корпоративный сайт', 'Интернет-магазин', 'Мобильное приложение', 'Корпоративный портал', 'Интеграция с 1С', 'Техническая поддержка', 'CRM-внедрение'];

const EMPTY = { channel: 'phone', name: '', phone: '', email: '', company: '', product: '', amount: '', message: '' };

export function NewLead({ lang }: { lang: Lang }) {
  useTitle(t('lead.title'));
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per lead being typed: a double submit or a retry after a network error
  // cannot create the lead twice.
  const key = useRef(randomKey());
  const formRef = useRef<HTMLFormElement>(null);

  const set = (k: keyof typeof EMPTY, v: string) => {
    setForm((f) => ({ ...f, [k]: v }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: '' }));
  };
  const focusInvalid = () => requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  const submit = async (e: Event) => {
    e.preventDefault();
    setBanner(null);
    const errs: Record<string, string> = {};
    if (!form.phone.trim() && !form.email.trim()) errs.phone = t('lead.needContact');
    const amount = parseAmount(form.amount);
    if (amount !== null && isNaN(amount)) errs.amount = t('err.amount');
    setErrors(errs);
    if (Object.keys(errs).length) return focusInvalid();
    const body: Record<string, unknown> = { channel: form.channel };
    for (const k of ['name', 'phone', 'email', 'company', 'product', 'message'] as const) if (form[k].trim()) body[k] = form[k].trim();
    if (amount !== null) body.amount = amount;
    setBusy(true);
    try {
      const res = await post<IntakeResult>('/api/intake', body, { idempotencyKey: key.current });
      deals.set(res.deal.id, res.deal);
      key.current = randomKey();
      toast(t(res.contact_created ? 'lead.created' : 'lead.createdExisting', { title: res.deal.title, stage: stageName(res.deal.stage) }));
      navigate(`/deals/${res.deal.id}`);
    } catch (err) {
      const f = errorField(err);
      if (f && f in EMPTY) {
        setErrors({ [f]: errorText(err) });
        focusInvalid();
      } else setBanner(errorText(err));
      setBusy(false);
    }
  };

  const text = (k: keyof typeof EMPTY, label: string, props: Record<string, unknown> = {}, cls = '') => (
    <Field id={`lead-${k}`} label={label} error={errors[k]} class={cls}>
      <input {...fieldAttrs(`lead-${k}`, errors[k])} value={form[k]} onInput={(e) => set(k, e.currentTarget.value)} {...props} />
    </Field>
  );

  return (
    <section class="page lead-page" aria-labelledby="lead-h1" data-lang={lang}>
      <h1 id="lead-h1" tabIndex={-1}>
        {t('lead.title')}
      </h1>
      <p class="muted">{t('lead.subtitle')}</p>
      <form class="panel lead-form" ref={formRef} onSubmit={submit} noValidate>
        {banner && <Banner>{banner}</Banner>}
        <fieldset class="segmented">
          <legend>{t('lead.channel')}</legend>
          {CHANNELS.map((c) => (
            <label class={form.channel === c ? 'seg-opt checked' : 'seg-opt'}>
              <input type="radio" name="lead-channel" value={c} checked={form.channel === c} onChange={() => set('channel', c)} />
              {tk('channel', c)}
            </label>
          ))}
        </fieldset>
        <div class="form-grid">
          {text('name', t('lead.name'), { autocomplete: 'off', autoFocus: true })}
          {text('phone', t('lead.phone'), { type: 'tel', autocomplete: 'off', placeholder: '+7 900 000-00-00' })}
          {text('email', t('lead.email'), { type: 'email', autocomplete: 'off' })}
          {text('company', t('lead.company'), { autocomplete: 'off' })}
          {text('product', t('lead.product'), { list: 'lead-products', autocomplete: 'off' })}
          {text('amount', t('lead.amount'), { inputMode: 'decimal', autocomplete: 'off', placeholder: '150 000' })}
          <Field id="lead-message" label={t('lead.message')} error={errors.message} class="span-2">
            <textarea {...fieldAttrs('lead-message', errors.message)} rows={4} value={form.message} onInput={(e) => set('message', e.currentTarget.value)} />
          </Field>
        </div>
        <datalist id="lead-products">
          {PRODUCTS.map((p) => (
            <option value={p} />
          ))}
        </datalist>
        <div class="form-actions">
          <button
            type="button"
            class="btn btn-ghost"
            onClick={() => {
              setForm(EMPTY);
              setErrors({});
              setBanner(null);
            }}
          >
            {t('common.reset')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('lead.busy') : t('lead.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
