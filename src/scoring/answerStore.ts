import { z } from 'zod';
import type { TDb, TPrisma } from '../db/client';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { scrubPersonalData } from '../privacy/scrub';
import { MAX_TEXT_LENGTH } from '../surveys/schema';
import { bandOfContactCount, bandOfLeadTime, dayIn } from './dimensions';
import { diffStats, emptyStats, isEmptyStats, statsOfResponse, type TMeasuredAnswers, type TStats } from './sufficientStats';

export const RESPONSE_STATUSES = ['in-progress', 'completed', 'abandoned'] as const;
export type TResponseStatus = (typeof RESPONSE_STATUSES)[number];
export const RESPONSE_SOURCES = ['self', 'follow-up'] as const;
export type TResponseSource = (typeof RESPONSE_SOURCES)[number];


/** Who, where and how a response was started: its dimensions for every KPI breakdown. */
export const ZNewResponse = z.object({
  surveyVersionId: z.string().min(1),
  organisationId: z.string().min(1),
  serviceId: z.string().min(1).nullish(),
  contactChannel: z.string().min(1).nullish(),
  leadTimeDays: z.number().int().min(0).nullish(),
  contactCount: z.number().int().min(1).nullish(),
  chatChannel: z.string().min(1),
  language: z.enum(LANGUAGES),
  location: z.string().min(1).nullish(),
  source: z.enum(RESPONSE_SOURCES),
  /** Keyed hash of the channel user id. */
  residentKey: z.string().min(1),
  /** Keyed hash of the channel conversation id. */
  conversationKey: z.string().min(1),
  followUpId: z.string().min(1).nullish(),
});
export type TNewResponse = z.input<typeof ZNewResponse>;

/** One answer as the dialog gives it: a value, a free text or choice, "don't know", or skipped. */
export const ZGivenAnswer = z
  .object({
    questionKey: z.string().min(1),
    /** The Meethuis driver or outcome the question measures; null for context and free text. */
    measure: z.string().min(1).nullish(),
    value: z.number().int().nullish(),
    text: z.string().max(MAX_TEXT_LENGTH).nullish(),
    dontKnow: z.boolean().default(false),
    skipped: z.boolean().default(false),
  })
  .refine((answer) => [answer.value != null, answer.text != null, answer.dontKnow, answer.skipped].filter(Boolean).length === 1, {
    message: 'an answer is exactly one of: value, text, dontKnow, skipped',
  });
export type TGivenAnswer = z.input<typeof ZGivenAnswer>;

export interface TStoredAnswer {
  questionKey: string;
  measure: string | null;
  value: number | null;
  text: string | null;
  dontKnow: boolean;
  skipped: boolean;
}

export interface TStoredResponse {
  id: string;
  surveyVersionId: string;
  organisationId: string;
  language: TLanguage;
  status: TResponseStatus;
  source: TResponseSource;
  followUpId: string | null;
  answers: Record<string, TStoredAnswer>;
}

const RESPONSE_SELECT = {
  id: true,
  surveyVersionId: true,
  organisationId: true,
  language: true,
  status: true,
  source: true,
  followUpId: true,
  startedAt: true,
  contactChannel: true,
  chatChannel: true,
  location: true,
  leadTimeDays: true,
  contactCount: true,
  service: { select: { slug: true } },
  organisation: { select: { timeZone: true } },
  surveyVersion: { select: { surveyId: true, version: true } },
  answers: { select: { questionKey: true, measure: true, value: true, text: true, dontKnow: true, skipped: true } },
} as const;

type TResponseRow = NonNullable<Awaited<ReturnType<TDb['response']['findUnique']>>> & {
  service: { slug: string } | null;
  organisation: { timeZone: string };
  surveyVersion: { surveyId: string; version: number };
  answers: TStoredAnswer[];
};

/** The response named does not exist (erased, purged, or never started). */
export class ResponseNotFoundError extends Error {
  override name = 'ResponseNotFoundError';
  constructor(readonly responseId: string) {
    super(`response ${responseId} does not exist`);
  }
}

/** What a response contributes to the rollups: nothing until its first answer, so empty starts never count. */
export function contributionOf(answers: Iterable<TStoredAnswer>, completed: boolean): TStats {
  const measured: Record<string, TMeasuredAnswers[string]> = {};
  let any = false;
  for (const answer of answers) {
    any = true;
    if (!answer.measure) continue;
    measured[answer.measure] =
      answer.value != null ? { value: answer.value } : answer.dontKnow ? { dontKnow: true } : { skipped: true };
  }
  return any ? statsOfResponse(measured, { completed }) : emptyStats();
}

