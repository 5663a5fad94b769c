import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { z } from 'zod';
import { placeholders, type TSql, type TSqlTransaction } from './sql';

/** A write lost the optimistic-concurrency race: another replica changed the document first. */
export class ETagConflictError extends Error {
  override name = 'ETagConflictError';
  constructor(readonly key: string) {
    super(`state document ${key} was changed by another writer (stale eTag)`);
  }
}

const ZStateDocument = z.record(z.string(), z.unknown());

/** A botbuilder Storage whose writes can join a transaction: the bot saves a turn's state with its answers. */
export interface TStateStorage extends Storage {
  write(changes: StoreItems, within?: TSqlTransaction): Promise<void>;
}

/**
 * botbuilder conversation and user state kept in the database, so any replica can serve any turn.
 * Semantics follow botbuilder's own stores: no eTag or `*` overwrites; a given eTag must match the stored one,
 * checked and written in one conditional UPDATE so that of two racing writers exactly one wins.
 *
 * Every turn reads and writes here, so it runs on the direct statements of src/db/sql.ts.
 */
export class DatabaseStorage implements TStateStorage {
  constructor(private readonly sql: TSql) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.sql.query<{ key: string; document: string; eTag: string }>(
      `SELECT "key", "document", "eTag" FROM "BotState" WHERE "key" IN (${placeholders(keys.length)})`,
      keys,
    );
    const items: StoreItems = {};
    for (const row of rows) {
      items[row.key] = { ...ZStateDocument.parse(JSON.parse(row.document)), eTag: row.eTag };
    }
    return items;
  }

  /** `within`: a transaction to write in (committed by its owner); by default each document commits on its own. */
  async write(changes: StoreItems, within?: TSqlTransaction): Promise<void> {
    const sql = within ?? this.sql;
    for (const [key, item] of Object.entries(changes)) {
      const { eTag: expected, ...content } = (item ?? {}) as Record<string, unknown> & { eTag?: unknown };
      const document = JSON.stringify(content);
      const eTag = randomUUID();
      const now = new Date();
      if (typeof expected !== 'string' || expected === '*' || expected === '') {
        const upsert = `INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (?, ?, ?, ?)
           ON CONFLICT ("key") DO UPDATE SET "document" = excluded."document", "eTag" = excluded."eTag", "updatedAt" = excluded."updatedAt"`;
        // Nothing to check: within a transaction it goes out with the COMMIT.
        if (within) within.send(upsert, [key, document, eTag, now]);
        else await this.sql.execute(upsert, [key, document, eTag, now]);
        continue;
      }
      const updated = await sql.execute(
        `UPDATE "BotState" SET "document" = ?, "eTag" = ?, "updatedAt" = ? WHERE "key" = ? AND "eTag" = ?`,
        [document, eTag, now, key, expected],
      );
      if (updated === 1) continue;
      // Like botbuilder's stores, an eTag for a document that no longer exists creates it; a mismatch is a conflict.
      const created = await sql.execute(
        `INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (?, ?, ?, ?) ON CONFLICT ("key") DO NOTHING`,
        [key, document, eTag, now],
      );
      if (created !== 1) throw new ETagConflictError(key);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.sql.execute(`DELETE FROM "BotState" WHERE "key" IN (${placeholders(keys.length)})`, keys);
  }
}
