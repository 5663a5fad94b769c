import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { TOrganisationDirectory } from '../dialogs/organisationDirectory';
import type { TI18n } from '../i18n/i18n';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { ZSlug } from '../kernel/slug';
import type { TLocalisedName } from '../organisations/model';
import { builtPageScript, pageLanguage, pageTextBundles, PUBLIC_DIR } from './pages';
import { jsonForScript, OWN_FILES_ONLY_CSP, setPageSecurityHeaders } from './pageSafety';
import type { Request, Response, THttpServer } from './server';

/** The report's own files beside its page; a fixed list, so no request path ever reaches the file system. */
const REPORT_ASSETS = { 'report.css': 'text/css; charset=utf-8' } as const;

const DEFAULT_SURVEY = 'meethuis';

/** A calendar month (`2026-10`) or quarter (`2026-Q3`), as the API keys the periods of a trend. */
const ZReportPeriod = z.string().regex(/^20\d\d-(?:0[1-9]|1[0-2]|Q[1-4])$/, 'must be a month such as 2026-10 or a quarter such as 2026-Q3');

/** The parameters the page says are wrong (given and invalid, an organisation we do not know, or no period), in its order. */
const REPORT_PROBLEMS = ['organisation', 'period', 'survey'] as const;
type TReportProblem = (typeof REPORT_PROBLEMS)[number];

interface TReportRequest {
  survey: string;
  /** Null: none asked for; the signed-in page offers the organisations the token sees. */
  organisation: { slug: string; names: TLocalisedName } | null;
  period: string | null;
  problems: TReportProblem[];
}

export interface TReportPageOptions {
  i18n: TI18n;
  /** Where the organisation's name comes from: the report's title names it in every language. */
  organisations: Pick<TOrganisationDirectory, 'organisationBySlug'>;
  publicDir?: string;
}

/**
 * `/report?organisation=…&period=2026-10|2026-Q3[&survey=…][&lang=…]`: the report for the board an analyst opens from
 * the dashboard and prints to PDF. The page is rendered with the parameters checked and the organisation's name; its
 * script asks the KPI API with the analyst's token (the dashboard's, kept for the tab). A wrong parameter gives the
 * page with a message saying which, never an error: it is what a person opened.
 */
export function registerReportPage({ route }: THttpServer, options: TReportPageOptions): void {
  const dir = join(options.publicDir ?? PUBLIC_DIR, 'report');
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const assets = new Map<string, { body: Buffer; type: string }>([
    ...Object.entries(REPORT_ASSETS).map(([name, type]) => [name, { body: readFileSync(join(dir, name)), type }] as const),
    ['report.js', { body: builtPageScript('report', 'report.js'), type: 'text/javascript; charset=utf-8' }] as const,
  ]);
  // The sign-in is the dashboard's, and so are the names of drivers, tests and quadrants: one text for both pages.
  const reportTexts = pageTextBundles(options.i18n, 'report');
  const dashboardTexts = pageTextBundles(options.i18n, 'dashboard');
  const texts = Object.fromEntries(LANGUAGES.map((language) => [language, { ...reportTexts[language], dashboard: dashboardTexts[language] }]));

  const send = (res: Response, body: string | Buffer, type: string, cacheControl: string) => {
    setPageSecurityHeaders(res);
    res.header('Content-Security-Policy', OWN_FILES_ONLY_CSP);
    res.header('X-Frame-Options', 'DENY');
    res.header('Content-Type', type);
    res.header('Cache-Control', cacheControl);
    res.sendRaw(200, body);
  };

  route('get', '/report', async (req, res) => {
    const request = await readRequest(req, options.organisations);
    send(res, renderReportPage(template, { language: pageLanguage(req).language, texts, request }), 'text/html; charset=utf-8', 'no-store');
  });
  for (const [name, asset] of assets) {
    route('get', `/report/${name}`, async (_req, res) => send(res, asset.body, asset.type, 'no-cache'));
  }
}

/** The query, checked: each parameter given and wrong is named; the organisation is looked up for its name. */
async function readRequest(req: Request, organisations: TReportPageOptions['organisations']): Promise<TReportRequest> {
  const query = z.record(z.string(), z.unknown()).catch({}).parse(req.query);
  const problems = new Set<TReportProblem>();
  const read = <T>(name: TReportProblem, schema: z.ZodType<T>): T | null => {
    if (query[name] === undefined) return null;
    const parsed = schema.safeParse(query[name]);
    if (!parsed.success) problems.add(name);
    return parsed.success ? parsed.data : null;
  };
  const survey = read('survey', ZSlug) ?? DEFAULT_SURVEY;
  const slug = read('organisation', ZSlug);
  const period = read('period', ZReportPeriod);
  if (period === null) problems.add('period');
  const found = slug === null ? undefined : await organisations.organisationBySlug(slug);
  if (slug !== null && !found) problems.add('organisation');
  return {
    survey,
    organisation: found ? { slug: found.slug, names: found.names } : null,
    period,
    problems: REPORT_PROBLEMS.filter((problem) => problems.has(problem)),
  };
}

interface TRenderInput {
  language: TLanguage;
  texts: Record<string, unknown>;
  request: TReportRequest;
}

/** Fills the template; the texts and the request go to the script as JSON, which sets every text as textContent. */
export function renderReportPage(template: string, { language, texts, request }: TRenderInput): string {
  const config = { language, languages: LANGUAGES, texts, request };
  return template.replace(/\{\{(lang|config)\}\}/g, (_match, key: string) => (key === 'lang' ? language : jsonForScript(config)));
}
