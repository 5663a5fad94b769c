import { isWeekendIn, localParts, nextDay, zonedTime } from '../kernel/calendar';

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
  const endsOn = local.hour < quiet.end ? local : nextDay(local.year, local.month, local.day);
  return zonedTime(endsOn.year, endsOn.month, endsOn.day, quiet.end, timeZone);
}

/** `from` plus `days` working days (Monday–Friday in the zone's calendar); public holidays are not known here. */
export function addWorkingDays(from: Date, days: number, timeZone: string): Date {
  let at = from.getTime();
  let left = days;
  while (left > 0) {
    at += DAY_MS;
    if (!isWeekendIn(new Date(at), timeZone)) left -= 1;
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
