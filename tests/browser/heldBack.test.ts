import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

const en = JSON.parse(readFileSync(new URL('../../locales/en/dashboard.json', import.meta.url), 'utf8')) as { held: Record<string, string> };

/** An analyst finds responses held back by the limit per address under the key figures, and accepts them there. */
describe.skipIf(!HAS_CHROMIUM)('held-back responses on the dashboard', () => {
  let browser: Browser;
  let running: TTestApp;
  let token: string;

  beforeAll(async () => {
    running = await startTestApp();
    const { prisma } = running.database;
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' } });
    for (let index = 0; index < 12; index++) {
      await prisma.response.create({
        data: {
          surveyVersionId: version.id,
          organisationId: demo.id,
          chatChannel: 'webchat',
          language: 'nl',
          source: 'self',
          status: 'completed',
          heldBack: true,
          residentKey: `held-${index}`,
          conversationKey: `held-${index}`,
          startedAt: new Date('2026-11-20T10:00:00Z'),
          answers: { create: [{ questionKey: 'satisfaction', measure: 'satisfaction', value: 2 }] },
        },
      });
    }
    token = (await new TokenService(prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'review', organisation: 'demo' })).token;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('counts them under the key figures, links to the review, and accepts a day into the figures', async () => {
    const page = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } })).newPage();
    const problems = watchProblems(page);
    await page.goto(`${running.url}/dashboard?lang=en`);
    await page.locator('#token').fill(token);
    await page.locator('#token-form button[type=submit]').click();
    await page.getByText(en.held.line!.replace('{{count}}', '12')).waitFor({ timeout: 20_000 });
    await page.getByRole('link', { name: en.held.review }).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#held-back');
    await screenshot(page, 'dashboard-held-back');
    await page.getByRole('button', { name: `${en.held.accept}: demo 2026-11-20` }).click();
    await page.getByText(en.held.accepted!.replace('{{count}}', '12')).waitFor();
    await expect.poll(() => page.locator('#held-line').isHidden()).toBe(true);
    expect(await running.database.prisma.response.count({ where: { heldBack: true } })).toBe(0);
    // Accepted, they count: the key figures now hold them.
    await expect.poll(async () => (await page.getByTestId('summary-n').textContent())?.trim()).toBe('12');
    expect(problems.errors).toEqual([]);
  }, 60_000);
});
