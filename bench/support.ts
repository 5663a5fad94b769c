import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type TApp } from '../src/app';
import { TokenService } from '../src/auth/tokens';
import { loadConfig, type TConfig, type TDatabaseProvider } from '../src/config';
import { bootstrapDatabase } from '../src/db/bootstrap';
import { openDatabase, type TDatabase } from '../src/db/client';
import { createLogger } from '../src/log';
import { loadSurveys } from '../src/surveys/loader';
import { registerSurveys } from '../src/surveys/registry';

/** A migrated, seeded database of its own for one benchmark run, removed afterwards. */
export interface TBenchDatabase {
  provider: TDatabaseProvider;
  url: string;
  config: TConfig;
  database: TDatabase;
  destroy(): Promise<void>;
}

const SECRETS = { HASH_SECRET: randomBytes(32).toString('base64url'), ENCRYPTION_KEY: randomBytes(32).toString('base64url') };

export async function createBenchDatabase(provider: TDatabaseProvider, postgresUrl: string): Promise<TBenchDatabase> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'meethuis-bench-'));
    url = `file:${join(dir, 'bench.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = `bench_${randomBytes(5).toString('hex')}`;
    const target = new URL(postgresUrl);
    target.searchParams.set('schema', schema);
    url = target.toString();
    cleanup = async () => {
      const admin = openDatabase(postgresUrl);
      try {
        await admin.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.close();
      }
    };
  }
  const config = loadConfig({
    ...SECRETS,
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    PORT: '0',
    MIN_GROUP_SIZE: '10',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_TOKEN_PER_MINUTE: '1000000',
  });
  const logger = createLogger('silent');
  const database = await bootstrapDatabase(config, logger);
  await registerSurveys(database.prisma, loadSurveys());
  return {
    provider,
    url,
    config,
    database,
    destroy: async () => {
      await database.close();
      await cleanup();
    },
  };
}

/** The real service on the bench database, listening on a loopback port, with an analyst token. */
export async function startBenchApp(bench: TBenchDatabase): Promise<{ app: TApp; url: string; token: string }> {
  const app = await createApp(bench.config, createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent'));
  const url = await app.listen(0, '127.0.0.1');
  const { token } = await new TokenService(bench.database.prisma, bench.config.HASH_SECRET).create({ role: 'analyst', name: 'bench' });
  return { app, url, token };
}

/** Median of `runs` timed calls after `warmup` untimed ones, in ms. */
export async function medianMs(work: () => Promise<unknown>, runs: number, warmup = 2): Promise<{ median: number; all: number[] }> {
  for (let i = 0; i < warmup; i++) await work();
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    all.push(performance.now() - start);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, all };
}

/**
 * Samples memory while `work` runs: the peak resident set size, and how far the heap grew above where it started
 * (the RSS also holds whatever the fill before it left behind; the heap growth is the work's own).
 */
export async function peakRssDuring<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number; heapMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = process.memoryUsage().rss;
  let heapPeak = heapBefore;
  const sample = () => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    heapPeak = Math.max(heapPeak, usage.heapUsed);
  };
  const timer = setInterval(sample, 5);
  try {
    const result = await work();
    sample();
    return { result, peakMb: Math.round(peak / 1e6), heapMb: Math.round((heapPeak - heapBefore) / 1e6) };
  } finally {
    clearInterval(timer);
  }
}

/** The fixed seed makes every run fill the same data. */
export { seededRandom } from '../src/kernel/seededRandom';
