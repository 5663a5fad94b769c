import { describe, expect, it } from 'vitest';
import {
  cesKpi,
  csatKpi,
  DEFAULT_DRIVER_KEYS,
  driverImportance,
  driverKpi,
  driverKpis,
  humanenessKpi,
  kpiCounts,
  kpisOf,
  npsKpi,
  responseRateKpi,
  trustKpi,
  withholdKpis,
} from '../../src/scoring/kpis';
import { accumulateStats, emptyStats, statsOfResponse, type TMeasuredAnswer, type TStats } from '../../src/scoring/sufficientStats';

const options = { minGroupSize: 10 };

/** Statistics holding only per-measure counts (no pairs), as the KPIs other than importance need. */
function statsWithCounts(
  measures: Record<string, { counts: Record<number, number>; dontKnow?: number; skipped?: number }>,
): TStats {
  const stats = emptyStats();
  for (const [key, { counts, dontKnow = 0, skipped = 0 }] of Object.entries(measures)) {
    stats.measures[key] = {
      counts: Object.fromEntries(Object.entries(counts).map(([point, count]) => [point, count])),
      dontKnow,
      skipped,
    };
  }
  return stats;
}

// Reference values: scipy 1.17. Wilson: stats.binomtest(x, n).proportion_ci(method='wilson'); t intervals:
// stats.t.interval(0.95, n − 1, loc=mean, scale=stats.sem(data)) on the counts expanded into answers; NPS: numpy with
// the variance p₊(1−p₊)/n + p₋(1−p₋)/n + 2p₊p₋/n. Rounded here by hand to the KPI's decimals.
describe('csatKpi', () => {
  const stats = statsWithCounts({ satisfaction: { counts: { 1: 3, 2: 4, 3: 8, 4: 15, 5: 10 }, dontKnow: 4, skipped: 2 } });

  it('reports the % of 4–5 answers with its Wilson interval and the mean, leaving out "don\'t know" and skipped', () => {
    // 25/40 = 62.5%; Wilson [47.032439137301104, 75.77702083276672]; mean 145/40 = 3.625 → 3.63 (half away from 0).
    expect(csatKpi(stats, options)).toEqual({ value: 62.5, low: 47, high: 75.8, n: 40, mean: 3.63 });
  });

  it('is suppressed below the minimum group size and shown at it', () => {
    expect(csatKpi(stats, { minGroupSize: 41 })).toEqual({ suppressed: true, reason: 'small' });
    expect(csatKpi(stats, { minGroupSize: 40 })).toMatchObject({ n: 40 });
  });

  it('is suppressed when nobody answered, even without a minimum', () => {
    expect(csatKpi(statsWithCounts({ satisfaction: { counts: {}, dontKnow: 3 } }), { minGroupSize: 0 })).toEqual({
      suppressed: true,
      reason: 'small',
    });
    expect(csatKpi(emptyStats(), { minGroupSize: 0 })).toEqual({ suppressed: true, reason: 'small' });
  });

  it('leaves values off the 1–5 scale out of n', () => {
    const withStray = statsWithCounts({ satisfaction: { counts: { 1: 3, 2: 4, 3: 8, 4: 15, 5: 10, 7: 6, 0: 2 } } });
    expect(csatKpi(withStray, options)).toMatchObject({ value: 62.5, n: 40 });
  });

  it('reaches 0% and 100% with the Wilson bound on the edge', () => {
    // 0/12: Wilson high = 0.24249400665524085 → 24.2; 12/12: low = 0.7575059933447592 → 75.8.
    expect(csatKpi(statsWithCounts({ satisfaction: { counts: { 1: 5, 2: 4, 3: 3 } } }), options)).toMatchObject({
      value: 0,
      low: 0,
      high: 24.2,
    });
    expect(csatKpi(statsWithCounts({ satisfaction: { counts: { 4: 5, 5: 7 } } }), options)).toMatchObject({
      value: 100,
      low: 75.8,
      high: 100,
    });
  });
});

describe('trustKpi', () => {
  it('reports the % of 4–5 trust answers and is suppressed on its own n', () => {
    const stats = statsWithCounts({ trust: { counts: { 1: 1, 2: 1, 3: 2, 4: 3, 5: 2 }, dontKnow: 5 } });
    expect(trustKpi(stats, options)).toEqual({ suppressed: true, reason: 'small' });
    // 5/9 = 55.555… → 55.6; Wilson [0.2666512934954931, 0.8112214789023354]; mean (1 + 2 + 6 + 12 + 10)/9 = 3.444… → 3.44.
    expect(trustKpi(stats, { minGroupSize: 5 })).toEqual({ value: 55.6, low: 26.7, high: 81.1, n: 9, mean: 3.44 });
  });
});

