import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LANGUAGES, type TLanguage } from '../i18n/languages';

/** One finding about a text: errors block publishing, warnings are advice shown while editing. */
export interface TTextCheck {
  severity: 'error' | 'warning';
  /** Stable, for programs and the page's own wording: `missing_text`, `two_questions`, `sentence_too_long` … */
  rule: string;
  /** Where: `questions[2].text.pap`, `questions[2].optionLabels.waiting.en`. */
  field: string;
  /** In English, for the API and the CLI; the page says it in the editor's language from `rule` and `detail`. */
  message: string;
  /** What the rule found: the word, the count. */
  detail?: string;
}

/** A sentence of more words than this cannot be published. */
export const MAX_SENTENCE_WORDS = 25;
/** A sentence of more words than this is flagged (nl and en; Papiamentu needs more words for the same thing). */
export const LONG_SENTENCE_WORDS = 15;
/** One language's text more than this many times as long as another's is flagged: a translation may have lost a part. */
const LENGTH_RATIO = 2;

const ZOfficialese = z.object({ words: z.array(z.object({ phrase: z.string().min(1), instead: z.string().min(1) })) });
const OFFICIALESE = ZOfficialese.parse(JSON.parse(readFileSync(new URL('../../surveys/checks/officialese.nl.json', import.meta.url), 'utf8'))).words;

/** "wordt/werd/worden/werden … ge…d/t": the Dutch passive that B1 writing turns into an active sentence. */
const DUTCH_PASSIVE = /\b(?:wordt|werd|worden|werden)\b(?:\s+\S+){0,5}?\s+ge[a-zà-ÿ]+[dt]\b/i;

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.?!])\s+/)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}

function wordsOf(sentence: string): string[] {
  return sentence.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
}

/**
 * Checks one text in the three languages: every language present; one question at most; sentences short enough;
 * Dutch without officialese and passive voice; languages of comparable length. `question` says whether the text
 * asks (a question's text) or labels (an option).
 */
export function checkText(text: Partial<Record<TLanguage, string>> | undefined, field: string, kind: 'question' | 'label'): TTextCheck[] {
  const checks: TTextCheck[] = [];
  const given = new Map<TLanguage, string>();
  for (const language of LANGUAGES) {
    const value = text?.[language]?.trim() ?? '';
    if (value === '') {
      checks.push({ severity: 'error', rule: 'missing_text', field: `${field}.${language}`, message: `the text in ${language} is missing` });
    } else {
      given.set(language, value);
    }
  }
  for (const [language, value] of given) {
    const at = `${field}.${language}`;
    const questionMarks = (value.match(/\?/g) ?? []).length;
    if (kind === 'question' && questionMarks > 1) {
      checks.push({ severity: 'error', rule: 'two_questions', field: at, message: 'ask one thing at a time: this text holds more than one question', detail: String(questionMarks) });
    }
    for (const sentence of sentencesOf(value)) {
      const words = wordsOf(sentence).length;
      if (words > MAX_SENTENCE_WORDS) {
        checks.push({ severity: 'error', rule: 'sentence_too_long', field: at, message: `a sentence of ${words} words; at most ${MAX_SENTENCE_WORDS}`, detail: String(words) });
      } else if (words > LONG_SENTENCE_WORDS && language !== 'pap') {
        checks.push({ severity: 'warning', rule: 'long_sentence', field: at, message: `a sentence of ${words} words; plain language keeps to ${LONG_SENTENCE_WORDS}`, detail: String(words) });
      }
    }
    if (language === 'nl') {
      const lower = ` ${value.toLocaleLowerCase('nl').replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
      for (const { phrase, instead } of OFFICIALESE) {
        if (lower.includes(` ${phrase} `)) {
          checks.push({ severity: 'warning', rule: 'officialese', field: at, message: `"${phrase}" is officialese; write "${instead}"`, detail: phrase });
        }
      }
      if (DUTCH_PASSIVE.test(value)) {
        checks.push({ severity: 'warning', rule: 'passive', field: at, message: 'passive voice: say who does it ("we", "u", "de medewerker")' });
      }
    }
  }
  const lengths = [...given].map(([language, value]) => ({ language, length: value.length }));
  const shortest = lengths.reduce<{ language: TLanguage; length: number } | undefined>((a, b) => (a === undefined || b.length < a.length ? b : a), undefined);
  const longest = lengths.reduce<{ language: TLanguage; length: number } | undefined>((a, b) => (a === undefined || b.length > a.length ? b : a), undefined);
  // Short labels ("Ja", "Sí") differ a lot in proportion and nothing in meaning.
  if (shortest && longest && longest.length > 20 && longest.length > LENGTH_RATIO * shortest.length) {
    checks.push({
      severity: 'warning',
      rule: 'length_mismatch',
      field: `${field}.${longest.language}`,
      message: `the ${longest.language} text is more than twice as long as the ${shortest.language} one: does a translation miss a part?`,
      detail: shortest.language,
    });
  }
  return checks;
}
