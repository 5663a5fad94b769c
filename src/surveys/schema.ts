import { z } from 'zod';
import { ZSlug } from '../kernel/slug';

/** The Meethuis drivers; a driver is always a 5-point agreement statement. */
export const DRIVERS = [
  'ease',
  'speed',
  'clarity',
  'seriousness',
  'empathy',
  'thinkingAlong',
  'reliability',
] as const;
export type TDriver = (typeof DRIVERS)[number];

/** The Meethuis outcomes; the scoring module computes one KPI per outcome. */
export const OUTCOMES = ['satisfaction', 'effort', 'trust', 'recommend', 'humaneness'] as const;
export type TOutcome = (typeof OUTCOMES)[number];

export const MEASURES = [...DRIVERS, ...OUTCOMES] as const;
export const ZMeasure = z.enum(MEASURES);
export type TMeasure = z.infer<typeof ZMeasure>;

/**
 * Numeric range per numeric question type. The KPI formulas depend on these exact ranges
 * (CES 1–7, NPS 0–10), which is why they are fixed per type and not configurable per question.
 */
export const NUMERIC_RANGES = {
  scale5: { min: 1, max: 5 },
  effort7: { min: 1, max: 7 },
  scale0to10: { min: 0, max: 10 },
} as const;
export type TNumericType = keyof typeof NUMERIC_RANGES;

/**
 * Which label set a scale can show; the labels live in `locales/{lang}/survey.json` under `scales.<set>`.
 * `likelihood` only labels its end points (0 and 10), as NPS questions usually do.
 */
export const SCALE_LABEL_SETS = {
  agreement: 'scale5',
  satisfaction: 'scale5',
  effort: 'effort7',
  likelihood: 'scale0to10',
} as const satisfies Record<string, TNumericType>;
export type TScaleLabelSet = keyof typeof SCALE_LABEL_SETS;

/** The question type each measure must be asked with, so that KPIs stay comparable between organisations. */
export const MEASURE_TYPES = {
  ease: 'scale5',
  speed: 'scale5',
  clarity: 'scale5',
  seriousness: 'scale5',
  empathy: 'scale5',
  thinkingAlong: 'scale5',
  reliability: 'scale5',
  satisfaction: 'scale5',
  effort: 'effort7',
  trust: 'scale5',
  recommend: 'scale0to10',
  humaneness: 'scale5',
} as const satisfies Record<TMeasure, TNumericType>;

export const YES_NO_VALUES = ['yes', 'no'] as const;

const camelCaseKey = /^[a-z][a-zA-Z0-9]*$/;
const i18nKey = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;

export const ZQuestionKey = z.string().regex(camelCaseKey, 'must be camelCase, e.g. "contactChannel"');

const ZConditionValue = z.union([z.number().int(), z.string().min(1)]);

export const CONDITION_OPERATORS = ['eq', 'neq', 'in', 'lt', 'lte', 'gt', 'gte', 'answered'] as const;
export const ORDER_OPERATORS = ['lt', 'lte', 'gt', 'gte'] as const;

/**
 * A test on one earlier answer. Every operator given must hold; an answer that is missing, skipped
 * or "don't know" satisfies only `answered: false`, so a condition never fires on a non-answer.
 */
export const ZAnswerCondition = z
  .strictObject({
    question: ZQuestionKey,
    eq: ZConditionValue.optional(),
    neq: ZConditionValue.optional(),
    in: z.array(ZConditionValue).min(1).optional(),
    lt: z.number().int().optional(),
    lte: z.number().int().optional(),
    gt: z.number().int().optional(),
    gte: z.number().int().optional(),
    answered: z.boolean().optional(),
  })
  .refine((c) => CONDITION_OPERATORS.some((op) => c[op] !== undefined), {
    message: `a condition needs an operator: one of ${CONDITION_OPERATORS.join(', ')}`,
  });
export type TAnswerCondition = z.infer<typeof ZAnswerCondition>;

export const ZCondition = z.union([
  ZAnswerCondition,
  z.strictObject({
    get allOf() {
      return z.array(ZCondition).min(1);
    },
  }),
  z.strictObject({
    get anyOf() {
      return z.array(ZCondition).min(1);
    },
  }),
]);
export type TCondition = z.infer<typeof ZCondition>;

/** A text a survey carries itself, in every language a resident may answer in. */
export const ZSurveyText = z.strictObject({
  nl: z.string().trim().min(1, 'must not be empty').max(600),
  pap: z.string().trim().min(1, 'must not be empty').max(600),
  en: z.string().trim().min(1, 'must not be empty').max(600),
});
export type TSurveyText = z.infer<typeof ZSurveyText>;

const questionBase = {
  key: ZQuestionKey,
  measures: ZMeasure.optional(),
  /** Part of the shared core: its key keeps its meaning in every organisation's variant. */
  core: z.boolean().default(false),
  /** Where the question's text lives in `locales/` (the core's questions and the files under `surveys/`) … */
  textKey: z.string().regex(i18nKey, 'must be an i18n key such as "questions.ease"').optional(),
  /** … or the text itself, for a question an organisation added to its own variant. */
  text: ZSurveyText.optional(),
  showIf: ZCondition.optional(),
  allowDontKnow: z.boolean().default(false),
};

