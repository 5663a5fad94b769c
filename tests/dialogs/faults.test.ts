import { Writable } from 'node:stream';
import type { StoreItems } from 'botbuilder';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abandonSweepJob } from '../../src/bots/abandonSweep';
import { DatabaseStorage } from '../../src/db/databaseStorage';
import type { TSqlTransaction } from '../../src/db/sql';
import { AnswerStore, type TGivenAnswer, type TStoredAnswer } from '../../src/scoring/answerStore';
import { createBotWorld, play, Resident, type TBotWorld, type TExpected } from './support';

const q = (key: string): TExpected => `survey:questions.${key}`;

/** The answer store with a database that drops out: the next writes fail the way Prisma fails, query arguments in the message. */
class FlakyAnswerStore extends AnswerStore {
  failures = 0;
  override async recordAnswers(responseId: string, given: readonly TGivenAnswer[], alongside?: (tx: TSqlTransaction) => Promise<void>): Promise<TStoredAnswer[]> {
    if (this.failures > 0) {
      this.failures -= 1;
      const error = new Error(`Invalid \`prisma.answer.upsert()\` invocation: Can't reach database server. Arguments: ${JSON.stringify(given)}`);
      Object.assign(error, { code: 'P1001', name: 'PrismaClientKnownRequestError' });
      throw error;
    }
    return super.recordAnswers(responseId, given, alongside);
  }
}

/** Bot state storage whose next writes fail (the database went away between the answer and the state). */
class FlakyStorage extends DatabaseStorage {
  failures = 0;
  override async write(changes: StoreItems, within?: TSqlTransaction): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'P1017' });
    }
    return super.write(changes, within);
  }
}

const logLines: string[] = [];
const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _encoding, done) => void (logLines.push(String(chunk)), done()) }));

let world: TBotWorld;
let answers: FlakyAnswerStore;
let storage: FlakyStorage;
beforeAll(async () => {
  world = await createBotWorld();
  answers = new FlakyAnswerStore(world.database);
  storage = new FlakyStorage(world.database.sql);
  world.bot = world.replica({ answers, storage, logger });
});
afterAll(async () => world?.destroy());

async function answersOf(resident: Resident) {
  const rows = await world.database.prisma.answer.findMany({
    where: { response: { conversationKey: resident.keys.conversationKey } },
    orderBy: { answeredAt: 'asc' },
  });
  return rows.map((row) => [row.questionKey, row.value ?? row.text ?? (row.skipped ? 'skipped' : 'dontKnow')]);
}

