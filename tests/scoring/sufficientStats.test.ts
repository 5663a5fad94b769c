import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accumulateStats,
  addStats,
  diffStats,
  emptyStats,
  isEmptyStats,
  pairKey,
  statsOfResponse,
  subtractStats,
  ZStats,
  type TMeasuredAnswer,
  type TStats,
} from '../../src/scoring/sufficientStats';

const MEASURES = ['satisfaction', 'effort', 'trust', 'ease', 'empathy', 'recommend'] as const;

/** A response's answers: each measure absent, a value 0..10, "don't know" or skipped. */
const arbitraryAnswers = fc.record(
  Object.fromEntries(
    MEASURES.map((measure) => [
      measure,
      fc.oneof(
        fc.integer({ min: 0, max: 10 }).map((value): TMeasuredAnswer => ({ value })),
        fc.constant<TMeasuredAnswer>({ dontKnow: true }),
        fc.constant<TMeasuredAnswer>({ skipped: true }),
      ),
    ]),
  ) as Record<(typeof MEASURES)[number], fc.Arbitrary<TMeasuredAnswer>>,
  { requiredKeys: [] },
);
const arbitraryResponse = fc.record({ answers: arbitraryAnswers, completed: fc.boolean() });

function sumAll(responses: ReadonlyArray<{ answers: Record<string, TMeasuredAnswer>; completed: boolean }>): TStats {
  const total = emptyStats();
  for (const response of responses) accumulateStats(total, statsOfResponse(response.answers, response));
  return total;
}

describe('statsOfResponse', () => {
  it('counts values per scale point, "don\'t know" and skipped apart, and pairs only answers with a value', () => {
    const stats = statsOfResponse(
      { satisfaction: { value: 4 }, ease: { value: 5 }, empathy: { dontKnow: true }, trust: { skipped: true } },
      { completed: true },
    );
    expect(stats).toEqual({
      responses: 1,
      completed: 1,
      measures: {
        satisfaction: { counts: { '4': 1 }, dontKnow: 0, skipped: 0 },
        ease: { counts: { '5': 1 }, dontKnow: 0, skipped: 0 },
        empathy: { counts: {}, dontKnow: 1, skipped: 0 },
        trust: { counts: {}, dontKnow: 0, skipped: 1 },
      },
      // x = ease, y = satisfaction: the keys in ascending order.
      pairs: { 'ease|satisfaction': { n: 1, sx: 5, sy: 4, sxx: 25, syy: 16, sxy: 20 } },
    });
  });

  it('counts a response without answers, completed or not', () => {
    expect(statsOfResponse({}, { completed: false })).toEqual({ responses: 1, completed: 0, measures: {}, pairs: {} });
  });

  it('writes every pair under the same key whichever order the answers come in', () => {
    const forward = statsOfResponse({ trust: { value: 2 }, effort: { value: 6 }, ease: { value: 3 } }, { completed: false });
    const backward = statsOfResponse({ ease: { value: 3 }, effort: { value: 6 }, trust: { value: 2 } }, { completed: false });
    expect(Object.keys(forward.pairs).sort()).toEqual(['ease|effort', 'ease|trust', 'effort|trust']);
    expect(backward).toEqual(forward);
    expect(pairKey('trust', 'effort')).toBe('effort|trust');
  });

  it('keeps a value of 0 (the bottom of the 0–10 scale) as an answer', () => {
    const stats = statsOfResponse({ recommend: { value: 0 }, satisfaction: { value: 1 } }, { completed: true });
    expect(stats.measures.recommend!.counts).toEqual({ '0': 1 });
    expect(stats.pairs['recommend|satisfaction']).toEqual({ n: 1, sx: 0, sy: 1, sxx: 0, syy: 1, sxy: 0 });
  });

  it('refuses a value that is not an integer, and a measure key that would break pair keys', () => {
    expect(() => statsOfResponse({ satisfaction: { value: 3.5 } }, { completed: true })).toThrow(RangeError);
    expect(() => statsOfResponse({ satisfaction: { value: Number.NaN } }, { completed: true })).toThrow(RangeError);
    expect(() => statsOfResponse({ 'a|b': { value: 3 } }, { completed: true })).toThrow(RangeError);
  });
});

