import { systemClock, type TClock } from '../kernel/clock';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { TDatabase } from '../db/client';
import type { TSqlExecutor, TSqlTransaction } from '../db/sql';
import { DEFAULT_LANGUAGE, LANGUAGES, type TLanguage } from '../i18n/languages';
import { scrubPersonalData } from '../privacy/scrub';
import { MAX_TEXT_LENGTH } from '../surveys/schema';
import { bandOfContactCount, bandOfLeadTime } from './dimensions';
import { dayIn } from '../kernel/calendar';
import { ImmutableFacts } from './immutableFacts';
import { SHARED_THEME_TAGGERS, ZThemeMatches, type TThemeTaggers } from '../themes/taggers';
import type { ThemeTagger, TThemeMatches } from '../themes/tagger';
import { diffStats, emptyStats, isEmptyStats, statsOfResponse, type TMeasuredAnswers, type TStats } from './sufficientStats';

export const RESPONSE_STATUSES = ['in-progress', 'completed', 'abandoned'] as const;
export type TResponseStatus = (typeof RESPONSE_STATUSES)[number];
/** Who started a response: the resident, a staff member's follow-up, or an import of an earlier survey round. */
export const RESPONSE_SOURCES = ['self', 'follow-up', 'import', 'demo'] as const;
export type TResponseSource = (typeof RESPONSE_SOURCES)[number];
const ZResponseStatus = z.enum(RESPONSE_STATUSES);
const ZResponseSource = z.enum(RESPONSE_SOURCES);
const ZLanguage = z.enum(LANGUAGES);


/** Who, where and how a response was started: its dimensions for every KPI breakdown. */
export const ZNewResponse = z.object({
  surveyVersionId: z.string().min(1),
  organisationId: z.string().min(1),
  serviceId: z.string().min(1).nullish(),
  contactChannel: z.string().min(1).nullish(),
  leadTimeDays: z.number().int().min(0).nullish(),
  contactCount: z.number().int().min(1).nullish(),
  chatChannel: z.string().min(1),
  language: ZLanguage,
  location: z.string().min(1).nullish(),
  source: ZResponseSource,
  /** Keyed hash of the channel user id. */
  residentKey: z.string().min(1),
  /** Keyed hash of the channel conversation id. */
  conversationKey: z.string().min(1),
  followUpId: z.string().min(1).nullish(),
  /** Keyed hash of the client address a web chat was opened from; counted by the limit on new responses, never stored. */
  addressKey: z.string().min(1).nullish(),
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
    /** The text is the resident's own words to an open question (not a choice): it is tagged with themes. */
    open: z.boolean().default(false),
  })
  .refine((answer) => [answer.value != null, answer.text != null, answer.dontKnow, answer.skipped].filter(Boolean).length === 1, {
    message: 'an answer is exactly one of: value, text, dontKnow, skipped',
  })
  .refine((answer) => !answer.open || answer.text != null, { message: 'an open answer is a text', path: ['open'] });
export type TGivenAnswer = z.input<typeof ZGivenAnswer>;

export interface TStoredAnswer {
  questionKey: string;
  measure: string | null;
  value: number | null;
  text: string | null;
  dontKnow: boolean;
  skipped: boolean;
  /** Only on an open answer: its themes with the terms that matched ({} for none); null on every other answer. */
  themes: TThemeMatches | null;
}

export interface TStoredResponse {
  id: string;
  surveyVersionId: string;
  organisationId: string;
  language: TLanguage;
  status: TResponseStatus;
  source: TResponseSource;
  followUpId: string | null;
  /** Out of every figure until an analyst accepts it (see ResponseAdmission). */
  heldBack: boolean;
  answers: Record<string, TStoredAnswer>;
}

const ANSWER_SELECT = { questionKey: true, measure: true, value: true, text: true, dontKnow: true, skipped: true, themes: true } as const;

/** The columns of a response a change needs; names, zones and versions come from ImmutableFacts instead of joins. */
const RESPONSE_SELECT = {
  id: true,
  surveyVersionId: true,
  organisationId: true,
  serviceId: true,
  language: true,
  status: true,
  source: true,
  followUpId: true,
  heldBack: true,
  startedAt: true,
  contactChannel: true,
  chatChannel: true,
  location: true,
  leadTimeDays: true,
  contactCount: true,
  answers: { select: ANSWER_SELECT },
} as const;

