import { z } from 'zod';
import { DEFAULT_LOCALES_DIR, readLocaleFile } from '../i18n/i18n';
import { compileGrammar, greetingsAtFront, readEmoji, readScaleAnswer, rescaled, ZUnderstandingData, type TGrammar, type TReading } from './understanding';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import {
  NUMERIC_RANGES,
  SCALE_LABEL_SETS,
  type TAnswer,
  type TNumericType,
  type TQuestion,
  type TSurveyText,
  type TScaleLabelSet,
  MAX_TEXT_LENGTH,
} from '../surveys/schema';

export { MAX_TEXT_LENGTH };

/**
 * Values the dialogs put on buttons (suggested actions / Adaptive Card submits). A scale point's value
 * is its number as a string and a choice's value is the option key, so a clicked button and a typed
 * answer take the same path through the recogniser.
 */
export const BUTTON_VALUES = { dontKnow: 'dontKnow', skip: 'skip', yes: 'yes', no: 'no' } as const;

const LANGUAGE_BUTTON_PREFIX = 'language:';

/** The value of a scale point's button. */
export function scaleButtonValue(point: number): string {
  return String(point);
}

/** The value of a language button; `recogniseCommand` turns it into a language switch. */
export function languageButtonValue(language: TLanguage): string {
  return `${LANGUAGE_BUTTON_PREFIX}${language}`;
}

/**
 * What a message meant: an answer to store, an answer to offer back first (`plausible`: a person would check, "Do you
 * mean ‘Satisfied’?"), or not understood.
 */
export type TRecognition = TAnswer | { kind: 'plausible'; answer: TAnswer } | { kind: 'notUnderstood'; reason?: 'empty' | 'tooLong' };

const SIMPLE_COMMANDS = ['help', 'stop', 'erase', 'optOut'] as const;

export type TCommand =
  | { command: (typeof SIMPLE_COMMANDS)[number] }
  | { command: 'switchLanguage'; language: TLanguage };

/** A button for a question: its value, and the i18n key of its label (undefined: show the value). */
/** A button: the answer it gives, and its label — in `locales/` by key, or the question's own in every language. */
export type TAnswerButton = { value: string; labelKey: string | undefined; label?: TSurveyText };

const ZPhrases = z.array(z.string().min(1));
const ZPointPhrases = z.record(z.string().regex(/^\d+$/), ZPhrases);

/** The shape of `locales/{lang}/recognizer.json`. */
export const ZRecognizerData = z.strictObject({
  numbers: ZPointPhrases,
  numberFillers: ZPhrases,
  politeness: ZPhrases,
  yes: ZPhrases,
  no: ZPhrases,
  dontKnow: ZPhrases,
  skip: ZPhrases,
  scales: z.strictObject({
    agreement: ZPointPhrases,
    satisfaction: ZPointPhrases,
    effort: ZPointPhrases,
    likelihood: ZPointPhrases,
  }) satisfies z.ZodType<Record<TScaleLabelSet, unknown>>,
  options: z.record(z.string(), ZPhrases),
  commands: z.strictObject({
    help: ZPhrases,
    stop: ZPhrases,
    erase: ZPhrases,
    optOut: ZPhrases,
    switchLanguage: z.strictObject({ nl: ZPhrases, pap: ZPhrases, en: ZPhrases }) satisfies z.ZodType<
      Record<TLanguage, unknown>
    >,
  }),
});
export type TRecognizerData = z.infer<typeof ZRecognizerData>;

// Button labels a resident sees are also what they are likely to type, so they are read from the
// same files the dialogs render them from and can never drift from what is recognised.
const ZShownLabels = z.object({
  survey: z.object({
    scales: z.record(z.string(), z.record(z.string(), z.string())),
    options: z.record(z.string(), z.string()),
  }),
  chat: z.object({
    buttons: z.object({ yes: z.string(), no: z.string(), dontKnow: z.string(), skip: z.string() }),
    language: z.object({ names: z.record(z.string(), z.string()) }),
  }),
});

type TPhraseMap<T> = Map<string, T>;

type TLanguageLexicon = {
  numeric: Record<TScaleLabelSet, TPhraseMap<TAnswer>>;
  yesno: TPhraseMap<TAnswer>;
  choice: TPhraseMap<TAnswer>;
  text: TPhraseMap<TAnswer>;
  fillers: ReadonlySet<string>;
};

