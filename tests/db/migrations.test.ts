import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TDatabase } from '../../src/db/client';
import { listMigrations, migrate, statementsOf } from '../../src/db/migrate';
import { createTestDatabase, testProvider, type TTestDatabase } from '../support/database';

/** The database structure as comparable text: tables, columns, indexes and constraints, without our bookkeeping. */
async function structureOf(database: TDatabase): Promise<string[]> {
  if (database.provider === 'sqlite') {
    const rows = await database.prisma.$queryRawUnsafe<{ type: string; name: string; sql: string | null }[]>(
      `SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_meethuis_%' ORDER BY type, name`,
    );
    return rows.map((row) => `${row.type} ${row.name}: ${(row.sql ?? '').replace(/\s+/g, ' ')}`);
  }
  const schema = database.postgresSchema!;
  const columns = await database.prisma.$queryRawUnsafe<{ line: string }[]>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
       FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name NOT LIKE '\\_meethuis\\_%' ORDER BY 1`,
  );
  const indexes = await database.prisma.$queryRawUnsafe<{ line: string }[]>(
    `SELECT replace(indexdef, '${schema}.', '') AS line FROM pg_indexes WHERE schemaname = '${schema}' AND tablename NOT LIKE '\\_meethuis\\_%' ORDER BY 1`,
  );
  const constraints = await database.prisma.$queryRawUnsafe<{ line: string }[]>(
    `SELECT conrelid::regclass::text || ' ' || conname || ' ' || replace(pg_get_constraintdef(oid), '${schema}.', '') AS line
       FROM pg_constraint WHERE connamespace = '${schema}'::regnamespace AND conname NOT LIKE '\\_meethuis\\_%' ORDER BY 1`,
  );
  return [...columns, ...indexes, ...constraints].map((row) => row.line.replace(`"${schema}".`, ''));
}

describe('migrations', () => {
  let migrated: TTestDatabase;
  let fromScratch: TTestDatabase;

  beforeAll(async () => {
    migrated = await createTestDatabase();
    // A second database built straight from the current models, bypassing the migration files.
    fromScratch = await createTestDatabase(testProvider(), { migrated: false });
    const { prisma, provider } = fromScratch;
    const sql = execFileSync(process.execPath, ['scripts/prisma.mjs', 'sql', provider], { encoding: 'utf8' });
    for (const statement of statementsOf(sql)) await prisma.$executeRawUnsafe(statement);
  }, 120_000);
  afterAll(async () => {
    await migrated?.destroy();
    await fromScratch?.destroy();
  });

  it('were generated from the current models (run `npm run db:migration -- NAME` after changing prisma/schema.prisma)', () => {
    expect(readFileSync('prisma/schema.prisma', 'utf8')).toBe(readFileSync('prisma/migrations/schema.snapshot.prisma', 'utf8'));
  });

  it(`build the same ${testProvider()} structure as the models describe`, async () => {
    expect(await structureOf(migrated)).toEqual(await structureOf(fromScratch));
  });

  it('apply nothing twice when run again', async () => {
    expect(await migrate(migrated)).toEqual([]);
  });

  it('refuse to start when an applied migration file was edited afterwards', async () => {
    const [first] = listMigrations(migrated.provider);
    await migrated.prisma.$executeRawUnsafe(`UPDATE "_meethuis_migrations" SET "checksum" = 'edited' WHERE "name" = '${first!.name}'`);
    await expect(migrate(migrated)).rejects.toThrow(/was changed after it was applied/);
  });
});
