import type { TConfig } from '../config';
import type { TLogger } from '../log';
import { openDatabase, type TDatabase } from './client';
import { migrate } from './migrate';
import { seedOrganisations } from './seed';

/** Opens the configured database and brings it up to date: pending migrations, then the idempotent seed. */
export async function bootstrapDatabase(config: TConfig, logger: TLogger): Promise<TDatabase> {
  const database = openDatabase(config.DATABASE_URL);
  const applied = await migrate(database);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  await seedOrganisations(database.prisma);
  return database;
}
