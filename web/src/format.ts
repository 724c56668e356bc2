// Money (kopecks → ₽), dates ("24 ноября") and 24-hour times in the interface language.

import { lang, locale, t } from './i18n';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function nf(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  const k = locale() + key;
  let f = cache.get(k) as Intl.NumberFormat | undefined;
  if (!f) cache.set(k, (f = make()));
  return f;
}
function df(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  const k = locale() + key;
  let f = cache.get(k) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(k, (f = make()));
  return f;
}

/** 5300000 kopecks → "53 000 ₽" (kopecks shown only when present). */
export function money(kopecks: number | null | undefined, currency = 'RUB'): string {
  if (kopecks === null || kopecks === undefined) return t('common.none');
  const frac = kopecks % 100 !== 0;
  const f = nf(`m${currency}${frac}`, () =>
    new Intl.NumberFormat(locale(), {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: frac ? 2 : 0,
      maximumFractionDigits: frac ? 2 : 0,
    }),
  );
  return f.format(kopecks / 100);
}

/** Short form for column totals: "1,2 млн ₽". */
export function moneyShort(kopecks: number, currency = 'RUB'): string {
  const f = nf(`ms${currency}`, () =>
    new Intl.NumberFormat(locale(), {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      notation: 'compact',
      maximumFractionDigits: 1,
    }),
  );
  return f.format(kopecks / 100);
}

/** Kopecks → the text shown in an amount input ("150000" or "1500,50"). */
export function amountInput(kopecks: number | null | undefined): string {
  if (kopecks === null || kopecks === undefined) return '';
  const whole = Math.trunc(kopecks / 100);
  const rest = Math.abs(kopecks % 100);
  const sep = lang() === 'ru' ? ',' : '.';
  return rest ? `${whole}${sep}${String(rest).padStart(2, '0')}` : String(whole);
}

/** "150 000", "1500,5", "1 500.50 ₽" → kopecks; null for empty; NaN when unreadable. */
export function parseAmount(text: string): number | null {
  const s = text.replace(/[\s\u00a0\u202f₽]/g, '').replace(/руб\.?/i, '');
  if (!s) return null;
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return NaN;
  return Number(m[1]) * 100 + (m[2] ? Number(m[2].padEnd(2, '0')) : 0);
}

function toDate(iso: string | Date): Date {
  return iso instanceof Date ? iso : new Date(iso);
}

/** "24 ноября" (and the year when it is not this year). */
export function day(iso: string | Date): string {
  const d = toDate(iso);
  const sameYear = d.getFullYear() === new Date().getFullYear();
  return df(sameYear ? 'dm' : 'dmy', () =>
    new Intl.DateTimeFormat(locale(), sameYear ? { day: 'numeric', month: 'long' } : { day: 'numeric', month: 'long', year: 'numeric' }),
  ).format(d);
}

/** "14:05" */
export function time(iso: string | Date): string {
  return df('hm', () => new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).format(toDate(iso));
}

export function startOfDay(d: Date, addDays = 0): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + addDays);
}

/** "Сегодня", "Завтра", "Вчера" or "24 ноября". */
export function relDay(iso: string | Date): string {
  const d = toDate(iso);
  const diff = Math.round((startOfDay(d).getTime() - startOfDay(new Date()).getTime()) / 86400000);
  if (diff === 0) return t('common.today');
  if (diff === 1) return t('common.tomorrow');
  if (diff === -1) return t('common.yesterday');
  return day(d);
}

/** "24 ноября, 14:05" / "Сегодня, 14:05" */
export function dateTime(iso: string | Date | null | undefined): string {
  if (!iso) return t('common.none');
  return `${relDay(iso)}, ${time(iso)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO → value of <input type="datetime-local"> in local time. */
export function toLocalInput(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  const d = toDate(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return isNaN(d.getTime()) ? null : d.toISOString();
}

/** ISO → value of <input type="date">. */
export function toDateInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = toDate(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** <input type="date"> → ISO at local noon (so the day survives time-zone shifts). */
export function fromDateInput(v: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12).toISOString();
}
