import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TTestApp } from '../support/app';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

type TTexts = Record<string, Record<string, unknown>>;
const localeFile = (language: string, ns: string) =>
  JSON.parse(readFileSync(new URL(`../../locales/${language}/${ns}.json`, import.meta.url), 'utf8')) as TTexts;
const chat = localeFile('pap', 'chat');
const survey = localeFile('pap', 'survey');
const page_ = localeFile('pap', 'webchat');
const text = (texts: TTexts, path: string): string => {
  const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], texts);
  if (typeof value !== 'string') throw new Error(`no text at ${path}`);
  return value;
};
const question = (key: string) => text(survey, `questions.${key}`);

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

/** A message in the transcript (Web Chat also renders a copy for screen readers, hence the first). */
const said = (page: Page, message: string) => page.getByText(message, { exact: true }).first();

/** How the resident answers one question: by a button, or by typing into the send box. */
type TAnswer = { click: string } | { type: string };

/**
 * The whole product in a real browser: the page, the official Web Chat client, our Direct Line and the
 * SurveyBot — the Meethuis survey completed in Papiamentu, then the stored answers read from the database.
 */
describe.skipIf(!HAS_CHROMIUM)('the Meethuis survey in Chromium', () => {
  let browser: Browser;
  let running: TTestApp | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await context?.close();
    await running?.stop();
  });

  it('is completed in Papiamentu by clicking buttons and by typing, and every answer is stored', async () => {
    running = await startTestApp();
    context = await browser.newContext({ locale: 'pap-CW' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${running.url}/?organisation=demo&service=paspoort&location=zuid`);
    expect(await page.getAttribute('html', 'lang')).toBe('pap');

    const input = page.getByRole('textbox', { name: text(page_, 'webchat.TEXT_INPUT_ALT') });
    const answer = async (prompt: string, how: TAnswer) => {
      await said(page, prompt).waitFor({ timeout: 20_000 });
      if ('click' in how) {
        await page.getByRole('button', { name: how.click, exact: true }).last().click();
      } else {
        await input.fill(how.type);
        await input.press('Enter');
      }
    };

    await said(page, text(chat, 'privacy.notice')).waitFor({ timeout: 20_000 });
    await answer(text(chat, 'consent.question'), { click: text(chat, 'buttons.yes') });
    await answer(question('satisfaction'), { click: text(survey, 'scales.satisfaction.4') });
    await answer(question('effort'), { type: '6' });
    await answer(question('ease'), { click: text(survey, 'scales.agreement.4') });
    await answer(question('speed'), { type: 'kuater' });
    await answer(question('clarity'), { click: text(survey, 'scales.agreement.5') });
    await answer(question('seriousness'), { type: '5' });
    await answer(question('empathy'), { click: text(chat, 'buttons.dontKnow') });
    await answer(question('thinkingAlong'), { click: text(survey, 'scales.agreement.3') });
    await answer(question('reliability'), { type: 'dos' });
    await answer(question('trust'), { click: text(survey, 'scales.agreement.4') });
    await answer(question('humaneness'), { type: 'tres' });
    await answer(question('improvement'), { type: 'Mas lihé. Yama mi na 0612345678' });
    await said(page, text(chat, 'closing.thanks')).waitFor({ timeout: 20_000 });
    // The resident's own message came back scrubbed: the phone number never shows, nor is it kept.
    await said(page, 'Mas lihé. Yama mi na [PHONE]').waitFor();
    await screenshot(page, 'survey-pap');

    const { prisma } = running.database;
    const response = await prisma.response.findFirstOrThrow({ include: { answers: true, service: true, organisation: true } });
    expect(response).toMatchObject({ status: 'completed', language: 'pap', chatChannel: 'webchat', location: 'Zuid', source: 'self' });
    expect(response.organisation.slug).toBe('demo');
    expect(response.service?.slug).toBe('paspoort');
    const stored = Object.fromEntries(response.answers.map((row) => [row.questionKey, row.dontKnow ? 'dontKnow' : (row.value ?? row.text)]));
    expect(stored).toEqual({
      satisfaction: 4,
      effort: 6,
      ease: 4,
      speed: 4,
      clarity: 5,
      seriousness: 5,
      empathy: 'dontKnow',
      thinkingAlong: 3,
      reliability: 2,
      trust: 4,
      humaneness: 3,
      improvement: 'Mas lihé. Yama mi na [PHONE]',
    });
    const outbox = await prisma.directLineActivity.findMany({ select: { activity: true } });
    expect(outbox.map((row) => row.activity).join('\n')).not.toContain('0612345678');
    expect(problems.errors).toEqual([]);
    // Web Chat polls once a second, so a dozen turns take their time; CI machines are slower still.
  }, 120_000);

  it.each(['nl', 'en'])('starts in %s from ?lang= and stores the first answers in that language', async (language) => {
    const own = { chat: localeFile(language, 'chat'), survey: localeFile(language, 'survey'), page: localeFile(language, 'webchat') };
    running = await startTestApp();
    context = await browser.newContext({ locale: 'pap-CW' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${running.url}/?lang=${language}&organisation=demo`);
    expect(await page.getAttribute('html', 'lang')).toBe(language);

    await said(page, text(own.chat, 'consent.question')).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: text(own.chat, 'buttons.yes'), exact: true }).last().click();
    await said(page, text(own.survey, 'questions.satisfaction')).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: text(own.survey, 'scales.satisfaction.5'), exact: true }).last().click();
    await said(page, text(own.survey, 'questions.effort')).waitFor({ timeout: 20_000 });
    const input = page.getByRole('textbox', { name: text(own.page, 'webchat.TEXT_INPUT_ALT') });
    await input.fill('7');
    await input.press('Enter');
    await said(page, text(own.survey, 'questions.ease')).waitFor({ timeout: 20_000 });

    const response = await running.database.prisma.response.findFirstOrThrow({ include: { answers: { orderBy: { answeredAt: 'asc' } } } });
    expect(response.language).toBe(language);
    expect(response.answers.map((row) => [row.questionKey, row.value])).toEqual([
      ['satisfaction', 5],
      ['effort', 7],
    ]);
    expect(problems.errors).toEqual([]);
  }, 60_000);
});
