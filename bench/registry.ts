import type { TDatabaseProvider } from '../src/config';

/**
 * The contract between `bench/run.ts` and each benchmark (`bench/*.bench.ts`, default export). A benchmark gets the
 * databases to run on and prints one BENCH line per database through `report`.
 */
export interface TBenchContext {
  /** `npm run bench -- --quick`: a smaller run that finishes in a minute or two. */
  quick: boolean;
  /** SQLite always; PostgreSQL when it answers (BENCH_POSTGRES_URL, else TEST_POSTGRES_URL, else the local default). */
  databases: TDatabaseProvider[];
  postgresUrl: string;
  /** Prints `BENCH {json}` on standard output; `name` is required, and `db` wherever a database is measured. */
  report(result: { name: string; db?: TDatabaseProvider } & Record<string, unknown>): void;
  /** Progress on standard error, so standard output holds the figures only. */
  log(message: string): void;
}

export interface TBenchmark {
  name: string;
  run(context: TBenchContext): Promise<void>;
}
