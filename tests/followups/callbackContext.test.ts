import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackService } from '../../src/followups/callbacks';
import { AnswerStore } from '../../src/scoring/answerStore';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { makeNewResponse } from '../support/fixtures';
import { textsOf } from '../support/teams';
import { botActivities, botSays, call, createToken, followUpBody } from './support';

const { chat, survey } = textsOf('nl');

/** What the resident types in the open question: a name in it, which the scrubber takes out before it is stored. */
const OWN_WORDS = 'Mevrouw Jansen aan de balie was onvriendelijk en ik moest lang wachten.';
const OWN_WORDS_STORED = 'Mevrouw [NAME] aan de balie was onvriendelijk en ik moest lang wachten.';

let running: TTestApp;
let staff: string;
let callbacks: CallbackService;
beforeAll(async () => {
  running = await startTestApp({ QUIET_HOURS: 'off' });
  const { prisma } = running.database;
  staff = await createToken(prisma, 'staff', 'demo');
  callbacks = new CallbackService(prisma, TEST_SECRETS.ENCRYPTION_KEY, new WebhookPublisher(prisma));
});
afterAll(() => running?.stop());

/** The request as the staff API shows it now. */
async function staffView(id: string, status: 'open' | 'handled' = 'open'): Promise<Record<string, unknown> | undefined> {
  const listed = await call(running.url, 'GET', `/api/callbacks?status=${status}`, { token: staff });
  expect(listed.status).toBe(200);
  return (listed.body.callbacks as Record<string, unknown>[]).find((callback) => callback.id === id);
}

/** A completed response of the demo organisation with a low score and an open answer, stored as the bot stores them. */
async function answeredResponse(startedAt = new Date()): Promise<{ responseId: string; organisationId: string }> {
  const { prisma } = running.database;
  const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' } });
  const { id } = await prisma.response.create({
    data: {
      ...makeNewResponse({ organisationId: demo.id, surveyVersionId: version.id }),
      status: 'completed',
      startedAt,
      answers: {
        create: [
          { questionKey: 'satisfaction', measure: 'satisfaction', value: 1 },
          { questionKey: 'improvement', text: 'Sneller antwoorden op mijn vraag.' },
        ],
      },
    },
  });
  return { responseId: id, organisationId: demo.id };
}

