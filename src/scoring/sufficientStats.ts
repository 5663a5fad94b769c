import { z } from 'zod';

/**
 * Sufficient statistics of a set of responses: everything a KPI needs, so that the rollup tables hold one small JSON
 * document per day and dimension cell instead of the answers themselves.
 *
 * Every number is an integer (answers are integers, so are their sums, squares and cross-products), which keeps
 * addition and subtraction exact: folding deltas in any order, or adding and later removing a response, returns to
 * exactly the same document. Deltas (see `diffStats`) may hold negative numbers; a stored rollup never does.
 */

/** Separates the two measure keys of a pair; measure keys therefore never contain it. */
export const PAIR_SEPARATOR = '|';

const ZCount = z.number().int();

/** Answers of one measure: how often each scale point was chosen, plus the answers that carry no value. */
export const ZMeasureStats = z.object({
  /** Scale point (as a decimal integer string) → number of answers. Points never chosen are absent. */
  counts: z.record(z.string().regex(/^-?\d+$/, 'must be an integer scale point'), ZCount),
  dontKnow: ZCount,
  skipped: ZCount,
});
export type TMeasureStats = z.infer<typeof ZMeasureStats>;

/**
 * Responses that answered both measures of a pair with a value. `x` is the first key of the pair, `y` the second.
 * Pairwise-complete sums are what Pearson's r and the correlation matrix of the relative weights are built from.
 */
export const ZPairStats = z.object({
  n: ZCount,
  sx: ZCount,
  sy: ZCount,
  sxx: ZCount,
  syy: ZCount,
  sxy: ZCount,
});
export type TPairStats = z.infer<typeof ZPairStats>;

const ZPairKey = z.string().refine(
  (key) => {
    const parts = key.split(PAIR_SEPARATOR);
    return parts.length === 2 && parts[0]! !== '' && parts[1]! !== '' && parts[0]! < parts[1]!;
  },
  { message: `must be two measure keys in ascending order joined by "${PAIR_SEPARATOR}"` },
);

/** The JSON stored per rollup day and cell (and per delta); parse with this when reading it back. */
export const ZStats = z.object({
  responses: ZCount,
  completed: ZCount,
  measures: z.record(z.string().min(1), ZMeasureStats),
  pairs: z.record(ZPairKey, ZPairStats),
  /** Responses with an open answer (the residents' own words); absent while none. */
  comments: ZCount.optional(),
  /** Theme key → responses whose open answers were tagged with it; absent while none. */
  themes: z.record(z.string().min(1), ZCount).optional(),
});
export type TStats = z.infer<typeof ZStats>;

/** What a response's open answers contribute: that it has any, and the themes they were tagged with. */
export interface TOpenAnswerSummary {
  themes: Iterable<string>;
}

/** One stored answer as far as scoring is concerned. */
export type TMeasuredAnswer = { value: number } | { dontKnow: true } | { skipped: true };

/** The answers of one response, by measure key (`satisfaction`, `ease`, …). */
export type TMeasuredAnswers = Readonly<Record<string, TMeasuredAnswer>>;

/** The canonical key of the pair of two measures, whichever order they are given in. */
export function pairKey(measureA: string, measureB: string): string {
  return measureA < measureB ? measureA + PAIR_SEPARATOR + measureB : measureB + PAIR_SEPARATOR + measureA;
}

/** Statistics of no responses at all: the identity of `addStats`. */
export function emptyStats(): TStats {
  return { responses: 0, completed: 0, measures: {}, pairs: {} };
}

function assertMeasureKey(key: string): void {
  if (key === '' || key.includes(PAIR_SEPARATOR)) {
    throw new RangeError(`measure key "${key}" must be non-empty and must not contain "${PAIR_SEPARATOR}"`);
  }
}

/**
 * The statistics of a single response.
 *
 * Throws a RangeError for a non-integer value or an unusable measure key: exact integer arithmetic is what lets the
 * rollups be updated by deltas, so a fractional value must be caught where it enters.
 */
export function statsOfResponse(answers: TMeasuredAnswers, response: { completed: boolean }, openAnswers?: TOpenAnswerSummary): TStats {
  const stats: TStats = { responses: 1, completed: response.completed ? 1 : 0, measures: {}, pairs: {} };
  if (openAnswers) {
    stats.comments = 1;
    for (const theme of openAnswers.themes) (stats.themes ??= {})[theme] = 1;
  }
  const valuedKeys: string[] = [];
  for (const key in answers) {
    const answer = answers[key];
    if (answer === undefined) continue;
    assertMeasureKey(key);
    if ('value' in answer) {
      if (!Number.isSafeInteger(answer.value)) {
        throw new RangeError(`answer to "${key}" must be an integer, got ${answer.value}`);
      }
      stats.measures[key] = { counts: { [String(answer.value)]: 1 }, dontKnow: 0, skipped: 0 };
      valuedKeys.push(key);
    } else if ('dontKnow' in answer) {
      stats.measures[key] = { counts: {}, dontKnow: 1, skipped: 0 };
    } else {
      stats.measures[key] = { counts: {}, dontKnow: 0, skipped: 1 };
    }
  }
  // Sorting once makes every pair key below come out canonical without comparing per pair.
  valuedKeys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 0; i < valuedKeys.length; i++) {
    const keyX = valuedKeys[i]!;
    const x = (answers[keyX] as { value: number }).value;
    for (let j = i + 1; j < valuedKeys.length; j++) {
      const keyY = valuedKeys[j]!;
      const y = (answers[keyY] as { value: number }).value;
      stats.pairs[keyX + PAIR_SEPARATOR + keyY] = { n: 1, sx: x, sy: y, sxx: x * x, syy: y * y, sxy: x * y };
    }
  }
  return stats;
}

