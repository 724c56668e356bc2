// Shapes of /api/analytics/* answers (money in kopecks, shares and conversions in permille).

import type { Text2 } from '../../types';

export interface PlanLine {
  code: string;
  name: Text2;
  base_count: number;
  target: number;
  formula: string;
  conversion_permille?: number;
  conversion_capped?: boolean;
}

export interface ManagerSplit {
  user_id: number;
  name: string;
  weight: number;
  first_day: number;
  share_permille: number;
  revenue: number;
  targets: Record<string, number>;
}

export interface ManagerInput {
  user_id: number;
  weight: number;
  first_day: number;
}

export interface PlanRequest {
  month: string;
  revenue_plan: number;
  break_even: number;
  base_month: string;
  average_sale?: number;
  managers: ManagerInput[];
}

export interface ComputedPlan {
  input: PlanRequest & { steps: string[]; pipeline: string };
  base: { month: string; sales: number; revenue: number; average_sale: number };
  plan: {
    month: string;
    days_in_month: number;
    revenue_plan: number;
    break_even: number;
    average_sale: number;
    sales_needed: number;
    break_even_sales: number;
    break_even_formula: string;
    lines: PlanLine[];
    managers: ManagerSplit[];
  };
  version?: number;
  saved_at?: string;
}

export interface PlanState {
  month: string;
  saved: ComputedPlan | null;
  default_base_month: string;
  can_save: boolean;
  managers: { user_id: number; name: string }[];
}

export interface Series {
  code: string;
  target: number;
  actual: number;
  daily: number[];
  planned_to_date: number;
  pace_percent: number;
  projection: number;
  fulfilment_percent: number;
}

export interface Progress {
  month: string;
  days_in_month: number;
  elapsed_days: number;
  team: Series[];
  managers: { user_id: number; name: string; in_plan: boolean; series: Series[] }[];
}

export interface SchemeAction {
  code: string;
  name: Text2;
  points: number;
  required: string[];
  min_amount: number;
}

export interface PayrollRow {
  rank: number;
  user_id: number;
  name: string;
  actions: Record<string, { counted: number; rejected: number; points: number }>;
  points: number;
  points_plan_percent: number;
  base: number;
  sales: number;
  sales_plan: number;
  sales_plan_percent: number;
  percent: number;
  bonus: number;
  total: number;
}

export interface MotivationSheet {
  month: string;
  plan_saved: boolean;
  scheme: {
    name: Text2;
    points_plan: number;
    actions: SchemeAction[];
    salary_levels: { from_points: number; base: number }[];
    sales_plan: number;
    sales_percent: { from_plan_percent: number; percent: number }[];
  };
  rows: PayrollRow[];
}

/** "800 000", "800000 ₽", "1 200 000,50" → kopecks; null when it is not a sum. */
export function parseRubles(text: string): number | null {
  const s = text.replace(/[\s\u00a0\u202f₽]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  return Math.round(Number(s) * 100);
}

export function thisMonth(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}
