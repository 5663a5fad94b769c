import { systemClock, type TClock } from '../kernel/clock';
import type { TJob } from '../jobs';
import type { TPrisma } from './client';

/**
 * Counts events in fixed windows shared by every replica: one atomic upsert per event, the window number part of
 * the key, so no clock arithmetic happens in SQL and both databases run the same statement. Callers pass a key that
 * names nothing personal (a keyed hash); a window is deleted once `expiresAt` has passed (windowCleanupJob).
 */
export async function countInWindow(prisma: TPrisma, key: string, windowMs: number, now: Date): Promise<{ count: number; endsAt: Date }> {
  const window = Math.floor(now.getTime() / windowMs);
  const endsAt = new Date((window + 1) * windowMs);
  const rows = await prisma.$queryRaw<{ count: number | bigint }[]>`
    INSERT INTO "RateLimitWindow" ("key", "count", "expiresAt") VALUES (${`${key}@${windowMs}:${window}`}, 1, ${endsAt})
    ON CONFLICT ("key") DO UPDATE SET "count" = "RateLimitWindow"."count" + 1
    RETURNING "count"`;
  return { count: Number(rows[0]?.count ?? 0), endsAt };
}

/** Counts one event of `key` in its window and returns the window's count so far and when it ends. */
export type TWindowCounter = (key: string, windowMs: number, now: Date) => Promise<{ count: number; endsAt: Date }>;

/** The counter over this database. */
export function windowCounterOf(prisma: TPrisma): TWindowCounter {
  return (key, windowMs, now) => countInWindow(prisma, key, windowMs, now);
}

/** Forgets windows that ended: they can never be hit again. */
export function windowCleanupJob(prisma: TPrisma, clock: TClock = systemClock): TJob {
  return {
    name: 'rate-limit-cleanup',
    everyMs: 5 * 60_000,
    run: async () => {
      await prisma.rateLimitWindow.deleteMany({ where: { expiresAt: { lte: clock() } } });
    },
  };
}