export const ZScale5Question = z.strictObject({
  ...questionBase,
  type: z.literal('scale5'),
  scale: z.enum(['agreement', 'satisfaction']).default('agreement'),
});
export const ZEffort7Question = z.strictObject({
  ...questionBase,
  type: z.literal('effort7'),
  scale: z.literal('effort').default('effort'),
});
export const ZScale0to10Question = z.strictObject({
  ...questionBase,
  type: z.literal('scale0to10'),
  scale: z.literal('likelihood').default('likelihood'),
});
export const ZYesNoQuestion = z.strictObject({ ...questionBase, type: z.literal('yesno') });
export const ZChoiceQuestion = z.strictObject({
  ...questionBase,
  type: z.literal('choice'),
  /** Option keys; each one's label is `options.<key>` in the `survey` namespace, or in `optionLabels`. */
  options: z.array(ZQuestionKey),
  /** The options' labels, for a question that carries its own text. */
  optionLabels: z.record(ZQuestionKey, ZSurveyText).optional(),
});
export const ZTextQuestion = z.strictObject({ ...questionBase, type: z.literal('text') });

/** Longest free-text answer we store; longer ones are refused kindly and asked again. */
export const MAX_TEXT_LENGTH = 1000;

export const QUESTION_TYPES = ['scale5', 'effort7', 'scale0to10', 'yesno', 'choice', 'text'] as const;

export const ZQuestion = z
  .discriminatedUnion(
    'type',
    [ZScale5Question, ZEffort7Question, ZScale0to10Question, ZYesNoQuestion, ZChoiceQuestion, ZTextQuestion],
    { error: () => `type must be one of ${QUESTION_TYPES.join(', ')}` },
  )
  .superRefine((question, ctx) => {
    for (const issue of questionIssues(question)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type TQuestion = z.infer<typeof ZQuestion>;
export type TQuestionType = TQuestion['type'];
export type TScaleQuestion = Extract<TQuestion, { type: TNumericType }>;

/** A survey definition as written in a file under `surveys/`. */
export const ZSurveyDefinition = z
  .strictObject({
    id: ZSlug,
    version: z.number().int().positive(),
    organisation: ZSlug,
    /** Id of the survey whose core questions this variant builds on. */
    extends: ZSlug.optional(),
    questions: z.array(ZQuestion).min(1),
  })
  .superRefine((survey, ctx) => {
    // A variant's cross-references reach into its base, which only the loader has; it checks them there.
    const inherited = survey.extends === undefined ? [] : undefined;
    for (const issue of questionListIssues(survey.questions, inherited)) {
      ctx.addIssue({ code: 'custom', ...issue });
    }
  });
export type TSurveyDefinition = z.infer<typeof ZSurveyDefinition>;

/**
 * A resolved survey: a variant's inherited core questions followed by its own. Same shape as a
 * definition, so a stored snapshot of a version can be read back with this schema.
 */
export const ZSurvey = ZSurveyDefinition;
export type TSurvey = TSurveyDefinition;

/** One answer as the engine keeps it; skipped and "don't know" are answers too, excluded from KPIs. */
export const ZAnswer = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('value'), value: z.union([z.number().int(), z.string()]) }),
  z.strictObject({ kind: z.literal('dontKnow') }),
  z.strictObject({ kind: z.literal('skip') }),
]);
export type TAnswer = z.infer<typeof ZAnswer>;

/** The answers so far, by question key. */
export const ZAnswers = z.record(z.string(), ZAnswer);
export type TAnswers = Readonly<Record<string, TAnswer>>;

export type TIssue = { path: PropertyKey[]; message: string };

function questionIssues(question: TQuestion): TIssue[] {
  const issues: TIssue[] = [];
  if ((question.textKey === undefined) === (question.text === undefined)) {
    issues.push({ path: ['text'], message: 'a question has either a textKey (a text in locales/) or its own text in nl, pap and en' });
  }
  if (question.type === 'choice') {
    if (question.text !== undefined) {
      const unlabelled = question.options.findIndex((option) => question.optionLabels?.[option] === undefined);
      if (unlabelled >= 0) issues.push({ path: ['optionLabels', question.options[unlabelled]!], message: 'every option needs its label in nl, pap and en' });
    } else if (question.optionLabels !== undefined) {
      issues.push({ path: ['optionLabels'], message: 'option labels come from locales/ for a question with a textKey' });
    }
    const twice = question.options.findIndex((option, index) => question.options.indexOf(option) !== index);
    if (twice >= 0) issues.push({ path: ['options', twice], message: `option "${question.options[twice]}" is listed twice` });
  }
  if (question.measures !== undefined) {
    const expected = MEASURE_TYPES[question.measures];
    if (question.type !== expected) {
      issues.push({
        path: ['measures'],
        message: `"${question.measures}" must be asked as ${expected}, not ${question.type}`,
      });
    }
    if ((DRIVERS as readonly string[]).includes(question.measures) && !question.allowDontKnow) {
      issues.push({
        path: ['allowDontKnow'],
        message: `driver "${question.measures}" must allow "don't know" (the Meethuis model offers it for every driver)`,
      });
    }
  }
  if (question.type === 'text' && question.allowDontKnow) {
    issues.push({ path: ['allowDontKnow'], message: 'a text question cannot offer "don\'t know"; it can be skipped' });
  }
  if (question.type === 'choice') {
    if (question.options.length < 2) {
      issues.push({ path: ['options'], message: 'a choice needs at least 2 options' });
    }
    question.options.forEach((option, index) => {
      if (question.options.indexOf(option) !== index) {
        issues.push({ path: ['options', index], message: `option "${option}" appears twice` });
      }
    });
  }
  return issues;
}

