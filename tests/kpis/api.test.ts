import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { parseCsv } from '../../src/scoring/csv';
import { KpiService } from '../../src/scoring/kpiQuery';
import { foldPendingRollups } from '../../src/scoring/rollups';
import { suppressSmallGroups } from '../../src/scoring/suppression';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { closeTo, expectedImportance, expectedKpis, expectedRelativeWeights, valuesOf, type TExpectedKpi, type TRawResponse } from './independent';
import { DRIVERS, FORMULA_LOCATION, rawResponses, seedKnownAnswers } from './seed';

let running: TTestApp;
let raw: TRawResponse[];
const tokens: Record<'analyst' | 'demo' | 'bonaire' | 'staff', string> = { analyst: '', demo: '', bonaire: '', staff: '' };
const MIN = 10;

beforeAll(async () => {
  running = await startTestApp({ MIN_GROUP_SIZE: String(MIN), RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_TOKEN_PER_MINUTE: '10000' });
  const { prisma } = running.database;
  await seedKnownAnswers(running.database);
  raw = await rawResponses(prisma);
  const service = new TokenService(prisma, TEST_SECRETS.HASH_SECRET);
  tokens.analyst = (await service.create({ role: 'analyst', name: 'all' })).token;
  tokens.demo = (await service.create({ role: 'analyst', name: 'demo', organisation: 'demo' })).token;
  tokens.bonaire = (await service.create({ role: 'analyst', name: 'bonaire', organisation: 'bonaire' })).token;
  tokens.staff = (await service.create({ role: 'staff', name: 'kcc' })).token;
}, 120_000);
afterAll(() => running.stop());

