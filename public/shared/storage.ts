// What a page keeps in the browser, in one place: the language a person chose (every page, kept: it is no secret)
// and a page's token (this tab only, so a shared computer forgets it with the tab). Storage may be off (a private
// window, a locked-down desktop): then nothing is kept and the page still works.

const LANGUAGE_KEY = 'meethuis.language';

function read(storage: () => Storage, key: string): string | null {
  try {
    return storage().getItem(key);
  } catch {
    return null;
  }
}

function write(storage: () => Storage, key: string, value: string | null): void {
  try {
    if (value === null) storage().removeItem(key);
    else storage().setItem(key, value);
  } catch {
    // Storage off: the value lasts as long as the page.
  }
}

export const rememberedLanguage = {
  get: (): string | null => read(() => localStorage, LANGUAGE_KEY),
  set: (language: string): void => write(() => localStorage, LANGUAGE_KEY, language),
};

/** A value this tab keeps until it is closed: a page's sign-in token, a chat's conversation. */
export function tabValue(key: string) {
  return {
    get: (): string | null => read(() => sessionStorage, key),
    set: (value: string): void => write(() => sessionStorage, key, value),
    clear: (): void => write(() => sessionStorage, key, null),
  };
}

/** A value this browser keeps across tabs and restarts (a one-time link's holder secret). */
export function browserValue(key: string) {
  return {
    get: (): string | null => read(() => localStorage, key),
    set: (value: string): void => write(() => localStorage, key, value),
    clear: (): void => write(() => localStorage, key, null),
  };
}

/** The keys this browser keeps under a prefix (to forget the expired ones). */
export function browserKeys(prefix: string): string[] {
  try {
    return Object.keys(localStorage).filter((key) => key.startsWith(prefix));
  } catch {
    return [];
  }
}
