import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerStore } from '../../src/scoring/answerStore';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { seedBasics } from '../support/fixtures';

let database: TTestDatabase;
let basics: Awaited<ReturnType<typeof seedBasics>>;

beforeAll(async () => {
  database = await createTestDatabase();
  basics = await seedBasics(database.prisma);
});
afterAll(() => database.destroy());

const stateKeys = async () => (await database.prisma.botState.findMany({ select: { key: true } })).map((row) => row.key).sort();

describe('the direct statements beside Prisma (src/db/sql.ts)', () => {
  it('store timestamps and booleans the way Prisma reads them, and read back what Prisma wrote', async () => {
    const startedAt = new Date('2026-03-10T23:30:00.123Z');
    const store = new AnswerStore(database, () => startedAt);
    const response = await store.startResponse({
      surveyVersionId: basics.surveyVersion.id,
      organisationId: basics.demo.id,
      chatChannel: 'webchat',
      language: 'nl',
      source: 'self',
      residentKey: 'resident-sql',
      conversationKey: 'conversation-sql',
    });
    await store.recordAnswer(response.id, { questionKey: 'ease', measure: 'ease', dontKnow: true });

    const viaPrisma = await database.prisma.response.findUniqueOrThrow({ where: { id: response.id }, include: { answers: true } });
    expect(viaPrisma.startedAt.toISOString()).toBe(startedAt.toISOString());
    expect(viaPrisma.answers[0]).toMatchObject({ questionKey: 'ease', dontKnow: true, skipped: false, value: null });

    const writtenByPrisma = new Date('2026-01-02T03:04:05.678Z');
    await database.prisma.response.update({ where: { id: response.id }, data: { completedAt: writtenByPrisma } });
    const [row] = await database.sql.query<{ completedAt: Date | string }>(`SELECT "completedAt" FROM "Response" WHERE "id" = ?`, [response.id]);
    expect(new Date(row!.completedAt).toISOString()).toBe(writtenByPrisma.toISOString());
  });

  it('commit a transaction whose work resolves and roll back one whose work throws', async () => {
    await database.sql.transaction((tx) =>
      tx.execute(`INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (?, '{}', 'e', ?)`, ['tx/kept', new Date()]),
    );
    await expect(
      database.sql.transaction(async (tx) => {
        await tx.execute(`INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (?, '{}', 'e', ?)`, ['tx/dropped', new Date()]);
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await stateKeys()).toEqual(expect.arrayContaining(['tx/kept']));
    expect(await stateKeys()).not.toContain('tx/dropped');
  });

  it('run statements sent without waiting in order, and commit them with the transaction', async () => {
    const insert = `INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (?, '{}', 'e', ?)`;
    await database.sql.transaction(async (tx) => {
      tx.send(insert, ['sent/first', new Date()]);
      tx.send(`UPDATE "BotState" SET "document" = ? WHERE "key" = ?`, ['{"step":2}', 'sent/first']);
    });
    const [row] = await database.sql.query<{ document: string }>(`SELECT "document" FROM "BotState" WHERE "key" = ?`, ['sent/first']);
    expect(JSON.parse(row!.document)).toEqual({ step: 2 });
  });

  it('roll back the whole transaction when a sent statement fails, and report that failure rather than what followed it', async () => {
    const insert = `INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (?, '{}', 'e', ?)`;
    await database.sql.execute(insert, ['sent/taken', new Date()]);
    await expect(
      database.sql.transaction(async (tx) => {
        tx.send(insert, ['sent/dropped', new Date()]);
        tx.send(insert, ['sent/taken', new Date()]);
        // On PostgreSQL this is refused because the transaction already failed; the caller hears of the key clash.
        await tx.query(`SELECT "key" FROM "BotState" WHERE "key" = ?`, ['sent/dropped']);
      }),
    ).rejects.toThrow(/unique|duplicate/i);
    expect(await stateKeys()).not.toContain('sent/dropped');
    // The connection is usable again afterwards.
    expect(await database.sql.query(`SELECT "key" FROM "BotState" WHERE "key" = ?`, ['sent/taken'])).toEqual([{ key: 'sent/taken' }]);
  });

  it('never let a statement from elsewhere join a Prisma transaction that is open, and be rolled back with it', async () => {
    let inside!: () => void;
    const transactionOpen = new Promise<void>((resolve) => (inside = resolve));
    const failing = database.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES ('gate/rolled-back', '{}', 'e', ${new Date()})`;
      inside();
      // Give the other writers every chance to run while the transaction is open.
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error('rolled back on purpose');
    });
    await transactionOpen;
    const direct = database.sql.execute(`INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (?, '{}', 'e', ?)`, [
      'gate/direct',
      new Date(),
    ]);
    const prismaOutside = database.prisma.$executeRaw`
      INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES ('gate/prisma', '{}', 'e', ${new Date()})`;
    await expect(failing).rejects.toThrow('rolled back on purpose');
    await Promise.all([direct, prismaOutside]);

    const keys = await stateKeys();
    expect(keys).toEqual(expect.arrayContaining(['gate/direct', 'gate/prisma']));
    expect(keys).not.toContain('gate/rolled-back');
  });

  it('keep working after Prisma disconnected and connected again', async () => {
    await database.sql.query(`SELECT "key" FROM "BotState" WHERE "key" = ?`, ['tx/kept']);
    await database.prisma.$disconnect();
    const rows = await database.sql.query<{ key: string }>(`SELECT "key" FROM "BotState" WHERE "key" = ?`, ['tx/kept']);
    expect(rows).toEqual([{ key: 'tx/kept' }]);
    expect(await database.prisma.botState.count({ where: { key: 'tx/kept' } })).toBe(1);
  });
});