describe('humanenessKpi', () => {
  it('reports the % of 4–5 answers, and is null where the survey never asked it', () => {
    const stats = statsWithCounts({ humaneness: { counts: { 1: 1, 2: 2, 3: 3, 4: 8, 5: 6 }, dontKnow: 2 } });
    // 14/20 = 70%; Wilson [0.4810271816464765, 0.8545227551323956]; mean (1 + 4 + 9 + 32 + 30)/20 = 3.8.
    expect(humanenessKpi(stats, options)).toEqual({ value: 70, low: 48.1, high: 85.5, n: 20, mean: 3.8 });
    expect(humanenessKpi(statsWithCounts({ trust: { counts: { 4: 20 } } }), options)).toBeNull();
    expect(humanenessKpi(statsWithCounts({ humaneness: { counts: { 5: 3 }, skipped: 20 } }), options)).toEqual({ suppressed: true, reason: 'small' });
  });
});

describe('cesKpi', () => {
  it('reports the mean effort with its t interval, and the % easy (5–7) with its Wilson interval', () => {
    const stats = statsWithCounts({ effort: { counts: { 1: 2, 2: 3, 3: 4, 4: 6, 5: 10, 6: 8, 7: 7 }, skipped: 3 } });
    // mean 191/40 = 4.775 → 4.78; t interval [4.225877884648671, 5.324122115351329]; easy 25/40 with the Wilson
    // interval of 25/40 above.
    expect(cesKpi(stats, options)).toEqual({
      value: 4.78,
      low: 4.23,
      high: 5.32,
      n: 40,
      pctEasy: 62.5,
      pctEasyLow: 47,
      pctEasyHigh: 75.8,
    });
  });

  it('gives no t interval for a single answer where the minimum allows one', () => {
    expect(cesKpi(statsWithCounts({ effort: { counts: { 6: 1 } } }), { minGroupSize: 1 })).toMatchObject({
      value: 6,
      low: null,
      high: null,
      n: 1,
    });
  });
});

describe('npsKpi', () => {
  it('reports % promoters minus % detractors on −100..100 with its interval', () => {
    const stats = statsWithCounts({ recommend: { counts: { 0: 2, 3: 3, 5: 5, 6: 5, 7: 6, 8: 9, 9: 10, 10: 8 }, dontKnow: 1 } });
    // 18 promoters, 15 detractors of 48: 6.25 → 6.3; interval [−17.139800308703272, 29.63980030870327];
    // 37.5% promoters, 31.25% → 31.3% detractors.
    expect(npsKpi(stats, options)).toEqual({
      value: 6.3,
      low: -17.1,
      high: 29.6,
      n: 48,
      pctPromoters: 37.5,
      pctDetractors: 31.3,
    });
  });

  it('rounds a negative score half away from zero', () => {
    // 1 promoter, 2 detractors, 13 passives: 100 · (1 − 2) / 16 = −6.25 → −6.3.
    expect(npsKpi(statsWithCounts({ recommend: { counts: { 10: 1, 2: 2, 7: 13 } } }), options)).toMatchObject({ value: -6.3 });
  });

  it('is null when the survey never asked it, and suppressed when it was asked but too few answered', () => {
    expect(npsKpi(statsWithCounts({ satisfaction: { counts: { 4: 20 } } }), options)).toBeNull();
    expect(npsKpi(statsWithCounts({ recommend: { counts: {}, skipped: 30 } }), options)).toEqual({ suppressed: true, reason: 'small' });
  });
});

