import { randomUUID } from 'node:crypto';
import { Prisma, type TDatabase, type TDb, type TPrisma } from '../db/client';
import type { TSql } from '../db/sql';
import { cellOf, contributionOf, newResponseRow, toStoredAnswer, ZNewResponse, type TNewResponse, type TGivenAnswer, type TResponseStatus, type TStoredAnswer } from './answerStore';
import { dayIn } from '../kernel/calendar';
import { SHARED_THEME_TAGGERS, type TThemeTaggers } from '../themes/taggers';
import { ImmutableFacts } from './immutableFacts';
import { accumulateStats, emptyStats, isEmptyStats, type TStats } from './sufficientStats';

/**
 * The batch form of the answer store's write path, for imports of earlier survey rounds and the benchmark: the same
 * validation (the store's own schemas), the same scrubbing of free text, the same contribution of a response to the
 * rollups (`contributionOf`) in the same cell (`cellOf`) and day — only many responses per transaction, and one
 * RollupDelta per cell and day of the batch instead of one per answer. The fold then builds the rollups exactly as
 * it does for the bot's answers.
 */

/** A finished response from elsewhere: its dimensions, when it happened, and every answer it holds. */
export interface TBatchResponse {
  response: Omit<TNewResponse, 'residentKey' | 'conversationKey' | 'followUpId'>;
  status: TResponseStatus;
  startedAt: Date;
  completedAt: Date | null;
  answers: TGivenAnswer[];
}

const RESPONSE_COLUMNS = [
  'id',
  'surveyVersionId',
  'organisationId',
  'serviceId',
  'contactChannel',
  'leadTimeDays',
  'contactCount',
  'chatChannel',
  'language',
  'location',
  'source',
  'status',
  'residentKey',
  'conversationKey',
  'followUpId',
  'startedAt',
  'lastActivityAt',
  'completedAt',
] as const;
const ANSWER_COLUMNS = ['id', 'responseId', 'questionKey', 'measure', 'value', 'text', 'dontKnow', 'skipped', 'themes', 'answeredAt'] as const;
const DELTA_COLUMNS = ['cellId', 'day', 'stats'] as const;

/** Prisma binds at most 999 values per statement on SQLite (32,766 on PostgreSQL); stay under the smaller. */
const MAX_BOUND_VALUES = 990;

/**
 * Multi-row INSERTs: Prisma's createMany costs about four times as much per row here (measured: 10,000 answers in
 * 1.6 s against 0.4 s), which decides whether the benchmark's million answers load in one minute or four. Values are
 * bound parameters, never spliced text; the adapters store dates and booleans exactly as Prisma's own writes do.
 */
async function insertRows<TColumn extends string>(
  tx: TDb,
  table: string,
  columns: readonly TColumn[],
  rows: ReadonlyArray<Record<TColumn, string | number | boolean | Date | null>>,
): Promise<void> {
  const perStatement = Math.floor(MAX_BOUND_VALUES / columns.length);
  const head = Prisma.raw(`INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) VALUES `);
  for (let index = 0; index < rows.length; index += perStatement) {
    const values = rows.slice(index, index + perStatement).map((row) => Prisma.sql`(${Prisma.join(columns.map((column) => row[column]))})`);
    await tx.$executeRaw`${head}${Prisma.join(values)}`;
  }
}

/** Writes batches of finished responses; keeps only lookups that never change (cells, and the answer store's ImmutableFacts). */
export class BatchAnswerWriter {
  private readonly cellIds = new Map<string, string>();
  private readonly facts = new ImmutableFacts();
  private readonly prisma: TPrisma;
  private readonly sql: TSql;

  constructor(
    database: Pick<TDatabase, 'prisma' | 'sql'>,
    /** The organisations' theme lexicons; without them, open answers are tagged with the shared lexicon. */
    private readonly themes: TThemeTaggers = SHARED_THEME_TAGGERS,
  ) {
    this.prisma = database.prisma;
    this.sql = database.sql;
  }