describe('a call-back request with what it is about', () => {
  it('tells the resident their answers will be shown, shows staff the service, channels, satisfaction and own words, and erases the request with them when the resident erases their data', async () => {
    const { prisma } = running.database;
    // A follow-up link after a phone call about a passport: the response carries the service and the contact channel.
    const created = await call(running.url, 'POST', '/api/follow-ups', { token: staff, body: followUpBody({ language: 'nl', service: 'paspoort', contactChannel: 'telefoon' }) });
    expect(created.status).toBe(202);
    const followUpId = String(created.body.id);
    const resident = await DirectLineTestClient.start(running.url, { followUpLink: new URL(String(created.body.link)).searchParams.get('link')! });
    await botSays(resident);

    // Yes to the invitation, 2 for satisfaction, 3 on every other scale, and their own words in the open question.
    await resident.say(chat.buttons!.yes!);
    await botSays(resident);
    await resident.say('2');
    let replies = await botActivities(resident);
    for (let turn = 0; turn < 20 && !replies.some((reply) => reply.text === chat.closeLoop!.offer); turn++) {
      const openQuestion = String(replies.at(-1)?.text).endsWith(survey.questions!.improvement!);
      await resident.say(openQuestion ? OWN_WORDS : '3');
      replies = await botActivities(resident);
    }
    // The offer says, before the resident agrees, that whoever contacts them sees their answers.
    const offer = String(replies.at(-1)?.text);
    expect(offer).toBe(chat.closeLoop!.offer);
    expect(offer).toContain('ziet dan uw antwoorden');

    await resident.say(chat.buttons!.yes!);
    expect(await botSays(resident)).toEqual([chat.closeLoop!.how]);
    await resident.say(chat.buttons!.phone!);
    expect(await botSays(resident)).toEqual([chat.closeLoop!.askPhone]);
    await resident.say('06 12345678');
    expect(await botSays(resident)).toEqual([chat.closeLoop!.stored]);

    const response = await prisma.response.findUniqueOrThrow({ where: { followUpId }, include: { callbacks: true } });
    const [request] = response.callbacks;
    expect(request).toMatchObject({ answersShared: true, status: 'open' });

    const listed = await staffView(request!.id);
    expect(listed).toMatchObject({ contact: '0612345678' });
    expect(listed?.context).toEqual({
      service: 'paspoort',
      contactChannel: 'telefoon',
      chatChannel: 'webchat',
      satisfaction: 2,
      ownWords: [OWN_WORDS_STORED],
    });
    expect(JSON.stringify(listed)).not.toContain('Jansen');
    // Reading the answers is audited with the contact detail, by request id and without the answers themselves.
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'callbacks.read' }, orderBy: { at: 'desc' } });
    expect(JSON.parse(audit.details!)).toMatchObject({ answersShownFor: [request!.id] });
    expect(audit.details).not.toContain('wachten');

    // "Wis mijn gegevens": the response and its answers are deleted, and with them what staff see of it.
    await resident.say('wis mijn gegevens');
    expect(await botSays(resident)).toEqual([chat.erase!.confirm]);
    await resident.say(chat.buttons!.yes!);
    expect(await botSays(resident)).toEqual([chat.erase!.done]);

    // The request goes too: its contact detail is the resident's data as much as the answers are.
    expect(await staffView(request!.id)).toBeUndefined();
    expect(await prisma.callback.findUnique({ where: { id: request!.id } })).toBeNull();
    expect(await prisma.response.findUnique({ where: { id: response.id } })).toBeNull();
    expect(await prisma.answer.count({ where: { responseId: response.id } })).toBe(0);
    expect(JSON.stringify(await prisma.$queryRawUnsafe('SELECT * FROM "Answer"'))).not.toContain('lang wachten');
  });

  it('shows no answers without the resident’s consent, nor once the request is handled', async () => {
    const withoutConsent = await answeredResponse();
    await callbacks.request({ ...withoutConsent, method: 'email', contact: 'zonder@example.nl', language: 'nl', answersShared: false });
    const withConsent = await answeredResponse();
    await callbacks.request({ ...withConsent, method: 'email', contact: 'met@example.nl', language: 'nl', answersShared: true });
    const idOf = async (responseId: string) => (await running.database.prisma.callback.findFirstOrThrow({ where: { responseId } })).id;
    const [refusedId, sharedId] = [await idOf(withoutConsent.responseId), await idOf(withConsent.responseId)];

    expect(await staffView(refusedId)).toMatchObject({ contact: 'zonder@example.nl', context: null });
    expect((await staffView(sharedId))?.context).toMatchObject({ satisfaction: 1, ownWords: ['Sneller antwoorden op mijn vraag.'] });

    expect((await call(running.url, 'POST', `/api/callbacks/${sharedId}/handled`, { token: staff })).status).toBe(200);
    expect(await staffView(sharedId, 'handled')).toMatchObject({ contact: null, context: null });
  });

  it('loses the answers when the retention period purges the response', async () => {
    const old = await answeredResponse(new Date('2020-01-10T09:00:00Z'));
    await callbacks.request({ ...old, method: 'phone', contact: '+599 717 4321', language: 'pap', answersShared: true });
    const { id } = await running.database.prisma.callback.findFirstOrThrow({ where: { responseId: old.responseId } });
    expect((await staffView(id))?.context).toMatchObject({ satisfaction: 1 });

    expect(await new AnswerStore(running.database).purgeBefore(new Date('2021-01-01T00:00:00Z'))).toBe(1);
    expect(await staffView(id)).toMatchObject({ contact: '+599 717 4321', context: null });
  });
});
