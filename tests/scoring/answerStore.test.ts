import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerStore, ResponseNotFoundError } from '../../src/scoring/answerStore';
import { retentionJob } from '../../src/scoring/retention';
import { foldAllRollupDeltas } from '../../src/scoring/rollups';
import { accumulateStats, emptyStats, statsOfResponse, ZStats, type TStats } from '../../src/scoring/sufficientStats';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { makeNewResponse, seedBasics } from '../support/fixtures';

let database: TTestDatabase;
let store: AnswerStore;
let basics: Awaited<ReturnType<typeof seedBasics>>;
let base: { organisationId: string; surveyVersionId: string };

beforeAll(async () => {
  database = await createTestDatabase();
  basics = await seedBasics(database.prisma);
  base = { organisationId: basics.demo.id, surveyVersionId: basics.surveyVersion.id };
  store = new AnswerStore(database, () => new Date('2026-03-10T12:00:00Z'));
});
afterAll(() => database.destroy());

/** Everything the rollups hold, summed over cells and days, per language. */
async function rollupTotals(): Promise<Record<string, TStats>> {
  await foldAllRollupDeltas(database);
  const days = await database.prisma.rollupDay.findMany({ include: { cell: true } });
  const totals: Record<string, TStats> = {};
  for (const day of days) accumulateStats((totals[day.cell.language] ??= emptyStats()), ZStats.parse(JSON.parse(day.stats)));
  return totals;
}

