import type { TConfig } from '../config';
import type { TLogger } from '../log';
import { openDatabase, type TDatabase } from './client';
import { migrate } from './migrate';
import { seedOrganisations } from './seed';
import { moveUnknownLocations } from '../places/places';

/**
 * Opens the configured database and brings it up to date: pending migrations, the idempotent seed, then stored
 * locations that name none of their organisation's places become "unknown".
 */
export async function bootstrapDatabase(config: TConfig, logger: TLogger): Promise<TDatabase> {
  const database = openDatabase(config.DATABASE_URL);
  const applied = await migrate(database);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  await seedOrganisations(database.prisma);
  const moved = await moveUnknownLocations(database);
  if (moved.responses > 0 || moved.cells > 0) logger.info(moved, 'locations that are no known place moved to "unknown"');
  return database;
}
