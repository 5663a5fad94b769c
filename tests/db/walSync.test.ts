import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client';
import { GatedSqliteAdapterFactory, SerialGate, SqliteSql, WalSync, walFileSync } from '../../src/db/sql';

/** A WAL sync the test finishes by hand: `syncs` are the ones started, each with its own finish. */
function manualSync() {
  const syncs: { finish: () => void; fail: (error: Error) => void }[] = [];
  let automatic = false;
  const sync = () =>
    automatic
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          syncs.push({ finish: resolve, fail: reject });
        });
  return { syncs, sync, finishAllFromNowOn: () => (automatic = true) };
}

/** Whether a promise has settled by the time everything already queued has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

const dirs: string[] = [];
function databaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meethuis-wal-'));
  dirs.push(dir);
  return join(dir, 'wal.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SQLite reports a write done only once its commit is on disk (WalSync)', () => {
  it('waits for a sync that began after the commit: one already running does not count', async () => {
    const { syncs, sync } = manualSync();
    const walSync = new WalSync(sync);
    const first = walSync.afterCommit();
    const second = walSync.afterCommit();
    expect(syncs).toHaveLength(1);
    syncs[0]!.finish();
    await first;
    expect(await settled(second)).toBe(false);
    expect(syncs).toHaveLength(2);
    syncs[1]!.finish();
    await second;
  });

  it('lets the commits made while one sync runs share the next one', async () => {
    const { syncs, sync } = manualSync();
    const walSync = new WalSync(sync);
    const running = walSync.afterCommit();
    const waiting = [walSync.afterCommit(), walSync.afterCommit(), walSync.afterCommit()];
    syncs[0]!.finish();
    await running;
    await new Promise((resolve) => setImmediate(resolve));
    expect(syncs).toHaveLength(2);
    syncs[1]!.finish();
    await Promise.all(waiting);
    expect(syncs).toHaveLength(2);
  });

  it('fails the writes that waited for a sync that failed, and syncs afresh for the next write', async () => {
    const { syncs, sync } = manualSync();
    const walSync = new WalSync(sync);
    const failing = walSync.afterCommit();
    syncs[0]!.fail(new Error('EIO: i/o error, fdatasync'));
    await expect(failing).rejects.toThrow('EIO');
    const next = walSync.afterCommit();
    expect(syncs).toHaveLength(2);
    syncs[1]!.finish();
    await expect(next).resolves.toBeUndefined();
  });

  it('holds a direct write and a Prisma write until the WAL is synced, without holding the statements after them', async () => {
    const file = databaseFile();
    const { syncs, sync, finishAllFromNowOn } = manualSync();
    const factory = new GatedSqliteAdapterFactory(new PrismaBetterSQLite3({ url: file }), new SerialGate(), new WalSync(sync));
    const sql = new SqliteSql(factory);
    const creating = sql.execute('CREATE TABLE "Note" ("id" INTEGER PRIMARY KEY, "text" TEXT NOT NULL)');
    await new Promise((resolve) => setImmediate(resolve));
    syncs[0]!.finish();
    await creating;

    const direct = sql.execute('INSERT INTO "Note" ("text") VALUES (?)', ['direct']);
    const prisma = await factory.connect();
    const viaPrisma = prisma.executeRaw({ sql: `INSERT INTO "Note" ("text") VALUES ('prisma')`, args: [], argTypes: [] });
    // Reads go on meanwhile, and see both rows: they are committed, only not yet reported durable.
    expect(await sql.query('SELECT "text" FROM "Note" ORDER BY "id"')).toEqual([{ text: 'direct' }, { text: 'prisma' }]);
    expect(await settled(direct)).toBe(false);
    expect(await settled(viaPrisma)).toBe(false);
    finishAllFromNowOn();
    for (const pending of syncs.splice(1)) pending.finish();
    await expect(direct).resolves.toBe(1);
    await expect(viaPrisma).resolves.toBe(1);
    await prisma.dispose();
  });

  it('runs the connection in WAL mode with synchronous NORMAL, and syncs the WAL file the commits go to', async () => {
    const file = databaseFile();
    const database = openDatabase(`file:${file}`);
    try {
      await database.sql.execute('CREATE TABLE "Note" ("id" INTEGER PRIMARY KEY)');
      expect(await database.sql.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await database.sql.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
      expect(existsSync(`${file}-wal`)).toBe(true);
      await expect(walFileSync(file)()).resolves.toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