async function get(path: string, token: string | null = tokens.analyst) {
  const response = await fetch(`${running.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as Record<string, unknown>) : null;
  return { status: response.status, text, json, headers: response.headers };
}

interface TGroup {
  key: Record<string, string | null>;
  n: number | null;
  suppressed: boolean;
  completed?: number;
  kpis?: Record<string, unknown> & { drivers: Record<string, unknown> };
  drivers?: Record<string, { performance: unknown; importance: unknown; relativeWeight: { raw: number; pct: number } | null }>;
  relativeWeights?: { n: number; rSquared: number } | null;
}

const groupsOf = (json: Record<string, unknown> | null) => (json?.groups ?? []) as TGroup[];

/** Compares one reported KPI with the independent figure, to the decimals the API rounds to. */
function expectKpi(actual: unknown, expected: TExpectedKpi | 'withheld' | null, decimals: Record<string, number>, what: string) {
  if (expected === null) return expect(actual, what).toBeNull();
  if (expected === 'suppressed') return expect(actual, what).toEqual({ suppressed: true, reason: 'small' });
  if (expected === 'withheld') return expect(actual, what).toEqual({ suppressed: true, reason: 'complementary' });
  const reported = actual as Record<string, number>;
  expect(reported.n, `${what}.n`).toBe(expected.n);
  for (const [field, places] of Object.entries(decimals)) {
    expect(closeTo(reported[field], (expected)[field] ?? null, places), `${what}.${field}: ${reported[field]} vs ${(expected)[field]}`).toBe(true);
  }
}

/** Compares a shown group with the KPIs computed from its raw answers; `withheld` KPIs must read suppressed. */
function expectGroup(group: TGroup, responses: TRawResponse[], what: string, withheld: ReadonlySet<string> = new Set()) {
  const expected = expectedKpis(responses, MIN, DRIVERS);
  // Withheld to protect another figure, unless it is too small on its own (then it says so).
  const unless = <T,>(name: string, kpi: T) => (withheld.has(name) && kpi !== null && kpi !== 'suppressed' ? ('withheld' as const) : kpi);
  expect(group.n, `${what}.n`).toBe(expected.n);
  expect(group.completed, `${what}.completed`).toBe(expected.completed);
  const kpis = group.kpis!;
  expectKpi(kpis.csat, unless('csat', expected.csat), { value: 1, low: 1, high: 1, mean: 2 }, `${what}.csat`);
  expectKpi(kpis.trust, unless('trust', expected.trust), { value: 1, low: 1, high: 1, mean: 2 }, `${what}.trust`);
  expectKpi(kpis.ces, unless('ces', expected.ces), { value: 2, low: 2, high: 2, pctEasy: 1, pctEasyLow: 1, pctEasyHigh: 1 }, `${what}.ces`);
  expectKpi(kpis.nps, unless('nps', expected.nps), { value: 1, low: 1, high: 1, pctPromoters: 1, pctDetractors: 1 }, `${what}.nps`);
  for (const driver of DRIVERS) {
    expectKpi(kpis.drivers[driver], unless(`drivers.${driver}`, expected.drivers[driver]!), { value: 1, low: 1, high: 1, mean: 2, pctAgree: 1 }, `${what}.${driver}`);
  }
}

const KPI_MEASURES: Record<string, [measure: string, min: number, max: number]> = {
  csat: ['satisfaction', 1, 5],
  ces: ['effort', 1, 7],
  trust: ['trust', 1, 5],
  nps: ['recommend', 0, 10],
  ...Object.fromEntries(DRIVERS.map((driver) => [`drivers.${driver}`, [driver, 1, 5]])),
};

/**
 * Per group, the KPIs the API must withhold: each KPI's table of counts, from the raw answers, under the same
 * complementary suppression as the groups (the rule itself is tested in tests/scoring/suppression.test.ts).
 */
function expectedWithheld(groups: readonly TGroup[], responsesOf: (group: TGroup) => TRawResponse[], dimensions: readonly string[]): Array<Set<string>> {
  const hiddenWhole = groups.map((group) => group.suppressed);
  const withheld = groups.map(() => new Set<string>());
  for (const [name, [measure, min, max]] of Object.entries(KPI_MEASURES)) {
    const table = groups.map((group) => ({
      key: group.key as Record<string, string>,
      n: valuesOf(responsesOf(group).filter((response) => response.answerCount > 0), measure, min, max).length,
    }));
    suppressSmallGroups(table, dimensions, MIN, hiddenWhole).forEach((result, index) => {
      if (result.suppressed && !hiddenWhole[index]) withheld[index]!.add(name);
    });
  }
  return withheld;
}

const demoIn = (from: string, to: string) => raw.filter((response) => response.organisation === 'demo' && response.surveyId === 'meethuis' && response.day >= from && response.day <= to);

describe('GET /api/kpis', () => {
  it('reports every KPI and interval of a breakdown exactly as computed from the raw answers', async () => {
    const { status, json } = await get('/api/kpis?survey=meethuis&organisation=demo&groupBy=language&from=2026-01-01&to=2026-03-31');
    expect(status).toBe(200);
    expect(json).toMatchObject({ survey: 'meethuis', minGroupSize: MIN, from: '2026-01-01', to: '2026-03-31', groupBy: ['language'] });
    const groups = groupsOf(json);
    expect(groups.map((group) => group.key.language)).toEqual(['en', 'nl', 'pap']);
    for (const group of groups) {
      expect(group.suppressed).toBe(false);
      expectGroup(group, demoIn('2026-01-01', '2026-03-31').filter((response) => response.language === group.key.language), `language ${group.key.language}`);
    }
  });

  it('adds whole months and the days at ragged range edges up to the raw answers of exactly that range', async () => {
    await foldPendingRollups(running.database);
    for (const [from, to] of [
      ['2026-01-15', '2026-03-10'],
      ['2026-01-31', '2026-02-01'],
      ['2026-02-02', '2026-02-27'],
    ] as const) {
      const groups = groupsOf((await get(`/api/kpis?survey=meethuis&organisation=demo&from=${from}&to=${to}`)).json);
      const expected = demoIn(from, to);
      if (expected.length < MIN) expect(groups[0]?.suppressed ?? true).toBe(true);
      else expectGroup(groups[0]!, expected, `${from}..${to}`);
    }
  });

  it('cuts from/to in the organisation’s time zone and counts deltas not folded yet', async () => {
    const { prisma } = running.database;
    const service = new KpiService(prisma, { minGroupSize: MIN, provider: running.database.provider });
    const selection = await service.resolve({ survey: 'meethuis', organisation: ['demo'], from: '2026-02-01', to: '2026-02-28' }, { organisationId: null });
    const before = await service.kpis(selection);
    await foldPendingRollups(running.database);
    const after = await service.kpis(selection);
    expect(after).toEqual(before);
    expectGroup(after.groups[0] as TGroup, demoIn('2026-02-01', '2026-02-28'), 'February');
    // The response started 23:30 UTC on 31 January is 1 February in Amsterdam, and counted there.
    expect(raw.some((response) => response.organisation === 'demo' && response.day === '2026-02-01')).toBe(true);
  });

  it('breaks down by month, quarter, week and day with period keys in the organisation’s calendar', async () => {
    const months = groupsOf((await get('/api/kpis?survey=meethuis&organisation=demo&groupBy=period:month')).json);
    expect(months.map((group) => group.key.period)).toEqual(['2026-01', '2026-02', '2026-03']);
    for (const group of months.filter((month) => !month.suppressed)) {
      expectGroup(group, demoIn(`${group.key.period}-01`, `${group.key.period}-31`), `month ${group.key.period}`);
    }
    // The three months are one quarter: its figures are those of January to March.
    const quarters = groupsOf((await get('/api/kpis?survey=meethuis&organisation=demo&groupBy=period:quarter')).json);
    expect(quarters.map((group) => group.key.period)).toEqual(['2026-Q1']);
    expectGroup(quarters[0]!, demoIn('2026-01-01', '2026-03-31'), 'quarter 2026-Q1');
    const weeks = groupsOf((await get('/api/kpis?survey=meethuis&organisation=demo&groupBy=period:week')).json);
    expect(weeks.every((group) => /^2026-W\d\d$/.test(group.key.period!))).toBe(true);
    // Each week holds the responses of its Monday to Sunday: ISO week 1 is the week of 4 January.
    const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);
    const fourthOfJanuary = Date.UTC(2026, 0, 4);
    const mondayOfWeekOne = fourthOfJanuary - ((new Date(fourthOfJanuary).getUTCDay() + 6) % 7) * 86_400_000;
    const shownWeeks = weeks.filter((week) => !week.suppressed);
    expect(shownWeeks.length).toBeGreaterThan(0);
    for (const week of shownWeeks) {
      const monday = mondayOfWeekOne + (Number(week.key.period!.slice(6)) - 1) * 7 * 86_400_000;
      expectGroup(week, demoIn(dayOf(monday), dayOf(monday + 6 * 86_400_000)), `week ${week.key.period}`);
    }
    const days = groupsOf((await get('/api/kpis?survey=meethuis&organisation=demo&groupBy=period:day&from=2026-02-01&to=2026-02-01')).json);
    expect(days.map((group) => group.key.period)).toEqual(['2026-02-01']);
  });

  it('hides a small group, and the next smallest of its breakdown with it, so neither can be recovered', async () => {
    const { json } = await get('/api/kpis?survey=meethuis&organisation=demo&groupBy=location');
    const groups = groupsOf(json);
    const byLocation = Object.fromEntries(groups.map((group) => [group.key.location, group]));
    const counts = (location: string) => raw.filter((response) => response.organisation === 'demo' && response.surveyId === 'meethuis' && response.location === location && response.answerCount > 0).length;
    expect(counts(FORMULA_LOCATION)).toBeLessThan(MIN);
    expect(counts('Zeist')).toBeGreaterThanOrEqual(MIN);
    // The formula location is too small; Zeist is shown on its own merits but hidden as the complement.
    expect(byLocation[FORMULA_LOCATION]).toEqual({ key: { location: FORMULA_LOCATION }, n: null, suppressed: true, reason: 'small' });
    expect(byLocation.Zeist).toEqual({ key: { location: 'Zeist' }, n: null, suppressed: true, reason: 'complementary' });
    expect(byLocation.Utrecht).toMatchObject({ suppressed: false, n: counts('Utrecht') });
  });

  it('suppresses a KPI whose own n is below the minimum inside a shown group, and protects it like a small group', async () => {
    const groups = groupsOf((await get('/api/kpis?survey=meethuis&organisation=demo&groupBy=language,chatChannel')).json);
    const shown = groups.filter((group) => !group.suppressed);
    expect(shown.length).toBeGreaterThan(0);
    const responsesOf = (group: TGroup) =>
      raw.filter(
        (response) => response.organisation === 'demo' && response.surveyId === 'meethuis' && response.language === group.key.language && response.chatChannel === group.key.chatChannel,
      );
    const withheld = expectedWithheld(groups, responsesOf, ['language', 'chatChannel']);
    groups.forEach((group, index) => {
      if (!group.suppressed) expectGroup(group, responsesOf(group), JSON.stringify(group.key), withheld[index]);
    });
    // Some KPI is withheld only to protect another: its own n reaches the minimum.
    const complements = shown.flatMap((group) =>
      [...withheld[groups.indexOf(group)]!].filter((name) => valuesOf(responsesOf(group).filter((response) => response.answerCount > 0), ...KPI_MEASURES[name]!).length >= MIN),
    );
    expect(complements.length).toBeGreaterThan(0);
    const npsSuppressed = shown.filter((group) => JSON.stringify(group.kpis?.nps) === '{"suppressed":true}');
    expect(npsSuppressed.length + groups.filter((group) => group.suppressed).length).toBeGreaterThan(0);
    // In every row of the table, no single group is hidden alone.
    for (const dimension of ['language', 'chatChannel']) {
      const other = dimension === 'language' ? 'chatChannel' : 'language';
      const rows = new Map<string, TGroup[]>();
      for (const group of groups) rows.set(String(group.key[other]), [...(rows.get(String(group.key[other])) ?? []), group]);
      for (const row of rows.values()) if (row.length > 1) expect(row.filter((group) => group.suppressed).length).not.toBe(1);
    }
  });

  it('writes the same groups as CSV, with suppression and without formulas', async () => {
    const json = groupsOf((await get('/api/kpis?survey=meethuis&organisation=demo&groupBy=location')).json);
    const { status, text, headers } = await get('/api/kpis?survey=meethuis&organisation=demo&groupBy=location&format=csv');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/csv/);
    const records = [];
    for await (const record of parseCsv([text])) records.push(record.fields);
    const [header, ...rows] = records;
    expect(header!.slice(0, 4)).toEqual(['location', 'n', 'suppressed', 'completed']);
    expect(rows.length).toBe(json.length);
    const formula = rows.find((row) => row[0]!.includes('HYPERLINK'))!;
    expect(formula[0]).toBe(`'${FORMULA_LOCATION}`);
    expect(formula.slice(1).every((cell, index) => (index === 1 ? cell === 'true' : cell === ''))).toBe(true);
    const zeist = rows.find((row) => row[0] === 'Zeist')!;
    expect(zeist[2]).toBe('true');
    expect(zeist.filter((cell) => cell !== '').length).toBe(2);
    const utrecht = rows.find((row) => row[0] === 'Utrecht')!;
    const shown = json.find((group) => group.key.location === 'Utrecht')!;
    expect(Number(utrecht[1])).toBe(shown.n);
    expect(Number(utrecht[header!.indexOf('csat_value')])).toBe((shown.kpis!.csat as { value: number }).value);
    expect(Number(utrecht[header!.indexOf('ease_low')])).toBe((shown.kpis!.drivers.ease as { low: number }).low);
  });

  it('refuses callers without a token (401) or without the analyst role (403), as JSON', async () => {
    const none = await get('/api/kpis?survey=meethuis', null);
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ code: 'unauthorized' });
    const wrong = await get('/api/kpis?survey=meethuis', 'mh_not-a-token');
    expect(wrong.status).toBe(401);
    const staff = await get('/api/kpis?survey=meethuis', tokens.staff);
    expect(staff.status).toBe(403);
    expect(staff.json).toMatchObject({ code: 'forbidden' });
  });

  it('shows an organisation-scoped token its own organisation only, and refuses naming another (403)', async () => {
    const own = groupsOf((await get('/api/kpis?survey=meethuis&groupBy=organisation', tokens.demo)).json);
    expect(own.map((group) => group.key.organisation)).toEqual(['demo']);
    const all = groupsOf((await get('/api/kpis?survey=meethuis&groupBy=organisation')).json);
    expect(all.map((group) => group.key.organisation)).toEqual(['demo', 'statia']);
    const other = await get('/api/kpis?survey=meethuis&organisation=statia', tokens.demo);
    expect(other.status).toBe(403);
    expect(other.json).toMatchObject({ code: 'forbidden', field: 'organisation' });
    const bonaire = groupsOf((await get('/api/kpis?survey=meethuis', tokens.bonaire)).json);
    expect(bonaire).toEqual([]);
  });

  it('answers a question it cannot ask with a 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['/api/kpis', 'survey'],
      ['/api/kpis?survey=nope', 'survey'],
      ['/api/kpis?survey=meethuis&service=zwembad', 'service'],
      ['/api/kpis?survey=meethuis&groupBy=colour', 'groupBy'],
      ['/api/kpis?survey=meethuis&groupBy=period:day,period:month', 'groupBy'],
      ['/api/kpis?survey=meethuis&from=2026-02-30', 'from'],
      ['/api/kpis?survey=meethuis&from=2026', 'from'],
      ['/api/kpis?survey=meethuis&to=next%20week', 'to'],
      ['/api/kpis?survey=meethuis&from=2026-03-01&to=2026-02-01', 'to'],
      ['/api/kpis?survey=meethuis&language=de', 'language'],
      ['/api/kpis?survey=meethuis&groupby=language', ''],
    ];
    for (const [path, field] of cases) {
      const { status, json } = await get(path);
      expect(status, path).toBe(400);
      expect((json as { field?: string }).field ?? '', path).toMatch(new RegExp(`^${field}`));
    }
  });

  it('accepts island as another name for location', async () => {
    const island = (await get('/api/kpis?survey=bonaire&groupBy=island&island=Bonaire')).json;
    expect(groupsOf(island).map((group) => group.key)).toEqual([{ location: 'Bonaire' }]);
    expectGroup(groupsOf(island)[0]!, raw.filter((response) => response.surveyId === 'bonaire'), 'Bonaire');
  });
});

