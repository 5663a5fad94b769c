import { lexicon } from '../support/lexicon';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  answerButtons,
  BUTTON_VALUES,
  buildLexicon,
  LexiconError,
  languageButtonValue,
  MAX_TEXT_LENGTH,
  normalise,
  recogniseAnswer,
  recogniseCommand,
  recogniseYesNo,
  scaleButtonValue,
  withinOneEdit,
  ZRecognizerData,
  type TRecognition,
} from '../../src/dialogs/recognizers';
import { createI18n, readLocaleFile } from '../../src/i18n/i18n';
import { LANGUAGES, type TLanguage } from '../../src/i18n/languages';
import { loadSurveys } from '../../src/surveys/loader';
import { ZQuestion, type TQuestion } from '../../src/surveys/schema';

function makeQuestion(overrides: Record<string, unknown>): TQuestion {
  return ZQuestion.parse({ key: 'q', type: 'scale5', textKey: 'questions.ease', ...overrides });
}

const agreement = makeQuestion({ key: 'ease', measures: 'ease', allowDontKnow: true });
const satisfaction = makeQuestion({ key: 'satisfaction', measures: 'satisfaction', scale: 'satisfaction' });
const effort = makeQuestion({ key: 'effort', type: 'effort7', measures: 'effort' });
const recommend = makeQuestion({ key: 'recommend', type: 'scale0to10', measures: 'recommend' });
const yesno = makeQuestion({ key: 'ownLanguage', type: 'yesno', allowDontKnow: true });
const choice = makeQuestion({ key: 'contactChannel', type: 'choice', options: ['counter', 'phone', 'email', 'website', 'other'] });
const text = makeQuestion({ key: 'improvement', type: 'text' });

const v = (value: number | string): TRecognition => ({ kind: 'value', value });
const DONT_KNOW: TRecognition = { kind: 'dontKnow' };
const SKIP: TRecognition = { kind: 'skip' };
const NOT_UNDERSTOOD: TRecognition = { kind: 'notUnderstood' };

type TRow = [input: string, question: TQuestion, expected: TRecognition];

const digits: TRow[] = [
  ['4', agreement, v(4)],
  [' 4 ', agreement, v(4)],
  ['4.', agreement, v(4)],
  ['4!', agreement, v(4)],
  ['4/5', agreement, v(4)],
  ['4 / 5', agreement, v(4)],
  ['1', effort, v(1)],
  ['7', effort, v(7)],
  ['0', recommend, v(0)],
  ['10', recommend, v(10)],
  ['8/10', recommend, v(8)],
];

const outOfRange: TRow[] = [
  ['0', agreement, NOT_UNDERSTOOD],
  ['6', agreement, NOT_UNDERSTOOD],
  ['8', effort, NOT_UNDERSTOOD],
  ['11', recommend, NOT_UNDERSTOOD],
  ['-1', recommend, NOT_UNDERSTOOD],
  ['4/10', agreement, NOT_UNDERSTOOD],
  ['3,5', agreement, NOT_UNDERSTOOD],
  ['3.5', agreement, NOT_UNDERSTOOD],
  ['0.5', recommend, NOT_UNDERSTOOD],
  ['- 2', recommend, NOT_UNDERSTOOD],
  ['ik geef een 12', recommend, NOT_UNDERSTOOD],
  ['4 of 5', agreement, NOT_UNDERSTOOD],
  ['tien', agreement, NOT_UNDERSTOOD],
  ['ocho', effort, NOT_UNDERSTOOD],
];

