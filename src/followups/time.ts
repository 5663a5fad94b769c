/**
 * Time rules of the follow-up side, as pure functions of an injected "now": quiet hours in the resident's zone,
 * working days for call-back reminders, and back-off for retries. Nothing here reads the system clock.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Local hours during which no follow-up message goes out; `start` inclusive, `end` exclusive, may wrap midnight. */
export interface TQuietHours {
  start: number;
  end: number;
}

/** `21-8` → { start: 21, end: 8 }; `off` (or an empty window such as `8-8`) → null. Config has checked the form. */
export function parseQuietHours(setting: string): TQuietHours | null {
  const match = /^(\d{1,2})-(\d{1,2})$/.exec(setting.trim());
  if (!match) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  return start === end ? null : { start, end };
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

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall-clock reading of `instant` in an IANA zone. */
export function localParts(instant: Date, timeZone: string): TLocalParts {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/**
 * The instant at which the wall clock in `timeZone` reads the given date and hour (minute 0). The zone's offset is
 * read at a first guess and corrected once, which settles daylight-saving changes; an hour that does not exist on
 * a spring-forward night resolves to the hour after.
 */
export function zonedTime(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour);
  const offsetAt = (instant: number) => {
    const local = localParts(new Date(instant), timeZone);
    return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute) - Math.floor(instant / 60_000) * 60_000;
  };
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return new Date(guess);
}

/**
 * When `now` falls in the quiet hours of `timeZone`, the instant they end (the message waits until then);
 * otherwise null. A follow-up in quiet hours is delayed, never dropped (README, "Follow-ups").
 */
export function quietUntil(now: Date, timeZone: string, quiet: TQuietHours | null): Date | null {
  if (!quiet) return null;
  const local = localParts(now, timeZone);
  const wraps = quiet.start > quiet.end;
  const inQuiet = wraps ? local.hour >= quiet.start || local.hour < quiet.end : local.hour >= quiet.start && local.hour < quiet.end;
  if (!inQuiet) return null;
  // The end is today when we are before it on the clock, else tomorrow (the evening part of a wrapping window).
  const endsToday = local.hour < quiet.end;
  const base = new Date(Date.UTC(local.year, local.month - 1, local.day + (endsToday ? 0 : 1)));
  return zonedTime(base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate(), quiet.end, timeZone);
}

/** `from` plus `days` working days (Monday–Friday in the zone's calendar); public holidays are not known here. */
export function addWorkingDays(from: Date, days: number, timeZone: string): Date {
  let at = from.getTime();
  let left = days;
  while (left > 0) {
    at += DAY_MS;
    const { weekday } = localParts(new Date(at), timeZone);
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return new Date(at);
}

/**
 * Exponential back-off after the `attempt`-th failure (1-based): base, 2·base, 4·base … capped. No jitter: the
 * queue's claim already keeps replicas apart, and deterministic delays keep the tests on an injected clock exact.
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
