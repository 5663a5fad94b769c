import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { AnswerStore } from '../../src/scoring/answerStore';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { testProvider } from '../support/database';
import { FORMULA_LOCATION, seedKnownAnswers } from '../kpis/seed';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

const texts = (language: string) =>
  JSON.parse(readFileSync(new URL(`../../locales/${language}/dashboard.json`, import.meta.url), 'utf8')) as {
    title: string;
    notes: { suppressedSmall: string; suppressedComplementary: string; notMeasured: string };
    outcomes: { recommend: string };
    sections: Record<string, string>;
    change: { lower: string; tests: Record<string, string> };
  };

/** A location that is markup: shown as text, it must never become an element or run. */
const MARKUP_LOCATION = '<img src=x onerror="window.__injected=1">';

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

interface TKpi {
  value: number;
  n: number;
  suppressed?: true;
  reason?: 'small' | 'complementary';
  change?: { vs: string; difference: number; p: number; test: string } | null;
}
interface TGroup {
  key: Record<string, string | null>;
  n: number | null;
  suppressed: boolean;
  reason?: 'small' | 'complementary';
  kpis?: { csat: TKpi; ces: TKpi; trust: TKpi; nps: TKpi | null; humaneness: TKpi | null; drivers: Record<string, TKpi> };
}

