import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, call, followUpBody } from '../followups/support';
import { startTestApp, type TTestApp } from '../support/app';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

type TTexts = Record<string, Record<string, unknown>>;
const localeFile = (language: string, ns: string) =>
  JSON.parse(readFileSync(new URL(`../../locales/${language}/${ns}.json`, import.meta.url), 'utf8')) as TTexts;
const text = (texts: TTexts, path: string): string => {
  const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], texts);
  if (typeof value !== 'string') throw new Error(`no text at ${path}`);
  return value;
};
const nl = { chat: localeFile('nl', 'chat'), survey: localeFile('nl', 'survey'), page: localeFile('nl', 'webchat') };
const en = { chat: localeFile('en', 'chat'), survey: localeFile('en', 'survey') };

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

/** A message in the transcript (Web Chat also renders a copy for screen readers, hence the first). */
const said = (page: Page, message: string) => page.getByText(message, { exact: true }).first();
const tap = (page: Page, label: string) => page.getByRole('button', { name: label, exact: true }).last().click();
const type = async (page: Page, answer: string) => {
  const input = page.getByRole('textbox').first();
  await input.fill(answer);
  await input.press('Enter');
};

/**
 * The conversation as a resident lives it in the web chat: a reload keeps it, a closed tab forgets it, a one-time
 * link opened again in the same browser goes on where it was, and the page never makes focus look like a choice.
 */
