import { describe, expect, it } from 'vitest';
import { addWorkingDays, backoffMs, parseQuietHours, quietUntil } from '../../src/followups/time';

const NIGHT = parseQuietHours('21-8');

describe('quiet hours', () => {
  it.each([
    ['an Amsterdam winter evening waits until 08:00 the next morning', '2026-01-15T20:30:00Z', 'Europe/Amsterdam', '2026-01-16T07:00:00.000Z'],
    ['an Amsterdam early morning waits until 08:00 the same day', '2026-01-15T06:30:00Z', 'Europe/Amsterdam', '2026-01-15T07:00:00.000Z'],
    ['an Amsterdam afternoon is not quiet', '2026-01-15T12:00:00Z', 'Europe/Amsterdam', null],
    ['08:00 sharp is no longer quiet', '2026-01-15T07:00:00Z', 'Europe/Amsterdam', null],
    ['20:59 is not quiet yet', '2026-01-15T19:59:00Z', 'Europe/Amsterdam', null],
    ['a Bonaire evening (UTC−4) waits until 08:00 Bonaire time', '2026-01-16T01:30:00Z', 'America/Kralendijk', '2026-01-16T12:00:00.000Z'],
    ['a Bonaire afternoon is not quiet, though it is night in Amsterdam', '2026-01-15T21:30:00Z', 'America/Kralendijk', null],
    ['the night the clocks go forward ends at 08:00 summer time', '2026-03-28T21:00:00Z', 'Europe/Amsterdam', '2026-03-29T06:00:00.000Z'],
    ['the night the clocks go back ends at 08:00 winter time', '2026-10-24T20:00:00Z', 'Europe/Amsterdam', '2026-10-25T07:00:00.000Z'],
  ])('%s', (_what, now, zone, expected) => {
    expect(quietUntil(new Date(now), zone, NIGHT)?.toISOString() ?? null).toBe(expected);
  });

  it('handles a window that does not wrap midnight', () => {
    const window = parseQuietHours('1-5');
    expect(quietUntil(new Date('2026-01-15T01:30:00Z'), 'Europe/Amsterdam', window)?.toISOString()).toBe('2026-01-15T04:00:00.000Z');
    expect(quietUntil(new Date('2026-01-15T05:30:00Z'), 'Europe/Amsterdam', window)).toBeNull();
  });

  it('is off with "off" or an empty window', () => {
    expect(parseQuietHours('off')).toBeNull();
    expect(parseQuietHours('8-8')).toBeNull();
    expect(quietUntil(new Date('2026-01-15T23:00:00Z'), 'Europe/Amsterdam', null)).toBeNull();
  });
});

describe('working days', () => {
  it('skips the weekend in the organisation’s zone', () => {
    // Friday → Monday, Tuesday, Wednesday.
    expect(addWorkingDays(new Date('2026-01-16T10:00:00Z'), 3, 'Europe/Amsterdam').toISOString()).toBe('2026-01-21T10:00:00.000Z');
    // Monday → Thursday.
    expect(addWorkingDays(new Date('2026-01-12T10:00:00Z'), 3, 'Europe/Amsterdam').toISOString()).toBe('2026-01-15T10:00:00.000Z');
    // Friday 23:30 in Bonaire is already Saturday in UTC; the zone's calendar decides.
    expect(addWorkingDays(new Date('2026-01-17T03:30:00Z'), 1, 'America/Kralendijk').toISOString()).toBe('2026-01-20T03:30:00.000Z');
  });
});

describe('back-off', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffMs(attempt, 60_000, 600_000))).toEqual([60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000]);
  });
});
