import type { TAnswer, TAnswerCondition, TAnswers, TCondition, TQuestion, TSurvey } from './schema';

/**
 * Evaluates a skip-logic condition against the answers so far. Comparisons only hold for a real
 * answer: a question that was skipped, answered "don't know" or not asked satisfies nothing but
 * `answered: false`, so a resident who skips satisfaction is never treated as dissatisfied.
 */
export function evaluateCondition(condition: TCondition, answers: TAnswers): boolean {
  if ('allOf' in condition) return condition.allOf.every((c) => evaluateCondition(c, answers));
  if ('anyOf' in condition) return condition.anyOf.some((c) => evaluateCondition(c, answers));
  return evaluateAnswerCondition(condition, answers[condition.question]);
}

function evaluateAnswerCondition(condition: TAnswerCondition, answer: TAnswer | undefined): boolean {
  const value = answer?.kind === 'value' ? answer.value : undefined;
  if (condition.answered !== undefined && condition.answered !== (value !== undefined)) return false;
  const compares =
    condition.eq !== undefined ||
    condition.neq !== undefined ||
    condition.in !== undefined ||
    condition.lt !== undefined ||
    condition.lte !== undefined ||
    condition.gt !== undefined ||
    condition.gte !== undefined;
  if (!compares) return true;
  if (value === undefined) return false;
  if (condition.eq !== undefined && value !== condition.eq) return false;
  if (condition.neq !== undefined && value === condition.neq) return false;
  if (condition.in !== undefined && !condition.in.includes(value)) return false;
  if (typeof value !== 'number') {
    return condition.lt === undefined && condition.lte === undefined && condition.gt === undefined && condition.gte === undefined;
  }
  if (condition.lt !== undefined && !(value < condition.lt)) return false;
  if (condition.lte !== undefined && !(value <= condition.lte)) return false;
  if (condition.gt !== undefined && !(value > condition.gt)) return false;
  if (condition.gte !== undefined && !(value >= condition.gte)) return false;
  return true;
}

/** Whether a question is asked, given the answers so far; a question without `showIf` always is. */
export function isQuestionShown(question: TQuestion, answersSoFar: TAnswers): boolean {
  return question.showIf === undefined || evaluateCondition(question.showIf, answersSoFar);
}

/**
 * The next question to ask, or undefined when the survey is done.
 * With `afterKey`: the first shown question after that one (the normal step forward).
 * Without: the first shown question that has no answer yet (where a returning resident resumes).
 * Throws on an `afterKey` that is not in the survey, which is a programming error, not a resident's.
 */
export function nextQuestion(survey: TSurvey, answersSoFar: TAnswers, afterKey?: string): TQuestion | undefined {
  if (afterKey === undefined) {
    return survey.questions.find((q) => answersSoFar[q.key] === undefined && isQuestionShown(q, answersSoFar));
  }
  const index = survey.questions.findIndex((q) => q.key === afterKey);
  if (index < 0) throw new Error(`question "${afterKey}" is not in survey ${survey.id} v${survey.version}`);
  return survey.questions.slice(index + 1).find((q) => isQuestionShown(q, answersSoFar));
}

/**
 * Where a resident is: the current question's number and how many they will be asked at most. The total counts the
 * questions already answered and those whose skip logic is true or still undecided (it depends on a question not yet
 * answered), so it may shrink as answers come in but never grows.
 */
export function progressOf(survey: TSurvey, answersSoFar: TAnswers, currentKey: string): { number: number; total: number } {
  const counted = survey.questions.filter(
    (q) => q.key === currentKey || answersSoFar[q.key] !== undefined || outcomeOf(q.showIf, survey, answersSoFar) !== false,
  );
  const index = counted.findIndex((q) => q.key === currentKey);
  if (index < 0) throw new Error(`question "${currentKey}" is not in survey ${survey.id} v${survey.version}`);
  return { number: index + 1, total: counted.length };
}

/** A condition as far as the answers so far decide it: undefined while it hangs on a question still to come. */
function outcomeOf(condition: TCondition | undefined, survey: TSurvey, answers: TAnswers): boolean | undefined {
  if (condition === undefined) return true;
  if ('allOf' in condition) {
    const outcomes = condition.allOf.map((c) => outcomeOf(c, survey, answers));
    return outcomes.includes(false) ? false : outcomes.every((o) => o === true) ? true : undefined;
  }
  if ('anyOf' in condition) {
    const outcomes = condition.anyOf.map((c) => outcomeOf(c, survey, answers));
    return outcomes.includes(true) ? true : outcomes.every((o) => o === false) ? false : undefined;
  }
  const answer = answers[condition.question];
  if (answer === undefined) {
    const asked = survey.questions.find((q) => q.key === condition.question);
    // A question that will not be asked stays unanswered: the condition is decided on that.
    if (asked !== undefined && outcomeOf(asked.showIf, survey, answers) !== false) return undefined;
  }
  return evaluateAnswerCondition(condition, answer);
}

/** The questions this resident is asked given the answers so far, in order; for telling whether a response is complete. */
export function shownQuestions(survey: TSurvey, answersSoFar: TAnswers): TQuestion[] {
  return survey.questions.filter((q) => isQuestionShown(q, answersSoFar));
}

/** Whether every question this resident is shown has an answer (skipped and "don't know" count). */
export function isComplete(survey: TSurvey, answersSoFar: TAnswers): boolean {
  return shownQuestions(survey, answersSoFar).every((q) => answersSoFar[q.key] !== undefined);
}
