import { z } from 'zod';
import { LANGUAGES } from '../i18n/languages';
import type { TStoredAnswer } from '../scoring/answerStore';
import type { TAnswer, TAnswers, TQuestion, TSurvey } from '../surveys/schema';

/**
 * An answer as the conversation remembers it for skip logic. Numbers, choice keys and yes/no are values
 * from the survey definition; free text is only marked as given — its words live in the answer store
 * (scrubbed), never in bot state.
 */
export const ZRememberedAnswer = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('value'), value: z.union([z.number().int(), z.string().max(64)]) }),
  z.strictObject({ kind: z.literal('text') }),
  z.strictObject({ kind: z.literal('dontKnow') }),
  z.strictObject({ kind: z.literal('skip') }),
]);
export type TRememberedAnswer = z.infer<typeof ZRememberedAnswer>;

/** What a follow-up link did in this conversation; the link's token itself is not kept. */
export const LINK_OUTCOMES = ['claimed', 'rejected'] as const;

/**
 * The survey side of the conversation state (the dialog stack is kept beside it). Only ids, keys, counters
 * and the language: nothing the resident typed.
 */
export const ZSurveyState = z.object({
  /** The language the conversation is held in, once settled. */
  language: z.enum(LANGUAGES).optional(),
  /** Whether the language is settled (else the resident is asked). */
  languageKnown: z.boolean().default(false),
  /**
   * Settled only by the channel's locale (a browser's or client's setting): a guess the resident's first message may
   * correct, unlike their choice, a follow-up's language or the page's `lang`.
   */
  languageHinted: z.boolean().default(false),
  /** Whether the resident has written in this conversation: only the first message may tell the language. */
  residentHasWritten: z.boolean().default(false),
  organisationId: z.string().optional(),
  /** Whether the page or a follow-up named the organisation (the greeting names it then). */
  organisationNamed: z.boolean().default(false),
  surveyVersionId: z.string().optional(),
  serviceId: z.string().optional(),
  location: z.string().max(80).optional(),
  /** The follow-up this conversation's survey answers (staff sent it); its process data until the response starts. */
  followUpId: z.string().optional(),
  processData: z
    .object({
      contactChannel: z.string(),
      leadTimeDays: z.number().int().nullable(),
      contactCount: z.number().int().nullable(),
    })
    .optional(),
  /** Follow-ups this conversation said no to; the gateway still lists them as waiting, the resident is not asked again. */
  declinedFollowUps: z.array(z.string()).max(10).default([]),
  responseId: z.string().optional(),
  answers: z.record(z.string(), ZRememberedAnswer).default({}),
  completedResponseId: z.string().optional(),
  link: z.enum(LINK_OUTCOMES).optional(),
  /** When the resident last wrote (ISO time): one who returns after the abandon time is offered to continue. */
  lastTurnAt: z.string().optional(),
});
export type TSurveyState = z.infer<typeof ZSurveyState>;

/** Per resident (across conversations, e.g. a Teams follow-up in a new chat): their explicit language choice. */
export const ZResidentProfile = z.object({ language: z.enum(LANGUAGES).optional() });
export type TResidentProfile = z.infer<typeof ZResidentProfile>;

/** The remembered answers as the skip logic reads them; a free text only ever satisfies `answered`. */
export function logicAnswers(answers: Readonly<Record<string, TRememberedAnswer>>): TAnswers {
  return Object.fromEntries(
    Object.entries(answers).map(([key, answer]): [string, TAnswer] => [key, answer.kind === 'text' ? { kind: 'value', value: '' } : answer]),
  );
}

/** What to remember of an answer just given to `question`. */
export function rememberedAnswerOf(question: TQuestion, answer: TAnswer): TRememberedAnswer {
  if (answer.kind !== 'value') return answer;
  return question.type === 'text' ? { kind: 'text' } : { kind: 'value', value: answer.value };
}

/** The remembered answers of a stored response (a resident resuming, possibly on another replica). */
export function rememberedAnswersOf(survey: TSurvey, stored: Readonly<Record<string, TStoredAnswer>>): Record<string, TRememberedAnswer> {
  const remembered: Record<string, TRememberedAnswer> = {};
  for (const question of survey.questions) {
    const answer = stored[question.key];
    if (!answer) continue;
    if (answer.skipped) remembered[question.key] = { kind: 'skip' };
    else if (answer.dontKnow) remembered[question.key] = { kind: 'dontKnow' };
    else if (question.type === 'text') remembered[question.key] = { kind: 'text' };
    else if (answer.value !== null) remembered[question.key] = { kind: 'value', value: answer.value };
    else if (answer.text !== null) remembered[question.key] = { kind: 'value', value: answer.text };
  }
  return remembered;
}
