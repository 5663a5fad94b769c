import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TTestApp } from '../support/app';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

describe.skipIf(!HAS_CHROMIUM)('the API reference in Chromium', () => {
  let browser: Browser;
  let running: TTestApp;
  beforeAll(async () => {
    browser = await launchChromium();
    running = await startTestApp();
  });
  afterAll(async () => {
    await running?.stop();
    await browser?.close();
  });

  it('renders every operation from the service itself, with no error, no failed request and no CSP violation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(running.url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    const response = await page.goto(`${running.url}/api/v1/docs`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.getByRole('heading', { name: /meethuis-chat API/ }).waitFor({ timeout: 20_000 });
    await page.getByText('/follow-ups/{id}', { exact: true }).first().waitFor();
    const document = (await (await fetch(`${running.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(document.paths).reduce((count, methods) => count + Object.keys(methods).length, 0);
    expect(await page.locator('.opblock').count()).toBe(operations);

    // Opening an operation shows its parameters and its problem responses.
    await page.locator('.opblock-summary', { hasText: '/follow-ups/{id}' }).first().click();
    await page.getByText('application/problem+json').first().waitFor();
    await screenshot(page, 'api-docs');
    expect(problems.errors).toEqual([]);
    expect(elsewhere).toEqual([]);
    await context.close();
  }, 60_000);
});
