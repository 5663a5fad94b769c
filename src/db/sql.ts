import type { Database, Statement } from 'better-sqlite3';
import pg from 'pg';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';

/**
 * The statements every turn runs (bot state, the answer transaction) go to the driver directly, on the connection
 * or pool Prisma itself uses: Prisma 6 sends even a raw statement through its WebAssembly query compiler
 * (~0.1–0.25 ms of main-thread time each) and its SQLite adapter prepares every statement anew. Here a statement is
 * prepared once (SQLite) or named (PostgreSQL, which then parses and plans it once per connection).
 *
 * One dialect for both: `?` placeholders (rewritten to `$n` for pg, so no `?` may appear otherwise) and
 * double-quoted identifiers, as the rest of the raw SQL. Values are stored exactly as Prisma stores them, so either
 * side reads what the other wrote.
 */
export type TSqlValue = string | number | bigint | boolean | Date | null;

export interface TSqlExecutor {
  /** The rows of a statement; integers as numbers, SQLite booleans as 0/1, timestamps as Date or ISO text. */
  query<T extends object>(sql: string, params?: readonly TSqlValue[]): Promise<T[]>;
  /** How many rows a statement changed. */
  execute(sql: string, params?: readonly TSqlValue[]): Promise<number>;
}

export interface TSql extends TSqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. `work` uses `tx` only:
   * on SQLite the transaction holds the connection's gate, so a Prisma call inside it would wait for itself.
   */
  transaction<T>(work: (tx: TSqlExecutor) => Promise<T>): Promise<T>;
}

/** `?, ?, ?` for a list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Enough prepared statements for every distinct hot-path text; a bound so that odd texts cannot grow it. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * One holder at a time of the single SQLite connection's transaction scope. Prisma's SQLite adapter serialises only
 * its own transactions; a statement issued meanwhile by anyone else would run inside them (one connection), and be
 * rolled back with them. Everything on the connection passes this gate instead.
 */
export class SerialGate {
  private tail: Promise<void> = Promise.resolve();

  /** Waits for the gate; the returned function opens it again. */
  async acquire(): Promise<() => void> {
    let open!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (open = resolve));
    await previous;
    return open;
  }

  async run<T>(work: () => Promise<T> | T): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/**
 * Prisma's better-sqlite3 adapter with every statement and transaction passing the gate, and its connection shared
 * with the direct statements (`connection()`).
 */
export class GatedSqliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = 'sqlite';
  readonly adapterName: string;
  private opened: Promise<SqlDriverAdapter> | undefined;

  constructor(
    private readonly inner: SqlDriverAdapterFactory,
    readonly gate: SerialGate,
  ) {
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.open();
    const { gate } = this;
    return {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      queryRaw: (query) => gate.run(() => adapter.queryRaw(query)),
      executeRaw: (query) => gate.run(() => adapter.executeRaw(query)),
      executeScript: (script) => gate.run(() => adapter.executeScript(script)),
      startTransaction: async (isolationLevel) => {
        const release = await gate.acquire();
        try {
          return releasingOnEnd(await adapter.startTransaction(isolationLevel), release);
        } catch (error) {
          release();
          throw error;
        }
      },
      ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
      dispose: async () => {
        this.opened = undefined;
        await adapter.dispose();
      },
    };
  }

  /** The better-sqlite3 connection Prisma uses (opened on first need). */
  async connection(): Promise<Database> {
    // The adapter keeps its driver connection as `client`; it is the one connection of this database.
    return ((await this.open()) as unknown as { client: Database }).client;
  }

  private open(): Promise<SqlDriverAdapter> {
    this.opened ??= this.inner.connect();
    return this.opened;
  }
}

function releasingOnEnd(transaction: Transaction, release: () => void): Transaction {
  return {
    provider: transaction.provider,
    adapterName: transaction.adapterName,
    options: transaction.options,
    queryRaw: (query) => transaction.queryRaw(query),
    executeRaw: (query) => transaction.executeRaw(query),
    commit: () => transaction.commit().finally(release),
    rollback: () => transaction.rollback().finally(release),
  };
}

/** Values as Prisma's SQLite adapter binds them: booleans as 0/1, timestamps as ISO text with an explicit offset. */
function sqliteValue(value: TSqlValue): string | number | bigint | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString().replace('Z', '+00:00');
  return value;
}