type TResponseColumns = {
  id: string;
  surveyVersionId: string;
  organisationId: string;
  serviceId: string | null;
  language: string;
  status: string;
  source: string;
  followUpId: string | null;
  heldBack: boolean;
  startedAt: Date;
  contactChannel: string | null;
  chatChannel: string;
  location: string | null;
  leadTimeDays: number | null;
  contactCount: number | null;
  answers: TStoredAnswer[];
};

/** The hot path (every answer of every turn) runs on the direct statements of src/db/sql.ts. */
const RESPONSE_COLUMNS = ['id', 'surveyVersionId', 'organisationId', 'serviceId', 'language', 'status', 'source', 'followUpId', 'heldBack', 'startedAt', 'contactChannel', 'chatChannel', 'location', 'leadTimeDays', 'contactCount']
  .map((column) => `"${column}"`)
  .join(', ');
type TRawResponse = Omit<TResponseColumns, 'answers' | 'startedAt' | 'leadTimeDays' | 'contactCount' | 'heldBack'> & {
  startedAt: Date | string;
  heldBack: boolean | number;
  leadTimeDays: number | bigint | null;
  contactCount: number | bigint | null;
};
type TRawAnswer = Omit<TStoredAnswer, 'value' | 'dontKnow' | 'skipped' | 'themes'> & {
  value: number | bigint | null;
  dontKnow: boolean | number;
  skipped: boolean | number;
  themes: string | null;
};

/** A response with the immutable facts its rollup cell is made of. */
type TResponseRow = TResponseColumns & {
  service: { slug: string } | null;
  organisation: { timeZone: string };
  surveyVersion: { surveyId: string; version: number };
};

/** The response named does not exist (erased, purged, or never started). */
export class ResponseNotFoundError extends Error {
  override name = 'ResponseNotFoundError';
  constructor(readonly responseId: string) {
    super(`response ${responseId} does not exist`);
  }
}

/** Whether one more self-started response from this address (keyed hash) goes beyond the hourly limit. */
export interface TResponseAdmission {
  isOverLimit(addressKey: string, now: Date): Promise<boolean>;
}

/** A new response's columns, dimensions it lacks as null: what both write paths (bot and import) insert. */
export function newResponseRow(
  { addressKey: _counted, ...data }: z.output<typeof ZNewResponse>,
  status: TResponseStatus,
  startedAt: Date,
  lastActivityAt: Date,
  heldBack = false,
) {
  return {
    id: randomUUID(),
    ...data,
    heldBack,
    serviceId: data.serviceId ?? null,
    contactChannel: data.contactChannel ?? null,
    leadTimeDays: data.leadTimeDays ?? null,
    contactCount: data.contactCount ?? null,
    location: data.location ?? null,
    followUpId: data.followUpId ?? null,
    status,
    startedAt,
    lastActivityAt,
  };
}

/**
 * Validates an answer as given and scrubs its free text of personal data: the form every write path stores. An open
 * answer is tagged with themes after scrubbing, so every word that matched is one an analyst can read.
 */
export function toStoredAnswer(given: TGivenAnswer, tagger: { tag(text: string, language: TLanguage): TThemeMatches } | null, language: TLanguage): TStoredAnswer {
  const answer = ZGivenAnswer.parse(given);
  const text = answer.text == null ? null : scrubPersonalData(answer.text).text;
  if (answer.open && !tagger) throw new Error('an open answer needs a theme tagger');
  return {
    questionKey: answer.questionKey,
    measure: answer.measure ?? null,
    value: answer.value ?? null,
    text,
    dontKnow: answer.dontKnow,
    skipped: answer.skipped,
    themes: answer.open && text !== null && tagger ? tagger.tag(text, language) : null,
  };
}

/** Whether a stored answer holds a resident's own words (an answered open question). */
export function isOpenAnswer(answer: Pick<TStoredAnswer, 'themes' | 'text'>): answer is TStoredAnswer & { themes: TThemeMatches; text: string } {
  return answer.themes !== null && answer.text !== null && answer.text.trim() !== '';
}

