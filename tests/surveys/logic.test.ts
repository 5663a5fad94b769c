import { describe, expect, it } from 'vitest';
import { loadSurveys } from '../../src/surveys/loader';
import { evaluateCondition, isComplete, isQuestionShown, nextQuestion, shownQuestions } from '../../src/surveys/logic';
import { ZQuestion, type TAnswer, type TAnswers, type TCondition, type TQuestion } from '../../src/surveys/schema';

const value = (v: number | string): TAnswer => ({ kind: 'value', value: v });
const DONT_KNOW: TAnswer = { kind: 'dontKnow' };
const SKIP: TAnswer = { kind: 'skip' };

function makeQuestion(overrides: Record<string, unknown> = {}): TQuestion {
  return ZQuestion.parse({ key: 'followUp', type: 'text', textKey: 'questions.improvement', ...overrides });
}

describe('evaluateCondition', () => {
  it.each<[string, TCondition, TAnswers, boolean]>([
    ['lte holds for a low score', { question: 'satisfaction', lte: 2 }, { satisfaction: value(2) }, true],
    ['lte fails for a higher score', { question: 'satisfaction', lte: 2 }, { satisfaction: value(3) }, false],
    ['lt is strict', { question: 'satisfaction', lt: 2 }, { satisfaction: value(2) }, false],
    ['gte holds at the bound', { question: 'recommend', gte: 9 }, { recommend: value(9) }, true],
    ['gt is strict', { question: 'recommend', gt: 9 }, { recommend: value(9) }, false],
    ['a range is both operators together', { question: 'effort', gte: 3, lte: 5 }, { effort: value(6) }, false],
    ['eq matches a choice', { question: 'contactChannel', eq: 'phone' }, { contactChannel: value('phone') }, true],
    ['neq holds for another choice', { question: 'contactChannel', neq: 'phone' }, { contactChannel: value('email') }, true],
    ['in matches one of a list', { question: 'ownLanguage', in: ['no'] }, { ownLanguage: value('no') }, true],
    ['in fails outside the list', { question: 'effort', in: [1, 2] }, { effort: value(3) }, false],
    ['a skipped question is not a low score', { question: 'satisfaction', lte: 2 }, { satisfaction: SKIP }, false],
    ['"don\'t know" is not a low score', { question: 'satisfaction', lte: 2 }, { satisfaction: DONT_KNOW }, false],
    ['an unasked question satisfies no comparison', { question: 'satisfaction', neq: 5 }, {}, false],
    ['answered:false holds for a skip', { question: 'satisfaction', answered: false }, { satisfaction: SKIP }, true],
    ['answered:false holds for an unasked question', { question: 'satisfaction', answered: false }, {}, true],
    ['answered:true holds for a value', { question: 'satisfaction', answered: true }, { satisfaction: value(1) }, true],
    ['answered:true fails for "don\'t know"', { question: 'satisfaction', answered: true }, { satisfaction: DONT_KNOW }, false],
    ['ordering never holds for a text value', { question: 'contactChannel', gt: 1 }, { contactChannel: value('phone') }, false],
    [
      'allOf needs every part',
      { allOf: [{ question: 'satisfaction', lte: 2 }, { question: 'contactChannel', eq: 'phone' }] },
      { satisfaction: value(1), contactChannel: value('email') },
      false,
    ],
    [
      'anyOf needs one part',
      { anyOf: [{ question: 'satisfaction', lte: 2 }, { question: 'effort', lte: 2 }] },
      { satisfaction: value(5), effort: value(1) },
      true,
    ],
    [
      'conditions nest',
      { anyOf: [{ question: 'satisfaction', answered: false }, { allOf: [{ question: 'satisfaction', gte: 3 }, { question: 'effort', gte: 5 }] }] },
      { satisfaction: value(4), effort: value(6) },
      true,
    ],
  ])('%s', (_name, condition, answers, expected) => {
    expect(evaluateCondition(condition, answers)).toBe(expected);
  });
});

describe('isQuestionShown', () => {
  it('shows a question without conditions whatever the answers', () => {
    expect(isQuestionShown(makeQuestion(), {})).toBe(true);
  });

  it('shows a conditional question only when its condition holds', () => {
    const question = makeQuestion({ showIf: { question: 'satisfaction', lte: 2 } });
    expect(isQuestionShown(question, { satisfaction: value(1) })).toBe(true);
    expect(isQuestionShown(question, { satisfaction: value(4) })).toBe(false);
  });
});

describe('nextQuestion over the Bonaire variant', () => {
  const bonaire = loadSurveys().get('bonaire')?.definition;
  if (bonaire === undefined) throw new Error('the shipped bonaire survey is missing');
  const keys = bonaire.questions.map((q) => q.key);

  it('starts with the first question', () => {
    expect(nextQuestion(bonaire, {})?.key).toBe('satisfaction');
  });

  it('steps from a question to the one after it', () => {
    expect(nextQuestion(bonaire, { satisfaction: value(4) }, 'satisfaction')?.key).toBe('effort');
  });

  it('asks what went wrong after a low satisfaction score', () => {
    expect(nextQuestion(bonaire, { satisfaction: value(2) }, 'ownLanguage')?.key).toBe('mainProblem');
  });

  it('passes over what went wrong after a high or skipped satisfaction score', () => {
    expect(nextQuestion(bonaire, { satisfaction: value(4) }, 'ownLanguage')?.key).toBe('improvement');
    expect(nextQuestion(bonaire, { satisfaction: SKIP }, 'ownLanguage')?.key).toBe('improvement');
  });

  it('ends after the last question', () => {
    expect(nextQuestion(bonaire, {}, keys.at(-1))).toBeUndefined();
  });

  it('resumes at the first shown question that has no answer', () => {
    const answers: TAnswers = { satisfaction: value(5), effort: value(6), ease: DONT_KNOW };
    expect(nextQuestion(bonaire, answers)?.key).toBe('speed');
  });

  it('refuses a question key the survey does not have', () => {
    expect(() => nextQuestion(bonaire, {}, 'nope')).toThrow(/nope/);
  });

  it('counts the conditional question only for residents who get it', () => {
    expect(shownQuestions(bonaire, { satisfaction: value(1) })).toHaveLength(keys.length);
    expect(shownQuestions(bonaire, { satisfaction: value(5) })).toHaveLength(keys.length - 1);
  });

  it('calls a response complete when every shown question has an answer, skips included', () => {
    const answers: Record<string, TAnswer> = Object.fromEntries(keys.map((k) => [k, SKIP]));
    delete answers.mainProblem;
    expect(isComplete(bonaire, { ...answers, satisfaction: value(5) })).toBe(true);
    expect(isComplete(bonaire, { ...answers, satisfaction: value(1) })).toBe(false);
  });
});
