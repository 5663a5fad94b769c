import { OWN_FILES_ONLY_CSP, PAGE_SECURITY_HEADERS } from './pageSafety';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOCALES_DIR, readLocaleFile } from '../i18n/i18n';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { AppError } from '../kernel/errors';
import { type Response, type THttpServer, stringParam } from './server';

/** public/dashboard: the page, its script and stylesheet. */
const DASHBOARD_DIR = fileURLToPath(new URL('../../public/dashboard', import.meta.url));
/** The dashboard's own namespace in locales/{lang}/. */
const NAMESPACE = 'dashboard';

/** The dashboard draws its charts on canvas and sets its texts with textContent: nothing inline is needed. */
const COMMON_HEADERS = {
  'Content-Security-Policy': OWN_FILES_ONLY_CSP,
  ...PAGE_SECURITY_HEADERS,
  'X-Frame-Options': 'DENY',
};

interface TAsset {
  body: Buffer;
  type: string;
}

/** Chart.js from node_modules (no CDN): its package exports hide dist/, so the file is found beside its entry point. */
function chartJsFile(): string {
  return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
}

export interface TDashboardOptions {
  dashboardDir?: string;
  localesDir?: string;
}

/**
 * `/dashboard` for analysts: a static page whose script asks the KPI API with the analyst's token (typed into the
 * page, kept in sessionStorage). The server only hands out a fixed list of files, so no request path ever reaches the
 * file system.
 */
export function registerDashboard({ route }: THttpServer, options: TDashboardOptions = {}): void {
  const dir = options.dashboardDir ?? DASHBOARD_DIR;
  const localesDir = options.localesDir ?? DEFAULT_LOCALES_DIR;
  const files: Record<string, () => TAsset> = {
    'app.js': () => ({ body: readFileSync(join(dir, 'app.js')), type: 'text/javascript; charset=utf-8' }),
    'app.css': () => ({ body: readFileSync(join(dir, 'app.css')), type: 'text/css; charset=utf-8' }),
    'chart.js': () => ({ body: readFileSync(chartJsFile()), type: 'text/javascript; charset=utf-8' }),
  };
  // Read once, on first use: the files do not change while the service runs.
  const cache = new Map<string, TAsset>();
  const asset = (name: string): TAsset | undefined => {
    const load = Object.hasOwn(files, name) ? files[name] : undefined;
    if (!load) return undefined;
    let loaded = cache.get(name);
    if (!loaded) {
      loaded = load();
      cache.set(name, loaded);
    }
    return loaded;
  };
  const page = readFileSync(join(dir, 'index.html'));

  const send = (res: Response, body: Buffer | string, type: string, cacheControl: string) => {
    res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': type, 'Cache-Control': cacheControl });
    res.end(body);
  };

  route('get', '/dashboard', async (_req, res) => {
    send(res, page, 'text/html; charset=utf-8', 'no-cache');
  });

  route('get', '/dashboard/locales/:file', async (req, res) => {
    const language = /^([a-z]+)\.json$/.exec(stringParam(req.params, 'file') ?? '')?.[1];
    if (!language || !(LANGUAGES as readonly string[]).includes(language)) throw new AppError('not-found', 'not_found', 'No such dashboard language.');
    send(res, JSON.stringify(readLocaleFile(localesDir, language as TLanguage, NAMESPACE)), 'application/json; charset=utf-8', 'no-cache');
  });

  route('get', '/dashboard/:file', async (req, res) => {
    const found = asset(stringParam(req.params, 'file') ?? '');
    if (!found) throw new AppError('not-found', 'not_found', 'No such dashboard file.');
    send(res, found.body, found.type, 'public, max-age=300');
  });
}
