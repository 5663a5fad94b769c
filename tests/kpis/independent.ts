/**
 * An independent computation of every KPI from raw answers, for the tests to hold the rollup-based API against.
 * Deliberately shares no code with src/scoring: two-pass means and variances instead of sums of squares, the t
 * quantile by bisection on a numerically integrated CDF instead of the incomplete beta function, the relative
 * weights through a Denman–Beavers matrix square root instead of an eigen-decomposition, and the p of a change from
 * the same integrated t density or the normal CDF by its series instead of the incomplete beta and gamma functions.
 */

/** scipy.stats.norm.ppf(0.975). */
const Z = 1.959963984540054;

export interface TRawAnswer {
  value: number | null;
  dontKnow: boolean;
  skipped: boolean;
}

export interface TRawResponse {
  organisation: string;
  service: string | null;
  language: string;
  location: string | null;
  chatChannel: string;
  surveyId: string;
  day: string;
  completed: boolean;
  /** Every answer, by measure (answers without a measure under their question key). */
  answers: Record<string, TRawAnswer>;
  answerCount: number;
}

export interface TExpected {
  value: number;
  low: number | null;
  high: number | null;
  n: number;
  [extra: string]: number | null;
}

/** The answers of a measure that lie on its scale. */
export const valuesOf = (responses: readonly TRawResponse[], measure: string, min: number, max: number): number[] =>
  responses.flatMap((response) => {
    const answer = response.answers[measure];
    return answer && answer.value !== null && answer.value >= min && answer.value <= max ? [answer.value] : [];
  });

function mean(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0) / values.length;
}

function sampleVariance(values: readonly number[]): number {
  const centre = mean(values);
  return values.reduce((total, value) => total + (value - centre) ** 2, 0) / (values.length - 1);
}

