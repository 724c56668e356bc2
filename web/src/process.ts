// The process on a card, as the client sees it: calls (move, check, lost, fields, score),
// the words for process fields and refusals, and readable lines for the server's effects
// ("stage scoring -> interview_prep", "task prepare_interview for responsible due …").

import { ApiError, get, post } from './api';
import { errorText } from './components/ui';
import { dateTime } from './format';
import { lang, loc, t, tk, type Key } from './i18n';
import { meta, stageName } from './store';
import type { Deal, DealProcess, LostReason, MissingItem, ProcessResult, StageDef } from './types';

export function stageDef(code: string | null | undefined): StageDef | undefined {
  return meta.pipeline?.stages.find((s) => s.code === code);
}

export function lostReasons(): LostReason[] {
  return meta.pipeline?.lost_reasons ?? [];
}

/** The reason's name for a code the pipeline knows; older free-text reasons as they are. */
export function lostReasonName(code: string | null | undefined): string {
  if (!code) return t('common.none');
  const r = lostReasons().find((x) => x.code === code);
  return r ? loc(r.name) : code;
}

/** Process fields whose values are moments (the server's rule: *_at, *date*, *deadline*). */
export const isTimeField = (code: string) => code.endsWith('_at') || code.includes('date') || code.includes('deadline');
export const isNumberField = (code: string) => code === 'our_rank';

/** "proposal_date" → "Дата КП"; unknown codes are shown with spaces instead of underscores. */
export function fieldLabel(code: string): string {
  const own = t(`pf.${code}` as Key);
  if (own !== `pf.${code}`) return own;
  const general = tk('field', code);
  return general !== code ? general.replace(/\s*\(.*\)$/, '').replace(/, ₽$/, '') : code.replace(/_/g, ' ');
}

export function missingOf(e: unknown): MissingItem[] {
  if (!(e instanceof ApiError)) return [];
  const list = e.data?.missing ?? e.data?.error?.missing;
  return Array.isArray(list) ? (list as MissingItem[]) : [];
}

export function missingLabel(m: MissingItem): string {
  if (m.kind === 'checklist') return (lang() === 'ru' ? m.ru : m.en) || m.ru || m.en || m.code;
  return fieldLabel(m.code);
}

/**
 * A refusal of a process step in words: the stage's unfinished items, or where the card
 * may go from here; other errors as usual.
 */
export function processErrorText(e: unknown): string {
  if (e instanceof ApiError && e.status === 422) {
    const missing = missingOf(e);
    const msg = e.message ?? '';
    let m = /^stage (\w+) is not finished/.exec(msg);
    if (m && missing.length) return t('process.notFinished', { stage: stageName(m[1]), items: missing.map(missingLabel).join(', ') });
    m = /^lost reason (\w+) needs/.exec(msg);
    if (m && missing.length) return t('process.reasonNeeds', { reason: lostReasonName(m[1]), items: missing.map(missingLabel).join(', ') });
    m = /^cannot move from (\w+) to (\w+); allowed: (.*)$/.exec(msg);
    if (m) {
      const allowed = m[3]
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s && s !== 'none');
      return allowed.length
        ? t('process.cannotMove', { from: stageName(m[1]), to: stageName(m[2]), allowed: allowed.map((s) => `«${stageName(s)}»`).join(', ') })
        : t('process.cannotMoveAtAll', { from: stageName(m[1]), to: stageName(m[2]) });
    }
    if (/card is closed/.test(msg)) return t('process.closed');
  }
  return errorText(e);
}

/** A refusal for a panel: the sentence without the items, and the items to list under it. */
export function processRefusal(e: unknown): { text: string; missing: MissingItem[] } {
  const missing = missingOf(e);
  if (e instanceof ApiError && e.status === 422 && missing.length) {
    const m = /^stage (\w+) is not finished/.exec(e.message ?? '');
    if (m) return { text: t('process.notFinishedList', { stage: stageName(m[1]) }), missing };
  }
  return { text: processErrorText(e), missing };
}

export const getProcess = (id: number) => get<DealProcess>(`/api/deals/${id}/process`);

export const moveDeal = (deal: Pick<Deal, 'id' | 'version'>, to: string) => post<ProcessResult>(`/api/deals/${deal.id}/move`, { to, version: deal.version });

export const checkItem = (id: number, item: string, checked: boolean) => post<ProcessResult>(`/api/deals/${id}/check`, { item, checked });

export const markLost = (deal: Pick<Deal, 'id' | 'version'>, reason: string, fields: Record<string, unknown>) =>
  post<ProcessResult>(`/api/deals/${deal.id}/lost`, { reason, fields, version: deal.version });

