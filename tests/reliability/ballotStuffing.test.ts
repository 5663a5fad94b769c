import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient } from '../channels/support';
import { call, createToken } from '../followups/support';
import { startTestApp, type TTestApp } from '../support/app';
import { textsOf } from '../support/teams';

const { chat } = textsOf('en');

/**
 * One resident as a stranger scripts them: a new Direct Line token, the consent, one satisfaction score — a partial
 * response that counts in the figures. `forwardedFor` is what the client (or a proxy) puts in X-Forwarded-For.
 */
async function answerOnce(url: string, score: number, { forwardedFor, context = {} }: { forwardedFor?: string; context?: Record<string, unknown> } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) };
  const generated = await fetch(`${url}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ context: { organisation: 'demo', language: 'en', ...context } }),
  });
  expect(generated.status).toBe(200);
  const { token } = (await generated.json()) as { token: string };
  const started = await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` } });
  expect(started.status).toBe(201);
  const { conversationId } = (await started.json()) as { conversationId: string };
  for (const text of [chat.buttons!.yes!, String(score)]) {
    const posted = await fetch(`${url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'message', from: { id: 'resident' }, text }),
    });
    expect(posted.status).toBe(200);
  }
}

async function inBatches(count: number, each: (index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += 5) await Promise.all(Array.from({ length: Math.min(5, count - start) }, (_, offset) => each(start + offset)));
}

async function csatOf(running: TTestApp, analyst: string): Promise<{ value: number; n: number }> {
  const report = await call(running.url, 'GET', '/api/kpis?survey=meethuis&organisation=demo', { token: analyst });
  expect(report.status).toBe(200);
  const [group] = report.body.groups as { kpis: { csat: { value: number; n: number } } }[];
  return group!.kpis.csat;
}

const heldBackCount = (running: TTestApp) => running.database.prisma.response.count({ where: { heldBack: true } });

describe('new responses per address, behind a trusted proxy', () => {
  let running: TTestApp;
  let analyst: string;
  beforeAll(async () => {
    running = await startTestApp({
      TRUST_PROXY: '1',
      RESPONSE_LIMIT_EXEMPT: '203.0.113.0/24',
      MAX_NEW_RESPONSES_PER_ADDRESS_PER_HOUR: '10',
      MIN_GROUP_SIZE: '1',
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
      QUIET_HOURS: 'off',
    });
    analyst = await createToken(running.database.prisma, 'analyst');
  }, 60_000);
  afterAll(() => running.stop());

  it('holds back 50 of 60 rapid surveys from one address: the figures move only by the ten within the limit, until an analyst accepts the rest', { timeout: 180_000 }, async () => {
    await inBatches(10, () => answerOnce(running.url, 5, { forwardedFor: '198.51.100.7' }));
    expect(await csatOf(running, analyst)).toMatchObject({ value: 100, n: 10 });

    // The stuffing: fifty more, every one a bad score.
    await inBatches(50, () => answerOnce(running.url, 1, { forwardedFor: '198.51.100.7' }));
    expect(await csatOf(running, analyst)).toMatchObject({ value: 100, n: 10 });
    expect(await heldBackCount(running)).toBe(50);

    const held = await call(running.url, 'GET', '/api/responses/held', { token: analyst });
    expect(held.status).toBe(200);
    const [day] = held.body.held as { organisation: string; day: string; responses: number; completed: number }[];
    expect(held.body.held).toHaveLength(1);
    expect(day).toMatchObject({ organisation: 'demo', responses: 50, completed: 0 });

    // The export carries them, marked.
    const exported = await fetch(`${running.url}/api/responses/export?survey=meethuis&organisation=demo`, { headers: { authorization: `Bearer ${analyst}` } });
    const lines = (await exported.text()).trim().split('\r\n');
    const column = lines[0]!.split(',').indexOf('heldBack');
    expect(lines.slice(1).filter((line) => line.split(',')[column] === 'true')).toHaveLength(50);

    // Accepting moves the figures by exactly their answers: 10 fives and 50 ones.
    const accepted = await call(running.url, 'POST', '/api/responses/held/accept', { token: analyst, body: { organisation: 'demo', day: day!.day } });
    expect(accepted).toMatchObject({ status: 200, body: { accepted: 50 } });
    const after = await csatOf(running, analyst);
    expect(after.n).toBe(60);
    expect(after.value).toBeCloseTo((10 / 60) * 100, 1);
    expect(await heldBackCount(running)).toBe(0);
    expect(await running.database.prisma.auditLog.count({ where: { action: 'responses.accept' } })).toBe(1);
  });

  it('gives a resident behind another forwarded address a budget of their own', async () => {
    await answerOnce(running.url, 4, { forwardedFor: '198.51.100.8' });
    expect(await heldBackCount(running)).toBe(0);
  });

  it('never holds back a survey opened from an exempt address (a tablet at the counter)', { timeout: 60_000 }, async () => {
    await inBatches(12, () => answerOnce(running.url, 4, { forwardedFor: '203.0.113.5' }));
    expect(await heldBackCount(running)).toBe(0);
  });

  it('never holds back a survey opened by a follow-up link, also from an address past its limit', async () => {
    const staff = await createToken(running.database.prisma, 'staff', 'demo');
    const created = await call(running.url, 'POST', '/api/follow-ups', {
      token: staff,
      body: { survey: 'meethuis', service: 'paspoort', contactChannel: 'telefoon', language: 'en', target: { type: 'link' } },
    });
    expect(created.status).toBe(202);
    const link = new URL(String(created.body.link)).searchParams.get('link')!;
    await answerOnce(running.url, 3, { forwardedFor: '198.51.100.7', context: { followUpLink: link } });
    const followUpResponse = await running.database.prisma.response.findFirstOrThrow({ where: { source: 'follow-up' } });
    expect(followUpResponse.heldBack).toBe(false);
  });

  it('lets an analyst discard held-back responses: they are deleted and never counted', { timeout: 60_000 }, async () => {
    const before = await csatOf(running, analyst);
    await inBatches(11, () => answerOnce(running.url, 2, { forwardedFor: '198.51.100.9' }));
    const counted = await csatOf(running, analyst);
    expect(counted.n).toBe(before.n + 10);
    const [day] = (await call(running.url, 'GET', '/api/responses/held?organisation=demo', { token: analyst })).body.held as { day: string }[];
    const discarded = await call(running.url, 'POST', '/api/responses/held/discard', { token: analyst, body: { organisation: 'demo', day: day!.day } });
    expect(discarded).toMatchObject({ status: 200, body: { discarded: 1 } });
    expect(await heldBackCount(running)).toBe(0);
    expect(await csatOf(running, analyst)).toEqual(counted);
  });

  it('keeps no client address in the database, only keyed hashes', async () => {
    const windows = await running.database.prisma.rateLimitWindow.findMany();
    const conversations = await running.database.prisma.directLineConversation.findMany({ select: { context: true } });
    const stored = JSON.stringify([windows, conversations]);
    for (const address of ['198.51.100.7', '198.51.100.8', '203.0.113.5', '127.0.0.1']) expect(stored).not.toContain(address);
  });
});

describe('without TRUST_PROXY', () => {
  let running: TTestApp;
  beforeAll(async () => {
    running = await startTestApp({ MAX_NEW_RESPONSES_PER_ADDRESS_PER_HOUR: '3', RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_POLLS_PER_MINUTE: '4' });
  }, 60_000);
  afterAll(() => running.stop());

  it('ignores a forged X-Forwarded-For: every survey counts against the socket address', async () => {
    for (let index = 0; index < 5; index++) await answerOnce(running.url, 5, { forwardedFor: `192.0.2.${index + 1}` });
    expect(await heldBackCount(running)).toBe(2);
  });

  it('gives polling a budget of its own per address, answered with 429 and Retry-After', async () => {
    const generated = await fetch(`${running.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { token } = (await generated.json()) as { token: string };
    const started = await fetch(`${running.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const { conversationId } = (await started.json()) as { conversationId: string };
    const statuses: number[] = [];
    for (let poll = 0; poll < 6; poll++) {
      const response = await fetch(`${running.url}/v3/directline/conversations/${conversationId}/activities?watermark=`, { headers: { authorization: `Bearer ${token}` } });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      await response.arrayBuffer();
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });
});

describe('a resident over the limit on messages', () => {
  let running: TTestApp;
  beforeAll(async () => {
    running = await startTestApp({ RATE_LIMIT_MESSAGES_PER_MINUTE: '4' });
  }, 60_000);
  afterAll(() => running.stop());

  it('is told in their language to wait a minute, and the message is not taken as an answer', async () => {
    const pap = textsOf('pap').chat;
    const webchat = await DirectLineTestClient.start(running.url, { organisation: 'bonaire', language: 'pap' });
    await webchat.say(pap.buttons!.yes!);
    for (const score of ['4', '4', '4']) expect((await webchat.say(score)).status).toBe(200);
    const refused = await webchat.say('2');
    expect(refused.status).toBe(200);
    const said = (await webchat.poll()).filter((activity) => (activity.from as { role?: string }).role === 'bot').map((activity) => activity.text);
    expect(said.at(-1)).toBe(pap.error!.slowDown);
    const answers = await running.database.prisma.answer.findMany({ select: { value: true } });
    expect(answers.map((answer) => answer.value)).toEqual([4, 4, 4]);
  });
});