describe('a database fault during a turn', () => {
  it('tells the resident an answer whose write failed was not saved, shows no next question, and takes the same answer once the database is back', async () => {
    const resident = new Resident(world.bot, { locale: 'nl' });
    await resident.open();
    await play(resident, 'nl', [['ja', [q('satisfaction')]], ['4', [q('effort')]]]);
    answers.failures = 1;
    await play(resident, 'nl', [['6', ['error.notSaved']]]);
    expect(await answersOf(resident)).toEqual([['satisfaction', 4]]);
    await play(resident, 'nl', [['6', [q('ease')]]]);
    expect(await answersOf(resident)).toEqual([
      ['satisfaction', 4],
      ['effort', 6],
    ]);
  });

  it('stores an answer together with the state: when the state cannot be saved, neither is, and the retried answer is stored once', async () => {
    const resident = new Resident(world.bot, { locale: 'en' });
    await resident.open();
    await play(resident, 'en', [['yes', [q('satisfaction')]]]);
    storage.failures = 1;
    // The conversation could not move on, so the answer was not kept either: the resident hears so, and is not shown the next question.
    await play(resident, 'en', [['3', ['error.notSaved']]]);
    expect(await answersOf(resident)).toEqual([]);
    await play(resident, 'en', [['3', [q('effort')]]]);
    expect(await answersOf(resident)).toEqual([['satisfaction', 3]]);
    const rows = await world.database.prisma.answer.findMany({ where: { response: { conversationKey: resident.keys.conversationKey } } });
    expect(rows).toHaveLength(1);
  });

  it('answers in the resident’s language and logs the dialog stack and error code, never what the resident wrote', async () => {
    const resident = new Resident(world.bot, { context: { language: 'pap' } });
    await resident.open();
    await play(resident, 'pap', [['si', [q('satisfaction')]], ...(['effort', 'ease', 'speed', 'clarity', 'seriousness', 'empathy', 'thinkingAlong', 'reliability', 'trust', 'humaneness', 'improvement'] as const).map(
      (next): [string, TExpected[]] => ['Salta', [q(next)]],
    )]);
    logLines.length = 0;
    answers.failures = 1;
    await play(resident, 'pap', [['Mi keho sekreto: Kaya Grandi 12', ['error.notSaved']]]);
    const logged = logLines.join('\n');
    expect(logged).toContain('survey turn failed');
    expect(logged).toContain('P1001');
    expect(logged).toMatch(/"dialogStack":\["selfStarted","questions","question"\]/);
    expect(logged).not.toMatch(/sekreto|Kaya Grandi/);
    await play(resident, 'pap', [['Mi keho sekreto: Kaya Grandi 12', ['closing.thanks']]]);
  });

  it('throws an error without the query’s arguments when not even the kind answer can be sent', async () => {
    let channelDown = false;
    const resident = new Resident(world.bot, { locale: 'en' });
    const deliver = resident.adapter.sendActivities.bind(resident.adapter);
    resident.adapter.sendActivities = async (context, activities) => {
      if (channelDown) throw new Error('channel unreachable');
      return deliver(context, activities);
    };
    await resident.open();
    await play(resident, 'en', [['yes', [q('satisfaction')]]]);
    answers.failures = 1;
    channelDown = true;
    const failure = await resident.say('4').then(
      () => undefined,
      (error: unknown) => error,
    );
    channelDown = false;
    expect(failure).toMatchObject({ name: 'SurveyTurnError', code: 'P1001' });
    // The store's message carried the query's arguments; the error the channel gets does not.
    expect(String((failure as Error).message)).not.toMatch(/questionKey|"value"/);
  });
});

describe('abandoned responses', () => {
  it('are marked by the leased sweep after ABANDON_AFTER_HOURS, keep their answers, and come back in progress when the resident continues', async () => {
    const resident = new Resident(world.bot, { locale: 'nl' });
    await resident.open();
    await play(resident, 'nl', [['ja', [q('satisfaction')]], ['5', [q('effort')]]]);
    const { prisma } = world.database;
    const where = { conversationKey: resident.keys.conversationKey };

    const now = new Date();
    await abandonSweepJob(prisma, world.answers, 24, 'replica-a', () => new Date(now.getTime() + 23 * 3_600_000)).run();
    expect((await prisma.response.findFirstOrThrow({ where })).status).toBe('in-progress');
    await abandonSweepJob(prisma, world.answers, 24, 'replica-a', () => new Date(now.getTime() + 25 * 3_600_000)).run();
    expect((await prisma.response.findFirstOrThrow({ where })).status).toBe('abandoned');
    expect(await prisma.jobLease.findUnique({ where: { name: 'abandon-sweep' } })).not.toBeNull();

    // The resident comes back to the same conversation a day later, mid-question: offered to continue where they were.
    resident.bot = world.replica({ clock: () => new Date(now.getTime() + 25 * 3_600_000) });
    await play(resident, 'nl', [
      ['hallo', ['resume.offer']],
      ['ja', ['resume.resumed', q('effort')]],
    ]);
    expect((await prisma.response.findFirstOrThrow({ where })).status).toBe('in-progress');
    expect(await answersOf(resident)).toEqual([['satisfaction', 5]]);
  });

  it('are left alone when another replica holds the sweep’s lease', async () => {
    const { prisma } = world.database;
    await prisma.jobLease.upsert({
      where: { name: 'abandon-sweep' },
      create: { name: 'abandon-sweep', owner: 'replica-b', expiresAt: new Date(Date.now() + 60_000) },
      update: { owner: 'replica-b', expiresAt: new Date(Date.now() + 60_000) },
    });
    const resident = new Resident(world.bot, { locale: 'nl' });
    await resident.open();
    await play(resident, 'nl', [['ja', [q('satisfaction')]], ['5', [q('effort')]]]);
    await abandonSweepJob(prisma, world.answers, 1, 'replica-a', () => new Date(Date.now() + 48 * 3_600_000)).run();
    expect((await prisma.response.findFirstOrThrow({ where: { conversationKey: resident.keys.conversationKey } })).status).toBe('in-progress');
  });
});
