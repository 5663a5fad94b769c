import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client';
import { databaseProviderOf, type TDatabaseProvider } from '../config';
import { GatedSqliteAdapterFactory, PostgresSql, SerialGate, SqliteSql, WalSync, walFileSync, type TSql } from './sql';

export { Prisma } from '../generated/sqlite/client';
export type * from '../generated/sqlite/client';

/**
 * Both generated clients have the same shape (the schema has no provider-specific types), so the
 * SQLite client's type stands for either.
 */
export type TPrisma = SqliteClient;
/** A client or the client of an interactive transaction: what repository functions take. */
export type TDb = Omit<TPrisma, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface TDatabase {
  prisma: TPrisma;
  /** The same database without Prisma's query compiler, for the statements every turn runs (src/db/sql.ts). */
  sql: TSql;
  provider: TDatabaseProvider;
  /** The PostgreSQL schema the tables live in (null on SQLite). */
  postgresSchema: string | null;
  /**
   * After an erasure or a retention run: on SQLite, moves the write-ahead log into the file (where secure_delete has
   * zeroed what was deleted) and truncates it, so the deleted text is in neither. PostgreSQL keeps dead rows until
   * VACUUM reuses their space; autovacuum does that, on its own schedule (see the README).
   */
  reclaimDeleted(): Promise<void>;
  close(): Promise<void>;
}

/** The PostgreSQL schema named by `?schema=` (tests isolate themselves that way), else public. */
export function postgresSchemaOf(url: string): string {
  return new URL(url).searchParams.get('schema') ?? 'public';
}

/** Opens the database DATABASE_URL names: `file:` → embedded SQLite, `postgresql://` → PostgreSQL. */
export function openDatabase(url: string, cwd = process.cwd()): TDatabase {
  const provider = databaseProviderOf(url);
  if (provider === 'sqlite') {
    const file = resolve(cwd, url.slice('file:'.length));
    mkdirSync(dirname(file), { recursive: true });
    // A writer waits up to 2 s for a lock (another process, a long transaction) before the turn fails kindly.
    const adapter = new GatedSqliteAdapterFactory(
      new PrismaBetterSQLite3({ url: file, timeout: 2000 }),
      new SerialGate(),
      new WalSync(walFileSync(file)),
    );
    const prisma = new SqliteClient({ adapter });
    return {
      prisma,
      sql: new SqliteSql(adapter),
      provider,
      postgresSchema: null,
      reclaimDeleted: async () => void (await prisma.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)')),
      close: () => prisma.$disconnect(),
    };
  }
  const schema = postgresSchemaOf(url);
  const connection = new URL(url);
  connection.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: connection.toString(),
    options: `-c search_path="${schema}"`,
    max: 10,
    // Statements go out without waiting for the one before (see PostgresSql.transaction); Prisma, which awaits each
    // of its statements in turn, is unaffected.
    pipeline: true,
    connectionTimeoutMillis: 5000,
    // A dead connection must fail the turn quickly, not hang it.
    query_timeout: 15000,
  });
  // An idle connection the server dropped is replaced on next use; unhandled, its error would end the process.
  pool.on('error', () => {});
  const prisma = new PostgresClient({ adapter: new PrismaPg(pool, { schema }) }) as unknown as TPrisma;
  return {
    prisma,
    sql: new PostgresSql(pool),
    provider,
    postgresSchema: schema,
    reclaimDeleted: async () => {},
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * True when the database answers within the time limit. `write` (health checks) needs the migrated schema
 * and proves a write would go through: a SQLite file locked by another writer still answers reads, yet no
 * answer could be stored. `connect` (before migrating) only proves the server is there.
 */
export async function isDatabaseReachable(prisma: TPrisma, probeKind: 'connect' | 'write', timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(false), timeoutMs);
  });
  const query =
    probeKind === 'write'
      ? prisma.jobLease.updateMany({ where: { name: '__health__' }, data: { owner: '' } })
      : prisma.$queryRawUnsafe('SELECT 1');
  const probe = query.then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
