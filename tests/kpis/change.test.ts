import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { AnswerStore } from '../../src/scoring/answerStore';
import { normalTwoSidedP, studentTTwoSidedP, twoProportionZTest, welchTTest } from '../../src/scoring/statistics';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { expectedChange, type TChangeKpi, type TRawResponse } from './independent';
import { rawResponses } from './seed';

const MIN = 10;

// ---------------------------------------------------------------------------------------------------------------
// The tests themselves, against scipy 1.17.

/** A sample's size, mean and sample variance, the plain way. */
function moments(values: readonly number[]) {
  const mean = values.reduce((total, value) => total + value, 0) / values.length;
  const variance = values.reduce((total, value) => total + (value - mean) ** 2, 0) / (values.length - 1);
  return { n: values.length, mean, variance };
}

describe('the tests behind a change', () => {
  // scipy.stats.ttest_ind(a, b, equal_var=False): statistic, pvalue and df. The first pair is Wikipedia's example of
  // Welch's t test (t = −2.46, df = 24.99, p = 0.021); the last is two months of CES answers 1–7.
  it.each([
    {
      a: [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4],
      b: [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4],
      t: -2.455356398286006,
      df: 24.988529290231416,
      p: 0.021378001462866992,
    },
    {
      a: [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8],
      b: [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8],
      t: -1.5654335235985037,
      df: 9.904741248650831,
      p: 0.14884169660532817,
    },
    { a: Array.from({ length: 8 }, () => [3, 4, 5, 6, 7]).flat(), b: Array.from({ length: 8 }, () => [3, 4, 5, 6, 6]).flat(), t: 0.6813851438692475, df: 75.26914660831508, p: 0.49771895540716404 },
  ])("Welch's t test gives t = $t, df = $df, p = $p", ({ a, b, t, df, p }) => {
    const result = welchTTest(moments(a), moments(b))!;
    expect(result.statistic).toBeCloseTo(t, 10);
    expect(result.df).toBeCloseTo(df, 9);
    expect(result.p).toBeCloseTo(p, 10);
  });

  it("Welch's t test needs two values a side, and calls a difference without any spread certain", () => {
    expect(welchTTest({ n: 1, mean: 3, variance: 0 }, moments([1, 2, 3]))).toBeNull();
    expect(welchTTest(moments([6, 6, 6]), moments([5, 5, 5]))).toMatchObject({ p: 0 });
    expect(welchTTest(moments([6, 6, 6]), moments([6, 6]))).toMatchObject({ statistic: 0, p: 1 });
  });

  // scipy.stats.chi2_contingency([[x₁, n₁ − x₁], [x₂, n₂ − x₂]], correction=False): the pooled z test's z² and p.
  it.each([
    { first: [30, 40], second: [12, 40], z: 4.029962965556805, p: 5.578564131855008e-5 },
    { first: [81, 263], second: [15, 148], z: 4.752688538523141, p: 2.007294420255701e-6 },
    { first: [21, 40], second: [24, 40], z: -0.6761234037828132, p: 0.49896229860376107 },
  ])('the two-proportion z test gives z = $z, p = $p for $first against $second', ({ first, second, z, p }) => {
    const result = twoProportionZTest({ successes: first[0]!, n: first[1]! }, { successes: second[0]!, n: second[1]! })!;
    expect(result.statistic).toBeCloseTo(z, 12);
    expect(result.p / p).toBeCloseTo(1, 10);
  });

  it('the two-proportion z test finds nothing between two samples that all agree, and nothing in an empty one', () => {
    expect(twoProportionZTest({ successes: 12, n: 12 }, { successes: 30, n: 30 })).toEqual({ statistic: 0, p: 1 });
    expect(twoProportionZTest({ successes: 0, n: 0 }, { successes: 3, n: 30 })).toBeNull();
  });

  // 2 × scipy.stats.t.sf(|t|, df) and 2 × scipy.stats.norm.sf(|z|).
  it.each([
    { t: 2, df: 10, p: 0.07338803477074037 },
    { t: -3.5, df: 24.93, p: 0.0017706161456790498 },
    { t: 0.1, df: 1000, p: 0.9203643690236041 },
    { t: 10, df: 50, p: 1.6077334688335447e-13 },
    { t: 1.5, df: 1e6, p: 0.1336147182367928 },
    { t: 0, df: 7, p: 1 },
  ])("Student's t gives P(|T| ≥ |$t|) = $p with $df degrees of freedom", ({ t, df, p }) => {
    expect(studentTTwoSidedP(t, df) / p).toBeCloseTo(1, 8);
  });

  it.each([
    { z: 1.959963984540054, p: 0.05 },
    { z: 3, p: 0.0026997960632601866 },
    { z: -8, p: 1.244192114854348e-15 },
    { z: 0.5, p: 0.6170750774519738 },
  ])('the normal distribution gives P(|Z| ≥ |$z|) = $p', ({ z, p }) => {
    expect(normalTwoSidedP(z) / p).toBeCloseTo(1, 12);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The change in the API's trend.

/** How many answers of each value a measure gets in a month, e.g. `{ 5: 30, 2: 10 }`. */
type TAnswerCounts = Record<number, number>;

interface TMonthPlan {
  service: string;
  month: string;
  responses: number;
  /** Per measure; a response past the measure's count does not answer it. */
  answers: Record<string, TAnswerCounts>;
}

const RECOMMEND = { 9: 20, 5: 20 };

/**
 * Paspoort: satisfaction falls sharply from January to February while effort and humaneness barely move; effort
 * falls sharply in March; in April only 5 answer trust, which hides April's trust and (as its complement) January's.
 */
const PASPOORT: TMonthPlan[] = [
  {
    service: 'paspoort',
    month: '2026-01',
    responses: 40,
    answers: {
      satisfaction: { 5: 30, 2: 10 },
      effort: { 3: 8, 4: 8, 5: 8, 6: 8, 7: 8 },
      trust: { 4: 24, 2: 16 },
      humaneness: { 4: 20, 2: 20 },
      ease: { 2: 10, 3: 10, 4: 10, 5: 10 },
      recommend: RECOMMEND,
    },
  },
  {
    service: 'paspoort',
    month: '2026-02',
    responses: 40,
    answers: {
      satisfaction: { 4: 12, 2: 28 },
      effort: { 3: 8, 4: 8, 5: 8, 6: 16 },
      trust: { 4: 23, 2: 17 },
      humaneness: { 4: 21, 2: 19 },
      ease: { 3: 20, 4: 10, 5: 10 },
      recommend: RECOMMEND,
    },
  },
  {
    service: 'paspoort',
    month: '2026-03',
    responses: 40,
    answers: {
      satisfaction: { 5: 20, 1: 20 },
      effort: { 1: 8, 2: 16, 3: 16 },
      trust: { 4: 20, 3: 20 },
      humaneness: { 5: 30, 1: 10 },
      ease: { 1: 10, 2: 10, 3: 10, 4: 10 },
      recommend: RECOMMEND,
    },
  },
  {
    service: 'paspoort',
    month: '2026-04',
    responses: 40,
    answers: {
      satisfaction: { 4: 25, 3: 15 },
      effort: { 4: 8, 5: 16, 6: 16 },
      trust: { 4: 5 },
      humaneness: { 4: 20, 2: 20 },
      ease: { 3: 20, 5: 20 },
      recommend: RECOMMEND,
    },
  },
];

/** Afval: satisfaction rises where paspoort's falls, so comparing across services would give the wrong sign. */
const AFVAL: TMonthPlan[] = [
  ['2026-01', { 4: 4, 2: 16 }],
  ['2026-02', { 5: 10, 2: 10 }],
  ['2026-03', { 5: 12, 2: 8 }],
].map(([month, satisfaction]) => ({
  service: 'afval',
  month: month as string,
  responses: 20,
  answers: { satisfaction: satisfaction as TAnswerCounts, effort: { 2: 5, 3: 5, 4: 5, 5: 5 }, trust: { 4: 10, 2: 10 }, humaneness: { 4: 10, 2: 10 }, ease: { 3: 10, 4: 10 } },
}));

/** Rijbewijs: March is too small; January, the smallest beside it, is hidden as its complement. */
const RIJBEWIJS: TMonthPlan[] = [
  ['2026-01', 11],
  ['2026-02', 30],
  ['2026-03', 4],
  ['2026-04', 30],
].map(([month, responses]) => ({
  service: 'rijbewijs',
  month: month as string,
  responses: responses as number,
  answers: { satisfaction: { 5: (responses as number) - 2, 1: 2 }, effort: { 6: responses as number }, trust: { 4: responses as number } },
}));

let running: TTestApp;
let token: string;
let raw: TRawResponse[];

/** Stores the planned answers through the answer store, each month's responses on its 15th. */
async function seed(plans: readonly TMonthPlan[]): Promise<void> {
  const { prisma } = running.database;
  const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' }, orderBy: { version: 'desc' } });
  let now = new Date();
  const store = new AnswerStore(running.database, () => now);
  let resident = 0;
  for (const plan of plans) {
    const service = await prisma.service.findFirstOrThrow({ where: { organisationId: demo.id, slug: plan.service } });
    now = new Date(`${plan.month}-15T12:00:00Z`);
    const values = Object.entries(plan.answers).map(([measure, counts]) => ({
      measure,
      list: Object.entries(counts).flatMap(([value, count]) => Array<number>(count).fill(Number(value))),
    }));
    for (let index = 0; index < plan.responses; index++) {
      resident++;
      const response = await store.startResponse({
        surveyVersionId: version.id,
        organisationId: demo.id,
        serviceId: service.id,
        chatChannel: 'webchat',
        language: 'nl',
        source: 'self',
        residentKey: `resident-${resident}`,
        conversationKey: `conversation-${resident}`,
      });
      const given = values.flatMap(({ measure, list }) => (index < list.length ? [{ questionKey: measure, measure, value: list[index]! }] : []));
      await store.recordAnswers(response.id, given);
      await store.completeResponse(response.id);
    }
  }
}

beforeAll(async () => {
  running = await startTestApp({ MIN_GROUP_SIZE: String(MIN), RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_TOKEN_PER_MINUTE: '10000' });
  await seed([...PASPOORT, ...AFVAL, ...RIJBEWIJS]);
  raw = await rawResponses(running.database.prisma);
  token = (await new TokenService(running.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'trend' })).token;
}, 120_000);
afterAll(() => running.stop());

interface TChange {
  vs: string;
  difference: number;
  p: number;
  test: string;
}
interface TKpi {
  value: number;
  n: number;
  suppressed?: true;
  reason?: string;
  change?: TChange | null;
}
interface TGroup {
  key: Record<string, string | null>;
  n: number | null;
  suppressed: boolean;
  reason?: string;
  kpis?: { csat: TKpi; ces: TKpi; trust: TKpi; nps: TKpi | null; humaneness: TKpi | null; drivers: Record<string, TKpi> };
}

async function trend(query: string): Promise<{ groups: TGroup[]; text: string }> {
  const response = await fetch(`${running.url}/api/kpis?survey=meethuis&organisation=demo&${query}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return { groups: (JSON.parse(text) as { groups: TGroup[] }).groups, text };
}

const CHANGE_KPIS: TChangeKpi[] = ['csat', 'ces', 'trust', 'humaneness', 'drivers.ease'];

function kpiOf(group: TGroup, name: TChangeKpi): TKpi | null {
  return name.startsWith('drivers.') ? group.kpis!.drivers[name.slice('drivers.'.length)]! : group.kpis![name as 'csat' | 'ces' | 'trust' | 'humaneness'];
}

const group = (groups: readonly TGroup[], key: Record<string, string>) => groups.find((one) => Object.entries(key).every(([name, value]) => one.key[name] === value))!;
const responsesOf = (key: Record<string, string | null>) => raw.filter((response) => response.service === key.service && response.day.startsWith(key.period!));

/**
 * Holds every change in a trend against the independent computation from the raw answers of the group and of the same
 * service's group in the period before it in the report. Which groups and figures are shown is the API's (suppression
 * has tests of its own); where either side is not shown, the change must be null.
 */
function expectChangesFromRawAnswers(groups: readonly TGroup[], serviceOf: (group: TGroup) => string): number {
  const periods = [...new Set(groups.map((one) => one.key.period!))].sort();
  let compared = 0;
  for (const current of groups.filter((one) => !one.suppressed)) {
    const vs = periods[periods.indexOf(current.key.period!) - 1];
    const previous = groups.find((one) => one.key.period === vs && serviceOf(one) === serviceOf(current));
    const what = `${serviceOf(current)} ${current.key.period}`;
    expect(current.kpis!.nps ?? {}, `${what} nps`).not.toHaveProperty('change');
    for (const name of CHANGE_KPIS) {
      const kpi = kpiOf(current, name);
      // Humaneness is null where no response was asked it.
      if (kpi === null) continue;
      if (kpi.suppressed) {
        expect(kpi, `${what} ${name}`).not.toHaveProperty('change');
        continue;
      }
      const before = previous && !previous.suppressed ? kpiOf(previous, name) : undefined;
      if (!before || before.suppressed) {
        expect(kpi.change, `${what} ${name}`).toBeNull();
        continue;
      }
      const expected = expectedChange(responsesOf({ ...current.key, service: serviceOf(current) }), responsesOf({ ...previous!.key, service: serviceOf(current) }), name);
      const change = kpi.change!;
      expect(change.vs, `${what} ${name}`).toBe(vs);
      expect(change.test, `${what} ${name}`).toBe(expected.test);
      expect(Math.abs(change.p - expected.p), `${what} ${name} p ${change.p} vs ${expected.p}`).toBeLessThanOrEqual(0.5e-4 + 1e-9);
      // The difference of two figures each rounded to its decimals (CES 2, the rest 1) is off by at most one unit.
      const unit = name === 'ces' ? 0.01 : 0.1;
      expect(Math.abs(change.difference - expected.difference), `${what} ${name} difference ${change.difference} vs ${expected.difference}`).toBeLessThanOrEqual(unit + 1e-9);
      compared++;
    }
  }
  return compared;
}

describe('the change from the previous period in GET /api/kpis', () => {
  it('marks a sharp fall as significant and a small move as not, as computed from the raw answers', async () => {
    const { groups } = await trend('service=paspoort&groupBy=period:month');
    expect(groups.map((one) => one.key.period)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04']);
    expect(expectChangesFromRawAnswers(groups, () => 'paspoort')).toBeGreaterThanOrEqual(10);

    const [january, february, march] = ['2026-01', '2026-02', '2026-03'].map((period) => group(groups, { period }));
    // The first period has nothing before it.
    expect(january!.kpis!.csat.change).toBeNull();
    // Satisfied fell from 75% to 30%: clearly real.
    expect(february!.kpis!.csat.change).toMatchObject({ vs: '2026-01', difference: -45, test: 'two-proportion-z' });
    expect(february!.kpis!.csat.change!.p).toBeLessThan(0.001);
    // Effort moved from 5.0 to 4.8 and humaneness from 50% to 52.5%: chance.
    expect(february!.kpis!.ces.change).toMatchObject({ vs: '2026-01', difference: -0.2, test: 'welch-t' });
    expect(february!.kpis!.ces.change!.p).toBeGreaterThan(0.4);
    expect(february!.kpis!.humaneness!.change).toMatchObject({ difference: 2.5, test: 'two-proportion-z' });
    expect(february!.kpis!.humaneness!.change!.p).toBeGreaterThan(0.4);
    // Effort fell from 4.8 to 2.2: clearly real, and a driver's score is compared as a mean.
    expect(march!.kpis!.ces.change).toMatchObject({ vs: '2026-02', difference: -2.6, test: 'welch-t' });
    expect(march!.kpis!.ces.change!.p).toBeLessThan(0.001);
    expect(march!.kpis!.drivers.ease!.change).toMatchObject({ vs: '2026-02', difference: -31.3, test: 'welch-t' });
  });

  it('compares no figure with one that is hidden: too few answers, or withheld to protect another', async () => {
    const { groups } = await trend('service=paspoort&groupBy=period:month');
    const [january, february, march, april] = ['2026-01', '2026-02', '2026-03', '2026-04'].map((period) => group(groups, { period }));
    expect(april!.kpis!.trust).toEqual({ suppressed: true, reason: 'small' });
    expect(january!.kpis!.trust).toEqual({ suppressed: true, reason: 'complementary' });
    expect(february!.kpis!.trust.change).toBeNull();
    expect(march!.kpis!.trust.change).toMatchObject({ vs: '2026-02', test: 'two-proportion-z' });
    // NPS is never compared.
    expect(february!.kpis!.nps).not.toHaveProperty('change');
    expect(february!.kpis!.nps).toMatchObject({ n: 40 });
  });

  it('gives no change after a period that is too small, nor after one hidden as its complement', async () => {
    const { groups } = await trend('service=rijbewijs&groupBy=period:month');
    expect(groups.map((one) => [one.key.period, one.suppressed ? one.reason : 'shown'])).toEqual([
      ['2026-01', 'complementary'],
      ['2026-02', 'shown'],
      ['2026-03', 'small'],
      ['2026-04', 'shown'],
    ]);
    for (const period of ['2026-02', '2026-04']) {
      const shown = group(groups, { period });
      for (const name of ['csat', 'ces', 'trust'] as const) expect(shown.kpis![name].change, `${period} ${name}`).toBeNull();
    }
    expect(expectChangesFromRawAnswers(groups, () => 'rijbewijs')).toBe(0);
  });

  it('compares a period with the same service’s period before it in a breakdown by service too', async () => {
    const { groups } = await trend('service=paspoort,afval&groupBy=service,period:month&to=2026-03-31');
    expect(groups.every((one) => !one.suppressed)).toBe(true);
    expect(expectChangesFromRawAnswers(groups, (one) => one.key.service!)).toBeGreaterThanOrEqual(16);
    // Paspoort fell from 75% to 30% satisfied, afval rose from 20% to 50%: set beside the other service, both would
    // be wrong.
    expect(group(groups, { service: 'paspoort', period: '2026-02' }).kpis!.csat.change).toMatchObject({ vs: '2026-01', difference: -45 });
    expect(group(groups, { service: 'afval', period: '2026-02' }).kpis!.csat.change).toMatchObject({ vs: '2026-01', difference: 30 });
    expect(group(groups, { service: 'afval', period: '2026-01' }).kpis!.csat.change).toBeNull();
  });

  it('adds no change to a report that is not a trend', async () => {
    const { groups, text } = await trend('groupBy=service');
    expect(groups.length).toBe(3);
    expect(text).not.toContain('"change"');
  });
});
