import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { residentKeyOf } from '../../src/bots/conversationReferences';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { postJson, startConnectorStub } from './support';

const texts = (ns: string) => JSON.parse(readFileSync(new URL(`../../locales/en/${ns}.json`, import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
const chat = texts('chat');
const survey = texts('survey');

let running: TTestApp | undefined;
let stub: Awaited<ReturnType<typeof startConnectorStub>> | undefined;
afterEach(async () => {
  await running?.stop();
  await stub?.close();
  running = undefined;
});

const USER = { id: '29:1teams-resident', name: 'Resident', aadObjectId: '0f1e2d3c-0000-4000-8000-000000000042' };
const BOT = { id: '28:meethuis', name: 'Meethuis' };
const CONVERSATION = { id: 'a:1personal-conversation', conversationType: 'personal', tenantId: 'tenant' };

/**
 * The real service (createApp, the SurveyBot) behind /api/messages with Teams-shaped traffic: the replies reach
 * the test's loopback serviceUrl as the Bot Framework protocol says, and a card submit is stored as an answer.
 */
describe('the survey in Microsoft Teams', () => {
  it('welcomes in the locale of the activity, takes a card submit as the answer, and stores it', async () => {
    stub = await startConnectorStub();
    running = await startTestApp({ SERVICE_URL_ALLOWLIST: '127.0.0.1' });
    let sequence = 0;
    const send = async (activity: Record<string, unknown>) => {
      const id = `1:${++sequence}`;
      const response = await postJson(`${running!.url}/api/messages`, {
        channelId: 'msteams',
        serviceUrl: stub!.url,
        id,
        timestamp: new Date().toISOString(),
        from: USER,
        recipient: BOT,
        conversation: CONVERSATION,
        channelData: { tenant: { id: 'tenant' } },
        locale: 'en-US',
        ...activity,
      });
      expect(response.status).toBe(200);
      return id;
    };
    const repliesTo = (id: string) =>
      stub!.requests.filter((request) => request.path === `/v3/conversations/${CONVERSATION.id}/activities/${id}`).map((request) => request.body);

    const update = await send({ type: 'conversationUpdate', membersAdded: [BOT, { id: USER.id, aadObjectId: USER.aadObjectId }] });
    const welcome = repliesTo(update);
    expect(welcome.at(-1)).toMatchObject({ type: 'message', text: chat.consent!.question, replyToId: update, recipient: { id: USER.id } });
    expect(welcome.at(-1)?.suggestedActions).toMatchObject({ actions: expect.arrayContaining([expect.objectContaining({ title: chat.buttons!.yes })]) });

    const consent = await send({ type: 'message', text: chat.buttons!.yes });
    expect(repliesTo(consent).at(-1)).toMatchObject({ text: survey.questions!.satisfaction });

    const submit = await send({ type: 'message', value: { answer: '4' } });
    expect(repliesTo(submit).at(-1)).toMatchObject({ text: survey.questions!.effort });

    const { prisma } = running.database;
    const response = await prisma.response.findFirstOrThrow({ include: { answers: true } });
    expect(response).toMatchObject({ chatChannel: 'msteams', language: 'en', status: 'in-progress', residentKey: residentKeyOf(TEST_SECRETS.HASH_SECRET, 'msteams', USER.id) });
    expect(response.answers.map((row) => [row.questionKey, row.value])).toEqual([['satisfaction', 4]]);
    expect(await prisma.conversationReference.count({ where: { channel: 'msteams', residentKey: response.residentKey } })).toBe(1);
  });
});
