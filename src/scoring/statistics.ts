/**
 * Pure formulas behind the KPIs: intervals, NPS, correlations, Johnson's relative weights and the tests of a change
 * between two samples. Everything here takes plain numbers (counts and sums from the sufficient statistics) and
 * reports proportions as 0..1; turning them into percentages and rounding is the KPI layer's job.
 */

/** Two-sided 95%: the standard normal quantile at 0.975 (scipy.stats.norm.ppf(0.975)). */
export const Z_95 = 1.959963984540054;

/** A two-sided 95% confidence interval. */
export interface TInterval {
  low: number;
  high: number;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * Wilson score interval (95%) for the proportion `successes / n`; null when n = 0.
 *
 * Chosen over the Wald interval because it stays inside [0, 1] and keeps a sensible width at 0/n and n/n, which small
 * groups of survey answers hit often.
 */
export function wilsonInterval(successes: number, n: number): TInterval | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = Z_95 * Z_95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (Z_95 / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0/n and n/n the bound is exactly 0 or 1 in theory; rounding would leave 1e-17 off.
  return {
    low: successes <= 0 ? 0 : clamp(centre - halfWidth, 0, 1),
    high: successes >= n ? 1 : clamp(centre + halfWidth, 0, 1),
  };
}

/** Mean, sample variance and 95% t interval of a sample given by its count, sum and sum of squares. */
export interface TMeanEstimate {
  mean: number;
  /** Sample variance (n − 1 in the denominator); null when n < 2. */
  variance: number | null;
  /** Null when n < 2: one answer says nothing about the spread. */
  interval: TInterval | null;
}

/**
 * The mean of a sample with its 95% Student-t interval, from n, Σx and Σx²; null when n = 0.
 *
 * The variance is taken as (nΣx² − (Σx)²) / (n(n − 1)): with integer answers the numerator is an exact integer, which
 * avoids the cancellation of Σx² / n − mean².
 */
export function meanWithTInterval(n: number, sum: number, sumOfSquares: number): TMeanEstimate | null {
  if (n <= 0) return null;
  const mean = sum / n;
  if (n < 2) return { mean, variance: null, interval: null };
  const variance = Math.max(0, (n * sumOfSquares - sum * sum) / (n * (n - 1)));
  const halfWidth = studentTQuantile(0.975, n - 1) * Math.sqrt(variance / n);
  return { mean, variance, interval: { low: mean - halfWidth, high: mean + halfWidth } };
}

/** Net Promoter Score on −100..100 with its 95% interval. */
export interface TNpsEstimate {
  nps: number;
  interval: TInterval;
  promoterShare: number;
  detractorShare: number;
}

/**
 * NPS = 100 × (promoters − detractors) / n, with the normal-approximation interval of the difference of two
 * proportions from one multinomial sample: Var = (p₊ + p₋ − (p₊ − p₋)²) / n, since Cov(p̂₊, p̂₋) = −p₊p₋ / n.
 * Null when n = 0. Like every Wald interval it collapses to a point when all answers fall in one class.
 */
export function npsWithInterval(promoters: number, detractors: number, n: number): TNpsEstimate | null {
  if (n <= 0) return null;
  const promoterShare = promoters / n;
  const detractorShare = detractors / n;
  const difference = promoterShare - detractorShare;
  const variance = Math.max(0, (promoterShare + detractorShare - difference * difference) / n);
  const halfWidth = Z_95 * Math.sqrt(variance);
  return {
    nps: 100 * difference,
    interval: { low: 100 * clamp(difference - halfWidth, -1, 1), high: 100 * clamp(difference + halfWidth, -1, 1) },
    promoterShare,
    detractorShare,
  };
}

/** Sums over the responses that answered both x and y. */
export interface TPairSums {
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  syy: number;
  sxy: number;
}

/**
 * Pearson's r from pair sums; null when n < 2 or either variable has no variance (r is undefined then).
 * Computed as (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)), exact in the integer parts.
 */
export function pearsonCorrelation(sums: TPairSums): number | null {
  const { n, sx, sy, sxx, syy, sxy } = sums;
  if (n < 2) return null;
  const varianceX = n * sxx - sx * sx;
  const varianceY = n * syy - sy * sy;
  if (varianceX <= 0 || varianceY <= 0) return null;
  return clamp((n * sxy - sx * sy) / Math.sqrt(varianceX * varianceY), -1, 1);
}

/**
 * The 95% interval of a correlation r from n pairs by Fisher's z: tanh(atanh(r) ± z / √(n − 3)).
 * Null when n ≤ 3, where the standard error 1 / √(n − 3) does not exist.
 */
export function fisherZInterval(r: number, n: number): TInterval | null {
  if (n <= 3) return null;
  const z = Math.atanh(clamp(r, -1, 1));
  const halfWidth = Z_95 / Math.sqrt(n - 3);
  return { low: Math.tanh(z - halfWidth), high: Math.tanh(z + halfWidth) };
}

// ---------------------------------------------------------------------------------------------------------------
// Student's t quantile via the regularized incomplete beta function.

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the series in the range where it is accurate.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const shifted = x - 1;
  let series = coefficients[0]!;
  for (let i = 1; i < coefficients.length; i++) series += coefficients[i]! / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

/** Continued fraction of the incomplete beta function (modified Lentz), valid for x < (a + 1) / (a + b + 2). */
function incompleteBetaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const maxIterations = 100_000;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let fraction = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let step = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    fraction *= d * c;
    step = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < 1e-16) return fraction;
  }
  return fraction;
}

