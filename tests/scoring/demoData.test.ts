import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerStore } from '../../src/scoring/answerStore';
import { demoResponses, demoSurvey, removeDemoData, writeDemoData, writeDemoDataOnFirstStart, DEMO_RESPONSES } from '../../src/scoring/demoData';
import { KpiService } from '../../src/scoring/kpiQuery';
import { startTestApp, type TTestApp } from '../support/app';

let running: TTestApp;
beforeAll(async () => {
  running = await startTestApp();
});
afterAll(() => running?.stop());

const ORGANISATION = { id: 'org', timeZone: 'America/Kralendijk', services: [{ id: 's1', slug: 'a' }, { id: 's2', slug: 'b' }], places: ['Kralendijk', 'Rincon'] };
const TODAY = new Date('2026-12-05T10:00:00Z');

describe('demo responses', () => {
  it('are the same for the same seed and day, follow the day, and stay within the past year', async () => {
    const survey = await demoSurvey(running.database);
    const once = demoResponses(ORGANISATION, survey, TODAY);
    expect(demoResponses(ORGANISATION, survey, TODAY)).toEqual(once);
    expect(once).toHaveLength(DEMO_RESPONSES);
    const later = demoResponses(ORGANISATION, survey, new Date(TODAY.getTime() + 7 * 86_400_000));
    expect(later[0]!.startedAt.getTime() - once[0]!.startedAt.getTime()).toBe(7 * 86_400_000);
    const times = once.map((response) => response.startedAt.getTime());
    expect(Math.max(...times)).toBeLessThanOrEqual(TODAY.getTime() + 86_400_000);
    expect(Math.min(...times)).toBeGreaterThan(TODAY.getTime() - 367 * 86_400_000);
    expect(new Set(once.map((response) => response.response.source))).toEqual(new Set(['demo']));
    expect(new Set(once.map((response) => response.response.language))).toEqual(new Set(['nl', 'pap', 'en']));
    expect(new Set(once.map((response) => response.response.location))).toEqual(new Set(ORGANISATION.places));
  });
});

describe('demo data in the database', () => {
  it('is written once on a first start, fills every panel, is removed with its figures, and never comes back', async () => {
    const { database } = running.app;
    const kpis = new KpiService(database.prisma, { minGroupSize: 10, provider: database.provider });
    const overall = async () => (await kpis.kpis(await kpis.resolve({ survey: 'meethuis', organisation: ['demo'] }, { organisationId: null }))).groups[0];
    const automatic = await writeDemoDataOnFirstStart(database, 'on', TODAY);
    if (database.provider !== 'sqlite') {
      // A PostgreSQL deployment is a real one: only the CLI writes sample data there.
      expect(automatic).toBe(0);
      expect(await writeDemoData(database, { organisation: 'demo', survey: await demoSurvey(database), today: TODAY })).toBe(DEMO_RESPONSES);
    } else {
      expect(automatic).toBe(DEMO_RESPONSES);
    }
    expect(await writeDemoDataOnFirstStart(database, 'on', TODAY)).toBe(0);
    const group = await overall();
    expect(group).toMatchObject({ n: DEMO_RESPONSES, suppressed: false });
    // Every driver has enough answers for a figure, and the drivers differ in how much they matter.
    const drivers = await kpis.drivers(await kpis.resolve({ survey: 'meethuis', organisation: ['demo'] }, { organisationId: null }), 'satisfaction');
    const importance = Object.values((drivers.groups[0] as { drivers: Record<string, { importance: { r: number } }> }).drivers).map((figures) => figures.importance.r);
    expect(Math.max(...importance) - Math.min(...importance)).toBeGreaterThan(0.1);
    expect((await kpis.options('meethuis', { organisationId: null })).demoResponses).toBe(DEMO_RESPONSES);

    expect(await removeDemoData(database, new AnswerStore(database), 'demo')).toBe(DEMO_RESPONSES);
    expect(await database.prisma.response.count({ where: { source: 'demo' } })).toBe(0);
    // The rollups lose them too: nothing is left to show.
    expect((await overall())?.n ?? 0).toBe(0);
    expect((await kpis.options('meethuis', { organisationId: null })).demoResponses).toBe(0);
    expect(await writeDemoDataOnFirstStart(database, 'on', TODAY)).toBe(0);
    expect(await writeDemoData(database, { organisation: 'demo', survey: await demoSurvey(database), today: TODAY })).toBe(0);
  }, 120_000);

  it('is not written when DEMO_DATA is off', async () => {
    expect(await writeDemoDataOnFirstStart(running.app.database, 'off', TODAY)).toBe(0);
  });
});
