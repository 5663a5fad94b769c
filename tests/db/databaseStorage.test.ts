import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client';
import { ETagConflictError, DatabaseStorage } from '../../src/db/databaseStorage';
import { createTestDatabase, type TTestDatabase } from '../support/database';

let database: TTestDatabase;
let storage: DatabaseStorage;

beforeAll(async () => {
  database = await createTestDatabase();
  storage = new DatabaseStorage(database.sql);
});
afterAll(() => database.destroy());

describe('DatabaseStorage', () => {
  it('reads back what was written, with an eTag', async () => {
    await storage.write({ 'conv/1': { dialogStack: ['survey'], step: 2 } });
    const items = await storage.read(['conv/1', 'conv/unknown']);
    expect(items['conv/1']).toMatchObject({ dialogStack: ['survey'], step: 2 });
    expect(typeof items['conv/1']!.eTag).toBe('string');
    expect(items['conv/unknown']).toBeUndefined();
  });

  it('accepts a write with the current eTag and gives the document a new one', async () => {
    await storage.write({ 'conv/2': { step: 1 } });
    const first = (await storage.read(['conv/2']))['conv/2']!;
    await storage.write({ 'conv/2': { ...first, step: 2 } });
    const second = (await storage.read(['conv/2']))['conv/2']!;
    expect(second.step).toBe(2);
    expect(second.eTag).not.toBe(first.eTag);
  });

  it('rejects a write with a stale eTag and keeps the newer document', async () => {
    await storage.write({ 'conv/3': { step: 1 } });
    const stale = (await storage.read(['conv/3']))['conv/3']!;
    await storage.write({ 'conv/3': { ...stale, step: 2 } });
    await expect(storage.write({ 'conv/3': { ...stale, step: 99 } })).rejects.toBeInstanceOf(ETagConflictError);
    expect((await storage.read(['conv/3']))['conv/3']!.step).toBe(2);
  });

  it('overwrites whatever is stored when the eTag is *', async () => {
    await storage.write({ 'conv/4': { step: 1 } });
    await storage.write({ 'conv/4': { step: 7, eTag: '*' } });
    expect((await storage.read(['conv/4']))['conv/4']!.step).toBe(7);
  });

  it('lets exactly one of two concurrent writers with the same eTag win', async () => {
    await storage.write({ 'conv/race': { winner: 'none' } });
    const shared = (await storage.read(['conv/race']))['conv/race']!;
    // Two storages on two connections, as two replicas would have.
    const second = openDatabase(database.url);
    try {
      const results = await Promise.allSettled([
        storage.write({ 'conv/race': { ...shared, winner: 'a' } }),
        new DatabaseStorage(second.sql).write({ 'conv/race': { ...shared, winner: 'b' } }),
      ]);
      const fulfilled = results.filter((result) => result.status === 'fulfilled');
      const rejected = results.filter((result) => result.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(ETagConflictError);
      const stored = (await storage.read(['conv/race']))['conv/race']!;
      expect(stored.winner).toBe(results[0].status === 'fulfilled' ? 'a' : 'b');
    } finally {
      await second.close();
    }
  });

  it('deletes documents', async () => {
    await storage.write({ 'conv/5': { step: 1 } });
    await storage.delete(['conv/5']);
    expect(await storage.read(['conv/5'])).toEqual({});
  });
});