/** Everything the recognisers know, built from the locale files; see `buildLexicon`. */
export type TLexicon = {
  languages: Record<TLanguage, TLanguageLexicon>;
  commands: TPhraseMap<TCommand>;
  politeness: readonly string[];
  /** Scale points that have a label of their own in `survey.json`, per label set. */
  labelledPoints: Record<TScaleLabelSet, ReadonlySet<number>>;
  /** The grammar of typed answers per language (`understanding.json`), for what no phrase list holds whole. */
  grammars: Record<TLanguage, TGrammar>;
};

/**
 * Lower case, accents and punctuation removed, whitespace collapsed: "Wéét ik níét!" and
 * "weet ik niet" are the same phrase. Apostrophes and dots join ("don't" → "dont", "n.v.t." → "nvt").
 */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Recogniser data that is malformed or contradicts itself. */
export class LexiconError extends Error {
  override readonly name = 'LexiconError';
}

function addPhrase<T>(map: TPhraseMap<T>, phrase: string, meaning: T, where: string): void {
  const key = normalise(phrase);
  if (key === '') throw new LexiconError(`${where}: "${phrase}" has no letters or digits`);
  const existing = map.get(key);
  if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(meaning)) {
    throw new LexiconError(
      `${where}: "${phrase}" means both ${JSON.stringify(existing)} and ${JSON.stringify(meaning)}`,
    );
  }
  map.set(key, meaning);
}

const DONT_KNOW: TAnswer = { kind: 'dontKnow' };
const SKIP: TAnswer = { kind: 'skip' };

/**
 * Reads and validates the recogniser data of every language. A phrase that means two things in one
 * context (say "nee" both yes and no) is a data error and throws here, not in a resident's turn.
 */
export function buildLexicon(localesDir: string = DEFAULT_LOCALES_DIR): TLexicon {
  const commands: TPhraseMap<TCommand> = new Map();
  const politeness = new Set<string>();
  const labelledPoints = Object.fromEntries(
    Object.keys(SCALE_LABEL_SETS).map((set) => [set, new Set<number>()]),
  ) as Record<TScaleLabelSet, Set<number>>;

  const build = (language: TLanguage): TLanguageLexicon => {
    const where = `locales/${language}`;
    const data = parseOrThrow(ZRecognizerData, readLocaleFile(localesDir, language, 'recognizer'), `${where}/recognizer.json`);
    const shown = parseOrThrow(
      ZShownLabels,
      { survey: readLocaleFile(localesDir, language, 'survey'), chat: readLocaleFile(localesDir, language, 'chat') },
      `${where}/{survey,chat}.json`,
    );
    const common: TPhraseMap<TAnswer> = new Map();
    for (const p of [...data.dontKnow, shown.chat.buttons.dontKnow]) addPhrase(common, p, DONT_KNOW, `${where} dontKnow`);
    for (const p of [...data.skip, shown.chat.buttons.skip]) addPhrase(common, p, SKIP, `${where} skip`);

    const withCommon = (name: string, fill: (map: TPhraseMap<TAnswer>) => void): TPhraseMap<TAnswer> => {
      const map: TPhraseMap<TAnswer> = new Map();
      fill(map);
      for (const [phrase, meaning] of common) addPhrase(map, phrase, meaning, `${where} ${name}`);
      return map;
    };

    const numeric = Object.fromEntries(
      (Object.keys(SCALE_LABEL_SETS) as TScaleLabelSet[]).map((set) => {
        const { min, max } = NUMERIC_RANGES[SCALE_LABEL_SETS[set]];
        const map = withCommon(`scales.${set}`, (m) => {
          for (const [point, phrases] of Object.entries(data.numbers)) {
            const value = Number(point);
            if (value < min || value > max) continue;
            for (const p of phrases) addPhrase(m, p, { kind: 'value', value }, `${where} numbers`);
          }
          const labels = shown.survey.scales[set] ?? {};
          for (const [point, label] of Object.entries(labels)) {
            labelledPoints[set].add(Number(point));
            addPhrase(m, label, { kind: 'value', value: Number(point) }, `${where} survey scales.${set}`);
          }
          for (const [point, phrases] of Object.entries(data.scales[set])) {
            for (const p of phrases) addPhrase(m, p, { kind: 'value', value: Number(point) }, `${where} scales.${set}`);
          }
        });
        return [set, map];
      }),
    ) as Record<TScaleLabelSet, TPhraseMap<TAnswer>>;

    const yesno = withCommon('yesno', (m) => {
      for (const p of [...data.yes, shown.chat.buttons.yes]) addPhrase(m, p, { kind: 'value', value: 'yes' }, `${where} yes`);
      for (const p of [...data.no, shown.chat.buttons.no]) addPhrase(m, p, { kind: 'value', value: 'no' }, `${where} no`);
    });

    const choice = withCommon('options', (m) => {
      for (const [option, label] of Object.entries(shown.survey.options)) {
        addPhrase(m, label, { kind: 'value', value: option }, `${where} survey options`);
      }
      for (const [option, phrases] of Object.entries(data.options)) {
        for (const p of phrases) addPhrase(m, p, { kind: 'value', value: option }, `${where} options`);
      }
    });

    const text: TPhraseMap<TAnswer> = new Map();
    for (const p of [...data.skip, shown.chat.buttons.skip]) addPhrase(text, p, SKIP, `${where} skip`);

    for (const command of SIMPLE_COMMANDS) {
      for (const p of data.commands[command]) addPhrase(commands, p, { command }, `${where} commands.${command}`);
    }
    for (const target of LANGUAGES) {
      for (const p of data.commands.switchLanguage[target]) {
        addPhrase(commands, p, { command: 'switchLanguage', language: target }, `${where} commands.switchLanguage`);
      }
      const name = shown.chat.language.names[target];
      if (name !== undefined) addPhrase(commands, name, { command: 'switchLanguage', language: target }, `${where} language.names`);
    }
    for (const p of data.politeness) politeness.add(normalise(p));

    const numberWords = new Map<string, number>();
    for (const [point, phrases] of Object.entries(data.numbers)) for (const p of phrases) numberWords.set(normalise(p), Number(point));
    const understanding = parseOrThrow(ZUnderstandingData, readLocaleFile(localesDir, language, 'understanding'), `${where}/understanding.json`);
    grammars[language] = compileGrammar(understanding, numeric, numberWords, normalise);

    return { numeric, yesno, choice, text, fillers: new Set(data.numberFillers.map(normalise)) };
  };

  const grammars = {} as Record<TLanguage, TGrammar>;
  const languages = Object.fromEntries(LANGUAGES.map((language) => [language, build(language)])) as Record<
    TLanguage,
    TLanguageLexicon
  >;
  assertLanguageMarksDisjoint(grammars);
  // Longest first, so "dank u wel" is stripped whole rather than leaving "wel" behind.
  const politenessByLength = [...politeness].sort((a, b) => b.length - a.length);
  return { languages, commands, politeness: politenessByLength, labelledPoints, grammars };
}