/** The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // The continued fraction converges fast only on one side of the mean; use the symmetry I_x(a,b) = 1 − I_1−x(b,a).
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * incompleteBetaFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * incompleteBetaFraction(1 - x, b, a)) / b;
}

/**
 * The x with I_x(a, b) = p. Halley steps from the Numerical Recipes starting guess, kept inside a shrinking bracket
 * (bisection when a step leaves it), so it converges even where the guess is poor.
 */
export function inverseRegularizedIncompleteBeta(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let x: number;
  if (a >= 1 && b >= 1) {
    const tail = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(tail));
    let normal = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) normal = -normal;
    const al = (normal * normal - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (normal * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    x = a / (a + b * Math.exp(2 * w));
  } else {
    const lna = Math.log(a / (a + b));
    const lnb = Math.log(b / (a + b));
    const t = Math.exp(a * lna) / a;
    const u = Math.exp(b * lnb) / b;
    const w = t + u;
    x = p < t / w ? Math.pow(a * w * p, 1 / a) : 1 - Math.pow(b * w * (1 - p), 1 / b);
  }
  let low = 0;
  let high = 1;
  if (!(x > 0 && x < 1)) x = 0.5;
  const logBeta = logGamma(a) + logGamma(b) - logGamma(a + b);
  let previousError = Infinity;
  for (let iteration = 0; iteration < 300; iteration++) {
    const error = regularizedIncompleteBeta(x, a, b) - p;
    if (error === 0) return x;
    if (error > 0) high = x;
    else low = x;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta);
    const newton = error / density;
    const halley = newton / (1 - 0.5 * Math.min(1, newton * ((a - 1) / x - (b - 1) / (1 - x))));
    if (Number.isFinite(halley) && Math.abs(halley) <= 1e-15 * x) return x - halley;
    let next = x - halley;
    // Where the density underflows or the guess is poor, Halley crawls or jumps out; halving always makes progress.
    const crawling = Math.abs(error) > 0.5 * Math.abs(previousError);
    if (!(next > low && next < high) || crawling) next = (low + high) / 2;
    if (high - low <= 1e-16 * high) return next;
    previousError = error;
    x = next;
  }
  return x;
}

/**
 * The p-quantile of Student's t distribution with `df` degrees of freedom (like scipy.stats.t.ppf); df > 0, not
 * necessarily an integer. Accurate to about 1e-9 relative for df ≥ 1 and 1e-10 ≤ p ≤ 1 − 1e-10.
 *
 * Uses P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2), inverted for whichever of x = df/(df+t²) or 1 − x is the smaller, so the
 * subtraction 1 − x never loses the digits. Beyond df = 1e5 the Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5)
 * is exact to double precision and avoids a continued fraction that needs √df terms.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`probability must be in [0, 1], got ${p}`);
  }
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  // Cauchy: 1 / tan(π(1 − p)) keeps the digits that tan(π(p − ½)) loses as p → 1.
  if (df === 1) return 1 / Math.tan(Math.PI * (1 - p));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  if (df > 1e5) return cornishFisherT(p, df);
  const twoSidedTail = 2 * (1 - p);
  if (twoSidedTail < 0.5) {
    const x = inverseRegularizedIncompleteBeta(twoSidedTail, df / 2, 0.5);
    return Math.sqrt((df * (1 - x)) / x);
  }
  const y = inverseRegularizedIncompleteBeta(1 - twoSidedTail, 0.5, df / 2);
  return Math.sqrt((df * y) / (1 - y));
}

function cornishFisherT(p: number, df: number): number {
  const x = normalQuantile(p);
  const x2 = x * x;
  const g1 = (x * (x2 + 1)) / 4;
  const g2 = (x * ((5 * x2 + 16) * x2 + 3)) / 96;
  const g3 = (x * (((3 * x2 + 19) * x2 + 17) * x2 - 15)) / 384;
  const g4 = (x * ((((79 * x2 + 776) * x2 + 1482) * x2 - 1920) * x2 - 945)) / 92160;
  return x + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

const ACKLAM_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const ACKLAM_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const ACKLAM_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/**
 * The standard normal quantile Φ⁻¹(p): Acklam's rational approximation (relative error 1.15e-9), refined by one
 * Halley step on an erfc accurate to double precision, which brings it to about 1e-15.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`probability must be in [0, 1], got ${p}`);
  }
  // Working in the lower tail keeps p itself (not 1 − p) as the accurate small number.
  if (p > 0.5) return -normalQuantile(1 - p);
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = ACKLAM_B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = ACKLAM_D as [number, number, number, number];
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
      (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  }
  const error = 0.5 * complementaryErrorFunction(-x / Math.SQRT2) - p;
  const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** erfc(x), through erfc(x) = Q(½, x²) for x ≥ 0 and erfc(−x) = 2 − erfc(x). */
