import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n/i18n';
import {
  canonicalJson,
  formatPath,
  loadSurveys,
  SurveyDefinitionError,
  surveyHash,
  type TLoadedSurvey,
} from '../../src/surveys/loader';
import { ZSurvey } from '../../src/surveys/schema';

const i18n = createI18n({ strict: true });
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type TJson = Record<string, unknown>;

function makeQuestion(overrides: TJson = {}): TJson {
  return { key: 'satisfaction', type: 'scale5', measures: 'satisfaction', core: true, textKey: 'questions.satisfaction', ...overrides };
}

function makeSurvey(overrides: TJson = {}): TJson {
  return {
    id: 'core',
    version: 1,
    organisation: 'demo',
    questions: [
      makeQuestion({ scale: 'satisfaction' }),
      makeQuestion({ key: 'effort', type: 'effort7', measures: 'effort', textKey: 'questions.effort' }),
      makeQuestion({ key: 'improvement', type: 'text', measures: undefined, core: false, textKey: 'questions.improvement' }),
    ],
    ...overrides,
  };
}

/** Writes the files (name → JSON value, or raw text) into a fresh directory. */
function surveyDir(files: Record<string, TJson | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'surveys-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function load(files: Record<string, TJson | string>): ReadonlyMap<string, TLoadedSurvey> {
  return loadSurveys(surveyDir(files), { i18n });
}

function loadError(files: Record<string, TJson | string>): SurveyDefinitionError {
  try {
    load(files);
  } catch (error) {
    if (error instanceof SurveyDefinitionError) return error;
    throw error;
  }
  throw new Error('expected the survey files to be rejected');
}

function withQuestions(questions: TJson[], overrides: TJson = {}): TJson {
  return makeSurvey({ questions, ...overrides });
}

describe('loading the shipped surveys', () => {
  const surveys = loadSurveys(undefined, { i18n });

  it('loads the meethuis survey with the seven drivers, four outcomes and one open question', () => {
    const meethuis = surveys.get('meethuis')?.definition;
    expect(meethuis?.organisation).toBe('demo');
    expect(meethuis?.questions.map((q) => q.measures).filter(Boolean).sort()).toEqual(
      ['clarity', 'ease', 'effort', 'empathy', 'humaneness', 'reliability', 'satisfaction', 'seriousness', 'speed', 'thinkingAlong', 'trust'].sort(),
    );
    expect(meethuis?.questions.filter((q) => q.type === 'text')).toHaveLength(1);
    expect(meethuis?.questions.at(-1)?.type).toBe('text');
  });

  it('offers "don\'t know" on every driver and not on satisfaction or effort', () => {
    const questions = surveys.get('meethuis')?.definition.questions ?? [];
    const byKey = new Map(questions.map((q) => [q.key, q]));
    for (const driver of ['ease', 'speed', 'clarity', 'seriousness', 'empathy', 'thinkingAlong', 'reliability']) {
      expect(byKey.get(driver)?.allowDontKnow).toBe(true);
    }
    expect(byKey.get('satisfaction')?.allowDontKnow).toBe(false);
    expect(byKey.get('effort')?.allowDontKnow).toBe(false);
  });

  it('resolves the Bonaire variant as the core questions of meethuis followed by its own', () => {
    const meethuis = surveys.get('meethuis')?.definition.questions ?? [];
    const bonaire = surveys.get('bonaire')?.definition;
    const core = meethuis.filter((q) => q.core);
    expect(bonaire?.organisation).toBe('bonaire');
    expect(bonaire?.questions.slice(0, core.length)).toEqual(core);
    expect(bonaire?.questions.slice(core.length).map((q) => q.key)).toEqual([
      'contactChannel',
      'ownLanguage',
      'mainProblem',
      'improvement',
    ]);
  });

  it('gives every loaded survey a hash of its resolved definition that the snapshot schema reads back', () => {
    for (const survey of surveys.values()) {
      expect(survey.hash).toMatch(/^[0-9a-f]{64}$/);
      const roundTrip = ZSurvey.parse(JSON.parse(JSON.stringify(survey.definition)));
      expect(surveyHash(roundTrip)).toBe(survey.hash);
    }
  });
});

type TBrokenCase = { name: string; files: Record<string, TJson | string>; file?: string; path: string; reason: RegExp };

