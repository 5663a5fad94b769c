import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { createI18n } from '../../src/i18n/i18n';
import { LANGUAGES } from '../../src/i18n/languages';
import { MEASURES, QUESTION_TYPES } from '../../src/surveys/schema';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { ARTIFACTS_DIR, HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

type TTexts = Record<string, Record<string, unknown>>;
const texts = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/admin.json`, import.meta.url), 'utf8')) as TTexts;
const nl = texts('nl');
const pap = texts('pap');
const nlSurvey = JSON.parse(readFileSync(new URL('../../locales/nl/survey.json', import.meta.url), 'utf8')) as TTexts;

/** A text at a dotted key, `{{name}}` filled in. */
function text(of: TTexts, key: string, params: Record<string, string | number> = {}): string {
  let node: unknown = of;
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'string') throw new Error(`no text ${key}`);
  return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => String(params[name] ?? ''));
}

const README_IMAGES = join(process.cwd(), 'docs', 'images');

/** Polls until the page (or the service) has caught up: a save or a publish may take a while on a busy machine. */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

/**
 * A picture for the README: the part of the page from the top of `from` to the bottom of `to` (or all of `from`),
 * with a margin around it, without a pointer or focus ring.
 */
async function readmeImage(page: Page, name: string, from: Locator, to: Locator = from): Promise<void> {
  mkdirSync(README_IMAGES, { recursive: true });
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const top = await from.boundingBox();
  const bottom = await to.boundingBox();
  if (!top || !bottom) throw new Error(`${name}: nothing to show`);
  const margin = 16;
  const scrolled = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
  const left = Math.min(top.x, bottom.x);
  const right = Math.max(top.x + top.width, bottom.x + bottom.width);
  const clip = {
    x: Math.max(0, left + scrolled.x - margin),
    y: Math.max(0, top.y + scrolled.y - margin),
    width: right - left + 2 * margin,
    height: bottom.y + bottom.height - top.y + 2 * margin,
  };
  await page.screenshot({ path: join(README_IMAGES, `${name}.png`), animations: 'disabled', fullPage: true, clip });
}

/** The editor's view of the variant, as the tests read it from the API. */
interface TView {
  draft: { version: number; checks: Array<{ severity: string; rule: string; field: string }>; questions: Array<{ key: string; text: Record<string, string> }> };
}

/** Every plain-language rule the API checks texts by (src/surveys/plainLanguage.ts). */
const CHECK_RULES = ['missing_text', 'two_questions', 'sentence_too_long', 'long_sentence', 'officialese', 'passive', 'length_mismatch'];

/** Runs without a browser: the editor names no text that is missing, and has one for every value the API can send. */
describe('the survey editor texts', () => {
  const i18n = createI18n({ strict: true });
  const script = readFileSync(new URL('../../public/admin/surveyEditor.ts', import.meta.url), 'utf8');

  it('has every text the editor names, in every language', () => {
    const named = new Set([...script.matchAll(/'((?:survey|languageInSentence|nameIn|services|audit)\.[\w.-]+)'/g)].map((match) => match[1]!));
    expect(named.size).toBeGreaterThan(60);
    for (const language of LANGUAGES) for (const key of named) expect(i18n.hasText(language, 'admin', key), `${language}: admin:${key}`).toBe(true);
  });

  it('has a text for every question type, measure, operator and check rule', () => {
    const keys = [
      ...QUESTION_TYPES.map((type) => `survey.types.${type}`),
      ...MEASURES.map((measure) => `survey.measures.${measure}`),
      ...['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'answered', 'notAnswered'].flatMap((operator) => [`survey.condition.operators.${operator}`, `survey.condition.sentence.${operator}`]),
      ...CHECK_RULES.map((rule) => `survey.checks.rules.${rule}`),
      ...['error', 'warning'].map((severity) => `survey.checks.${severity}`),
    ];
    for (const language of LANGUAGES) for (const key of keys) expect(i18n.hasText(language, 'admin', key), `${language}: admin:${key}`).toBe(true);
    // The editor's own list of types is the API's.
    expect([...script.matchAll(/QUESTION_TYPES = \[([^\]]+)\]/g)][0]![1]!.match(/'(\w+)'/g)!.map((quoted) => quoted.slice(1, -1)).sort()).toEqual([...QUESTION_TYPES].sort());
  });
});

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

const CHOICE = {
  key: 'bezoekReden',
  text: { nl: 'Waarvoor kwam u bij ons?', pap: 'Pa kiko bo a bin serka nos?', en: 'What did you come to us for?' },
  options: [
    { key: 'afspraak', labels: { nl: 'Een afspraak', pap: 'Un sita', en: 'An appointment' } },
    { key: 'vraag', labels: { nl: 'Een vraag', pap: 'Un pregunta', en: 'A question' } },
  ],
};
/** 32 words in one sentence: more than the 25 a survey may publish. */
const LONG = 'Wij willen graag van u weten wat wij volgens u de volgende keer beter kunnen doen bij het helpen van inwoners die met een vraag bij ons aan de balie komen staan.';
const REMARK = {
  key: 'opmerking',
  text: { nl: 'Indien u nog iets kwijt wilt, schrijf het hier op.', pap: 'Bo tin algu mas pa bisa nos?', en: 'Is there anything else you want to tell us?' },
};

/**
 * The survey editor on the admin page, in a real browser against the real service: the CX team of `demo` builds its
 * own variant of the survey — a choice asked only to the less satisfied, and an open question — is told in plain
 * words what blocks publishing, next to the field, fixes it and publishes; a resident's next conversation asks the
 * new questions. In Dutch and Papiamentu, by keyboard, under the page's Content-Security-Policy, checked by axe-core.
 */
describe.skipIf(!HAS_CHROMIUM)('the survey editor in Chromium', () => {
  let browser: Browser;
  let running: TTestApp;
  let context: BrowserContext | undefined;
  let adminToken: string;
  let colleagueToken: string;

  beforeAll(async () => {
    browser = await launchChromium();
    running = await startTestApp({ QUIET_HOURS: 'off' });
    const tokens = new TokenService(running.database.prisma, TEST_SECRETS.HASH_SECRET);
    adminToken = (await tokens.create({ role: 'admin', name: 'cx', organisation: 'demo' })).token;
    colleagueToken = (await tokens.create({ role: 'admin', name: 'Collega KCC', organisation: 'demo' })).token;
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.stop();
  });

  async function openPage(language: string, viewport = { width: 1280, height: 1000 }): Promise<{ page: Page; problems: ReturnType<typeof watchProblems> }> {
    await context?.close();
    context = await browser.newContext({ locale: 'nl-NL', viewport, acceptDownloads: true });
    const page = await context.newPage();
    // A step that cannot happen fails in seconds, naming the step, instead of when the test times out.
    page.setDefaultTimeout(10_000);
    const problems = watchProblems(page);
    const response = await page.goto(`${running.url}/admin?lang=${language}`);
    expect(response?.status()).toBe(200);
    return { page, problems };
  }

  async function signIn(page: Page, of: TTexts): Promise<void> {
    await page.getByLabel(text(of, 'signIn.tokenLabel')).fill(adminToken);
    await page.getByRole('button', { name: text(of, 'signIn.submit') }).click();
    await eventually(() => page.locator('#survey-core li').count()).toBe(11);
  }

  const api = async (method: string, path: string, body?: unknown, token = adminToken) => {
    const response = await fetch(`${running.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const raw = await response.text();
    return { status: response.status, body: (raw ? JSON.parse(raw) : {}) as TView };
  };

  const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
  /** A field of an own question by its accessible name (the three texts are named by their language alone). */
  const textbox = (question: Locator, name: string) => question.getByRole('textbox', { name, exact: true });

  /** What the page says about a field: its checks and message, whether it is marked wrong and described by them. */
  async function fieldState(page: Page, field: Locator) {
    const id = (await field.getAttribute('id'))!;
    return {
      id,
      checks: (await page.locator(`#${id}-checks`).count()) > 0 ? ((await page.locator(`#${id}-checks`).textContent()) ?? '') : '',
      error: (await page.locator(`#${id}-error`).textContent()) ?? '',
      invalid: await field.getAttribute('aria-invalid'),
      describedBy: (await field.getAttribute('aria-describedby'))?.split(' ') ?? [],
    };
  }

  it('builds its own questions, says what blocks publishing next to the field, and publishes; a resident then gets them', async () => {
    const { prisma } = running.database;
    const { page, problems } = await openPage('nl');
    await signIn(page, nl);
    const core = page.locator('#survey-core');
    expect(await core.locator('li').first().textContent()).toContain('Hoe tevreden bent u over het contact met ons');
    expect(await page.locator('.core-panel .badge.core').textContent()).toBe(text(nl, 'survey.core.badge'));
    // The first draft offers the shared open question as the organisation's own; this one takes it out to start anew.
    const offered = page.locator('#survey-own > li');
    expect(await offered.count()).toBe(1);
    expect(await textbox(offered.nth(0), text(nl, 'nameIn.nl')).inputValue()).toBe(text(nlSurvey, 'questions.improvement'));
    await offered.nth(0).getByRole('button', { name: text(nl, 'survey.own.remove') }).click();
    expect(await page.locator('#survey-status').textContent()).toBe(text(nl, 'survey.own.removed', { number: 12 }));
    expect(await page.locator('#survey-own-empty').isVisible()).toBe(true);
    expect(await page.locator('#survey-live').textContent()).toBe(text(nl, 'survey.state.notPublished'));
    expect(await page.locator('#survey-publish').isDisabled()).toBe(true);

    // A choice, asked only when the resident was not satisfied (3 or lower on question 1).
    await page.getByLabel(text(nl, 'survey.add.type')).selectOption('choice');
    await page.getByRole('button', { name: text(nl, 'survey.add.button') }).click();
    const own = page.locator('#survey-own > li');
    const choice = own.nth(0);
    expect(await focusedId(page)).toMatch(/-text-nl$/);
    expect(await page.locator('#survey-status').textContent()).toBe(text(nl, 'survey.own.added', { number: 12, type: text(nl, 'survey.types.choice') }));
    expect(await choice.locator('legend').first().textContent()).toBe(text(nl, 'survey.own.legend', { number: 12, type: text(nl, 'survey.types.choice') }));
    for (const language of LANGUAGES) await textbox(choice, text(nl, `nameIn.${language}`)).fill(CHOICE.text[language]);
    await choice.getByLabel(text(nl, 'survey.fields.key')).fill(CHOICE.key);
    for (const [at, option] of CHOICE.options.entries()) {
      const answer = text(nl, 'survey.fields.option', { number: at + 1 });
      await textbox(choice, `${answer} ${text(nl, 'survey.fields.optionKey')}`).fill(option.key);
      for (const language of LANGUAGES) await textbox(choice, `${answer} ${text(nl, `nameIn.${language}`)}`).fill(option.labels[language]);
    }
    await choice.getByLabel(text(nl, 'survey.condition.question')).selectOption('satisfaction');
    expect(await choice.getByLabel(text(nl, 'survey.condition.operator'), { exact: true }).inputValue()).toBe('lte');
    expect(await choice.getByLabel(text(nl, 'survey.condition.value'), { exact: true }).inputValue()).toBe('3');
    expect(await choice.locator('.condition .summary').textContent()).toBe(text(nl, 'survey.condition.sentence.lte', { number: 1, value: 3 }));
    // Only the earlier questions can be chosen: the core ones.
    expect(await choice.getByLabel(text(nl, 'survey.condition.question')).locator('option').count()).toBe(1 + 11);

    // An open question, its Dutch sentence far too long and its Papiamentu not written yet.
    await page.getByLabel(text(nl, 'survey.add.type')).selectOption('text');
    await page.getByRole('button', { name: text(nl, 'survey.add.button') }).click();
    const remark = own.nth(1);
    await textbox(remark, text(nl, 'nameIn.nl')).fill(LONG);
    await textbox(remark, text(nl, 'nameIn.en')).fill(REMARK.text.en);
    await remark.getByLabel(text(nl, 'survey.fields.key')).fill(REMARK.key);
    expect(await remark.getByLabel(text(nl, 'survey.condition.question')).locator('option').count()).toBe(1 + 11 + 1);
    expect(await page.locator('#survey-dirty').isVisible()).toBe(true);
    expect(await page.locator('#survey-publish-why').textContent()).toBe(text(nl, 'survey.publish.whyDirty'));

    await page.getByRole('button', { name: text(nl, 'survey.save.button') }).click();
    await eventually(async () => (await api('GET', '/organisations/demo/survey')).body.draft.version).toBe(2);
    const saved = (await api('GET', '/organisations/demo/survey')).body;
    const errors = saved.draft.checks.filter((check) => check.severity === 'error').length;
    expect(errors).toBe(2);
    await eventually(() => page.locator('#survey-status').textContent()).toBe(text(nl, 'survey.save.savedWithErrors', { errors }));
    // Each finding next to its own field, in plain Dutch; the first wrong field has the focus.
    const dutch = await fieldState(page, textbox(remark, text(nl, 'nameIn.nl')));
    expect(dutch.checks).toContain(text(nl, 'survey.checks.rules.sentence_too_long', { count: 32, max: 25 }));
    expect(dutch).toMatchObject({ invalid: 'true' });
    expect(dutch.describedBy).toContain(`${dutch.id}-checks`);
    expect(await focusedId(page)).toBe(dutch.id);
    const papiamentu = await fieldState(page, textbox(remark, text(nl, 'nameIn.pap')));
    expect(papiamentu.checks).toBe(`${text(nl, 'survey.checks.error')}: ${text(nl, 'survey.checks.rules.missing_text', { language: text(nl, 'languageInSentence.pap') })}`);
    expect(papiamentu.invalid).toBe('true');
    expect(await fieldState(page, textbox(remark, text(nl, 'nameIn.en')))).toMatchObject({ checks: '', invalid: null });
    expect(await page.locator('#survey-summary').textContent()).toContain(text(nl, 'survey.checks.summary', { errors, warnings: saved.draft.checks.length - errors }));
    expect(await page.locator('#survey-publish').isDisabled()).toBe(true);
    expect(await page.locator('#survey-publish-why').textContent()).toBe(text(nl, 'survey.publish.whyErrors'));
    await readmeImage(page, 'survey-error-nl', page.locator('#survey-own > li').nth(1));

    // Fixed: a short Dutch sentence (with one word of officialese: advice, which does not block) and the Papiamentu.
    await textbox(remark, text(nl, 'nameIn.nl')).fill(REMARK.text.nl);
    await textbox(remark, text(nl, 'nameIn.pap')).fill(REMARK.text.pap);
    await page.getByRole('button', { name: text(nl, 'survey.save.button') }).click();
    await eventually(() => page.locator('#survey-status').textContent()).toBe(text(nl, 'survey.save.savedWithWarnings', { warnings: 1 }));
    const fixed = await fieldState(page, textbox(remark, text(nl, 'nameIn.nl')));
    expect(fixed).toMatchObject({ checks: `${text(nl, 'survey.checks.warning')}: ${text(nl, 'survey.checks.rules.officialese', { word: 'indien', instead: 'als' })}`, invalid: null });
    expect(await page.locator('#survey-publish').isEnabled()).toBe(true);
    expect(await page.locator('#survey-publish-why').textContent()).toBe(text(nl, 'survey.publish.ready'));
    expect(await page.locator('#survey-dirty').isHidden()).toBe(true);

    // Publishing asks first, and says what it means for residents.
    await page.getByRole('button', { name: text(nl, 'survey.publish.button') }).click();
    const dialog = page.getByRole('dialog', { name: text(nl, 'survey.publish.confirmHeading') });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(text(nl, 'survey.publish.confirmText'));
    await dialog.getByRole('button', { name: text(nl, 'survey.publish.confirmYes') }).click();
    await eventually(() => page.locator('#survey-status').textContent()).toBe(text(nl, 'survey.publish.done', { version: 1 }));
    expect(await page.locator('#survey-versions-table tbody tr').count()).toBe(1);
    expect(await page.locator('#survey-versions-table tbody tr').textContent()).toContain(text(nl, 'survey.versions.live'));
    expect(await page.locator('#survey-live').textContent()).toContain(text(nl, 'survey.state.published', { version: 1, date: '' }).split(' Gepubliceerd')[0]!);
    const version = await prisma.surveyVersion.findUniqueOrThrow({ where: { surveyId_version: { surveyId: 'demo', version: 1 } } });
    expect((JSON.parse(version.definition) as { questions: unknown[] }).questions.slice(-2)).toMatchObject([
      { key: CHOICE.key, type: 'choice', showIf: { question: 'satisfaction', lte: 3 }, options: ['afspraak', 'vraag'], text: CHOICE.text },
      { key: REMARK.key, type: 'text', text: REMARK.text },
    ]);

    // The log says it in Dutch.
    await page.locator('#audit-refresh').click();
    await eventually(() => page.locator('#audit-table tbody').textContent()).toContain(text(nl, 'audit.actions.survey-publish', { version: 1 }));
    expect(await page.locator('#audit-table tbody').textContent()).toContain(text(nl, 'audit.actions.survey-draft'));

    await expectNoSeriousViolations(page);
    await screenshot(page, 'survey-editor-nl');
    await readmeImage(page, 'survey-editor-nl', page.locator('#survey-heading'), page.locator('#survey-own > li').first());
    await readmeImage(page, 'survey-publish-nl', page.locator('#survey-own > li').nth(1), page.locator('#survey-versions-table'));
    expect(problems.errors).toEqual([]);

    // A resident's new conversation, in Papiamentu over Direct Line: dissatisfied, so asked the choice; types an option's label.
    const said = await converse(running.url, (question) => {
      if (question.includes(CHOICE.text.pap)) return 'un sita';
      if (question.includes(REMARK.text.pap)) return 'Mas tempu pa papia';
      return '2';
    });
    expect(said.find((message) => message.includes(CHOICE.text.pap))).toMatch(/di 13/);
    const answers = await prisma.answer.findMany({ where: { questionKey: { in: [CHOICE.key, REMARK.key] } } });
    expect(answers.map((answer) => [answer.questionKey, answer.text ?? answer.value])).toEqual(
      expect.arrayContaining([
        [CHOICE.key, 'afspraak'],
        [REMARK.key, 'Mas tempu pa papia'],
      ]),
    );
    const response = await prisma.response.findFirstOrThrow({ where: { id: answers[0]!.responseId }, include: { surveyVersion: true } });
    expect(response.surveyVersion).toMatchObject({ surveyId: 'demo', version: 1 });
  }, 120_000);

  it('works by keyboard in Papiamentu: adds, moves and removes a question, refuses a core key, and keeps a colleague’s save', async () => {
    const { page, problems } = await openPage('pap');
    await signIn(page, pap);
    const own = page.locator('#survey-own > li');
    await eventually(() => own.count()).toBe(2);
    expect(await page.getAttribute('html', 'lang')).toBe('pap');
    expect(await page.locator('#survey-core li').first().textContent()).toContain('Tur kos huntu, kon kontentu bo ta ku e kontakto ku nos?');
    expect(await own.nth(0).locator('.condition .summary').textContent()).toBe(text(pap, 'survey.condition.sentence.lte', { number: 1, value: 3 }));
    expect(await page.locator('#survey-publish').isEnabled()).toBe(true);

    // By keyboard alone: a yes/no question, written in three languages, moved up twice, then removed again.
    const picker = page.getByLabel(text(pap, 'survey.add.type'));
    await picker.focus();
    await picker.selectOption('yesno');
    expect(await focusedId(page)).toBe('survey-add-type');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('survey-add');
    await page.keyboard.press('Enter');
    await eventually(() => own.count()).toBe(3);
    expect(await focusedId(page)).toMatch(/-text-nl$/);
    await page.keyboard.type('Kon u ons spreken in uw eigen taal?');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toMatch(/-text-pap$/);
    await page.keyboard.type('Bo por a papia ku nos den bo mes idioma?');
    const third = own.nth(2);
    const up = third.getByRole('button', { name: text(pap, 'survey.own.up') });
    await up.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#survey-status').textContent()).toBe(text(pap, 'survey.own.moved', { number: 13 }));
    expect(await own.nth(1).locator('legend').first().textContent()).toBe(text(pap, 'survey.own.legend', { number: 13, type: text(pap, 'survey.types.yesno') }));
    expect(await focusedId(page)).toMatch(/-up$/);
    await page.keyboard.press('Enter');
    // At the top "up" cannot be pressed again: "down" has the focus.
    expect(await focusedId(page)).toMatch(/-down$/);
    expect(await own.nth(0).locator('textarea').first().inputValue()).toBe('Kon u ons spreken in uw eigen taal?');
    // The choice below still depends on question 1, now shown as its condition's earlier question list grew.
    expect(await own.nth(1).locator('.condition .summary').textContent()).toBe(text(pap, 'survey.condition.sentence.lte', { number: 1, value: 3 }));
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toMatch(/-remove$/);
    await page.keyboard.press('Enter');
    await eventually(() => own.count()).toBe(2);
    expect(await page.locator('#survey-status').textContent()).toBe(text(pap, 'survey.own.removed', { number: 12 }));
    expect(await focusedId(page)).toMatch(/-type$/);
    expect(await page.locator('#survey-dirty').isHidden()).toBe(true);

    // A key a core question has: said next to the key, before anything is sent.
    const remark = own.nth(1);
    const key = remark.getByLabel(text(pap, 'survey.fields.key'));
    await key.fill('trust');
    await page.getByRole('button', { name: text(pap, 'survey.save.button') }).click();
    const clash = await fieldState(page, key);
    expect(clash).toMatchObject({ error: text(pap, 'survey.errors.keyCore'), invalid: 'true' });
    expect(clash.describedBy).toContain(`${clash.id}-error`);
    expect(await focusedId(page)).toBe(clash.id);
    expect(await page.locator('#survey-error').textContent()).toBe(text(pap, 'survey.errors.checkFields'));
    await key.fill(REMARK.key);

    // A colleague saves the draft meanwhile: this save is refused, said plainly, and the admin chooses.
    const current = (await api('GET', '/organisations/demo/survey')).body;
    const elsewhere = await api('PUT', '/organisations/demo/survey/draft', { version: current.draft.version, questions: current.draft.questions.slice(0, 1) }, colleagueToken);
    expect(elsewhere.status).toBe(200);
    await textbox(remark, text(pap, 'nameIn.en')).fill('Anything else you would like to tell us?');
    await page.getByRole('button', { name: text(pap, 'survey.save.button') }).click();
    await eventually(() => page.locator('#survey-stale').isVisible()).toBe(true);
    expect(await page.locator('#survey-stale-text').textContent()).toBe(text(pap, 'survey.stale.text', { name: 'Collega KCC' }));
    expect(await focusedId(page)).toBe('survey-stale-load');
    await readmeImage(page, 'survey-stale-pap', page.locator('#survey-form .save-draft'));
    await page.getByRole('button', { name: text(pap, 'survey.stale.keep') }).click();
    await eventually(() => page.locator('#survey-status').textContent()).toBe(text(pap, 'survey.save.savedWithWarnings', { warnings: 1 }));
    const kept = (await api('GET', '/organisations/demo/survey')).body;
    expect(kept.draft.questions.map((question) => question.key)).toEqual([CHOICE.key, REMARK.key]);
    expect(kept.draft.questions[1]!.text.en).toBe('Anything else you would like to tell us?');

    // A published version, read only.
    await page.getByRole('button', { name: `${text(pap, 'survey.versions.view')} – ${text(pap, 'survey.versions.name', { version: 1 })}` }).click();
    await eventually(() => focusedId(page)).toBe('survey-version-heading');
    expect(await page.locator('#survey-version-heading').textContent()).toBe(text(pap, 'survey.versions.viewHeading', { version: 1 }));
    const shown = (await page.locator('#survey-version-questions').textContent()) ?? '';
    expect(shown).toContain(CHOICE.text.pap);
    expect(shown).toContain('Un sita');
    expect(shown).toContain(text(pap, 'survey.condition.sentence.lte', { number: 1, value: 3 }));
    expect(shown).toContain(REMARK.text.en === '' ? '' : REMARK.text.pap);
    await page.getByRole('button', { name: text(pap, 'survey.versions.close') }).click();
    expect(await focusedId(page)).toBe('');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain(text(pap, 'survey.versions.view'));

    await expectNoSeriousViolations(page);
    await readmeImage(page, 'survey-editor-pap', page.locator('#survey-own-heading'), page.locator('#survey-own > li').first());
    // The refusal this test asked for: the colleague's save first (409).
    expect(problems.errors.filter((error) => !/\b409\b/.test(error))).toEqual([]);
  }, 60_000);

  it('tries the saved draft in a framed chat, in Papiamentu, and keeps none of its answers', async () => {
    const { prisma } = running.database;
    // The admin page frames the web chat page at /admin/preview: its policy allows a frame from its own origin only.
    const policy = (await fetch(`${running.url}/admin`)).headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/frame-src 'self'/);
    expect(policy).toContain("frame-ancestors 'none'");
    const { page, problems } = await openPage('pap');
    await signIn(page, pap);
    await eventually(() => page.locator('#survey-own > li').count()).toBe(2);
    const before = { answers: await prisma.answer.count(), responses: await prisma.response.count() };

    expect(await page.getByLabel(text(pap, 'survey.try.language')).inputValue()).toBe('pap');
    await page.getByRole('button', { name: text(pap, 'survey.try.start') }).click();
    await eventually(() => page.locator('#survey-status').textContent()).toBe(text(pap, 'survey.try.started'));
    expect(await page.locator('#survey-try-frame iframe').getAttribute('title')).toBe(text(pap, 'survey.try.frameTitle'));
    const chat = page.frameLocator('#survey-try-frame iframe');
    const chatTexts = JSON.parse(readFileSync(new URL('../../locales/pap/chat.json', import.meta.url), 'utf8')) as TTexts;
    const said = (message: string) => chat.getByText(message, { exact: false }).first();
    await said(text(chatTexts, 'consent.question')).waitFor({ timeout: 20_000 });
    await chat.getByRole('button', { name: text(chatTexts, 'buttons.yes'), exact: true }).last().click();
    // Not satisfied (2) on every core question: the choice comes as question 12 of 13, the open question after it.
    for (let number = 1; number <= 11; number += 1) {
      await said(text(chatTexts, 'progress.question', { number, total: 13 })).waitFor({ timeout: 10_000 });
      const input = chat.getByRole('textbox').first();
      await input.fill('2');
      await input.press('Enter');
    }
    await said(CHOICE.text.pap).waitFor({ timeout: 10_000 });
    await said(text(chatTexts, 'progress.question', { number: 12, total: 13 })).waitFor();
    await chat.getByRole('button', { name: 'Un sita', exact: true }).last().click();
    await said(REMARK.text.pap).waitFor({ timeout: 10_000 });
    await page.locator('#survey-try').scrollIntoViewIfNeeded();
    await readmeImage(page, 'survey-try-pap', page.locator('#survey-try'));
    // A trial keeps nothing: no response, no answer, no figure.
    expect({ answers: await prisma.answer.count(), responses: await prisma.response.count() }).toEqual(before);

    await page.getByRole('button', { name: text(pap, 'survey.try.stop') }).click();
    expect(await page.locator('#survey-try-frame iframe').count()).toBe(0);
    expect(await focusedId(page)).toBe('survey-try-start');
    await expectNoSeriousViolations(page);
    expect(problems.errors).toEqual([]);
  }, 90_000);

  it('downloads the draft as a file and reads a file in, refusing one that changes a core question', async () => {
    const { page, problems } = await openPage('pap');
    await signIn(page, pap);
    await eventually(() => page.locator('#survey-own > li').count()).toBe(2);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.getByRole('button', { name: text(pap, 'survey.files.exportDraft') }).click()]);
    expect(download.suggestedFilename()).toBe('demo-draft.json');
    const file = JSON.parse(readFileSync(await download.path(), 'utf8')) as { extends: string; questions: Array<{ key: string; text: unknown }> };
    expect(file.extends).toBe('meethuis');
    expect(file.questions.map((question) => question.key)).toEqual([CHOICE.key, REMARK.key]);
    expect(file.questions[0]!.text).toEqual(CHOICE.text);
    await eventually(() => page.locator('#survey-status').textContent()).toBe(text(pap, 'survey.files.exportedDraft'));

    const input = page.getByLabel(text(pap, 'survey.files.importLabel'));
    const importButton = page.getByRole('button', { name: text(pap, 'survey.files.import') });
    // Not JSON at all.
    await input.setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('this is not json') });
    await importButton.click();
    await eventually(() => fieldState(page, input)).toMatchObject({ error: text(pap, 'survey.files.notJson'), invalid: 'true' });
    expect(await focusedId(page)).toBe('survey-import-file');

    // A file that brings a core question of its own: refused, naming the question in the file.
    const withCore = { ...file, questions: [{ key: 'trust', type: 'scale5', core: true, text: CHOICE.text }, ...file.questions] };
    await input.setInputFiles({ name: 'otro.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(withCore)) });
    await importButton.click();
    const dialog = page.getByRole('dialog', { name: text(pap, 'survey.files.confirmHeading') });
    await dialog.getByRole('button', { name: text(pap, 'survey.files.confirmYes') }).click();
    await eventually(() => fieldState(page, input)).toMatchObject({ error: text(pap, 'survey.files.changesCore', { number: 1 }), invalid: 'true' });

    // The file itself, with its remark made shorter: it becomes the draft.
    const shorter = { ...file, questions: [file.questions[0], { ...file.questions[1], text: { ...REMARK.text, nl: 'Wilt u ons nog iets vertellen?' } }] };
    await input.setInputFiles({ name: 'otro.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(shorter)) });
    await importButton.click();
    await dialog.getByRole('button', { name: text(pap, 'survey.files.confirmYes') }).click();
    await eventually(() => page.locator('#survey-status').textContent()).toBe(text(pap, 'survey.files.imported', { count: 2 }));
    expect(await page.locator('#survey-own > li').nth(1).getByRole('textbox', { name: text(pap, 'nameIn.nl'), exact: true }).inputValue()).toBe('Wilt u ons nog iets vertellen?');
    expect(await fieldState(page, input)).toMatchObject({ error: '', invalid: null });
    expect(problems.errors.filter((error) => !/\b400\b/.test(error))).toEqual([]);

    // It fits a phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectNoSeriousViolations(page);
    await screenshot(page, 'survey-phone-pap');
    await page.locator('#survey-own > li').first().screenshot({ path: join(ARTIFACTS_DIR, 'survey-phone-question-pap.png') });
  }, 60_000);

  it('says when a newer core is available, and publishing again brings it', async () => {
    const { prisma } = running.database;
    // The shared core gets a new version (the operator's: a new surveys/meethuis.json at start-up).
    const newest = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' }, orderBy: { version: 'desc' } });
    const definition = JSON.parse(newest.definition) as { version: number; questions: Array<{ key: string; allowDontKnow?: boolean }> };
    const next = newest.version + 1;
    definition.version = next;
    definition.questions = definition.questions.map((question) => (question.key === 'trust' ? { ...question, allowDontKnow: false } : question));
    await prisma.surveyVersion.create({ data: { surveyId: 'meethuis', version: next, contentHash: `test-core-${next}`, definition: JSON.stringify(definition) } });

    const { page, problems } = await openPage('nl');
    await signIn(page, nl);
    await eventually(() => page.locator('#survey-newer-core').isVisible()).toBe(true);
    expect(await page.locator('#survey-newer-core-text').textContent()).toBe(text(nl, 'survey.newerCore', { version: next }));
    await readmeImage(page, 'survey-newer-core-nl', page.locator('#survey-heading'), page.locator('#survey-newer-core'));
    await page.getByRole('button', { name: text(nl, 'survey.publish.button') }).click();
    await page.getByRole('dialog').getByRole('button', { name: text(nl, 'survey.publish.confirmYes') }).click();
    await eventually(() => page.locator('#survey-status').textContent()).toBe(text(nl, 'survey.publish.done', { version: 2 }));
    expect(await page.locator('#survey-newer-core').isHidden()).toBe(true);
    const rows = page.locator('#survey-versions-table tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain(text(nl, 'survey.versions.name', { version: next }));
    expect(await rows.nth(1).textContent()).toContain(text(nl, 'survey.versions.name', { version: newest.version }));

    // Another language without a reload: the editor, its questions and the message just shown.
    await page.getByRole('button', { name: 'English', exact: true }).click();
    const en = texts('en');
    expect(await page.locator('#survey-heading').textContent()).toBe(text(en, 'survey.heading'));
    expect(await page.locator('#survey-own > li').first().locator('legend').first().textContent()).toBe(
      text(en, 'survey.own.legend', { number: 12, type: text(en, 'survey.types.choice') }),
    );
    expect(await page.locator('#survey-own > li').first().locator('.condition .summary').textContent()).toBe(text(en, 'survey.condition.sentence.lte', { number: 1, value: 3 }));
    expect(await page.locator('#survey-core li').first().textContent()).toContain('how satisfied');
    expect(await page.locator('#survey-status').textContent()).toBe(text(en, 'survey.publish.done', { version: 2 }));
    expect(problems.errors).toEqual([]);
  });
});

/**
 * A resident's conversation over Direct Line in Papiamentu: consent, then `answer` for every question until the last
 * one is answered. New conversations pick a published version up within a second or so; until then, start again.
 */
async function converse(url: string, answer: (question: string) => string): Promise<string[]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const resident = await DirectLineTestClient.start(url, { organisation: 'demo', language: 'pap' });
    await resident.poll();
    const said: string[] = [];
    const reply = async (text: string): Promise<string> => {
      await resident.say(text);
      for (let poll = 0; poll < 60; poll++) {
        const bot = (await resident.poll()).filter((activity) => (activity.from as { role?: string }).role === 'bot');
        if (bot.length > 0) {
          const message = bot.map((activity) => (typeof activity.text === 'string' ? activity.text : '')).join('\n');
          said.push(message);
          return message;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no answer to "${text}"`);
    };
    let last = await reply('si');
    if (!/di 13/.test(last)) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    for (let turn = 0; turn < 20 && /di 13/.test(last); turn++) last = await reply(answer(last));
    return said;
  }
  throw new Error('the published survey never reached a new conversation');
}

/** axe-core on the page as it is: no serious or critical violation. */
async function expectNoSeriousViolations(page: Page): Promise<void> {
  await page.evaluate(axe.source);
  const { violations, rulesPassed } = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return {
      rulesPassed: result.passes.length,
      violations: result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5) })),
    };
  });
  expect(rulesPassed).toBeGreaterThan(20);
  expect(violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')).toEqual([]);
}