function complementaryErrorFunction(x: number): number {
  const upper = regularizedUpperGamma(0.5, x * x);
  return x >= 0 ? upper : 2 - upper;
}

/** Q(a, x) = Γ(a, x) / Γ(a): the power series of P below x = a + 1, the Lentz continued fraction of Q above. */
function regularizedUpperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logFront = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 10_000; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(logFront);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let fraction = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logFront) * fraction;
}

// ---------------------------------------------------------------------------------------------------------------
// Tests of a difference between two independent samples.

/**
 * P(|Z| ≥ |z|) for a standard normal Z (like 2 × scipy.stats.norm.sf(|z|)). Taken as erfc(|z| / √2), which keeps its
 * digits far into the tail, where 2 × (1 − Φ(|z|)) would round to 0.
 */
export function normalTwoSidedP(z: number): number {
  return complementaryErrorFunction(Math.abs(z) / Math.SQRT2);
}

/**
 * P(|T| ≥ |t|) for Student's t with `df` degrees of freedom (like 2 × scipy.stats.t.sf(|t|, df)); df > 0, not
 * necessarily an integer. P(|T| ≥ t) = I_{df/(df+t²)}(df/2, ½), and the incomplete beta picks the side of its
 * continued fraction that converges, so a small p keeps its relative precision: about 1e-12, falling to 1e-9 at
 * df = 10⁶, where ln Γ(df/2) is large (far finer than the 4 decimals a change's p is reported to).
 */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** A test statistic with its two-sided p. */
export interface TTestResult {
  statistic: number;
  p: number;
}

/**
 * The pooled two-proportion z test of first = second (like a 2×2 chi-square test without continuity correction,
 * whose χ² is z²): z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)) with p̄ the proportion of both samples together. Null
 * when a sample is empty. Where p̄ is 0 or 1 both proportions are equal and nothing varies: z = 0, p = 1.
 */
export function twoProportionZTest(first: { successes: number; n: number }, second: { successes: number; n: number }): TTestResult | null {
  if (first.n <= 0 || second.n <= 0) return null;
  const pooled = (first.successes + second.successes) / (first.n + second.n);
  const variance = pooled * (1 - pooled) * (1 / first.n + 1 / second.n);
  if (variance <= 0) return { statistic: 0, p: 1 };
  const z = (first.successes / first.n - second.successes / second.n) / Math.sqrt(variance);
  return { statistic: z, p: normalTwoSidedP(z) };
}

/** A sample as a mean test needs it: its size, mean and sample variance (n − 1 in the denominator). */
export interface TSampleMoments {
  n: number;
  mean: number;
  variance: number;
}

/** Welch's t test, with the Welch–Satterthwaite degrees of freedom. */
export interface TWelchResult extends TTestResult {
  df: number;
}

/**
 * Welch's t test of equal means without assuming equal variances (like scipy.stats.ttest_ind(equal_var=False)):
 * t = (m₁ − m₂) / √(v₁/n₁ + v₂/n₂), df = (v₁/n₁ + v₂/n₂)² / ((v₁/n₁)²/(n₁ − 1) + (v₂/n₂)²/(n₂ − 1)). Null when a
 * sample has fewer than two values (no variance). Where neither sample varies at all the difference is certain:
 * p = 0 for different means, 1 for equal ones (scipy answers NaN), with df = n₁ + n₂ − 2.
 */
export function welchTTest(first: TSampleMoments, second: TSampleMoments): TWelchResult | null {
  if (first.n < 2 || second.n < 2) return null;
  const firstShare = first.variance / first.n;
  const secondShare = second.variance / second.n;
  const variance = firstShare + secondShare;
  const difference = first.mean - second.mean;
  if (variance <= 0) {
    return { statistic: difference === 0 ? 0 : Math.sign(difference) * Infinity, df: first.n + second.n - 2, p: difference === 0 ? 1 : 0 };
  }
  const df = (variance * variance) / ((firstShare * firstShare) / (first.n - 1) + (secondShare * secondShare) / (second.n - 1));
  const t = difference / Math.sqrt(variance);
  return { statistic: t, df, p: studentTTwoSidedP(t, df) };
}

