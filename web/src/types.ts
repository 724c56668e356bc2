// Records as the server sends them (see src/domain/entity.cc). Times are ISO 8601 strings,
// money is an integer in minor units (kopecks).

export interface Base {
  id: number;
  version: number;
  created_at: string;
  updated_at: string;
  archived: boolean;
}

export type Role = 'admin' | 'owner' | 'head' | 'curator' | 'manager';

export interface User extends Base {
  email: string;
  name: string;
  role: Role;
  position: string | null;
  team_id: number | null;
  phone: string | null;
  time_zone: string;
  locale: 'ru' | 'en';
  takes_leads: boolean;
}

export type DealStatus = 'open' | 'won' | 'lost';
export type Channel = 'site_form' | 'email' | 'phone' | 'messenger' | 'manual' | 'outbound' | 'referral';
export type Segment = 'A' | 'B' | 'C';

export interface Deal extends Base {
  title: string;
  pipeline: string;
  stage: string;
  status: DealStatus;
  amount: number;
  currency: string;
  channel: Channel;
  product: string | null;
  region: string | null;
  responsible_id: number | null;
  contact_id: number | null;
  company_id: number | null;
  score: number | null;
  segment: Segment | null;
  lost_reason: string | null;
  decision_date: string | null;
  description: string | null;
  members: number[];
  stage_changed_at: string | null;
  closed_at: string | null;
}

export interface Contact extends Base {
  name: string;
  company_id: number | null;
  position: string | null;
  phones: string[];
  emails: string[];
  time_zone: string | null;
  responsible_id: number | null;
  notes: string | null;
}

export interface Company extends Base {
  name: string;
  inn: string | null;
  phones: string[];
  emails: string[];
  website: string | null;
  address: string | null;
  region: string | null;
  industry: string | null;
  responsible_id: number | null;
  notes: string | null;
}

export type ActivityType = 'call' | 'meeting' | 'email' | 'note' | 'visit' | 'message';

export interface Activity extends Base {
  type: ActivityType;
  deal_id: number | null;
  contact_id: number | null;
  author_id: number | null;
  occurred_at: string | null;
  duration_min: number | null;
  goal: string | null;
  outcome: string | null;
  next_step: string | null;
  next_step_at: string | null;
  body: string | null;
}

export interface Task extends Base {
  title: string;
  deal_id: number | null;
  assignee_id: number | null;
  author_id: number | null;
  due_at: string;
  done: boolean;
  done_at: string | null;
  kind: string | null;
  description: string | null;
  overdue: boolean;
}

export interface Stage {
  code: string;
  name_ru: string;
  name_en: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  user_id: number | null;
  user_name: string | null;
  action: string;
  field: string | null;
  old: unknown;
  new: unknown;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface IntakeResult {
  deal: Deal;
  contact: Contact;
  contact_created: boolean;
}

// ---- the process (GET /api/pipelines/{code}, /api/deals/{id}/process, …) --------------

/** A text the server gives in both languages; a few older texts are a single string. */
export type Text2 = { ru: string; en: string } | string;

export interface ChecklistItem {
  code: string;
  ru: string;
  en: string;
}

export interface StageDef {
  code: string;
  name: { ru: string; en: string };
  goal: { ru: string; en: string };
  script: { ru: string; en: string }[];
  checklist: ChecklistItem[];
  requires: string[];
  next: string[];
  returns: string[];
  kind: string;
}

export interface LostReason {
  code: string;
  name: { ru: string; en: string };
  requires: string[];
}

export interface Pipeline {
  code: string;
  name: { ru: string; en: string };
  stages: StageDef[];
  lost_reasons: LostReason[];
}

export interface DealProcess {
  pipeline: string;
  stage: StageDef | null;
  checked: string[];
  fields: Record<string, unknown>;
  timers: { code: string; at: string }[];
  lost_reasons: LostReason[];
}

/** What a process call (move, check, lost, fields, score) answers. */
export interface ProcessResult {
  deal: Deal;
  effects: string[];
}

export interface MissingItem {
  kind: 'field' | 'checklist';
  code: string;
  ru?: string;
  en?: string;
}

export interface ScoringOption {
  value: -1 | 0 | 1;
  hint: Text2;
}

export interface ScoringParameter {
  code: string;
  name: { ru: string; en: string };
  options: ScoringOption[];
}

export interface ScoringModel {
  code: string;
  name: { ru: string; en: string };
  min_total: number;
  max_total: number;
  knockouts: { code: string; name: { ru: string; en: string }; hint: Text2 }[];
  blocks: { code: string; name: { ru: string; en: string }; parameters: ScoringParameter[] }[];
  segments: { code: Segment; min: number; max: number; name: Text2; description: Text2 }[];
}

export interface ScoringResult {
  total: number;
  block_totals: Record<string, number>;
  segment: Segment | null;
  disqualified: boolean;
  failed_knockouts: string[];
}

export interface Notification {
  id: number;
  deal_id: number | null;
  kind: string;
  message: { ru: string; en: string };
  created_at: string;
  read: boolean;
}

export type TimelineEntry =
  | { at: string; kind: 'process'; user_name: string | null; event: string; text: string }
  | { at: string; kind: 'activity'; user_name: string | null; type: ActivityType; text: string; outcome: string; next_step: string }
  | { at: string; kind: 'change'; user_name: string | null; field: string | null; old: unknown; new: unknown; action: string };
