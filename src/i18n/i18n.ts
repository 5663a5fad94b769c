import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type TFunction } from 'i18next';
import { LANGUAGES, type TLanguage } from './languages';

/** `locales/` at the project root; every text a resident, staff member or analyst sees lives there. */
export const DEFAULT_LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

export class MissingTranslationError extends Error {
  override readonly name = 'MissingTranslationError';
}

export type TI18nOptions = {
  localesDir?: string;
  /**
   * Throw on a missing key or a missing interpolation value instead of showing the key.
   * Tests turn this on, so a dialog that asks for a text that does not exist fails loudly.
   */
  strict?: boolean;
  /** Told about every missing key when not strict (for the logger). */
  onMissingKey?: (language: string, ns: string, key: string) => void;
};

export type TI18n = {
  /** The private i18next instance; never the global one, which other code could reconfigure. */
  readonly instance: i18n;
  readonly namespaces: readonly string[];
  readonly localesDir: string;
  /** A translator fixed to one language and namespace, for one turn of one resident. */
  translatorFor(language: TLanguage, ns: string): TFunction;
  /** Whether `key` is a text (a string, not a group of texts) in that language and namespace. */
  hasText(language: TLanguage, ns: string, key: string): boolean;
};

/**
 * The namespaces on disk: every `*.json` in any language's folder, sorted. Taken from the files so a
 * new area only has to add its files; a namespace missing in one language fails the locale tests.
 */
export function listNamespaces(localesDir: string = DEFAULT_LOCALES_DIR): string[] {
  const names = new Set<string>();
  for (const language of LANGUAGES) {
    const dir = join(localesDir, language);
    if (!isDirectory(dir)) continue;
    for (const file of readdirSync(dir)) {
      if (file.endsWith('.json')) names.add(basename(file, '.json'));
    }
  }
  return [...names].sort();
}

/** Reads one locale file; a namespace a language lacks yields an empty object (the tests catch it). */
export function readLocaleFile(localesDir: string, language: TLanguage, ns: string): Record<string, unknown> {
  const file = join(localesDir, language, `${ns}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file}: a locale file must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Creates the application's i18next instance from `locales/{lang}/{ns}.json`, loaded synchronously
 * so it is ready when this returns. There is no fallback language: a text missing in Papiamentu must
 * be noticed, not silently shown in Dutch.
 */
export function createI18n(options: TI18nOptions = {}): TI18n {
  const localesDir = options.localesDir ?? DEFAULT_LOCALES_DIR;
  const namespaces = listNamespaces(localesDir);
  const resources = Object.fromEntries(
    LANGUAGES.map((language) => [
      language,
      Object.fromEntries(namespaces.map((ns) => [ns, readLocaleFile(localesDir, language, ns)])),
    ]),
  );
  const instance = i18next.createInstance();
  const strict = options.strict ?? false;
  void instance.init({
    resources,
    lng: LANGUAGES[0],
    supportedLngs: [...LANGUAGES],
    fallbackLng: false,
    ns: namespaces,
    defaultNS: false,
    initAsync: false,
    returnNull: false,
    // Chat messages are plain text, not HTML; escaping would show "&amp;" to residents.
    interpolation: { escapeValue: false },
    showSupportNotice: false,
    saveMissing: strict || options.onMissingKey !== undefined,
    missingKeyHandler: (languages, ns, key) => {
      const language = languages.join(',');
      if (strict) throw new MissingTranslationError(`missing text ${ns}:${key} in ${language}`);
      options.onMissingKey?.(language, ns, key);
    },
    ...(strict
      ? {
          missingInterpolationHandler: (text: string, value: unknown) => {
            const name = Array.isArray(value) ? String(value[1]) : String(value);
            throw new MissingTranslationError(`no value for {{${name}}} in "${text}"`);
          },
        }
      : {}),
  });
  const translators = new Map<string, TFunction>();
  return {
    instance,
    namespaces,
    localesDir,
    translatorFor: (language, ns) => {
      const name = `${language}:${ns}`;
      let translator = translators.get(name);
      if (!translator) {
        translator = rememberingPlainTexts(instance.getFixedT(language, ns));
        translators.set(name, translator);
      }
      return translator;
    },
    hasText: (language, ns, key) => typeof instance.getResource(language, ns, key) === 'string',
  };
}

/**
 * The texts are loaded once and never change, so a text without parameters is looked up once per language: every
 * question asks for its text and a label per button, on every turn.
 */
function rememberingPlainTexts(translate: TFunction): TFunction {
  const plain = new Map<string, string>();
  const translateAny = translate as unknown as (...args: unknown[]) => string;
  const remembering = (key: unknown, ...rest: unknown[]) => {
    if (typeof key !== 'string' || rest.some((arg) => arg !== undefined)) return translateAny(key, ...rest);
    let text = plain.get(key);
    if (text === undefined) {
      text = translate(key);
      plain.set(key, text);
    }
    return text;
  };
  return Object.assign(remembering, translate);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
