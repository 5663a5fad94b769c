import { escapeHtml, jsonForScript, OWN_FILES_ONLY_CSP } from './pageSafety';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES } from '../auth/tokens';
import type { TI18n } from '../i18n/i18n';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { WEBHOOK_EVENTS } from '../webhooks/events';
import { DRIVERS, MEASURE_TYPES, NUMERIC_RANGES } from '../surveys/schema';
import { pageTextBundles, PUBLIC_DIR, registerOwnFilesPage } from './pages';
import type { THttpServer } from './server';

/** The admin page's own files; a fixed list, so no request path ever reaches the file system. */
const ADMIN_ASSETS = {
  'admin.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
} as const;

/**
 * The policy of the pages that load only their own files, and one frame of this origin: the survey editor's preview,
 * the web chat page on the draft. No one may frame the admin page itself (it could be click-jacked into revoking a
 * token or deleting a webhook).
 */
const CONTENT_SECURITY_POLICY = `${OWN_FILES_ONLY_CSP}; frame-src 'self'`;

export interface TAdminPageOptions {
  i18n: TI18n;
  /** MIN_GROUP_SIZE: the service-wide minimum an organisation may only raise; the page names it. */
  minGroupSize: number;
  publicDir?: string;
}

/**
 * `/admin`: the page an organisation's CX team sets it up with — its details, services, places, the tokens of its
 * people, its webhooks — and reads the audit log on. Rendered in the language of `?lang=` or the browser; the
 * script switches between nl, pap and en without a reload, with every text from `locales/*\/admin.json`.
 */
export function registerAdminPage({ route }: THttpServer, options: TAdminPageOptions): void {
  const publicDir = options.publicDir ?? PUBLIC_DIR;
  const template = readFileSync(join(publicDir, 'admin', 'index.html'), 'utf8');
  const texts = pageTextBundles(options.i18n, 'admin');
  registerOwnFilesPage(route, {
    name: 'admin',
    assets: ADMIN_ASSETS,
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    publicDir,
    render: (language) => renderAdminPage(template, { language, texts, minGroupSize: options.minGroupSize }),
  });
}

interface TRenderInput {
  language: TLanguage;
  texts: Record<TLanguage, Record<string, unknown>>;
  minGroupSize: number;
}

/**
 * Fills the template; every value is escaped for where it goes (HTML text, attribute, or JSON in a script).
 * `{{names:prefix:legendKey[:hintKey]}}` is a name in each language: a fieldset with one labelled input per language.
 */
export function renderAdminPage(template: string, { language, texts, minGroupSize }: TRenderInput): string {
  const text = (key: string): string => {
    let node: unknown = texts[language];
    for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    if (typeof node !== 'string') throw new Error(`admin page: no text "${key}" in ${language}`);
    return node;
  };
  const translated = (key: string) => `data-i18n="${escapeHtml(key)}">${escapeHtml(text(key))}`;
  const languageButtons = LANGUAGES.map(
    (code) =>
      `<li><button type="button" data-language="${code}" lang="${code}" aria-pressed="${code === language}">${escapeHtml(text(`languageNames.${code}`))}</button></li>`,
  ).join('');
  const names = (spec: string): string => {
    const [prefix, legendKey, hintKey] = spec.split(':');
    if (!prefix || !legendKey) throw new Error(`admin page: bad placeholder {{names:${spec}}}`);
    const hintId = `${prefix}-names-hint`;
    const fields = LANGUAGES.map((code) => {
      const id = `${prefix}-name-${code}`;
      const describedBy = [hintKey ? hintId : '', `${id}-error`].filter(Boolean).join(' ');
      return (
        `<div class="field"><label for="${id}" ${translated(`nameIn.${code}`)}</label>` +
        `<input id="${id}" name="names.${code}" type="text" lang="${code}" autocomplete="off" aria-describedby="${describedBy}">` +
        `<p class="field-error" id="${id}-error" hidden></p></div>`
      );
    }).join('');
    const hint = hintKey ? `<p class="hint" id="${hintId}" ${translated(hintKey)}</p>` : '';
    return `<fieldset class="names" id="${prefix}-names"><legend ${translated(legendKey)}</legend>${hint}<div class="names-grid">${fields}</div></fieldset>`;
  };
  // The survey editor checks as the server does: which type each measure is asked with, which measures are drivers.
  const survey = { measureTypes: MEASURE_TYPES, drivers: DRIVERS, numericRanges: NUMERIC_RANGES };
  const config = { language, languages: LANGUAGES, roles: ROLES, webhookEvents: WEBHOOK_EVENTS, minGroupSize, survey, texts };
  return template.replace(/\{\{(?:(t|names):)?([\w.:-]+)\}\}/g, (_match, kind: string | undefined, key: string) => {
    if (kind === 't') return escapeHtml(text(key));
    if (kind === 'names') return names(key);
    if (key === 'lang') return language;
    if (key === 'languageButtons') return languageButtons;
    if (key === 'config') return jsonForScript(config);
    throw new Error(`admin page: unknown placeholder {{${key}}}`);
  });
}
