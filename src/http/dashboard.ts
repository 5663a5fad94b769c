import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TI18n } from '../i18n/i18n';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { builtPageScript, pageLanguage, PUBLIC_DIR } from './pages';
import { jsonForScript, OWN_FILES_ONLY_CSP, PAGE_SECURITY_HEADERS } from './pageSafety';
import { AppError } from '../kernel/errors';
import { type Response, type THttpServer, stringParam } from './server';

/** The dashboard draws its charts on canvas and sets its texts with textContent: nothing inline is needed. */
const COMMON_HEADERS = {
  'Content-Security-Policy': OWN_FILES_ONLY_CSP,
  ...PAGE_SECURITY_HEADERS,
  'X-Frame-Options': 'DENY',
};

export interface TDashboardOptions {
  i18n: TI18n;
  publicDir?: string;
}

/**
 * `/dashboard` for analysts: a page whose script asks the KPI API with the analyst's token (typed into the page,
 * kept for the tab). The page carries its texts in every language (it switches without a reload); the server hands
 * out a fixed list of files, so no request path ever reaches the file system.
 */
export function registerDashboard({ route }: THttpServer, options: TDashboardOptions): void {
  const dir = join(options.publicDir ?? PUBLIC_DIR, 'dashboard');
  const files = new Map<string, { body: Buffer; type: string }>([
    ['app.js', { body: builtPageScript('dashboard', 'app.js'), type: 'text/javascript; charset=utf-8' }],
    ['app.css', { body: readFileSync(join(dir, 'app.css')), type: 'text/css; charset=utf-8' }],
  ]);
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const texts = Object.fromEntries(LANGUAGES.map((language) => [language, options.i18n.instance.getResourceBundle(language, 'dashboard') as unknown]));

  const send = (res: Response, body: Buffer | string, type: string, cacheControl: string) => {
    res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': type, 'Cache-Control': cacheControl });
    res.end(body);
  };

  route('get', '/dashboard', async (req, res) => {
    const { language } = pageLanguage(req);
    send(res, renderDashboard(template, language, texts), 'text/html; charset=utf-8', 'no-cache');
  });

  route('get', '/dashboard/:file', async (req, res) => {
    const found = files.get(stringParam(req.params, 'file') ?? '');
    if (!found) throw new AppError('not-found', 'not_found', 'No such dashboard file.');
    send(res, found.body, found.type, 'public, max-age=300');
  });
}

function renderDashboard(template: string, language: TLanguage, texts: Record<string, unknown>): string {
  const config = { language, languages: LANGUAGES, texts };
  return template.replace(/\{\{(lang|config)\}\}/g, (_match, key: string) => (key === 'lang' ? language : jsonForScript(config)));
}
