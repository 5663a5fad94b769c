import { z } from 'zod';
import { NUMERIC_RANGES, type TAnswer, type TScaleLabelSet } from '../surveys/schema';

/**
 * The grammar of a typed answer, per language, as data (`locales/{lang}/understanding.json`): the frames residents
 * wrap an answer in ("ik vond het …", "mi ta …", "I'd say …"), intensifiers and negations, the words around numbers
 * ("4 sterren", "4 out of 5"), and per scale the evaluative words a person would check before taking them
 * (`askBack`: "prima" is probably a 4). The words a person would simply take are the scale phrases of
 * `recognizer.json`; frames, intensifiers and negation apply to both. An answer to ask back is offered to the
 * resident, never stored as given.
 */
/** `"prima = 4"`: a phrase and the point a person would offer back for it. */
const ASK_BACK_ENTRY = /^(.+?)\s*=\s*(\d{1,2})$/;
const ZPointPhrases = z.array(z.string().regex(ASK_BACK_ENTRY, 'must read "phrase = point"'));

export const ZUnderstandingData = z.strictObject({
  /** How a resident opens a chat in this language ("Goedemiddag", "Bon dia", "Good morning"). */
  greetings: z.array(z.string().min(1)),
  /** Single words that mark a sentence as this language and no other ("ik", "mi", "the"). */
  languageWords: z.array(z.string().regex(/^\S+$/, 'must be one word')),
  frames: z.array(z.string().min(1)),
  intensifiers: z.array(z.string().min(1)),
  /** Words that soften ("vrij", "bastante", "fairly"): the answer is about the word's point, and asked back. */
  moderators: z.array(z.string().min(1)),
  negations: z.array(z.string().min(1)),
  outOf: z.array(z.string().min(1)),
  units: z.array(z.string().min(1)),
  askBack: z.strictObject({ agreement: ZPointPhrases, satisfaction: ZPointPhrases, effort: ZPointPhrases, likelihood: ZPointPhrases }) satisfies z.ZodType<
    Record<TScaleLabelSet, unknown>
  >,
});
export type TUnderstandingData = z.infer<typeof ZUnderstandingData>;

/** A meaning and how sure a person would be of it. */
export type TReading = { answer: TAnswer; sure: boolean };

type TScaleRange = { min: number; max: number };

/** One language's grammar, compiled once: phrases as normalised token lists. */
export interface TGrammar {
  greetings: readonly string[][];
  languageWords: ReadonlySet<string>;
  frames: readonly string[][];
  intensifiers: ReadonlySet<string>;
  moderators: readonly string[][];
  negations: readonly string[][];
  outOf: readonly string[][];
  units: ReadonlySet<string>;
  /** Per scale, phrase → reading: the sure phrases of recognizer.json and the words of understanding.json. */
  words: Record<TScaleLabelSet, ReadonlyMap<string, TReading>>;
  /** Number words of the language: "vier" → 4. */
  numbers: ReadonlyMap<string, number>;
}

const SCALE_RANGES: Record<TScaleLabelSet, TScaleRange> = {
  agreement: NUMERIC_RANGES.scale5,
  satisfaction: NUMERIC_RANGES.scale5,
  effort: NUMERIC_RANGES.effort7,
  likelihood: NUMERIC_RANGES.scale0to10,
};

const byLengthDescending = (phrases: string[][]) => phrases.sort((a, b) => b.length - a.length);