export const recordFields = (id: number, fields: Record<string, unknown>) => post<ProcessResult>(`/api/deals/${id}/fields`, { fields });

/** Process fields hold moments as milliseconds; inputs and displays want a Date. */
export function fieldTime(v: unknown): Date | null {
  if (typeof v === 'number') return new Date(v);
  if (typeof v === 'string' && !isNaN(Date.parse(v))) return new Date(v);
  return null;
}

function roleName(role: string): string {
  return tk('prole', role);
}

function fieldValue(field: string, raw: string): string {
  let v: unknown = raw;
  try {
    v = JSON.parse(raw);
  } catch {
    /* keep the text */
  }
  if (field === 'lost_reason') return lostReasonName(String(v));
  if (v === true || v === 'true') return t('common.yes');
  if (v === false || v === 'false') return t('common.no');
  return String(v);
}

/**
 * One line for an effect the server describes in its fixed English form; null for the
 * bookkeeping ones (timers) that mean nothing to a manager. `taskTitles` maps task codes to
 * their titles (from the card's tasks).
 */
export function effectText(text: string, taskTitles: Map<string, string> = new Map()): string | null {
  const task = (code: string) => taskTitles.get(code) ?? code.replace(/_/g, ' ');
  let m = /^stage (\S+) -> (\S+)$/.exec(text);
  if (m) return m[1] === '-' ? t('fx.entered', { to: stageName(m[2]) }) : t('fx.stage', { from: stageName(m[1]), to: stageName(m[2]) });
  m = /^task (\S+) for (\S+) due (\S+)( checkpoint)?$/.exec(text);
  if (m) return t(m[4] ? 'fx.taskCheckpoint' : 'fx.task', { title: task(m[1]), due: dateTime(m[3]) });
  if (/^(cancel )?timer /.test(text)) return null;
  m = /^notify ([^:]+): (.*)$/.exec(text);
  if (m) {
    const roles = m[1].split(',').map((r) => roleName(r.trim())).join(', ');
    return lang() === 'en' ? t('fx.notify', { roles }) + `: ${m[2]}` : t('fx.notify', { roles });
  }
  m = /^deviation (\S+) to ([^:]+): (.*)$/.exec(text);
  if (m) {
    const overdue = /^overdue:(?:task:)?(.+)$/.exec(m[1]);
    if (overdue) return t('fx.deviationOverdue', { title: task(overdue[1]) });
    // The engine words the message in English only; the Russian interface names who was told.
    const roles = m[2].split(',').map((r) => roleName(r.trim())).join(', ');
    return lang() === 'en' ? t('fx.deviation', { text: m[3] }) : t('fx.deviationTold', { roles });
  }
  m = /^email (\S+) to (\S+)$/.exec(text);
  if (m) return t('fx.email', { template: tk('tpl', m[1]) });
  m = /^members \+ (.*)$/.exec(text);
  if (m) return t('fx.members', { roles: m[1].split(',').map((r) => roleName(r.trim())).join(', ') });
  // Lead routing (src/routing): who got the card by which rule, and re-routes past the SLA.
  m = /^assigned to (.+) by rule (\S+)( \(nobody on shift[^)]*\))?; take by (\S+)$/.exec(text);
  if (m) return t(m[3] ? 'fx.routedOffShift' : 'fx.routed', { who: m[1], rule: m[2], due: dateTime(m[4]) });
  m = /^re-routed from (.+) to (.+) by rule (\S+): not taken within (\d+) (min|s) \(rule \S+\); take by (\S+)$/.exec(text);
  if (m) {
    const within = lang() === 'ru' ? `${m[4]} ${m[5] === 'min' ? 'мин' : 'с'}` : `${m[4]} ${m[5]}`;
    return t('fx.rerouted', { from: m[1], to: m[2], rule: m[3], within, due: dateTime(m[6]) });
  }
  m = /^not taken by (.+) within the SLA of rule (\S+); nobody else to route to$/.exec(text);
  if (m) return t('fx.slaMissed', { who: m[1], rule: m[2] });
  m = /^set (\S+) = (.*)$/.exec(text);
  if (m) return t('fx.set', { field: fieldLabel(m[1]), value: fieldValue(m[1], m[2]) });
  return text;
}

/** The readable effects of a process call, for a toast. */
export function effectsSummary(effects: string[], taskTitles?: Map<string, string>): string {
  return effects
    .map((e) => effectText(e, taskTitles))
    .filter((x): x is string => !!x)
    .join('; ');
}
