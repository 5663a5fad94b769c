import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import type { TLanguage } from '../../src/i18n/languages';
import { AnswerStore, type TGivenAnswer } from '../../src/scoring/answerStore';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { ARTIFACTS_DIR, HAS_CHROMIUM, SKIP_REASON, launchChromium, watchProblems, type TPageProblems } from './browser';

interface TReportTexts {
  title: string;
  problems: Record<string, string>;
  months: Record<string, string>;
  figures: Record<string, string>;
  about: { rule: string };
  themes: Record<string, string>;
}
const texts = (language: TLanguage) => JSON.parse(readFileSync(new URL(`../../locales/${language}/report.json`, import.meta.url), 'utf8')) as TReportTexts;
const themeLabel = (language: TLanguage, key: string) =>
  (JSON.parse(readFileSync(new URL(`../../locales/${language}/themes.json`, import.meta.url), 'utf8')) as Record<string, { label: string }>)[key]!.label;
const testNames = (language: TLanguage) =>
  (JSON.parse(readFileSync(new URL(`../../locales/${language}/dashboard.json`, import.meta.url), 'utf8')) as { change: { tests: Record<string, string> } }).change.tests;

const MIN = 5;
/** The newest clear comment about waiting, in October: the report quotes it. */
const NEWEST_WAITING = 'Ik heb een uur gewacht voordat ik aan de beurt was bij de balie.';
/** Tagged with waiting time too, but too short to say much: the report quotes the clear ones instead. */
const TOO_SHORT = 'Traag.';
/** October's open answers, oldest first, each in the language of its conversation (which the themes are found in). */
const OCTOBER_WORDS: [TLanguage, string][] = [
  ['nl', 'De brief was onduidelijk, ik wist niet wat ik met het formulier moest doen.'],
  ['nl', 'Het duurde erg lang voordat iemand mijn vraag beantwoordde aan de telefoon.'],
  ['pap', 'Mi a warda hopi tempu pa nan yuda mi na e lokèt di munisipio.'],
  ['nl', 'Veel uitleg gekregen, maar de informatie op papier was onduidelijk.'],
  ['nl', 'Ik heb drie weken gewacht op een antwoord op mijn aanvraag voor een uitkering.'],
  ['nl', TOO_SHORT],
  ['nl', 'Inloggen op de website lukte pas na drie keer proberen met DigiD.'],
  ['pap', 'E informashon riba e website no tabata kla pa mi.'],
  ['nl', 'Vriendelijke mensen aan de balie, dat wil ik wel zeggen.'],
  ['nl', 'Niemand kon me uitleggen waarom mijn aanvraag niet duidelijk was.'],
  ['nl', 'Prima geholpen.'],
  ['nl', NEWEST_WAITING],
];

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

/** The text of each page of a PDF, as a reader of the printed report would find it. */
async function pdfPages(pdf: Buffer): Promise<string[]> {
  const document = await getDocument({ data: new Uint8Array(pdf) }).promise;
  const pages: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await document.destroy();
  return pages;
}