/**
 * Rules across the question list: unique keys, each measure once, and conditions that refer to an
 * earlier question with values that question can have. `inherited` is the list that precedes these
 * questions (a variant's core); undefined when it is not known here and cross-references must wait.
 * Paths are relative to the survey, indices counted within `questions`.
 */
export function questionListIssues(questions: readonly TQuestion[], inherited: readonly TQuestion[] | undefined): TIssue[] {
  const issues: TIssue[] = [];
  const before = new Map<string, TQuestion>((inherited ?? []).map((q) => [q.key, q]));
  const measured = new Map<string, string>(
    (inherited ?? []).flatMap((q) => (q.measures === undefined ? [] : [[q.measures, q.key] as const])),
  );
  questions.forEach((question, index) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['questions', index, ...rest];
    if (before.has(question.key)) {
      const fromCore = inherited?.some((q) => q.key === question.key) ?? false;
      issues.push({
        path: at('key'),
        message: fromCore
          ? `"${question.key}" is a core question of the base survey and cannot be redefined`
          : `key "${question.key}" is used twice`,
      });
    } else if (inherited === undefined && questions.findIndex((q) => q.key === question.key) !== index) {
      issues.push({ path: at('key'), message: `key "${question.key}" is used twice` });
    }
    if (question.measures !== undefined) {
      const other = measured.get(question.measures);
      if (other !== undefined) {
        issues.push({ path: at('measures'), message: `"${question.measures}" is already measured by "${other}"` });
      } else {
        measured.set(question.measures, question.key);
      }
    }
    if (question.showIf !== undefined && inherited !== undefined) {
      issues.push(...conditionIssues(question.showIf, before, at('showIf'), question.core));
    }
    if (!before.has(question.key)) before.set(question.key, question);
  });
  return issues;
}

function conditionIssues(
  condition: TCondition,
  earlier: ReadonlyMap<string, TQuestion>,
  path: PropertyKey[],
  fromCore: boolean,
): TIssue[] {
  if ('allOf' in condition) {
    return condition.allOf.flatMap((c, i) => conditionIssues(c, earlier, [...path, 'allOf', i], fromCore));
  }
  if ('anyOf' in condition) {
    return condition.anyOf.flatMap((c, i) => conditionIssues(c, earlier, [...path, 'anyOf', i], fromCore));
  }
  const target = earlier.get(condition.question);
  if (target === undefined) {
    return [{ path: [...path, 'question'], message: `"${condition.question}" is not an earlier question` }];
  }
  if (fromCore && !target.core) {
    // Variants inherit only the core, so a core question depending on anything else would break there.
    return [{ path: [...path, 'question'], message: `a core question can only depend on core questions; "${target.key}" is not one` }];
  }
  const issues: TIssue[] = [];
  for (const op of ORDER_OPERATORS) {
    const value = condition[op];
    if (value === undefined) continue;
    if (!(target.type in NUMERIC_RANGES)) {
      issues.push({ path: [...path, op], message: `"${op}" needs a numeric question; "${target.key}" is ${target.type}` });
    }
  }
  const compared: [PropertyKey[], string | number][] = [];
  if (condition.eq !== undefined) compared.push([[...path, 'eq'], condition.eq]);
  if (condition.neq !== undefined) compared.push([[...path, 'neq'], condition.neq]);
  condition.in?.forEach((v, i) => compared.push([[...path, 'in', i], v]));
  for (const [valuePath, value] of compared) {
    const problem = valueProblem(target, value);
    if (problem !== undefined) issues.push({ path: valuePath, message: problem });
  }
  return issues;
}

function valueProblem(question: TQuestion, value: string | number): string | undefined {
  switch (question.type) {
    case 'scale5':
    case 'effort7':
    case 'scale0to10': {
      const { min, max } = NUMERIC_RANGES[question.type];
      return typeof value === 'number' && value >= min && value <= max
        ? undefined
        : `"${question.key}" answers are whole numbers from ${min} to ${max}`;
    }
    case 'yesno':
      return (YES_NO_VALUES as readonly unknown[]).includes(value) ? undefined : `"${question.key}" answers are "yes" or "no"`;
    case 'choice':
      return typeof value === 'string' && question.options.includes(value)
        ? undefined
        : `"${question.key}" answers are one of ${question.options.join(', ')}`;
    case 'text':
      return `"${question.key}" is a free text; only "answered" can test it`;
  }
}
