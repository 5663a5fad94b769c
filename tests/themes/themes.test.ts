import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import type { TLanguage } from '../../src/i18n/languages';
import { AnswerStore } from '../../src/scoring/answerStore';
import { foldPendingRollups } from '../../src/scoring/rollups';
import { ThemeLexicons } from '../../src/themes/themeLexicons';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { runCli } from '../support/cli';

/**
 * Theme counts, comments and the organisation's lexicon, through the real service: answers stored through the
 * answer store (the bot's write path), figures and comments read through the API as an analyst reads them.
 */

const MIN = 5;
const labelled = (JSON.parse(readFileSync(new URL('../fixtures/themes/labelled-open-answers.json', import.meta.url), 'utf8')) as Array<{ language: TLanguage; text: string }>).filter(
  (answer) => answer.language !== 'pap',
);

let running: TTestApp;
let store: AnswerStore;
let lexicons: ThemeLexicons;
const tokens = { analyst: '', demoAnalyst: '', bonaireAnalyst: '', demoAdmin: '' };
let now = new Date('2026-03-02T10:00:00Z');
const ids = { demo: '', bonaire: '', version: '', paspoort: '', afval: '' };
let residents = 0;

async function respond(options: { service: string; language: TLanguage; satisfaction: number; text: string | null; day: string; organisation?: string }) {
  now = new Date(`${options.day}T11:00:00Z`);
  residents += 1;
  const response = await store.startResponse({
    surveyVersionId: ids.version,
    organisationId: options.organisation ?? ids.demo,
    serviceId: options.service,
    chatChannel: 'webchat',
    language: options.language,
    source: 'self',
    residentKey: `resident-${residents}`,
    conversationKey: `conversation-${residents}`,
  });
  await store.recordAnswers(response.id, [
    { questionKey: 'satisfaction', measure: 'satisfaction', value: options.satisfaction },
    options.text === null ? { questionKey: 'improvement', skipped: true } : { questionKey: 'improvement', text: options.text, open: true },
  ]);
  await store.completeResponse(response.id);
  return response.id;
}

