import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { normalise, type TLexicon } from './recognizers';
import { greetingsAtFront } from './understanding';

/** What a resident's first message says about their language. */
export type TMessageLanguage = {
  language: TLanguage;
  /** Nothing but a greeting ("Bon dia!", "Hallo, dank u"): it answers no question. */
  greetingOnly: boolean;
};

/** How many of one language's words a sentence needs, and by how much it must outnumber any other's. */
const MIN_LANGUAGE_WORDS = 2;
const MARGIN = 2;

/**
 * The language a message is written in, when it is clear: it opens with a greeting of one language ("Goedemiddag",
 * "Bon tardi", "Good morning"), or its words are clearly one language's (`languageWords` of understanding.json: at
 * least two, and twice as many as any other language's). Undefined when it could be either.
 */
export function languageOfMessage(input: string, lexicon: TLexicon): TMessageLanguage | undefined {
  const tokens = normalise(input).split(' ').filter(Boolean);
  if (tokens.length === 0) return undefined;
  const { languages, rest } = greetingsAtFront(tokens, lexicon.grammars);
  const restWithoutCourtesy = lexicon.politeness.includes(rest.join(' ')) ? [] : rest;
  const fromWords = languageOfWords(restWithoutCourtesy, lexicon);
  if (fromWords) return { language: fromWords, greetingOnly: false };
  // Greetings of two languages ("hallo, bon dia") tell nothing.
  const [greeted, ...others] = languages as TLanguage[];
  if (greeted === undefined || others.length > 0) return undefined;
  return { language: greeted, greetingOnly: restWithoutCourtesy.length === 0 };
}

function languageOfWords(tokens: readonly string[], lexicon: TLexicon): TLanguage | undefined {
  const counts = LANGUAGES.map((language) => ({
    language,
    count: tokens.filter((token) => lexicon.grammars[language].languageWords.has(token)).length,
  })).sort((a, b) => b.count - a.count);
  const [first, second] = counts;
  if (!first || first.count < MIN_LANGUAGE_WORDS) return undefined;
  return first.count >= MARGIN * (second?.count ?? 0) ? first.language : undefined;
}