/** A greeting or language word of two languages could not tell either: a data error. */
function assertLanguageMarksDisjoint(grammars: Record<TLanguage, TGrammar>): void {
  const owners = new Map<string, TLanguage>();
  for (const language of LANGUAGES) {
    const { greetings, languageWords } = grammars[language];
    for (const mark of [...greetings.map((greeting) => `greeting "${greeting.join(' ')}"`), ...[...languageWords].map((word) => `word "${word}"`)]) {
      const owner = owners.get(mark);
      if (owner !== undefined && owner !== language) {
        throw new LexiconError(`locales/${language}/understanding.json: the ${mark} marks ${owner} too`);
      }
      owners.set(mark, language);
    }
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new LexiconError(`${where}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
}

/** Removes courtesy words at either end ("ja graag", "English please"); undefined if nothing changed. */
function stripPoliteness(phrase: string, politeness: readonly string[]): string | undefined {
  let current = phrase;
  let changed = true;
  while (changed && current !== '') {
    changed = false;
    for (const word of politeness) {
      if (current.startsWith(`${word} `)) {
        current = current.slice(word.length + 1);
        changed = true;
      } else if (current.endsWith(` ${word}`)) {
        current = current.slice(0, -(word.length + 1));
        changed = true;
      }
    }
  }
  return current === phrase || current === '' ? undefined : current;
}

/** Candidate forms of the input, most literal first. */
function forms(input: string, lexicon: TLexicon): string[] {
  const plain = normalise(input);
  const stripped = stripPoliteness(plain, lexicon.politeness);
  return stripped === undefined ? [plain] : [plain, stripped];
}

/** The resident's own language first: where two languages disagree on a phrase, theirs wins. */
function languageOrder(language: TLanguage): TLanguage[] {
  return [language, ...LANGUAGES.filter((l) => l !== language)];
}

const DIGITS = /^(\d{1,3})\s*(?:\/\s*(\d{1,3}))?\s*[.!]*$/;

function phraseMapFor(question: TQuestion, lex: TLanguageLexicon): TPhraseMap<TAnswer> {
  switch (question.type) {
    case 'scale5':
    case 'effort7':
    case 'scale0to10':
      return lex.numeric[question.scale];
    case 'yesno':
      return lex.yesno;
    case 'choice':
      return lex.choice;
    case 'text':
      return lex.text;
  }
}

/** The option whose own label (in any language, the resident's first) the input is, typed or tapped. */
function ownOptionLabel(labels: Readonly<Record<string, TSurveyText>>, candidates: readonly string[], order: readonly TLanguage[]): string | undefined {
  for (const language of order) {
    for (const [option, label] of Object.entries(labels)) {
      if (candidates.includes(normalise(label[language]))) return option;
    }
  }
  return undefined;
}

/** Whether an answer is one this question can take (a choice option of this question, a point on its scale). */
function fits(question: TQuestion, answer: TAnswer): boolean {
  if (answer.kind !== 'value') return answer.kind === 'skip' || question.type !== 'text';
  if (question.type === 'choice') return typeof answer.value === 'string' && question.options.includes(answer.value);
  return true;
}

/**
 * Recognises a resident's answer to a question, typed or from a button, in their language and —
 * tolerantly — in the other two (a resident in Dutch who types "four" is understood).
 * Accepts digits ("4", "4.", "4/5" with the scale's own maximum, "ik geef een 8"), number words, the
 * scale's labels, yes/no words, "don't know" and "skip" phrases, ignoring case, accents, punctuation
 * and courtesy words, with one typo allowed in words of five letters or more.
 * "Don't know" on a question that does not offer it counts as skipped: asking again would not help.
 * Numbers outside the question's range are not understood.
 */
export function recogniseAnswer(
  question: TQuestion,
  input: string,
  language: TLanguage,
  lexicon: TLexicon,
): TRecognition {
  const trimmed = input.trim();
  if (trimmed === '') return { kind: 'notUnderstood', reason: 'empty' };
  const result = recogniseRaw(question, trimmed, language, lexicon);
  if (result.kind === 'dontKnow' && !question.allowDontKnow) return SKIP;
  return result;
}

function recogniseRaw(question: TQuestion, trimmed: string, language: TLanguage, lexicon: TLexicon): TRecognition {
  if (trimmed === BUTTON_VALUES.skip) return SKIP;
  if (trimmed === BUTTON_VALUES.dontKnow) return DONT_KNOW;
  if (question.type === 'yesno' && (trimmed === BUTTON_VALUES.yes || trimmed === BUTTON_VALUES.no)) {
    return { kind: 'value', value: trimmed };
  }
  if (question.type === 'choice' && question.options.includes(trimmed)) return { kind: 'value', value: trimmed };
  if (question.type === 'choice' && question.optionLabels) {
    const own = ownOptionLabel(question.optionLabels, forms(trimmed, lexicon), languageOrder(language));
    if (own !== undefined) return { kind: 'value', value: own };
  }

  const numericType: TNumericType | undefined = question.type in NUMERIC_RANGES ? (question.type as TNumericType) : undefined;
  if (numericType !== undefined) {
    const digits = DIGITS.exec(trimmed);
    if (digits !== null) return numberInRange(numericType, Number(digits[1]), digits[2]);
    const emoji = readEmoji(trimmed, (question as { scale: TScaleLabelSet }).scale);
    if (emoji) return { kind: 'plausible', answer: emoji.answer };
  }

  const order = languageOrder(language);
  const candidates = forms(trimmed, lexicon);
  for (const form of candidates) {
    for (const l of order) {
      const meaning = phraseMapFor(question, lexicon.languages[l]).get(form);
      if (meaning !== undefined && fits(question, meaning)) return meaning;
    }
  }

  if (question.type === 'text') {
    return trimmed.length > MAX_TEXT_LENGTH ? { kind: 'notUnderstood', reason: 'tooLong' } : { kind: 'value', value: trimmed };
  }

  if (numericType !== undefined) {
    const fromSentence = numberAmongFillers(trimmed, lexicon.politeness, order.map((l) => lexicon.languages[l].fillers));
    if (fromSentence !== undefined) return numberInRange(numericType, fromSentence, undefined);
  }

  const understood = understandByGrammar(question, trimmed, candidates, order, lexicon);
  if (understood === 'unclear') return { kind: 'notUnderstood' };
  if (understood !== undefined) return understood.sure ? understood.answer : { kind: 'plausible', answer: understood.answer };

  return fuzzyMatch(question, candidates, order, lexicon) ?? { kind: 'notUnderstood' };
}

/**
 * What no phrase list holds whole: an answer in its frame ("ik vond het prima", "4 out of 5", "niet tevreden"), a
 * yes or no with a tail ("ja, dat kon", "si, mi por"), or emoji. The resident's own language first.
 */
function understandByGrammar(
  question: TQuestion,
  raw: string,
  candidates: readonly string[],
  order: readonly TLanguage[],
  lexicon: TLexicon,
): TReading | 'unclear' | undefined {
  // A greeting is no answer, though "bon" in "bon dia" is a yes and "goede" in "goedemiddag" good.
  const greeting = greetingsAtFront(candidates[0]?.split(' ') ?? [], lexicon.grammars);
  if (greeting.languages.length > 0 && greeting.rest.length === 0) return 'unclear';
  if (question.type === 'yesno') {
    return readEmoji(raw, 'yesno') ?? yesOrNoWithTail(candidates, order, lexicon);
  }
  if (question.type !== 'scale5' && question.type !== 'effort7' && question.type !== 'scale0to10') return undefined;
  // A sign or a decimal is no point of a scale, and normalising would hide it ("-1" → "1", "3.5" → "35").
  if (/[-−]\s*\d|\d\s*[.,]\s*\d/.test(raw)) return undefined;
  // Without courtesy words first: "tevreden hoor" is "tevreden".
  for (const form of [...candidates].reverse()) {
    const tokens = form.split(' ').filter(Boolean);
    for (const language of order) {
      const reading = readScaleAnswer(tokens, lexicon.grammars[language], question.scale);
      if (reading !== undefined) return reading;
    }
  }
  return undefined;
}

/**
 * "ja, dat kon", "nee, liever niet", "si, mi por", "yes I could": a yes or no first, and nothing after it that says
 * the opposite ("ja nee" is not understood). A negation after a yes is the opposite too ("yes, not really").
 */
function yesOrNoWithTail(candidates: readonly string[], order: readonly TLanguage[], lexicon: TLexicon): TReading | 'unclear' | undefined {
  for (const form of candidates) {
    const tokens = form.split(' ').filter(Boolean);
    for (const language of order) {
      const yesno = lexicon.languages[language].yesno;
      for (let head = Math.min(3, tokens.length - 1); head >= 1; head -= 1) {
        const meaning = yesno.get(tokens.slice(0, head).join(' '));
        if (meaning?.kind !== 'value') continue;
        const tail = tokens.slice(head);
        const opposite = meaning.value === 'yes' ? 'no' : 'yes';
        const contradicts = tail.some((word) => {
          const said = order.map((l) => lexicon.languages[l].yesno.get(word)).find((answer) => answer !== undefined);
          return (said?.kind === 'value' && said.value === opposite) || (meaning.value === 'yes' && isNegation(word, order, lexicon));
        });
        return contradicts ? 'unclear' : { answer: meaning, sure: true };
      }
    }
  }
  return undefined;
}

function isNegation(word: string, order: readonly TLanguage[], lexicon: TLexicon): boolean {
  return order.some((language) => lexicon.grammars[language].negations.some((phrase) => phrase.length === 1 && phrase[0] === word));
}

function numberInRange(type: TNumericType, value: number, outOf: string | undefined): TRecognition {
  const { min, max } = NUMERIC_RANGES[type];
  if (outOf !== undefined && Number(outOf) !== max) {
    const reading = rescaled(value, Number(outOf), NUMERIC_RANGES[type]);
    return reading === 'unclear' ? { kind: 'notUnderstood' } : reading.answer;
  }
  return value >= min && value <= max ? { kind: 'value', value } : { kind: 'notUnderstood' };
}

/** "ik geef een 8", "I'd say 4": one whole number among filler words of any language. */
function numberAmongFillers(
  raw: string,
  politeness: readonly string[],
  fillerSets: readonly ReadonlySet<string>[],
): number | undefined {
  // Tokenised apart from `normalise`, which joins at dots: here "3.5" must stay two numbers, not 35,
  // and "-1" must not lose its sign.
  if (/[-−]\s*\d/.test(raw)) return undefined;
  const spaced = raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const phrase = stripPoliteness(spaced, politeness) ?? spaced;
  const tokens = phrase.split(' ');
  const numbers = tokens.filter((t) => /^\d{1,3}$/.test(t));
  if (numbers.length !== 1 || tokens.some((t) => /\d/.test(t) && !/^\d{1,3}$/.test(t))) return undefined;
  const allFillers = tokens.every((t) => /^\d{1,3}$/.test(t) || fillerSets.some((set) => set.has(t)));
  return allFillers ? Number(numbers[0]) : undefined;
}

const FUZZY_MIN_LENGTH = 5;

function fuzzyMatch(
  question: TQuestion,
  candidates: readonly string[],
  order: readonly TLanguage[],
  lexicon: TLexicon,
): TAnswer | undefined {
  for (const form of candidates) {
    if (form.length < FUZZY_MIN_LENGTH) continue;
    const found = new Map<string, TAnswer>();
    for (const l of order) {
      for (const [phrase, meaning] of phraseMapFor(question, lexicon.languages[l])) {
        if (phrase.length < FUZZY_MIN_LENGTH || !fits(question, meaning)) continue;
        if (withinOneEdit(form, phrase)) found.set(JSON.stringify(meaning), meaning);
      }
    }
    // Two different meanings one typo away: guessing could store the opposite of what was meant.
    if (found.size === 1) return [...found.values()][0];
  }
  return undefined;
}

/** Damerau–Levenshtein distance ≤ 1: one insertion, deletion, substitution or swap of neighbours. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

// The conversation's own yes/no moments (consent, resume, erase, call-back) are not survey questions;
// they go through the same recogniser as a yes/no question so they understand the same words.
const CONVERSATION_YES_NO: TQuestion = { key: 'conversation', type: 'yesno', core: false, textKey: 'conversation', allowDontKnow: false };

/**
 * Reads a yes or no outside the survey questions (consent, "continue where you were?", erase
 * confirmation): `'yes'`, `'no'`, or undefined when it is neither, so the caller can ask again.
 */
export function recogniseYesNo(
  input: string,
  language: TLanguage,
  lexicon: TLexicon,
): 'yes' | 'no' | undefined {
  const result = recogniseAnswer(CONVERSATION_YES_NO, input, language, lexicon);
  return result.kind === 'value' && (result.value === 'yes' || result.value === 'no') ? result.value : undefined;
}

/**
 * Recognises a command in any of the three languages, whatever the resident's current language
 * (someone answering in Dutch may type "English please"). Only a whole message is a command, so
 * "stop" inside a longer free-text answer stays part of the answer.
 */
export function recogniseCommand(text: string, lexicon: TLexicon): TCommand | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith(LANGUAGE_BUTTON_PREFIX)) {
    const language = LANGUAGES.find((l) => trimmed === languageButtonValue(l));
    return language === undefined ? undefined : { command: 'switchLanguage', language };
  }
  for (const form of forms(trimmed, lexicon)) {
    const command = lexicon.commands.get(form);
    if (command !== undefined) return command;
  }
  return undefined;
}

/**
 * The buttons for a question, in order: its answers (scale points, yes/no, options), then
 * "don't know" when the question offers it, then "skip". Label keys are namespaced (`survey:`,
 * `chat:`) for a translator of either namespace.
 */
export function answerButtons(question: TQuestion, lexicon: TLexicon): TAnswerButton[] {
  const buttons: TAnswerButton[] = [];
  switch (question.type) {
    case 'scale5':
    case 'effort7':
    case 'scale0to10': {
      const { min, max } = NUMERIC_RANGES[question.type];
      for (let point = min; point <= max; point += 1) {
        const labelled = lexicon.labelledPoints[question.scale].has(point);
        buttons.push({
          value: scaleButtonValue(point),
          labelKey: labelled ? `survey:scales.${question.scale}.${point}` : undefined,
        });
      }
      break;
    }
    case 'yesno':
      buttons.push({ value: BUTTON_VALUES.yes, labelKey: 'chat:buttons.yes' });
      buttons.push({ value: BUTTON_VALUES.no, labelKey: 'chat:buttons.no' });
      break;
    case 'choice':
      for (const option of question.options) {
        const own = question.optionLabels?.[option];
        buttons.push(own ? { value: option, labelKey: undefined, label: own } : { value: option, labelKey: `survey:options.${option}` });
      }
      break;
    case 'text':
      break;
  }
  if (question.allowDontKnow) buttons.push({ value: BUTTON_VALUES.dontKnow, labelKey: 'chat:buttons.dontKnow' });
  buttons.push({ value: BUTTON_VALUES.skip, labelKey: 'chat:buttons.skip' });
  return buttons;
}