describe('GET /api/kpis/drivers', () => {
  it('reports each driver’s performance and its importance for the outcome as computed from the raw answers', async () => {
    for (const outcome of ['satisfaction', 'trust']) {
      const { status, json } = await get(`/api/kpis/drivers?survey=meethuis&organisation=demo&outcome=${outcome}`);
      expect(status).toBe(200);
      expect(json).toMatchObject({ outcome });
      const [group] = groupsOf(json);
      const responses = demoIn('0000-01-01', '9999-12-31').filter((response) => response.answerCount > 0);
      const expected = expectedImportance(responses, DRIVERS, outcome, MIN);
      const performance = expectedKpis(responses, MIN, DRIVERS).drivers;
      for (const driver of DRIVERS) {
        const reported = group!.drivers![driver]!;
        expectKpi(reported.performance, performance[driver]!, { value: 1, low: 1, high: 1 }, `${driver}.performance`);
        const importance = expected[driver]!;
        if (importance === 'suppressed') expect(reported.importance).toEqual({ suppressed: true });
        else {
          const actual = reported.importance as { r: number; low: number; high: number; n: number };
          expect(actual.n).toBe(importance.n);
          for (const field of ['r', 'low', 'high'] as const) expect(closeTo(actual[field], importance[field], 3), `${driver}.${field}`).toBe(true);
        }
      }
      // n ≥ 10 × 7 drivers: the relative weights are there, and match.
      const weights = expectedRelativeWeights(responses, DRIVERS, outcome);
      expect(weights.n).toBeGreaterThanOrEqual(70);
      expect(group!.relativeWeights!.n).toBe(weights.n);
      expect(closeTo(group!.relativeWeights!.rSquared, weights.rSquared, 4)).toBe(true);
      for (const driver of DRIVERS) {
        expect(closeTo(group!.drivers![driver]!.relativeWeight!.raw, weights.weights[driver]!.raw, 4), driver).toBe(true);
        expect(closeTo(group!.drivers![driver]!.relativeWeight!.pct, weights.weights[driver]!.pct, 1), driver).toBe(true);
      }
    }
  });

  it('leaves out relative weights where n is below 10 × the number of drivers', async () => {
    const [group] = groupsOf((await get('/api/kpis/drivers?survey=meethuis&organisation=demo&language=en')).json);
    expect(group!.suppressed).toBe(false);
    expect(group!.relativeWeights).toBeNull();
    expect(Object.values(group!.drivers!).every((driver) => driver.relativeWeight === null)).toBe(true);
  });

  it('refuses an outcome that is not one', async () => {
    expect((await get('/api/kpis/drivers?survey=meethuis&outcome=ease')).status).toBe(400);
  });
});