async function call(path: string, token: string, init: RequestInit = {}) {
  const response = await fetch(`${running.url}/api${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> & { groups?: Array<Record<string, unknown>> } };
}

/** The theme counts recounted from the raw answers, by the tags stored with each: per service and month. */
async function recount(): Promise<Map<string, { comments: number; themes: Record<string, number> }>> {
  const rows = await running.database.prisma.answer.findMany({
    where: { questionKey: 'improvement', themes: { not: null }, response: { organisationId: ids.demo } },
    select: { themes: true, text: true, response: { select: { startedAt: true, service: { select: { slug: true } } } } },
  });
  const groups = new Map<string, { comments: number; themes: Record<string, number> }>();
  for (const row of rows) {
    if (!row.text?.trim()) continue;
    const key = `${row.response.service?.slug}/${row.response.startedAt.toISOString().slice(0, 7)}`;
    const group = groups.get(key) ?? { comments: 0, themes: {} };
    group.comments += 1;
    for (const theme of Object.keys(JSON.parse(row.themes!) as object)) group.themes[theme] = (group.themes[theme] ?? 0) + 1;
    groups.set(key, group);
  }
  return groups;
}

async function reportedThemes() {
  const { json } = await call('/kpis/themes?survey=meethuis&organisation=demo&service=paspoort&groupBy=service,period:month', tokens.analyst);
  const reported = new Map<string, { comments: number; themes: Record<string, number> } | 'withheld'>();
  for (const group of json.groups!) {
    const key = group.key as { service: string; period: string };
    const comments = group.comments as { n: number; themes: Record<string, { count: number }> } | { suppressed: true } | undefined;
    if (!comments || 'suppressed' in comments) {
      reported.set(`${key.service}/${key.period}`, 'withheld');
      continue;
    }
    const themes = Object.fromEntries(Object.entries(comments.themes).filter(([, { count }]) => count > 0).map(([theme, { count }]) => [theme, count]));
    reported.set(`${key.service}/${key.period}`, { comments: comments.n, themes });
  }
  return reported;
}

beforeAll(async () => {
  running = await startTestApp({ MIN_GROUP_SIZE: String(MIN), RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_TOKEN_PER_MINUTE: '10000' });
  const { prisma } = running.database;
  lexicons = new ThemeLexicons(prisma);
  store = new AnswerStore(running.database, () => now, undefined, lexicons);
  ids.demo = (await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
  ids.bonaire = (await prisma.organisation.findUniqueOrThrow({ where: { slug: 'bonaire' } })).id;
  ids.version = (await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' }, orderBy: { version: 'desc' } })).id;
  ids.paspoort = (await prisma.service.findFirstOrThrow({ where: { organisationId: ids.demo, slug: 'paspoort' } })).id;
  ids.afval = (await prisma.service.findFirstOrThrow({ where: { organisationId: ids.demo, slug: 'afval' } })).id;
  const service = new TokenService(prisma, TEST_SECRETS.HASH_SECRET);
  tokens.analyst = (await service.create({ role: 'analyst', name: 'all' })).token;
  tokens.demoAnalyst = (await service.create({ role: 'analyst', name: 'demo', organisation: 'demo' })).token;
  tokens.bonaireAnalyst = (await service.create({ role: 'analyst', name: 'bonaire', organisation: 'bonaire' })).token;
  tokens.demoAdmin = (await service.create({ role: 'admin', name: 'cx demo', organisation: 'demo' })).token;

  // Paspoort: two months with many comments; afval: a handful (below the minimum).
  for (let index = 0; index < 40; index++) {
    const answer = labelled[index % labelled.length]!;
    await respond({ service: ids.paspoort, language: answer.language, satisfaction: 1 + (index % 5), text: index % 4 === 3 ? null : answer.text, day: index < 20 ? '2026-02-10' : '2026-03-12' });
  }
  for (let index = 0; index < 6; index++) {
    const text = index < 3 ? 'De afvalwijzer op de website klopte niet, de container werd niet geleegd.' : null;
    await respond({ service: ids.afval, language: 'nl', satisfaction: 2, text, day: '2026-03-13' });
  }
  // Rijbewijs: two residents, both with a comment — too few to show.
  const rijbewijs = (await prisma.service.findFirstOrThrow({ where: { organisationId: ids.demo, slug: 'rijbewijs' } })).id;
  for (let index = 0; index < 2; index++) await respond({ service: rijbewijs, language: 'en', satisfaction: 1, text: 'The theory exam date was moved twice.', day: '2026-03-14' });
  await foldPendingRollups(running.database);
}, 120_000);
afterAll(() => running.stop());

describe('theme counts in the figures', () => {
  it('equal a recount from the raw answers, per month', async () => {
    const expected = await recount();
    const reported = await reportedThemes();
    expect(expected.get('paspoort/2026-02')!.comments).toBe(15);
    for (const key of ['paspoort/2026-02', 'paspoort/2026-03']) expect(reported.get(key), key).toEqual(expected.get(key));
  });

  it('are withheld where fewer responses than the minimum left an open answer', async () => {
    const { json } = await call('/kpis/themes?survey=meethuis&organisation=demo&service=afval', tokens.analyst);
    // Six responses are enough to show the group; three with an open answer are too few to count themes in.
    expect(json.groups).toEqual([{ key: {}, n: 6, suppressed: false, comments: { suppressed: true, reason: 'small' } }]);
  });

  it('follow a changed answer and an erased resident', async () => {
    const id = await respond({ service: ids.paspoort, language: 'nl', satisfaction: 3, text: 'De leges zijn te hoog.', day: '2026-03-20' });
    let reported = (await reportedThemes()).get('paspoort/2026-03');
    expect(reported).toEqual((await recount()).get('paspoort/2026-03'));
    await store.recordAnswer(id, { questionKey: 'improvement', text: 'Ik moest lang wachten aan de balie.', open: true });
    reported = (await reportedThemes()).get('paspoort/2026-03');
    expect(reported).toEqual((await recount()).get('paspoort/2026-03'));
    expect(await store.eraseResident(`resident-${residents}`)).toBe(1);
    expect((await reportedThemes()).get('paspoort/2026-03')).toEqual((await recount()).get('paspoort/2026-03'));
  });
});

describe('comments', () => {
  it('shows the scrubbed open answers newest first, by theme with the words that matched, and searchable', async () => {
    const { status, json } = await call('/comments?survey=meethuis&organisation=demo&service=paspoort', tokens.demoAnalyst);
    expect(status).toBe(200);
    const comments = json.comments as Array<{ day: string; text: string; themes: Record<string, string[]> }>;
    expect(json.suppressed).toBe(false);
    expect(comments).toHaveLength(20);
    expect(json.total).toBe(30);
    expect(json.nextOffset).toBe(20);
    expect(comments.map((comment) => comment.day)).toEqual([...comments.map((comment) => comment.day)].sort().reverse());
    expect(comments[0]!.day).toBe('2026-03-12');

    const page2 = await call('/comments?survey=meethuis&organisation=demo&service=paspoort&offset=20', tokens.demoAnalyst);
    expect((page2.json.comments as unknown[]).length).toBe(10);
    expect(page2.json.nextOffset).toBeNull();

    const byTheme = await call('/comments?survey=meethuis&organisation=demo&service=paspoort&theme=waitingTime', tokens.demoAnalyst);
    const tagged = byTheme.json.comments as Array<{ themes: Record<string, string[]> }>;
    expect(tagged.length).toBeGreaterThan(0);
    for (const comment of tagged) expect(comment.themes.waitingTime!.length).toBeGreaterThan(0);
    const terms = byTheme.json.matchedTerms as Array<{ term: string; count: number }>;
    expect(terms.reduce((sum, { count }) => sum + count, 0)).toBeGreaterThanOrEqual(tagged.length);

    const searched = await call(`/comments?survey=meethuis&organisation=demo&q=${encodeURIComponent('WEBSITE')}`, tokens.demoAnalyst);
    const found = searched.json.comments as Array<{ text: string }>;
    expect(found.length).toBeGreaterThan(0);
    for (const comment of found) expect(comment.text.toLowerCase()).toContain('website');
  });

  it('hides them where the group in view is smaller than the minimum, and writes every view to the audit log', async () => {
    const before = await running.database.prisma.auditLog.count({ where: { action: 'comments.read' } });
    const small = await call('/comments?survey=meethuis&organisation=demo&service=rijbewijs', tokens.demoAnalyst);
    expect(small.status).toBe(200);
    expect(small.json).toEqual({ suppressed: true, minGroupSize: MIN, n: null, reason: 'small' });
    await call('/comments?survey=meethuis&organisation=demo&service=paspoort', tokens.demoAnalyst);
    const logged = await running.database.prisma.auditLog.findMany({ where: { action: 'comments.read' }, orderBy: { at: 'asc' }, skip: before });
    expect(logged).toHaveLength(2);
    expect(logged.map((entry) => JSON.parse(entry.details!).shown)).toEqual([false, true]);
    expect(logged.every((entry) => entry.actor === 'demo')).toBe(true);
  });

  it("never shows another organisation's comments to a scoped analyst", async () => {
    expect((await call('/comments?survey=meethuis&organisation=demo', tokens.bonaireAnalyst)).status).toBe(403);
    const own = await call('/comments?survey=meethuis', tokens.bonaireAnalyst);
    expect(own.json).toMatchObject({ suppressed: true });
  });

  it('refuses a hostile query with a 400', async () => {
    for (const query of ['q=%25%25', 'q=a', 'theme=Waiting-Time', 'limit=1000', 'offset=-1', 'from=2026-02-30']) {
      expect((await call(`/comments?survey=meethuis&${query}`, tokens.demoAnalyst)).status, query).toBe(400);
    }
  });
});

describe("an organisation's own words", () => {
  it('tag new answers, refuse a stale save, and a re-tag moves the answers still kept', async () => {
    const view = await call('/organisations/demo/themes', tokens.demoAdmin);
    expect(view.status).toBe(200);
    expect(view.json.version).toBe(0);
    const themes = {
      parking: { labels: { nl: 'Parkeren', pap: 'Parker', en: 'Parking' }, terms: { nl: ['parkeer*'], pap: [], en: ['parking'] } },
      digital: { terms: { nl: ['afvalwijzer'], pap: [], en: [] } },
    };
    const saved = await call('/organisations/demo/themes', tokens.demoAdmin, { method: 'PUT', body: JSON.stringify({ version: 0, themes }) });
    expect(saved.status).toBe(200);
    expect(saved.json.version).toBe(1);
    const stale = await call('/organisations/demo/themes', tokens.demoAdmin, { method: 'PUT', body: JSON.stringify({ version: 0, themes: {} }) });
    expect(stale.status).toBe(409);
    const unlabelled = await call('/organisations/demo/themes', tokens.demoAdmin, { method: 'PUT', body: JSON.stringify({ version: 1, themes: { queue: { terms: { nl: ['rij'] } } } }) });
    expect(unlabelled.status).toBe(400);
    expect((await call('/organisations/bonaire/themes', tokens.demoAdmin)).status).toBe(403);

    // Stored from now on: tagged with the new words (the lexicon cache notices the save within a second).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await respond({ service: ids.paspoort, language: 'nl', satisfaction: 2, text: 'Geen parkeerplek bij het stadhuis.', day: '2026-03-21' });
    const stored = await running.database.prisma.answer.findFirstOrThrow({ where: { text: 'Geen parkeerplek bij het stadhuis.' } });
    expect(JSON.parse(stored.themes!)).toEqual({ parking: ['parkeer*'] });

    // The afval answers were stored before "afvalwijzer" was a word of digital; the re-tag adds it, figures follow.
    const { code, stdout } = await runCli(running.database.url, ['themes', 'retag', 'demo']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/3 open answers of demo changed/);
    const afval = await running.database.prisma.answer.findMany({ where: { text: { contains: 'afvalwijzer' } } });
    for (const answer of afval) expect(JSON.parse(answer.themes!).digital).toContain('afvalwijzer');
    const report = await call('/kpis/themes?survey=meethuis&organisation=demo&groupBy=service', tokens.analyst);
    const themeKeys = (report.json.themes as Array<{ key: string }>).map((theme) => theme.key);
    expect(themeKeys).toContain('parking');
    const reported = await reportedThemes();
    const expected = await recount();
    for (const key of ['paspoort/2026-02', 'paspoort/2026-03']) expect(reported.get(key), key).toEqual(expected.get(key));
    const { json: audit } = { json: await running.database.prisma.auditLog.count({ where: { action: 'themes.update' } }) };
    expect(audit).toBe(1);
  });
});

describe('the overview', () => {
  it('carries the same figures as the separate calls, from one read', async () => {
    const query = 'survey=meethuis&organisation=demo&from=2026-02-01&to=2026-03-31';
    const overview = (await call(`/kpis/overview?${query}&period=month`, tokens.analyst)).json as Record<string, Record<string, unknown>>;
    expect(overview.kpis).toEqual((await call(`/kpis?${query}`, tokens.analyst)).json);
    expect(overview.trend).toEqual((await call(`/kpis?${query}&groupBy=period:month`, tokens.analyst)).json);
    expect(overview.drivers).toEqual((await call(`/kpis/drivers?${query}`, tokens.analyst)).json);
    for (const dimension of ['service', 'language', 'location']) {
      expect(overview.breakdowns![dimension]).toEqual((await call(`/kpis?${query}&groupBy=${dimension}`, tokens.analyst)).json);
    }
    expect(overview.themes).toEqual((await call(`/kpis/themes?${query}`, tokens.analyst)).json);
    expect(overview.themeTrend).toEqual((await call(`/kpis/themes?${query}&groupBy=period:month`, tokens.analyst)).json);
  });
});