export function wilson(successes: number, n: number): { low: number; high: number } {
  const p = successes / n;
  const centre = (p + (Z * Z) / (2 * n)) / (1 + (Z * Z) / n);
  const half = (Z / (1 + (Z * Z) / n)) * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** ∫₀^x cos^(ν−1)θ dθ by Simpson's rule: the t CDF after substituting t = √ν·tan θ. */
function cosPowerIntegral(x: number, nu: number, steps = 4000): number {
  const h = x / steps;
  let total = 0;
  for (let i = 0; i <= steps; i++) {
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    total += weight * Math.cos(i * h) ** (nu - 1);
  }
  return (total * h) / 3;
}

const tQuantiles = new Map<number, number>();

/** The 0.975 quantile of Student's t with ν degrees of freedom, by bisection on its CDF. */
export function t975(nu: number): number {
  const known = tQuantiles.get(nu);
  if (known !== undefined) return known;
  const whole = cosPowerIntegral(Math.PI / 2, nu);
  const cdf = (t: number) => 0.5 + (0.5 * cosPowerIntegral(Math.atan(t / Math.sqrt(nu)), nu)) / whole;
  let low = 0;
  let high = 20;
  for (let i = 0; i < 80; i++) {
    const middle = (low + high) / 2;
    if (cdf(middle) < 0.975) low = middle;
    else high = middle;
  }
  tQuantiles.set(nu, (low + high) / 2);
  return (low + high) / 2;
}

function meanInterval(values: readonly number[]): { mean: number; low: number; high: number } {
  const centre = mean(values);
  const half = t975(values.length - 1) * Math.sqrt(sampleVariance(values) / values.length);
  return { mean: centre, low: centre - half, high: centre + half };
}

/** A KPI as the API must report it, or 'suppressed' when its own n is below the minimum. */
export type TExpectedKpi = TExpected | 'suppressed';

function topBox(responses: readonly TRawResponse[], measure: string, min: number): TExpectedKpi {
  const values = valuesOf(responses, measure, 1, 5);
  if (values.length === 0 || values.length < min) return 'suppressed';
  const agree = values.filter((value) => value >= 4).length;
  const interval = wilson(agree, values.length);
  return { value: (100 * agree) / values.length, low: 100 * interval.low, high: 100 * interval.high, n: values.length, mean: mean(values) };
}

export function expectedKpis(responses: readonly TRawResponse[], min: number, drivers: readonly string[]) {
  const counted = responses.filter((response) => response.answerCount > 0);
  const effort = valuesOf(counted, 'effort', 1, 7);
  let ces: TExpectedKpi = 'suppressed';
  if (effort.length >= Math.max(1, min)) {
    const estimate = meanInterval(effort);
    const easy = effort.filter((value) => value >= 5).length;
    const easyInterval = wilson(easy, effort.length);
    ces = {
      value: estimate.mean,
      low: estimate.low,
      high: estimate.high,
      n: effort.length,
      pctEasy: (100 * easy) / effort.length,
      pctEasyLow: 100 * easyInterval.low,
      pctEasyHigh: 100 * easyInterval.high,
    };
  }
  const recommend = valuesOf(counted, 'recommend', 0, 10);
  const asked = counted.some((response) => response.answers.recommend !== undefined);
  let nps: TExpectedKpi | null = asked ? 'suppressed' : null;
  if (recommend.length >= Math.max(1, min)) {
    const promoters = recommend.filter((value) => value >= 9).length / recommend.length;
    const detractors = recommend.filter((value) => value <= 6).length / recommend.length;
    const half = Z * Math.sqrt((promoters + detractors - (promoters - detractors) ** 2) / recommend.length);
    nps = {
      value: 100 * (promoters - detractors),
      low: 100 * Math.max(-1, promoters - detractors - half),
      high: 100 * Math.min(1, promoters - detractors + half),
      n: recommend.length,
      pctPromoters: 100 * promoters,
      pctDetractors: 100 * detractors,
    };
  }
  const driverKpis: Record<string, TExpectedKpi> = {};
  for (const driver of drivers) {
    const values = valuesOf(counted, driver, 1, 5);
    if (values.length === 0 || values.length < min) {
      driverKpis[driver] = 'suppressed';
      continue;
    }
    const estimate = meanInterval(values);
    const score = (raw: number) => ((raw - 1) / 4) * 100;
    driverKpis[driver] = {
      value: score(estimate.mean),
      low: score(estimate.low),
      high: score(estimate.high),
      n: values.length,
      mean: estimate.mean,
      pctAgree: (100 * values.filter((value) => value >= 4).length) / values.length,
    };
  }
  return {
    n: counted.length,
    completed: counted.filter((response) => response.completed).length,
    csat: topBox(counted, 'satisfaction', min),
    ces,
    trust: topBox(counted, 'trust', min),
    nps,
    drivers: driverKpis,
  };
}

/** Pairs of values of two measures from the responses that answered both on a scale. */
function pairsOf(responses: readonly TRawResponse[], x: string, y: string): Array<[number, number]> {
  return responses.flatMap((response) => {
    const a = response.answers[x];
    const b = response.answers[y];
    return a?.value != null && b?.value != null ? [[a.value, b.value] as [number, number]] : [];
  });
}

function pearson(pairs: ReadonlyArray<[number, number]>): number | null {
  if (pairs.length < 2) return null;
  const mx = mean(pairs.map(([x]) => x));
  const my = mean(pairs.map(([, y]) => y));
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

export function expectedImportance(responses: readonly TRawResponse[], drivers: readonly string[], outcome: string, min: number) {
  const result: Record<string, { r: number | null; low: number | null; high: number | null; n: number } | 'suppressed'> = {};
  for (const driver of drivers) {
    const pairs = pairsOf(responses, driver, outcome);
    if (pairs.length === 0 || pairs.length < min) {
      result[driver] = 'suppressed';
      continue;
    }
    const r = pearson(pairs);
    const half = Z / Math.sqrt(pairs.length - 3);
    result[driver] = {
      r,
      low: r === null || pairs.length <= 3 ? null : Math.tanh(Math.atanh(r) - half),
      high: r === null || pairs.length <= 3 ? null : Math.tanh(Math.atanh(r) + half),
      n: pairs.length,
    };
  }
  return result;
}

// Matrices for Johnson's relative weights.
type TMatrix = number[][];
const identity = (size: number): TMatrix => Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? 1 : 0)));
const multiply = (a: TMatrix, b: TMatrix): TMatrix => a.map((row) => b[0]!.map((_, j) => row.reduce((total, value, k) => total + value * b[k]![j]!, 0)));

function inverse(matrix: TMatrix): TMatrix {
  const size = matrix.length;
  const work = matrix.map((row, i) => [...row, ...identity(size)[i]!]);
  for (let column = 0; column < size; column++) {
    let pivot = column;
    for (let row = column + 1; row < size; row++) if (Math.abs(work[row]![column]!) > Math.abs(work[pivot]![column]!)) pivot = row;
    [work[column], work[pivot]] = [work[pivot]!, work[column]!];
    const divisor = work[column]![column]!;
    work[column] = work[column]!.map((value) => value / divisor);
    for (let row = 0; row < size; row++) {
      if (row === column) continue;
      const factor = work[row]![column]!;
      work[row] = work[row]!.map((value, j) => value - factor * work[column]![j]!);
    }
  }
  return work.map((row) => row.slice(size));
}

/** The symmetric square root by the Denman–Beavers iteration. */
function squareRoot(matrix: TMatrix): TMatrix {
  let y = matrix.map((row) => [...row]);
  let z = identity(matrix.length);
  for (let i = 0; i < 100; i++) {
    const yInverse = inverse(y);
    const zInverse = inverse(z);
    y = y.map((row, r) => row.map((value, c) => (value + zInverse[r]![c]!) / 2));
    z = z.map((row, r) => row.map((value, c) => (value + yInverse[r]![c]!) / 2));
  }
  return y;
}