describe('AnswerStore', () => {
  it('stores each answer once per question, the last one winning, and the rollups follow', async () => {
    const response = await store.startResponse(makeNewResponse(base, { language: 'en' }));
    await store.recordAnswer(response.id, { questionKey: 'satisfaction', measure: 'satisfaction', value: 2 });
    await store.recordAnswer(response.id, { questionKey: 'satisfaction', measure: 'satisfaction', value: 4 });
    await store.recordAnswer(response.id, { questionKey: 'satisfaction', measure: 'satisfaction', value: 4 });
    await store.recordAnswer(response.id, { questionKey: 'ease', measure: 'ease', dontKnow: true });
    await store.completeResponse(response.id);

    const answers = await database.prisma.answer.findMany({ where: { responseId: response.id }, orderBy: { questionKey: 'asc' } });
    expect(answers.map((answer) => [answer.questionKey, answer.value, answer.dontKnow])).toEqual([
      ['ease', null, true],
      ['satisfaction', 4, false],
    ]);
    expect((await rollupTotals()).en).toEqual(statsOfResponse({ satisfaction: { value: 4 }, ease: { dontKnow: true } }, { completed: true }));
  });

  it('scrubs personal data from free text before it is stored', async () => {
    const response = await store.startResponse(makeNewResponse(base));
    await store.recordAnswer(response.id, { questionKey: 'improve', text: 'Bel me op 06-12345678 of mail jan@example.nl' });
    const stored = await database.prisma.answer.findFirstOrThrow({ where: { responseId: response.id } });
    expect(stored.text).not.toMatch(/12345678|jan@example\.nl/);
    expect(stored.text).toMatch(/^Bel me op /);
  });

  it('moves a response to its new language cell when the resident switches language', async () => {
    const response = await store.startResponse(makeNewResponse(base, { language: 'pap' }));
    await store.recordAnswer(response.id, { questionKey: 'trust', measure: 'trust', value: 5 });
    await store.setLanguage(response.id, 'nl');
    const totals = await rollupTotals();
    expect(totals.pap).toBeUndefined();
    expect(totals.nl?.measures.trust?.counts).toEqual({ '5': 1 });
  });

  it('offers an abandoned response for resuming, and counts it in progress again once resumed', async () => {
    const response = await store.startResponse(makeNewResponse(base));
    await store.recordAnswer(response.id, { questionKey: 'ease', measure: 'ease', value: 3 });
    expect(await store.markAbandoned(new Date('2026-03-11T12:00:00Z'))).toBeGreaterThanOrEqual(1);
    const found = await database.prisma.response.findUniqueOrThrow({ where: { id: response.id } });
    expect(found.status).toBe('abandoned');
    expect((await store.findResumableResponse(found.conversationKey))?.id).toBe(response.id);
    await store.resumeResponse(response.id);
    expect((await store.findResponse(response.id))?.status).toBe('in-progress');
  });

  it('erases a resident and subtracts their answers from the rollups', async () => {
    const before = await rollupTotals();
    const newResponse = makeNewResponse(base, { language: 'en' });
    const first = await store.startResponse(newResponse);
    await store.recordAnswer(first.id, { questionKey: 'effort', measure: 'effort', value: 6 });
    const second = await store.startResponse({ ...newResponse, conversationKey: 'another' });
    await store.recordAnswer(second.id, { questionKey: 'effort', measure: 'effort', value: 7 });
    expect((await rollupTotals()).en?.measures.effort?.counts).toMatchObject({ '6': 1, '7': 1 });

    expect(await store.eraseResident(newResponse.residentKey)).toBe(2);
    expect(await database.prisma.response.count({ where: { residentKey: newResponse.residentKey } })).toBe(0);
    expect(await rollupTotals()).toEqual(before);
  });

  it('purges raw answers past the retention period while the rollup figures stay', async () => {
    const oldStore = new AnswerStore(database, () => new Date('2024-01-10T12:00:00Z'));
    const old = await oldStore.startResponse(makeNewResponse(base, { language: 'en' }));
    await oldStore.recordAnswer(old.id, { questionKey: 'trust', measure: 'trust', value: 2 });
    const withOld = await rollupTotals();
    const job = retentionJob(database, store, 730, 'replica-a', () => new Date('2026-03-10T12:00:00Z'));
    await job.run();
    expect(await database.prisma.response.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await database.prisma.answer.count({ where: { responseId: old.id } })).toBe(0);
    expect(await database.prisma.response.count()).toBeGreaterThan(0);
    expect(await rollupTotals()).toEqual(withOld);
  });

  it('refuses an answer for a response that no longer exists', async () => {
    await expect(store.recordAnswer('no-such-response', { questionKey: 'ease', value: 3 })).rejects.toBeInstanceOf(ResponseNotFoundError);
  });

  it('refuses an answer that is both a value and "don\'t know"', async () => {
    const response = await store.startResponse(makeNewResponse(base));
    await expect(store.recordAnswer(response.id, { questionKey: 'ease', value: 3, dontKnow: true })).rejects.toThrow(/exactly one/);
  });
});

describe('the rollups of days and months', () => {
  it('hold the same statistics per month as the days of that month add up to, after many deltas in one fold', async () => {
    for (let index = 0; index < 30; index++) {
      const clock = new Date(Date.UTC(2026, 0, 20 + index, 12));
      const dated = new AnswerStore(database, () => clock);
      const response = await dated.startResponse(makeNewResponse(base, { language: 'pap' }));
      await dated.recordAnswer(response.id, { questionKey: 'ease', measure: 'ease', value: 1 + (index % 5) });
    }
    await foldAllRollupDeltas(database);
    const days = await database.prisma.rollupDay.findMany({ where: { cell: { language: 'pap' } } });
    const months = await database.prisma.rollupMonth.findMany({ where: { cell: { language: 'pap' } } });
    const byMonth = new Map<string, TStats>();
    for (const day of days) accumulateStats(byMonth.get(day.day.slice(0, 7)) ?? byMonth.set(day.day.slice(0, 7), emptyStats()).get(day.day.slice(0, 7))!, ZStats.parse(JSON.parse(day.stats)));
    expect(months.map((month) => month.month).sort()).toEqual(['2026-01', '2026-02']);
    for (const month of months) expect(ZStats.parse(JSON.parse(month.stats))).toEqual(byMonth.get(month.month));
  });
});
