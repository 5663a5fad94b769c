import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedOrganisations } from '../../src/db/seed';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { EchoFixtureBot, startChannelServer, type TChannelServer } from '../channels/support';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

const texts = (language: string) =>
  JSON.parse(readFileSync(new URL(`../../locales/${language}/webchat.json`, import.meta.url), 'utf8')) as {
    page: Record<string, string>;
    webchat: Record<string, string>;
  };

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

/** A message in the transcript (Web Chat also renders a copy for screen readers, hence the first). */
const said = (page: Page, text: string) => page.getByText(text, { exact: true }).first();

/**
 * The page and the Direct Line round trip in a real browser, with the channel's fixture bot: the official
 * Web Chat client, served by us, talking to our Direct Line over polling, under our CSP.
 */
describe.skipIf(!HAS_CHROMIUM)('the web chat page in Chromium', () => {
  let browser: Browser;
  let database: TTestDatabase;
  let running: TChannelServer;
  let bot: EchoFixtureBot;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    database = await createTestDatabase();
    await seedOrganisations(database.prisma);
    bot = new EchoFixtureBot();
    running = await startChannelServer(database.url, { bot });
  });
  afterEach(async () => {
    // A page left open keeps polling; closing it first lets the server shut down.
    await context?.close();
    await running.close();
    await database.destroy();
  });

  it('talks Papiamentu, shows the scrubbed echo, and answers by button and by typing, with no CSP violation', async () => {
    context = await browser.newContext({ locale: 'nl-NL' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    const pap = texts('pap');
    const response = await page.goto(`${running.url}/?lang=pap&organisation=demo&service=paspoort&location=zuid`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(await page.getAttribute('html', 'lang')).toBe('pap');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(pap.page.heading);

    await said(page, 'welcome pap demo').waitFor({ timeout: 20_000 });
    const input = page.getByRole('textbox', { name: pap.webchat.TEXT_INPUT_ALT });
    await expect.poll(() => input.getAttribute('placeholder')).toBe(pap.webchat.TEXT_INPUT_PLACEHOLDER);

    await input.fill('Yama mi na 0612345678');
    await input.press('Enter');
    await said(page, 'you said: Yama mi na 0612345678').waitFor();
    // Web Chat replaced its optimistic copy with our echo, which carries the scrubbed text.
    await said(page, 'Yama mi na [PHONE]').waitFor();
    await expect.poll(() => page.getByText('Yama mi na 0612345678', { exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: '2', exact: true }).last().click();
    await said(page, 'you said: 2').waitFor();
    expect(bot.received.map((activity) => activity.text)).toEqual(['Yama mi na 0612345678', '2']);
    expect(bot.received[0]?.locale).toBe('pap');
    expect(bot.received[0]?.channelData).toMatchObject({ meethuisContext: { organisation: 'demo', service: 'paspoort', location: 'Zuid', language: 'pap' } });

    await screenshot(page, 'webchat-page-pap');
    expect(problems.errors).toEqual([]);
  });

  it('picks the language from the browser, offers the others as links, and can be reached by keyboard', async () => {
    context = await browser.newContext({ locale: 'en-GB', extraHTTPHeaders: { 'Accept-Language': 'de-DE, en-GB;q=0.9, nl;q=0.8' } });
    const page = await context.newPage();
    await page.goto(`${running.url}/?organisation=demo`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await said(page, 'welcome en demo').waitFor({ timeout: 20_000 });
    const links = page.getByRole('navigation', { name: texts('en').page.languageLabel }).getByRole('link');
    expect(await links.allTextContents()).toEqual(['Nederlands', 'Papiamentu', 'English']);
    expect(await links.nth(2).getAttribute('aria-current')).toBe('true');
    expect(await links.nth(1).getAttribute('href')).toBe('?organisation=demo&lang=pap');

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(texts('en').page.skipToChat);
    await Promise.all([page.waitForURL(/lang=nl/), links.nth(0).click()]);
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    await said(page, 'welcome nl demo').waitFor({ timeout: 20_000 });
  });

  it('tells the resident the chat is not set up here when the embed snippet names an organisation that does not exist', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${running.url}/?lang=nl&organisation=nergens`);
    await said(page, texts('nl').page.notSetUp!).waitFor();
  });
});