/** Johnson's relative weights from pairwise-complete correlations: raw weights (summing to R²) and % of R². */
export function expectedRelativeWeights(responses: readonly TRawResponse[], drivers: readonly string[], outcome: string) {
  const correlations = drivers.map((a) => drivers.map((b) => (a === b ? 1 : pearson(pairsOf(responses, a, b))!)));
  const withOutcome = drivers.map((driver) => pearson(pairsOf(responses, driver, outcome))!);
  const lambda = squareRoot(correlations);
  const beta = multiply(inverse(lambda), withOutcome.map((r) => [r])).map(([value]) => value!);
  const raw = drivers.map((_, j) => lambda[j]!.reduce((total, value, k) => total + value * value * beta[k]! * beta[k]!, 0));
  const rSquared = raw.reduce((total, value) => total + value, 0);
  const smallestN = Math.min(
    ...drivers.map((driver) => pairsOf(responses, driver, outcome).length),
    ...drivers.flatMap((a, i) => drivers.slice(i + 1).map((b) => pairsOf(responses, a, b).length)),
  );
  return { rSquared, n: smallestN, weights: Object.fromEntries(drivers.map((driver, i) => [driver, { raw: raw[i]!, pct: (100 * raw[i]!) / rSquared }])) };
}

// The change of a KPI from one period to the next, and its test.

/**
 * Φ(x) by its series Φ(x) = ½ + φ(x)·Σ x^(2k+1) / (1·3·5·…·(2k+1)), whose terms all share a sign, so nothing cancels;
 * beyond |x| = 9 the tail is below any p the API reports.
 */
function normalCdf(x: number): number {
  if (Math.abs(x) > 9) return x > 0 ? 1 : 0;
  let term = x;
  let sum = x;
  for (let k = 1; Math.abs(term) > 1e-18 * Math.abs(sum); k++) {
    term *= (x * x) / (2 * k + 1);
    sum += term;
  }
  return 0.5 + (sum * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI);
}

/** P(|T| ≥ |t|) for Student's t with ν degrees of freedom (ν need not be whole), from the integrated density. */
function tTwoSided(t: number, nu: number): number {
  return 1 - cosPowerIntegral(Math.atan(Math.abs(t) / Math.sqrt(nu)), nu, 20_000) / cosPowerIntegral(Math.PI / 2, nu, 20_000);
}

/** The KPIs a change is reported for, and the measure and scale behind each. */
export type TChangeKpi = 'csat' | 'trust' | 'humaneness' | 'ces' | `drivers.${string}`;

export interface TExpectedChange {
  /** The exact difference of the two figures (the API subtracts the rounded ones). */
  difference: number;
  p: number;
  test: 'two-proportion-z' | 'welch-t';
}

/**
 * How a KPI differs between the responses of two periods: a % KPI by the pooled two-proportion z test, a mean (CES, a
 * driver's score) by Welch's t test with Welch–Satterthwaite degrees of freedom on two-pass variances.
 */
export function expectedChange(current: readonly TRawResponse[], previous: readonly TRawResponse[], kpi: TChangeKpi): TExpectedChange {
  const proportionMeasures: Record<string, string> = { csat: 'satisfaction', trust: 'trust', humaneness: 'humaneness' };
  const proportionMeasure = proportionMeasures[kpi];
  if (proportionMeasure !== undefined) {
    const [now, before] = [current, previous].map((responses) => valuesOf(responses, proportionMeasure, 1, 5)) as [number[], number[]];
    const agreeing = (values: number[]) => values.filter((value) => value >= 4).length;
    const shareNow = agreeing(now) / now.length;
    const shareBefore = agreeing(before) / before.length;
    const pooled = (agreeing(now) + agreeing(before)) / (now.length + before.length);
    const z = (shareNow - shareBefore) / Math.sqrt(pooled * (1 - pooled) * (1 / now.length + 1 / before.length));
    return { difference: 100 * (shareNow - shareBefore), p: 2 * (1 - normalCdf(Math.abs(z))), test: 'two-proportion-z' };
  }
  const driver = kpi.startsWith('drivers.') ? kpi.slice('drivers.'.length) : null;
  const [now, before] = [current, previous].map((responses) => (driver ? valuesOf(responses, driver, 1, 5) : valuesOf(responses, 'effort', 1, 7))) as [number[], number[]];
  const shareNow = sampleVariance(now) / now.length;
  const shareBefore = sampleVariance(before) / before.length;
  const t = (mean(now) - mean(before)) / Math.sqrt(shareNow + shareBefore);
  const nu = (shareNow + shareBefore) ** 2 / (shareNow ** 2 / (now.length - 1) + shareBefore ** 2 / (before.length - 1));
  // A driver is reported as a score 0–100, (mean − 1) / 4 × 100: its difference is the mean's × 25.
  const unit = driver ? 25 : 1;
  return { difference: unit * (mean(now) - mean(before)), p: tTwoSided(t, nu), test: 'welch-t' };
}

/** Whether a figure the API rounded to `decimals` matches the exact one. */
export function closeTo(actual: number | null | undefined, expected: number | null, decimals: number): boolean {
  if (expected === null || actual === null || actual === undefined) return actual === expected || (actual == null && expected === null);
  return Math.abs(actual - expected) <= 0.5 * 10 ** -decimals + 1e-9;
}
