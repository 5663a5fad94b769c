import { escapeHtml, jsonForScript, setPageSecurityHeaders } from './pageSafety';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { TConversationContext } from '../dialogs/conversationContext';
import type { TI18n } from '../i18n/i18n';
import { DEFAULT_LANGUAGE, LANGUAGES, languageFromLocale, type TLanguage } from '../i18n/languages';
import { type Request, type Response, type THttpServer, stringParam } from './server';

/** public/ at the project root: the pages' templates, stylesheets and script sources. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public', import.meta.url));
/** The pages' scripts as scripts/pages.mjs builds them from public/**\/*.ts (`npm install`, `npm start`). */
export const PAGES_BUILD_DIR = fileURLToPath(new URL('../../dist/pages', import.meta.url));

/** Where a page's built script is; a missing build says, at start-up, how to make it. */
export function builtPageFile(page: string, name: string): string {
  const file = join(PAGES_BUILD_DIR, page, name);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the pages' scripts with \`npm run build:pages\``);
  return file;
}

/** A page's built script, read once at start-up. */
export function builtPageScript(page: string, name: string): Buffer {
  return readFileSync(builtPageFile(page, name));
}

/** The locale Web Chat runs in: its own nl/en strings, and ours on top (it has no Papiamentu). */
const WEBCHAT_LOCALES: Record<TLanguage, string> = { nl: 'nl-NL', pap: 'pap', en: 'en-US' };

const gzipAsync = promisify(gzip);

const EMPTY_CONTENT_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

/** Our own page files, by where they come from; a fixed list, so no request path ever reaches the file system. */
/** The web chat page as the admin page frames it to preview the organisation's draft survey. */
export const PREVIEW_PAGE_PATH = '/admin/preview';

const PAGE_ASSETS = {
  'page.js': { built: true, type: 'text/javascript; charset=utf-8' },
  'embed.js': { built: true, type: 'text/javascript; charset=utf-8' },
  'page.css': { built: false, type: 'text/css; charset=utf-8' },
} as const;

export interface TPagesOptions {
  i18n: TI18n;
  /** EMBED_ORIGINS: who may frame the page (CSP frame-ancestors); none → nobody. */
  embedOrigins: readonly string[];
  /** LINK_TTL_HOURS: how long a browser keeps the secret that binds it to a one-time link it opened. */
  linkTtlHours: number;
  publicDir?: string;
}

interface TAsset {
  body: Buffer;
  gzipped: Buffer;
  type: string;
}

/**
 * The web chat page at `/` (server-rendered in the resident's language, so the first paint, the `lang`
 * attribute and the screen reader are right without script), its assets, and the official Web Chat bundle
 * from node_modules (no CDN: the page loads nothing from a third party).
 */
export function registerWebChatPage({ route }: THttpServer, options: TPagesOptions): void {
  const publicDir = options.publicDir ?? PUBLIC_DIR;
  const template = readFileSync(join(publicDir, 'webchat', 'index.html'), 'utf8');
  const bundle = webChatBundle();
  const assets = new Map<string, Promise<TAsset>>();
  const asset = (name: string, file: string, type: string): Promise<TAsset> => {
    let loaded = assets.get(name);
    if (!loaded) {
      // Compressed once, off the event loop: the bundle is 3.9 MB, about 1 MB gzipped, for residents on
      // island mobile networks. A failure is not cached, so the next request tries again.
      loaded = readFile(file).then(async (body) => ({ body, gzipped: await gzipAsync(body, { level: 9 }), type }));
      loaded.catch(() => assets.delete(name));
      assets.set(name, loaded);
    }
    return loaded;
  };
  const frameAncestors = options.embedOrigins.length > 0 ? options.embedOrigins.join(' ') : "'none'";

  /** The page; for an admin's preview (framed by the admin page only) it waits for the preview conversation instead. */
  const servePage = (req: Request, res: Response, preview: boolean): void => {
    const { language, asked } = pageLanguage(req);
    const nonce = randomBytes(16).toString('base64');
    const html = renderPage(template, {
      language,
      texts: textsOf(options.i18n, language),
      context: preview ? {} : pageContext(req, asked ? { language } : { languageHint: language }),
      query: queryOf(req),
      nonce,
      webchatVersion: bundle.version,
      linkTtlHours: options.linkTtlHours,
      preview,
    });
    // Web Chat styles itself with <style> elements (emotion); the nonce lets those in. One of its emotion
    // caches gets no nonce and inserts an empty <style> whose rules it adds through CSSOM: the hash of empty
    // content admits exactly that element and nothing with content, so no 'unsafe-inline' is needed.
    res.header(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        "script-src 'self'",
        `style-src 'self' 'nonce-${nonce}' '${EMPTY_CONTENT_HASH}'`,
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        `frame-ancestors ${preview ? "'self'" : frameAncestors}`,
      ].join('; '),
    );
    if (preview) res.header('X-Frame-Options', 'SAMEORIGIN');
    else if (options.embedOrigins.length === 0) res.header('X-Frame-Options', 'DENY');
    setPageSecurityHeaders(res);
    // The page can carry a one-time follow-up link and always a fresh nonce: never cached.
    res.header('Cache-Control', 'no-store');
    res.header('Content-Type', 'text/html; charset=utf-8');
    res.sendRaw(200, html);
  };
  route('get', '/', async (req, res) => servePage(req, res, false));
  route('get', PREVIEW_PAGE_PATH, async (req, res) => servePage(req, res, true));

  route('get', '/webchat/webchat.js', async (req, res) => {
    sendAsset(req, res, await asset('webchat.js', bundle.file, 'text/javascript; charset=utf-8'), 'public, max-age=86400');
  });

  for (const [name, { built, type }] of Object.entries(PAGE_ASSETS)) {
    const file = built ? builtPageFile('webchat', name) : join(publicDir, 'webchat', name);
    route('get', `/webchat/${name}`, async (req, res) => {
      sendAsset(req, res, await asset(name, file, type), 'public, max-age=300');
    });
  }
}