// ---------------------------------------------------------------------------------------------------------------
// Eigen-decomposition and Johnson's relative weights.

/** Eigenvalues and eigenvectors of a symmetric matrix: `vectors[i][k]` is component i of the k-th eigenvector. */
export interface TSymmetricEigen {
  values: number[];
  vectors: number[][];
}

function assertSquare(matrix: readonly (readonly number[])[], size: number, name: string): void {
  if (matrix.length !== size || matrix.some((row) => row.length !== size)) {
    throw new RangeError(`${name} must be a ${size}×${size} matrix`);
  }
}

/**
 * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method. Only the upper triangle is trusted to be
 * symmetric with the lower one; the input is not changed. Jacobi is slow for large matrices but exact to rounding and
 * simple, and driver matrices are around 7×7.
 */
export function symmetricEigen(matrix: readonly (readonly number[])[]): TSymmetricEigen {
  const size = matrix.length;
  assertSquare(matrix, size, 'matrix');
  const a = matrix.map((row) => [...row]);
  const v = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    let diagonal = 0;
    for (let i = 0; i < size; i++) {
      diagonal += a[i]![i]! * a[i]![i]!;
      for (let j = i + 1; j < size; j++) offDiagonal += a[i]![j]! * a[i]![j]!;
    }
    if (offDiagonal === 0 || offDiagonal <= 1e-32 * diagonal) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        // The smaller root of t² + 2θt − 1 = 0 keeps the rotation angle below π/4, which is what makes Jacobi converge.
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]!), vectors: v };
}

/** Johnson's relative weights of p predictors. */
export interface TRelativeWeights {
  /** Raw weights ε_j, in the order of the predictors; they sum to R². */
  raw: number[];
  /** ε_j as a percentage of R² (sums to 100); all 0 when R² = 0. */
  rescaled: number[];
  /** R² of the regression of the outcome on all predictors. */
  rSquared: number;
}

/**
 * Johnson's (2000) relative weights from the predictors' correlation matrix Rxx and their correlations rxy with the
 * outcome. With Rxx = VΛVᵀ, Λ* = VΛ^½Vᵀ relates the predictors to their closest orthogonal counterparts and
 * β = VΛ^−½Vᵀ rxy regresses the outcome on those; then ε_j = Σ_k Λ*_jk² β_k².
 *
 * Null when Rxx is not positive definite (a predictor is a linear combination of others, or a pairwise-complete
 * matrix came out inconsistent): the weights are not defined then.
 */
export function relativeWeights(
  predictorCorrelations: readonly (readonly number[])[],
  outcomeCorrelations: readonly number[],
): TRelativeWeights | null {
  const size = outcomeCorrelations.length;
  assertSquare(predictorCorrelations, size, 'predictor correlation matrix');
  if (size === 0) return { raw: [], rescaled: [], rSquared: 0 };
  const { values, vectors } = symmetricEigen(predictorCorrelations);
  const largest = Math.max(...values);
  if (!(largest > 0) || values.some((value) => value <= 1e-10 * largest)) return null;
  const rootValues = values.map(Math.sqrt);
  // Λ* = V diag(√λ) Vᵀ and its inverse V diag(1/√λ) Vᵀ share the eigenvectors, so one pass builds both.
  const root: number[][] = [];
  const inverseRoot: number[][] = [];
  for (let i = 0; i < size; i++) {
    const rootRow: number[] = [];
    const inverseRow: number[] = [];
    for (let j = 0; j < size; j++) {
      let sumRoot = 0;
      let sumInverse = 0;
      for (let k = 0; k < size; k++) {
        const product = vectors[i]![k]! * vectors[j]![k]!;
        sumRoot += product * rootValues[k]!;
        sumInverse += product / rootValues[k]!;
      }
      rootRow.push(sumRoot);
      inverseRow.push(sumInverse);
    }
    root.push(rootRow);
    inverseRoot.push(inverseRow);
  }
  const beta = inverseRoot.map((row) => row.reduce((sum, value, k) => sum + value * outcomeCorrelations[k]!, 0));
  const raw = root.map((row) => row.reduce((sum, value, k) => sum + value * value * beta[k]! * beta[k]!, 0));
  const rSquared = raw.reduce((sum, value) => sum + value, 0);
  return { raw, rescaled: raw.map((value) => (rSquared > 0 ? (100 * value) / rSquared : 0)), rSquared };
}
