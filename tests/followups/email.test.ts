import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n/i18n';
import { InvitationWorker } from '../../src/followups/invitations';
import { mailInvitations } from '../../src/followups/invitationMail';
import { SmtpMailer } from '../../src/mail/smtpMailer';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, type TTestApp } from '../support/app';
import { botActivities, botSays, call, createToken, databaseHolds, followUpBody, linkIn, ManualClock, onServer } from './support';

/**
 * Invitations by e-mail through real SMTP: a server from `smtp-server` runs in the test (plain, and over TLS with a
 * certificate made by openssl here), every mail is read back with `mailparser`.
 */

const chat = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/chat.json`, import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
interface TMailTexts {
  invitation: { subject: string };
  reminder: { subject: string };
  button: string;
  stopPage: { button: string; done: string };
}
const mailTexts = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/mail.json`, import.meta.url), 'utf8')) as TMailTexts;

/** A recipient the server refuses, quoting the address as real servers do. */
const REJECTED = 'onbekend@example.nl';

interface TMailServer {
  url: string;
  received: ParsedMail[];
  envelopes: string[][];
  /** When true, the server drops the connection on every mail: as if it were down. */
  failing: { on: boolean };
  close(): Promise<void>;
}

async function startMailServer(tls?: { key: string; cert: string }): Promise<TMailServer> {
  const received: ParsedMail[] = [];
  const envelopes: string[][] = [];
  const failing = { on: false };
  const server = new SMTPServer({
    secure: tls !== undefined,
    ...(tls ?? {}),
    authOptional: true,
    disabledCommands: tls ? [] : ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (failing.on) return callback(new Error('421 Service not available'));
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (address.address === REJECTED) {
        const error = new Error(`550 5.1.1 <${REJECTED}>: Recipient address rejected: User unknown`) as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          envelopes.push(session.envelope.rcptTo.map((rcpt) => rcpt.address));
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `${tls ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    received,
    envelopes,
    failing,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const linkOf = (mail: ParsedMail) => linkIn(mail.text ?? '');

describe('invitations by e-mail', () => {
  let mail: TMailServer;
  let running: TTestApp;
  let staff: string;

  beforeAll(async () => {
    mail = await startMailServer();
    running = await startTestApp({ SMTP_URL: mail.url, MAIL_FROM: 'enquete@meethuis.example', QUIET_HOURS: 'off', FOLLOW_UP_FATIGUE_DAYS: '0' });
    staff = await createToken(running.database.prisma, 'staff', 'bonaire');
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
    await mail?.close();
  });

  it('sends the one-time link in Papiamentu; the resident completes the survey from it; the address is gone afterwards', { timeout: 90_000 }, async () => {
    const address = 'Habitante.Boneiru@Example.org';
    const created = await call(running.url, 'POST', '/api/follow-ups', {
      token: staff,
      body: followUpBody({ organisation: 'bonaire', service: mailService, language: undefined, target: { type: 'email', address } }),
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'queued' });
    expect(created.body.link).toBeUndefined();
    const id = String(created.body.id);

    // The service's own worker sends it within seconds.
    await expect.poll(() => mail.received.length, { timeout: 30_000, interval: 200 }).toBe(1);
    const invitation = mail.received[0]!;
    const pap = mailTexts('pap');
    // No language in the request: Bonaire's own, Papiamentu.
    expect(invitation.subject).toBe(pap.invitation.subject.replace('{{organisation}}', 'Entidat Públiko Boneiru'));
    expect(mail.envelopes[0]!.map((to) => to.toLowerCase())).toEqual([address.toLowerCase()]);
    expect(invitation.from?.value[0]).toMatchObject({ name: 'Entidat Públiko Boneiru', address: 'enquete@meethuis.example' });
    expect(invitation.headers.get('content-language')).toBe('pap');
    const header = (name: string) => (invitation.headerLines.find((line) => line.key === name)?.line ?? '').replace(/\r\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toMatch(/^List-Unsubscribe: <https?:\/\/[^>]+\/invitations\/stop\/[^>]+>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // Both parts, the HTML with its language, a heading and the link as a button with its own text.
    expect(invitation.text).toContain(pap.button);
    const html = String(invitation.html);
    expect(html).toContain('<html lang="pap">');
    expect(html).toMatch(/<h1[^>]*>Kon Entidat Públiko Boneiru a yuda bo\?<\/h1>/);
    expect(html).toMatch(new RegExp(`<a href="[^"]+\\?link=[^"]+"[^>]*>${pap.button}</a>`));
    expect(html).not.toContain('<img');
    await expect.poll(async () => (await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body.status).toBe('sent');

    // Fetching the page is not opening it: a mail scanner follows links. Only a conversation starts it.
    const link = linkOf(invitation);
    expect((await fetch(onServer(running, link))).status).toBe(200);
    expect((await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body.status).toBe('sent');

    const resident = await DirectLineTestClient.start(running.url, { followUpLink: link.searchParams.get('link')!, language: 'pap' });
    const said = await botSays(resident);
    expect(said.join('\n')).toContain(chat('pap').followUp!.invitation!.split('{{service}}')[0]!.trim());
    await resident.say(chat('pap').buttons!.yes!);
    let reply = await botActivities(resident);
    // Every question answered with 4 where it offers buttons; the open question skipped.
    for (let turn = 0; turn < 25 && !reply.some((activity) => activity.text === chat('pap').closing!.thanks); turn++) {
      const hasButtons = Array.isArray((reply.at(-1)?.suggestedActions as { actions?: unknown[] } | undefined)?.actions);
      await resident.say(hasButtons ? '4' : 'skip');
      reply = await botActivities(resident);
    }
    await expect.poll(async () => (await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body.status, { timeout: 10_000 }).toBe('completed');

    // No reminder will go to a resident who answered; the address is nowhere in the database.
    expect(await databaseHolds(running, address)).toEqual([]);
    expect(await databaseHolds(running, address.toLowerCase())).toEqual([]);
  });

  it('reminds once after the set days, not after an opt-out or a started conversation, and keeps no address after', { timeout: 60_000 }, async () => {
    const { prisma } = running.database;
    const send = async (address: string) => {
      const created = await call(running.url, 'POST', '/api/follow-ups', {
        token: staff,
        body: followUpBody({ organisation: 'bonaire', service: mailService, language: 'en', target: { type: 'email', address } }),
      });
      expect(created.status).toBe(202);
      return String(created.body.id);
    };
    const before = mail.received.length;
    const quiet = await send('quiet@example.org');
    const stopped = await send('stopped@example.org');
    const started = await send('started@example.org');
    await expect.poll(() => mail.received.length, { timeout: 30_000, interval: 200 }).toBe(before + 3);
    await expect.poll(() => prisma.followUp.count({ where: { id: { in: [quiet, stopped, started] }, status: 'sent' } })).toBe(3);
    const mails = new Map(mail.received.slice(before).map((item, index) => [mail.envelopes[before + index]![0]!, item]));

    // "Stop the invitations": opening the page changes nothing, pressing the button (or one-click POST) does.
    const stopUrl = /https?:\/\/[^\s]+\/invitations\/stop\/[^\s]+/.exec(mails.get('stopped@example.org')!.text ?? '')![0];
    const page = await fetch(onServer(running, stopUrl));
    expect(await page.text()).toContain(mailTexts('en').stopPage.button);
    expect(await prisma.followUpOptOut.count()).toBe(0);
    const pressed = await fetch(onServer(running, stopUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain(mailTexts('en').stopPage.done);
    // The conversation started on the third one's link.
    const startedLink = linkOf(mails.get('started@example.org')!);
    const resident = await DirectLineTestClient.start(running.url, { followUpLink: startedLink.searchParams.get('link')!, language: 'en' });
    await botSays(resident);

    // Three days on (an injected clock): one reminder, to the one who neither started nor stopped.
    const clock = new ManualClock(new Date(Date.now() + 3 * 86_400_000 + 60_000));
    const i18n = createI18n();
    const mailer = new SmtpMailer(mail.url, 'enquete@meethuis.example');
    const worker = new InvitationWorker(prisma, mailInvitations(mailer, i18n), { within: () => ({ publish: async () => undefined }), publish: async () => undefined }, {
      hashSecret: running.config.HASH_SECRET,
      encryptionKey: running.config.ENCRYPTION_KEY,
      publicUrl: running.config.PUBLIC_URL,
      quietHours: null,
      reminderAfterDays: 3,
      clock: clock.now,
    });
    expect(await worker.runOnce()).toMatchObject({ reminded: 1 });
    const reminder = mail.received.at(-1)!;
    expect(mail.envelopes.at(-1)).toEqual(['quiet@example.org']);
    expect(reminder.subject).toBe(mailTexts('en').reminder.subject.replace('{{organisation}}', 'Public Entity Bonaire'));
    expect(reminder.text).toContain(linkOf(mails.get('quiet@example.org')!).href);
    // At most one.
    clock.advance(5 * 86_400_000);
    expect(await worker.runOnce()).toMatchObject({ reminded: 0 });
    mailer.close();
    expect((await call(running.url, 'GET', `/api/follow-ups/${quiet}`, { token: staff })).body.target).toMatchObject({ type: 'email', remindedAt: expect.any(String) });
    for (const address of ['quiet@example.org', 'stopped@example.org', 'started@example.org']) expect(await databaseHolds(running, address), address).toEqual([]);

    // The opt-out holds for good: a new invitation to that address is skipped.
    const again = await call(running.url, 'POST', '/api/follow-ups', {
      token: staff,
      body: followUpBody({ organisation: 'bonaire', service: mailService, target: { type: 'email', address: 'Stopped@Example.org' } }),
    });
    expect(again.body).toMatchObject({ status: 'skipped', reason: 'opted-out' });
  });

  it('fails a refused recipient with a reason that does not quote the address', { timeout: 60_000 }, async () => {
    const created = await call(running.url, 'POST', '/api/follow-ups', {
      token: staff,
      body: followUpBody({ organisation: 'bonaire', service: mailService, target: { type: 'email', address: REJECTED } }),
    });
    const id = String(created.body.id);
    // The rejection repeats on every try: a worker allowed two tries, its back-off moved forward instead of waited for.
    const mailer = new SmtpMailer(mail.url, 'enquete@meethuis.example');
    const worker = new InvitationWorker(running.database.prisma, mailInvitations(mailer, createI18n()), new WebhookPublisher(running.database.prisma, () => new Date(), running.database.sql), {
      hashSecret: running.config.HASH_SECRET,
      encryptionKey: running.config.ENCRYPTION_KEY,
      publicUrl: running.config.PUBLIC_URL,
      quietHours: null,
      reminderAfterDays: null,
      maxAttempts: 2,
    });
    for (let attempt = 0; attempt < 4; attempt++) {
      await running.database.prisma.followUp.updateMany({ where: { id, status: 'queued' }, data: { nextAttemptAt: new Date(0), lockedUntil: null } });
      await worker.runOnce();
      if ((await running.database.prisma.followUp.findUniqueOrThrow({ where: { id } })).status === 'failed') break;
    }
    mailer.close();
    const view = (await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body;
    expect(view).toMatchObject({ status: 'failed', reason: 'channel-failed' });
    const row = await running.database.prisma.followUp.findUniqueOrThrow({ where: { id } });
    expect(row.lastError).toContain('Recipient address rejected');
    expect(row.lastError).not.toContain('onbekend');
    expect(await databaseHolds(running, REJECTED)).toEqual([]);
  });
});

describe('invitations by e-mail over TLS, and a server that is down', () => {
  let dir: string;
  let mail: TMailServer;
  let running: TTestApp;
  let staff: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meethuis-smtps-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    mail = await startMailServer(tls);
    running = await startTestApp({ SMTP_URL: mail.url, QUIET_HOURS: 'off', FOLLOW_UP_FATIGUE_DAYS: '0' }, undefined, undefined, { smtpTls: { ca: tls.cert } });
    staff = await createToken(running.database.prisma, 'staff', 'demo');
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
    await mail?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends over smtps, and retries a server that is down until it is back', { timeout: 60_000 }, async () => {
    mail.failing.on = true;
    const created = await call(running.url, 'POST', '/api/follow-ups', { token: staff, body: followUpBody({ language: 'nl', target: { type: 'email', address: 'inwoner@example.nl' } }) });
    const id = String(created.body.id);
    await expect.poll(async () => (await running.database.prisma.followUp.findUniqueOrThrow({ where: { id } })).attempts, { timeout: 20_000 }).toBeGreaterThan(0);
    const waiting = await running.database.prisma.followUp.findUniqueOrThrow({ where: { id } });
    expect(waiting.status).toBe('queued');
    expect(waiting.lastError).not.toContain('inwoner');
    mail.failing.on = false;
    await running.database.prisma.followUp.update({ where: { id }, data: { nextAttemptAt: new Date(0) } });
    await expect.poll(() => mail.received.length, { timeout: 20_000, interval: 200 }).toBe(1);
    expect(mail.received[0]!.subject).toBe(mailTexts('nl').invitation.subject.replace('{{organisation}}', 'Gemeente Demo'));
    await expect.poll(async () => (await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body.status).toBe('sent');
  });
});

describe('without SMTP_URL or SMS_PROVIDER_URL', () => {
  it('refuses the e-mail and the text-message target with a clear 400', async () => {
    const running = await startTestApp();
    try {
      const staff = await createToken(running.database.prisma, 'staff', 'demo');
      const refused = await call(running.url, 'POST', '/api/follow-ups', { token: staff, body: followUpBody({ target: { type: 'email', address: 'inwoner@example.nl' } }) });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'email_not_configured', field: 'target.type' });
      expect(String(refused.body.detail)).toContain('e-mail delivery is not configured');
      const bySms = await call(running.url, 'POST', '/api/follow-ups', { token: staff, body: followUpBody({ target: { type: 'sms', phone: '06 12345678' } }) });
      expect(bySms.status).toBe(400);
      expect(bySms.body).toMatchObject({ code: 'sms_not_configured', field: 'target.type' });
      expect(await running.database.prisma.followUp.count()).toBe(0);
    } finally {
      await running.stop();
    }
  });
});

const mailService = 'paspoort';
