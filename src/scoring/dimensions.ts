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

export const PERIODS = ['day', 'week', 'month'] as const;
export type TPeriod = (typeof PERIODS)[number];

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

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
/** Days lately asked for, by zone and instant: a response's day is asked for again on each of its answers. */
const recentDays = new Map<string, string>();
const RECENT_DAYS_MAX = 4096;

/** The calendar day (YYYY-MM-DD) of an instant in a time zone: KPIs cut days in the organisation's zone. */
export function dayIn(instant: Date, timeZone: string): string {
  const key = `${timeZone} ${instant.getTime()}`;
  let day = recentDays.get(key);
  if (day === undefined) {
    let formatter = dayFormatters.get(timeZone);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      dayFormatters.set(timeZone, formatter);
    }
    day = formatter.format(instant);
    if (recentDays.size >= RECENT_DAYS_MAX) recentDays.clear();
    recentDays.set(key, day);
  }
  return day;
}

/** The period key of a day: `2026-01-15`, ISO week `2026-W03`, or month `2026-01`. */
export function periodOf(day: string, period: TPeriod): string {
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  const date = new Date(`${day}T00:00:00Z`);
  // ISO 8601: a week belongs to the year of its Thursday, and week 1 holds that year's first Thursday.
  const weekday = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - weekday + 3);
  const dayOfYear = (date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000;
  const week = 1 + Math.floor(dayOfYear / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
