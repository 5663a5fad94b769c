import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TDatabaseProvider } from '../config';
import type { TDatabase } from './client';

const MIGRATIONS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../prisma/migrations');
const BOOKKEEPING = '_meethuis_migrations';
// Any constant: replicas starting at once take this advisory lock so one of them migrates.
const POSTGRES_MIGRATION_LOCK = 724_001;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface TMigration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(provider: TDatabaseProvider, dir = MIGRATIONS_DIR): TMigration[] {
  const folder = join(dir, provider);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(folder, file), 'utf8');
      return { name: file.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Prisma's generated DDL, one statement at a time: both driver adapters run a single statement per call.
 * The generated files hold no semicolons inside literals, so splitting at line-ending semicolons is exact.
 */
export function statementsOf(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) =>
      statement
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter(Boolean);
}

/**
 * Applies pending migrations in order, each in its own transaction, and records them. One path for both
 * databases: Prisma's own `migrate deploy` cannot run on PostgreSQL here without its native engine.
 * Returns the names applied.
 */
export async function migrate({ prisma, provider, postgresSchema }: TDatabase, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = listMigrations(provider, dir);
  if (postgresSchema) await prisma.$executeRawUnsafe(`CREATE SCHEMA IF NOT EXISTS "${postgresSchema}"`);
  await prisma.$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS "${BOOKKEEPING}" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)`,
  );
  const applied: string[] = [];
  await prisma.$transaction(
    async (tx) => {
      if (provider === 'postgresql') await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${POSTGRES_MIGRATION_LOCK})`);
      const rows = await tx.$queryRawUnsafe<{ name: string; checksum: string }[]>(
        `SELECT "name", "checksum" FROM "${BOOKKEEPING}"`,
      );
      const done = new Map(rows.map((row) => [row.name, row.checksum]));
      for (const migration of migrations) {
        const recorded = done.get(migration.name);
        if (recorded !== undefined) {
          if (recorded !== migration.checksum) {
            throw new MigrationError(`migration ${migration.name} was changed after it was applied; add a new one instead`);
          }
          continue;
        }
        for (const statement of statementsOf(migration.sql)) await tx.$executeRawUnsafe(statement);
        const values = provider === 'postgresql' ? '$1, $2, $3' : '?, ?, ?';
        await tx.$executeRawUnsafe(
          `INSERT INTO "${BOOKKEEPING}" ("name", "checksum", "appliedAt") VALUES (${values})`,
          migration.name,
          migration.checksum,
          new Date().toISOString(),
        );
        applied.push(migration.name);
      }
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
  return applied;
}
