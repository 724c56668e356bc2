// Shapes of /api/analytics/funnel, /funnel/cards, /monitor and /norms (money in kopecks,
// conversions in permille, durations in milliseconds, norms in hundredths).

import { locale } from '../../i18n';
import type { Text2 } from '../../types';

export type FunnelMode = 'cohort' | 'flow';
export type FunnelGroup = 'none' | 'manager' | 'product' | 'region' | 'channel' | 'segment';

export interface FunnelCell {
  entered: number;
  converted: number;
  conversion_permille: number | null;
  median_ms: number | null;
  p90_ms: number | null;
}

export interface FunnelRow {
  key: string;
  label: string;
  cells: FunnelCell[];
}

export interface FunnelReport {
  pipeline: string;
  mode: FunnelMode;
  group: FunnelGroup;
  period: { from: string; to: string; label: string };
  steps: { code: string; name: Text2 }[];
  total: FunnelRow;
  groups: FunnelRow[];
}

export interface FunnelCard {
  id: number;
  title: string;
  stage: string;
  status: string;
  amount: number;
  responsible_name: string | null;
  manager_name: string | null;
  reached_at: string | null;
  next_at: string | null;
}

export interface FunnelCards {
  step: string;
  which: 'entered' | 'converted';
  group_value: string | null;
  group_label?: string;
  total: number;
  items: FunnelCard[];
}

export interface NormStatus {
  code: string;
  today: number;
  week: number;
  today_norm_x100: number;
  week_norm_x100: number;
  today_expected_x100: number;
  week_expected_x100: number;
  behind: boolean;
}

export interface MonitorUser {
  user_id: number;
  name: string;
  role: string;
  norms_apply: boolean;
  last_action: {
    at: string;
    entity: string;
    entity_id: number;
    action: string;
    field: string | null;
    deal_id: number | null;
    deal_title: string | null;
  } | null;
  tasks: { done_today: number; open_today: number; overdue: number };
  deviations: { open: number; today: number };
  norms: NormStatus[];
  behind: boolean;
}

export interface NormsDoc {
  code: string;
  name: Text2;
  working_days: number[];
  working_hours: { start: string; end: string };
  norms: { code: string; name: Text2; per_day_x100: number }[];
  version?: number;
  default?: boolean;
}

export interface Monitor {
  now: string;
  clock: { workday: boolean; workdays_before: number; workdays_in_week: number; day_share_permille: number };
  norms: NormsDoc;
  users: MonitorUser[];
}

export interface StoredNorms {
  version: number;
  default: boolean;
  yaml: string;
  saved_at: string | null;
  can_edit: boolean;
  norms: NormsDoc;
}

/** Hundredths → "0,25" / "0.25", "20" in the interface's locale. */
export function hundredths(x100: number): string {
  return (x100 / 100).toLocaleString(locale(), { maximumFractionDigits: 2 });
}

/** Milliseconds → "3.5 d" / "5 h" style text, in the given units' words. */
export function duration(ms: number | null, units: { d: string; h: string; m: string }): string {
  if (ms === null) return '—';
  const hours = ms / 3_600_000;
  if (hours >= 24) return `${(hours / 24).toLocaleString(locale(), { maximumFractionDigits: 1 })} ${units.d}`;
  if (hours >= 1) return `${hours.toLocaleString(locale(), { maximumFractionDigits: 1 })} ${units.h}`;
  return `${Math.round(ms / 60_000)} ${units.m}`;
}
