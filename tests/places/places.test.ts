import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveUnknownLocations } from '../../src/places/places';
import { AnswerStore } from '../../src/scoring/answerStore';
import { foldPendingRollups } from '../../src/scoring/rollups';
import { DirectLineTestClient } from '../channels/support';
import { call, createToken } from '../followups/support';
import { startTestApp, type TTestApp } from '../support/app';
import { textsOf } from '../support/teams';

const STREET_AND_PHONE = 'Kerkstraat 12, 06-87654321';

let running: TTestApp;
let analyst: string;
beforeAll(async () => {
  running = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000', MIN_GROUP_SIZE: '1' });
  analyst = await createToken(running.database.prisma, 'analyst');
});
afterAll(() => running.stop());

const generate = (context: Record<string, unknown>) =>
  call(running.url, 'POST', '/v3/directline/tokens/generate', { body: { context } });

describe("a page's location", () => {
  it.each([
    ['bonaire', 'kralendijk', 'Kralendijk'],
    ['bonaire', 'NOORD SALIÑA', 'Noord Saliña'],
    ['bonaire', ' noord-salina ', 'Noord Saliña'],
    ['demo', 'Zuid', 'Zuid'],
  ])('of %s given as %j is the place %j', async (organisation, given, name) => {
    const grant = await generate({ organisation, location: given });
    expect(grant.status).toBe(200);
    expect(grant.body.warnings).toBeUndefined();
    const webchat = await DirectLineTestClient.start(running.url, { organisation, location: given, language: 'en' });
    const conversation = await running.database.prisma.directLineConversation.findUniqueOrThrow({ where: { id: webchat.conversationId } });
    expect(JSON.parse(conversation.context)).toMatchObject({ location: name });
  });

  it('that is no place of the organisation is dropped with a warning for the integrator, and stored nowhere', async () => {
    const grant = await generate({ organisation: 'demo', location: STREET_AND_PHONE });
    expect(grant.status).toBe(200);
    expect(grant.body.warnings).toEqual([expect.stringContaining('context.location')]);
    expect(JSON.stringify(grant.body)).not.toContain('Kerkstraat');

    // A resident who chats on such a page answers as usual; the answer has no location.
    const { chat } = textsOf('en');
    const webchat = await DirectLineTestClient.start(running.url, { organisation: 'demo', location: STREET_AND_PHONE, language: 'en' });
    await webchat.say(chat.buttons!.yes!);
    await webchat.say('4');
    const { prisma } = running.database;
    const response = await prisma.response.findFirstOrThrow({ where: { conversationKey: { not: '' } }, orderBy: { startedAt: 'desc' } });
    expect(response.location).toBeNull();
    await foldPendingRollups(running.database);
    const everywhere = JSON.stringify([
      await prisma.directLineConversation.findMany(),
      await prisma.directLineActivity.findMany(),
      await prisma.botState.findMany(),
      await prisma.response.findMany(),
      await prisma.rollupCell.findMany(),
    ]);
    expect(everywhere).not.toContain('Kerkstraat');
    expect(everywhere).not.toContain('87654321');
    const options = await call(running.url, 'GET', '/api/kpis/options?survey=meethuis', { token: analyst });
    expect(JSON.stringify(options.body)).not.toContain('Kerkstraat');
  });

  it('of an organisation that does not exist is still refused as before', async () => {
    expect((await generate({ organisation: 'nergens', location: 'Zuid' })).status).toBe(400);
  });
});

describe('locations stored before places were checked', () => {
  it('become "unknown", their rollup cells merged so that every figure stays the same', async () => {
    const { prisma } = running.database;
    const store = new AnswerStore(running.database);
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' } });
    const answerWith = async (location: string | null, value: number, resident: string) => {
      const response = await store.startResponse({
        surveyVersionId: version.id,
        organisationId: demo.id,
        chatChannel: 'webchat',
        language: 'nl',
        location,
        source: 'self',
        residentKey: resident,
        conversationKey: resident,
      });
      await store.recordAnswer(response.id, { questionKey: 'satisfaction', measure: 'satisfaction', value });
    };
    await prisma.response.deleteMany();
    await answerWith(STREET_AND_PHONE, 5, 'r1');
    await answerWith('Achter de kerk', 1, 'r2');
    await answerWith('Zuid', 4, 'r3');
    await answerWith(null, 2, 'r4');
    await foldPendingRollups(running.database);
    // One more after the fold: a pending delta of a stray cell must move too.
    await answerWith(STREET_AND_PHONE, 3, 'r5');
    const kpis = async (groupBy = '') =>
      (await call(running.url, 'GET', `/api/kpis?survey=meethuis&organisation=demo${groupBy ? `&groupBy=${groupBy}` : ''}`, { token: analyst })).body;
    const before = await kpis();

    expect(await moveUnknownLocations(running.database)).toEqual({ responses: 3, cells: 2 });
    expect((await prisma.response.findMany({ select: { location: true }, orderBy: { residentKey: 'asc' } })).map((row) => row.location)).toEqual([
      'unknown',
      'unknown',
      'Zuid',
      null,
      'unknown',
    ]);
    expect(JSON.stringify(await prisma.rollupCell.findMany())).not.toContain('Kerkstraat');
    expect(await kpis()).toEqual(before);
    await foldPendingRollups(running.database);
    expect(await kpis()).toEqual(before);

    const byLocation = (await kpis('location')) as { groups: { key: { location: string | null }; n: number; kpis: { csat: { mean: number } } }[] };
    const unknown = byLocation.groups.find((group) => group.key.location === 'unknown');
    expect(unknown).toMatchObject({ n: 3 });
    expect(unknown!.kpis.csat.mean).toBeCloseTo((5 + 1 + 3) / 3, 5);
    // Twice changes nothing.
    expect(await moveUnknownLocations(running.database)).toEqual({ responses: 0, cells: 0 });
  });
});
