import type { TSuppressionReason } from './suppression';
import {
  fisherZInterval,
  meanWithTInterval,
  npsWithInterval,
  pearsonCorrelation,
  relativeWeights,
  wilsonInterval,
  type TPairSums,
} from './statistics';
import { pairKey, type TMeasureStats, type TStats } from './sufficientStats';
import { DRIVERS } from '../surveys/schema';

/**
 * The KPIs of the Meethuis model (README, "KPIs for analysts"), computed from sufficient statistics only. Percentages
 * are 0–100 with one decimal, means two decimals, correlations three. "Don't know" and skipped answers never enter
 * an n.
 */

/** The seven drivers of the default Meethuis model, in the order the dashboard shows them. */
export const DEFAULT_DRIVER_KEYS = DRIVERS;

/** A figure not reported because too few answers carry it. */
export interface TSuppressed {
  suppressed: true;
  reason: TSuppressionReason;
}

/** The tests a change between two periods is judged by: two proportions (pooled z) for a % KPI, Welch's t for a mean. */
export const CHANGE_TESTS = ['two-proportion-z', 'welch-t'] as const;

/** How a figure differs from the same group's figure in the previous period of a trend (see change.ts). */
export interface TKpiChange {
  /** The period compared with, as its key in the report (`2026-10`). */
  vs: string;
  /** This period's value minus that one's, in the KPI's own unit. */
  difference: number;
  /** Two-sided p of the test: how likely a difference at least this large is where nothing changed. */
  p: number;
  test: (typeof CHANGE_TESTS)[number];
}

/** A reported figure with its 95% interval; low and high are null where n is too small for an interval. */
export interface TEstimate {
  value: number;
  low: number | null;
  high: number | null;
  n: number;
  /** In a period breakdown only: the change from the previous period; null where the two cannot be compared. */
  change?: TKpiChange | null;
}

export type TKpi<TExtras extends object = object> = (TEstimate & TExtras) | TSuppressed;

export interface TKpiOptions {
  /** A KPI whose own n is below this is suppressed (MIN_GROUP_SIZE, default 10). */
  minGroupSize: number;
}

export interface TDriverKpiOptions extends TKpiOptions {
  /** The drivers to report; defaults to the Meethuis seven. */
  drivers?: readonly string[];
}

const SUPPRESSED: TSuppressed = Object.freeze({ suppressed: true, reason: 'small' });
/** Hidden so that a smaller figure beside it cannot be worked out (see withholdKpis). */
export const WITHHELD: TSuppressed = Object.freeze({ suppressed: true, reason: 'complementary' });

/**
 * Rounds half away from zero. The factor (1 + ε) moves products like 1.005 × 100 = 100.49999999999999 back over the
 * half they were meant to be on, and `|| 0` turns −0 into 0.
 */
function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * factor * (1 + Number.EPSILON))) / factor;
  return rounded || 0;
}

const percent = (share: number) => roundTo(100 * share, 1);
// 100·count/n in one division: 100 × (count/n) would first round count/n and can land just below a half.
const percentOf = (count: number, n: number) => roundTo((100 * count) / n, 1);
const percentOrNull = (share: number | undefined) => (share === undefined ? null : percent(share));

/** The measure behind each headline KPI and the scale its answers lie on; a driver is a 1–5 measure of its own. */
const KPI_SCALES = {
  csat: { measure: 'satisfaction', min: 1, max: 5 },
  trust: { measure: 'trust', min: 1, max: 5 },
  ces: { measure: 'effort', min: 1, max: 7 },
  nps: { measure: 'recommend', min: 0, max: 10 },
  humaneness: { measure: 'humaneness', min: 1, max: 5 },
} as const;
const DRIVER_SCALE = { min: 1, max: 5 } as const;

/** n, Σx, Σx² and a counter of answers in a range, over the answers of a measure that lie on its scale. */
export interface TScaleSummary {
  n: number;
  sum: number;
  sumOfSquares: number;
  countBetween(low: number, high: number): number;
}

