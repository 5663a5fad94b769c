import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase, type TDatabase } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import type { TDatabaseProvider } from '../../src/config';

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** The database this vitest project runs against (see vitest.config.ts). */
export function testProvider(): TDatabaseProvider {
  return process.env.MEETHUIS_TEST_DATABASE === 'postgresql' ? 'postgresql' : 'sqlite';
}

export interface TTestDatabase extends TDatabase {
  url: string;
  /** Closes the connection and removes the file or schema. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database of this project's kind: a SQLite file in a temporary folder, or a PostgreSQL
 * schema of its own, so test files (and developers' parallel runs) never see each other's rows.
 */
export async function createTestDatabase(
  provider: TDatabaseProvider = testProvider(),
  { migrated = true }: { migrated?: boolean } = {},
): Promise<TTestDatabase> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'meethuis-test-'));
    url = `file:${join(dir, 'test.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const target = new URL(TEST_POSTGRES_URL);
    target.searchParams.set('schema', schema);
    url = target.toString();
    cleanup = async () => {
      const admin = openDatabase(TEST_POSTGRES_URL);
      try {
        await admin.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.close();
      }
    };
  }
  const database = openDatabase(url);
  if (migrated) await migrate(database);
  else if (database.postgresSchema) await database.prisma.$executeRawUnsafe(`CREATE SCHEMA "${database.postgresSchema}"`);
  return {
    ...database,
    url,
    destroy: async () => {
      await database.close();
      await cleanup();
    },
  };
}
