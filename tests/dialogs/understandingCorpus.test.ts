import { lexicon } from '../support/lexicon';
import { describe, expect, it } from 'vitest';
import { recogniseAnswer, type TRecognition } from '../../src/dialogs/recognizers';
import { DEFAULT_LOCALES_DIR, readLocaleFile } from '../../src/i18n/i18n';
import { LANGUAGES, type TLanguage } from '../../src/i18n/languages';
import { NUMERIC_RANGES, SCALE_LABEL_SETS, ZQuestion, type TAnswer, type TQuestion } from '../../src/surveys/schema';
import { UNDERSTANDING_CORPUS, type TCorpusEntry } from './understandingCorpus';

/** Share of a language's clear phrases (meaning not 'unclear') that must be understood. */
const REQUIRED_UNDERSTOOD = 0.95;

type TScale = TCorpusEntry['scale'];
const SCALES: readonly TScale[] = ['satisfaction', 'agreement', 'effort', 'likelihood', 'yesno'];

/** The question each corpus scale is asked as; every one offers "don't know". */
const QUESTIONS: Record<TScale, TQuestion> = {
  satisfaction: ZQuestion.parse({
    key: 'satisfaction',
    type: 'scale5',
    scale: 'satisfaction',
    measures: 'satisfaction',
    textKey: 'questions.satisfaction',
    allowDontKnow: true,
  }),
  agreement: ZQuestion.parse({
    key: 'ease',
    type: 'scale5',
    scale: 'agreement',
    measures: 'ease',
    textKey: 'questions.ease',
    allowDontKnow: true,
  }),
  effort: ZQuestion.parse({ key: 'effort', type: 'effort7', measures: 'effort', textKey: 'questions.effort', allowDontKnow: true }),
  likelihood: ZQuestion.parse({
    key: 'recommend',
    type: 'scale0to10',
    measures: 'recommend',
    textKey: 'questions.recommend',
    allowDontKnow: true,
  }),
  yesno: ZQuestion.parse({ key: 'ownLanguage', type: 'yesno', textKey: 'questions.ownLanguage', allowDontKnow: true }),
};

/** What the dialog does with a recognition: store it at once, ask the resident to confirm it, or ask again. */
type TOutcome = { kind: 'stored'; answer: TAnswer } | { kind: 'asked'; answer: TAnswer | undefined } | { kind: 'reprompt' };

function outcomeOf(result: TRecognition): TOutcome {
  // `plausible` is being added to TRecognition; read through unknown so this compiles with or without it.
  const loose = result as unknown as { kind: string; answer?: TAnswer };
  if (loose.kind === 'plausible') return { kind: 'asked', answer: loose.answer };
  if (loose.kind === 'value' || loose.kind === 'dontKnow' || loose.kind === 'skip') {
    return { kind: 'stored', answer: result as TAnswer };
  }
  return { kind: 'reprompt' };
}

function isMeaning(answer: TAnswer | undefined, meaning: TCorpusEntry['meaning']): boolean {
  if (answer === undefined || meaning === 'unclear') return false;
  if (meaning === 'dontKnow') return answer.kind === 'dontKnow';
  return answer.kind === 'value' && answer.value === meaning;
}

function describeAnswer(answer: TAnswer | undefined): string {
  if (answer === undefined) return '(no answer)';
  return answer.kind === 'value' ? JSON.stringify(answer.value) : answer.kind;
}

type TVerdict = 'understood' | 'missed' | 'wrong' | 'rightlyUnclear';

interface TJudged {
  entry: TCorpusEntry;
  verdict: TVerdict;
  got: string;
}

function judge(entry: TCorpusEntry): TJudged {
  let result: TRecognition;
  try {
    result = recogniseAnswer(QUESTIONS[entry.scale], entry.phrase, entry.language, lexicon);
  } catch (error) {
    return { entry, verdict: 'wrong', got: `threw ${error instanceof Error ? error.message : String(error)}` };
  }
  const outcome = outcomeOf(result);
  const clear = entry.meaning !== 'unclear';
  switch (outcome.kind) {
    case 'stored': {
      const got = `stored ${describeAnswer(outcome.answer)}`;
      // Stored means "sure": only right for a clear phrase a person would simply take, with its meaning.
      const right = clear && entry.certainty === 'sure' && isMeaning(outcome.answer, entry.meaning);
      return { entry, verdict: right ? 'understood' : 'wrong', got };
    }
    case 'asked': {
      const got = `asked to confirm ${describeAnswer(outcome.answer)}`;
      // Offering anything but the meaning (or a guess at an unclear phrase) offers the resident the wrong thing.
      return { entry, verdict: isMeaning(outcome.answer, entry.meaning) ? 'understood' : 'wrong', got };
    }
    case 'reprompt':
      return { entry, verdict: clear ? 'missed' : 'rightlyUnclear', got: 'not understood' };
  }
}

function expectation(entry: TCorpusEntry): string {
  if (entry.meaning === 'unclear') return 'expected: unclear, never stored or offered';
  const meaning = typeof entry.meaning === 'number' ? String(entry.meaning) : entry.meaning;
  return entry.certainty === 'sure' ? `expected: ${meaning} (sure)` : `expected: ${meaning}, asked to confirm`;
}

function failureLine({ entry, verdict, got }: TJudged): string {
  return `  [${verdict}] ${entry.language} ${entry.scale} ${JSON.stringify(entry.phrase)}: got ${got}; ${expectation(entry)}`;
}

