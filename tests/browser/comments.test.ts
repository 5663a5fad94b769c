import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import type { TLanguage } from '../../src/i18n/languages';
import { AnswerStore } from '../../src/scoring/answerStore';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

const texts = (language: string) =>
  JSON.parse(readFileSync(new URL(`../../locales/${language}/dashboard.json`, import.meta.url), 'utf8')) as {
    words: Record<string, string>;
  };
const themeLabels = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/themes.json`, import.meta.url), 'utf8')) as Record<string, { label: string }>;

/** A comment that is markup: shown as text, it must never become an element or run. */
const MARKUP = 'Lang wachten <img src=x onerror="window.__injected=1"> aan de balie';
const MIN = 5;

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

describe.skipIf(!HAS_CHROMIUM)("the residents' own words on the dashboard, in Chromium", () => {
  let browser: Browser;
  let running: TTestApp;
  let token: string;

  beforeAll(async () => {
    running = await startTestApp({ MIN_GROUP_SIZE: String(MIN), RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_TOKEN_PER_MINUTE: '10000' });
    const { prisma } = running.database;
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' }, orderBy: { version: 'desc' } });
    const services = Object.fromEntries((await prisma.service.findMany({ where: { organisationId: demo.id } })).map((service) => [service.slug, service.id]));
    let now = new Date('2026-02-10T10:00:00Z');
    const store = new AnswerStore(running.database, () => now);
    const answers: Array<[TLanguage, string, string]> = [
      ['nl', 'Ik heb een uur moeten wachten voor ik aan de beurt was.', 'paspoort'],
      ['nl', 'De brief was onduidelijk, ik wist niet wat ik moest doen.', 'paspoort'],
      ['nl', MARKUP, 'paspoort'],
      ['pap', 'Mi a warda hopi tempu na e lokèt.', 'paspoort'],
      ['nl', 'De website werkte niet op mijn mobiel.', 'paspoort'],
      ['en', 'Friendly staff, thank you.', 'paspoort'],
      ['nl', 'Te duur voor wat je krijgt.', 'paspoort'],
      ['nl', 'Prima zo.', 'rijbewijs'],
      ['nl', 'Ze zouden terugbellen maar dat is nooit gebeurd.', 'rijbewijs'],
    ];
    for (const [index, [language, text, service]] of answers.entries()) {
      now = new Date(Date.UTC(2026, 1, 10 + index, 10));
      const response = await store.startResponse({
        surveyVersionId: version.id,
        organisationId: demo.id,
        serviceId: services[service]!,
        chatChannel: 'webchat',
        language,
        source: 'self',
        residentKey: `words-${index}`,
        conversationKey: `words-${index}`,
      });
      await store.recordAnswers(response.id, [
        { questionKey: 'satisfaction', measure: 'satisfaction', value: 2 + (index % 4) },
        { questionKey: 'improvement', text, open: true },
      ]);
    }
    // Six links made by staff in February, three of them answered in full.
    for (let index = 0; index < 6; index++) {
      await prisma.followUp.create({
        data: {
          organisationId: demo.id,
          surveyId: 'meethuis',
          serviceId: services.paspoort!,
          contactChannel: 'telefoon',
          targetType: 'link',
          status: index < 3 ? 'completed' : 'sent',
          createdAt: new Date(Date.UTC(2026, 1, 10, 10)),
          sentAt: new Date(Date.UTC(2026, 1, 10, 10)),
          ...(index < 3 ? { startedAt: new Date(Date.UTC(2026, 1, 11)), completedAt: new Date(Date.UTC(2026, 1, 11)) } : {}),
        },
      });
    }
    token = (await new TokenService(prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'words', organisation: 'demo' })).token;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function signIn(page: Page, language: string): Promise<void> {
    await page.goto(`${running.url}/dashboard?lang=${language}`);
    await page.locator('#token').fill(token);
    await page.locator('#token-form button[type=submit]').click();
    await page.locator('#comments-list li').first().waitFor({ timeout: 20_000 });
  }

  it('lists themes with their share, shows a theme’s comments with the words that matched, searches, and escapes the text', async () => {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, 'nl');
    const nl = texts('nl').words;
    const labels = themeLabels('nl');

    // Nine responses with their own words: newest first, the scrubbed text as text.
    const items = page.locator('#comments-list li');
    expect(await items.count()).toBe(9);
    expect(await items.first().locator('blockquote').textContent()).toBe('Ze zouden terugbellen maar dat is nooit gebeurd.');
    expect(await page.locator('#comments-list blockquote', { hasText: 'onerror' }).textContent()).toBe(MARKUP);
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    expect(await page.locator('#comments-list img').count()).toBe(0);
    // The Papiamentu comment is marked as Papiamentu for screen readers.
    expect(await page.locator('#comments-list blockquote[lang=pap]').textContent()).toBe('Mi a warda hopi tempu na e lokèt.');

    // Waiting time: three of nine (the hour, the Papiamentu "warda" and the markup one's "wachten").
    expect((await page.getByTestId('theme-waitingTime-count').textContent())?.trim()).toBe('3');
    expect((await page.getByTestId('theme-waitingTime-pct').textContent())?.trim()).toBe('33,3%');
    await page.locator('#themes-table button[data-theme=waitingTime]').click();
    await expect.poll(() => items.count()).toBe(3);
    const matched = (await page.locator('#theme-terms').textContent()) ?? '';
    expect(matched).toContain(labels.waitingTime!.label);
    expect(matched).toMatch(/wachten \(\d\)|wacht \(\d\)/);
    expect(matched).toContain('warda (1)');
    for (const tags of await page.locator('#comments-list .tags').allTextContents()) expect(tags).toContain(`${labels.waitingTime!.label}:`);
    await screenshot(page, 'dashboard-words-nl');

    // Back to all, then a search.
    await page.locator('#themes-table button[data-theme=waitingTime]').click();
    await expect.poll(() => items.count()).toBe(9);
    await page.locator('#comment-q').fill('website');
    await page.locator('#comment-search button').click();
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.first().locator('blockquote').textContent()).toBe('De website werkte niet op mijn mobiel.');
    expect(await page.locator('#comments-status').textContent()).toBe(nl.shown!.replace('{{shown}}', '1').replace('{{total}}', '9'));
    // The response to staff's invitations, per way of sending.
    expect((await page.getByTestId('rate-link-sent').textContent())?.trim()).toBe('6');
    expect((await page.getByTestId('rate-link-completed').textContent())?.trim()).toBe('3');
    expect((await page.getByTestId('rate-link-rate').textContent())?.trim()).toBe('50,0');
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it('says why no comment is shown where the selection is smaller than the minimum, in Papiamentu', async () => {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, 'pap');
    await page.locator('select[name=service]').selectOption('rijbewijs');
    await page.locator('#filters button[type=submit]').click();
    const pap = texts('pap').words;
    await expect.poll(() => page.locator('#comments-status').textContent()).toBe(pap.commentsWithheld!.replace('{{min}}', String(MIN)));
    expect(await page.locator('#comments-list li').count()).toBe(0);
    await screenshot(page, 'dashboard-words-pap-small');
    await context.close();
  });
});
