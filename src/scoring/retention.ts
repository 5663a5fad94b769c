import { systemClock, type TClock } from '../kernel/clock';
import type { TDatabase } from '../db/client';
import { withLease } from '../db/lease';
import type { TJob } from '../jobs';
import type { AnswerStore } from './answerStore';

const RETENTION_LEASE = 'retention';

/**
 * Purges raw answers older than the retention period, hourly, on one replica at a time, and reclaims their bytes.
 * The rollups keep the figures: deltas are folded before purging, so the aggregate never loses what the raw rows held.
 */
export function retentionJob(
  database: Pick<TDatabase, 'prisma' | 'reclaimDeleted'>,
  answers: AnswerStore,
  retentionDays: number,
  replicaId: string,
  clock: TClock = systemClock,
): TJob {
  return {
    name: RETENTION_LEASE,
    everyMs: 60 * 60_000,
    run: async () => {
      await withLease(database.prisma, RETENTION_LEASE, replicaId, 10 * 60_000, async () => {
        const purged = await answers.purgeBefore(new Date(clock().getTime() - retentionDays * 86_400_000));
        if (purged > 0) await database.reclaimDeleted();
      });
    },
  };
}
