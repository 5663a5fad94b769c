import type { TDb } from '../db/client';

/**
 * The minimum group size figures about these organisations are protected by: the largest of the service-wide minimum
 * and every involved organisation's own (null: every organisation, as a benchmark or an unfiltered report involves).
 */
export async function minimumGroupSizeOf(db: TDb, serviceMinimum: number, organisationIds: readonly string[] | null): Promise<number> {
  const rows = await db.organisation.findMany({
    where: { minGroupSize: { not: null }, ...(organisationIds ? { id: { in: [...organisationIds] } } : {}) },
    select: { minGroupSize: true },
  });
  return Math.max(serviceMinimum, ...rows.map((row) => row.minGroupSize ?? 0));
}
