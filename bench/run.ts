import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { isDatabaseReachable, openDatabase } from '../src/db/client';
import type { TDatabaseProvider } from '../src/config';
import type { TBenchContext, TBenchmark } from './registry';

/**
 * `npm run bench [-- --quick] [-- name …]`: runs every `bench/*.bench.ts` (or the ones named) on SQLite and, when it
 * answers, PostgreSQL. A new benchmark is a new file exporting a TBenchmark as default; nothing here changes.
 */
async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const only = argv.filter((arg) => !arg.startsWith('--'));
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.bench.ts'))
    .sort();
  const benchmarks: TBenchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: TBenchmark };
    if (!module.default) throw new Error(`${file} must export a benchmark as default`);
    if (only.length === 0 || only.includes(module.default.name)) benchmarks.push(module.default);
  }
  if (benchmarks.length === 0) throw new Error(`no benchmark named ${only.join(', ')} (have: ${files.join(', ')})`);

  const postgresUrl = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const databases: TDatabaseProvider[] = ['sqlite'];
  const probe = openDatabase(postgresUrl);
  if (await isDatabaseReachable(probe.prisma, 'connect', 3000)) databases.push('postgresql');
  else process.stderr.write(`bench: PostgreSQL at ${new URL(postgresUrl).host} does not answer; SQLite only\n`);
  await probe.close();

  const started = Date.now();
  const context: TBenchContext = {
    quick,
    databases,
    postgresUrl,
    report: (result) => process.stdout.write(`BENCH ${JSON.stringify(result)}\n`),
    log: (message) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`),
  };
  for (const benchmark of benchmarks) {
    context.log(`${benchmark.name}: start${quick ? ' (quick)' : ''} on ${databases.join(', ')}`);
    await benchmark.run(context);
  }
  context.log(`done in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
