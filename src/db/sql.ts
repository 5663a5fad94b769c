import type { Database, Statement } from 'better-sqlite3';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
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

/** The statements of one transaction. */
export interface TSqlTransaction extends TSqlExecutor {
  /**
   * Issues a statement whose result the work does not need. It runs in order with the others; a failure fails the
   * transaction, which then rolls back. On PostgreSQL it is pipelined: sent at once, not waited for, so several
   * such statements and the COMMIT share one round trip.
   */
  send(sql: string, params?: readonly TSqlValue[]): void;
}

export interface TSql extends TSqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it (or a sent statement) fails.
   * `work` uses `tx` only: on SQLite the transaction holds the connection's gate, so a Prisma call inside it would
   * wait for itself. Statements issued without waiting in between (`send`, or queries awaited together) are
   * pipelined on PostgreSQL.
   */
  transaction<T>(work: (tx: TSqlTransaction) => Promise<T>): Promise<T>;
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
 * Makes SQLite commits durable without blocking the main thread. The connection runs in WAL mode with
 * `synchronous = NORMAL`, so a COMMIT only hands its WAL frames to the operating system (about 15 µs here, against
 * 250–600 µs for the fsync of `FULL`, during which better-sqlite3 would hold the event loop). Before a write is
 * reported as stored, `afterCommit` waits for an fdatasync of the WAL file that started after the commit, on
 * libuv's thread pool: what `FULL` promises, and one sync serves every commit made while the previous one ran.
 */
