import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackService } from '../../src/followups/callbacks';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { startCmStandIn, type TCmStandIn } from '../support/cmStandIn';
import { makeNewResponse } from '../support/fixtures';
import { call, createToken, followUpBody, storeTeamsReference } from '../followups/support';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

type TStaffTexts = Record<string, Record<string, string>>;
const texts = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/staff.json`, import.meta.url), 'utf8')) as TStaffTexts;
const nl = texts('nl');
const pap = texts('pap');
const en = texts('en');
const mailTexts = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/mail.json`, import.meta.url), 'utf8')) as { button: string; validUntil: string };
const smsTexts = JSON.parse(readFileSync(new URL('../../locales/nl/sms.json', import.meta.url), 'utf8')) as { invitation: string; reminder: string };

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

/** A resident's own words in an open answer, long enough to wrap on a phone. */
const OWN_WORDS = 'Mi a warda tres ora na lokèt i ningun hende no a splika mi kiko mi mester a trese pa mi reibewijs nobo.';

/** What a request is about, as its row under the request shows it: each term with what it says. */
function contextEntries(row: Locator): Promise<string[][]> {
  return row.locator('dl > div').evaluateAll((groups) => groups.map((group) => Array.from(group.children, (child) => child.textContent ?? '')));
}

/**
 * The staff page in a real browser against the real service: a staff member signs in with a token, switches to
 * Papiamentu, sends a follow-up as a one-time link and copies it, sees the request in the list, and marks a
 * call-back request handled — under the page's own Content-Security-Policy.
 */
/** Signs in with a staff token, as staff do, and waits for the form. */
async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel(nl.signIn!.tokenLabel!).fill(token);
  await page.getByRole('button', { name: nl.signIn!.submit! }).click();
  await page.getByRole('heading', { name: nl.form!.heading! }).waitFor();
}