describe('a broken survey file', () => {
  it.each<TBrokenCase>([
    {
      name: 'invalid JSON names the line and column',
      files: { 'core.json': '{\n  "id": "core",\n  "version": 1,,\n}' },
      file: 'core.json',
      path: 'line 3, column 16',
      reason: /invalid JSON/,
    },
    {
      name: 'an unknown question type',
      files: { 'core.json': withQuestions([makeQuestion(), makeQuestion({ key: 'x', type: 'stars', measures: undefined })]) },
      path: 'questions[1].type',
      reason: /type must be one of scale5, effort7, scale0to10, yesno, choice, text/,
    },
    {
      name: 'a question without a key',
      files: { 'core.json': withQuestions([makeQuestion({ key: undefined })]) },
      path: 'questions[0].key',
      reason: /expected string/,
    },
    {
      name: 'a key that is not camelCase',
      files: { 'core.json': withQuestions([makeQuestion({ key: 'Contact-Channel', measures: undefined, core: false })]) },
      path: 'questions[0].key',
      reason: /camelCase/,
    },
    {
      name: 'a misspelt property',
      files: { 'core.json': withQuestions([makeQuestion({ shwoIf: { question: 'a', lte: 2 } })]) },
      path: 'questions[0]',
      reason: /shwoIf/,
    },
    {
      name: 'a version that is not a positive integer',
      files: { 'core.json': makeSurvey({ version: 0 }) },
      path: 'version',
      reason: />0/,
    },
    {
      name: 'two questions with the same key',
      files: {
        'core.json': withQuestions([
          makeQuestion(),
          makeQuestion({ key: 'satisfaction', type: 'text', measures: undefined, core: false, textKey: 'questions.improvement' }),
        ]),
      },
      path: 'questions[1].key',
      reason: /"satisfaction" is used twice/,
    },
    {
      name: 'a condition on a later question',
      files: {
        'core.json': withQuestions([
          makeQuestion({ showIf: { question: 'effort', lte: 2 } }),
          makeQuestion({ key: 'effort', type: 'effort7', measures: 'effort', textKey: 'questions.effort' }),
        ]),
      },
      path: 'questions[0].showIf.question',
      reason: /"effort" is not an earlier question/,
    },
    {
      name: 'a nested condition on an unknown question',
      files: {
        'core.json': withQuestions([
          makeQuestion(),
          makeQuestion({
            key: 'improvement',
            type: 'text',
            measures: undefined,
            core: false,
            textKey: 'questions.improvement',
            showIf: { anyOf: [{ question: 'satisfaction', lte: 2 }, { allOf: [{ question: 'nope', answered: true }] }] },
          }),
        ]),
      },
      path: 'questions[1].showIf.anyOf[1].allOf[0].question',
      reason: /"nope" is not an earlier question/,
    },
    {
      name: 'a condition of the wrong shape inside allOf',
      files: {
        'core.json': withQuestions([
          makeQuestion(),
          makeQuestion({
            key: 'improvement',
            type: 'text',
            measures: undefined,
            core: false,
            textKey: 'questions.improvement',
            showIf: { allOf: [{ question: 'satisfaction', lte: 'two' }] },
          }),
        ]),
      },
      path: 'questions[1].showIf.allOf[0].lte',
      reason: /expected number/,
    },
    {
      name: 'a condition without an operator',
      files: {
        'core.json': withQuestions([
          makeQuestion(),
          makeQuestion({ key: 'improvement', type: 'text', measures: undefined, core: false, textKey: 'questions.improvement', showIf: { question: 'satisfaction' } }),
        ]),
      },
      path: 'questions[1].showIf',
      reason: /needs an operator/,
    },
    {
      name: 'a condition value the question cannot have',
      files: {
        'core.json': withQuestions([
          makeQuestion(),
          makeQuestion({ key: 'improvement', type: 'text', measures: undefined, core: false, textKey: 'questions.improvement', showIf: { question: 'satisfaction', eq: 7 } }),
        ]),
      },
      path: 'questions[1].showIf.eq',
      reason: /whole numbers from 1 to 5/,
    },
    {
      name: 'an ordering test on a choice question',
      files: {
        'core.json': withQuestions([
          makeQuestion({ key: 'contactChannel', type: 'choice', measures: undefined, core: false, textKey: 'questions.contactChannel', options: ['phone', 'email'] }),
          makeQuestion({ key: 'improvement', type: 'text', measures: undefined, core: false, textKey: 'questions.improvement', showIf: { question: 'contactChannel', gt: 1 } }),
        ]),
      },
      path: 'questions[1].showIf.gt',
      reason: /needs a numeric question/,
    },
    {
      name: 'a choice with one option',
      files: {
        'core.json': withQuestions([
          makeQuestion({ key: 'contactChannel', type: 'choice', measures: undefined, core: false, textKey: 'questions.contactChannel', options: ['phone'] }),
        ]),
      },
      path: 'questions[0].options',
      reason: /at least 2 options/,
    },
    {
      name: 'satisfaction asked on the wrong scale',
      files: { 'core.json': withQuestions([makeQuestion({ type: 'effort7' })]) },
      path: 'questions[0].measures',
      reason: /"satisfaction" must be asked as scale5, not effort7/,
    },
    {
      name: 'the same measure asked twice',
      files: {
        'core.json': withQuestions([makeQuestion(), makeQuestion({ key: 'satisfactionAgain' })]),
      },
      path: 'questions[1].measures',
      reason: /already measured by "satisfaction"/,
    },
    {
      name: 'a driver without "don\'t know"',
      files: { 'core.json': withQuestions([makeQuestion({ key: 'speed', measures: 'speed', textKey: 'questions.speed' })]) },
      path: 'questions[0].allowDontKnow',
      reason: /must allow "don't know"/,
    },
    {
      name: 'a core question that depends on a question outside the core',
      files: {
        'core.json': withQuestions([
          makeQuestion({ key: 'ownLanguage', type: 'yesno', measures: undefined, core: false, textKey: 'questions.ownLanguage' }),
          makeQuestion({ showIf: { question: 'ownLanguage', eq: 'yes' } }),
        ]),
      },
      path: 'questions[1].showIf.question',
      reason: /core question can only depend on core questions/,
    },
    {
      name: 'a text that is missing from the locales',
      files: { 'core.json': withQuestions([makeQuestion({ textKey: 'questions.noSuchQuestion' })]) },
      path: 'questions[0].textKey',
      reason: /"survey:questions.noSuchQuestion" is missing in nl, pap, en/,
    },
    {
      name: 'a choice option without a label',
      files: {
        'core.json': withQuestions([
          makeQuestion({ key: 'contactChannel', type: 'choice', measures: undefined, core: false, textKey: 'questions.contactChannel', options: ['phone', 'pigeon'] }),
        ]),
      },
      path: 'questions[0].options[1]',
      reason: /"survey:options.pigeon" is missing/,
    },
    {
      name: 'an id that differs from the file name',
      files: { 'core.json': makeSurvey({ id: 'other' }) },
      path: 'id',
      reason: /must match the file name/,
    },
    {
      name: 'a variant of a survey that does not exist',
      files: { 'core.json': makeSurvey(), 'variant.json': makeSurvey({ id: 'variant', extends: 'nothing', questions: [makeQuestion({ key: 'ownLanguage', type: 'yesno', measures: undefined, core: false, textKey: 'questions.ownLanguage' })] }) },
      file: 'variant.json',
      path: 'extends',
      reason: /no survey "nothing"/,
    },
    {
      name: 'a variant that redefines a core question',
      files: {
        'core.json': makeSurvey(),
        'variant.json': makeSurvey({ id: 'variant', extends: 'core', questions: [makeQuestion({ key: 'effort', type: 'yesno', measures: undefined, core: false, textKey: 'questions.ownLanguage' })] }),
      },
      file: 'variant.json',
      path: 'questions[0].key',
      reason: /"effort" is a core question of the base survey and cannot be redefined/,
    },
    {
      name: 'a variant that measures what the core already measures',
      files: {
        'core.json': makeSurvey(),
        'variant.json': makeSurvey({ id: 'variant', extends: 'core', questions: [makeQuestion({ key: 'howHappy', core: false })] }),
      },
      file: 'variant.json',
      path: 'questions[0].measures',
      reason: /already measured by "satisfaction"/,
    },
    {
      name: 'a variant that adds a core question',
      files: {
        'core.json': makeSurvey(),
        'variant.json': makeSurvey({ id: 'variant', extends: 'core', questions: [makeQuestion({ key: 'trust', measures: 'trust', textKey: 'questions.trust', allowDontKnow: true })] }),
      },
      file: 'variant.json',
      path: 'questions[0].core',
      reason: /only a base survey defines core questions/,
    },
  ])('is rejected with file, path and reason on one line: $name', ({ files, file = 'core.json', path, reason }) => {
    const error = loadError(files);
    expect(error.message).not.toContain('\n');
    expect(error.file.endsWith(file)).toBe(true);
    expect(error.path).toBe(path);
    expect(error.reason).toMatch(reason);
    expect(error.message).toBe(`${error.file}: ${path}: ${error.reason}`);
  });
});

