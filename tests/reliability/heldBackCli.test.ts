import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisations } from '../../src/db/seed';
import { AnswerStore } from '../../src/scoring/answerStore';
import { dayIn } from '../../src/kernel/calendar';
import { registerSurveys } from '../../src/surveys/registry';
import { loadSurveys } from '../../src/surveys/loader';
import { runCli } from '../support/cli';
import { createTestDatabase, type TTestDatabase } from '../support/database';

let database: TTestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedOrganisations(database.prisma);
  await registerSurveys(database.prisma, loadSurveys());
});
afterAll(() => database.destroy());

const cli = (...args: string[]) => runCli(database.url, args);

describe('npm run cli -- responses', { timeout: 90_000 }, () => {
  it('lists held-back responses by day and organisation, and accepts them into the figures', async () => {
    const { prisma } = database;
    // An address that is always over its limit: every self-started response is held back.
    const store = new AnswerStore(database, undefined, { isOverLimit: async () => true });
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' } });
    for (const resident of ['a', 'b']) {
      const response = await store.startResponse({
        surveyVersionId: version.id, organisationId: demo.id, chatChannel: 'webchat', language: 'nl', source: 'self',
        residentKey: resident, conversationKey: resident, addressKey: 'f'.repeat(64),
      });
      expect(response.heldBack).toBe(true);
      await store.recordAnswer(response.id, { questionKey: 'satisfaction', measure: 'satisfaction', value: 2 });
    }
    expect(await prisma.rollupDelta.count()).toBe(0);
    const day = dayIn(new Date(), demo.timeZone);

    const listed = await cli('responses', 'held');
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim()).toBe([day, 'demo', 'responses=2', 'completed=0'].join('\t'));

    const wrong = await cli('responses', 'accept', '--organisation', 'demo', '--day', '4 december');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('--day');

    const accepted = await cli('responses', 'accept', '--organisation', 'demo', '--day', day);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('Accepted 2');
    expect(await prisma.response.count({ where: { heldBack: true } })).toBe(0);
    expect(await prisma.rollupDelta.count()).toBe(2);
    expect((await cli('responses', 'held')).stdout.trim()).toBe('No responses are held back.');
  });
});