/** Whitespace and case aside: a sentence wrapped over two lines, or a heading set in capitals, is still the text. */
const compact = (text: string) => text.replace(/\s+/g, '').toLowerCase();
const nl = new Intl.NumberFormat('nl-NL', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const nl2 = new Intl.NumberFormat('nl-NL', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// The browser tests run on SQLite only: they test the page, and the API under it is tested on both databases.
describe.skipIf(!HAS_CHROMIUM)('the report for the board, printed to PDF in Chromium', () => {
  let browser: Browser;
  let running: TTestApp;
  let token: string;
  let page: Page;
  let problems: TPageProblems;

  beforeAll(async () => {
    running = await startTestApp({ MIN_GROUP_SIZE: String(MIN), RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_TOKEN_PER_MINUTE: '10000' });
    const { prisma } = running.database;
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' }, orderBy: { version: 'desc' } });
    let now = new Date();
    const store = new AnswerStore(running.database, () => now);
    let resident = 0;
    const respond = async (at: Date, language: TLanguage, scores: { satisfaction: number; trust: number; effort: number }, words?: string) => {
      now = at;
      resident++;
      const response = await store.startResponse({
        surveyVersionId: version.id,
        organisationId: demo.id,
        chatChannel: 'webchat',
        language,
        source: 'self',
        residentKey: `report-${resident}`,
        conversationKey: `report-${resident}`,
      });
      // The drivers follow satisfaction loosely, so the priority matrix has importances to place.
      const drivers = ['ease', 'speed', 'clarity', 'seriousness', 'empathy', 'thinkingAlong', 'reliability'].map(
        (driver, index): TGivenAnswer => ({ questionKey: driver, measure: driver, value: Math.min(5, Math.max(1, scores.satisfaction + ((resident + index) % 3) - 1)) }),
      );
      await store.recordAnswers(response.id, [
        { questionKey: 'satisfaction', measure: 'satisfaction', value: scores.satisfaction },
        { questionKey: 'effort', measure: 'effort', value: scores.effort },
        { questionKey: 'trust', measure: 'trust', value: scores.trust },
        { questionKey: 'humaneness', measure: 'humaneness', value: 1 + (resident % 5) },
        ...drivers,
        ...(words ? [{ questionKey: 'improvement', text: words, open: true }] : []),
      ]);
    };
    // September: mostly dissatisfied. October: mostly satisfied (a real change), trust much the same (chance).
    for (let index = 0; index < 10; index++) {
      await respond(new Date(Date.UTC(2026, 8, 2 + index, 14)), 'nl', { satisfaction: index < 2 ? 4 : 2, trust: 2 + (index % 3), effort: 3 + (index % 3) });
    }
    for (const [index, [language, words]] of OCTOBER_WORDS.entries()) {
      await respond(new Date(Date.UTC(2026, 9, 2 + index, 14)), language, { satisfaction: index === 0 ? 3 : 5, trust: 2 + (index % 3), effort: 4 + (index % 4) }, words);
    }
    // August: fewer responses than the minimum.
    for (let index = 0; index < MIN - 2; index++) {
      await respond(new Date(Date.UTC(2026, 7, 10 + index, 14)), 'nl', { satisfaction: 3, trust: 3, effort: 4 }, 'Ik heb heel lang moeten wachten aan de balie van het loket.');
    }
    token = (await new TokenService(prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'report', organisation: 'demo' })).token;
    browser = await launchChromium();
    // One tab for the whole file, as an analyst keeps one: the first test signs it in, the others use its token.
    page = await (await browser.newContext({ locale: 'nl-NL' })).newPage();
    problems = watchProblems(page);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  /** Opens the report and waits until it is drawn (or says why not), then prints it as the browser would. */
  async function printed(query: string, name: string): Promise<string[]> {
    await page.goto(`${running.url}/report?${query}`);
    // The report is drawn at once when its figures are in: the line with the number of responses comes last.
    await page.locator('#responses:not(:empty)').waitFor({ timeout: 20_000 });
    const pdf = await page.pdf({ format: 'A4' });
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, `${name}.pdf`), pdf);
    return pdfPages(pdf);
  }

  it('signs in as the dashboard does and prints the key figures, the matrix and the themes with comments, on three pages (nl)', async () => {
    // Without a token in the tab: the dashboard's sign-in; the token is then the tab's, for both pages.
    await page.goto(`${running.url}/report?organisation=demo&period=2026-10&lang=nl`);
    await page.locator('#token').fill(token);
    await page.locator('#token-form button[type=submit]').click();
    await page.locator('#report:not([hidden])').waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => sessionStorage.getItem('meethuis.dashboard.token'))).toBe(token);

    const pages = await printed('organisation=demo&period=2026-10&lang=nl', 'report-nl');
    expect(pages).toHaveLength(3);
    const [cover = '', matrix = '', themes = ''] = pages.map(compact);
    const words = texts('nl');
    expect(cover).toContain(compact(words.title));
    expect(cover).toContain(compact('Gemeente Demo'));
    expect(cover).toContain(compact(`${words.months['10']} 2026`));

    // The key figures are the API's own, for October, with September's for the change.
    const october = await api<{ minGroupSize: number; groups: { n: number; kpis: Record<string, { value: number; low: number; high: number }> }[] }>(
      '/api/kpis?survey=meethuis&organisation=demo&from=2026-10-01&to=2026-10-31',
    );
    const { n, kpis } = october.groups[0]!;
    expect(cover).toContain(compact(words.figures.responses!.replace('{{n}}', String(n))));
    for (const key of ['csat', 'trust', 'humaneness']) {
      expect(cover, key).toContain(compact(`${nl.format(kpis[key]!.value)}%`));
      expect(cover, key).toContain(compact(words.figures.interval!.replace('{{low}}', `${nl.format(kpis[key]!.low)}%`).replace('{{high}}', `${nl.format(kpis[key]!.high)}%`)));
    }
    expect(cover).toContain(compact(words.figures.cesValue!.replace('{{value}}', nl2.format(kpis.ces!.value))));
    // Satisfaction went up for real (named test in the footnote); trust moved by chance.
    const trend = await api<{ groups: { key: { period: string }; kpis: Record<string, { change: { p: number; test: string } | null }> }[] }>(
      '/api/kpis?survey=meethuis&organisation=demo&from=2026-09-01&to=2026-10-31&groupBy=period:month',
    );
    const changes = trend.groups.find((group) => group.key.period === '2026-10')!.kpis;
    expect(changes.csat!.change!.p).toBeLessThan(0.05);
    expect(changes.trust!.change!.p).toBeGreaterThanOrEqual(0.05);
    expect(cover).toContain(compact(words.figures.real!));
    expect(cover).toContain(compact(words.figures.chance!));
    expect(cover).toContain(compact(testNames('nl')[changes.csat!.change!.test]!));
    expect(cover).toContain(compact(words.about.rule.replace('{{n}}', String(MIN))));

    // The matrix on its own page, in SVG; the themes on the next, each with its comments.
    expect(matrix).toContain(compact('Snelheid'));
    expect(await page.locator('#matrix svg circle').count()).toBeGreaterThan(0);
    expect(themes).toContain(compact(themeLabel('nl', 'waitingTime')));
    expect(themes).toContain(compact(NEWEST_WAITING));
    expect(themes).not.toContain(compact(TOO_SHORT));
    const waiting = page.locator('.theme[data-theme=waitingTime] blockquote');
    expect(await waiting.count()).toBeGreaterThanOrEqual(2);
    expect(await waiting.count()).toBeLessThanOrEqual(3);
    expect(await waiting.first().textContent()).toBe(NEWEST_WAITING);
    // A resident's words keep their language, for a screen reader.
    expect(await page.locator('.theme[data-theme=waitingTime] blockquote[lang=pap]').count()).toBe(1);
    expect(problems.errors).toEqual([]);
  });

  it('prints the same report in Papiamentu', async () => {
    const pages = await printed('organisation=demo&period=2026-10&lang=pap', 'report-pap');
    expect(pages).toHaveLength(3);
    const [cover = '', , themes = ''] = pages.map(compact);
    const words = texts('pap');
    expect(cover).toContain(compact(words.title));
    expect(cover).toContain(compact('Munisipio Demo'));
    expect(cover).toContain(compact(`${words.months['10']} 2026`));
    const october = await api<{ groups: { kpis: { csat: { value: number } } }[] }>('/api/kpis?survey=meethuis&organisation=demo&from=2026-10-01&to=2026-10-31');
    expect(cover).toContain(compact(`${nl.format(october.groups[0]!.kpis.csat.value)}%`));
    expect(cover).toContain(compact(words.about.rule.replace('{{n}}', String(MIN))));
    expect(themes).toContain(compact(themeLabel('pap', 'waitingTime')));
    expect(themes).toContain(compact(NEWEST_WAITING));
    expect(problems.errors).toEqual([]);
  });

  it('says a period has too few responses, shows no comment, and prints one page', async () => {
    const pages = await printed('organisation=demo&period=2026-08&lang=nl', 'report-small');
    expect(pages).toHaveLength(1);
    const words = texts('nl');
    expect(compact(pages[0]!)).toContain(compact(words.figures.tooFew!));
    expect(compact(pages[0]!)).toContain(compact(words.about.rule.replace('{{n}}', String(MIN))));
    expect(compact(pages[0]!)).not.toContain(compact('wachten'));
    expect(await page.locator('blockquote').count()).toBe(0);
  });

  it('opens from the dashboard for the organisation and period in view', async () => {
    await page.goto(`${running.url}/dashboard?lang=nl`);
    await page.getByTestId('summary-n').waitFor({ timeout: 20_000 });
    await page.locator('input[name=from]').fill('2026-07-01');
    await page.locator('input[name=to]').fill('2026-09-30');
    await page.locator('select[name=period]').selectOption('quarter');
    await page.locator('#filters button[type=submit]').click();
    await expect.poll(() => page.locator('#board-report').getAttribute('href')).toBe('/report?organisation=demo&period=2026-Q3&survey=meethuis&lang=nl');
    await page.locator('#board-report').click();
    await page.locator('#period-name').filter({ hasText: texts('nl').months['9']! }).waitFor({ timeout: 20_000 });
    expect(await page.locator('#organisation-name').textContent()).toBe('Gemeente Demo');
  });

  it('asked for no organisation, lists those the token sees, each a link to its report', async () => {
    await page.goto(`${running.url}/report?period=2026-10&lang=nl`);
    const link = page.locator('#organisations a');
    await link.first().waitFor({ timeout: 20_000 });
    expect(await link.allTextContents()).toEqual(['demo']);
    await link.first().click();
    await page.locator('#organisation-name').filter({ hasText: 'Gemeente Demo' }).waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('period')).toBe('2026-10');
  });

  it.each([
    ['a period that is no month or quarter', 'organisation=demo&period=2026-13', ['period']],
    ['no period', 'organisation=demo', ['period']],
    ['markup for an organisation', `organisation=${encodeURIComponent('<img src=x onerror=alert(1)>')}&period=2026-10`, ['organisation']],
    ['an organisation that does not exist', 'organisation=nobody&period=2026-10', ['organisation']],
    ['repeated parameters', 'organisation=demo&organisation=demo&period=2026-10&survey=a&survey=b', ['organisation', 'survey']],
  ])('answers %s with the page and a message saying what is wrong', async (_case, query, expected) => {
    const response = await page.goto(`${running.url}/report?${query}`);
    expect(response?.status()).toBe(200);
    const messages = await page.locator('#problems p').allTextContents();
    expect(messages).toEqual(expected.map((problem) => texts('nl').problems[problem]));
    expect(await page.locator('#report').isHidden()).toBe(true);
    expect(await page.locator('#problems img').count()).toBe(0);
    expect(problems.errors).toEqual([]);
  });
});
