import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { z } from 'zod';
import type { TPrisma } from './client';

/** A write lost the optimistic-concurrency race: another replica changed the document first. */
export class ETagConflictError extends Error {
  override name = 'ETagConflictError';
  constructor(readonly key: string) {
    super(`state document ${key} was changed by another writer (stale eTag)`);
  }
}

const ZStateDocument = z.record(z.string(), z.unknown());

/**
 * botbuilder conversation and user state kept in the database, so any replica can serve any turn.
 * Semantics follow botbuilder's own stores: no eTag or `*` overwrites; a given eTag must match the stored one,
 * checked and written in one conditional UPDATE so that of two racing writers exactly one wins.
 */
export class PrismaStorage implements Storage {
  constructor(private readonly prisma: TPrisma) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.prisma.botState.findMany({ where: { key: { in: keys } }, select: { key: true, document: true, eTag: true } });
    const items: StoreItems = {};
    for (const row of rows) {
      items[row.key] = { ...ZStateDocument.parse(JSON.parse(row.document)), eTag: row.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag: expected, ...content } = (item ?? {}) as Record<string, unknown> & { eTag?: unknown };
      const document = JSON.stringify(content);
      const eTag = randomUUID();
      if (typeof expected !== 'string' || expected === '*' || expected === '') {
        await this.prisma.botState.upsert({ where: { key }, create: { key, document, eTag }, update: { document, eTag } });
        continue;
      }
      const { count } = await this.prisma.botState.updateMany({ where: { key, eTag: expected }, data: { document, eTag } });
      if (count === 1) continue;
      // Like botbuilder's stores, an eTag for a document that no longer exists creates it; a mismatch is a conflict.
      const exists = await this.prisma.botState.findUnique({ where: { key }, select: { key: true } });
      if (exists) throw new ETagConflictError(key);
      try {
        await this.prisma.botState.create({ data: { key, document, eTag } });
      } catch {
        throw new ETagConflictError(key);
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.prisma.botState.deleteMany({ where: { key: { in: keys } } });
  }
}