describe('variant resolution', () => {
  const variant = makeSurvey({
    id: 'variant',
    organisation: 'bonaire',
    extends: 'core',
    questions: [
      makeQuestion({ key: 'ownLanguage', type: 'yesno', measures: undefined, core: false, textKey: 'questions.ownLanguage', showIf: { question: 'satisfaction', lte: 2 } }),
      makeQuestion({ key: 'improvement', type: 'text', measures: undefined, core: false, textKey: 'questions.improvement' }),
    ],
  });

  it('inherits only the core questions, so the base survey\'s own open question is not asked twice', () => {
    const loaded = load({ 'core.json': makeSurvey(), 'variant.json': variant });
    expect(loaded.get('variant')?.definition.questions.map((q) => q.key)).toEqual([
      'satisfaction',
      'effort',
      'ownLanguage',
      'improvement',
    ]);
  });

  it('lets a variant\'s own questions depend on core questions', () => {
    const loaded = load({ 'core.json': makeSurvey(), 'variant.json': variant });
    expect(loaded.get('variant')?.definition.questions[2]?.showIf).toEqual({ question: 'satisfaction', lte: 2 });
  });

  it('refuses a variant of a variant', () => {
    const error = loadError({
      'core.json': makeSurvey(),
      'variant.json': variant,
      'zvariant.json': { ...variant, id: 'zvariant', extends: 'variant' },
    });
    expect(error.file.endsWith('zvariant.json')).toBe(true);
    expect(error.path).toBe('extends');
  });
});