const perLanguage: Record<TLanguage, TRow[]> = {
  nl: [
    ['vier', agreement, v(4)],
    ['Eén', agreement, v(1)],
    ['een', agreement, v(1)],
    ['zeven', effort, v(7)],
    ['nul', recommend, v(0)],
    ['tien', recommend, v(10)],
    ['ik geef een 8', recommend, v(8)],
    ['Een 7.', recommend, v(7)],
    ['Helemaal mee eens', agreement, v(5)],
    ['helemaal eens', agreement, v(5)],
    ['mee eens', agreement, v(4)],
    ['eens', agreement, v(4)],
    ['oneens', agreement, v(2)],
    ['Helemaal oneens!', agreement, v(1)],
    ['neutraal', agreement, v(3)],
    ['neutraal', effort, v(4)],
    ['heel tevreden', satisfaction, v(5)],
    ['Ontevreden', satisfaction, v(2)],
    ['heel makkelijk', effort, v(7)],
    ['een beetje moeilijk', effort, v(3)],
    ['zeker wel', recommend, v(10)],
    ['ja', yesno, v('yes')],
    ['Jazeker', yesno, v('yes')],
    ['ja graag', yesno, v('yes')],
    ['nee', yesno, v('no')],
    ['Nee, dank u', yesno, v('no')],
    ['weet ik niet', agreement, DONT_KNOW],
    ['Weet ik niet.', yesno, DONT_KNOW],
    ['geen idee', agreement, DONT_KNOW],
    ['n.v.t.', agreement, DONT_KNOW],
    ['nvt', agreement, DONT_KNOW],
    ['overslaan', agreement, SKIP],
    ['sla over', yesno, SKIP],
    ['telefoon', choice, v('phone')],
    ['Aan de balie', choice, v('counter')],
    ['gebeld', choice, v('phone')],
  ],
  pap: [
    ['kuater', agreement, v(4)],
    ['un', agreement, v(1)],
    ['sinku', agreement, v(5)],
    ['shete', effort, v(7)],
    ['sero', recommend, v(0)],
    ['dies', recommend, v(10)],
    ['nuebe', recommend, v(9)],
    ['mi ta duna un 8', recommend, v(8)],
    ['un 8, por fabor', recommend, v(8)],
    ['di akuerdo', agreement, v(4)],
    ['Totalmente di akuerdo', agreement, v(5)],
    ['no di akuerdo', agreement, v(2)],
    ['hopi kontentu', satisfaction, v(5)],
    ['kontentu', satisfaction, v(4)],
    ['deskontentu', satisfaction, v(2)],
    ['hopi fasil', effort, v(7)],
    ['Hopi fásil', effort, v(7)],
    ['si', yesno, v('yes')],
    ['Sí', yesno, v('yes')],
    ['si, por fabor', yesno, v('yes')],
    ['no', yesno, v('no')],
    ['mi no sa', agreement, DONT_KNOW],
    ['no tin idea', yesno, DONT_KNOW],
    ['pasa', agreement, SKIP],
    ['salta', yesno, SKIP],
    ['telefòn', choice, v('phone')],
    ['na lokèt', choice, v('counter')],
  ],
  en: [
    ['four', agreement, v(4)],
    ['Seven', effort, v(7)],
    ['zero', recommend, v(0)],
    ["I'd say 9", recommend, v(9)],
    ['strongly agree', agreement, v(5)],
    ['agree', agreement, v(4)],
    ['disagree', agreement, v(2)],
    ['very satisfied', satisfaction, v(5)],
    ['very easy', effort, v(7)],
    ['extremely likely', recommend, v(10)],
    ['yes', yesno, v('yes')],
    ['Yeah', yesno, v('yes')],
    ['yes please', yesno, v('yes')],
    ['no', yesno, v('no')],
    ['No thanks', yesno, v('no')],
    ["I don't know", agreement, DONT_KNOW],
    ['dunno', agreement, DONT_KNOW],
    ['n/a', agreement, DONT_KNOW],
    ['skip', agreement, SKIP],
    ['Next question', yesno, SKIP],
    ['phone', choice, v('phone')],
    ['at the counter', choice, v('counter')],
  ],
};

const nonsense: TRow[] = [
  ['banaan', agreement, NOT_UNDERSTOOD],
  ['asdf', yesno, NOT_UNDERSTOOD],
  ['ja', agreement, NOT_UNDERSTOOD],
  ['4', yesno, NOT_UNDERSTOOD],
  ['tevreden', agreement, NOT_UNDERSTOOD],
  ['fax', choice, NOT_UNDERSTOOD],
  ['waiting', choice, NOT_UNDERSTOOD],
  ['4 en 5', agreement, NOT_UNDERSTOOD],
  ['niet 4', agreement, NOT_UNDERSTOOD],
  ['', agreement, { kind: 'notUnderstood', reason: 'empty' }],
  ['   ', text, { kind: 'notUnderstood', reason: 'empty' }],
];