describe('the understanding corpus', () => {
  it('is a corpus worth holding the recogniser to', () => {
    const problems: string[] = [];
    const count = (filter: (e: TCorpusEntry) => boolean): number => UNDERSTANDING_CORPUS.filter(filter).length;

    if (UNDERSTANDING_CORPUS.length < 420) problems.push(`only ${UNDERSTANDING_CORPUS.length} entries, at least 420 wanted`);
    const minimum: Record<TLanguage, number> = { nl: 150, pap: 100, en: 110 };
    for (const language of LANGUAGES) {
      const n = count((e) => e.language === language);
      if (n < minimum[language]) problems.push(`${language}: only ${n} entries, at least ${minimum[language]} wanted`);
      for (const scale of SCALES) {
        if (count((e) => e.language === language && e.scale === scale) < 10) {
          problems.push(`${language} ${scale}: fewer than 10 entries`);
        }
      }
    }
    const toBeChecked = count((e) => e.meaning === 'unclear' || e.certainty === 'confirm');
    if (toBeChecked < 70) problems.push(`only ${toBeChecked} unclear or confirm entries, at least 70 wanted`);

    const seen = new Set<string>();
    for (const entry of UNDERSTANDING_CORPUS) {
      const where = `${entry.language} ${entry.scale} ${JSON.stringify(entry.phrase)}`;
      const key = `${entry.language}|${entry.scale}|${entry.phrase}`;
      if (seen.has(key)) problems.push(`${where}: appears twice`);
      seen.add(key);
      if (entry.phrase.trim() === '') problems.push(`${where}: empty phrase`);
      if (entry.meaning === 'unclear' && entry.certainty !== 'confirm') problems.push(`${where}: an unclear entry is 'confirm'`);
      const { meaning } = entry;
      if (entry.scale === 'yesno') {
        if (typeof meaning === 'number') problems.push(`${where}: a yes/no question has no point ${meaning}`);
      } else if (meaning === 'yes' || meaning === 'no') {
        problems.push(`${where}: a scale has no ${meaning}; a bare yes/no on a scale is 'unclear'`);
      } else if (typeof meaning === 'number') {
        const { min, max } = NUMERIC_RANGES[SCALE_LABEL_SETS[entry.scale]];
        if (!Number.isInteger(meaning) || meaning < min || meaning > max) {
          problems.push(`${where}: ${meaning} is not a point of ${min}–${max}; a number off the scale is 'unclear'`);
        }
      }
    }

    // Every button a resident sees must be in the corpus, word for word, as a sure answer.
    const has = (language: TLanguage, scale: TScale, phrase: string, meaning: TCorpusEntry['meaning']): boolean =>
      UNDERSTANDING_CORPUS.some(
        (e) => e.language === language && e.scale === scale && e.phrase === phrase && e.meaning === meaning && e.certainty === 'sure',
      );
    for (const language of LANGUAGES) {
      const survey = readLocaleFile(DEFAULT_LOCALES_DIR, language, 'survey') as { scales?: Record<string, Record<string, string>> };
      const chat = readLocaleFile(DEFAULT_LOCALES_DIR, language, 'chat') as { buttons?: Record<string, string> };
      for (const scale of ['satisfaction', 'agreement', 'effort', 'likelihood'] as const) {
        for (const [point, label] of Object.entries(survey.scales?.[scale] ?? {})) {
          if (!has(language, scale, label, Number(point))) problems.push(`${language} ${scale}: button "${label}" (${point}) missing`);
        }
      }
      const buttons = chat.buttons ?? {};
      for (const [button, meaning] of [
        ['yes', 'yes'],
        ['no', 'no'],
      ] as const) {
        const label = buttons[button] ?? '';
        if (!has(language, 'yesno', label, meaning)) problems.push(`${language} yesno: button "${label}" missing`);
      }
      const dontKnow = buttons.dontKnow ?? '';
      if (!UNDERSTANDING_CORPUS.some((e) => e.language === language && e.phrase === dontKnow && e.meaning === 'dontKnow')) {
        problems.push(`${language}: button "${dontKnow}" missing`);
      }
    }

    expect(problems, `corpus problems:\n${problems.join('\n')}`).toEqual([]);
  });

  it.each(LANGUAGES)('is understood in %s: no wrong stored or offered answer, enough clear phrases understood', (language) => {
    const judged = UNDERSTANDING_CORPUS.filter((e) => e.language === language).map(judge);
    const clear = judged.filter((j) => j.entry.meaning !== 'unclear');
    const understood = clear.filter((j) => j.verdict === 'understood').length;
    const wrong = judged.filter((j) => j.verdict === 'wrong');
    const missed = judged.filter((j) => j.verdict === 'missed');
    const share = clear.length === 0 ? 1 : understood / clear.length;

    console.log(
      `understanding ${language}: ${understood}/${clear.length} clear phrases understood (${(share * 100).toFixed(1)}%), ${wrong.length} wrong`,
    );

    const message = [
      `understanding ${language}: ${understood}/${clear.length} clear phrases understood (${(share * 100).toFixed(1)}%, ` +
        `${REQUIRED_UNDERSTOOD * 100}% required), ${wrong.length} wrong`,
      ...(wrong.length > 0 ? [`wrong (stored or offered something a person would not take):`, ...wrong.map(failureLine)] : []),
      ...(missed.length > 0 ? [`not understood:`, ...missed.map(failureLine)] : []),
    ].join('\n');
    expect(wrong.length === 0 && share >= REQUIRED_UNDERSTOOD, message).toBe(true);
  });
});
