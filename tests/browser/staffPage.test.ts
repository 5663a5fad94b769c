import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackService } from '../../src/followups/callbacks';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { makeNewResponse } from '../support/fixtures';
import { createToken, storeTeamsReference } from '../followups/support';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

type TStaffTexts = Record<string, Record<string, string>>;
const texts = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/staff.json`, import.meta.url), 'utf8')) as TStaffTexts;
const nl = texts('nl');
const pap = texts('pap');
const en = texts('en');

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

    await page.getByLabel(nl.signIn!.tokenLabel!).fill(staffToken);
    await page.getByRole('button', { name: nl.signIn!.submit! }).click();
    await page.getByRole('heading', { name: nl.form!.heading! }).waitFor();
    // The token is kept for this tab only.
    expect(await page.evaluate(() => sessionStorage.getItem('meethuis.staffToken'))).toBe(staffToken);
    expect(await page.evaluate(() => localStorage.getItem('meethuis.staffToken'))).toBeNull();

    await page.getByRole('button', { name: 'Papiamentu' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('pap');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(pap.page!.heading);
    expect(await page.getByRole('button', { name: 'Papiamentu' }).getAttribute('aria-pressed')).toBe('true');

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
    await expect.poll(() => linkBox.inputValue()).toMatch(/^https:\/\/enkete\.example\.nl\/\?link=[\w-]{20,}$/);
    const link = await linkBox.inputValue();
    expect(await page.locator('#result-message').textContent()).toContain(pap.result!.linkReady!.split('{{')[0]!.trim().slice(0, 20));

    await page.locator('#result').getByRole('button', { name: pap.result!.copy!, exact: true }).click();
    await expect.poll(() => page.locator('#copy-status').textContent()).toBe(pap.result!.copied);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

    const stored = await running.database.prisma.followUp.findFirstOrThrow({ orderBy: { createdAt: 'desc' }, include: { service: true, organisation: true } });
    expect(stored).toMatchObject({ targetType: 'link', contactChannel: 'balie', leadTimeDays: 6, language: 'pap', status: 'sent' });
    expect(stored.service.slug).toBe('paspoort');
    expect(stored.organisation.slug).toBe('bonaire');

    // The request is listed with its status in the page's language.
    const recent = page.locator('#recent-table tbody tr');
    await expect.poll(() => recent.count()).toBe(1);
    expect(await recent.first().textContent()).toContain(pap.statuses!.sent);

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
