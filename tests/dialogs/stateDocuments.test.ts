import { TestAdapter, TurnContext, type StoreItems } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashedStateDocuments } from '../../src/bots/stateDocuments';
import { DatabaseStorage } from '../../src/db/databaseStorage';
import type { TSqlTransaction } from '../../src/db/sql';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { TEST_SECRETS } from '../support/app';

/** The real storage, counting the documents it is asked to write. */
class CountingStorage extends DatabaseStorage {
  written: string[] = [];
  override async write(changes: StoreItems, within?: TSqlTransaction): Promise<void> {
    this.written.push(...Object.keys(changes));
    return super.write(changes, within);
  }
}

let database: TTestDatabase;
let storage: CountingStorage;
beforeAll(async () => {
  database = await createTestDatabase();
  storage = new CountingStorage(database.sql);
});
afterAll(() => database.destroy());

function turn(conversationId: string): TurnContext {
  return new TurnContext(new TestAdapter(), {
    type: 'message',
    channelId: 'msteams',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'resident-1', name: '' },
    recipient: { id: 'bot', name: '' },
  });
}

describe('state documents (conversation and resident state in the database)', () => {
  it('keep what a turn set for the next turn, under a keyed hash of the conversation id', async () => {
    const { conversation } = hashedStateDocuments(storage, TEST_SECRETS.HASH_SECRET);
    const counter = conversation.property<{ turns: number }>('counter');
    const first = turn('conversation-kept');
    (await counter.get(first, { turns: 0 })).turns += 1;
    await conversation.save(first);
    const second = turn('conversation-kept');
    expect(await counter.get(second)).toEqual({ turns: 1 });

    const keys = (await database.prisma.botState.findMany({ select: { key: true } })).map((row) => row.key);
    expect(keys.some((key) => key.startsWith('conversation/'))).toBe(true);
    expect(keys.join(' ')).not.toContain('conversation-kept');
  });

  it('are not written when the turn changed nothing, and are written when it did', async () => {
    const { conversation } = hashedStateDocuments(storage, TEST_SECRETS.HASH_SECRET);
    const step = conversation.property<string>('step');
    const setUp = turn('conversation-unchanged');
    await step.set(setUp, 'consent');
    await conversation.save(setUp);

    storage.written = [];
    const reading = turn('conversation-unchanged');
    expect(await step.get(reading)).toBe('consent');
    await conversation.save(reading);
    expect(storage.written).toEqual([]);

    const changing = turn('conversation-unchanged');
    await step.set(changing, 'questions');
    await conversation.save(changing);
    expect(storage.written).toHaveLength(1);
  });

  it('hand out a copy of a default value, so the caller’s object never becomes the state', async () => {
    const { conversation } = hashedStateDocuments(storage, TEST_SECRETS.HASH_SECRET);
    const answers = conversation.property<Record<string, number>>('answers');
    const defaults: Record<string, number> = {};
    const context = turn('conversation-defaults');
    (await answers.get(context, defaults)).ease = 4;
    expect(defaults).toEqual({});
    expect(await answers.get(context)).toEqual({ ease: 4 });
  });

  it('tell where the turn began even after the turn changed them (the error log names that dialog stack)', async () => {
    const { conversation } = hashedStateDocuments(storage, TEST_SECRETS.HASH_SECRET);
    const step = conversation.property<string>('step');
    const setUp = turn('conversation-began');
    await step.set(setUp, 'question 3');
    await conversation.save(setUp);

    const failing = turn('conversation-began');
    await step.set(failing, 'question 4');
    expect(conversation.asRead(failing)).toEqual({ step: 'question 3' });
  });
});
