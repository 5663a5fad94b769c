import { describe, expect, it } from 'vitest';
import { dayIn } from '../../src/kernel/calendar';
import { periodOf } from '../../src/scoring/dimensions';

describe('dayIn: the calendar day of an instant in the organisation’s time zone', () => {
  it('cuts the day at local midnight, in the Netherlands and in the Caribbean Netherlands', () => {
    // 23:30 UTC on 14 January: already the 15th in Amsterdam (UTC+1), still the 14th on Bonaire (UTC−4).
    const lateEvening = new Date('2026-01-14T23:30:00Z');
    expect(dayIn(lateEvening, 'Europe/Amsterdam')).toBe('2026-01-15');
    expect(dayIn(lateEvening, 'America/Kralendijk')).toBe('2026-01-14');
    expect(dayIn(lateEvening, 'UTC')).toBe('2026-01-14');
  });

  it('gives each zone its own day when one instant is asked for again and again in turn', () => {
    // A response's day is asked for on each of its answers; answers in other zones come between.
    const instant = new Date('2026-07-01T22:15:00Z');
    for (let round = 0; round < 3; round++) {
      expect(dayIn(instant, 'Europe/Amsterdam')).toBe('2026-07-02'); // summer time, UTC+2
      expect(dayIn(instant, 'America/Kralendijk')).toBe('2026-07-01');
    }
  });

  it('follows summer time: the same UTC hour is a different local day in winter and in summer', () => {
    expect(dayIn(new Date('2026-03-28T22:30:00Z'), 'Europe/Amsterdam')).toBe('2026-03-28'); // 23:30 winter time
    expect(dayIn(new Date('2026-03-29T22:30:00Z'), 'Europe/Amsterdam')).toBe('2026-03-30'); // 00:30 summer time
  });

  it('stays right after many distinct instants have been asked for', () => {
    const start = Date.parse('2025-01-01T12:00:00Z');
    for (let day = 0; day < 5000; day++) {
      const expected = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
      expect(dayIn(new Date(start + day * 86_400_000), 'UTC')).toBe(expected);
    }
    expect(dayIn(new Date('2026-01-14T23:30:00Z'), 'Europe/Amsterdam')).toBe('2026-01-15');
  });
});

describe('periodOf', () => {
  it('names ISO 8601 weeks: the year of their Thursday, week 1 holding its first Thursday', () => {
    // Reference values from Python's date.isocalendar().
    const weeks = {
      '2026-01-01': '2026-W01',
      '2026-01-15': '2026-W03',
      '2026-06-15': '2026-W25',
      '2026-12-28': '2026-W53',
      '2027-01-01': '2026-W53',
      '2025-12-29': '2026-W01',
      '2024-12-30': '2025-W01',
      '2020-12-31': '2020-W53',
      '2021-01-03': '2020-W53',
      '2023-01-01': '2022-W52',
    };
    for (const [day, week] of Object.entries(weeks)) expect(periodOf(day, 'week'), day).toBe(week);
  });

  it('puts the seven days from a Monday to its Sunday in one week, and the next Monday in the next', () => {
    for (const monday of ['2026-03-23', '2026-03-30', '2026-10-26', '2026-12-28']) {
      const start = Date.parse(`${monday}T00:00:00Z`);
      const days = Array.from({ length: 8 }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
      const weeks = days.map((day) => periodOf(day, 'week'));
      expect(new Set(weeks.slice(0, 7)).size, monday).toBe(1);
      expect(weeks[7], monday).not.toBe(weeks[0]);
    }
  });

  it('names months and days as they are', () => {
    expect(periodOf('2026-01-15', 'month')).toBe('2026-01');
    expect(periodOf('2026-01-15', 'day')).toBe('2026-01-15');
  });
});
