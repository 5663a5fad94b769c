import { isoWeekOf } from '../kernel/calendar';
/**
 * The breakdown dimensions of the KPIs (README, "GET /api/kpis"): the one list the rollup writer,
 * the KPI query, the API and the dashboard share.
 */
/** What a response is about and where it came from: the dimensions every response row carries, in this order. */
export const RESPONSE_DIMENSIONS = ['organisation', 'service', 'contactChannel', 'chatChannel', 'language', 'location'] as const;

export const DIMENSIONS = [
  ...RESPONSE_DIMENSIONS,
  'surveyVersion',
  'leadTimeBand',
  'contactCountBand',
] as const;
export type TDimension = (typeof DIMENSIONS)[number];

export const PERIODS = ['day', 'week', 'month', 'quarter'] as const;
export type TPeriod = (typeof PERIODS)[number];
/** The order an analyst picks a trend's period in: a month first. */
export const PERIODS_BY_USE: readonly TPeriod[] = ['month', 'quarter', 'week', 'day'];

export const LEAD_TIME_BANDS = ['0-1', '2-7', '8-30', '31+'] as const;
export const CONTACT_COUNT_BANDS = ['1', '2', '3+'] as const;

/** Lead time in days → its band; '' when unknown (the resident started the survey themselves). */
export function bandOfLeadTime(days: number | null | undefined): string {
  if (days == null) return '';
  if (days <= 1) return '0-1';
  if (days <= 7) return '2-7';
  if (days <= 30) return '8-30';
  return '31+';
}

export function bandOfContactCount(count: number | null | undefined): string {
  if (count == null) return '';
  return count >= 3 ? '3+' : String(count);
}

/** The period key of a day: `2026-01-15`, ISO week `2026-W03`, month `2026-01` or quarter `2026-Q1`. */
export function periodOf(day: string, period: TPeriod): string {
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  if (period === 'quarter') return `${day.slice(0, 4)}-Q${Math.ceil(Number(day.slice(5, 7)) / 3)}`;
  return isoWeekOf(day);
}
