import type { TLanguage } from '../i18n/languages';
import type { TThemeDefinition } from './lexicon';

/** Per theme found in a text, the lexicon terms that matched it, as the lexicon writes them. */
export type TThemeMatches = Record<string, string[]>;

interface TCompiledTerm {
  term: string;
  words: ReadonlyArray<{ text: string; prefix: boolean }>;
}

/**
 * Letters without their accents, in lower case, everything else a word boundary: "kontestá" and "kontesta",
 * "haven't" and "haven t", "E-mail" and "e mail" are the same words to the tagger, as they are to a reader.
 */
export function wordsOf(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

function compile(term: string): TCompiledTerm {
  const prefix = term.endsWith('*');
  const words = wordsOf(prefix ? term.slice(0, -1) : term);
  return { term, words: words.map((text, index) => ({ text, prefix: prefix && index === words.length - 1 })) };
}

/** A theme's terms, each once: "wardá" and "warda" are one term to the tagger, so it reports the first. */
function compileAll(terms: readonly string[]): TCompiledTerm[] {
  const seen = new Set<string>();
  return terms.map(compile).filter((term) => {
    const key = term.words.map((word) => word.text + (word.prefix ? '*' : '')).join(' ');
    if (term.words.length === 0 || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function matchesAt(words: readonly string[], start: number, term: TCompiledTerm): boolean {
  if (start + term.words.length > words.length) return false;
  return term.words.every((expected, offset) => {
    const word = words[start + offset]!;
    return expected.prefix ? word.startsWith(expected.text) : word === expected.text;
  });
}

/**
 * Tags a text with the themes whose terms occur in it, as whole words in sequence, in the language of the
 * conversation only: a Dutch "kind" (child) is not an English "kind".
 */
export class ThemeTagger {
  private readonly compiled: ReadonlyArray<{ key: string; terms: Record<TLanguage, TCompiledTerm[]> }>;

  constructor(readonly lexicon: readonly TThemeDefinition[]) {
    this.compiled = lexicon.map((theme) => ({
      key: theme.key,
      terms: { nl: compileAll(theme.terms.nl), pap: compileAll(theme.terms.pap), en: compileAll(theme.terms.en) },
    }));
  }

  tag(text: string, language: TLanguage): TThemeMatches {
    const words = wordsOf(text);
    const found: TThemeMatches = {};
    for (const theme of this.compiled) {
      const matched = new Set<string>();
      for (const term of theme.terms[language]) {
        for (let start = 0; start < words.length; start++) {
          if (matchesAt(words, start, term)) {
            matched.add(term.term);
            break;
          }
        }
      }
      if (matched.size > 0) found[theme.key] = [...matched];
    }
    return found;
  }
}
