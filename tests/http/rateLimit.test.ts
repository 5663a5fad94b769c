import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/errors';
import { databaseRateLimiter, rateLimitCleanupJob } from '../../src/http/rateLimit';
import { createTestDatabase, type TTestDatabase } from '../support/database';

let database: TTestDatabase;
let now = new Date('2026-06-01T10:00:10Z');
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

describe('rate limiting', () => {
  it('answers 429 with Retry-After past the limit, counted across replicas, and opens again next minute', async () => {
    const replicaA = databaseRateLimiter(database.prisma, () => now);
    const replicaB = databaseRateLimiter(database.prisma, () => now);
    await replicaA.hit('ip:10.0.0.1', 3);
    await replicaB.hit('ip:10.0.0.1', 3);
    await replicaA.hit('ip:10.0.0.1', 3);
    const refused = await replicaB.hit('ip:10.0.0.1', 3).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited', headers: { 'Retry-After': '50' } });
    // Another client is not affected.
    await expect(replicaA.hit('ip:10.0.0.2', 3)).resolves.toBeUndefined();
    now = new Date('2026-06-01T10:01:00Z');
    await expect(replicaA.hit('ip:10.0.0.1', 3)).resolves.toBeUndefined();
  });

  it('counts concurrent requests exactly', async () => {
    const limiter = databaseRateLimiter(database.prisma, () => now);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => limiter.hit('token:abc', 12)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(12);
  });

  it('cleans up windows that ended, keeping the current one', async () => {
    await rateLimitCleanupJob(database.prisma, () => new Date('2026-06-01T10:02:30Z')).run();
    const remaining = await database.prisma.rateLimitWindow.findMany({ orderBy: { key: 'asc' } });
    const currentWindow = Math.floor(Date.parse('2026-06-01T10:01:00Z') / 60_000);
    expect(remaining.map((window) => window.key)).toEqual([`ip:10.0.0.1@${currentWindow}`, `token:abc@${currentWindow}`]);
  });
});