describe('the content hash', () => {
  const hashOf = (survey: TJson, extra: Record<string, TJson> = {}): string =>
    load({ 'core.json': survey, ...extra }).get('core')?.hash ?? '';

  it('is the same for the same definition written differently', () => {
    const compact = JSON.stringify(makeSurvey());
    const reordered = { questions: makeSurvey().questions, organisation: 'demo', version: 1, id: 'core' };
    const withDefaults = withQuestions(
      (makeSurvey().questions as TJson[]).map((q) => ({ allowDontKnow: false, ...q })),
    );
    const hash = hashOf(makeSurvey());
    expect(load({ 'core.json': compact }).get('core')?.hash).toBe(hash);
    expect(hashOf(reordered)).toBe(hash);
    expect(hashOf(withDefaults)).toBe(hash);
  });

  it.each([
    ['the version', { version: 2 }],
    ['a question', { questions: (makeSurvey().questions as TJson[]).slice(0, 2) }],
    ['a condition', { questions: [...(makeSurvey().questions as TJson[]).slice(0, 2), makeQuestion({ key: 'improvement', type: 'text', measures: undefined, core: false, textKey: 'questions.improvement', showIf: { question: 'satisfaction', lte: 2 } })] }],
    ['a label set', { questions: [makeQuestion({ scale: 'agreement' }), ...(makeSurvey().questions as TJson[]).slice(1)] }],
  ])('changes when %s changes', (_what, change) => {
    expect(hashOf({ ...makeSurvey(), ...change })).not.toBe(hashOf(makeSurvey()));
  });

  it('of a variant changes when the core it inherits changes', () => {
    const variant = makeSurvey({ id: 'variant', extends: 'core', questions: [makeQuestion({ key: 'ownLanguage', type: 'yesno', measures: undefined, core: false, textKey: 'questions.ownLanguage' })] });
    const before = load({ 'core.json': makeSurvey(), 'variant.json': variant }).get('variant')?.hash;
    const changedCore = withQuestions([makeQuestion({ scale: 'agreement' })]);
    const after = load({ 'core.json': changedCore, 'variant.json': variant }).get('variant')?.hash;
    expect(after).not.toBe(before);
  });

  it('comes from JSON with sorted keys and no whitespace', () => {
    expect(canonicalJson({ b: [1, { d: 2, c: undefined, a: 'x' }], a: null })).toBe('{"a":null,"b":[1,{"a":"x","d":2}]}');
  });
});

describe('formatPath', () => {
  it.each([
    [['questions', 3, 'type'], 'questions[3].type'],
    [['questions', 1, 'showIf', 'allOf', 0, 'question'], 'questions[1].showIf.allOf[0].question'],
    [['id'], 'id'],
    [[], '(root)'],
  ])('writes %j as %s', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});