describe('addStats and subtractStats', () => {
  it('hold the same sums as computing them directly from the answers', () => {
    const responses = [
      { answers: { satisfaction: { value: 4 }, ease: { value: 5 } }, completed: true },
      { answers: { satisfaction: { value: 2 }, ease: { value: 1 } }, completed: true },
      { answers: { satisfaction: { value: 5 }, ease: { dontKnow: true } }, completed: false },
      { answers: { satisfaction: { skipped: true }, ease: { value: 3 } }, completed: true },
    ] satisfies Array<{ answers: Record<string, TMeasuredAnswer>; completed: boolean }>;
    const total = responses.map((r) => statsOfResponse(r.answers, r)).reduce(addStats, emptyStats());
    // By hand: pairs only from the first two responses: x (ease) = 5, 1; y (satisfaction) = 4, 2.
    expect(total).toEqual({
      responses: 4,
      completed: 3,
      measures: {
        satisfaction: { counts: { '2': 1, '4': 1, '5': 1 }, dontKnow: 0, skipped: 1 },
        ease: { counts: { '1': 1, '3': 1, '5': 1 }, dontKnow: 1, skipped: 0 },
      },
      pairs: { 'ease|satisfaction': { n: 2, sx: 6, sy: 6, sxx: 26, syy: 20, sxy: 22 } },
    });
  });

  it('return exactly to the original after adding and then subtracting any responses', () => {
    fc.assert(
      fc.property(fc.array(arbitraryResponse, { maxLength: 30 }), fc.array(arbitraryResponse, { maxLength: 30 }), (base, extra) => {
        const original = sumAll(base);
        const added = sumAll(extra);
        expect(subtractStats(addStats(original, added), added)).toEqual(original);
      }),
    );
  });

  it('give the same result in any order of addition', () => {
    fc.assert(
      fc.property(fc.array(arbitraryResponse, { maxLength: 20 }), (responses) => {
        expect(sumAll([...responses].reverse())).toEqual(sumAll(responses));
      }),
    );
  });

  it('leave no zero entries behind, so a rollup emptied again is the empty document', () => {
    const one = statsOfResponse({ satisfaction: { value: 4 }, ease: { dontKnow: true }, trust: { value: 2 } }, { completed: true });
    const emptied = subtractStats(one, one);
    expect(emptied).toEqual(emptyStats());
    expect(isEmptyStats(emptied)).toBe(true);
    expect(JSON.stringify(emptied)).toBe('{"responses":0,"completed":0,"measures":{},"pairs":{}}');
  });

  it('change neither argument', () => {
    const a = statsOfResponse({ satisfaction: { value: 4 }, ease: { value: 2 } }, { completed: true });
    const b = statsOfResponse({ satisfaction: { value: 3 }, ease: { value: 2 } }, { completed: false });
    const aBefore = structuredClone(a);
    const bBefore = structuredClone(b);
    addStats(a, b);
    subtractStats(a, b);
    expect(a).toEqual(aBefore);
    expect(b).toEqual(bBefore);
  });
});

describe('diffStats', () => {
  it('holds only the re-answered measure and its pairs when one answer changes', () => {
    const before = statsOfResponse({ satisfaction: { value: 2 }, ease: { value: 4 }, trust: { value: 3 } }, { completed: false });
    const after = statsOfResponse({ satisfaction: { value: 5 }, ease: { value: 4 }, trust: { value: 3 } }, { completed: false });
    expect(diffStats(before, after)).toEqual({
      responses: 0,
      completed: 0,
      measures: { satisfaction: { counts: { '2': -1, '5': 1 }, dontKnow: 0, skipped: 0 } },
      // ease|satisfaction: x = 4 unchanged, y 2 → 5: sy +3, syy 25 − 4 = +21, sxy 4·3 = +12; n and x sums cancel.
      pairs: {
        'ease|satisfaction': { n: 0, sx: 0, sy: 3, sxx: 0, syy: 21, sxy: 12 },
        'satisfaction|trust': { n: 0, sx: 3, sy: 0, sxx: 21, syy: 0, sxy: 9 },
      },
    });
  });

  it('is empty when an answer is given again with the same value', () => {
    const answers = { satisfaction: { value: 4 }, ease: { value: 4 } };
    expect(isEmptyStats(diffStats(statsOfResponse(answers, { completed: true }), statsOfResponse(answers, { completed: true })))).toBe(true);
  });

  it('moves a rollup that contains the old answers to one that contains the new ones', () => {
    fc.assert(
      fc.property(fc.array(arbitraryResponse, { maxLength: 20 }), arbitraryResponse, arbitraryResponse, (others, old, changed) => {
        const rollup = sumAll([...others, old]);
        const delta = diffStats(statsOfResponse(old.answers, old), statsOfResponse(changed.answers, changed));
        expect(addStats(rollup, delta)).toEqual(sumAll([...others, changed]));
      }),
    );
  });

  it('records completion as a change of `completed` only', () => {
    const answers = { satisfaction: { value: 4 } };
    expect(diffStats(statsOfResponse(answers, { completed: false }), statsOfResponse(answers, { completed: true }))).toEqual({
      responses: 0,
      completed: 1,
      measures: {},
      pairs: {},
    });
  });
});

describe('ZStats', () => {
  it('reads back what was written as JSON, deltas with negative numbers included', () => {
    fc.assert(
      fc.property(fc.array(arbitraryResponse, { maxLength: 10 }), arbitraryResponse, (responses, removed) => {
        const stats = subtractStats(sumAll(responses), statsOfResponse(removed.answers, removed));
        expect(ZStats.parse(JSON.parse(JSON.stringify(stats)))).toEqual(stats);
      }),
    );
  });

  const pair = { n: 1, sx: 1, sy: 1, sxx: 1, syy: 1, sxy: 1 };
  const measure = (counts: Record<string, number>) => ({ counts, dontKnow: 0, skipped: 0 });
  it.each([
    ['a pair key out of order', { responses: 1, completed: 0, measures: {}, pairs: { 'satisfaction|ease': pair } }],
    ['a pair key without a separator', { responses: 1, completed: 0, measures: {}, pairs: { ease: pair } }],
    ['a fractional count', { responses: 1, completed: 0, measures: { ease: measure({ '3': 0.5 }) }, pairs: {} }],
    ['a scale point that is not an integer', { responses: 1, completed: 0, measures: { ease: measure({ high: 1 }) }, pairs: {} }],
    ['a missing field', { responses: 1, measures: {}, pairs: {} }],
  ])('rejects %s', (_, document) => {
    expect(ZStats.safeParse(document).success).toBe(false);
  });
});
