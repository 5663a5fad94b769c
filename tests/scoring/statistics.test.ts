import { describe, expect, it } from 'vitest';
import {
  fisherZInterval,
  inverseRegularizedIncompleteBeta,
  meanWithTInterval,
  normalQuantile,
  npsWithInterval,
  pearsonCorrelation,
  regularizedIncompleteBeta,
  relativeWeights,
  studentTQuantile,
  symmetricEigen,
  wilsonInterval,
  Z_95,
} from '../../src/scoring/statistics';

/** Sums of a list of (x, y) pairs, as the rollups would hold them. */
function pairSums(pairs: ReadonlyArray<readonly [number, number]>) {
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [x, y] of pairs) {
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
  }
  return { n: pairs.length, sx, sy, sxx, syy, sxy };
}

describe('wilsonInterval', () => {
  // Published: Newcombe RG (1998), Two-sided confidence intervals for the single proportion, Stat Med 17:857–872,
  // Table II, method 3 (score interval without continuity correction), 4 decimals. The full-precision values are
  // scipy 1.17 `binomtest(x, n).proportion_ci(method='wilson')`, which agree with Newcombe to the 4th decimal.
  it.each([
    { successes: 81, n: 263, low: 0.2552885198782742, high: 0.36620957698280004, newcombe: [0.2553, 0.3662] },
    { successes: 15, n: 148, low: 0.06238639953073629, high: 0.16048724172330803, newcombe: [0.0624, 0.1605] },
    { successes: 0, n: 20, low: 0, high: 0.16112515805281935, newcombe: [0, 0.1611] },
    { successes: 1, n: 29, low: 0.006113214292762667, high: 0.17175521879320282, newcombe: [0.0061, 0.1718] },
  ])('matches Newcombe (1998) for $successes/$n', ({ successes, n, low, high, newcombe }) => {
    const interval = wilsonInterval(successes, n)!;
    expect(interval.low).toBeCloseTo(low, 12);
    expect(interval.high).toBeCloseTo(high, 12);
    expect(interval.low).toBeCloseTo(newcombe[0]!, 4);
    expect(interval.high).toBeCloseTo(newcombe[1]!, 4);
  });

  // scipy 1.17 binomtest(x, n).proportion_ci(method='wilson').
  it.each([
    { successes: 0, n: 10, low: 0, high: 0.27753279986288926 },
    { successes: 10, n: 10, low: 0.7224672001371109, high: 1 },
    { successes: 0, n: 1, low: 0, high: 0.7934506856227626 },
    { successes: 1, n: 1, low: 0.20654931437723745, high: 1 },
    { successes: 7, n: 20, low: 0.1811918241010821, high: 0.5671457233147637 },
    { successes: 45, n: 60, low: 0.6276792992295218, high: 0.8422347746994333 },
  ])('gives [$low, $high] for $successes/$n', ({ successes, n, low, high }) => {
    const interval = wilsonInterval(successes, n)!;
    expect(interval.low).toBeCloseTo(low, 12);
    expect(interval.high).toBeCloseTo(high, 12);
  });

  it('puts the bound exactly on 0 for 0/n and on 1 for n/n, never outside [0, 1]', () => {
    for (const n of [1, 2, 5, 10, 100, 10_000]) {
      expect(wilsonInterval(0, n)!.low).toBe(0);
      expect(wilsonInterval(n, n)!.high).toBe(1);
      expect(wilsonInterval(n, n)!.low).toBeLessThan(1);
    }
  });

  it('is symmetric: the interval of n − x is the mirror of that of x', () => {
    const left = wilsonInterval(3, 17)!;
    const right = wilsonInterval(14, 17)!;
    expect(right.low).toBeCloseTo(1 - left.high, 14);
    expect(right.high).toBeCloseTo(1 - left.low, 14);
  });

  it('has no interval without answers', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('studentTQuantile', () => {
  // scipy 1.17 stats.t.ppf(p, df).
  it.each([
    { p: 0.975, df: 1, expected: 12.706204736174694 },
    { p: 0.975, df: 2, expected: 4.302652729749462 },
    { p: 0.975, df: 3, expected: 3.1824463052837078 },
    { p: 0.975, df: 9, expected: 2.262157162798205 },
    { p: 0.975, df: 29, expected: 2.045229642132703 },
    { p: 0.975, df: 99, expected: 1.9842169515864174 },
    { p: 0.995, df: 4, expected: 4.604094871349992 },
    { p: 0.9, df: 10, expected: 1.372183641110336 },
    { p: 0.6, df: 5, expected: 0.2671808657041451 },
    { p: 0.025, df: 9, expected: -2.2621571627982053 },
    { p: 0.975, df: 2.5, expected: 3.5746548420036817 },
    { p: 0.9995, df: 1000, expected: 3.300282648423944 },
    { p: 0.975, df: 1e6, expected: 1.959966356814107 },
    { p: 0.999999, df: 3, expected: 103.29946777942898 },
  ])('gives t($p; df = $df) = $expected to 1e-9 relative', ({ p, df, expected }) => {
    expect(Math.abs(studentTQuantile(p, df) / expected - 1)).toBeLessThan(1e-9);
  });

  it('agrees with the closed forms for df = 1 (Cauchy) and df = 2 over the whole range', () => {
    // Closed forms: df = 1 → tan(π(p − ½)); df = 2 → (2p − 1) / √(2p(1 − p)) (Johnson, Kotz & Balakrishnan).
    // The code uses them as shortcuts at exactly 1 and 2, so a df a hair off them checks the general path instead.
    for (const p of [0.51, 0.6, 0.75, 0.9, 0.975, 0.999]) {
      expect(studentTQuantile(p, 1 + 1e-9)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 5);
      expect(studentTQuantile(p, 2 + 1e-9)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 6);
    }
  });

  it('approaches the normal quantile as df grows, from above', () => {
    let previous = Infinity;
    for (const df of [1, 2, 5, 30, 1000, 1e5, 1e8]) {
      const quantile = studentTQuantile(0.975, df);
      expect(quantile).toBeLessThan(previous);
      expect(quantile).toBeGreaterThan(Z_95);
      previous = quantile;
    }
    expect(studentTQuantile(0.975, 1e12)).toBeCloseTo(Z_95, 10);
  });

  it('is continuous where the expansion for very large df takes over', () => {
    // The incomplete-beta path ends at df = 1e5; both sides must agree with the exact t(0.9; df), computed with
    // mpmath (40 digits) as 1.2815600314493610141 at df = 1e5.
    expect(studentTQuantile(0.9, 1e5)).toBeCloseTo(1.281560031449361, 9);
    expect(studentTQuantile(0.9, 1e5 + 1)).toBeCloseTo(1.281560031449361, 9);
  });

  it('is odd around the median and 0 at it', () => {
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(0.1, 7)).toBeCloseTo(-studentTQuantile(0.9, 7), 14);
  });

  it('refuses degrees of freedom that are not positive', () => {
    expect(() => studentTQuantile(0.975, 0)).toThrow(RangeError);
  });
});

describe('normalQuantile', () => {
  // scipy 1.17 stats.norm.ppf(p).
  it.each([
    { p: 0.975, expected: 1.959963984540054 },
    { p: 0.1, expected: -1.2815515655446004 },
    { p: 0.3, expected: -0.5244005127080409 },
    { p: 0.01, expected: -2.3263478740408408 },
    { p: 1e-8, expected: -5.612001244174789 },
  ])('gives Φ⁻¹($p) = $expected', ({ p, expected }) => {
    expect(Math.abs(normalQuantile(p) / expected - 1)).toBeLessThan(1e-12);
  });
});

describe('regularizedIncompleteBeta', () => {
  // scipy 1.17 special.betainc(a, b, x).
  it('matches scipy where the t quantile of large df needs it', () => {
    expect(regularizedIncompleteBeta(1 - 3.84e-5, 49999.5, 0.5)).toBeCloseTo(0.050043039853975076, 9);
    expect(regularizedIncompleteBeta(0.3, 2, 3)).toBeCloseTo(0.3483, 12); // closed form: 1 − 0.7⁴ − 4·0.3·0.7³ = 0.3483
  });

  it('is inverted by inverseRegularizedIncompleteBeta', () => {
    for (const [a, b] of [[0.5, 0.5], [2, 0.5], [0.5, 20], [10, 3], [500, 0.5]] as const) {
      for (const p of [1e-6, 0.05, 0.5, 0.95]) {
        const x = inverseRegularizedIncompleteBeta(p, a, b);
        expect(regularizedIncompleteBeta(x, a, b)).toBeCloseTo(p, 10);
      }
    }
  });
});

describe('meanWithTInterval', () => {
  // scipy 1.17: stats.t.interval(0.95, n − 1, loc=mean, scale=stats.sem(data)).
  it.each([
    { data: [4, 5], mean: 4.5, low: -1.853102368087347, high: 10.853102368087347 },
    { data: [3, 3, 4], mean: 3.3333333333333335, low: 1.8991157567501793, high: 4.767550909916488 },
    { data: [1, 2, 3, 4, 5, 6, 7], mean: 4, low: 2.002104839708592, high: 5.997895160291408 },
  ])('gives the t interval of $data', ({ data, mean, low, high }) => {
    const sum = data.reduce((total, x) => total + x, 0);
    const sumOfSquares = data.reduce((total, x) => total + x * x, 0);
    const estimate = meanWithTInterval(data.length, sum, sumOfSquares)!;
    expect(estimate.mean).toBeCloseTo(mean, 12);
    expect(estimate.interval!.low).toBeCloseTo(low, 9);
    expect(estimate.interval!.high).toBeCloseTo(high, 9);
  });

  it('gives the sample variance with n − 1 in the denominator', () => {
    // 1..7: Σ(x − 4)² = 28, / 6.
    expect(meanWithTInterval(7, 28, 140)!.variance).toBeCloseTo(28 / 6, 14);
  });

  it('reports a mean without an interval for a single answer, and nothing without answers', () => {
    expect(meanWithTInterval(1, 4, 16)).toEqual({ mean: 4, variance: null, interval: null });
    expect(meanWithTInterval(0, 0, 0)).toBeNull();
  });

  it('collapses the interval to the mean when every answer is the same', () => {
    expect(meanWithTInterval(50, 250, 1250)!.interval).toEqual({ low: 5, high: 5 });
  });
});

describe('npsWithInterval', () => {
  // 48 answers: 18 promoters, 15 detractors. By hand: NPS = 100 · 3/48 = 6.25. Interval from numpy with the textbook
  // variance p₊(1−p₊)/n + p₋(1−p₋)/n + 2p₊p₋/n, and again as the mean of per-respondent scores +1/0/−1 with its
  // population standard deviation: both give [−17.139800308703272, 29.63980030870327].
  it('gives the score and the multinomial interval', () => {
    const estimate = npsWithInterval(18, 15, 48)!;
    expect(estimate.nps).toBeCloseTo(6.25, 12);
    expect(estimate.interval.low).toBeCloseTo(-17.139800308703272, 9);
    expect(estimate.interval.high).toBeCloseTo(29.63980030870327, 9);
    expect(estimate.promoterShare).toBeCloseTo(0.375, 14);
    expect(estimate.detractorShare).toBeCloseTo(0.3125, 14);
  });

  it('stays within −100..100', () => {
    // 9 promoters of 10: NPS 90, half-width 1.96·√((0.9 − 0.81)/10) ≈ 18.6 would reach past 100.
    expect(npsWithInterval(9, 0, 10)!.interval.high).toBe(100);
    expect(npsWithInterval(0, 9, 10)!.interval.low).toBe(-100);
    expect(npsWithInterval(10, 0, 10)).toMatchObject({ nps: 100, interval: { low: 100, high: 100 } });
  });

  it('has no score without answers', () => {
    expect(npsWithInterval(0, 0, 0)).toBeNull();
  });
});

describe('pearsonCorrelation and fisherZInterval', () => {
  // scipy 1.17: r = stats.pearsonr(x, y).statistic; interval = .confidence_interval(0.95), which is Fisher's z.
  // Data: x = 1..10, y = [2, 1, 4, 3, 7, 8, 5, 10, 9, 6].
  const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const y = [2, 1, 4, 3, 7, 8, 5, 10, 9, 6];
  const sums = pairSums(x.map((value, i) => [value, y[i]!] as const));

  it('computes r from the pair sums', () => {
    // By hand: Sxx = Syy = 82.5, Sxy = 64.5, r = 64.5 / 82.5 = 43/55 (scipy: 0.7818181818181814).
    expect(pearsonCorrelation(sums)).toBeCloseTo(43 / 55, 14);
  });

  it('gives the Fisher z interval scipy gives', () => {
    const interval = fisherZInterval(pearsonCorrelation(sums)!, sums.n)!;
    expect(interval.low).toBeCloseTo(0.29973976837459604, 10);
    expect(interval.high).toBeCloseTo(0.9458477942301675, 10);
  });

  it('has no interval for n ≤ 3 and an exact one for a perfect correlation', () => {
    expect(fisherZInterval(0.5, 3)).toBeNull();
    expect(fisherZInterval(1, 20)).toEqual({ low: 1, high: 1 });
  });

  it('is undefined when a variable does not vary or there are fewer than two pairs', () => {
    expect(pearsonCorrelation(pairSums([[3, 1], [3, 2], [3, 5]]))).toBeNull();
    expect(pearsonCorrelation(pairSums([[3, 1]]))).toBeNull();
  });

  it('is exactly ±1 for a linear relation', () => {
    expect(pearsonCorrelation(pairSums([[1, 5], [2, 4], [3, 3], [4, 2]]))).toBe(-1);
  });
});

describe('symmetricEigen', () => {
  it('decomposes a matrix into V diag(λ) Vᵀ with orthonormal V', () => {
    const matrix = [
      [4, 1, 2],
      [1, 3, 0.5],
      [2, 0.5, 5],
    ];
    const { values, vectors } = symmetricEigen(matrix);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let rebuilt = 0;
        let gram = 0;
        for (let k = 0; k < 3; k++) {
          rebuilt += vectors[i]![k]! * values[k]! * vectors[j]![k]!;
          gram += vectors[k]![i]! * vectors[k]![j]!;
        }
        expect(rebuilt).toBeCloseTo(matrix[i]![j]!, 12);
        expect(gram).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    // numpy 2.4 np.linalg.eigvalsh (LAPACK).
    expect([...values].sort((a, b) => a - b)).toEqual([
      expect.closeTo(2.096521617296718, 12),
      expect.closeTo(3.0722239520050754, 12),
      expect.closeTo(6.831254430698204, 12),
    ]);
  });
});

describe('relativeWeights', () => {
  it('gives each uncorrelated predictor its squared correlation', () => {
    // With Rxx = I the predictors are their own orthogonal counterparts: ε_j = r_j², R² = Σ r_j².
    const weights = relativeWeights(
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      [0.5, 0.3, 0.1],
    )!;
    expect(weights.raw).toEqual([expect.closeTo(0.25, 14), expect.closeTo(0.09, 14), expect.closeTo(0.01, 14)]);
    expect(weights.rSquared).toBeCloseTo(0.35, 14);
    expect(weights.rescaled[0]).toBeCloseTo((100 * 0.25) / 0.35, 12);
  });

  it('matches an independent computation through the matrix square root', () => {
    // Reference: numpy 2.4 / scipy 1.17 — Λ* = scipy.linalg.sqrtm(Rxx) (Schur method, no eigen-decomposition),
    // β = np.linalg.solve(Λ*, rxy), ε = (Λ*²) @ β², R² = rxy @ np.linalg.solve(Rxx, rxy).
    const rxx = [
      [1, 0.5, 0.3],
      [0.5, 1, 0.4],
      [0.3, 0.4, 1],
    ];
    const rxy = [0.6, 0.5, 0.35];
    const weights = relativeWeights(rxx, rxy)!;
    expect(weights.raw).toEqual([
      expect.closeTo(0.24253416363633734, 12),
      expect.closeTo(0.12768316616675118, 12),
      expect.closeTo(0.056032670196911334, 12),
    ]);
    expect(weights.rSquared).toBeCloseTo(0.42625, 12);
    expect(weights.rescaled.reduce((sum, value) => sum + value, 0)).toBeCloseTo(100, 10);
  });

  it('has no weights when the predictors are linearly dependent', () => {
    expect(
      relativeWeights(
        [
          [1, 1],
          [1, 1],
        ],
        [0.5, 0.5],
      ),
    ).toBeNull();
  });

  it('refuses a matrix that does not match the outcome correlations', () => {
    expect(() => relativeWeights([[1, 0]], [0.5])).toThrow(RangeError);
  });
});
