import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityHandler, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { BotEndpointAdapter, serviceUrlAllowlist } from '../src/bots/adapter';
import { conversationKeyOf } from '../src/privacy/residentKeys';
import type { TDatabaseProvider } from '../src/config';
import { registerBotEndpoint } from '../src/http/messages';
import { createHttpServer } from '../src/http/server';
import { createLogger } from '../src/log';
import type { TBenchContext, TBenchmark } from './registry';
import { createBenchDatabase, seededRandom, startBenchApp } from './support';

/**
 * Turn throughput and latency: C residents at once drive `POST /api/messages` for D seconds on a minimal
 * echo bot on the same stack (restify + CloudAdapter, no storage) — the physical limit — and for D seconds on the
 * survey bot with its real storage. Afterwards every answer a resident sent is looked up: stored exactly once?
 */

const CHAT = JSON.parse(readFileSync(new URL('../locales/nl/chat.json', import.meta.url), 'utf8')) as {
  buttons: { yes: string; dontKnow: string; skip: string };
  closing: { thanks: string };
  error: { general: string; notSaved: string };
};

interface TReply {
  text: string;
  values: string[];
}

/** The channel's connector service on loopback: records each reply under the activity it answers. */
async function startConnector(): Promise<{ url: string; replies: Map<string, TReply[]>; received: () => number; close(): Promise<void> }> {
  const replies = new Map<string, TReply[]>();
  let received = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const replyTo = decodeURIComponent((req.url ?? '').split('/activities/')[1] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Partial<Activity>;
      const values = (body.suggestedActions?.actions ?? []).map((action) => String(action.value));
      received += 1;
      const list = replies.get(replyTo) ?? [];
      list.push({ text: body.text ?? '', values });
      replies.set(replyTo, list);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"id":"1"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    replies,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The same stack without the survey: restify, our JSON boundary and CloudAdapter; the bot echoes. */
async function startEchoBot(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createHttpServer({ logger: createLogger('silent'), maxBodyBytes: 64 * 1024, bodyTimeoutMs: 10_000, trustProxy: () => false });
  const adapter = new BotEndpointAdapter(new ConfigurationBotFrameworkAuthentication({}));
  // Like the survey bot, it greets a new conversation and answers every message with one reply.
  const bot = new ActivityHandler();
  bot.onMembersAdded(async (context, next) => {
    await context.sendActivity({ type: 'message', text: 'echo: welcome' });
    await next();
  });
  bot.onMessage(async (context, next) => {
    await context.sendActivity({ type: 'message', text: `echo: ${context.activity.text ?? ''}` });
    await next();
  });
  registerBotEndpoint(http, { adapter, bot, allowlist: serviceUrlAllowlist(['127.0.0.1'], true), loopbackOnly: true });
  await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(http.server.address()).port}`,
    close: () => new Promise<void>((resolve) => http.server.close(() => resolve())),
  };
}

interface TLoadResult {
  turns: number;
  seconds: number;
  latencies: number[];
  errors: number;
  /** Turns the bot answered with "something went wrong, please try again". */
  retried: number;
  /** Per conversation id: the answers the bot acknowledged (by asking the next question), in order. */
  sent: Map<string, (number | string)[]>;
}

function emptyLoad(): TLoadResult {
  return { turns: 0, seconds: 0, latencies: [], errors: 0, retried: 0, sent: new Map() };
}

function addLoad(total: TLoadResult, slice: TLoadResult): void {
  total.turns += slice.turns;
  total.seconds += slice.seconds;
  total.latencies.push(...slice.latencies);
  total.errors += slice.errors;
  total.retried += slice.retried;
  for (const [conversationId, answers] of slice.sent) total.sent.set(conversationId, answers);
}

/**
 * C residents, each in its own conversations, one turn at a time, for D seconds. A resident answers what the last
 * reply asks: consent with its yes button, a scale with one of its number buttons, an open question with text.
 */
async function drive(botUrl: string, connector: Awaited<ReturnType<typeof startConnector>>, residents: number, seconds: number, tag: string): Promise<TLoadResult> {
  const random = seededRandom(7);
  const latencies: number[] = [];
  const sent = new Map<string, (number | string)[]>();
  let turns = 0;
  let errors = 0;
  let retried = 0;
  const deadline = performance.now() + seconds * 1000;

  const resident = async (index: number) => {
    let conversationNumber = 0;
    while (performance.now() < deadline) {
      const conversationId = `a:${tag}-${index}-${++conversationNumber}`;
      const answers: (number | string)[] = [];
      sent.set(conversationId, answers);
      let pending: number | string | undefined;
      let sequence = 0;
      let next: { type: string; text?: string } = { type: 'conversationUpdate' };
      while (performance.now() < deadline) {
        const id = `${conversationId}:${++sequence}`;
        const activity = {
          ...next,
          ...(next.type === 'conversationUpdate' ? { membersAdded: [{ id: '28:bot' }, { id: `29:${tag}-${index}` }] } : {}),
          channelId: 'msteams',
          serviceUrl: connector.url,
          id,
          from: { id: `29:${tag}-${index}` },
          recipient: { id: '28:bot' },
          conversation: { id: conversationId, conversationType: 'personal' },
          locale: 'nl-NL',
        };
        const started = performance.now();
        const response = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity) });
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        turns += 1;
        if (response.status !== 200) {
          errors += 1;
          continue;
        }
        const reply = connector.replies.get(id)?.at(-1);
        connector.replies.delete(id);
        if (!reply) break;
        if (reply.text === CHAT.error.general || reply.text === CHAT.error.notSaved) {
          // The bot said the answer was not taken: the resident gives it again, as they were asked to.
          retried += 1;
          continue;
        }
        // The bot moved on to another question: the answer just given was taken.
        if (pending !== undefined) answers.push(pending);
        pending = undefined;
        if (reply.values.includes(CHAT.buttons.yes)) next = { type: 'message', text: CHAT.buttons.yes };
        else if (scalePoints(reply.values) >= 2) {
          // A scale: the resident types a digit. Middle-to-high scores: a low satisfaction would open the
          // call-back questions, a different flow.
          const points = scalePoints(reply.values);
          const lowest = Math.ceil(points / 2) + 1;
          pending = lowest + Math.floor(random() * (points - lowest + 1));
          next = { type: 'message', text: String(pending) };
        } else if (reply.text === CHAT.closing.thanks) {
          break; // the survey is done: the resident starts a new conversation
        } else {
          pending = `Het ging vlot, bedankt (${index}).`;
          next = { type: 'message', text: pending };
        }
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: residents }, (_, index) => resident(index)));
  return { turns, seconds: (performance.now() - started) / 1000, latencies, errors, retried, sent };
}

/** A scale's points are its buttons other than "don't know" and "skip"; an open question has none of its own. */
function scalePoints(values: string[]): number {
  return values.filter((value) => value !== CHAT.buttons.dontKnow && value !== CHAT.buttons.skip).length;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * The two bots take turns in slices, so that both meet the machine in the same state: on a shared VM its speed
 * drifts by up to 2× within minutes, and one bot measured after the other would carry that drift into the ratio.
 */
const SLICES = 4;
/** After each slice the service's background jobs (the rollup fold runs every second) finish what it left, unmeasured. */
const SETTLE_MS = 1500;

async function runOn(db: TDatabaseProvider, context: TBenchContext): Promise<void> {
  const residents = 50;
  const seconds = context.quick ? 5 : 20;
  const slices = context.quick ? 2 : SLICES;
  const connector = await startConnector();
  const echo = await startEchoBot();
  const bench = await createBenchDatabase(db, context.postgresUrl);
  bench.config.SERVICE_URL_ALLOWLIST = ['127.0.0.1'];
  const { app, url } = await startBenchApp(bench);
  const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  try {
    // Each bot is warmed up before it is measured, so neither pays for the JIT compiling the shared stack.
    const warmUpSeconds = context.quick ? 1 : 3;
    await drive(echo.url, connector, residents, warmUpSeconds, 'echo-warm-up');
    await drive(url, connector, residents, warmUpSeconds, `survey-warm-up-${db}`);
    await settle();

    const echoLoad = emptyLoad();
    const surveyLoad = emptyLoad();
    let echoReplies = 0;
    let surveyReplies = 0;
    for (let slice = 1; slice <= slices; slice++) {
      const echoBefore = connector.received();
      addLoad(echoLoad, await drive(echo.url, connector, residents, seconds / slices, `echo-${slice}`));
      echoReplies += connector.received() - echoBefore;
      await settle();
      const surveyBefore = connector.received();
      addLoad(surveyLoad, await drive(url, connector, residents, seconds / slices, `survey-${db}-${slice}`));
      surveyReplies += connector.received() - surveyBefore;
      await settle();
    }
    // Answers are stored within the turn; give in-flight work nothing to hide behind before counting.
    let lost = 0;
    let duplicated = 0;
    let answers = 0;
    for (const [conversationId, sentAnswers] of surveyLoad.sent) {
      if (sentAnswers.length === 0) continue;
      const conversationKey = conversationKeyOf(bench.config.HASH_SECRET, 'msteams', conversationId);
      const rows = await bench.database.prisma.answer.findMany({
        where: { response: { conversationKey }, skipped: false },
        orderBy: { answeredAt: 'asc' },
        select: { value: true, text: true },
      });
      const stored = rows.map((row) => row.value ?? row.text);
      answers += sentAnswers.length;
      const matched = sentAnswers.filter((answer, index) => stored[index] === answer).length;
      if (process.env.BENCH_DEBUG && matched < sentAnswers.length) context.log(`${conversationId}: sent ${JSON.stringify(sentAnswers)} stored ${JSON.stringify(stored)}`);
      lost += sentAnswers.length - matched;
      duplicated += Math.max(0, stored.length - sentAnswers.length);
    }
    const surveyTurnsPerSec = surveyLoad.turns / surveyLoad.seconds;
    const echoTurnsPerSec = echoLoad.turns / echoLoad.seconds;
    context.log(
      `turns on ${db}: echo ${echoTurnsPerSec.toFixed(0)}/s (p50 ${percentile(echoLoad.latencies, 50).toFixed(1)} ms, p99 ${percentile(echoLoad.latencies, 99).toFixed(1)} ms), ` +
        `survey ${surveyTurnsPerSec.toFixed(0)}/s (p50 ${percentile(surveyLoad.latencies, 50).toFixed(1)} ms, p99 ${percentile(surveyLoad.latencies, 99).toFixed(1)} ms), ` +
        `${answers} answers checked, ${surveyLoad.errors} failed turns, ${surveyLoad.retried} kindly refused, ` +
        `replies per turn: echo ${(echoReplies / echoLoad.turns).toFixed(2)}, survey ${(surveyReplies / surveyLoad.turns).toFixed(2)}`,
    );
    context.report({
      name: 'turns',
      db,
      residents,
      seconds,
      surveyTurnsPerSec: Math.round(surveyTurnsPerSec),
      echoTurnsPerSec: Math.round(echoTurnsPerSec),
      ratio: Number((surveyTurnsPerSec / echoTurnsPerSec).toFixed(2)),
      p50Ms: Number(percentile(surveyLoad.latencies, 50).toFixed(1)),
      p99Ms: Number(percentile(surveyLoad.latencies, 99).toFixed(1)),
      echoP50Ms: Number(percentile(echoLoad.latencies, 50).toFixed(1)),
      echoP99Ms: Number(percentile(echoLoad.latencies, 99).toFixed(1)),
      answers,
      failedTurns: surveyLoad.errors,
      refusedTurns: surveyLoad.retried,
      lost,
      duplicated,
    });
  } finally {
    await echo.close();
    await app.close();
    await bench.destroy();
    await connector.close();
  }
}

const benchmark: TBenchmark = {
  name: 'turns',
  async run(context) {
    for (const db of context.databases) await runOn(db, context);
  },
};
export default benchmark;