  /**
   * Stores the responses, their answers and their share of the rollups in one transaction: all of the batch or none.
   * Imported responses carry no resident: their keys are random, so no erasure request or survey-fatigue check can
   * ever match them to a person.
   */
  async writeBatch(batch: readonly TBatchResponse[]): Promise<void> {
    if (batch.length === 0) return;
    const prepared: Array<Awaited<ReturnType<BatchAnswerWriter['prepare']>>> = [];
    for (const item of batch) prepared.push(await this.prepare(item));

    // Cells first, outside the transaction, as the answer store does: on SQLite the transaction holds the only connection.
    for (const { cell } of prepared) await this.ensureCell(cell);

    const deltas = new Map<string, { cellId: string; day: string; stats: TStats }>();
    for (const { row, answers, cell, day } of prepared) {
      const cellId = this.cellIds.get(cell.cellKey)!;
      const key = `${cellId}/${day}`;
      let delta = deltas.get(key);
      if (!delta) {
        delta = { cellId, day, stats: emptyStats() };
        deltas.set(key, delta);
      }
      accumulateStats(delta.stats, contributionOf(answers, row.status === 'completed'));
    }
    const answerRows = prepared.flatMap(({ row, answers }) =>
      answers.map((answer) => ({
        ...answer,
        themes: answer.themes === null ? null : JSON.stringify(answer.themes),
        id: randomUUID(),
        responseId: row.id,
        answeredAt: row.lastActivityAt,
      })),
    );
    const deltaRows = [...deltas.values()]
      .filter((delta) => !isEmptyStats(delta.stats))
      .map((delta) => ({ cellId: delta.cellId, day: delta.day, stats: JSON.stringify(delta.stats) }));
    await this.prisma.$transaction(
      async (tx) => {
        await insertRows(tx, 'Response', RESPONSE_COLUMNS, prepared.map(({ row }) => row));
        await insertRows(tx, 'Answer', ANSWER_COLUMNS, answerRows);
        await insertRows(tx, 'RollupDelta', DELTA_COLUMNS, deltaRows);
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  }

  /** Validates and scrubs one response exactly as the answer store would, and finds its rollup cell and day. */
  private async prepare(item: TBatchResponse) {
    const key = randomUUID();
    const dimensions = ZNewResponse.parse({ ...item.response, residentKey: `import:${key}`, conversationKey: `import:${key}` });
    const tagger = item.answers.some((answer) => answer.open) ? await this.themes.taggerFor(dimensions.organisationId) : null;
    const answers: TStoredAnswer[] = item.answers.map((answer) => toStoredAnswer(answer, tagger, dimensions.language));
    const row = { ...newResponseRow(dimensions, item.status, item.startedAt, item.completedAt ?? item.startedAt), completedAt: item.completedAt };
    const timeZone = await this.facts.timeZone(this.sql, row.organisationId);
    const cell = cellOf({
      ...row,
      service: row.serviceId ? { slug: await this.facts.serviceSlug(this.sql, row.serviceId) } : null,
      organisation: { timeZone },
      surveyVersion: await this.facts.surveyVersion(this.sql, row.surveyVersionId),
      answers,
    });
    return { row, answers, cell, day: dayIn(row.startedAt, timeZone) };
  }

  private async ensureCell(cell: ReturnType<typeof cellOf>): Promise<void> {
    if (this.cellIds.has(cell.cellKey)) return;
    const find = () => this.prisma.rollupCell.findUnique({ where: { cellKey: cell.cellKey }, select: { id: true } });
    const id =
      (await find())?.id ??
      (
        await this.prisma.rollupCell.create({ data: cell, select: { id: true } }).catch(async (error: unknown) => {
          // Another writer created it at the same moment.
          const raced = await find();
          if (!raced) throw error;
          return raced;
        })
      ).id;
    this.cellIds.set(cell.cellKey, id);
  }
}
