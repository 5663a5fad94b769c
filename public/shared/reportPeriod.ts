// The period a board report covers: a calendar month (`2026-10`) or quarter (`2026-Q3`), keyed as the API keys the
// periods of a trend, so the report finds its own period among them. The dashboard links to a report with it.
import type { TLanguage } from './texts';

export type TReportUnit = 'month' | 'quarter';

export interface TReportPeriod {
  key: string;
  unit: TReportUnit;
  year: number;
  /** The first and last month it covers, 1–12. */
  firstMonth: number;
  lastMonth: number;
  /** Its first and last day, as the API's `from` and `to` (inclusive). */
  from: string;
  to: string;
}

const PERIOD_KEY = /^(20\d\d)-(?:(0[1-9]|1[0-2])|Q([1-4]))$/;
const MONTHS_PER_QUARTER = 3;

const twoDigits = (value: number) => String(value).padStart(2, '0');

/** The month or quarter whose first month is `firstMonth` (counted from January of `year`, so 13 is next January). */
function periodFrom(unit: TReportUnit, year: number, firstMonth: number): TReportPeriod {
  const start = new Date(Date.UTC(year, firstMonth - 1, 1));
  const length = unit === 'month' ? 1 : MONTHS_PER_QUARTER;
  // Day 0 of the month after the period: its last day.
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + length, 0));
  const startYear = start.getUTCFullYear();
  const startMonth = start.getUTCMonth() + 1;
  return {
    key: unit === 'month' ? `${startYear}-${twoDigits(startMonth)}` : `${startYear}-Q${Math.ceil(startMonth / MONTHS_PER_QUARTER)}`,
    unit,
    year: startYear,
    firstMonth: startMonth,
    lastMonth: end.getUTCMonth() + 1,
    from: start.toISOString().slice(0, 10),
    to: end.toISOString().slice(0, 10),
  };
}

/** The period a key names; null for anything else. */
export function reportPeriod(key: string): TReportPeriod | null {
  const match = PERIOD_KEY.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  return match[2] ? periodFrom('month', year, Number(match[2])) : periodFrom('quarter', year, (Number(match[3]) - 1) * MONTHS_PER_QUARTER + 1);
}

/** The month or quarter a day (YYYY-MM-DD) falls in. */
export function reportPeriodOfDay(day: string, unit: TReportUnit): TReportPeriod {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return periodFrom(unit, year, unit === 'month' ? month : month - ((month - 1) % MONTHS_PER_QUARTER));
}

/** A date's day (YYYY-MM-DD) where the browser is: today on Bonaire is not yet tomorrow in UTC. */
export function localDay(date: Date): string {
  return `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;
}

/** The period before (-1) or after (1) this one. */
export function adjacentPeriod(period: TReportPeriod, step: -1 | 1): TReportPeriod {
  const length = period.unit === 'month' ? 1 : MONTHS_PER_QUARTER;
  return periodFrom(period.unit, period.year, period.firstMonth + step * length);
}

/** The board report's address: an organisation's report for a period, in a language. */
export function boardReportHref(query: { survey: string; organisation: string | null; period: string; language: TLanguage }): string {
  const params = new URLSearchParams();
  if (query.organisation) params.set('organisation', query.organisation);
  params.set('period', query.period);
  params.set('survey', query.survey);
  params.set('lang', query.language);
  return `/report?${params.toString()}`;
}
