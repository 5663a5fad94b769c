import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { turnKeysOf } from '../../src/privacy/residentKeys';
import { startConnectorStub } from '../channels/support';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { createTestDatabase, testProvider, type TTestDatabase } from '../support/database';
import { startTcpProxy, type TTcpProxy } from '../support/tcpProxy';
import { TeamsResident, textsOf, questionOf } from '../support/teams';

let running: TTestApp[] = [];
let proxy: TTcpProxy | undefined;
let connector: Awaited<ReturnType<typeof startConnectorStub>> | undefined;
afterEach(async () => {
  proxy?.restore();
  for (const app of running.reverse()) await app.stop();
  running = [];
  await proxy?.close();
  await connector?.close();
  proxy = undefined;
});

async function storedAnswers(app: TTestApp, resident: TeamsResident) {
  const { conversationKey } = turnKeysOf(TEST_SECRETS.HASH_SECRET, { channelId: 'msteams', from: resident.user, conversation: resident.conversation });
  const rows = await app.database.prisma.answer.findMany({ where: { response: { conversationKey } }, orderBy: { answeredAt: 'asc' } });
  return rows.map((row) => [row.questionKey, row.value]);
}

/** Makes the database unavailable to the service until the returned function restores it. */
async function takeDatabaseAway(app: TTestApp): Promise<() => void> {
  if (testProvider() === 'postgresql') {
    proxy!.cut();
    return () => proxy!.restore();
  }
  // Another process's writer holds the SQLite file: nothing can be written until it lets go.
  const other = new Database(app.database.url.slice('file:'.length));
  other.exec('BEGIN EXCLUSIVE');
  return () => {
    other.exec('ROLLBACK');
    other.close();
  };
}

describe('a database outage in the middle of a conversation', () => {
  it('tells the resident kindly in their language, answers 503 on /healthz, and stores the answer exactly once when it is back', async () => {
    const { chat, survey } = textsOf('pap');
    connector = await startConnectorStub();
    if (testProvider() === 'postgresql') proxy = await startTcpProxy('127.0.0.1', 5432);
    const port = proxy?.port;
    const app = await startTestApp({ SERVICE_URL_ALLOWLIST: '127.0.0.1' }, port ? (url) => url.replace(':5432/', `:${port}/`) : undefined);
    running.push(app);
    const resident = new TeamsResident(connector, 'pap-BQ');

    expect((await resident.open(app.url)).replies.at(-1)).toBe(chat.consent!.question);
    expect(questionOf((await resident.say(app.url, chat.buttons!.yes!)).replies.at(-1))).toBe(survey.questions!.satisfaction);
    expect(questionOf((await resident.say(app.url, '4')).replies.at(-1))).toBe(survey.questions!.effort);

    const restore = await takeDatabaseAway(app);
    let duringOutage;
    try {
      duringOutage = await resident.say(app.url, '6');
      expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
    } finally {
      restore();
    }
    expect(duringOutage.replies.length).toBeGreaterThan(0);
    expect([chat.error!.general, chat.error!.notSaved]).toContain(duringOutage.replies.at(-1));
    expect(duringOutage.replies.map(questionOf)).not.toContain(survey.questions!.ease);

    await expect.poll(async () => (await fetch(`${app.url}/healthz`)).status, { timeout: 20_000 }).toBe(200);
    // The resident answers again, as they were asked to: stored once, and the survey goes on.
    expect(questionOf((await resident.say(app.url, '6')).replies.at(-1))).toBe(survey.questions!.ease);
    expect(await storedAnswers(app, resident)).toEqual([
      ['satisfaction', 4],
      ['effort', 6],
    ]);
  });
});

describe('two replicas on one database', () => {
  it('serve one Teams conversation alternately with consistent state, every answer stored once', async () => {
    const { chat, survey } = textsOf('en');
    connector = await startConnectorStub();
    const first = await startTestApp({ SERVICE_URL_ALLOWLIST: '127.0.0.1' });
    running.push(first);
    const second = await startTestApp({ SERVICE_URL_ALLOWLIST: '127.0.0.1' }, () => first.database.url);
    running.push(second);
    const replicas = [first.url, second.url];
    const resident = new TeamsResident(connector, 'en-US');

    await resident.open(replicas[0]!);
    const script: [string, string][] = [
      [chat.buttons!.yes!, survey.questions!.satisfaction!],
      ['5', survey.questions!.effort!],
      ['seven', survey.questions!.ease!],
      ['4', survey.questions!.speed!],
      ['3', survey.questions!.clarity!],
    ];
    for (const [index, [say, expected]] of script.entries()) {
      const { replies } = await resident.say(replicas[(index + 1) % 2]!, say);
      expect(questionOf(replies.at(-1))).toBe(expected);
    }
    expect(await storedAnswers(first, resident)).toEqual([
      ['satisfaction', 5],
      ['effort', 7],
      ['ease', 4],
      ['speed', 3],
    ]);
  });
});

/** A free loopback port for a service process of our own. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `npm start`'s entry point as a process of its own, on the given database; resolves once /healthz answers 200. */
async function startReplicaProcess(databaseUrl: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', '--disable-warning=DEP0111', 'src/main.ts'], {
    env: { ...process.env, ...TEST_SECRETS, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SERVICE_URL_ALLOWLIST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  await expect
    .poll(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status, { timeout: 30_000, interval: 200 })
    .toBe(200);
  return { url, process: child };
}

describe('a replica killed mid-survey', () => {
  let database: TTestDatabase | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await database?.destroy();
  });

  it('leaves nothing behind that a fresh process needs: the conversation goes on where it was', async () => {
    const { chat, survey } = textsOf('nl');
    connector = await startConnectorStub();
    database = await createTestDatabase();
    const resident = new TeamsResident(connector, 'nl-NL');

    const doomed = await startReplicaProcess(database.url);
    children.push(doomed.process);
    await resident.open(doomed.url);
    await resident.say(doomed.url, chat.buttons!.yes!);
    expect(questionOf((await resident.say(doomed.url, 'vier')).replies.at(-1))).toBe(survey.questions!.effort);
    doomed.process.kill('SIGKILL');
    await new Promise((resolve) => doomed.process.once('exit', resolve));

    const fresh = await startReplicaProcess(database.url);
    children.push(fresh.process);
    expect(questionOf((await resident.say(fresh.url, '6')).replies.at(-1))).toBe(survey.questions!.ease);
    const rows = await database.prisma.answer.findMany({ orderBy: { answeredAt: 'asc' } });
    expect(rows.map((row) => [row.questionKey, row.value])).toEqual([
      ['satisfaction', 4],
      ['effort', 6],
    ]);
  }, 90_000);
});