describe.skipIf(!HAS_CHROMIUM)('the staff page in Chromium', () => {
  let browser: Browser;
  let running: TTestApp;
  let context: BrowserContext;
  let staffToken: string;

  beforeAll(async () => {
    browser = await launchChromium();
    running = await startTestApp({ QUIET_HOURS: 'off', PUBLIC_URL: 'https://enkete.example.nl' });
    const { prisma } = running.database;
    staffToken = await createToken(prisma, 'staff', 'bonaire');
    // Call-back requests waiting for staff, as the bot stores them after a low score: one whose resident agreed to
    // share their answers, given in Teams after a visit to the counter about a driving licence, and one from before.
    const bonaire = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'bonaire' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' } });
    const rijbewijs = await prisma.service.findFirstOrThrow({ where: { organisationId: bonaire.id, slug: 'rijbewijs' } });
    const callbacks = new CallbackService(prisma, TEST_SECRETS.ENCRYPTION_KEY, new WebhookPublisher(prisma));
    const shared = await prisma.response.create({
      data: {
        ...makeNewResponse({ organisationId: bonaire.id, surveyVersionId: version.id }, { chatChannel: 'msteams', contactChannel: 'balie', serviceId: rijbewijs.id }),
        status: 'completed',
        answers: { create: [{ questionKey: 'satisfaction', measure: 'satisfaction', value: 2 }, { questionKey: 'improvement', text: OWN_WORDS }] },
      },
    });
    await callbacks.request({ organisationId: bonaire.id, responseId: shared.id, method: 'phone', contact: '+599 717 5555', language: 'pap', answersShared: true });
    const earlier = await prisma.response.create({ data: { ...makeNewResponse({ organisationId: bonaire.id, surveyVersionId: version.id }), status: 'completed' } });
    await callbacks.request({ organisationId: bonaire.id, responseId: earlier.id, method: 'email', contact: 'resident@example.org', language: 'en', answersShared: false });
    await storeTeamsReference(prisma, '29:known-in-teams');
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.stop();
  });

  async function openPage(language = 'nl', viewport = { width: 1280, height: 800 }): Promise<{ page: Page; problems: ReturnType<typeof watchProblems> }> {
    context = await browser.newContext({ locale: 'nl-NL', viewport });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.url });
    const page = await context.newPage();
    const problems = watchProblems(page);
    const response = await page.goto(`${running.url}/staff?lang=${language}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    return { page, problems };
  }

  it('tells a staff member in plain words when the token does not work', async () => {
    const { page, problems } = await openPage('nl');
    await page.getByLabel(nl.signIn!.tokenLabel!).fill('mh_this-is-not-a-token');
    await page.getByRole('button', { name: nl.signIn!.submit! }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe(nl.errors!.unauthorized);
    expect(await page.getByLabel(nl.signIn!.tokenLabel!).getAttribute('aria-invalid')).toBe('true');
    // The unknown token is a 401 from the API; nothing else may fail or be blocked.
    expect(problems.errors.filter((error) => !error.includes('401'))).toEqual([]);
    await context.close();
  });

  it('shows what a call-back request is about on a phone, without sideways scrolling', async () => {
    const { page, problems } = await openPage('nl', { width: 390, height: 844 });
    await page.getByLabel(nl.signIn!.tokenLabel!).fill(staffToken);
    await page.getByRole('button', { name: nl.signIn!.submit! }).click();
    const about = page.locator('#callbacks-table tr.callback-context .context');
    await about.waitFor();
    expect(await about.locator('.own-words dd').textContent()).toBe(OWN_WORDS);
    expect(await about.locator('dt').first().textContent()).toBe(nl.callbacks!.service);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await about.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'staff-page-phone-nl');
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it('signs in, switches to Papiamentu, sends a one-time link, copies it, and handles a call-back request', async () => {
    const { page, problems } = await openPage('nl');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(nl.page!.heading);

    await signIn(page, staffToken);
    // The token is kept for this tab only.
    expect(await page.evaluate(() => sessionStorage.getItem('meethuis.staffToken'))).toBe(staffToken);
    expect(await page.evaluate(() => localStorage.getItem('meethuis.staffToken'))).toBeNull();

    await page.getByRole('button', { name: 'Papiamentu' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('pap');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(pap.page!.heading);
    expect(await page.getByRole('button', { name: 'Papiamentu' }).getAttribute('aria-pressed')).toBe('true');

    // Without SMTP_URL the service cannot send e-mail, so the form does not offer it.
    expect(await page.getByRole('radio').count()).toBe(2);
    expect(await page.getByRole('radio', { name: pap.form!.targetEmail! }).count()).toBe(0);

    // Sending without a service names what is missing.
    await page.getByRole('button', { name: pap.form!.submit! }).click();
    await expect.poll(() => page.locator('#send-error').textContent()).toBe(pap.errors!.chooseService);

    await page.getByLabel(pap.form!.service!).selectOption('paspoort');
    await page.getByLabel(pap.form!.contactChannel!).selectOption('balie');
    await page.getByLabel(pap.form!.language!).selectOption('pap');
    await page.getByText(pap.form!.more!).click();
    await page.getByLabel(pap.form!.leadTimeDays!).fill('6');
    await page.getByLabel(pap.form!.targetLink!).check();
    await page.getByRole('button', { name: pap.form!.submit! }).click();

    const linkBox = page.getByLabel(pap.result!.linkLabel!);
    // The language chosen travels in the link: the resident's chat opens in Papiamentu.
    await expect.poll(() => linkBox.inputValue()).toMatch(/^https:\/\/enkete\.example\.nl\/\?link=[\w-]{20,}&lang=pap$/);
    const link = await linkBox.inputValue();
    expect(await page.locator('#result-message').textContent()).toContain(pap.result!.linkReady!.split('{{')[0]!.trim().slice(0, 20));

    await page.locator('#result').getByRole('button', { name: pap.result!.copy!, exact: true }).click();
    await expect.poll(() => page.locator('#copy-status').textContent()).toBe(pap.result!.copied);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

    const stored = await running.database.prisma.followUp.findFirstOrThrow({ orderBy: { createdAt: 'desc' }, include: { service: true, organisation: true } });
    expect(stored).toMatchObject({ targetType: 'link', contactChannel: 'balie', leadTimeDays: 6, language: 'pap', status: 'sent' });
    expect(stored.service.slug).toBe('paspoort');
    expect(stored.organisation.slug).toBe('bonaire');

    // The request is listed with its status in the page's language: a link was made, not sent to anyone.
    const recent = page.locator('#recent-table tbody tr');
    await expect.poll(() => recent.count()).toBe(1);
    const linkStatus = await recent.first().locator('td').last().textContent();
    expect(linkStatus).toContain(pap.statuses!.linkMade);
    expect(linkStatus).not.toContain(pap.statuses!.sent);

    // A Teams user the bot never talked with: a clear sentence, not an error code.
    await page.getByLabel(pap.form!.targetTeams!).check();
    await page.getByLabel(pap.form!.teamsUser!).fill('29:never-chatted');
    await page.getByRole('button', { name: pap.form!.submit! }).click();
    await expect.poll(() => page.locator('#send-error').textContent()).toBe(pap.errors!.noConversation);
    expect(await page.getByLabel(pap.form!.teamsUser!).getAttribute('aria-invalid')).toBe('true');

    // A known one is queued (quiet hours are off here).
    await page.getByLabel(pap.form!.teamsUser!).fill('29:known-in-teams');
    await page.getByRole('button', { name: pap.form!.submit! }).click();
    await expect.poll(() => page.locator('#result-message').textContent()).toBe(pap.result!.queued);
    await expect.poll(() => recent.count()).toBe(2);

    // The open call-back requests, decrypted for staff, each with what it is about right under it.
    const callbackRow = page.locator('#callbacks-table tbody tr.callback');
    await expect.poll(() => callbackRow.count()).toBe(2);
    const sharedRow = callbackRow.filter({ hasText: '+599 717 5555' });
    const context = sharedRow.locator('xpath=following-sibling::tr[1]');
    expect(await contextEntries(context)).toEqual([
      [pap.callbacks!.service, 'reibewijs'],
      [pap.callbacks!.contactChannel, pap.contactChannels!.balie],
      [pap.callbacks!.chatChannel, pap.chatChannels!.msteams],
      [pap.callbacks!.satisfaction, `2 – ${pap.satisfactionScale!['2']}`],
      [pap.callbacks!.ownWords, OWN_WORDS],
    ]);
    // A request whose resident did not agree to share their answers says so instead.
    const earlierRow = callbackRow.filter({ hasText: 'resident@example.org' });
    expect(await earlierRow.locator('xpath=following-sibling::tr[1]').textContent()).toBe(pap.callbacks!.noContext);
    await screenshot(page, 'staff-page-pap');

    // Marking it handled deletes the detail, and the answers go from the page with it.
    await page.getByRole('button', { name: pap.callbacks!.handledLabel!.replace('{{contact}}', '+599 717 5555') }).click();
    await expect.poll(() => page.locator('#callbacks-status').textContent()).toBe(pap.callbacks!.handledDone);
    expect(await callbackRow.count()).toBe(1);
    expect(await page.locator('#callbacks').textContent()).not.toContain(OWN_WORDS);
    const callback = await running.database.prisma.callback.findFirstOrThrow({ where: { answersShared: true } });
    expect(callback).toMatchObject({ status: 'handled', encryptedContact: '' });

    // English too, and signing out forgets the token.
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: en.callbacks!.heading! }).count()).toBe(1);
    await page.getByRole('button', { name: en.signIn!.signOut! }).click();
    expect(await page.evaluate(() => sessionStorage.getItem('meethuis.staffToken'))).toBeNull();
    await page.getByLabel(en.signIn!.tokenLabel!).waitFor();

    // The 422 of the unknown Teams user is the only failed request the page made.
    expect(problems.errors.filter((error) => !error.includes('422'))).toEqual([]);
  });
});

interface TMailbox {
  url: string;
  /** Each mail as it reached the server, with the addresses it was sent to. */
  received: { to: string[]; mail: ParsedMail }[];
  /** Answers every mail held so far, and every later one at once. */
  deliver(): void;
  close(): Promise<void>;
}

/**
 * An SMTP server (`smtp-server`, as in tests/followups/email.test.ts) that reads each mail but holds back its answer
 * until `deliver()`: until then the service is still sending, so the page can be seen to show the invitation queued.
 */
async function startMailbox(): Promise<TMailbox> {
  const received: TMailbox['received'] = [];
  let deliver = () => {};
  const delivered = new Promise<void>((resolve) => {
    deliver = resolve;
  });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), mail });
          await delivered;
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, deliver, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The README's pictures: the invitation as a resident reads it. */
const README_IMAGES = join(process.cwd(), 'docs', 'images');

/** A moment as the staff page writes one that is not today (digits only, in every language). */
const dateTime = (at: Date) => new Intl.DateTimeFormat('nl-NL', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(at);

/**
 * Invitations by e-mail from the staff page, with the service sending real mail to an SMTP server in the test: the
 * staff member chooses e-mail, types the resident's address and sends; the list shows the invitation queued while
 * the mail is under way and "sent by e-mail" with its reminder once the server took it; the address is never shown
 * back. The mail itself, as the resident sees it on a phone, is written to docs/images for the README.
 */
describe.skipIf(!HAS_CHROMIUM)('invitations by e-mail on the staff page in Chromium', () => {
  let browser: Browser;
  let mailbox: TMailbox;
  let running: TTestApp;
  let context: BrowserContext | undefined;
  let staffToken: string;

  beforeAll(async () => {
    browser = await launchChromium();
    mailbox = await startMailbox();
    running = await startTestApp({ SMTP_URL: mailbox.url, MAIL_FROM: 'enkete@meethuis.example', QUIET_HOURS: 'off', PUBLIC_URL: 'https://enkete.example.nl' });
    staffToken = await createToken(running.database.prisma, 'staff', 'bonaire');
  });
  afterAll(async () => {
    mailbox?.deliver();
    await context?.close();
    await browser?.close();
    await running?.stop();
    await mailbox?.close();
  });

  it('sends an invitation by e-mail, shows it queued and then sent with its reminder, and never shows the address again', { timeout: 90_000 }, async () => {
    const address = 'habitante.nikiboko@example.org';
    context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${running.url}/staff?lang=nl`);
    await signIn(page, staffToken);

    // Three ways to send; the address field appears with e-mail, described by what happens to the address.
    expect(await page.getByRole('radio').evaluateAll((radios) => radios.map((radio) => (radio as HTMLInputElement).labels?.[0]?.textContent))).toEqual([
      nl.form!.targetLink,
      nl.form!.targetEmail,
      nl.form!.targetTeams,
    ]);
    await page.getByLabel(nl.form!.service!).selectOption('paspoort');
    await page.getByLabel(nl.form!.contactChannel!).selectOption('telefoon');
    await page.getByRole('radio', { name: nl.form!.targetEmail! }).check();
    const addressField = page.getByLabel(nl.form!.emailAddress!);
    expect(await addressField.getAttribute('type')).toBe('email');
    expect(await addressField.getAttribute('autocomplete')).toBe('off');
    expect(await page.locator(`#${await addressField.getAttribute('aria-describedby')}`).textContent()).toBe(nl.form!.emailAddressHelp);

    // No address: said before anything is sent.
    await page.getByRole('button', { name: nl.form!.submit! }).click();
    await expect.poll(() => page.locator('#send-error').textContent()).toBe(nl.errors!.emailAddress);
    expect(await addressField.getAttribute('aria-invalid')).toBe('true');

    await addressField.fill(address);
    await page.getByRole('button', { name: nl.form!.submit! }).click();
    await expect.poll(() => page.locator('#result-message').textContent()).toBe(nl.result!.emailQueued);
    expect(await addressField.inputValue()).toBe('');
    expect(await page.locator('body').innerText()).not.toContain(address);

    // The mail reached the server, which has not answered yet: the service is still sending it.
    await expect.poll(() => mailbox.received.length, { timeout: 30_000 }).toBe(1);
    expect(mailbox.received[0]!.to).toEqual([address]);
    const row = page.locator('#recent-table tbody tr').first();
    await page.locator('#refresh-recent').click();
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe(nl.recent!.viaEmail);
    expect(await row.locator('td').last().textContent()).toBe(nl.statuses!.queued);

    // The server takes it: sent by e-mail, and when the one reminder goes.
    mailbox.deliver();
    await expect
      .poll(
        async () => {
          await page.locator('#refresh-recent').click();
          return row.locator('td').last().textContent();
        },
        { timeout: 20_000 },
      )
      .toContain(nl.statuses!.sentByEmail);
    const stored = await running.database.prisma.followUp.findFirstOrThrow({ where: { targetType: 'email' } });
    expect(stored.remindAt).not.toBeNull();
    expect(await row.locator('td').last().textContent()).toBe(nl.statuses!.sentByEmail + nl.recent!.reminderAt!.replace('{{time}}', dateTime(stored.remindAt!)));
    expect(await page.locator('body').innerText()).not.toContain(address);
    await screenshot(page, 'staff-email-nl');
    expect(problems.errors).toEqual([]);
  });

  it('sends a mail a resident can read on a phone, in Papiamentu (Bonaire’s language) and in Dutch', { timeout: 60_000 }, async () => {
    mailbox.deliver();
    const dutch = await call(running.url, 'POST', '/api/follow-ups', {
      token: staffToken,
      body: followUpBody({ organisation: 'bonaire', service: 'rijbewijs', language: 'nl', target: { type: 'email', address: 'inwoner.rincon@example.org' } }),
    });
    expect(dutch.status).toBe(202);
    await expect.poll(() => mailbox.received.length, { timeout: 30_000 }).toBe(2);

    // The first went without a language: Bonaire's own, Papiamentu.
    const papiamentu = mailbox.received[0]!.mail;
    expect(papiamentu.headers.get('content-language')).toBe('pap');
    // Until when the link works, in digits: no Dutch month or "om" in a Papiamentu sentence.
    const [before, after] = mailTexts('pap').validUntil.split('{{date}}');
    expect(papiamentu.text).toMatch(new RegExp(`${before}\\d{2}-\\d{2}-\\d{4}, \\d{2}:\\d{2}${after!.replace('.', '\\.')}`));
    expect(mailbox.received[1]!.mail.headers.get('content-language')).toBe('nl');
    // A low window: the full-page picture is as tall as the mail, not the phone.
    context = await browser.newContext({ viewport: { width: 390, height: 300 } });
    const page = await context.newPage();
    mkdirSync(README_IMAGES, { recursive: true });
    for (const [language, mail] of [
      ['pap', papiamentu],
      ['nl', mailbox.received[1]!.mail],
    ] as const) {
      expect(typeof mail.html).toBe('string');
      await page.setContent(String(mail.html));
      expect(await page.getAttribute('html', 'lang')).toBe(language);
      // Nothing wider than the phone: the long link wraps, the button fits.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const button = page.getByRole('link', { name: mailTexts(language).button });
      const box = await button.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(README_IMAGES, `invitation-mail-${language}.png`), fullPage: true });
    }
  });
});