export class WalSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly syncWal: () => Promise<void>) {}

  /** Resolves once a sync that began after this call has finished; rejects if that sync failed. */
  afterCommit(): Promise<void> {
    if (!this.running) return this.start();
    // The running sync may have begun before the caller's commit: wait for the one after it.
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<void> {
    const run: Promise<void> = this.syncWal().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}

/** fdatasync of a database's WAL file; none there means nothing is waiting in it (it is checkpointed and gone). */
export function walFileSync(databaseFile: string): () => Promise<void> {
  const wal = `${databaseFile}-wal`;
  return async () => {
    let handle;
    try {
      handle = await open(wal, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  };
}

/**
 * Prisma's better-sqlite3 adapter with every statement and transaction passing the gate, its connection shared with
 * the direct statements (`connection()`), and its writes reported done once durable (WalSync).
 */
export class GatedSqliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = 'sqlite';
  readonly adapterName: string;
  private opened: Promise<SqlDriverAdapter> | undefined;

  constructor(
    private readonly inner: SqlDriverAdapterFactory,
    readonly gate: SerialGate,
    readonly walSync: WalSync,
  ) {
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.open();
    const { gate, walSync } = this;
    const durable = async <T>(result: T): Promise<T> => {
      await walSync.afterCommit();
      return result;
    };
    return {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      // Prisma writes through queryRaw too (INSERT … RETURNING); only plain reads need not wait for the disk.
      queryRaw: async (query) => {
        const result = await gate.run(() => adapter.queryRaw(query));
        return /^\s*SELECT\b/i.test(query.sql) ? result : durable(result);
      },
      executeRaw: async (query) => durable(await gate.run(() => adapter.executeRaw(query))),
      executeScript: async (script) => durable(await gate.run(() => adapter.executeScript(script))),
      startTransaction: async (isolationLevel) => {
        const release = await gate.acquire();
        try {
          return releasingOnEnd(await adapter.startTransaction(isolationLevel), release, walSync);
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
    this.opened ??= this.inner.connect().then((adapter) => {
      // Before anything else runs on the connection. WAL: readers (the KPI API, polls) never wait for a writing turn;
      // NORMAL with WalSync: commits reach the disk off the main thread.
      const database = (adapter as unknown as { client: Database }).client;
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      // Deleted rows are overwritten with zeros, not merely unlinked: erasure must remove the bytes, not only the rows.
      database.pragma('secure_delete = ON');
      return adapter;
    });
    return this.opened;
  }
}

function releasingOnEnd(transaction: Transaction, release: () => void, walSync: WalSync): Transaction {
  return {
    provider: transaction.provider,
    adapterName: transaction.adapterName,
    options: transaction.options,
    queryRaw: (query) => transaction.queryRaw(query),
    executeRaw: (query) => transaction.executeRaw(query),
    commit: async () => {
      await transaction.commit().finally(release);
      await walSync.afterCommit();
    },
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
    const [rows, wrote] = await this.factory.gate.run(() => [this.rows<T>(database, sql, params), !this.statement(database, sql).readonly] as const);
    if (wrote) await this.factory.walSync.afterCommit();
    return rows;
  }

  async execute(sql: string, params: readonly TSqlValue[] = []): Promise<number> {
    const database = await this.factory.connection();
    const changes = await this.factory.gate.run(() => this.changes(database, sql, params));
    // Outside the gate: the next statement need not wait while this one's commit reaches the disk.
    await this.factory.walSync.afterCommit();
    return changes;
  }

  async transaction<T>(work: (tx: TSqlTransaction) => Promise<T>): Promise<T> {
    const database = await this.factory.connection();
    return this.factory.gate.run(async () => {
      // IMMEDIATE takes the write lock up front: waiting for another writer happens here, not halfway through.
      this.statement(database, 'BEGIN IMMEDIATE').run();
      const tx: TSqlTransaction = {
        query: async <R extends object>(sql: string, params: readonly TSqlValue[] = []) => this.rows<R>(database, sql, params),
        execute: async (sql, params = []) => this.changes(database, sql, params),
        send: (sql, params = []) => void this.changes(database, sql, params),
      };
      try {
        const result = await work(tx);
        this.statement(database, 'COMMIT').run();
        return result;
      } catch (error) {
        if (database.inTransaction) this.statement(database, 'ROLLBACK').run();
        throw error;
      }
    }).then(async (result) => {
      await this.factory.walSync.afterCommit();
      return result;
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
      : (pg.types.getTypeParser(oid, format as 'text') as (text: string) => unknown)) as typeof pg.types.getTypeParser,
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

  /**
   * The pool's clients run in pg's pipeline mode: every statement the work issues goes out at once, BEGIN with the
   * first ones and COMMIT with the last, so a transaction costs the round trips its work waits for, not one per
   * statement. Once one statement fails, PostgreSQL refuses the rest and turns COMMIT into a rollback; the first
   * failure is what the caller gets.
   */
  async transaction<T>(work: (tx: TSqlTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const writesOnce = batchedWrites(client);
    const issued: Promise<unknown>[] = [];
    const issue = <R>(start: () => Promise<R>): Promise<R> => {
      writesOnce();
      const statement = start();
      // Observed here so that a failure nobody awaits yet is not an unhandled rejection; firstFailure reports it.
      statement.catch(() => {});
      issued.push(statement);
      return statement;
    };
    let broken: Error | undefined;
    try {
      void issue(() => client.query('BEGIN'));
      const result = await work({
        query: <R extends object>(sql: string, params: readonly TSqlValue[] = []) => issue(() => this.run<R>(client, sql, params)).then((r) => r.rows),
        execute: (sql, params = []) => issue(() => this.run(client, sql, params)).then((r) => r.rowCount ?? 0),
        send: (sql, params = []) => void issue(() => this.run(client, sql, params)),
      });
      void issue(() => client.query('COMMIT'));
      const failure = await firstFailure(issued);
      if (failure) throw failure.reason;
      return result;
    } catch (error) {
      const failure = await firstFailure(issued);
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // A connection that cannot even roll back is not given back to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw failure ? failure.reason : error;
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

/**
 * Returns a function that holds the client's socket writes until the current tick ends (Node's cork/uncork): the
 * statements issued together then leave in one system call instead of one each (20–35 µs of system call apiece in this VM's CPU profiles).
 */
function batchedWrites(client: pg.PoolClient): () => void {
  // pg keeps its socket on the client's connection; the typings leave it out.
  const socket = (client as unknown as { connection?: { stream?: Writable } }).connection?.stream;
  let corked = false;
  return () => {
    if (corked || !socket) return;
    corked = true;
    socket.cork();
    process.nextTick(() => {
      corked = false;
      socket.uncork();
    });
  };
}

/** The earliest of the statements that failed: the later ones only report that the transaction was aborted. */
async function firstFailure(statements: readonly Promise<unknown>[]): Promise<PromiseRejectedResult | undefined> {
  const outcomes = await Promise.allSettled(statements);
  return outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
}