function cloneStats(stats: TStats): TStats {
  const measures: TStats['measures'] = {};
  for (const key in stats.measures) {
    const measure = stats.measures[key]!;
    measures[key] = { counts: { ...measure.counts }, dontKnow: measure.dontKnow, skipped: measure.skipped };
  }
  const pairs: TStats['pairs'] = {};
  for (const key in stats.pairs) pairs[key] = { ...stats.pairs[key]! };
  return {
    responses: stats.responses,
    completed: stats.completed,
    measures,
    pairs,
    ...(stats.comments !== undefined ? { comments: stats.comments } : {}),
    ...(stats.themes !== undefined ? { themes: { ...stats.themes } } : {}),
  };
}

/**
 * Adds `sign` × `source` into `target` in place and returns `target`; entries that become zero are removed so the
 * JSON stays small. Meant for folding many deltas into one rollup without allocating a document per step.
 */
export function accumulateStats(target: TStats, source: TStats, sign: 1 | -1 = 1): TStats {
  target.responses += sign * source.responses;
  target.completed += sign * source.completed;
  if (source.comments !== undefined) {
    const comments = (target.comments ?? 0) + sign * source.comments;
    if (comments === 0) delete target.comments;
    else target.comments = comments;
  }
  if (source.themes !== undefined) {
    const themes = (target.themes ??= {});
    for (const key in source.themes) {
      const count = (themes[key] ?? 0) + sign * source.themes[key]!;
      if (count === 0) delete themes[key];
      else themes[key] = count;
    }
    if (isEmptyObject(themes)) delete target.themes;
  }
  for (const key in source.measures) {
    const from = source.measures[key]!;
    let into = target.measures[key];
    if (into === undefined) {
      into = { counts: {}, dontKnow: 0, skipped: 0 };
      target.measures[key] = into;
    }
    for (const point in from.counts) {
      const count = (into.counts[point] ?? 0) + sign * from.counts[point]!;
      if (count === 0) delete into.counts[point];
      else into.counts[point] = count;
    }
    into.dontKnow += sign * from.dontKnow;
    into.skipped += sign * from.skipped;
    if (into.dontKnow === 0 && into.skipped === 0 && isEmptyObject(into.counts)) delete target.measures[key];
  }
  for (const key in source.pairs) {
    const from = source.pairs[key]!;
    const into = target.pairs[key];
    if (into === undefined) {
      // `0 +` turns the -0 of `-1 * 0` into 0, which deep equality would otherwise tell apart.
      target.pairs[key] = {
        n: 0 + sign * from.n,
        sx: 0 + sign * from.sx,
        sy: 0 + sign * from.sy,
        sxx: 0 + sign * from.sxx,
        syy: 0 + sign * from.syy,
        sxy: 0 + sign * from.sxy,
      };
      // A zero pair in the source would otherwise be copied in as an all-zero entry.
      if (isZeroPair(target.pairs[key])) delete target.pairs[key];
      continue;
    }
    into.n += sign * from.n;
    into.sx += sign * from.sx;
    into.sy += sign * from.sy;
    into.sxx += sign * from.sxx;
    into.syy += sign * from.syy;
    into.sxy += sign * from.sxy;
    if (isZeroPair(into)) delete target.pairs[key];
  }
  return target;
}

function isZeroPair(pair: TPairStats): boolean {
  return pair.n === 0 && pair.sx === 0 && pair.sy === 0 && pair.sxx === 0 && pair.syy === 0 && pair.sxy === 0;
}

function isEmptyObject(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

/** The statistics of the responses of `a` and of `b` together. Neither argument is changed. */
export function addStats(a: TStats, b: TStats): TStats {
  return accumulateStats(cloneStats(a), b, 1);
}

/** `a` without the responses of `b` (exact inverse of `addStats`). Neither argument is changed. */
export function subtractStats(a: TStats, b: TStats): TStats {
  return accumulateStats(cloneStats(a), b, -1);
}

/**
 * The delta that turns `before` into `after`, e.g. the statistics of a response before and after an answer was
 * given, changed or erased; adding it to a rollup that contains `before` makes it contain `after`. Only what changed
 * remains (a re-answered measure and its pairs), so the delta row written on a chat turn stays small.
 */
export function diffStats(before: TStats, after: TStats): TStats {
  return subtractStats(after, before);
}

/** Whether the statistics describe nothing at all (e.g. a delta of a re-answer with the same value). */
export function isEmptyStats(stats: TStats): boolean {
  return (
    stats.responses === 0 &&
    stats.completed === 0 &&
    isEmptyObject(stats.measures) &&
    isEmptyObject(stats.pairs) &&
    !stats.comments &&
    (stats.themes === undefined || isEmptyObject(stats.themes))
  );
}