/**
 * Values off the scale (a 7 on a 1–5 question) cannot come from the survey engine, which validates answers; should
 * one reach the rollups anyway it is left out rather than allowed to distort a percentage.
 */
function summariseScale(measure: TMeasureStats | undefined, scaleMin: number, scaleMax: number): TScaleSummary {
  const points: Array<[number, number]> = [];
  let n = 0;
  let sum = 0;
  let sumOfSquares = 0;
  if (measure !== undefined) {
    for (const key in measure.counts) {
      const point = Number(key);
      const count = measure.counts[key]!;
      if (point < scaleMin || point > scaleMax || count <= 0) continue;
      points.push([point, count]);
      n += count;
      sum += point * count;
      sumOfSquares += point * point * count;
    }
  }
  return {
    n,
    sum,
    sumOfSquares,
    countBetween: (low, high) =>
      points.reduce((total, [point, count]) => (point >= low && point <= high ? total + count : total), 0),
  };
}

/** The answers of a headline KPI's measure that lie on its scale. */
function kpiScale(stats: TStats, kpi: keyof typeof KPI_SCALES): TScaleSummary {
  const { measure, min, max } = KPI_SCALES[kpi];
  return summariseScale(stats.measures[measure], min, max);
}

function isTooSmall(n: number, options: TKpiOptions): boolean {
  // n = 0 has no figure to report even where a minimum of 0 is configured.
  return n === 0 || n < options.minGroupSize;
}

function topBoxKpi(stats: TStats, kpi: 'csat' | 'trust' | 'humaneness', options: TKpiOptions): TKpi<{ mean: number }> {
  const scale = kpiScale(stats, kpi);
  if (isTooSmall(scale.n, options)) return SUPPRESSED;
  const agree = scale.countBetween(4, 5);
  const interval = wilsonInterval(agree, scale.n);
  return {
    value: percentOf(agree, scale.n),
    low: percentOrNull(interval?.low),
    high: percentOrNull(interval?.high),
    n: scale.n,
    mean: roundTo(scale.sum / scale.n, 2),
  };
}

/** CSAT: % of satisfaction answers 4–5 on the 1–5 scale (Wilson interval); also the mean. */
export function csatKpi(stats: TStats, options: TKpiOptions): TKpi<{ mean: number }> {
  return topBoxKpi(stats, 'csat', options);
}

/** Trust: % of trust answers 4–5 on the 1–5 scale (Wilson interval); also the mean. */
export function trustKpi(stats: TStats, options: TKpiOptions): TKpi<{ mean: number }> {
  return topBoxKpi(stats, 'trust', options);
}

/**
 * Experienced humaneness: % of answers 4–5 on the 1–5 scale (Wilson interval); also the mean. Null where no survey
 * version in the data asked it, so an older version's responses do not read as "too few".
 */
export function humanenessKpi(stats: TStats, options: TKpiOptions): TKpi<{ mean: number }> | null {
  if (stats.measures[KPI_SCALES.humaneness.measure] === undefined) return null;
  return topBoxKpi(stats, 'humaneness', options);
}

export interface TCesExtras {
  /** % of effort answers 5–7 ("easy"), with its Wilson interval. */
  pctEasy: number;
  pctEasyLow: number;
  pctEasyHigh: number;
}

/** CES: mean of effort on 1–7 (t interval); also % 5–7 (Wilson). */
export function cesKpi(stats: TStats, options: TKpiOptions): TKpi<TCesExtras> {
  const scale = kpiScale(stats, 'ces');
  if (isTooSmall(scale.n, options)) return SUPPRESSED;
  const estimate = meanWithTInterval(scale.n, scale.sum, scale.sumOfSquares)!;
  const easy = scale.countBetween(5, 7);
  const easyInterval = wilsonInterval(easy, scale.n)!;
  return {
    value: roundTo(estimate.mean, 2),
    low: estimate.interval ? roundTo(estimate.interval.low, 2) : null,
    high: estimate.interval ? roundTo(estimate.interval.high, 2) : null,
    n: scale.n,
    pctEasy: percentOf(easy, scale.n),
    pctEasyLow: percent(easyInterval.low),
    pctEasyHigh: percent(easyInterval.high),
  };
}