/** What a response contributes to the rollups: nothing until its first answer, so empty starts never count. */
export function contributionOf(answers: Iterable<TStoredAnswer>, completed: boolean): TStats {
  const measured: Record<string, TMeasuredAnswers[string]> = {};
  let any = false;
  let open: Set<string> | null = null;
  for (const answer of answers) {
    any = true;
    if (isOpenAnswer(answer)) {
      open ??= new Set();
      for (const theme in answer.themes) open.add(theme);
    }
    if (!answer.measure) continue;
    measured[answer.measure] =
      answer.value != null ? { value: answer.value } : answer.dontKnow ? { dontKnow: true } : { skipped: true };
  }
  return any ? statsOfResponse(measured, { completed }, open ? { themes: open } : undefined) : emptyStats();
}

/** A rollup cell's dimensions, '' where a response has none. */
export interface TCellDimensions {
  organisationId: string;
  serviceSlug: string;
  contactChannel: string;
  chatChannel: string;
  language: string;
  location: string;
  surveyId: string;
  surveyVersion: number;
  leadTimeBand: string;
  contactCountBand: string;
}

/** The rollup cell of a response: every breakdown dimension, '' where it has none. */
export function cellOf(response: TResponseRow): TCellDimensions & { cellKey: string } {
  const cell: TCellDimensions = {
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
  return { ...cell, cellKey: cellKeyOf(cell) };
}

/** A cell's dimensions joined in one fixed order: the unique key two turns meeting a new cell agree on. */
export function cellKeyOf(cell: TCellDimensions): string {
  const { organisationId, serviceSlug, contactChannel, chatChannel, language, location, surveyId, surveyVersion, leadTimeBand, contactCountBand } = cell;
  return [organisationId, serviceSlug, contactChannel, chatChannel, language, location, surveyId, surveyVersion, leadTimeBand, contactCountBand].join('\u001f');
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
  private readonly facts = new ImmutableFacts();

  private readonly prisma: TDatabase['prisma'];
  private readonly sql: TDatabase['sql'];

  constructor(
    database: Pick<TDatabase, 'prisma' | 'sql'>,
    private readonly clock: TClock = systemClock,
    /** Decides whether a new self-started response is held back; without one, none is. */
    private readonly admission?: TResponseAdmission,
    /** The organisations' theme lexicons; without them, open answers are tagged with the shared lexicon. */
    private readonly themes: TThemeTaggers = SHARED_THEME_TAGGERS,
  ) {
    this.prisma = database.prisma;
    this.sql = database.sql;
  }

  async startResponse(input: TNewResponse): Promise<TStoredResponse> {
    const data = ZNewResponse.parse(input);
    const now = this.clock();
    const heldBack = data.source === 'self' && !!data.addressKey && !!this.admission && (await this.admission.isOverLimit(data.addressKey, now));
    const row = newResponseRow(data, 'in-progress', now, now, heldBack);
    await this.sql.execute(
      `INSERT INTO "Response" ("id", "surveyVersionId", "organisationId", "serviceId", "contactChannel", "leadTimeDays", "contactCount",
         "chatChannel", "language", "location", "source", "status", "heldBack", "residentKey", "conversationKey", "followUpId", "startedAt", "lastActivityAt")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [row.id, row.surveyVersionId, row.organisationId, row.serviceId, row.contactChannel, row.leadTimeDays, row.contactCount,
        row.chatChannel, row.language, row.location, row.source, row.status, row.heldBack, row.residentKey, row.conversationKey, row.followUpId,
        row.startedAt, row.lastActivityAt],
    );
    return toStoredResponse({ ...row, answers: [] });
  }

  async findResponse(responseId: string): Promise<TStoredResponse | null> {
    const row = await this.prisma.response.findUnique({ where: { id: responseId }, select: RESPONSE_SELECT });
    return row ? toStoredResponse({ ...row, answers: row.answers.map((answer) => ({ ...answer, themes: parseThemes(answer.themes) })) }) : null;
  }

  /** The response a resident left in this conversation (in progress or abandoned), to offer resuming it. */
  async findResumableResponse(conversationKey: string): Promise<TStoredResponse | null> {
    const rows = await this.sql.query<TRawResponse>(
      `SELECT ${RESPONSE_COLUMNS} FROM "Response"
       WHERE "conversationKey" = ? AND "status" IN ('in-progress', 'abandoned') ORDER BY "startedAt" DESC LIMIT 1`,
      [conversationKey],
    );
    return rows[0] ? toStoredResponse(withAnswers(rows[0], await answerRowsOf(this.sql, rows[0].id))) : null;
  }

  /**
   * The unfinished response to a follow-up, moved to the conversation and resident now continuing it: the browser
   * that opened the follow-up's link came back in a new chat. From then on it is that chat's to resume or erase.
   */
  async adoptFollowUpResponse(followUpId: string, owner: { conversationKey: string; residentKey: string }): Promise<TStoredResponse | null> {
    const rows = await this.sql.query<TRawResponse>(
      `UPDATE "Response" SET "conversationKey" = ?, "residentKey" = ?
       WHERE "followUpId" = ? AND "status" IN ('in-progress', 'abandoned') RETURNING ${RESPONSE_COLUMNS}`,
      [owner.conversationKey, owner.residentKey, followUpId],
    );
    return rows[0] ? toStoredResponse(withAnswers(rows[0], await answerRowsOf(this.sql, rows[0].id))) : null;
  }

  /** Stores one answer: see recordAnswers. */
  async recordAnswer(responseId: string, given: TGivenAnswer): Promise<TStoredAnswer> {
    const [stored] = await this.recordAnswers(responseId, [given]);
    return stored!;
  }

  /**
   * Stores answers to one response, with their share of the rollups, in one transaction. Free text is scrubbed of
   * personal data first. Idempotent per response and question: a retried turn or a re-answer overwrites (last write
   * wins) and the rollups follow. `alongside` runs in the same transaction (the bot saves the turn's state there),
   * so the answers and what it writes are stored together or not at all.
   */
  async recordAnswers(responseId: string, given: readonly TGivenAnswer[], alongside?: (tx: TSqlTransaction) => Promise<void>): Promise<TStoredAnswer[]> {
    // Only a turn that answers an open question reads whose lexicon to tag it with (most turns do not).
    const tagging = given.some((answer) => answer.open) ? await this.taggingOf(responseId) : null;
    const stored = given.map((answer) => toStoredAnswer(answer, tagging?.tagger ?? null, tagging?.language ?? DEFAULT_LANGUAGE));
    await this.changeResponse(
      responseId,
      async (tx, response) => {
        const answeredAt = this.clock();
        for (const { questionKey, measure, value, text, dontKnow, skipped, themes } of stored) {
          tx.send(
            `INSERT INTO "Answer" ("id", "responseId", "questionKey", "measure", "value", "text", "dontKnow", "skipped", "themes", "answeredAt")
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT ("responseId", "questionKey") DO UPDATE SET "measure" = excluded."measure", "value" = excluded."value",
               "text" = excluded."text", "dontKnow" = excluded."dontKnow", "skipped" = excluded."skipped", "themes" = excluded."themes",
               "answeredAt" = excluded."answeredAt"`,
            [randomUUID(), responseId, questionKey, measure, value, text, dontKnow, skipped, themes === null ? null : JSON.stringify(themes), answeredAt],
          );
        }
        const answeredKeys = new Set(stored.map((answer) => answer.questionKey));
        // Of two answers to one question in the batch, the later counts, as it does in the Answer table.
        const latest = [...new Map(stored.map((answer) => [answer.questionKey, answer])).values()];
        const answers = response.answers.filter((existing) => !answeredKeys.has(existing.questionKey));
        const status = ZResponseStatus.parse(response.status);
        return { answers: [...answers, ...latest], status: status === 'abandoned' ? 'in-progress' : status };
      },
      alongside,
    );
    return stored;
  }

  /** The tagger of the response's organisation and the language to tag in. */
  private async taggingOf(responseId: string): Promise<{ tagger: ThemeTagger; language: TLanguage }> {
    const [row] = await this.sql.query<{ organisationId: string; language: string }>(`SELECT "organisationId", "language" FROM "Response" WHERE "id" = ?`, [responseId]);
    if (!row) throw new ResponseNotFoundError(responseId);
    return { tagger: await this.themes.taggerFor(row.organisationId), language: ZLanguage.parse(row.language) };
  }

  /**
   * Tags the open answers still kept of an organisation's responses again with its lexicon as it is now, and moves
   * their theme counts in the rollups with them. Answers purged by retention keep their old tags in the figures.
   * Returns how many answers changed.
   */
  async retagOpenAnswers(organisationId: string): Promise<number> {
    const tagger = await this.themes.taggerFor(organisationId);
    let changed = 0;
    let after = '';
    for (;;) {
      const page = await this.sql.query<{ id: string }>(
        `SELECT DISTINCT r."id" FROM "Response" r JOIN "Answer" a ON a."responseId" = r."id"
         WHERE r."organisationId" = ? AND a."themes" IS NOT NULL AND r."id" > ? ORDER BY r."id" LIMIT 200`,
        [organisationId, after],
      );
      if (page.length === 0) return changed;
      after = page[page.length - 1]!.id;
      for (const { id } of page) {
        await this.inTransaction(async (tx, created) => {
          const row = await this.responseIn(tx, id);
          if (!row) return;
          const language = ZLanguage.parse(row.language);
          const retagged = row.answers.map((answer) => (isOpenAnswer(answer) ? { ...answer, themes: tagger.tag(answer.text, language) } : answer));
          const differing = retagged.filter((answer, index) => JSON.stringify(answer.themes) !== JSON.stringify(row.answers[index]!.themes));
          if (differing.length === 0) return;
          for (const answer of differing) {
            tx.send(`UPDATE "Answer" SET "themes" = ? WHERE "responseId" = ? AND "questionKey" = ?`, [JSON.stringify(answer.themes), id, answer.questionKey]);
          }
          const completed = row.status === 'completed';
          await this.writeDelta(tx, row, diffStats(contributionOf(row.answers, completed), contributionOf(retagged, completed)), created);
          changed += differing.length;
        });
      }
    }
  }

  async completeResponse(responseId: string): Promise<void> {
    await this.changeResponse(responseId, async (tx) => {
      tx.send(`UPDATE "Response" SET "completedAt" = ? WHERE "id" = ?`, [this.clock(), responseId]);
      return { status: 'completed' };
    });
  }

  /** A resident came back to an abandoned response: it counts as in progress again. */
  async resumeResponse(responseId: string): Promise<void> {
    await this.changeResponse(responseId, async () => ({ status: 'in-progress' }));
  }

  async setLanguage(responseId: string, language: TLanguage): Promise<void> {
    // The language is a rollup dimension: the response's contribution moves to its new cell.
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
    return this.erase(await this.prisma.response.findMany({ where: { residentKey }, select: { id: true } }));
  }

  /** Erases an organisation's sample responses (`source: demo`) and subtracts them from the rollups. */
  async eraseDemoResponses(organisationId: string): Promise<number> {
    return this.erase(await this.prisma.response.findMany({ where: { organisationId, source: 'demo' }, select: { id: true } }));
  }

  private async erase(responses: readonly { id: string }[]): Promise<number> {
    for (const { id } of responses) {
      await this.inTransaction(async (tx, created) => {
        const row = await this.responseIn(tx, id);
        if (!row) return;
        const before = contributionOf(row.answers, row.status === 'completed');
        await this.writeDelta(tx, row, diffStats(before, emptyStats()), created);
        // A call-back the resident asked for holds their contact detail: erasing their data takes it too. Retention
        // purges do not come here; the call-back's own 30 days end it.
        tx.send(`DELETE FROM "Callback" WHERE "responseId" = ?`, [id]);
        // The answers go with it (ON DELETE CASCADE).
        tx.send(`DELETE FROM "Response" WHERE "id" = ?`, [id]);
      });
    }
    return responses.length;
  }

  /**
   * Accepts held-back responses: each enters the rollups on its own day with everything it holds, in the same
   * transaction that clears its flag. Returns how many were held back and are now accepted.
   */
  async acceptHeldBack(responseIds: readonly string[]): Promise<number> {
    let accepted = 0;
    for (const id of responseIds) {
      await this.inTransaction(async (tx, created) => {
        const [[columns], answers] = await Promise.all([
          tx.query<TRawResponse>(`UPDATE "Response" SET "heldBack" = ? WHERE "id" = ? AND "heldBack" = ? RETURNING ${RESPONSE_COLUMNS}`, [false, id, true]),
          answerRowsOf(tx, id),
        ]);
        if (!columns) return;
        const row = await this.withFacts(tx, { ...withAnswers(columns, answers), heldBack: false });
        await this.writeDelta(tx, row, contributionOf(row.answers, row.status === 'completed'), created);
        accepted += 1;
      });
    }
    return accepted;
  }

  /** Discards held-back responses with their answers; they never counted, so no figure changes. */
  async discardHeldBack(responseIds: readonly string[]): Promise<number> {
    const { count } = await this.prisma.response.deleteMany({ where: { id: { in: [...responseIds] }, heldBack: true } });
    return count;
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
   * fields, and the difference in its contribution goes to the rollups with it. The transaction starts by
   * updating the response row, which locks it on PostgreSQL: two replicas changing one response at once take
   * turns, so neither computes its delta from answers the other is replacing.
   */
  private async changeResponse(
    responseId: string,
    change: (
      tx: TSqlTransaction,
      response: TResponseRow,
    ) => Promise<{ answers?: TStoredAnswer[]; status?: TResponseStatus; language?: TLanguage }>,
    alongside?: (tx: TSqlTransaction) => Promise<void>,
  ): Promise<void> {
    await this.inTransaction(async (tx, created) => {
      // Read together (one round trip on PostgreSQL); the UPDATE comes first, so the answers are read under its lock.
      // Not in its RETURNING: under READ COMMITTED that statement's snapshot predates the lock it may have waited for,
      // so it would miss the answers of the transaction it waited for (checked on PostgreSQL 15).
      const [[row], answers] = await Promise.all([
        tx.query<TRawResponse>(`UPDATE "Response" SET "lastActivityAt" = ? WHERE "id" = ? RETURNING ${RESPONSE_COLUMNS}`, [this.clock(), responseId]),
        answerRowsOf(tx, responseId),
      ]);
      if (!row) throw new ResponseNotFoundError(responseId);
      const response = await this.withFacts(tx, withAnswers(row, answers));
      const result = await change(tx, response);
      const after = {
        ...response,
        answers: result.answers ?? response.answers,
        status: result.status ?? response.status,
        language: result.language ?? response.language,
      };
      if (after.status !== response.status || after.language !== response.language) {
        tx.send(`UPDATE "Response" SET "status" = ?, "language" = ? WHERE "id" = ?`, [after.status, after.language, responseId]);
      }
      const before = contributionOf(response.answers, response.status === 'completed');
      const now = contributionOf(after.answers, after.status === 'completed');
      if (cellOf(response).cellKey === cellOf(after).cellKey) {
        await this.writeDelta(tx, response, diffStats(before, now), created);
      } else {
        await this.writeDelta(tx, response, diffStats(before, emptyStats()), created);
        await this.writeDelta(tx, after, now, created);
      }
      await alongside?.(tx);
    });
  }

  /**
   * Runs `work` in a transaction; rollup cells it created are remembered only once it committed, so a rolled
   * back transaction never leaves the id of a cell that does not exist in the cache.
   */
  private async inTransaction(work: (tx: TSqlTransaction, created: Map<string, string>) => Promise<void>): Promise<void> {
    const created = new Map<string, string>();
    await this.sql.transaction((tx) => work(tx, created));
    for (const [cellKey, id] of created) this.cellIds.set(cellKey, id);
  }

  /** A response with its answers and facts, read inside a change's transaction; null when it is gone. */
  private async responseIn(tx: TSqlTransaction, id: string): Promise<TResponseRow | null> {
    const [[columns], answers] = await Promise.all([
      tx.query<TRawResponse>(`SELECT ${RESPONSE_COLUMNS} FROM "Response" WHERE "id" = ?`, [id]),
      answerRowsOf(tx, id),
    ]);
    return columns ? this.withFacts(tx, withAnswers(columns, answers)) : null;
  }

  private async withFacts(db: TSqlExecutor, columns: TResponseColumns): Promise<TResponseRow> {
    return {
      ...columns,
      service: columns.serviceId ? { slug: await this.facts.serviceSlug(db, columns.serviceId) } : null,
      organisation: { timeZone: await this.facts.timeZone(db, columns.organisationId) },
      surveyVersion: await this.facts.surveyVersion(db, columns.surveyVersionId),
    };
  }

  private async writeDelta(tx: TSqlTransaction, response: TResponseRow, delta: TStats, created: Map<string, string>): Promise<void> {
    // A held-back response is in no figure: its changes count only once it is accepted, all at once.
    if (isEmptyStats(delta) || response.heldBack) return;
    const cell = cellOf(response);
    let cellId = this.cellIds.get(cell.cellKey) ?? created.get(cell.cellKey);
    if (!cellId) {
      // INSERT … ON CONFLICT DO NOTHING, then read: two turns meeting a new cell at once both get its id (the second
      // waits for the first to commit). Prisma's upsert with an empty update is find-then-create, which races.
      await tx.execute(
        `INSERT INTO "RollupCell" ("id", "cellKey", "organisationId", "serviceSlug", "contactChannel", "chatChannel", "language",
           "location", "surveyId", "surveyVersion", "leadTimeBand", "contactCountBand")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("cellKey") DO NOTHING`,
        [randomUUID(), cell.cellKey, cell.organisationId, cell.serviceSlug, cell.contactChannel, cell.chatChannel, cell.language,
          cell.location, cell.surveyId, cell.surveyVersion, cell.leadTimeBand, cell.contactCountBand],
      );
      const [row] = await tx.query<{ id: string }>(`SELECT "id" FROM "RollupCell" WHERE "cellKey" = ?`, [cell.cellKey]);
      if (!row) throw new Error(`rollup cell ${cell.cellKey} vanished`);
      cellId = row.id;
      created.set(cell.cellKey, cellId);
    }
    const day = dayIn(response.startedAt, response.organisation.timeZone);
    tx.send(`INSERT INTO "RollupDelta" ("cellId", "day", "stats", "createdAt") VALUES (?, ?, ?, ?)`, [
      cellId,
      day,
      JSON.stringify(delta),
      this.clock(),
    ]);
  }
}

function answerRowsOf(db: TSqlExecutor, responseId: string): Promise<TRawAnswer[]> {
  return db.query<TRawAnswer>(`SELECT "questionKey", "measure", "value", "text", "dontKnow", "skipped", "themes" FROM "Answer" WHERE "responseId" = ?`, [
    responseId,
  ]);
}

/** The stored JSON of an answer's themes, checked like any JSON read back. */
export function parseThemes(stored: string | null): TThemeMatches | null {
  return stored === null ? null : ZThemeMatches.parse(JSON.parse(stored));
}

function withAnswers(row: TRawResponse, answers: TRawAnswer[]): TResponseColumns {
  return {
    ...row,
    startedAt: new Date(row.startedAt),
    // SQLite hands booleans back as 0/1.
    heldBack: Boolean(row.heldBack),
    leadTimeDays: row.leadTimeDays === null ? null : Number(row.leadTimeDays),
    contactCount: row.contactCount === null ? null : Number(row.contactCount),
    answers: answers.map((answer) => ({
      ...answer,
      value: answer.value === null ? null : Number(answer.value),
      // SQLite hands booleans back as 0/1.
      dontKnow: Boolean(answer.dontKnow),
      skipped: Boolean(answer.skipped),
      themes: parseThemes(answer.themes),
    })),
  };
}

function toStoredResponse(row: TResponseColumns): TStoredResponse {
  return {
    id: row.id,
    surveyVersionId: row.surveyVersionId,
    organisationId: row.organisationId,
    language: ZLanguage.parse(row.language),
    status: ZResponseStatus.parse(row.status),
    source: ZResponseSource.parse(row.source),
    followUpId: row.followUpId,
    heldBack: row.heldBack,
    answers: Object.fromEntries(row.answers.map((answer) => [answer.questionKey, answer])),
  };
}