export function compileGrammar(
  data: TUnderstandingData,
  surePhrases: Record<TScaleLabelSet, ReadonlyMap<string, TAnswer>>,
  numbers: ReadonlyMap<string, number>,
  normalise: (text: string) => string,
): TGrammar {
  const tokens = (phrase: string) => normalise(phrase).split(' ').filter(Boolean);
  const words = {} as Record<TScaleLabelSet, ReadonlyMap<string, TReading>>;
  for (const scale of Object.keys(SCALE_RANGES) as TScaleLabelSet[]) {
    const readings = new Map<string, TReading>();
    for (const [phrase, answer] of surePhrases[scale]) readings.set(phrase, { answer, sure: true });
    for (const entry of data.askBack[scale]) {
      const [, phrase = '', point = ''] = ASK_BACK_ENTRY.exec(entry) ?? [];
      const value = Number(point);
      const { min, max } = SCALE_RANGES[scale];
      if (value < min || value > max) throw new Error(`askBack.${scale}: "${entry}" names no point of the scale ${min}–${max}`);
      if (readings.get(normalise(phrase))?.sure) throw new Error(`askBack.${scale}: "${phrase}" is a sure phrase of recognizer.json too`);
      readings.set(normalise(phrase), { answer: { kind: 'value', value }, sure: false });
    }
    words[scale] = readings;
  }
  return {
    greetings: byLengthDescending(data.greetings.map(tokens)),
    languageWords: new Set(data.languageWords.map(normalise)),
    frames: byLengthDescending(data.frames.map(tokens)),
    intensifiers: new Set(data.intensifiers.map(normalise)),
    moderators: byLengthDescending(data.moderators.map(tokens)),
    negations: byLengthDescending(data.negations.map(tokens)),
    outOf: byLengthDescending(data.outOf.map(tokens)),
    units: new Set(data.units.map(normalise)),
    words,
    numbers,
  };
}

export const startsWithPhrase = (tokens: readonly string[], phrase: readonly string[]) => phrase.length <= tokens.length && phrase.every((word, i) => tokens[i] === word);

/**
 * The greetings a message opens with ("hallo hallo", "bon dia, danki" → "bon dia"), the languages they are of, and
 * what follows them.
 */
export function greetingsAtFront(tokens: readonly string[], grammars: Readonly<Record<string, TGrammar>>): { languages: string[]; rest: readonly string[] } {
  const languages = new Set<string>();
  let rest = tokens;
  for (;;) {
    let longest: { language: string; length: number } | undefined;
    for (const [language, grammar] of Object.entries(grammars)) {
      const greeting = grammar.greetings.find((phrase) => startsWithPhrase(rest, phrase));
      if (greeting && greeting.length > (longest?.length ?? 0)) longest = { language, length: greeting.length };
    }
    if (!longest) return { languages: [...languages], rest };
    languages.add(longest.language);
    rest = rest.slice(longest.length);
  }
}

/** Takes frames off the front ("ik vond het", "mi ta", "i would say"), longest first, as often as they stand there. */
function withoutFrames(tokens: string[], grammar: TGrammar): string[] {
  let rest = tokens;
  for (let changed = true; changed; ) {
    changed = false;
    for (const frame of grammar.frames) {
      if (frame.length < rest.length && startsWithPhrase(rest, frame)) {
        rest = rest.slice(frame.length);
        changed = true;
        break;
      }
    }
  }
  return rest;
}

function numberOf(token: string | undefined, grammar: TGrammar): number | undefined {
  if (token === undefined) return undefined;
  if (/^\d{1,2}$/.test(token)) return Number(token);
  return grammar.numbers.get(token);
}

/**
 * "4", "4 sterren", "vier van de vijf", "4 out of 5 stars": a number, optionally out of another, and a unit. Out of
 * the scale's own maximum it is that point; out of another it counts only where it lands exactly on a point
 * ("10/10" is 5 of 5, "8/10" is no point of 5) and is then asked back.
 */
function readNumber(tokens: readonly string[], grammar: TGrammar, range: TScaleRange): TReading | 'unclear' | undefined {
  const value = numberOf(tokens[0], grammar);
  if (value === undefined) return undefined;
  let rest = tokens.slice(1);
  let outOf: number | undefined;
  const joiner = grammar.outOf.find((phrase) => startsWithPhrase(rest, phrase));
  if (joiner) {
    outOf = numberOf(rest[joiner.length], grammar);
    if (outOf === undefined) return undefined;
    rest = rest.slice(joiner.length + 1);
  }
  if (rest.length > 1 || (rest.length === 1 && !grammar.units.has(rest[0]!))) return undefined;
  if (outOf === undefined || outOf === range.max) {
    return value >= range.min && value <= range.max ? { answer: { kind: 'value', value }, sure: true } : 'unclear';
  }
  return rescaled(value, outOf, range);
}