describe('recogniseAnswer', () => {
  describe.each(LANGUAGES)('for a resident writing in %s', (language) => {
    it.each(digits)('reads the digits %j', (input, question, expected) => {
      expect(recogniseAnswer(question, input, language, lexicon)).toEqual(expected);
    });

    it.each(outOfRange)('does not accept %j outside the scale', (input, question, expected) => {
      expect(recogniseAnswer(question, input, language, lexicon)).toEqual(expected);
    });

    it.each(perLanguage[language])('understands %j', (input, question, expected) => {
      expect(recogniseAnswer(question, input, language, lexicon)).toEqual(expected);
    });

    it.each(nonsense)('does not understand %j', (input, question, expected) => {
      expect(recogniseAnswer(question, input, language, lexicon)).toEqual(expected);
    });
  });

  it.each([
    ['nl', 'four', 4],
    ['nl', 'kuater', 4],
    ['pap', 'vier', 4],
    ['en', 'sinku', 5],
    ['en', 'helemaal mee eens', 5],
    ['nl', 'hopi di akuerdo', 5],
  ] as const)('tolerates a resident in %s answering %j in another language', (language, input, expected) => {
    expect(recogniseAnswer(agreement, input, language, lexicon)).toEqual(v(expected));
  });

  it.each([
    ['helemaal mee eenz', agreement, v(5)],
    ['tevreeden', satisfaction, v(4)],
    ['kontentuu', satisfaction, v(4)],
    ['stronlgy agree', agreement, v(5)],
    ['overslan', agreement, SKIP],
  ] as const)('forgives one typo in %j', (input, question, expected) => {
    expect(recogniseAnswer(question, input, 'nl', lexicon)).toEqual(expected);
  });

  it('does not guess at a short word with a typo', () => {
    expect(recogniseAnswer(agreement, 'vierr', 'nl', lexicon)).toEqual(NOT_UNDERSTOOD);
    expect(recogniseAnswer(yesno, 'nej', 'nl', lexicon)).toEqual(NOT_UNDERSTOOD);
  });

  it('takes button values the same way as typed answers', () => {
    expect(recogniseAnswer(agreement, scaleButtonValue(3), 'pap', lexicon)).toEqual(v(3));
    expect(recogniseAnswer(agreement, BUTTON_VALUES.dontKnow, 'pap', lexicon)).toEqual(DONT_KNOW);
    expect(recogniseAnswer(agreement, BUTTON_VALUES.skip, 'pap', lexicon)).toEqual(SKIP);
    expect(recogniseAnswer(yesno, BUTTON_VALUES.yes, 'en', lexicon)).toEqual(v('yes'));
    expect(recogniseAnswer(yesno, BUTTON_VALUES.no, 'en', lexicon)).toEqual(v('no'));
    expect(recogniseAnswer(choice, 'website', 'nl', lexicon)).toEqual(v('website'));
  });

  it('accepts only the options of the question asked', () => {
    const narrow = makeQuestion({ key: 'narrow', type: 'choice', options: ['phone', 'email'] });
    expect(recogniseAnswer(narrow, 'counter', 'en', lexicon)).toEqual(NOT_UNDERSTOOD);
    expect(recogniseAnswer(narrow, 'balie', 'nl', lexicon)).toEqual(NOT_UNDERSTOOD);
  });

  it('counts "don\'t know" as skipped where the question does not offer it', () => {
    expect(recogniseAnswer(satisfaction, 'weet ik niet', 'nl', lexicon)).toEqual(SKIP);
    expect(recogniseAnswer(satisfaction, BUTTON_VALUES.dontKnow, 'nl', lexicon)).toEqual(SKIP);
  });

  it('keeps a free-text answer as typed, even one that looks like a yes, a number or a command word', () => {
    expect(recogniseAnswer(text, '  Sneller antwoord graag. ', 'nl', lexicon)).toEqual(v('Sneller antwoord graag.'));
    expect(recogniseAnswer(text, 'nee', 'nl', lexicon)).toEqual(v('nee'));
    expect(recogniseAnswer(text, '4', 'nl', lexicon)).toEqual(v('4'));
    expect(recogniseAnswer(text, 'weet ik niet', 'nl', lexicon)).toEqual(v('weet ik niet'));
  });

  it('lets a free-text question be skipped', () => {
    expect(recogniseAnswer(text, 'overslaan', 'nl', lexicon)).toEqual(SKIP);
    expect(recogniseAnswer(text, BUTTON_VALUES.skip, 'pap', lexicon)).toEqual(SKIP);
  });

  it('refuses a free-text answer longer than the limit', () => {
    expect(recogniseAnswer(text, 'a'.repeat(MAX_TEXT_LENGTH), 'en', lexicon)).toEqual(v('a'.repeat(MAX_TEXT_LENGTH)));
    expect(recogniseAnswer(text, 'a'.repeat(MAX_TEXT_LENGTH + 1), 'en', lexicon)).toEqual({ kind: 'notUnderstood', reason: 'tooLong' });
  });
});