describe.skipIf(!HAS_CHROMIUM)('the analyst dashboard in Chromium', () => {
  let browser: Browser;
  let running: TTestApp;
  let token: string;

  beforeAll(async () => {
    running = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_TOKEN_PER_MINUTE: '10000' });
    const { prisma } = running.database;
    await seedKnownAnswers(running.database);
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' } });
    const store = new AnswerStore(running.database, () => new Date('2026-02-20T10:00:00Z'));
    const response = await store.startResponse({
      surveyVersionId: version.id,
      organisationId: demo.id,
      chatChannel: 'webchat',
      language: 'nl',
      location: MARKUP_LOCATION,
      source: 'self',
      residentKey: 'markup',
      conversationKey: 'markup',
    });
    await store.recordAnswer(response.id, { questionKey: 'satisfaction', measure: 'satisfaction', value: 5 });
    // Residents on the survey's second version are asked experienced humaneness too.
    const second = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis', version: 2 } });
    for (let resident = 0; resident < 12; resident++) {
      const answered = await store.startResponse({
        surveyVersionId: second.id,
        organisationId: demo.id,
        chatChannel: 'webchat',
        language: 'en',
        source: 'self',
        residentKey: `humane-${resident}`,
        conversationKey: `humane-${resident}`,
      });
      await store.recordAnswer(answered.id, { questionKey: 'humaneness', measure: 'humaneness', value: 1 + (resident % 5) });
    }
    token = (await new TokenService(prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'dashboard', organisation: 'demo' })).token;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function api(path: string): Promise<{ groups: TGroup[] }> {
    const response = await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return (await response.json()) as { groups: TGroup[] };
  }

  const shown = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim();
  /** The page formats numbers for en-GB: "72.5". */
  const number = (text: string | undefined) => Number(String(text).replace(/[%,]/g, ''));

  it('shows the API’s figures, hides small groups as "too few responses", escapes everything, under its CSP', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });

    const response = await page.goto(`${running.url}/dashboard?lang=en`);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const en = texts('en');
    /** Why a figure is withheld, as the page must say it. */
    const said = (reason: 'small' | 'complementary' | undefined) =>
      reason === 'complementary' ? en.notes.suppressedComplementary : en.notes.suppressedSmall.replace('{{min}}', String(running.config.MIN_GROUP_SIZE));
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(en.title);

    await page.locator('#token').fill(token);
    await page.locator('#token-form button[type=submit]').click();
    await page.getByTestId('summary-n').waitFor({ timeout: 20_000 });
    await page.getByTestId('language-nl-n').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('meethuis.dashboard.token'))).toBe(token);

    // Key figures and driver scores: the whole selection.
    const [overall] = (await api('/api/kpis?survey=meethuis')).groups;
    expect(number(await shown(page, 'summary-n'))).toBe(overall!.n);
    expect(number(await shown(page, 'summary-csat'))).toBe(overall!.kpis!.csat.value);
    expect(number(await shown(page, 'summary-ces'))).toBe(overall!.kpis!.ces.value);
    expect(number(await shown(page, 'summary-trust'))).toBe(overall!.kpis!.trust.value);
    expect(number(await shown(page, 'summary-humaneness'))).toBe(overall!.kpis!.humaneness!.value);
    // The survey asks every outcome but recommendation.
    expect((await page.locator('#not-measured').textContent())?.trim()).toBe(en.notes.notMeasured.replace('{{outcomes}}', en.outcomes.recommend.toLowerCase()));
    for (const [driver, kpi] of Object.entries(overall!.kpis!.drivers)) {
      expect(number(await shown(page, `driver-${driver}-score`)), driver).toBe(kpi.value);
      expect(number(await shown(page, `driver-${driver}-n`)), driver).toBe(kpi.n);
    }

    // Breakdowns by language and service.
    for (const dimension of ['language', 'service']) {
      for (const group of (await api(`/api/kpis?survey=meethuis&groupBy=${dimension}`)).groups) {
        const id = `${dimension}-${group.key[dimension] ?? 'unknown'}`;
        if (group.suppressed) {
          expect(await shown(page, `${id}-suppressed`)).toBe(said(group.reason));
          continue;
        }
        expect(number(await shown(page, `${id}-n`)), id).toBe(group.n);
        for (const kpi of ['csat', 'ces'] as const) {
          // A KPI withheld inside a shown group says why: its own n, or protecting another's.
          const figure = group.kpis![kpi];
          if (figure.suppressed) expect(await shown(page, `${id}-${kpi}`), `${id}-${kpi}`).toBe(said(figure.reason));
          else expect(number(await shown(page, `${id}-${kpi}`)), `${id}-${kpi}`).toBe(figure.value);
        }
      }
    }

    // By location: the small ones are "too few responses", the complement with them; the markup stays text.
    const locations = (await api('/api/kpis?survey=meethuis&groupBy=location')).groups;
    expect(locations.filter((group) => group.suppressed).map((group) => group.key.location)).toEqual(
      expect.arrayContaining([FORMULA_LOCATION, MARKUP_LOCATION]),
    );
    for (const group of locations.filter((one) => one.suppressed)) {
      expect(await shown(page, `location-${group.key.location ?? 'unknown'}-suppressed`)).toBe(said(group.reason));
    }
    const locationTable = page.locator('#by-location');
    await expect.poll(() => locationTable.getByText(MARKUP_LOCATION, { exact: true }).count()).toBe(1);
    expect(await page.locator('#by-location img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();

    // Trend by month and the priority matrix.
    for (const group of (await api('/api/kpis?survey=meethuis&groupBy=period:month')).groups) {
      const period = group.key.period!;
      if (group.suppressed) expect(await shown(page, `trend-${period}-suppressed`)).toBe(said(group.reason));
      else expect(number(await shown(page, `trend-${period}-csat`))).toBe(group.kpis!.csat.value);
    }
    const drivers = (await (
      await fetch(`${running.url}/api/kpis/drivers?survey=meethuis`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { groups: Array<{ drivers: Record<string, { importance: { r: number }; performance: TKpi }> }> };
    for (const [driver, figures] of Object.entries(drivers.groups[0]!.drivers)) {
      expect(number(await shown(page, `matrix-${driver}-r`)), driver).toBe(figures.importance.r);
      expect(number(await shown(page, `matrix-${driver}-performance`)), driver).toBe(figures.performance.value);
    }
    expect(await page.locator('canvas').count()).toBe(3);

    await screenshot(page, `dashboard-${testProvider()}`);

    // Papiamentu: every text from its own locale file, numbers with a decimal comma.
    const pap = texts('pap');
    await page.locator('#languages button[data-language=pap]').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(pap.title);
    expect(await page.getAttribute('html', 'lang')).toBe('pap');
    expect(await shown(page, 'summary-csat')).toBe(`${String(overall!.kpis!.csat.value).replace('.', ',')}%`);
    const firstSuppressed = locations.find((group) => group.suppressed)!;
    const papSaid = firstSuppressed.reason === 'complementary' ? pap.notes.suppressedComplementary : pap.notes.suppressedSmall.replace('{{min}}', String(running.config.MIN_GROUP_SIZE));
    expect(await shown(page, `location-${firstSuppressed.key.location ?? 'unknown'}-suppressed`)).toBe(papSaid);
    await screenshot(page, `dashboard-${testProvider()}-pap`);

    expect(problems.errors).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('marks a real change in the trend with an arrow, a text for screen readers and a tooltip naming the test', async () => {
    // April after the seeded January to March: thirty residents, none satisfied.
    const { prisma } = running.database;
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' } });
    const store = new AnswerStore(running.database, () => new Date('2026-04-15T10:00:00Z'));
    for (let resident = 0; resident < 30; resident++) {
      const response = await store.startResponse({
        surveyVersionId: version.id,
        organisationId: demo.id,
        chatChannel: 'webchat',
        language: 'nl',
        source: 'self',
        residentKey: `april-${resident}`,
        conversationKey: `april-${resident}`,
      });
      await store.recordAnswer(response.id, { questionKey: 'satisfaction', measure: 'satisfaction', value: 1 });
    }
    const months = (await api('/api/kpis?survey=meethuis&groupBy=period:month')).groups;
    const april = months.find((group) => group.key.period === '2026-04')!;
    const change = april.kpis!.csat.change!;
    expect(change).toMatchObject({ vs: '2026-03', test: 'two-proportion-z' });
    expect(change.p).toBeLessThan(0.05);

    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${running.url}/dashboard?lang=en`);
    await page.locator('#token').fill(token);
    await page.locator('#token-form button[type=submit]').click();
    const figure = page.getByTestId('trend-2026-04-csat');
    await figure.waitFor({ timeout: 20_000 });
    expect(number(await shown(page, 'trend-2026-04-csat'))).toBe(april.kpis!.csat.value);
    const cell = figure.locator('xpath=..');
    const en = texts('en');
    expect(await cell.textContent()).toContain('▼');
    expect(await cell.locator('.visually-hidden').textContent()).toBe(` ${en.change.lower.replace('{{period}}', '2026-03')}`);
    expect(await cell.getAttribute('title')).toContain(en.change.tests['two-proportion-z']);
    // A change that may be chance is not marked.
    const calm = months.flatMap((group) =>
      (['csat', 'ces', 'trust'] as const).flatMap((kpi) => (group.kpis?.[kpi].change && group.kpis[kpi].change.p >= 0.05 ? [`trend-${group.key.period}-${kpi}`] : [])),
    )[0];
    expect(calm, 'a change that may be chance in the seeded months').toBeDefined();
    expect(await page.getByTestId(calm!).getAttribute('title')).toBeNull();
    expect(await page.getByTestId(calm!).textContent()).not.toMatch(/[▲▼]/);
    await screenshot(page, `dashboard-${testProvider()}-trend`);
    await context.close();
  });

  it('asks for the token again when it is refused', async () => {
    const context = await browser.newContext({ locale: 'nl-NL' });
    const page = await context.newPage();
    await page.goto(`${running.url}/dashboard`);
    await page.locator('#token').fill('mh_not-a-real-token');
    await page.locator('#token-form button[type=submit]').click();
    const nl = JSON.parse(readFileSync(new URL('../../locales/nl/dashboard.json', import.meta.url), 'utf8')) as { auth: { unauthorized: string } };
    await expect.poll(() => page.locator('#auth-error').textContent()).toBe(nl.auth.unauthorized);
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('meethuis.dashboard.token'))).toBeNull();
    await context.close();
  });
});
