import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TDatabaseProvider } from '../src/config';
import type { TBenchContext, TBenchmark } from './registry';
import { createBenchDatabase } from './support';

/**
 * Memory: the server process (`dist/main.js`, as `npm start` runs it) with 1,000 open conversations —
 * each welcomed, consented and one question answered — must stay under 250 MB resident, because conversation
 * state lives in the database, not in the process.
 */

const CONVERSATIONS = 1000;
/** `npm start`'s own command line (its Node flags included), so the figure is the one a deployment gets. */
const START_ARGUMENTS = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(/\s+/)
  .slice(1);
const CONCURRENCY = 20;
const YES = (JSON.parse(readFileSync(new URL('../locales/nl/chat.json', import.meta.url), 'utf8')) as { buttons: { yes: string } }).buttons.yes;

/** VmRSS and VmHWM (the peak) of a process, in MB, from /proc. */
function residentMb(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

async function runOn(db: TDatabaseProvider, context: TBenchContext): Promise<void> {
  const conversations = context.quick ? 200 : CONVERSATIONS;
  const bench = await createBenchDatabase(db, context.postgresUrl);
  const connector = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"id":"1"}');
    });
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', () => resolve()));
  const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;

  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  const server = spawn(process.execPath, START_ARGUMENTS, {
    env: {
      ...process.env,
      DATABASE_URL: bench.url,
      HASH_SECRET: bench.config.HASH_SECRET,
      ENCRYPTION_KEY: bench.config.ENCRYPTION_KEY,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SERVICE_URL_ALLOWLIST: '127.0.0.1',
      // The measured process holds the benchmark's conversations only: no sample data, no developer's .env.
      DEMO_DATA: 'off',
      ENV_FILE: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let attempt = 0; ; attempt++) {
      const health = await fetch(`${url}/healthz`).catch(() => undefined);
      if (health?.status === 200) break;
      if (attempt > 300) throw new Error('the server did not start within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const idle = residentMb(server.pid!);
    let next = 0;
    const send = (conversation: number, sequence: number, activity: Record<string, unknown>) =>
      fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          channelId: 'msteams',
          serviceUrl,
          id: `m-${conversation}-${sequence}`,
          from: { id: `29:memory-${conversation}` },
          recipient: { id: '28:bot' },
          conversation: { id: `a:memory-${conversation}`, conversationType: 'personal' },
          locale: 'nl-NL',
          ...activity,
        }),
      }).then((response) => {
        if (response.status !== 200) throw new Error(`turn answered ${response.status}`);
        return response.arrayBuffer();
      });
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let conversation = next++; conversation < conversations; conversation = next++) {
          await send(conversation, 1, { type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }, { id: `29:memory-${conversation}` }] });
          await send(conversation, 2, { type: 'message', text: YES });
          await send(conversation, 3, { type: 'message', text: '4' });
        }
      }),
    );
    const open = await bench.database.prisma.response.count({ where: { status: 'in-progress' } });
    const loaded = residentMb(server.pid!);
    context.log(`memory on ${db}: ${open} open conversations, server RSS ${idle.rssMb} MB idle → ${loaded.rssMb} MB (peak ${loaded.peakMb} MB)`);
    context.report({ name: 'memory', db, conversations: open, idleRssMb: idle.rssMb, rssMb: loaded.rssMb, peakRssMb: loaded.peakMb, limitMb: 250 });
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await new Promise<void>((resolve) => connector.close(() => resolve()));
    await bench.destroy();
  }
}

const benchmark: TBenchmark = {
  name: 'memory',
  async run(context) {
    // The process `npm start` runs: the compiled service on plain Node.
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    for (const db of context.databases) await runOn(db, context);
  },
};
export default benchmark;