describe('recogniseYesNo', () => {
  it.each([
    ['ja', 'nl', 'yes'],
    ['si', 'nl', 'yes'],
    ['Sí, por fabor', 'pap', 'yes'],
    ['yes', 'pap', 'yes'],
    [BUTTON_VALUES.yes, 'en', 'yes'],
    ['nee', 'en', 'no'],
    ['nò', 'pap', 'no'],
    [BUTTON_VALUES.no, 'nl', 'no'],
    ['overslaan', 'nl', undefined],
    ['weet ik niet', 'nl', undefined],
    ['misschien', 'nl', undefined],
  ] as const)('reads %j from a resident in %s as %s', (input, language, expected) => {
    expect(recogniseYesNo(input, language, lexicon)).toBe(expected);
  });
});

describe('recogniseCommand', () => {
  it.each([
    ['help', { command: 'help' }],
    ['Hulp', { command: 'help' }],
    ['help alstublieft', { command: 'help' }],
    ['yudansa', { command: 'help' }],
    ['Yuda mi', { command: 'help' }],
    ['stop', { command: 'stop' }],
    ['Stop!', { command: 'stop' }],
    ['pauze', { command: 'stop' }],
    ['stop awor', { command: 'stop' }],
    ['pause', { command: 'stop' }],
    ['verwijder mijn antwoorden', { command: 'erase' }],
    ['Wis mijn antwoorden.', { command: 'erase' }],
    ['kita mi kontestanan', { command: 'erase' }],
    ['borra mi kontestanan', { command: 'erase' }],
    ['delete my answers', { command: 'erase' }],
    ['geen uitnodigingen meer', { command: 'optOut' }],
    ['no mas invitashon', { command: 'optOut' }],
    ['no more invitations', { command: 'optOut' }],
    ['English please', { command: 'switchLanguage', language: 'en' }],
    ['in English', { command: 'switchLanguage', language: 'en' }],
    ['Engels', { command: 'switchLanguage', language: 'en' }],
    ['na ingles', { command: 'switchLanguage', language: 'en' }],
    ['Papiamentu', { command: 'switchLanguage', language: 'pap' }],
    ['na papiamentu', { command: 'switchLanguage', language: 'pap' }],
    ['Papiamento', { command: 'switchLanguage', language: 'pap' }],
    ['Nederlands', { command: 'switchLanguage', language: 'nl' }],
    ['in het Nederlands', { command: 'switchLanguage', language: 'nl' }],
    ['Dutch', { command: 'switchLanguage', language: 'nl' }],
    ['na hulandes', { command: 'switchLanguage', language: 'nl' }],
    ['basta', { command: 'stop' }],
    ['Mi ke para', { command: 'stop' }],
    ['yudami', { command: 'help' }],
    ['Papiamen', { command: 'switchLanguage', language: 'pap' }],
    [languageButtonValue('pap'), { command: 'switchLanguage', language: 'pap' }],
  ])('recognises %j in any language', (input, expected) => {
    expect(recogniseCommand(input, lexicon)).toEqual(expected);
  });

  it.each([
    'nee',
    'ja',
    '4',
    'stop met dat lange wachten aan de balie',
    'ik had graag hulp gehad bij het formulier',
    'verwijder mijn antwoorden niet',
    'language:fr',
    '',
  ])('leaves %j to the answer recogniser', (input) => {
    expect(recogniseCommand(input, lexicon)).toBeUndefined();
  });

  it('recognises every language name shown on the language buttons', () => {
    const i18n = createI18n({ strict: true });
    for (const shownIn of LANGUAGES) {
      for (const target of LANGUAGES) {
        const name = i18n.translatorFor(shownIn, 'chat')(`language.names.${target}`);
        expect(recogniseCommand(name, lexicon)).toEqual({ command: 'switchLanguage', language: target });
      }
    }
  });

  it('recognises the commands that the help texts tell residents to type', () => {
    const i18n = createI18n({ strict: true });
    for (const language of LANGUAGES) {
      const t = i18n.translatorFor(language, 'chat');
      const quoted = ['help.commands', 'help.erase', 'help.optOut', 'privacy.notice']
        .flatMap((key) => [...t(key).matchAll(/‘([^’]+)’/g)].map((m) => m[1] ?? ''));
      expect(quoted.length).toBeGreaterThanOrEqual(4);
      for (const phrase of quoted) expect(recogniseCommand(phrase, lexicon), `${language}: ${phrase}`).toBeDefined();
    }
  });
});

