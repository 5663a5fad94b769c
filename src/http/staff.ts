import { escapeHtml, jsonForScript } from './pageSafety';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTACT_CHANNELS, type TInvitationTarget } from '../followups/model';
import type { TI18n } from '../i18n/i18n';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { pageTextBundles, PUBLIC_DIR, registerOwnFilesPage } from './pages';
import type { THttpServer } from './server';

/** The staff page's own files; a fixed list, so no request path ever reaches the file system. */
const STAFF_ASSETS = {
  'staff.css': 'text/css; charset=utf-8',
  // Without an icon of its own the browser asks for /favicon.ico, a 404 in every staff member's console.
  'favicon.svg': 'image/svg+xml',
} as const;

/**
 * Nothing inline, nothing from elsewhere: the page's script and style are our files, it talks only to our API,
 * and no one may frame it (a framed staff page could be click-jacked into sending surveys).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface TStaffPageOptions {
  i18n: TI18n;
  /** The survey the form sends (the shared Meethuis survey). */
  survey?: string;
  /** The invitations the service can send itself (e-mail with SMTP_URL, text message with SMS_PROVIDER_URL): the form offers only these. */
  invitationTargets: readonly TInvitationTarget[];
  publicDir?: string;
}

/**
 * `/staff`: the page contact-centre staff use to send follow-ups and handle call-back requests. Rendered in the
 * language of `?lang=` or the browser (first paint and screen reader right without script); the script switches
 * between nl, pap and en without a reload, with every text from `locales/*\/staff.json`.
 */
export function registerStaffPage({ route }: THttpServer, options: TStaffPageOptions): void {
  const publicDir = options.publicDir ?? PUBLIC_DIR;
  const template = readFileSync(join(publicDir, 'staff', 'index.html'), 'utf8');
  const texts = pageTextBundles(options.i18n, 'staff');
  registerOwnFilesPage(route, {
    name: 'staff',
    assets: STAFF_ASSETS,
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    publicDir,
    render: (language) => renderStaffPage(template, { language, texts, survey: options.survey ?? 'meethuis', invitationTargets: options.invitationTargets }),
  });
}

interface TRenderInput {
  language: TLanguage;
  texts: Record<TLanguage, Record<string, unknown>>;
  survey: string;
  invitationTargets: readonly TInvitationTarget[];
}

/** Fills the template; every value is escaped for where it goes (HTML text, attribute, or JSON in a script). */
export function renderStaffPage(template: string, { language, texts, survey, invitationTargets }: TRenderInput): string {
  const text = (key: string): string => {
    let node: unknown = texts[language];
    for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    if (typeof node !== 'string') throw new Error(`staff page: no text "${key}" in ${language}`);
    return node;
  };
  const languageButtons = LANGUAGES.map(
    (code) =>
      `<li><button type="button" data-language="${code}" lang="${code}" aria-pressed="${code === language}">${escapeHtml(text(`languageNames.${code}`))}</button></li>`,
  ).join('');
  const config = { language, languages: LANGUAGES, contactChannels: CONTACT_CHANNELS, survey, invitationTargets, texts };
  return template.replace(/\{\{(t:)?([\w.-]+)\}\}/g, (_match, isText: string | undefined, key: string) => {
    if (isText) return escapeHtml(text(key));
    if (key === 'lang') return language;
    if (key === 'languageButtons') return languageButtons;
    if (key === 'config') return jsonForScript(config);
    throw new Error(`staff page: unknown placeholder {{${key}}}`);
  });
}

