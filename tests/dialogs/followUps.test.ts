import { randomBytes } from 'node:crypto';
import type { StoreItems } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseStorage } from '../../src/db/databaseStorage';
import { FOLLOW_UP_START_SELECT, FollowUpGateway, followUpStartOf } from '../../src/followups/gateway';
import { linkTokenHashOf, linkTokenOf } from '../../src/followups/links';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { TEST_SECRETS } from '../support/app';
import { createBotWorld, expectReplies, play, questionTextOf, Resident, textOf, type TBotWorld, type TExpected, type TRow } from './support';

const q = (key: string): TExpected => `survey:questions.${key}`;

let world: TBotWorld;
let gateway: FollowUpGateway;
beforeAll(async () => {
  world = await createBotWorld();
  gateway = new FollowUpGateway(world.database, { hashSecret: TEST_SECRETS.HASH_SECRET, linkTtlHours: 168 });
  world.bot = world.replica({ followUps: gateway, events: new WebhookPublisher(world.database.prisma, undefined, world.database.sql) });
  await world.database.prisma.webhook.create({
    data: { organisationId: world.organisations.demo!, url: 'https://crm.example.org/hook', encryptedSecret: 'unused-here', events: 'response.completed' },
  });
});
afterAll(async () => world?.destroy());

type TFollowUpRow = {
  language?: string | null;
  target: { type: 'link'; expiresInHours?: number; residentKey?: string } | { type: 'conversation'; channel: string; residentKey: string };
};

/** A follow-up as the staff API leaves it once sent: a link, or an invitation in a resident's chat. */
async function sentFollowUp({ language = null, target }: TFollowUpRow) {
  const { prisma } = world.database;
  const id = `fu-${randomBytes(6).toString('hex')}`;
  const paspoort = await prisma.service.findFirstOrThrow({ where: { organisationId: world.organisations.demo!, slug: 'paspoort' } });
  const token = linkTokenOf(TEST_SECRETS.HASH_SECRET, id);
  await prisma.followUp.create({
    data: {
      id,
      organisationId: world.organisations.demo!,
      surveyId: 'meethuis',
      serviceId: paspoort.id,
      contactChannel: 'telefoon',
      leadTimeDays: 3,
      contactCount: 2,
      language,
      status: 'sent',
      sentAt: new Date(),
      ...(target.type === 'link'
        ? {
            targetType: 'link',
            linkTokenHash: linkTokenHashOf(TEST_SECRETS.HASH_SECRET, token),
            linkExpiresAt: new Date(Date.now() + (target.expiresInHours ?? 24) * 3_600_000),
            residentKey: target.residentKey ?? null,
          }
        : { targetType: 'conversation', targetChannel: target.channel, residentKey: target.residentKey }),
    },
  });
  const start = followUpStartOf(await prisma.followUp.findUniqueOrThrow({ where: { id }, select: FOLLOW_UP_START_SELECT }));
  return { id, token, start };
}

const status = async (id: string) => (await world.database.prisma.followUp.findUniqueOrThrow({ where: { id } })).status;

/** The rest of the meethuis survey after satisfaction, every scale answered `answer`, the open question skipped. */
const restOfSurvey = (answer: string, skip: string, closing: TExpected[]): TRow[] => [
  ...(['effort', 'ease', 'speed', 'clarity', 'seriousness', 'empathy', 'thinkingAlong', 'reliability', 'trust', 'humaneness', 'improvement'] as const).map(
    (next): TRow => [answer, [q(next)]],
  ),
  [skip, closing],
];

