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