describe.skipIf(!HAS_CHROMIUM)('the conversation in Chromium', () => {
  let browser: Browser;
  let running: TTestApp;
  const contexts: BrowserContext[] = [];
  const newContext = async (options: Parameters<Browser['newContext']>[0] = {}) => {
    const context = await browser.newContext({ locale: 'nl-NL', ...options });
    contexts.push(context);
    return context;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    running = await startTestApp({ QUIET_HOURS: 'off' });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await running?.stop();
    await browser?.close();
  });

  it('keeps the conversation and its history across a reload, and forgets it when the tab is closed', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${running.url}/?lang=nl`);
    await said(page, text(nl.chat, 'consent.question')).waitFor({ timeout: 20_000 });
    await tap(page, text(nl.chat, 'buttons.yes'));
    await said(page, 'Vraag 1 van 12').waitFor();
    await tap(page, text(nl.survey, 'scales.satisfaction.4'));
    await said(page, 'Vraag 2 van 12').waitFor();

    await page.reload();
    // The history is shown again, and the conversation goes on at the same question.
    await said(page, text(nl.survey, 'questions.satisfaction')).waitFor({ timeout: 20_000 });
    await said(page, 'Vraag 2 van 12').waitFor();
    await screenshot(page, 'webchat-reloaded');
    await type(page, '6');
    await said(page, 'Vraag 3 van 12').waitFor();
    const answers = await running.database.prisma.answer.findMany({ select: { questionKey: true, value: true } });
    expect(answers).toEqual(expect.arrayContaining([{ questionKey: 'satisfaction', value: 4 }, { questionKey: 'effort', value: 6 }]));
    expect(await running.database.prisma.response.count()).toBe(1);
    expect(problems.errors).toEqual([]);

    // A new tab (or the next person at a shared computer) starts afresh: nothing of this chat is shown.
    await page.close();
    const next = await context.newPage();
    await next.goto(`${running.url}/?lang=nl`);
    await said(next, text(nl.chat, 'consent.question')).waitFor({ timeout: 20_000 });
    expect(await next.getByText(text(nl.survey, 'questions.satisfaction'), { exact: true }).count()).toBe(0);
  }, 120_000);

  it('continues a one-time link in the browser that opened it, and refuses it in another', async () => {
    const staff = await createToken(running.database.prisma, 'staff', 'demo');
    const created = await call(running.url, 'POST', '/api/follow-ups', { token: staff, body: followUpBody({ language: 'en' }) });
    expect(created.status).toBe(202);
    const link = new URL(String(created.body.link));
    const id = String(created.body.id);

    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${running.url}/${link.search}`);
    await tap(page, text(en.chat, 'buttons.yes'));
    await said(page, 'Question 1 of 12').waitFor({ timeout: 20_000 });
    await tap(page, text(en.survey, 'scales.satisfaction.5'));
    await said(page, 'Question 2 of 12').waitFor();
    await page.reload();
    await said(page, 'Question 2 of 12').waitFor({ timeout: 20_000 });

    // The tab is closed; the link is opened again in the same browser: the same response goes on.
    await page.close();
    const reopened = await context.newPage();
    await reopened.goto(`${running.url}/${link.search}`);
    await said(reopened, text(en.chat, 'resume.offer')).waitFor({ timeout: 20_000 });
    await tap(reopened, text(en.chat, 'buttons.yes'));
    await said(reopened, 'Question 2 of 12').waitFor();
    for (let number = 2; number <= 11; number += 1) {
      await type(reopened, '4');
      await said(reopened, `Question ${number + 1} of 12`).waitFor();
    }
    await type(reopened, 'Nothing, thank you.');
    await said(reopened, text(en.chat, 'closing.thanks')).waitFor();
    const followUp = await running.database.prisma.followUp.findUniqueOrThrow({ where: { id }, include: { response: { include: { answers: true } } } });
    expect(followUp.status).toBe('completed');
    expect(followUp.response?.answers).toHaveLength(12);
    expect(followUp.response?.answers).toEqual(expect.arrayContaining([expect.objectContaining({ questionKey: 'humaneness', measure: 'humaneness', value: 4 })]));

    // Another browser has the link, but not the secret this one keeps; it is told so in the link's language.
    const other = await (await newContext()).newPage();
    await other.goto(`${running.url}/${link.search}`);
    await said(other, text(en.chat, 'link.expired')).waitFor({ timeout: 20_000 });
  }, 120_000);

  it('forgets the secrets of links that have expired, and keeps the rest', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${running.url}/?lang=nl`);
    const hours = running.config.LINK_TTL_HOURS;
    await page.evaluate((ttlHours) => {
      localStorage.setItem('meethuis-link:expired', JSON.stringify({ holder: 'a'.repeat(32), since: Date.now() - (ttlHours + 1) * 3_600_000 }));
      localStorage.setItem('meethuis-link:fresh', JSON.stringify({ holder: 'b'.repeat(32), since: Date.now() }));
    }, hours);
    await page.reload();
    await said(page, text(nl.chat, 'consent.question')).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => [localStorage.getItem('meethuis-link:expired'), localStorage.getItem('meethuis-link:fresh') !== null])).toEqual([null, true]);
  });

  it('says where the resident is through the Bonaire variant, whose skip logic leaves a question out', async () => {
    const page = await (await newContext({ locale: 'pap-BQ' })).newPage();
    await page.goto(`${running.url}/?organisation=bonaire&lang=pap`);
    await tap(page, text(localeFile('pap', 'chat'), 'buttons.yes'));
    await said(page, 'Pregunta 1 di 15').waitFor({ timeout: 20_000 });
    // Satisfied: "what went wrong most of all" will not be asked, and the total says so from the next question on.
    await type(page, '5');
    for (let number = 2; number <= 14; number += 1) {
      await said(page, `Pregunta ${number} di 14`).waitFor();
      if (number < 14) await type(page, number === 13 ? 'si' : number === 12 ? 'Telefòn' : '4');
    }
    await screenshot(page, 'webchat-progress-bonaire');
    expect(await page.getByText('Pregunta 15 di 15', { exact: true }).count()).toBe(0);
  }, 120_000);

  it('tells the resident the chat is not set up here when the embed names an unknown organisation, and the integrator why', async () => {
    const page = await (await newContext()).newPage();
    const problems = watchProblems(page);
    await page.goto(`${running.url}/?lang=nl&organisation=nergens`);
    await said(page, text(nl.page, 'page.notSetUp')).waitFor({ timeout: 20_000 });
    expect(problems.errors.join('\n')).toContain('context.organisation: not a registered organisation');
  });

  it('moves focus off the answer buttons after a tap, and never makes a button look chosen before it is tapped', async () => {
    const page = await (await newContext({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 800 } })).newPage();
    await page.goto(`${running.url}/?lang=nl`);
    await said(page, text(nl.chat, 'consent.question')).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: text(nl.chat, 'buttons.yes'), exact: true }).last().tap();
    await said(page, 'Vraag 1 van 12').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BUTTON');

    // Where the finger was, the next question has a button; on a touch screen it stays "hovered".
    const under = page.getByRole('button', { name: text(nl.survey, 'scales.satisfaction.4'), exact: true }).last();
    await under.hover();
    const background = () => under.evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(await background()).toBe('rgb(255, 255, 255)');
    await under.focus();
    expect(await background()).toBe('rgb(255, 255, 255)');
    await screenshot(page, 'webchat-focus-after-tap');
  });
});