export interface TNpsExtras {
  pctPromoters: number;
  pctDetractors: number;
}

/**
 * NPS from recommend (0–10): % 9–10 minus % 0–6, −100..100, with the multinomial normal-approximation interval.
 * Null when the organisation's survey never asked it (the measure is absent from the statistics altogether).
 */
export function npsKpi(stats: TStats, options: TKpiOptions): TKpi<TNpsExtras> | null {
  if (stats.measures[KPI_SCALES.nps.measure] === undefined) return null;
  const scale = kpiScale(stats, 'nps');
  if (isTooSmall(scale.n, options)) return SUPPRESSED;
  const promoters = scale.countBetween(9, 10);
  const detractors = scale.countBetween(0, 6);
  const estimate = npsWithInterval(promoters, detractors, scale.n)!;
  return {
    value: roundTo((100 * (promoters - detractors)) / scale.n, 1),
    low: roundTo(estimate.interval.low, 1),
    high: roundTo(estimate.interval.high, 1),
    n: scale.n,
    pctPromoters: percentOf(promoters, scale.n),
    pctDetractors: percentOf(detractors, scale.n),
  };
}

export interface TDriverExtras {
  /** Mean on the 1–5 answer scale. */
  mean: number;
  /** % answers 4–5. */
  pctAgree: number;
}

/**
 * A driver's score 0–100 = mean of (x − 1) / 4 × 100 over its 1–5 answers. The map is linear, so its t interval is
 * the interval of the raw mean mapped the same way.
 */
export function driverKpi(stats: TStats, driverKey: string, options: TKpiOptions): TKpi<TDriverExtras> {
  const scale = summariseScale(stats.measures[driverKey], DRIVER_SCALE.min, DRIVER_SCALE.max);
  if (isTooSmall(scale.n, options)) return SUPPRESSED;
  const estimate = meanWithTInterval(scale.n, scale.sum, scale.sumOfSquares)!;
  const toScore = (raw: number) => roundTo(((raw - 1) / 4) * 100, 1);
  return {
    // 100(Σx − n) / 4n is the same score as toScore(mean) in one division, so 63.75 is not first rounded to 63.7499….
    value: roundTo((100 * (scale.sum - scale.n)) / (4 * scale.n), 1),
    low: estimate.interval ? toScore(estimate.interval.low) : null,
    high: estimate.interval ? toScore(estimate.interval.high) : null,
    n: scale.n,
    mean: roundTo(estimate.mean, 2),
    pctAgree: percentOf(scale.countBetween(4, 5), scale.n),
  };
}

/** Every driver's score, by driver key (a driver never answered is suppressed like any small one). */
export function driverKpis(stats: TStats, options: TDriverKpiOptions): Record<string, TKpi<TDriverExtras>> {
  const result: Record<string, TKpi<TDriverExtras>> = {};
  for (const driverKey of options.drivers ?? DEFAULT_DRIVER_KEYS) {
    result[driverKey] = driverKpi(stats, driverKey, options);
  }
  return result;
}

/** Response rate of follow-ups: completed / sent, in % with a Wilson interval. */
export function responseRateKpi(completed: number, sent: number, options: TKpiOptions): TKpi {
  if (isTooSmall(sent, options)) return SUPPRESSED;
  const interval = wilsonInterval(completed, sent)!;
  return { value: percentOf(completed, sent), low: percent(interval.low), high: percent(interval.high), n: sent };
}

export interface TKpiSet {
  /** Responses in the group (each KPI carries its own n beside it). */
  n: number;
  completed: number;
  csat: TKpi<{ mean: number }>;
  ces: TKpi<TCesExtras>;
  trust: TKpi<{ mean: number }>;
  nps: TKpi<TNpsExtras> | null;
  humaneness: TKpi<{ mean: number }> | null;
  drivers: Record<string, TKpi<TDriverExtras>>;
}