/** A time of today as the staff page writes it. */
const timeOfDay = (at: Date) => new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit' }).format(at);

/**
 * Invitations by text message from the staff page, sent through a local stand-in for CM.com's gateway: the staff
 * member chooses SMS and types a number, first one that is none and then a Dutch mobile number as it is dialled in the
 * Netherlands; the text goes out in international form from the sender residents know, with the one-time link; the
 * list follows the invitation from queued to sent and, once its reminder went, to reminded. The number is never shown
 * back, and is deleted once the reminder went.
 */
describe.skipIf(!HAS_CHROMIUM)('invitations by text message on the staff page in Chromium', () => {
  const productToken = '3f9a6c2e-5b1d-4e8f-9a7c-0d2b4e6f8a1c';
  let browser: Browser;
  let gateway: TCmStandIn;
  let running: TTestApp;
  let context: BrowserContext | undefined;
  let staffToken: string;

  beforeAll(async () => {
    browser = await launchChromium();
    gateway = await startCmStandIn({ productToken });
    running = await startTestApp({
      SMS_PROVIDER_URL: gateway.url,
      SMS_API_KEY: productToken,
      SMS_SENDER: 'Gemeente',
      QUIET_HOURS: 'off',
      PUBLIC_URL: 'https://enkete.example.nl',
    });
    // The demo municipality reads numbers as Dutch ones (Bonaire would read 06… as a number of its own).
    staffToken = await createToken(running.database.prisma, 'staff', 'demo');
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.stop();
    await gateway?.close();
  });

  it('sends an invitation by text message, refuses a number that is none, and follows it from queued to sent and reminded', { timeout: 90_000 }, async () => {
    context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${running.url}/staff?lang=nl`);
    await signIn(page, staffToken);

    // SMS is offered, e-mail is not (no SMTP_URL); the number field is described by what happens to the number.
    expect(await page.getByRole('radio').evaluateAll((radios) => radios.map((radio) => (radio as HTMLInputElement).labels?.[0]?.textContent))).toEqual([
      nl.form!.targetLink,
      nl.form!.targetSms,
      nl.form!.targetTeams,
    ]);
    await page.getByLabel(nl.form!.service!).selectOption('paspoort');
    await page.getByLabel(nl.form!.contactChannel!).selectOption('telefoon');
    await page.getByRole('radio', { name: nl.form!.targetSms! }).check();
    const phoneField = page.getByLabel(nl.form!.smsPhone!);
    expect(await phoneField.evaluate((field) => [field.getAttribute('type'), field.getAttribute('autocomplete'), field.getAttribute('inputmode')])).toEqual(['tel', 'off', 'tel']);
    const hints = (await phoneField.getAttribute('aria-describedby'))!.split(' ');
    expect(await Promise.all(hints.map((id) => page.locator(`#${id}`).textContent()))).toEqual([nl.form!.smsPhoneHelp, nl.form!.smsPhoneCountry]);

    const sendError = page.locator('#send-error');
    const refusedAtField = async (message: string | undefined) => {
      await expect.poll(() => sendError.textContent()).toBe(message);
      expect(await phoneField.getAttribute('aria-invalid')).toBe('true');
      expect(await phoneField.getAttribute('aria-errormessage')).toBe('send-error');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('sms-phone');
    };
    // No number: said before anything is sent.
    await page.getByRole('button', { name: nl.form!.submit! }).click();
    await refusedAtField(nl.errors!.smsPhone);
    // Too short to be a number: the API refuses the field.
    await phoneField.fill('12');
    await page.getByRole('button', { name: nl.form!.submit! }).click();
    await refusedAtField(nl.errors!.field!.replace('{{field}}', nl.fields!.smsPhone!));
    // A landline in Amsterdam is a number, but cannot receive a text message.
    await phoneField.fill('020 123 4567');
    await page.getByRole('button', { name: nl.form!.submit! }).click();
    await refusedAtField(nl.errors!.smsPhoneInvalid);
    expect(gateway.requests).toEqual([]);

    // The gateway takes its time with the first text, so the list can be seen to show it queued while it goes out.
    gateway.delayNext(4_000);
    await phoneField.fill('06 12345678');
    await page.getByRole('button', { name: nl.form!.submit! }).click();
    await expect.poll(() => page.locator('#result-message').textContent()).toBe(nl.result!.smsQueued);
    expect(await sendError.isHidden()).toBe(true);
    expect(await phoneField.getAttribute('aria-invalid')).toBeNull();
    expect(await phoneField.inputValue()).toBe('');

    const row = page.locator('#recent-table tbody tr').first();
    const status = row.locator('td').last();
    await expect.poll(() => gateway.requests.length, { timeout: 30_000 }).toBe(1);
    await page.locator('#refresh-recent').click();
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe(nl.recent!.viaSms);
    expect(await status.textContent()).toBe(nl.statuses!.queued);

    // CM took it: to the number in international form, from the sender set, with the one-time link.
    await expect.poll(() => gateway.received.length, { timeout: 10_000 }).toBe(1);
    const stored = await running.database.prisma.followUp.findFirstOrThrow({ where: { targetType: 'sms' } });
    const invitation = gateway.received[0]!;
    expect(invitation).toMatchObject({ number: '0031612345678', from: 'Gemeente', reference: stored.id, encoding: 'GSM-7' });
    // The text is in the organisation's language (staff left it to the resident), and its link opens the chat in it.
    const link = /https:\/\/enkete\.example\.nl\/\?link=[\w-]{20,}&lang=nl/.exec(invitation.content)?.[0];
    expect(link).toBeDefined();
    expect(invitation.content).toBe(smsTexts.invitation.replace('{{organisation}}', 'Gemeente Demo').replace('{{link}}', link!));

    // Sent by text message, and when the one reminder goes.
    await expect
      .poll(
        async () => {
          await page.locator('#refresh-recent').click();
          return status.textContent();
        },
        { timeout: 20_000 },
      )
      .toContain(nl.statuses!.sentBySms);
    const sent = await running.database.prisma.followUp.findUniqueOrThrow({ where: { id: stored.id } });
    expect(sent.remindAt).not.toBeNull();
    expect(await status.textContent()).toBe(nl.statuses!.sentBySms + nl.recent!.reminderAt!.replace('{{time}}', dateTime(sent.remindAt!)));
    expect(await page.locator('body').innerText()).not.toMatch(/12345678|12 34 56 78/);
    await screenshot(page, 'staff-sms-nl');

    // The reminder falls due (as if the days had passed): the same link once more, and the number is deleted.
    await running.database.prisma.followUp.update({ where: { id: stored.id }, data: { remindAt: new Date(Date.now() - 1_000) } });
    await expect.poll(() => gateway.received.length, { timeout: 20_000 }).toBe(2);
    expect(gateway.received[1]).toMatchObject({ number: '0031612345678', from: 'Gemeente', reference: stored.id });
    expect(gateway.received[1]!.content).toBe(smsTexts.reminder.replace('{{organisation}}', 'Gemeente Demo').replace('{{link}}', link!));
    await expect
      .poll(
        async () => {
          await page.locator('#refresh-recent').click();
          return status.textContent();
        },
        { timeout: 10_000 },
      )
      .toContain(nl.recent!.remindedAt!.split('{{')[0]);
    const reminded = await running.database.prisma.followUp.findUniqueOrThrow({ where: { id: stored.id } });
    expect(reminded).toMatchObject({ status: 'sent', encryptedAddress: null });
    expect(await status.textContent()).toBe(nl.statuses!.sentBySms + nl.recent!.remindedAt!.replace('{{time}}', timeOfDay(reminded.remindedAt!)));

    // The two refusals by the API (400) are the only failed requests the page made.
    expect(problems.errors.filter((error) => !error.includes('400'))).toEqual([]);
    expect(problems.errors).toHaveLength(2);
  });
});