describe('GET /api/kpis/benchmark', () => {
  it('sets the caller’s organisation beside all others combined, never naming one', async () => {
    const { status, json, text } = await get('/api/kpis/benchmark?survey=meethuis', tokens.bonaire);
    expect(status).toBe(200);
    expect(json).toMatchObject({ organisation: 'bonaire', groupBy: ['comparison'] });
    expect(text).not.toMatch(/statia|"demo"/);
    const [own, others] = groupsOf(json);
    expect(own!.key).toEqual({ comparison: 'own' });
    expect(others!.key).toEqual({ comparison: 'others' });
    // The shared core: Bonaire's own variant is compared with the Meethuis answers of demo and Statia.
    expectGroup(own!, raw.filter((response) => response.organisation === 'bonaire'), 'own');
    expectGroup(others!, raw.filter((response) => response.organisation !== 'bonaire'), 'others');
  });

  it('suppresses "others" where it would be a single organisation', async () => {
    // Only Statia answers in msteams besides demo's Teams users… filtered to Statia's island it is one organisation.
    const { json } = await get('/api/kpis/benchmark?survey=meethuis&location=Sint%20Eustatius', tokens.bonaire);
    const others = groupsOf(json).find((group) => group.key.comparison === 'others');
    expect(others).toEqual({ key: { comparison: 'others' }, n: null, suppressed: true, reason: 'small' });
  });

  it('needs an organisation for an unscoped token, and refuses another one for a scoped token', async () => {
    expect((await get('/api/kpis/benchmark?survey=meethuis')).status).toBe(400);
    expect((await get('/api/kpis/benchmark?survey=meethuis&organisation=demo')).status).toBe(200);
    expect((await get('/api/kpis/benchmark?survey=meethuis&organisation=demo', tokens.bonaire)).status).toBe(403);
    expect((await get('/api/kpis/benchmark?survey=meethuis&groupBy=organisation', tokens.bonaire)).status).toBe(400);
  });
});

describe('GET /api/kpis/options', () => {
  it('lists the values in the caller’s scope', async () => {
    const { json } = await get('/api/kpis/options?survey=meethuis', tokens.demo);
    const values = (json as { values: Record<string, unknown[]> }).values;
    expect(values.organisation).toEqual(['demo']);
    expect(values.language).toEqual(['en', 'nl', 'pap']);
    expect(values.location).toContain('Zeist');
  });

  it('lists only the outcomes the survey asks, and the periods of a trend with a month first', async () => {
    const { json } = await get('/api/kpis/options?survey=meethuis', tokens.demo);
    // The shipped survey does not ask recommendation (NPS); experienced humaneness came with its second version.
    expect(json).toMatchObject({ outcomes: ['satisfaction', 'effort', 'trust', 'humaneness'], periods: ['month', 'quarter', 'week', 'day'], demoResponses: 0 });
  });
});