/** All KPIs of one group. Whether the group itself is shown is decided by the suppression of the breakdown. */
export function kpisOf(stats: TStats, options: TDriverKpiOptions): TKpiSet {
  return {
    n: stats.responses,
    completed: stats.completed,
    csat: csatKpi(stats, options),
    ces: cesKpi(stats, options),
    trust: trustKpi(stats, options),
    nps: npsKpi(stats, options),
    humaneness: humanenessKpi(stats, options),
    drivers: driverKpis(stats, options),
  };
}

/** The name a KPI goes by in a group's figures: `csat`, `ces`, `trust`, `nps`, `humaneness`, or `drivers.<key>`. */
export type TKpiName = keyof typeof KPI_SCALES | `drivers.${string}`;

/**
 * Each KPI's own n in a group (the answers on its scale), whether the KPI is shown or not: complementary suppression
 * protects a KPI hidden on its own n the way it protects a small group.
 */
export function kpiCounts(stats: TStats, drivers: readonly string[]): Map<TKpiName, number> {
  const counts = new Map<TKpiName, number>();
  for (const name of Object.keys(KPI_SCALES) as Array<keyof typeof KPI_SCALES>) counts.set(name, kpiScale(stats, name).n);
  for (const driver of drivers) counts.set(`drivers.${driver}`, summariseScale(stats.measures[driver], DRIVER_SCALE.min, DRIVER_SCALE.max).n);
  return counts;
}

const isHeadlineKpi = (name: TKpiName): name is keyof typeof KPI_SCALES => Object.hasOwn(KPI_SCALES, name);

/** The answers a KPI of a group is computed from: those of its measure that lie on its scale. */
export function kpiAnswers(stats: TStats, name: TKpiName): TScaleSummary {
  if (isHeadlineKpi(name)) return kpiScale(stats, name);
  return summariseScale(stats.measures[name.slice('drivers.'.length)], DRIVER_SCALE.min, DRIVER_SCALE.max);
}

