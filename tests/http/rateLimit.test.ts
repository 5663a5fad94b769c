import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/kernel/errors';
import { databaseRateLimiter } from '../../src/http/rateLimit';
import { windowCleanupJob, windowCounterOf } from '../../src/db/windowCounter';
import { TEST_SECRETS } from '../support/app';
import { createTestDatabase, type TTestDatabase } from '../support/database';

let database: TTestDatabase;
let now = new Date('2026-06-01T10:00:10Z');
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

describe('rate limiting', () => {
  it('answers 429 with Retry-After past the limit, counted across replicas, and opens again next minute', async () => {
    const replicaA = databaseRateLimiter(windowCounterOf(database.prisma), TEST_SECRETS.HASH_SECRET, () => now);
    const replicaB = databaseRateLimiter(windowCounterOf(database.prisma), TEST_SECRETS.HASH_SECRET, () => now);
    await replicaA.hit('ip:10.0.0.1', 3);
    await replicaB.hit('ip:10.0.0.1', 3);
    await replicaA.hit('ip:10.0.0.1', 3);
    const refused = await replicaB.hit('ip:10.0.0.1', 3).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 50 });
    // Another client is not affected.
    await expect(replicaA.hit('ip:10.0.0.2', 3)).resolves.toBeUndefined();
    now = new Date('2026-06-01T10:01:00Z');
    await expect(replicaA.hit('ip:10.0.0.1', 3)).resolves.toBeUndefined();
  });

  it('counts concurrent requests exactly', async () => {
    const limiter = databaseRateLimiter(windowCounterOf(database.prisma), TEST_SECRETS.HASH_SECRET, () => now);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => limiter.hit('token:abc', 12)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(12);
  });

  it('keeps only keyed hashes of what it counts, and forgets windows once they ended', async () => {
    const stored = await database.prisma.rateLimitWindow.findMany();
    expect(stored.length).toBeGreaterThan(0);
    for (const { key } of stored) {
      expect(key).not.toContain('10.0.0.1');
      expect(key).not.toContain('abc');
      expect(key).toMatch(/^[0-9a-f]{64}@60000:\d+$/);
    }
    // The windows of the first minute are gone; those of 10:01 are still counting.
    await windowCleanupJob(database.prisma, () => new Date('2026-06-01T10:01:59Z')).run();
    const current = await database.prisma.rateLimitWindow.count();
    expect(current).toBeGreaterThan(0);
    expect(current).toBeLessThan(stored.length);
    await windowCleanupJob(database.prisma, () => new Date('2026-06-01T10:02:00Z')).run();
    expect(await database.prisma.rateLimitWindow.count()).toBe(0);
  });
});
