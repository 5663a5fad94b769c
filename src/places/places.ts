import { randomUUID } from 'node:crypto';
import type { TDatabase, TPrisma } from '../db/client';
import { withLease } from '../db/lease';
import { cellKeyOf, type TCellDimensions } from '../scoring/answerStore';
import { placeNames } from '../organisations/model';

/** Where a location from before places were checked goes: one value, so no free text lives on in the figures. */
export const UNKNOWN_LOCATION = 'unknown';

/** The lease the rollup fold holds: moving cells while deltas are folded would fold them into a removed cell. */
const FOLD_LEASE = 'rollup-fold';

/** An organisation's places, as a page may name them: by slug or by name, in any case. */
export class PlaceDirectory {
  constructor(private readonly prisma: TPrisma) {}

  /**
   * The place's name (what a response stores) when `given` names one of the organisation's places in use — by slug,
   * by name or by its name in any language; else undefined. A retired place is no longer accepted.
   */
  async resolve(organisationSlug: string, given: string): Promise<string | undefined> {
    const wanted = given.trim().toLocaleLowerCase('nl');
    const places = await this.prisma.place.findMany({
      where: { organisation: { slug: organisationSlug }, retiredAt: null },
      select: { slug: true, name: true, names: true },
    });
    const named = (place: { name: string; names: string }) =>
      [place.name, ...Object.values(placeNames(place))].some((name) => name.toLocaleLowerCase('nl') === wanted);
    return places.find((place) => place.slug === wanted || named(place))?.name;
  }
}

/**
 * Once places are checked, a stored location that is no place of its organisation becomes "unknown": in the
 * responses, and in the rollups, whose cells are merged in code — raw answers past retention are gone, so the
 * figures cannot be recomputed from them. The old cell's days become pending deltas of the "unknown" cell in the
 * same transaction that removes them, so every figure stays exact throughout; the fold then adds them up.
 * Runs at start-up under the fold's lease; doing it twice changes nothing.
 */
export async function moveUnknownLocations(database: Pick<TDatabase, 'prisma' | 'sql'>, owner = `places-${randomUUID()}`): Promise<{ responses: number; cells: number }> {
  const { prisma, sql } = database;
  const moved = { responses: 0, cells: 0 };
  for (let attempt = 0; attempt < 60; attempt++) {
    const ran = await withLease(prisma, FOLD_LEASE, owner, 60_000, async () => {
      const known = new Map<string, Set<string>>();
      for (const place of await prisma.place.findMany({ select: { organisationId: true, name: true } })) {
        known.set(place.organisationId, (known.get(place.organisationId) ?? new Set()).add(place.name));
      }
      const isPlace = (organisationId: string, location: string) => location === UNKNOWN_LOCATION || (known.get(organisationId)?.has(location) ?? false);

      const stray = await prisma.response.findMany({ where: { location: { not: null } }, distinct: ['organisationId', 'location'], select: { organisationId: true, location: true } });
      for (const { organisationId, location } of stray) {
        if (location === null || isPlace(organisationId, location)) continue;
        const { count } = await prisma.response.updateMany({ where: { organisationId, location }, data: { location: UNKNOWN_LOCATION } });
        moved.responses += count;
      }

      const cells = await prisma.rollupCell.findMany({ where: { location: { notIn: ['', UNKNOWN_LOCATION] } } });
      for (const { id, cellKey: _old, ...dimensions } of cells) {
        if (isPlace(dimensions.organisationId, dimensions.location)) continue;
        await mergeCellInto(sql, id, { ...dimensions, location: UNKNOWN_LOCATION });
        moved.cells += 1;
      }
    });
    if (ran) return moved;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('could not take the rollup lease to move unknown locations');
}

async function mergeCellInto(sql: TDatabase['sql'], from: string, target: TCellDimensions): Promise<void> {
  const cellKey = cellKeyOf(target);
  await sql.transaction(async (tx) => {
    await tx.execute(
      `INSERT INTO "RollupCell" ("id", "cellKey", "organisationId", "serviceSlug", "contactChannel", "chatChannel", "language",
         "location", "surveyId", "surveyVersion", "leadTimeBand", "contactCountBand")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("cellKey") DO NOTHING`,
      [randomUUID(), cellKey, target.organisationId, target.serviceSlug, target.contactChannel, target.chatChannel, target.language,
        target.location, target.surveyId, target.surveyVersion, target.leadTimeBand, target.contactCountBand],
    );
    const [cell] = await tx.query<{ id: string }>(`SELECT "id" FROM "RollupCell" WHERE "cellKey" = ?`, [cellKey]);
    if (!cell) throw new Error(`rollup cell ${cellKey} vanished`);
    // Whole days, not months: a month is the sum of its days, and the fold rebuilds both from the deltas.
    const now = new Date();
    for (const { day, stats } of await tx.query<{ day: string; stats: string }>(`SELECT "day", "stats" FROM "RollupDay" WHERE "cellId" = ?`, [from])) {
      tx.send(`INSERT INTO "RollupDelta" ("cellId", "day", "stats", "createdAt") VALUES (?, ?, ?, ?)`, [cell.id, day, stats, now]);
    }
    await tx.execute(`UPDATE "RollupDelta" SET "cellId" = ? WHERE "cellId" = ?`, [cell.id, from]);
    await tx.execute(`DELETE FROM "RollupDay" WHERE "cellId" = ?`, [from]);
    await tx.execute(`DELETE FROM "RollupMonth" WHERE "cellId" = ?`, [from]);
    await tx.execute(`DELETE FROM "RollupCell" WHERE "id" = ?`, [from]);
  });
}