describe('driverKpi', () => {
  it('reports the 0–100 score, its t interval mapped the same way, the mean and % agree', () => {
    const stats = statsWithCounts({ ease: { counts: { 1: 2, 2: 5, 3: 10, 4: 15, 5: 8 }, dontKnow: 6 } });
    // mean 142/40 = 3.55 → score (3.55 − 1) / 4 · 100 = 63.75 → 63.8; t interval of the mean mapped:
    // [54.88915803075633, 72.61084196924367]; agree 23/40 = 57.5%.
    expect(driverKpi(stats, 'ease', options)).toEqual({ value: 63.8, low: 54.9, high: 72.6, n: 40, mean: 3.55, pctAgree: 57.5 });
  });

  it('scores the bottom of the scale 0 and the top 100', () => {
    expect(driverKpi(statsWithCounts({ speed: { counts: { 1: 12 } } }), 'speed', options)).toMatchObject({ value: 0, low: 0, high: 0 });
    expect(driverKpi(statsWithCounts({ speed: { counts: { 5: 12 } } }), 'speed', options)).toMatchObject({ value: 100 });
  });

  it('lists every default driver, suppressing those never answered', () => {
    const drivers = driverKpis(statsWithCounts({ empathy: { counts: { 4: 10, 5: 2 } } }), options);
    expect(Object.keys(drivers)).toEqual([...DEFAULT_DRIVER_KEYS]);
    expect(drivers.empathy).toMatchObject({ n: 12, pctAgree: 100 });
    expect(drivers.ease).toEqual({ suppressed: true, reason: 'small' });
  });
});

describe('responseRateKpi', () => {
  it('reports completed / sent with a Wilson interval', () => {
    // 30/80 = 37.5%; Wilson [0.2769417870153118, 0.48451274536857003].
    expect(responseRateKpi(30, 80, options)).toEqual({ value: 37.5, low: 27.7, high: 48.5, n: 80 });
    expect(responseRateKpi(3, 8, options)).toEqual({ suppressed: true, reason: 'small' });
  });
});

describe('kpisOf', () => {
  it('reports each KPI on its own n beside the number of responses of the group', () => {
    const stats = statsWithCounts({
      satisfaction: { counts: { 4: 12 } },
      effort: { counts: { 6: 4 } },
    });
    stats.responses = 14;
    stats.completed = 11;
    const kpis = kpisOf(stats, options);
    expect(kpis).toMatchObject({ n: 14, completed: 11, csat: { n: 12, value: 100 }, ces: { suppressed: true }, nps: null });
    expect(kpis.trust).toEqual({ suppressed: true, reason: 'small' });
  });
});

describe('kpiCounts and withholdKpis', () => {
  const stats = statsWithCounts({
    satisfaction: { counts: { 4: 12, 7: 3 }, dontKnow: 5 },
    effort: { counts: { 6: 4 } },
    ease: { counts: { 5: 20 } },
  });

  it('counts each KPI’s answers on its scale, shown or not, a driver under drivers.<key>', () => {
    expect(Object.fromEntries(kpiCounts(stats, ['ease', 'speed']))).toEqual({ csat: 12, trust: 0, ces: 4, nps: 0, humaneness: 0, 'drivers.ease': 20, 'drivers.speed': 0 });
  });

  it('withholds the KPIs named, and leaves NPS and humaneness null where they were never asked', () => {
    const figures = kpisOf(stats, { ...options, drivers: ['ease', 'speed'] });
    const withheld = withholdKpis(figures, new Set(['csat', 'nps', 'drivers.ease'] as const));
    expect(withheld.csat).toEqual({ suppressed: true, reason: 'complementary' });
    expect(withheld.nps).toBeNull();
    expect(withheld.humaneness).toBeNull();
    // ease has answers enough and is hidden for another's sake; speed was too small already and still says so.
    expect(withheld.drivers).toEqual({ ease: { suppressed: true, reason: 'complementary' }, speed: { suppressed: true, reason: 'small' } });
    expect(figures.csat).toMatchObject({ n: 12 });
    expect(figures.drivers.ease).toMatchObject({ n: 20 });
  });
});