/** A fraction on another scale, where it lands exactly on a point of this one ("10/10" is 5 of 5). */
export function rescaled(value: number, outOf: number, range: TScaleRange): TReading | 'unclear' {
  if (outOf <= 0 || value > outOf || value < 0) return 'unclear';
  const point = range.min + (value / outOf) * (range.max - range.min);
  return Number.isInteger(point) ? { answer: { kind: 'value', value: point }, sure: true } : 'unclear';
}

/**
 * An evaluative phrase with what stands before it: negation and intensifiers. An intensifier moves a word one step
 * toward its end of the scale ("heel tevreden"); a negated word on one side is the other side ("niet tevreden" = 2),
 * but a negated low word, or a negated strong one, is a plausible middle to ask back ("niet slecht", "not very
 * satisfied"). A word at the middle cannot be negated or intensified into anything a person would be sure of.
 */
function readWords(tokens: readonly string[], grammar: TGrammar, scale: TScaleLabelSet): TReading | 'unclear' | undefined {
  const range = SCALE_RANGES[scale];
  const direct = grammar.words[scale].get(tokens.join(' '));
  if (direct) return direct;
  let rest = [...tokens];
  let negated = false;
  // "totaal niet", "helemaal niet": an intensified negation goes one step further; "niet erg", "not very" soften.
  let negationIntensified = false;
  const negation = grammar.negations.find((phrase) => phrase.length < rest.length && startsWithPhrase(rest, phrase));
  if (negation) {
    negated = true;
    negationIntensified = grammar.intensifiers.has(negation[0]!);
    rest = rest.slice(negation.length);
    if (negation.slice(1).some((word) => grammar.intensifiers.has(word))) return 'unclear';
  }
  const moderator = grammar.moderators.find((phrase) => phrase.length < rest.length && startsWithPhrase(rest, phrase));
  if (moderator) return negated ? 'unclear' : moderated(grammar.words[scale].get(rest.slice(moderator.length).join(' ')), range);
  // The whole phrase first ("pretty good", "erg tevreden" are phrases of their own), then without intensifiers.
  let intensified = 0;
  let reading = grammar.words[scale].get(rest.join(' '));
  while (!reading && rest.length > 1 && grammar.intensifiers.has(rest[0]!)) {
    intensified += 1;
    rest = rest.slice(1);
    reading = grammar.words[scale].get(rest.join(' '));
  }
  if (!reading) return undefined;
  if (reading.answer.kind !== 'value') return negated || intensified > 0 ? 'unclear' : reading;
  if (!negated && intensified === 0) return reading;
  const point = Number(reading.answer.value);
  const middle = (range.min + range.max) / 2;
  if (point === middle) return 'unclear';
  const high = point > middle;
  const toward = (value: number, up: boolean) => (up ? Math.min(range.max, value + 1) : Math.max(range.min, value - 1));
  if (!negated) return { answer: { kind: 'value', value: toward(point, high) }, sure: reading.sure };
  // Only on five points is "not" clear: "niet makkelijk" on seven could be 2 or 3, and 0–10 has no words for it.
  if (range.max - range.min !== 4 || intensified > 0) return 'unclear';
  // "niet tevreden" is the other side ("totaal niet tevreden" its end); "niet slecht" is about the middle.
  if (high) {
    const mirrored = range.min + range.max - point;
    return { answer: { kind: 'value', value: negationIntensified ? toward(mirrored, false) : mirrored }, sure: reading.sure };
  }
  return negationIntensified ? 'unclear' : { answer: { kind: 'value', value: middle }, sure: false };
}

