import { afterEach, describe, expect, it } from 'vitest';
import { residentKeyOf } from '../../src/privacy/residentKeys';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { TeamsResident, textsOf, questionOf } from '../support/teams';
import { startConnectorStub } from './support';

const { chat, survey } = textsOf('en');

let running: TTestApp | undefined;
let stub: Awaited<ReturnType<typeof startConnectorStub>> | undefined;
afterEach(async () => {
  await running?.stop();
  await stub?.close();
  running = undefined;
});

/**
 * The real service (createApp, the SurveyBot) behind /api/messages with Teams-shaped traffic: the replies reach
 * the test's loopback serviceUrl as the Bot Framework protocol says, and a card submit is stored as an answer.
 */
describe('the survey in Microsoft Teams', () => {
  it('welcomes in the locale of the activity, takes a card submit as the answer, and stores it', async () => {
    stub = await startConnectorStub();
    running = await startTestApp({ SERVICE_URL_ALLOWLIST: '127.0.0.1' });
    const resident = new TeamsResident(stub, 'en-US', '1teams-resident', '0f1e2d3c-0000-4000-8000-000000000042');
    const send = async (activity: Record<string, unknown>) => {
      const sent = await resident.send(running!.url, activity);
      expect(sent.status).toBe(200);
      return sent.bodies;
    };

    const update = await resident.open(running.url);
    const welcome = update.bodies;
    expect(welcome.at(-1)).toMatchObject({ type: 'message', text: chat.consent!.question, replyToId: update.id, recipient: { id: resident.user.id } });
    expect(welcome.at(-1)?.suggestedActions).toMatchObject({ actions: expect.arrayContaining([expect.objectContaining({ title: chat.buttons!.yes })]) });

    expect(questionOf((await send({ type: 'message', text: chat.buttons!.yes })).at(-1)?.text as string | undefined)).toBe(survey.questions!.satisfaction);
    expect(questionOf((await send({ type: 'message', value: { answer: '4' } })).at(-1)?.text as string | undefined)).toBe(survey.questions!.effort);

    const { prisma } = running.database;
    const response = await prisma.response.findFirstOrThrow({ include: { answers: true } });
    expect(response).toMatchObject({ chatChannel: 'msteams', language: 'en', status: 'in-progress', residentKey: residentKeyOf(TEST_SECRETS.HASH_SECRET, 'msteams', resident.user.id) });
    expect(response.answers.map((row) => [row.questionKey, row.value])).toEqual([['satisfaction', 4]]);
    expect(await prisma.conversationReference.count({ where: { channel: 'msteams', residentKey: response.residentKey } })).toBe(1);
  });
});