describe('driverImportance', () => {
  // 40 responses [ease, speed, empathy, satisfaction] drawn once with numpy (seed 20260115) from a latent factor;
  // null = "don't know". Reference: scipy 1.17 pearsonr(x, y).statistic and .confidence_interval() (Fisher z) on the
  // pairwise-complete data; relative weights with Λ* = scipy.linalg.sqrtm(Rxx), β = solve(Λ*, rxy),
  // ε = (Λ*²) @ β² on the pairwise correlation matrix; R² = rxy @ solve(Rxx, rxy).
  const ROWS: Array<[number, number | null, number | null, number]> = [
    [2, 3, 2, 2], [5, 4, 3, 4], [3, 3, 2, 3], [2, null, 2, 2], [3, 1, 1, 1], [1, 4, 1, 1], [1, 2, 1, 1], [4, 3, 2, 1],
    [5, 3, null, 3], [3, 2, 5, 4], [3, 4, 2, 2], [2, 4, 3, 2], [3, 3, 2, 3], [3, 3, 3, 4], [1, 1, 1, 1], [4, 4, 5, 5],
    [2, 2, 1, 2], [2, null, 2, 2], [4, 2, 3, 3], [3, 3, 4, 1], [3, 3, 2, 2], [1, 2, 1, 2], [1, 2, 3, 2], [1, 1, 3, 3],
    [2, 1, 1, 1], [2, 1, 1, 1], [3, 2, 4, 3], [3, 2, 2, 2], [3, 3, 3, 3], [3, null, 2, 3], [2, 1, 2, 3], [1, 4, 1, 1],
    [5, 3, 4, 4], [3, 3, 5, 4], [5, 4, 5, 5], [3, 2, 4, 4], [3, 2, 3, 3], [4, 4, 3, 3], [3, 2, 2, 2], [4, 3, 2, 3],
  ];
  const answer = (value: number | null): TMeasuredAnswer => (value === null ? { dontKnow: true } : { value });
  function statsOfRows(rows: typeof ROWS): TStats {
    const stats = emptyStats();
    for (const [ease, speed, empathy, satisfaction] of rows) {
      accumulateStats(
        stats,
        statsOfResponse(
          { ease: answer(ease), speed: answer(speed), empathy: answer(empathy), satisfaction: answer(satisfaction) },
          { completed: true },
        ),
      );
    }
    return stats;
  }
  const drivers = ['ease', 'speed', 'empathy'];

  it('gives each driver its Pearson r with satisfaction and the Fisher z interval, pairwise complete', () => {
    // scipy: ease r = 0.6122091090982972 [0.3715594371858801, 0.7757718854038613] n 40;
    // speed 0.30152713526044644 [−0.02492726364860041, 0.5698695746502059] n 37;
    // empathy 0.7867567639962304 [0.6268445883840466, 0.8830658180358577] n 39.
    const importance = driverImportance(statsOfRows(ROWS), { ...options, drivers });
    expect(importance.outcome).toBe('satisfaction');
    expect(importance.drivers).toEqual({
      ease: { r: 0.612, low: 0.372, high: 0.776, n: 40 },
      speed: { r: 0.302, low: -0.025, high: 0.57, n: 37 },
      empathy: { r: 0.787, low: 0.627, high: 0.883, n: 39 },
    });
  });

  it("adds Johnson's relative weights when the smallest pairwise n is at least 10 per driver", () => {
    // numpy/scipy: raw [0.19202638582283363, 0.03168706916251581, 0.437797950189457], sum = R² = 0.6615114051748064;
    // % [29.028431606873063, 4.790101714745553, 66.18146667838138]; smallest pairwise n = 36 (speed × empathy).
    const importance = driverImportance(statsOfRows(ROWS), { ...options, drivers });
    expect(importance.relativeWeights).toEqual({
      n: 36,
      rSquared: 0.6615,
      weights: {
        ease: { raw: 0.192, pct: 29 },
        speed: { raw: 0.0317, pct: 4.8 },
        empathy: { raw: 0.4378, pct: 66.2 },
      },
    });
  });

  it('leaves the relative weights out when there are fewer than 10 responses per driver', () => {
    const importance = driverImportance(statsOfRows(ROWS.slice(0, 29)), { ...options, drivers });
    expect(importance.relativeWeights).toBeNull();
    expect(importance.drivers.ease).toMatchObject({ n: 29 });
  });

  it('suppresses the drivers nobody answered and weighs the others', () => {
    const importance = driverImportance(statsOfRows(ROWS), options);
    expect(importance.drivers.reliability).toEqual({ suppressed: true, reason: 'small' });
    expect(Object.keys(importance.relativeWeights!.weights)).toEqual(['ease', 'speed', 'empathy']);
  });

  it('relates the drivers to another outcome when asked, and never to itself', () => {
    const importance = driverImportance(statsOfRows(ROWS), { ...options, outcome: 'empathy', drivers });
    expect(Object.keys(importance.drivers)).toEqual(['ease', 'speed']);
    expect(driverImportance(statsOfRows(ROWS), { ...options, outcome: 'trust', drivers }).relativeWeights).toBeNull();
  });

  it('reports r as null where a driver does not vary, and leaves it out of the weights', () => {
    const stats = statsOfRows(ROWS.map(([ease, speed, , satisfaction]) => [ease, speed, 3, satisfaction]));
    const importance = driverImportance(stats, { ...options, drivers });
    expect(importance.drivers.empathy).toEqual({ r: null, low: null, high: null, n: 40 });
    expect(Object.keys(importance.relativeWeights!.weights)).toEqual(['ease', 'speed']);
  });
});
