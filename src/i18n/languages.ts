/** The languages every resident-facing text exists in; the one list the rest of the code derives from. */
export const LANGUAGES = ['nl', 'pap', 'en'] as const;
export type TLanguage = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: TLanguage = 'nl';

export function isLanguage(value: unknown): value is TLanguage {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Maps a channel or browser locale (`pap-BQ`, `en-US`, `nl`) onto one of our languages;
 * undefined when it is none of them, so the caller can fall back along the precedence chain.
 */
export function languageFromLocale(locale: string | undefined | null): TLanguage | undefined {
  if (!locale) return undefined;
  const primary = locale.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : undefined;
}
