// Texts, the one way every page gets them: the server renders the page in its language (so the first paint and a
// screen reader are right without script) and hands the page its texts as data in <script id="page-config">.
// Script then sets every [data-i18n] element with textContent — never as HTML — and can switch language without a
// reload where the page carries more than one language.
import { element } from './dom';
import { rememberedLanguage } from './storage';

export type TLanguage = 'nl' | 'pap' | 'en';
export interface TTextTree {
  [key: string]: string | TTextTree;
}

/** What every page's #page-config holds; a page adds its own fields. */
export interface TPageConfig {
  language: TLanguage;
  languages: TLanguage[];
  /** The texts of each language the page can switch to without a reload. */
  texts: Partial<Record<TLanguage, TTextTree>>;
}

export function readPageConfig<T extends TPageConfig>(): T {
  const element = document.getElementById('page-config');
  if (!element?.textContent) throw new Error('page-config is missing');
  return JSON.parse(element.textContent) as T;
}

/** `?lang=` wins (a link chose it), then the language this browser chose before, then the server's choice. */
export function initialLanguage(config: TPageConfig): TLanguage {
  const asked = new URLSearchParams(location.search).get('lang');
  const remembered = rememberedLanguage.get();
  const switchable = (language: string | null): language is TLanguage => language !== null && Object.hasOwn(config.texts, language);
  if (switchable(asked)) return asked;
  if (switchable(remembered)) return remembered;
  return config.language;
}

export class PageTexts {
  constructor(
    private readonly config: TPageConfig,
    private current: TLanguage = config.language,
  ) {}

  get language(): TLanguage {
    return this.current;
  }

  /** The text at a dotted key, `{{name}}` filled from params; the key itself where a text is missing. */
  t(key: string, params: Record<string, string | number> = {}): string {
    let node: string | TTextTree | undefined = this.config.texts[this.current];
    for (const part of key.split('.')) node = node && typeof node === 'object' ? node[part] : undefined;
    const text = typeof node === 'string' ? node : key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => (params[name] !== undefined ? String(params[name]) : ''));
  }

  /** The keys under a dotted path (`outcomes` → the outcomes the page has names for). */
  keys(path: string): string[] {
    let node: string | TTextTree | undefined = this.config.texts[this.current];
    for (const part of path.split('.')) node = node && typeof node === 'object' ? node[part] : undefined;
    return node && typeof node === 'object' ? Object.keys(node) : [];
  }

  /** Switches the page: `lang`, the title, every [data-i18n] text and [data-i18n-aria] label; the choice is kept. */
  use(language: TLanguage, titleKey: string): void {
    this.current = language;
    rememberedLanguage.set(language);
    document.documentElement.lang = language;
    document.title = this.t(titleKey);
    for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) element.textContent = this.t(element.dataset.i18n ?? '');
    for (const element of document.querySelectorAll<HTMLElement>('[data-i18n-aria]')) element.setAttribute('aria-label', this.t(element.dataset.i18nAria ?? ''));
  }
}

/** One button per language the page switches to without a reload, the current one pressed. */
export function languageButtons(languages: readonly TLanguage[], current: TLanguage, nameOf: (language: TLanguage) => string, onSwitch: (language: TLanguage) => void): HTMLButtonElement[] {
  return languages.map((language) => {
    const button = element('button', nameOf(language));
    button.type = 'button';
    button.lang = language;
    button.dataset.language = language;
    button.setAttribute('aria-pressed', String(language === current));
    button.addEventListener('click', () => onSwitch(language));
    return button;
  });
}