/** A group's KPIs with the named ones withheld; NPS and humaneness stay null where the survey never asked them. */
export function withholdKpis<TFigures extends Pick<TKpiSet, 'csat' | 'ces' | 'trust' | 'nps' | 'humaneness' | 'drivers'>>(figures: TFigures, names: ReadonlySet<TKpiName>): TFigures {
  if (names.size === 0) return figures;
  // A figure too small on its own keeps saying so; one hidden only to protect another says that.
  const withhold = <TKpiValue extends object | null>(name: TKpiName, kpi: TKpiValue): TKpiValue | TSuppressed =>
    names.has(name) && kpi !== null && !('suppressed' in kpi) ? WITHHELD : kpi;
  const drivers = Object.fromEntries(Object.entries(figures.drivers).map(([driver, kpi]) => [driver, withhold(`drivers.${driver}`, kpi)]));
  return {
    ...figures,
    csat: withhold('csat', figures.csat),
    ces: withhold('ces', figures.ces),
    trust: withhold('trust', figures.trust),
    nps: withhold('nps', figures.nps),
    humaneness: withhold('humaneness', figures.humaneness),
    drivers,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Driver importance.

/** A driver's correlation with the outcome; r and its interval are null where they are undefined. */
export interface TCorrelation {
  r: number | null;
  low: number | null;
  high: number | null;
  n: number;
}

export interface TRelativeWeightsReport {
  /** The smallest pairwise n behind any correlation used (see `driverImportance`). */
  n: number;
  rSquared: number;
  /** Per driver: raw weight (share of variance explained, the raws sum to R²) and its % of R². */
  weights: Record<string, { raw: number; pct: number }>;
}

export interface TDriverImportance {
  outcome: string;
  drivers: Record<string, TCorrelation | TSuppressed>;
  /** Null when the data do not support them (too few responses, a missing correlation…): see `driverImportance`. */
  relativeWeights: TRelativeWeightsReport | null;
}

export interface TDriverImportanceOptions extends TDriverKpiOptions {
  /** The outcome the drivers are related to: satisfaction by default, or trust, humaneness … */
  outcome?: string;
}

/** Pair sums oriented as (first, second), whichever order the canonical pair key stores them in. */
function orientedPair(stats: TStats, first: string, second: string): TPairSums | undefined {
  const pair = stats.pairs[pairKey(first, second)];
  if (pair === undefined || first < second) return pair;
  return { n: pair.n, sx: pair.sy, sy: pair.sx, sxx: pair.syy, syy: pair.sxx, sxy: pair.sxy };
}

/**
 * How strongly each driver goes with the outcome, per response: Pearson's r with a Fisher-z 95% interval (none when
 * n ≤ 3), suppressed when the pair's n is below the minimum.
 *
 * Johnson's relative weights are added over the drivers with a defined r when every correlation among them and with
 * the outcome exists and the smallest of those pairwise n's is at least 10 × the number of drivers (a common rule of
 * thumb for a regression) and at least the minimum group size. The rollups hold pairwise sums, not complete cases, so
 * the correlation matrix is pairwise-complete; where that makes it not positive definite, there are no weights.
 */
export function driverImportance(stats: TStats, options: TDriverImportanceOptions): TDriverImportance {
  const outcome = options.outcome ?? 'satisfaction';
  const drivers = (options.drivers ?? DEFAULT_DRIVER_KEYS).filter((driver) => driver !== outcome);
  const correlations: TDriverImportance['drivers'] = {};
  const usable: Array<{ driver: string; r: number; n: number }> = [];
  for (const driver of drivers) {
    const sums = orientedPair(stats, driver, outcome);
    const n = sums?.n ?? 0;
    if (sums === undefined || isTooSmall(n, options)) {
      correlations[driver] = SUPPRESSED;
      continue;
    }
    const r = pearsonCorrelation(sums);
    const interval = r === null ? null : fisherZInterval(r, n);
    correlations[driver] = {
      r: r === null ? null : roundTo(r, 3),
      low: interval ? roundTo(interval.low, 3) : null,
      high: interval ? roundTo(interval.high, 3) : null,
      n,
    };
    if (r !== null) usable.push({ driver, r, n });
  }
  return { outcome, drivers: correlations, relativeWeights: relativeWeightsOf(stats, usable, options) };
}

function relativeWeightsOf(
  stats: TStats,
  usable: ReadonlyArray<{ driver: string; r: number; n: number }>,
  options: TKpiOptions,
): TRelativeWeightsReport | null {
  if (usable.length === 0) return null;
  let smallestN = Math.min(...usable.map((entry) => entry.n));
  const matrix: number[][] = usable.map(() => []);
  for (let i = 0; i < usable.length; i++) {
    matrix[i]![i] = 1;
    for (let j = i + 1; j < usable.length; j++) {
      const sums = orientedPair(stats, usable[i]!.driver, usable[j]!.driver);
      const r = sums === undefined ? null : pearsonCorrelation(sums);
      if (r === null || sums === undefined) return null;
      smallestN = Math.min(smallestN, sums.n);
      matrix[i]![j] = r;
      matrix[j]![i] = r;
    }
  }
  if (smallestN < 10 * usable.length || isTooSmall(smallestN, options)) return null;
  const weights = relativeWeights(
    matrix,
    usable.map((entry) => entry.r),
  );
  if (weights === null) return null;
  const byDriver: TRelativeWeightsReport['weights'] = {};
  usable.forEach((entry, i) => {
    byDriver[entry.driver] = { raw: roundTo(weights.raw[i]!, 4), pct: roundTo(weights.rescaled[i]!, 1) };
  });
  return { n: smallestN, rSquared: roundTo(weights.rSquared, 4), weights: byDriver };
}
