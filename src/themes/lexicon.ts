import { z } from 'zod';
import { DEFAULT_LOCALES_DIR, readLocaleFile } from '../i18n/i18n';
import { LANGUAGES, type TLanguage } from '../i18n/languages';

/**
 * The theme lexicon: per theme a label and the words and phrases that mark an open answer as being about it, per
 * language. The shared themes are data in `locales/<language>/themes.json`; an organisation adds words to them and
 * themes of its own (ThemeLexicon). Matching is plain and explainable: an analyst sees which words matched.
 */

/** camelCase like the drivers' keys: it appears in URLs, CSV headers and JSON keys. */
export const ZThemeKey = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]{1,39}$/, 'must be 2–40 letters or digits in camelCase, starting with a lower-case letter');

/**
 * A word or phrase as a resident would write it; `*` at the end of a word matches every word that begins with it
 * (`wacht*`: wachten, wachttijd). Letters, digits, spaces and simple punctuation only.
 */
export const ZThemeTerm = z
  .string()
  .trim()
  .min(2)
  .max(60)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} '’\-.]*\*?$/u, 'must be words (letters, digits, spaces), optionally ending in *');

const ZLabel = z.string().trim().min(1).max(60);
export const ZThemeLabels = z.strictObject({ nl: ZLabel, pap: ZLabel, en: ZLabel });
export type TThemeLabels = z.infer<typeof ZThemeLabels>;

const ZTermList = z.array(ZThemeTerm).max(300);
export const ZThemeTermsByLanguage = z.strictObject({ nl: ZTermList.default([]), pap: ZTermList.default([]), en: ZTermList.default([]) });

/** An organisation's additions: extra terms for a shared theme, or a theme of its own (which needs labels). */
export const ZOwnThemes = z.record(ZThemeKey, z.strictObject({ labels: ZThemeLabels.optional(), terms: ZThemeTermsByLanguage }));
export type TOwnThemes = z.infer<typeof ZOwnThemes>;

export interface TThemeDefinition {
  key: string;
  labels: TThemeLabels;
  /** The shared terms, then the organisation's own. */
  terms: Record<TLanguage, string[]>;
  /** Whether the organisation defined the theme itself (not one of the shared ones). */
  own: boolean;
}

const ZSharedFile = z.record(ZThemeKey, z.strictObject({ label: ZLabel, terms: z.array(ZThemeTerm).min(1) }));

/** The shared themes, in the order of the Dutch file, from the locale files. */
export function readSharedLexicon(localesDir = DEFAULT_LOCALES_DIR): TThemeDefinition[] {
  const files = Object.fromEntries(LANGUAGES.map((language) => [language, ZSharedFile.parse(readLocaleFile(localesDir, language, 'themes'))])) as Record<
    TLanguage,
    z.infer<typeof ZSharedFile>
  >;
  return Object.keys(files.nl).map((key) => {
    const of = (language: TLanguage) => {
      const theme = files[language][key];
      if (!theme) throw new Error(`locales/${language}/themes.json lacks the theme "${key}"`);
      return theme;
    };
    return {
      key,
      labels: { nl: of('nl').label, pap: of('pap').label, en: of('en').label },
      terms: { nl: of('nl').terms, pap: of('pap').terms, en: of('en').terms },
      own: false,
    };
  });
}

/** The problems with an organisation's additions against the shared themes, as zod issues (empty when fine). */
export function ownThemeIssues(shared: readonly TThemeDefinition[], own: TOwnThemes): Array<{ path: string[]; message: string }> {
  const sharedKeys = new Set(shared.map((theme) => theme.key));
  const issues: Array<{ path: string[]; message: string }> = [];
  for (const [key, theme] of Object.entries(own)) {
    if (sharedKeys.has(key) && theme.labels) issues.push({ path: [key, 'labels'], message: 'a shared theme keeps its shared labels' });
    if (!sharedKeys.has(key) && !theme.labels) issues.push({ path: [key, 'labels'], message: 'a theme of your own needs a label in nl, pap and en' });
    if (!sharedKeys.has(key) && LANGUAGES.every((language) => theme.terms[language].length === 0)) {
      issues.push({ path: [key, 'terms'], message: 'a theme of your own needs at least one term' });
    }
  }
  return issues;
}

/** The shared themes with the organisation's terms added, then its own themes. Assumes `ownThemeIssues` found none. */
export function mergeLexicon(shared: readonly TThemeDefinition[], own: TOwnThemes): TThemeDefinition[] {
  const merged = shared.map((theme) => {
    const extra = own[theme.key]?.terms;
    if (!extra) return theme;
    return { ...theme, terms: Object.fromEntries(LANGUAGES.map((language) => [language, [...theme.terms[language], ...extra[language]]])) as Record<TLanguage, string[]> };
  });
  for (const [key, theme] of Object.entries(own)) {
    if (theme.labels && !shared.some((known) => known.key === key)) merged.push({ key, labels: theme.labels, terms: theme.terms, own: true });
  }
  return merged;
}