/** The rollup cell of a response: every breakdown dimension, '' where it has none. */
export function cellOf(response: TResponseRow) {
  const cell = {
    organisationId: response.organisationId,
    serviceSlug: response.service?.slug ?? '',
    contactChannel: response.contactChannel ?? '',
    chatChannel: response.chatChannel,
    language: response.language,
    location: response.location ?? '',
    surveyId: response.surveyVersion.surveyId,
    surveyVersion: response.surveyVersion.version,
    leadTimeBand: bandOfLeadTime(response.leadTimeDays),
    contactCountBand: bandOfContactCount(response.contactCount),
  };
  return { ...cell, cellKey: Object.values(cell).join('\u001f') };
}

/**
 * The one write path for answers — the bot, the import and the benchmark all store through it.
 * Every change is one transaction that writes the answer and the change it makes to the KPI statistics
 * (an append-only RollupDelta row: no row that concurrent turns would fight over), so an answer and its
 * share of the figures are stored together or not at all.
 */
export class AnswerStore {
  /** Cell ids never change once created, so remembering them is safe across replicas. */
  private readonly cellIds = new Map<string, string>();

  constructor(
    private readonly prisma: TPrisma,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async startResponse(input: TNewResponse): Promise<TStoredResponse> {
    const data = ZNewResponse.parse(input);
    const now = this.clock();
    const row = await this.prisma.response.create({
      data: { ...data, status: 'in-progress', startedAt: now, lastActivityAt: now },
      select: RESPONSE_SELECT,
    });
    return toStoredResponse(row as TResponseRow);
  }

  async findResponse(responseId: string): Promise<TStoredResponse | null> {
    const row = await this.prisma.response.findUnique({ where: { id: responseId }, select: RESPONSE_SELECT });
    return row ? toStoredResponse(row as TResponseRow) : null;
  }

  /** The response a resident left in this conversation (in progress or abandoned), to offer resuming it. */
  async findResumableResponse(conversationKey: string): Promise<TStoredResponse | null> {
    const row = await this.prisma.response.findFirst({
      where: { conversationKey, status: { in: ['in-progress', 'abandoned'] } },
      orderBy: { startedAt: 'desc' },
      select: RESPONSE_SELECT,
    });
    return row ? toStoredResponse(row as TResponseRow) : null;
  }

  /**
   * Stores an answer the moment it is given. Free text is scrubbed of personal data first. Idempotent per
   * response and question: a retried turn or a re-answer overwrites (last write wins) and the rollups follow.
   */
  async recordAnswer(responseId: string, given: TGivenAnswer): Promise<TStoredAnswer> {
    const answer = ZGivenAnswer.parse(given);
    const stored: TStoredAnswer = {
      questionKey: answer.questionKey,
      measure: answer.measure ?? null,
      value: answer.value ?? null,
      text: answer.text == null ? null : scrubPersonalData(answer.text).text,
      dontKnow: answer.dontKnow,
      skipped: answer.skipped,
    };
    await this.changeResponse(responseId, async (tx, response) => {
      const { questionKey, ...fields } = stored;
      await tx.answer.upsert({
        where: { responseId_questionKey: { responseId, questionKey } },
        create: { responseId, questionKey, ...fields, answeredAt: this.clock() },
        update: { ...fields, answeredAt: this.clock() },
      });
      const answers = response.answers.filter((existing) => existing.questionKey !== questionKey);
      const status = z.enum(RESPONSE_STATUSES).parse(response.status);
      return { answers: [...answers, stored], status: status === 'abandoned' ? 'in-progress' : status };
    });
    return stored;
  }

  async completeResponse(responseId: string): Promise<void> {
    await this.changeResponse(responseId, async (tx) => {
      await tx.response.update({ where: { id: responseId }, data: { completedAt: this.clock() } });
      return { status: 'completed' };
    });
  }

  /** A resident came back to an abandoned response: it counts as in progress again. */
  async resumeResponse(responseId: string): Promise<void> {
    await this.changeResponse(responseId, async () => ({ status: 'in-progress' }));
  }

  async setLanguage(responseId: string, language: TLanguage): Promise<void> {
    const response = (await this.prisma.response.findUnique({ where: { id: responseId }, select: RESPONSE_SELECT })) as TResponseRow | null;
    if (!response) throw new ResponseNotFoundError(responseId);
    if (response.language === language) return;
    // The language is a rollup dimension: the response's contribution moves to its new cell.
    await this.ensureCell({ ...response, language });
    await this.changeResponse(responseId, async () => ({ language }));
  }

  /** Marks in-progress responses idle since before `idleSince` as abandoned; their answers still count. */
  async markAbandoned(idleSince: Date): Promise<number> {
    const { count } = await this.prisma.response.updateMany({
      where: { status: 'in-progress', lastActivityAt: { lt: idleSince } },
      data: { status: 'abandoned' },
    });
    return count;
  }

  /** Erases every response of a resident and subtracts them from the rollups. Returns how many were erased. */
  async eraseResident(residentKey: string): Promise<number> {
    const responses = await this.prisma.response.findMany({ where: { residentKey }, select: RESPONSE_SELECT });
    for (const { id } of responses) {
      await this.ensureCell(responses.find((response) => response.id === id) as TResponseRow);
      await this.prisma.$transaction(async (tx) => {
        const row = (await tx.response.findUnique({ where: { id }, select: RESPONSE_SELECT })) as TResponseRow | null;
        if (!row) return;
        const before = contributionOf(row.answers, row.status === 'completed');
        await this.writeDelta(tx, row, diffStats(before, emptyStats()));
        await tx.response.delete({ where: { id } });
      });
    }
    return responses.length;
  }

  /**
   * Retention: deletes raw answers (and their responses) started before `before`. The rollups keep the figures;
   * nothing is subtracted, because the aggregate is anonymous and must outlive the raw data.
   */
  async purgeBefore(before: Date): Promise<number> {
    const { count } = await this.prisma.response.deleteMany({ where: { startedAt: { lt: before } } });
    return count;
  }

  /**
   * Applies a change to one response in a transaction: the change returns the response's new answers and/or
   * fields, and the difference in its contribution goes to the rollups with it.
   */
  private async changeResponse(
    responseId: string,
    change: (
      tx: TDb,
      response: TResponseRow,
    ) => Promise<{ answers?: TStoredAnswer[]; status?: TResponseStatus; language?: TLanguage }>,
  ): Promise<void> {
    // Cells are created before the transaction: on SQLite the transaction holds the only connection.
    const current = (await this.prisma.response.findUnique({ where: { id: responseId }, select: RESPONSE_SELECT })) as TResponseRow | null;
    if (!current) throw new ResponseNotFoundError(responseId);
    await this.ensureCell(current);
    await this.prisma.$transaction(async (tx) => {
      const response = (await tx.response.findUnique({ where: { id: responseId }, select: RESPONSE_SELECT })) as TResponseRow | null;
      if (!response) throw new ResponseNotFoundError(responseId);
      const result = await change(tx, response);
      const after = {
        ...response,
        answers: result.answers ?? response.answers,
        status: result.status ?? response.status,
        language: result.language ?? response.language,
      };
      await tx.response.update({
        where: { id: responseId },
        data: { status: after.status, language: after.language, lastActivityAt: this.clock() },
      });
      const before = contributionOf(response.answers, response.status === 'completed');
      const now = contributionOf(after.answers, after.status === 'completed');
      if (cellOf(response).cellKey === cellOf(after).cellKey) {
        await this.writeDelta(tx, response, diffStats(before, now));
      } else {
        await this.writeDelta(tx, response, diffStats(before, emptyStats()));
        await this.writeDelta(tx, after, now);
      }
    });
  }

  private async writeDelta(tx: TDb, response: TResponseRow, delta: TStats): Promise<void> {
    if (isEmptyStats(delta)) return;
    const cellId = await this.cellIdOf(tx, response);
    await tx.rollupDelta.create({
      data: { cellId, day: dayIn(response.startedAt, response.organisation.timeZone), stats: JSON.stringify(delta) },
    });
  }

  /** Creates the response's rollup cell if it is new; two replicas racing to create it both end with its id. */
  private async ensureCell(response: TResponseRow): Promise<void> {
    const cell = cellOf(response);
    if (this.cellIds.has(cell.cellKey)) return;
    const find = () => this.prisma.rollupCell.findUnique({ where: { cellKey: cell.cellKey }, select: { id: true } });
    const id =
      (await find())?.id ??
      (await this.prisma.rollupCell.create({ data: cell, select: { id: true } }).catch(async (error: unknown) => {
        const raced = await find();
        if (!raced) throw error;
        return raced;
      })).id;
    this.cellIds.set(cell.cellKey, id);
  }

  private async cellIdOf(tx: TDb, response: TResponseRow): Promise<string> {
    const cell = cellOf(response);
    const known = this.cellIds.get(cell.cellKey);
    if (known) return known;
    // Only when a concurrent change moved the response between ensureCell and the transaction.
    const existing = await tx.rollupCell.findUnique({ where: { cellKey: cell.cellKey }, select: { id: true } });
    return existing?.id ?? (await tx.rollupCell.create({ data: cell, select: { id: true } })).id;
  }
}

function toStoredResponse(row: TResponseRow): TStoredResponse {
  return {
    id: row.id,
    surveyVersionId: row.surveyVersionId,
    organisationId: row.organisationId,
    language: z.enum(LANGUAGES).parse(row.language),
    status: z.enum(RESPONSE_STATUSES).parse(row.status),
    source: z.enum(RESPONSE_SOURCES).parse(row.source),
    followUpId: row.followUpId,
    answers: Object.fromEntries(row.answers.map((answer) => [answer.questionKey, answer])),
  };
}
