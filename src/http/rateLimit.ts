import type { Request } from 'restify';
import type { TPrisma } from '../db/client';
import type { TJob } from '../jobs';
import { ApiError } from './errors';

const WINDOW_MS = 60_000;

export interface TRateLimiter {
  /** Counts one request of `subject` (`ip:…`, `token:…`); over the limit → 429 with Retry-After. */
  hit(subject: string, perMinute: number): Promise<void>;
}

/**
 * Fixed one-minute windows counted in the database, so every replica behind the load balancer enforces
 * the same limit. One atomic upsert per request: the window number is part of the key, so no clock
 * arithmetic happens in SQL and both databases run the same statement.
 */
export function databaseRateLimiter(prisma: TPrisma, clock: () => Date = () => new Date()): TRateLimiter {
  return {
    async hit(subject, perMinute) {
      const now = clock().getTime();
      const window = Math.floor(now / WINDOW_MS);
      const key = `${subject}@${window}`;
      const windowStart = new Date(window * WINDOW_MS);
      const rows = await prisma.$queryRaw<{ count: number | bigint }[]>`
        INSERT INTO "RateLimitWindow" ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT ("key") DO UPDATE SET "count" = "RateLimitWindow"."count" + 1
        RETURNING "count"`;
      if (Number(rows[0]?.count ?? 0) > perMinute) {
        const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
        throw new ApiError(429, 'rate_limited', `Too many requests; try again in ${retryAfter} s.`, undefined, {
          'Retry-After': String(retryAfter),
        });
      }
    },
  };
}

/** The client address a limit is counted against. */
export function clientAddressOf(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Forgets windows that ended: they can never be hit again. */
export function rateLimitCleanupJob(prisma: TPrisma, clock: () => Date = () => new Date()): TJob {
  return {
    name: 'rate-limit-cleanup',
    everyMs: 5 * WINDOW_MS,
    run: async () => {
      await prisma.rateLimitWindow.deleteMany({ where: { windowStart: { lt: new Date(clock().getTime() - 2 * WINDOW_MS) } } });
    },
  };
}
