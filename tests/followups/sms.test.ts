import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n/i18n';
import { InvitationWorker } from '../../src/followups/invitations';
import { FollowUpWorker } from '../../src/followups/worker';
import { invitationSms, smsInvitations } from '../../src/followups/invitationSms';
import { CmSmsSender } from '../../src/sms/cmSmsSender';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { DirectLineTestClient } from '../channels/support';
import { startCmStandIn, type TCmStandIn } from '../support/cmStandIn';
import { startTestApp, type TTestApp } from '../support/app';
import { botActivities, botSays, call, createToken, databaseHolds, followUpBody, linkIn, ManualClock, onServer } from './support';

/**
 * Invitations by text message through CM.com's JSON API: a local stand-in speaks its wire format (request, answers
 * and error codes); what it receives is what a phone would show.
 */

const chat = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/chat.json`, import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
const smsTexts = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/sms.json`, import.meta.url), 'utf8')) as Record<'invitation' | 'reminder', string>;
const PRODUCT_TOKEN = 'cm-test-product-token-0000';

describe('invitations by text message', () => {
  let sms: TCmStandIn;
  let running: TTestApp;
  let staff: string;

  beforeAll(async () => {
    sms = await startCmStandIn({ productToken: PRODUCT_TOKEN });
    running = await startTestApp({
      SMS_PROVIDER_URL: sms.url,
      SMS_API_KEY: PRODUCT_TOKEN,
      SMS_SENDER: 'Boneiru',
      QUIET_HOURS: 'off',
      FOLLOW_UP_FATIGUE_DAYS: '0',
      PUBLIC_URL: 'https://enkuesta.bonairegov.com',
    });
    staff = await createToken(running.database.prisma, 'staff', 'bonaire');
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
    await sms?.close();
  });

  const send = async (phone: string, overrides: Record<string, unknown> = {}) =>
    call(running.url, 'POST', '/api/follow-ups', { token: staff, body: followUpBody({ organisation: 'bonaire', language: undefined, target: { type: 'sms', phone }, ...overrides }) });
  // As staff see it; polled through the database, as the API allows a token only so many requests a minute.
  const statusOf = async (id: string) => (await running.database.prisma.followUp.findUniqueOrThrow({ where: { id } })).status;
  const viewOf = async (id: string) => (await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body;

  it('sends the one-time link in Papiamentu to a +599 number; the resident completes the survey from it; the number is gone afterwards', { timeout: 90_000 }, async () => {
    const created = await send('+599 701 2345');
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'queued' });
    expect(JSON.stringify(created.body)).not.toContain('7012345');
    const id = String(created.body.id);

    await expect.poll(() => sms.received.length, { timeout: 30_000, interval: 200 }).toBe(1);
    const message = sms.received[0]!;
    expect(message.from).toBe('Boneiru');
    expect(message.number).toBe('005997012345');
    expect(message.reference).toBe(id);
    // No language in the request: Bonaire's own. The name loses the one letter GSM-7 lacks (ú), so the text stays GSM-7.
    const link = linkIn(message.content);
    expect(message.content).toBe(smsTexts('pap').invitation.replace('{{organisation}}', 'Entidat Publiko Boneiru').replace('{{link}}', link.href));
    expect(message.encoding).toBe('GSM-7');
    expect(message.parts).toBe(2);
    expect(link.origin).toBe('https://enkuesta.bonairegov.com');
    // The chat opens in the language of the text, whatever language the phone is set to.
    expect(link.searchParams.get('lang')).toBe('pap');
    // The short token: 22 characters, where an e-mail's has 43.
    expect(link.searchParams.get('link')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await expect.poll(async () => await statusOf(id)).toBe('sent');

    const resident = await DirectLineTestClient.start(running.url, { followUpLink: link.searchParams.get('link')!, language: 'pap' });
    expect((await botSays(resident)).join('\n')).toContain(chat('pap').followUp!.invitation!.split('{{service}}')[0]!.trim());
    await resident.say(chat('pap').buttons!.yes!);
    let reply = await botActivities(resident);
    for (let turn = 0; turn < 25 && !reply.some((activity) => activity.text === chat('pap').closing!.thanks); turn++) {
      const hasButtons = Array.isArray((reply.at(-1)?.suggestedActions as { actions?: unknown[] } | undefined)?.actions);
      await resident.say(hasButtons ? '4' : 'skip');
      reply = await botActivities(resident);
    }
    await expect.poll(async () => await statusOf(id), { timeout: 10_000 }).toBe('completed');

    for (const form of ['5997012345', '701 2345', '701-2345']) expect(await databaseHolds(running, form)).toEqual([]);
  });

  it('reads a number without a country code in the organisation region, and refuses what cannot get a text message', async () => {
    const { prisma } = running.database;
    const before = await prisma.followUp.count();
    // Bonaire's region is BQ: 7001234 is a Bonaire mobile there.
    const local = await send('700 1234', { language: 'en' });
    expect(local.status).toBe(202);
    await expect.poll(() => sms.received.some((message) => message.number === '005997001234'), { timeout: 30_000, interval: 200 }).toBe(true);

    const demoStaff = await createToken(prisma, 'staff', 'demo');
    const asDemo = (phone: string) => call(running.url, 'POST', '/api/follow-ups', { token: demoStaff, body: followUpBody({ language: 'nl', target: { type: 'sms', phone } }) });
    // In the Netherlands the same digits are no number; a Dutch mobile written nationally is.
    expect((await asDemo('700 1234')).body).toMatchObject({ code: 'invalid_phone', field: 'target.phone' });
    expect((await asDemo('06-12345678')).status).toBe(202);
    await expect.poll(() => sms.received.some((message) => message.number === '0031612345678'), { timeout: 30_000, interval: 200 }).toBe(true);
    // A landline cannot receive a text message; letters are no number at all.
    const landline = await asDemo('020 123 4567');
    expect(landline.status).toBe(400);
    expect(landline.body).toMatchObject({ code: 'invalid_phone', field: 'target.phone' });
    expect(String(landline.body.detail)).toContain('not a mobile number');
    const letters = await asDemo('bel me maar');
    expect(letters.status).toBe(400);
    expect(letters.body).toMatchObject({ field: 'target.phone' });
    expect(await prisma.followUp.count()).toBe(before + 2);
  });

  it('stops for good when the resident opens the link and types the stop words: nothing more goes to that number', { timeout: 60_000 }, async () => {
    const first = await send('+599 795 5555', { language: 'pap' });
    const id = String(first.body.id);
    await expect.poll(() => sms.received.some((message) => message.reference === id), { timeout: 30_000, interval: 200 }).toBe(true);
    const link = linkIn(sms.received.find((message) => message.reference === id)!.content);
    // The text message says how: open the link, type "stop invitashon".
    expect(smsTexts('pap').invitation).toContain('stop invitashon');
    const resident = await DirectLineTestClient.start(running.url, { followUpLink: link.searchParams.get('link')!, language: 'pap' });
    await botSays(resident);
    await resident.say('stop invitashon');
    expect((await botSays(resident)).join('\n')).toContain(chat('pap').optOut!.confirmed);

    // Written another way, it is the same number: not sent again.
    const again = await send('00599 7955555', { language: 'pap' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'skipped', reason: 'opted-out' });
    expect(await databaseHolds(running, '5997955555')).toEqual([]);
  });

  it('retries a provider that is down, and fails at once on a number the provider refuses for good, with a reason that holds no number', { timeout: 60_000 }, async () => {
    const { prisma } = running.database;
    sms.failNext(1, 'http-500');
    const retried = String((await send('+599 796 0001', { language: 'en' })).body.id);
    await expect.poll(async () => (await prisma.followUp.findUniqueOrThrow({ where: { id: retried } })).attempts, { timeout: 20_000 }).toBeGreaterThan(0);
    const waiting = await prisma.followUp.findUniqueOrThrow({ where: { id: retried } });
    expect(waiting.status).toBe('queued');
    expect(waiting.lastError).toContain('999');
    await prisma.followUp.update({ where: { id: retried }, data: { nextAttemptAt: new Date(0) } });
    await expect.poll(async () => await statusOf(retried), { timeout: 20_000 }).toBe('sent');

    sms.failNext(1, 'blacklisted');
    const refused = String((await send('+599 796 0002', { language: 'en' })).body.id);
    await expect.poll(async () => await statusOf(refused), { timeout: 20_000 }).toBe('failed');
    const failed = await prisma.followUp.findUniqueOrThrow({ where: { id: refused } });
    expect(failed).toMatchObject({ reason: 'channel-failed', attempts: 1, encryptedAddress: null });
    expect(failed.lastError).toContain('402');
    expect(await databaseHolds(running, '5997960002')).toEqual([]);
  });

  it('reminds once by text message after the set days, and keeps no number after', { timeout: 60_000 }, async () => {
    const { prisma } = running.database;
    const id = String((await send('+599 796 0003', { language: 'nl' })).body.id);
    await expect.poll(async () => await statusOf(id), { timeout: 20_000 }).toBe('sent');
    const sent = await viewOf(id);
    expect((sent.target as { reminderAt: string | null }).reminderAt).not.toBeNull();

    const clock = new ManualClock(new Date(Date.now() + 3 * 86_400_000 + 60_000));
    const i18n = createI18n();
    const worker = new InvitationWorker(
      prisma,
      smsInvitations(new CmSmsSender({ url: sms.url, productToken: PRODUCT_TOKEN, sender: 'Boneiru', maxParts: 3 }), i18n),
      new WebhookPublisher(prisma, clock.now, running.database.sql),
      { hashSecret: running.config.HASH_SECRET, encryptionKey: running.config.ENCRYPTION_KEY, publicUrl: running.config.PUBLIC_URL, quietHours: null, reminderAfterDays: 3, clock: clock.now },
    );
    // Every text invitation of this file sent and not started is due by then; this one among them.
    expect((await worker.runOnce()).reminded).toBeGreaterThanOrEqual(1);
    const reminder = sms.received.filter((message) => message.reference === id);
    expect(reminder).toHaveLength(2);
    const link = linkIn(reminder[0]!.content);
    expect(reminder[1]!.content).toBe(invitationSms(i18n, { kind: 'reminder', language: 'nl', organisation: 'Openbaar Lichaam Bonaire', link: link.href }));
    expect(linkIn(reminder[1]!.content).href).toBe(link.href);
    expect(await worker.runOnce()).toMatchObject({ reminded: 0 });
    expect((await viewOf(id)).target).toMatchObject({ type: 'sms', reminderAt: null });
    expect(await databaseHolds(running, '5997960003')).toEqual([]);
    // Fetching the link is not opening it; the page is there for whoever follows it.
    expect((await fetch(onServer(running, link))).status).toBe(200);
  });

  it('forgets the number when the link expires unused', { timeout: 60_000 }, async () => {
    const { prisma } = running.database;
    const id = String((await send('+599 796 0004', { language: 'en' })).body.id);
    await expect.poll(async () => await statusOf(id), { timeout: 20_000 }).toBe('sent');
    await prisma.followUp.update({ where: { id }, data: { linkExpiresAt: new Date(Date.now() - 1000) } });
    // The expiry sweep the service runs every few minutes; it sends nothing, so its chat sender is never asked.
    const sweep = new FollowUpWorker(prisma, { sendFollowUp: () => Promise.reject(new Error('the sweep sends nothing')) }, new WebhookPublisher(prisma, () => new Date(), running.database.sql), {
      quietHours: null,
      linkTtlHours: 168,
    });
    expect(await sweep.expire()).toBeGreaterThanOrEqual(1);
    expect(await prisma.followUp.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'expired', encryptedAddress: null, remindAt: null });
    expect(await databaseHolds(running, '5997960004')).toEqual([]);
  });
});