/**
 * A softened word ("vrij tevreden", "fairly easy", "bastante kontentu"): on five points the word's own point, on seven
 * one step toward the middle ("makkelijk" 6, "vrij makkelijk" 5); asked back, since a person would check. A softened
 * end or middle ("vrij heel tevreden", "fairly neutral") says nothing clear.
 */
function moderated(reading: TReading | undefined, range: TScaleRange): TReading | 'unclear' | undefined {
  if (!reading) return undefined;
  if (reading.answer.kind !== 'value') return 'unclear';
  const point = Number(reading.answer.value);
  const middle = (range.min + range.max) / 2;
  const fromMiddle = Math.abs(point - middle);
  if (fromMiddle === 0 || point === range.min || point === range.max) return 'unclear';
  if (range.max - range.min === 4) return { answer: reading.answer, sure: false };
  if (range.max - range.min === 6 && fromMiddle >= 2) return { answer: { kind: 'value', value: point > middle ? point - 1 : point + 1 }, sure: false };
  return 'unclear';
}

/**
 * Reads a typed answer on a numeric scale by the grammar of one language: frames off, then a number in its frame or
 * an evaluative phrase. Undefined: this language's grammar does not apply; 'unclear': it applies, and a person
 * would not know which point was meant.
 */
export function readScaleAnswer(tokens: readonly string[], grammar: TGrammar, scale: TScaleLabelSet): TReading | 'unclear' | undefined {
  // The whole message first: "het ging wel" is a phrase of its own, not the frame "het ging" and a "wel".
  const whole = readWords(tokens, grammar, scale) ?? readNumber(tokens, grammar, SCALE_RANGES[scale]);
  if (whole !== undefined) return whole;
  const core = withoutFrames([...tokens], grammar);
  if (core.length === 0 || core.length === tokens.length) return undefined;
  return readNumber(core, grammar, SCALE_RANGES[scale]) ?? readWords(core, grammar, scale);
}

const YES_SYMBOLS = new Set(['👍', '✅', '👌', '✔']);
const NO_SYMBOLS = new Set(['👎', '❌', '✖']);

/** Emoji carry a meaning a person would check: faces on satisfaction, stars as a count, thumbs as yes and no. */
export function readEmoji(text: string, scale: TScaleLabelSet | 'yesno'): TReading | undefined {
  const symbols = [...text.replace(/[\s\uFE0F\u200D]|\p{Emoji_Modifier}/gu, '')];
  if (symbols.length === 0 || symbols.some((symbol) => !/\p{Extended_Pictographic}/u.test(symbol))) return undefined;
  const kinds = new Set(symbols);
  if (kinds.size !== 1) return undefined;
  const [symbol] = kinds;
  const plausible = (value: number | string): TReading => ({ answer: { kind: 'value', value }, sure: false });
  if (scale === 'yesno') return YES_SYMBOLS.has(symbol!) ? plausible('yes') : NO_SYMBOLS.has(symbol!) ? plausible('no') : undefined;
  const range = SCALE_RANGES[scale];
  if (symbols.length === 1 && range.max === 5 && (YES_SYMBOLS.has(symbol!) || NO_SYMBOLS.has(symbol!))) {
    return plausible(YES_SYMBOLS.has(symbol!) ? 4 : 2);
  }
  if (symbol === '⭐' || symbol === '🌟') return symbols.length >= range.min && symbols.length <= range.max ? plausible(symbols.length) : undefined;
  if (scale !== 'satisfaction' || symbols.length !== 1) return undefined;
  const faces: Record<string, number> = { '😀': 5, '😃': 5, '😄': 5, '😁': 5, '🤩': 5, '😍': 5, '🙂': 4, '😊': 4, '😐': 3, '😑': 3, '🙁': 2, '☹': 2, '😕': 2, '😞': 2, '😡': 1, '😠': 1, '🤬': 1 };
  const value = faces[symbol!];
  return value === undefined ? undefined : plausible(value);
}
