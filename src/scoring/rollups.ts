import type { TPrisma } from '../db/client';
import { withLease } from '../db/lease';
import type { TJob } from '../jobs';
import { accumulateStats, emptyStats, isEmptyStats, ZStats, type TStats } from './sufficientStats';

const FOLD_LEASE = 'rollup-fold';

/**
 * Folds pending RollupDelta rows into RollupDay, oldest first, in one transaction per batch. The deltas are
 * deleted in the same transaction and the count must match: if two folders ever overlapped, the second
 * one's transaction fails instead of counting a delta twice. Returns how many deltas were folded.
 */
export async function foldRollupDeltas(prisma: TPrisma, batchSize = 5000): Promise<number> {
  const deltas = await prisma.rollupDelta.findMany({ orderBy: { id: 'asc' }, take: batchSize });
  if (deltas.length === 0) return 0;
  const byCellDay = new Map<string, { cellId: string; day: string; stats: TStats }>();
  for (const delta of deltas) {
    const key = `${delta.cellId}/${delta.day}`;
    let entry = byCellDay.get(key);
    if (!entry) {
      entry = { cellId: delta.cellId, day: delta.day, stats: emptyStats() };
      byCellDay.set(key, entry);
    }
    accumulateStats(entry.stats, ZStats.parse(JSON.parse(delta.stats)));
  }
  await prisma.$transaction(
    async (tx) => {
      const { count } = await tx.rollupDelta.deleteMany({ where: { id: { in: deltas.map((delta) => delta.id) } } });
      if (count !== deltas.length) throw new Error('rollup deltas were folded concurrently; retrying');
      for (const { cellId, day, stats } of byCellDay.values()) {
        const existing = await tx.rollupDay.findUnique({ where: { cellId_day: { cellId, day } }, select: { stats: true } });
        const total = existing ? accumulateStats(ZStats.parse(JSON.parse(existing.stats)), stats) : stats;
        if (isEmptyStats(total)) {
          if (existing) await tx.rollupDay.delete({ where: { cellId_day: { cellId, day } } });
          continue;
        }
        const json = JSON.stringify(total);
        await tx.rollupDay.upsert({ where: { cellId_day: { cellId, day } }, create: { cellId, day, stats: json }, update: { stats: json } });
      }
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  return deltas.length;
}

/** Folds until no delta is pending (tests, the import, the benchmark). */
export async function foldAllRollupDeltas(prisma: TPrisma): Promise<number> {
  let total = 0;
  for (let folded = await foldRollupDeltas(prisma); folded > 0; folded = await foldRollupDeltas(prisma)) total += folded;
  return total;
}

/** The background job: one replica at a time folds, every second, so figures lag the answers by about that. */
export function rollupFoldJob(prisma: TPrisma, replicaId: string): TJob {
  return {
    name: FOLD_LEASE,
    everyMs: 1000,
    run: async () => {
      await withLease(prisma, FOLD_LEASE, replicaId, 60_000, async () => {
        await foldAllRollupDeltas(prisma);
      });
    },
  };
}
