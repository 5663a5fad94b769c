import { randomUUID } from 'node:crypto';
import type { TDatabase } from '../db/client';
import { withLease } from '../db/lease';
import { placeholders, type TSqlTransaction } from '../db/sql';
import type { TJob } from '../jobs';
import { accumulateStats, emptyStats, isEmptyStats, ZStats, type TStats } from './sufficientStats';

const FOLD_LEASE = 'rollup-fold';
/** SQLite binds at most 999 values per statement; lists are cut well below that. */
const CHUNK = 400;

type TPeriodTable = 'RollupDay' | 'RollupMonth';
const PERIOD_COLUMN: Record<TPeriodTable, 'day' | 'month'> = { RollupDay: 'day', RollupMonth: 'month' };

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += CHUNK) result.push(items.slice(index, index + CHUNK));
  return result;
}

/** Adds summed deltas into one period table: existing rows read in a few statements, then one upsert per row. */
async function addInto(tx: TSqlTransaction, table: TPeriodTable, sums: Map<string, { cellId: string; period: string; stats: TStats }>, now: Date): Promise<void> {
  const column = `"${PERIOD_COLUMN[table]}"`;
  const existing = new Map<string, string>();
  for (const part of chunks([...sums.values()])) {
    const rows = await tx.query<{ cellId: string; period: string; stats: string }>(
      `SELECT "cellId", ${column} AS "period", "stats" FROM "${table}" WHERE ("cellId", ${column}) IN (${part.map(() => '(?, ?)').join(', ')})`,
      part.flatMap(({ cellId, period }) => [cellId, period]),
    );
    for (const row of rows) existing.set(`${row.cellId}/${row.period}`, row.stats);
  }
  for (const [key, { cellId, period, stats }] of sums) {
    const stored = existing.get(key);
    const total = stored === undefined ? stats : accumulateStats(ZStats.parse(JSON.parse(stored)), stats);
    if (isEmptyStats(total)) {
      if (stored !== undefined) tx.send(`DELETE FROM "${table}" WHERE "cellId" = ? AND ${column} = ?`, [cellId, period]);
      continue;
    }
    tx.send(
      `INSERT INTO "${table}" ("cellId", ${column}, "stats", "updatedAt") VALUES (?, ?, ?, ?)
       ON CONFLICT ("cellId", ${column}) DO UPDATE SET "stats" = excluded."stats", "updatedAt" = excluded."updatedAt"`,
      [cellId, period, JSON.stringify(total), now],
    );
  }
}

function sumBy(
  deltas: readonly { cellId: string; day: string; stats: TStats }[],
  periodOf: (day: string) => string,
): Map<string, { cellId: string; period: string; stats: TStats }> {
  const sums = new Map<string, { cellId: string; period: string; stats: TStats }>();
  for (const { cellId, day, stats } of deltas) {
    const period = periodOf(day);
    const key = `${cellId}/${period}`;
    let entry = sums.get(key);
    if (!entry) {
      entry = { cellId, period, stats: emptyStats() };
      sums.set(key, entry);
    }
    accumulateStats(entry.stats, stats);
  }
  return sums;
}

/**
 * Deltas folded per transaction. Each parsed delta holds a response's statistics (a count per measure and a pair per
 * two measures: 66 for the core's twelve), some 20 kB in memory while it is summed: 500 keep a fold within a few
 * megabytes of the service's bounded heap, where 5,000 (the backlog a first start's sample data leaves) did not fit.
 */
const FOLD_BATCH = 500;

/**
 * Folds pending RollupDelta rows into RollupDay and RollupMonth, oldest first, in one transaction per batch. The
 * deltas read are deleted by id in the same transaction and the count must match: if two folders ever overlapped,
 * the second one's transaction fails instead of counting a delta twice. (Deleting by id range would be shorter but
 * wrong on PostgreSQL: a delta with a lower id may commit after the read and would be deleted unfolded.)
 * It runs every second beside the residents' turns, so on the direct statements (src/db/sql.ts), the upserts
 * pipelined on PostgreSQL. Returns how many deltas were folded.
 */
export async function foldRollupDeltas({ sql }: Pick<TDatabase, 'sql'>, batchSize = FOLD_BATCH): Promise<number> {
  const rows = await sql.query<{ id: number | bigint; cellId: string; day: string; stats: string }>(
    `SELECT "id", "cellId", "day", "stats" FROM "RollupDelta" ORDER BY "id" LIMIT ?`,
    [batchSize],
  );
  if (rows.length === 0) return 0;
  const deltas = rows.map((row) => ({ cellId: row.cellId, day: row.day, stats: ZStats.parse(JSON.parse(row.stats)) }));
  const days = sumBy(deltas, (day) => day);
  const months = sumBy(deltas, (day) => day.slice(0, 7));
  await sql.transaction(async (tx) => {
    let deleted = 0;
    for (const part of chunks(rows.map((row) => Number(row.id)))) {
      deleted += await tx.execute(`DELETE FROM "RollupDelta" WHERE "id" IN (${placeholders(part.length)})`, part);
    }
    if (deleted !== rows.length) throw new Error('rollup deltas were folded concurrently; retrying');
    const now = new Date();
    await addInto(tx, 'RollupDay', days, now);
    await addInto(tx, 'RollupMonth', months, now);
  });
  return rows.length;
}

/** Folds until no delta is pending (tests, the import, the benchmark). */
export async function foldAllRollupDeltas(database: Pick<TDatabase, 'sql'>): Promise<number> {
  let total = 0;
  for (let folded = await foldRollupDeltas(database); folded > 0; folded = await foldRollupDeltas(database)) total += folded;
  return total;
}

/**
 * Folds every pending delta under the fold lease, so a CLI import and the service's job never fold at once.
 * Returns how many were folded; 0 also when another process holds the lease (its job is folding them).
 */
export async function foldPendingRollups(database: Pick<TDatabase, 'prisma' | 'sql'>, owner = `fold-${randomUUID()}`): Promise<number> {
  let total = 0;
  await withLease(database.prisma, FOLD_LEASE, owner, 60_000, async () => {
    total = await foldAllRollupDeltas(database);
  });
  return total;
}

/** The background job: one replica at a time folds, every second, so figures lag the answers by about that. */
export function rollupFoldJob(database: Pick<TDatabase, 'prisma' | 'sql'>, replicaId: string): TJob {
  return { name: FOLD_LEASE, everyMs: 1000, run: async () => void (await foldPendingRollups(database, replicaId)) };
}