function sendAsset(req: Request, res: Response, asset: TAsset, cacheControl: string): void {
  const gzip = /\bgzip\b/.test(req.header('accept-encoding') ?? '');
  setPageSecurityHeaders(res);
  res.header('Content-Type', asset.type);
  res.header('Cache-Control', cacheControl);
  res.header('Vary', 'Accept-Encoding');
  if (gzip) res.header('Content-Encoding', 'gzip');
  res.sendRaw(200, gzip ? asset.gzipped : asset.body);
}

/** The official Web Chat bundle in node_modules, wherever npm put the package. */
function webChatBundle(): { file: string; version: string } {
  const main = createRequire(import.meta.url).resolve('botframework-webchat');
  const marker = `${sep}botframework-webchat${sep}`;
  const root = main.slice(0, main.lastIndexOf(marker) + marker.length);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { file: join(root, 'dist', 'webchat.js'), version };
}

/** The page's language: `?lang=` (asked for), else the browser's languages by preference (a guess), else Dutch. */
export function pageLanguage(req: Request): { language: TLanguage; asked: boolean } {
  const asked = languageFromLocale(stringParam(req.query, 'lang'));
  if (asked) return { language: asked, asked: true };
  return { language: languageFromAcceptLanguage(req.header('accept-language')) ?? DEFAULT_LANGUAGE, asked: false };
}

/** The first of the browser's languages (highest q first) that we speak: pap-*, en-*, nl-*. */
export function languageFromAcceptLanguage(header: string | undefined): TLanguage | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const language = languageFromLocale(tag);
    if (language) return language;
  }
  return undefined;
}

/**
 * The context the embed snippet put in the query, and the page's language: the bot takes `language` as the
 * resident's choice and `languageHint` as a guess their first message may correct. Taken as given (trimmed to sane lengths): tokens/generate
 * is where it is checked, so a wrong organisation in a snippet shows up as an error, not as silently missing data.
 */
function pageContext(req: Request, language: Pick<TConversationContext, 'language' | 'languageHint'>): Record<string, string> {
  const context: Partial<Record<keyof TConversationContext, string>> = { ...language };
  const limits = { organisation: 64, service: 64, location: 80, link: 200 } as const;
  for (const [name, max] of Object.entries(limits) as [keyof typeof limits, number][]) {
    const value = stringParam(req.query, name)?.trim();
    if (value && value.length <= max) context[name === 'link' ? 'followUpLink' : name] = value;
  }
  // `island` is the older name of `location` in embed snippets.
  const island = stringParam(req.query, 'island')?.trim();
  if (!context.location && island && island.length <= limits.location) context.location = island;
  return context;
}