describe('the recogniser data', () => {
  const surveys = [...loadSurveys().values()].map((s) => s.definition);
  const questions = [agreement, satisfaction, effort, recommend, yesno, choice, ...surveys.flatMap((s) => s.questions)];
  const i18n = createI18n({ strict: true });

  it('is valid in every language', () => {
    for (const language of LANGUAGES) {
      expect(() => ZRecognizerData.parse(readLocaleFile(i18n.localesDir, language, 'recognizer'))).not.toThrow();
    }
  });

  it('refuses data in which one phrase means two things', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'));
    try {
      cpSync(i18n.localesDir, dir, { recursive: true });
      const path = join(dir, 'nl', 'recognizer.json');
      const data = JSON.parse(readFileSync(path, 'utf8')) as { yes: string[] };
      data.yes.push('Nee');
      writeFileSync(path, JSON.stringify(data));
      expect(() => buildLexicon(dir)).toThrow(LexiconError);
      expect(() => buildLexicon(dir)).toThrow(/"nee"|"Nee"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has number words for 0 to 10 in every language', () => {
    for (const language of LANGUAGES) {
      const data = ZRecognizerData.parse(readLocaleFile(i18n.localesDir, language, 'recognizer'));
      expect(Object.keys(data.numbers).map(Number).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  });

  it('understands every button label a resident can see, typed, in every language', () => {
    for (const language of LANGUAGES) {
      const t = i18n.translatorFor(language, 'survey');
      for (const question of questions) {
        for (const button of answerButtons(question, lexicon)) {
          const label = button.labelKey === undefined ? button.value : t(button.labelKey);
          const expected = recogniseAnswer(question, button.value, language, lexicon);
          expect(recogniseAnswer(question, label, language, lexicon), `${language} ${question.key}: ${label}`).toEqual(expected);
        }
      }
    }
  });

  it('has no command that is also an answer, since commands are checked first', () => {
    for (const language of LANGUAGES) {
      const t = i18n.translatorFor(language, 'survey');
      const data = ZRecognizerData.parse(readLocaleFile(i18n.localesDir, language, 'recognizer'));
      const answerPhrases = [
        ...Object.values(data.numbers).flat(),
        ...data.yes,
        ...data.no,
        ...data.dontKnow,
        ...data.skip,
        ...Object.values(data.scales).flatMap((set) => Object.values(set).flat()),
        ...Object.values(data.options).flat(),
        ...questions.flatMap((q) => answerButtons(q, lexicon).flatMap((b) => (b.labelKey === undefined ? [] : [t(b.labelKey)]))),
      ];
      for (const phrase of answerPhrases) {
        expect(recogniseCommand(phrase, lexicon), `${language}: "${phrase}"`).toBeUndefined();
      }
    }
  });
});

describe('answerButtons', () => {
  it('offers the scale points with their labels, then "don\'t know", then skip', () => {
    expect(answerButtons(agreement, lexicon).map((b) => [b.value, b.labelKey])).toEqual([
      ['1', 'survey:scales.agreement.1'],
      ['2', 'survey:scales.agreement.2'],
      ['3', 'survey:scales.agreement.3'],
      ['4', 'survey:scales.agreement.4'],
      ['5', 'survey:scales.agreement.5'],
      ['dontKnow', 'chat:buttons.dontKnow'],
      ['skip', 'chat:buttons.skip'],
    ]);
  });

  it('labels only the end points of a 0 to 10 scale and shows the others as digits', () => {
    const buttons = answerButtons(recommend, lexicon);
    expect(buttons.slice(0, 11).map((b) => b.value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(buttons.filter((b) => b.labelKey?.startsWith('survey:')).map((b) => b.value)).toEqual(['0', '10']);
  });

  it('offers a choice\'s options in their order and a free text only the skip', () => {
    expect(answerButtons(choice, lexicon).map((b) => b.value)).toEqual(['counter', 'phone', 'email', 'website', 'other', 'skip']);
    expect(answerButtons(text, lexicon).map((b) => b.value)).toEqual(['skip']);
  });
});

describe('normalise and withinOneEdit', () => {
  it.each([
    ['Wéét ik níét!', 'weet ik niet'],
    ["I don't know", 'i dont know'],
    ['n.v.t.', 'nvt'],
    ['  Hopi   Kontentu ', 'hopi kontentu'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalise(input)).toBe(expected);
  });

  it.each([
    ['tevreden', 'tevreeden', true],
    ['tevreden', 'tevredne', true],
    ['tevreden', 'tevredn', true],
    ['tevreden', 'ontevreden', false],
    ['agree', 'disagree', false],
  ])('%j and %j within one edit: %s', (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
  });
});
