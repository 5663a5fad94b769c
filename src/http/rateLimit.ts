import { systemClock, type TClock } from '../kernel/clock';
import type { TWindowCounter } from '../db/windowCounter';
import { keyedHash } from '../privacy/crypto';
import { AppError } from '../kernel/errors';

const MINUTE_MS = 60_000;

export interface TRateLimiter {
  /** Counts one request of `subject` (`ip:…`, `token:…`); over the limit → 429 with Retry-After. */
  hit(subject: string, perMinute: number): Promise<void>;
}

/**
 * One-minute windows counted in the database (src/db/windowCounter.ts), so every replica behind the load balancer
 * enforces the same limit. The subject is stored only as a keyed hash (HASH_SECRET, as residents' ids are): the
 * table never holds a client's address.
 */
export function databaseRateLimiter(countInWindow: TWindowCounter, hashSecret: string, clock: TClock = systemClock): TRateLimiter {
  return {
    async hit(subject, perMinute) {
      const now = clock();
      const { count, endsAt } = await countInWindow(keyedHash(hashSecret, `rate-limit:${subject}`), MINUTE_MS, now);
      if (count > perMinute) {
        const retryAfter = Math.max(1, Math.ceil((endsAt.getTime() - now.getTime()) / 1000));
        throw new AppError('rate-limited', 'rate_limited', `Too many requests; try again in ${retryAfter} s.`, undefined, retryAfter);
      }
    },
  };
}