export class SqliteSql implements TSql {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly factory: GatedSqliteAdapterFactory) {}

  async query<T extends object>(sql: string, params: readonly TSqlValue[] = []): Promise<T[]> {
    const database = await this.factory.connection();
    return this.factory.gate.run(() => this.rows<T>(database, sql, params));
  }

  async execute(sql: string, params: readonly TSqlValue[] = []): Promise<number> {
    const database = await this.factory.connection();
    return this.factory.gate.run(() => this.changes(database, sql, params));
  }

  async transaction<T>(work: (tx: TSqlExecutor) => Promise<T>): Promise<T> {
    const database = await this.factory.connection();
    return this.factory.gate.run(async () => {
      // IMMEDIATE takes the write lock up front: waiting for another writer happens here, not halfway through.
      this.statement(database, 'BEGIN IMMEDIATE').run();
      const tx: TSqlExecutor = {
        query: async <R extends object>(sql: string, params: readonly TSqlValue[] = []) => this.rows<R>(database, sql, params),
        execute: async (sql, params = []) => this.changes(database, sql, params),
      };
      try {
        const result = await work(tx);
        this.statement(database, 'COMMIT').run();
        return result;
      } catch (error) {
        if (database.inTransaction) this.statement(database, 'ROLLBACK').run();
        throw error;
      }
    });
  }

  private rows<T>(database: Database, sql: string, params: readonly TSqlValue[]): T[] {
    return this.statement(database, sql).all(...params.map(sqliteValue)) as T[];
  }

  private changes(database: Database, sql: string, params: readonly TSqlValue[]): number {
    return this.statement(database, sql).run(...params.map(sqliteValue)).changes;
  }

  private statement(database: Database, sql: string): Statement {
    let statement = this.statements.get(sql);
    // A reopened connection (after $disconnect) invalidates the statements of the old one.
    if (statement && statement.database !== database) {
      this.statements.clear();
      statement = undefined;
    }
    if (!statement) {
      statement = database.prepare(sql);
      // Prisma's adapter switches the connection to BigInt integers; these statements read plain numbers.
      if (statement.reader) statement.safeIntegers(false);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** `timestamp(3)` holds UTC (Prisma writes it so); pg would read it as local time. */
const UTC_TIMESTAMP_TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.TIMESTAMP
      ? (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Values as pg should send them: a timestamp as UTC text (a Date would go out in the machine's local time). */
function postgresValue(value: TSqlValue): string | number | bigint | boolean | null {
  return value instanceof Date ? value.toISOString() : value;
}

export class PostgresSql implements TSql {
  /** SQL text → [PostgreSQL text with $n placeholders, prepared-statement name]. */
  private readonly texts = new Map<string, [string, string]>();
  private named = 0;

  constructor(private readonly pool: pg.Pool) {}

  query<T extends object>(sql: string, params: readonly TSqlValue[] = []): Promise<T[]> {
    return this.run<T>(this.pool, sql, params).then((result) => result.rows);
  }

  execute(sql: string, params: readonly TSqlValue[] = []): Promise<number> {
    return this.run(this.pool, sql, params).then((result) => result.rowCount ?? 0);
  }

  async transaction<T>(work: (tx: TSqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work({
        query: <R extends object>(sql: string, params: readonly TSqlValue[] = []) => this.run<R>(client, sql, params).then((r) => r.rows),
        execute: (sql, params = []) => this.run(client, sql, params).then((r) => r.rowCount ?? 0),
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // A connection that cannot even roll back is not given back to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private run<T extends object>(client: pg.Pool | pg.PoolClient, sql: string, params: readonly TSqlValue[]): Promise<pg.QueryResult<T>> {
    let prepared = this.texts.get(sql);
    if (!prepared) {
      let index = 0;
      prepared = [sql.replace(/\?/g, () => `$${++index}`), `meethuis_${++this.named}`];
      if (this.texts.size >= STATEMENT_CACHE_SIZE) this.texts.delete(this.texts.keys().next().value!);
      this.texts.set(sql, prepared);
    }
    return client.query<T>({ text: prepared[0], name: prepared[1], values: params.map(postgresValue), types: UTC_TIMESTAMP_TYPES });
  }
}