describe('a follow-up link in the web chat', () => {
  it('opens the survey with the service named, in the follow-up’s language, and the response carries the process data', async () => {
    const { id, token } = await sentFollowUp({ language: 'en', target: { type: 'link' } });
    const resident = new Resident(world.bot, { locale: 'nl-NL', context: { followUpLink: token } });
    // The follow-up's language beats the browser's; its invitation is the consent question.
    expectReplies(await resident.open(), 'en', [{ key: 'followUp.invitation', params: { service: 'passport or ID card' }, buttons: ['Yes', 'No'] }]);
    await play(resident, 'en', [['yes', ['privacy.notice', q('satisfaction')]]]);
    expect(await status(id)).toBe('started');
    // Help mid-survey stays in the follow-up's language, not the browser's.
    const help = await resident.say('help');
    expect(help.at(-1)?.text).toBe(questionTextOf('en', 'survey:questions.satisfaction', [1, 12]));
    expect(help[0]?.text).toBe(textOf('en', 'help.answering'));
    await play(resident, 'en', [['4', [q('effort')]], ...restOfSurvey('5', 'skip', ['closing.thanks']).slice(1)]);

    const { prisma } = world.database;
    const response = await prisma.response.findFirstOrThrow({ where: { conversationKey: resident.keys.conversationKey }, include: { service: true } });
    expect(response).toMatchObject({
      source: 'follow-up',
      followUpId: id,
      contactChannel: 'telefoon',
      leadTimeDays: 3,
      contactCount: 2,
      language: 'en',
      status: 'completed',
      service: { slug: 'paspoort' },
    });
    expect(await status(id)).toBe('completed');
    const deliveries = await prisma.webhookDelivery.findMany({ where: { event: 'response.completed' } });
    expect(deliveries.map((d) => JSON.parse(d.payload).data)).toContainEqual(
      expect.objectContaining({ responseId: response.id, followUpId: id, source: 'follow-up', survey: 'meethuis', language: 'en' }),
    );
  });

  it('tells the resident kindly, in the page’s language, that an expired link no longer works', async () => {
    const { id, token } = await sentFollowUp({ target: { type: 'link', expiresInHours: -1 } });
    const resident = new Resident(world.bot, { context: { followUpLink: token, language: 'pap' } });
    expectReplies(await resident.open(), 'pap', ['link.expired']);
    await play(resident, 'pap', [['bon dia', ['link.expired']]]);
    expect(await status(id)).toBe('expired');
    expect(await world.database.prisma.response.count({ where: { conversationKey: resident.keys.conversationKey } })).toBe(0);
  });

  it('does the same for a link another resident already used, and for one that never existed', async () => {
    const { token } = await sentFollowUp({ target: { type: 'link', residentKey: 'someone-else' } });
    expectReplies(await new Resident(world.bot, { locale: 'en', context: { followUpLink: token } }).open(), 'en', ['link.expired']);
    const made = new Resident(world.bot, { locale: 'nl', context: { followUpLink: 'x'.repeat(43) } });
    expectReplies(await made.open(), 'nl', ['link.expired']);
  });
});

describe('a follow-up in a Teams chat', () => {
  it('is opened by the proactive turn with the invitation, and goes on when the resident says yes', async () => {
    const resident = new Resident(world.bot, { channelId: 'msteams', locale: 'en-US' });
    const { id, start } = await sentFollowUp({ language: 'nl', target: { type: 'conversation', channel: 'msteams', residentKey: resident.keys.residentKey } });
    const opened = await resident.proactive((bot, context) => bot.openFollowUp(context, start));
    expectReplies(opened, 'nl', [{ key: 'followUp.invitation', params: { service: 'paspoort of ID-kaart' }, buttons: ['Ja', 'Nee'] }]);
    await play(resident, 'nl', [['ja', ['privacy.notice', q('satisfaction')]]]);
    expect(await status(id)).toBe('started');
    const response = await world.database.prisma.response.findFirstOrThrow({ where: { followUpId: id } });
    expect(response).toMatchObject({ chatChannel: 'msteams', residentKey: resident.keys.residentKey, source: 'follow-up' });
  });

  it('is found waiting when the resident writes first in a conversation the bot has not seen', async () => {
    const resident = new Resident(world.bot, { channelId: 'msteams', locale: 'en-US' });
    const { id } = await sentFollowUp({ target: { type: 'conversation', channel: 'msteams', residentKey: resident.keys.residentKey } });
    await play(resident, 'en', [
      ['hi', [{ key: 'followUp.invitation', params: { service: 'passport or ID card' } }]],
      ['no', ['consent.declined']],
      // Said no: not invited again by the next message, which starts the resident's own survey.
      ['hi again', ['welcome.generic', 'privacy.notice', 'consent.question']],
    ]);
    expect(await status(id)).toBe('sent');
  });

  it('keeps the resident’s explicit language choice over the follow-up’s', async () => {
    const resident = new Resident(world.bot, { channelId: 'msteams', locale: 'nl-NL' });
    await play(resident, 'pap', [['Papiamentu', ['welcome.generic', 'privacy.notice', 'consent.question']], ['stop', ['pause.paused']]]);
    const { start } = await sentFollowUp({ language: 'nl', target: { type: 'conversation', channel: 'msteams', residentKey: resident.keys.residentKey } });
    expectReplies(await resident.proactive((bot, context) => bot.openFollowUp(context, start)), 'pap', [
      { key: 'followUp.invitation', params: { service: 'pasaporte òf karchi di identidat' } },
    ]);
  });

  it('fails the proactive turn, sending nothing, when the state cannot be saved (the queue retries)', async () => {
    class FailingStorage extends DatabaseStorage {
      override async write(_changes: StoreItems): Promise<void> {
        throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'P1017' });
      }
    }
    const resident = new Resident(world.replica({ followUps: gateway, storage: new FailingStorage(world.database.sql) }), { channelId: 'msteams' });
    const { start } = await sentFollowUp({ target: { type: 'conversation', channel: 'msteams', residentKey: resident.keys.residentKey } });
    await expect(resident.proactive((bot, context) => bot.openFollowUp(context, start))).rejects.toThrow(/terminated/);
    expect(resident.adapter.activeQueue).toEqual([]);
  });
});