function queryOf(req: Request): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of ['organisation', 'service', 'location', 'island', 'link'] as const) {
    const value = stringParam(req.query, name);
    if (value) params.set(name, value);
  }
  return params;
}

type TPageTexts = {
  page: Record<string, string>;
  languageNames: Record<TLanguage, string>;
  webchat: Record<string, string>;
};

function textsOf(i18n: TI18n, language: TLanguage): TPageTexts {
  return i18n.instance.getResourceBundle(language, 'webchat') as TPageTexts;
}

interface TRenderInput {
  language: TLanguage;
  texts: TPageTexts;
  context: Record<string, string>;
  query: URLSearchParams;
  nonce: string;
  webchatVersion: string;
  linkTtlHours: number;
  /** The admin's preview: the page waits for its conversation from the admin page around it. */
  preview?: boolean;
}

/** Fills the template; every value is escaped for where it goes (HTML text, attribute, or JSON in a script). */
export function renderPage(template: string, input: TRenderInput): string {
  const languageLinks = LANGUAGES.map((language) => {
    const params = new URLSearchParams(input.query);
    params.set('lang', language);
    const current = language === input.language ? ' aria-current="true"' : '';
    return `<li><a href="?${escapeHtml(params.toString())}" lang="${language}" hreflang="${language}"${current}>${escapeHtml(input.texts.languageNames[language])}</a></li>`;
  }).join('');
  // The page switches language by reloading (another language is another chat): it carries its own language's texts.
  const config = {
    language: input.language,
    languages: LANGUAGES,
    texts: { [input.language]: input.texts },
    context: input.context,
    webchatLocale: WEBCHAT_LOCALES[input.language],
    nonce: input.nonce,
    linkTtlHours: input.linkTtlHours,
    preview: input.preview ?? false,
  };
  const values: Record<string, string> = {
    lang: input.language,
    languageLinks,
    config: jsonForScript(config),
    webchatVersion: escapeHtml(input.webchatVersion),
  };
  return template.replace(/\{\{([\w.]+)\}\}/g, (_match, key: string) => {
    if (key in values) return values[key]!;
    if (key.startsWith('page.')) return escapeHtml(input.texts.page[key.slice('page.'.length)] ?? '');
    throw new Error(`web chat page: unknown placeholder {{${key}}}`);
  });
}


/** A page's texts in every language, as its script switches between them without a reload. */
export function pageTextBundles(i18n: TI18n, namespace: string): Record<TLanguage, Record<string, unknown>> {
  return Object.fromEntries(LANGUAGES.map((language) => [language, i18n.instance.getResourceBundle(language, namespace) as Record<string, unknown>])) as Record<
    TLanguage,
    Record<string, unknown>
  >;
}

export interface TOwnFilesPage {
  /** Its path (`/staff`), the folder under public/ and dist/pages/, and the name of its built script (`staff.js`). */
  name: string;
  /** Its own files beside the script, by name and type: a fixed list, so no request path reaches the file system. */
  assets: Readonly<Record<string, string>>;
  contentSecurityPolicy: string;
  publicDir: string;
  /** The page in the asker's language (`?lang=` or the browser's). */
  render: (language: TLanguage) => string;
}

/** A page that loads only its own files: rendered per request, never cached, never framed; its assets revalidated. */
export function registerOwnFilesPage(route: THttpServer['route'], page: TOwnFilesPage): void {
  const assets = new Map<string, { body: Buffer; type: string }>([
    ...Object.entries(page.assets).map(([name, type]) => [name, { body: readFileSync(join(page.publicDir, page.name, name)), type }] as const),
    [`${page.name}.js`, { body: builtPageScript(page.name, `${page.name}.js`), type: 'text/javascript; charset=utf-8' }] as const,
  ]);
  route('get', `/${page.name}`, async (req, res) => {
    const html = page.render(pageLanguage(req).language);
    setPageSecurityHeaders(res);
    res.header('Content-Security-Policy', page.contentSecurityPolicy);
    res.header('X-Frame-Options', 'DENY');
    res.header('Cache-Control', 'no-store');
    res.header('Content-Type', 'text/html; charset=utf-8');
    res.sendRaw(200, html);
  });
  for (const [name, asset] of assets) {
    route('get', `/${page.name}/${name}`, async (_req, res) => {
      setPageSecurityHeaders(res);
      res.header('Content-Type', asset.type);
      res.header('Cache-Control', 'no-cache');
      res.sendRaw(200, asset.body);
    });
  }
}
