import { tz, TZDate } from '@date-fns/tz';
import { addDays, addMonths, format, isWeekend, lastDayOfMonth, parseISO } from 'date-fns';

/**
 * Calendars in a time zone, by date-fns and @date-fns/tz: every computation of a local day, an ISO week, a month or
 * a wall-clock hour goes through here. Organisations live in their own zone (Europe/Amsterdam, America/Kralendijk),
 * and a KPI's day, a quiet hour or a working day is theirs, not the server's.
 */

/** Days lately asked for, by zone and instant: a response's day is asked for again on each of its answers. */
const recentDays = new Map<string, string>();
const RECENT_DAYS_MAX = 4096;

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function dayIn(instant: Date, timeZone: string): string {
  const key = `${timeZone} ${instant.getTime()}`;
  let day = recentDays.get(key);
  if (day === undefined) {
    day = format(instant, 'yyyy-MM-dd', { in: tz(timeZone) });
    if (recentDays.size >= RECENT_DAYS_MAX) recentDays.clear();
    recentDays.set(key, day);
  }
  return day;
}

/** Weeks of days lately asked for: a year's breakdown by week asks for each of 365 days once per cell. */
const recentWeeks = new Map<string, string>();

/** The ISO 8601 week of a day, `2026-W03`: a week belongs to the year of its Thursday. */
export function isoWeekOf(day: string): string {
  let week = recentWeeks.get(day);
  if (week === undefined) {
    week = format(parseISO(day), "RRRR-'W'II");
    if (recentWeeks.size >= RECENT_DAYS_MAX) recentWeeks.clear();
    recentWeeks.set(day, week);
  }
  return week;
}

/** `2026-01` → `2026-02`, `2026-12` → `2027-01` (and back with -1). */
export function monthPlus(month: string, months: number): string {
  return format(addMonths(parseISO(`${month}-01`), months), 'yyyy-MM');
}

/** The last day of a month (`2028-02` → `2028-02-29`). */
export function lastDayOf(month: string): string {
  return format(lastDayOfMonth(parseISO(`${month}-01`)), 'yyyy-MM-dd');
}

export interface TLocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday, in the zone's calendar. */
  weekday: number;
}

/** The wall-clock reading of `instant` in an IANA zone. */
export function localParts(instant: Date, timeZone: string): TLocalParts {
  const local = new TZDate(instant, timeZone);
  return { year: local.getFullYear(), month: local.getMonth() + 1, day: local.getDate(), hour: local.getHours(), minute: local.getMinutes(), weekday: local.getDay() };
}

/**
 * The instant at which the wall clock in `timeZone` reads the given date and hour (minute 0). An hour that does not
 * exist on a spring-forward night resolves to the hour after; one that occurs twice in autumn, to the second.
 */
export function zonedTime(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  return new Date(TZDate.tz(timeZone, year, month - 1, day, hour).getTime());
}

/** The instant of local noon on a day (YYYY-MM-DD) in a zone: its day is that day whatever the offset. */
export function noonIn(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return zonedTime(year, month, date, 12, timeZone);
}

/** The day after a local calendar day, as year, month and day. */
export function nextDay(year: number, month: number, day: number): { year: number; month: number; day: number } {
  const next = addDays(new Date(Date.UTC(year, month - 1, day)), 1);
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/** Saturday or Sunday in the zone's calendar. */
export function isWeekendIn(instant: Date, timeZone: string): boolean {
  return isWeekend(new TZDate(instant, timeZone));
}

/** The instant a local calendar day (YYYY-MM-DD) begins in a zone. */
export function startOfDayIn(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return zonedTime(year, month, date, 0, timeZone);
}

/** The instant the local day after `day` begins: the exclusive end of a range that includes `day`. */
export function startOfDayAfterIn(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const after = nextDay(year, month, date);
  return zonedTime(after.year, after.month, after.day, 0, timeZone);
}
