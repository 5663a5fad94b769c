import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedOrganisations } from '../../src/db/seed';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { DirectLineTestClient, EchoFixtureBot, postJson, startChannelServer, type TChannelServer } from './support';

let database: TTestDatabase;
const servers: TChannelServer[] = [];

async function server(options: Parameters<typeof startChannelServer>[1] = {}) {
  const started = await startChannelServer(database.url, options);
  servers.push(started);
  return started;
}

beforeEach(async () => {
  database = await createTestDatabase();
  await seedOrganisations(database.prisma);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((running) => running.close()));
  await database.destroy();
});

function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('Direct Line tokens', () => {
  it('generates a token bound to a new conversation, with the user id in the token as Web Chat reads it', async () => {
    const { url } = await server();
    const response = await postJson(`${url}/v3/directline/tokens/generate`, { context: { organisation: 'demo', language: 'pap' } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ conversationId: expect.any(String), token: expect.any(String), expires_in: 1800 });
    const claims = decodeJwt(String(response.body.token));
    expect(claims.conv).toBe(response.body.conversationId);
    expect(String(claims.user)).toMatch(/^dl_/);
    expect(response.body.conversationId).not.toContain('|');
  });

  it('refuses an organisation or service that is not registered, naming the field', async () => {
    const { url } = await server();
    const organisation = await postJson(`${url}/v3/directline/tokens/generate`, { context: { organisation: 'nowhere' } });
    expect(organisation).toEqual({ status: 400, body: { error: { code: 'unknown_organisation', message: expect.any(String), field: 'context.organisation' } } });
    const service = await postJson(`${url}/v3/directline/tokens/generate`, { context: { organisation: 'demo', service: 'ruimtevaart' } });
    expect(service.body).toMatchObject({ error: { code: 'unknown_service', field: 'context.service' } });
    const malformed = await postJson(`${url}/v3/directline/tokens/generate`, { context: { language: 'de' } });
    expect(malformed.body).toMatchObject({ error: { code: 'invalid_request', field: 'context.language' } });
    // The fields a page may add for the language guess and a link's holder are checked as strictly.
    for (const [context, field] of [
      [{ languageHint: 'xx' }, 'context.languageHint'],
      [{ linkHolder: '<script>' }, 'context.linkHolder'],
      [{ linkHolder: 'a'.repeat(5000) }, 'context.linkHolder'],
    ] as const) {
      const refused = await postJson(`${url}/v3/directline/tokens/generate`, { context });
      expect(refused.status, JSON.stringify(context).slice(0, 60)).toBe(400);
      expect(String((refused.body as { error: { field?: string } }).error.field ?? 'context')).toBe(field);
    }
  });

  it('refreshes a token for the same conversation and user', async () => {
    const { url } = await server();
    const client = await DirectLineTestClient.start(url);
    const refreshed = await client.request('POST', '/v3/directline/tokens/refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.conversationId).toBe(client.conversationId);
    expect(decodeJwt(String(refreshed.body.token))).toMatchObject({ conv: client.conversationId, user: decodeJwt(client.token).user });
    expect(refreshed.headers.get('cache-control')).toBe('no-store');
  });

  it('needs the secret to generate tokens when DIRECTLINE_SECRET is configured', async () => {
    const secret = 'a-directline-secret-0123456789';
    const { url } = await server({ env: { DIRECTLINE_SECRET: secret } });
    expect((await postJson(`${url}/v3/directline/tokens/generate`, {})).status).toBe(401);
    expect((await postJson(`${url}/v3/directline/tokens/generate`, {}, { Authorization: 'Bearer not-the-secret' })).status).toBe(403);
    const granted = await postJson(`${url}/v3/directline/tokens/generate`, {}, { Authorization: `Bearer ${secret}` });
    expect(granted.status).toBe(200);
  });

  it('answers 403 once a token has expired', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const { url } = await server({ clock: () => now });
    const client = await DirectLineTestClient.start(url);
    now = new Date('2026-03-01T10:31:00Z');
    const poll = await client.request('GET', `/v3/directline/conversations/${client.conversationId}/activities`);
    expect(poll.status).toBe(403);
    expect(poll.body).toMatchObject({ error: { code: 'token_expired' } });
  });

  it('refuses a token whose claims were changed, one signed with another key, and one that names no algorithm', async () => {
    const { url } = await server();
    const mine = await DirectLineTestClient.start(url);
    const other = await DirectLineTestClient.start(url);
    const [header, payload, signature] = mine.token.split('.') as [string, string, string];
    const base64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    // Another resident's conversation, under this token's signature.
    const retargeted = `${header}.${base64({ ...decodeJwt(mine.token), conv: other.conversationId })}.${signature}`;
    const unsigned = `${base64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const foreign = (await DirectLineTestClient.start((await server({ env: { HASH_SECRET: 'another-hash-secret-0123456789abcdef012345' } })).url)).token;
    for (const token of [retargeted, unsigned, foreign]) {
      const poll = await postJson(
        `${url}/v3/directline/conversations/${other.conversationId}/activities`,
        { type: 'message', from: { id: 'x' }, text: '5' },
        { Authorization: `Bearer ${token}` },
      );
      expect(poll.status, token.slice(0, 20)).toBe(403);
      expect(poll.body).toMatchObject({ error: { code: 'forbidden' } });
    }
  });
});

describe('Direct Line conversations', () => {
  it('starts the conversation with a welcome turn that carries the page context', async () => {
    const { url } = await server();
    const client = await DirectLineTestClient.start(url, { organisation: 'demo', language: 'pap' });
    const activities = await client.poll();
    expect(activities).toEqual([
      expect.objectContaining({
        type: 'message',
        id: `${client.conversationId}|${String(Number(client.watermark)).padStart(7, '0')}`,
        text: 'welcome pap demo',
        from: expect.objectContaining({ id: 'meethuis-bot', role: 'bot' }),
        conversation: { id: client.conversationId },
        channelId: 'webchat',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
    expect(activities[0]).not.toHaveProperty('serviceUrl');
  });

  it('answers the start without a streamUrl, and resumes without a second welcome', async () => {
    const { url } = await server();
    const generated = await postJson(`${url}/v3/directline/tokens/generate`, {});
    const client = new DirectLineTestClient(url, String(generated.body.token));
    const first = await client.request('POST', '/v3/directline/conversations', {});
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ conversationId: generated.body.conversationId, token: expect.any(String), expires_in: 1800 });
    client.conversationId = String(first.body.conversationId);
    const again = await client.request('POST', '/v3/directline/conversations', {});
    expect(again.body.conversationId).toBe(client.conversationId);
    const welcomes = (await client.poll()).filter((activity) => String(activity.text).startsWith('welcome'));
    expect(welcomes).toHaveLength(1);
  });

  it('reconnects to a known conversation and answers 404 for an unknown one', async () => {
    const { url } = await server();
    const client = await DirectLineTestClient.start(url);
    const reconnect = await client.request('GET', `/v3/directline/conversations/${client.conversationId}?watermark=`);
    expect(reconnect.status).toBe(200);
    expect(reconnect.body).toMatchObject({ conversationId: client.conversationId, token: expect.any(String), expires_in: 1800 });

    const unstarted = await postJson(`${url}/v3/directline/tokens/generate`, {});
    const stranger = new DirectLineTestClient(url, String(unstarted.body.token));
    stranger.conversationId = String(unstarted.body.conversationId);
    expect((await stranger.request('GET', `/v3/directline/conversations/${stranger.conversationId}`)).status).toBe(404);
    expect((await stranger.request('GET', `/v3/directline/conversations/${stranger.conversationId}/activities`)).status).toBe(404);
  });

  it("refuses another conversation's token with 403, and a missing or forged one with 401/403", async () => {
    const { url } = await server();
    const alice = await DirectLineTestClient.start(url);
    const bob = await DirectLineTestClient.start(url);
    const paths: [string, string, unknown?][] = [
      ['GET', `/v3/directline/conversations/${alice.conversationId}/activities?watermark=`],
      ['POST', `/v3/directline/conversations/${alice.conversationId}/activities`, { type: 'message', text: 'hi' }],
      ['GET', `/v3/directline/conversations/${alice.conversationId}`],
    ];
    for (const [method, path, body] of paths) {
      const asBob = await bob.request(method, path, body);
      expect(asBob.status, `${method} ${path}`).toBe(403);
      expect(asBob.body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    }
    const anonymous = await fetch(`${url}/v3/directline/conversations/${alice.conversationId}/activities`);
    expect(anonymous.status).toBe(401);
    const [header, payload] = alice.token.split('.');
    const forgedClaims = { ...decodeJwt(alice.token), conv: bob.conversationId };
    const forged = new DirectLineTestClient(url, `${header}.${Buffer.from(JSON.stringify(forgedClaims)).toString('base64url')}.${alice.token.split('.')[2]}`);
    void payload;
    expect((await forged.request('GET', `/v3/directline/conversations/${bob.conversationId}/activities`)).status).toBe(403);
    expect((await alice.poll()).some((activity) => activity.text === 'you said: hi')).toBe(false);
  });
});

describe('Direct Line activities', () => {
  it('echoes the resident with the scrubbed text and their clientActivityID, then the reply, while the bot got the raw text', async () => {
    const bot = new EchoFixtureBot();
    const { url } = await server({ bot });
    const client = await DirectLineTestClient.start(url, { organisation: 'demo', service: 'paspoort', language: 'pap' });
    await client.poll();
    const raw = 'Bel mij op 0612345678 of mail jan@example.nl';
    const posted = await client.post({
      type: 'message',
      text: raw,
      from: { id: 'someone-else' },
      locale: 'pap',
      channelData: { clientActivityID: 'abc-123', meethuisContext: { organisation: 'bonaire', language: 'en' } },
    });
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ id: expect.stringMatching(new RegExp(`^${client.conversationId.replace(/[-]/g, '\\-')}\\|\\d{7}$`)) });

    const [echo, reply] = await client.poll();
    const user = decodeJwt(client.token).user;
    expect(echo).toMatchObject({
      id: posted.body.id,
      type: 'message',
      from: { id: user, role: 'user' },
      channelData: { clientActivityID: 'abc-123' },
      timestamp: expect.any(String),
    });
    expect(echo!.text).not.toContain('0612345678');
    expect(echo!.text).not.toContain('jan@example.nl');
    expect(echo!.text).toContain('[PHONE]');
    expect(reply).toMatchObject({ type: 'message', text: `you said: ${raw}`, replyToId: posted.body.id, suggestedActions: expect.any(Object) });

    const received = bot.received.at(-1)!;
    expect(received.text).toBe(raw);
    expect(received.from?.id).toBe(user);
    // The context comes from the token the page was given; the client's own meethuisContext is ignored.
    expect(received.channelData).toMatchObject({ meethuisContext: { organisation: 'demo', service: 'paspoort', language: 'pap' } });
    // What the store keeps of the resident is the scrubbed echo only (the fixture bot quoting them is its own doing).
    const stored = await database.prisma.directLineActivity.findMany();
    const fromResident = stored.map((row) => JSON.parse(row.activity) as { from: { role: string } }).filter((activity) => activity.from.role === 'user');
    expect(fromResident).toHaveLength(1);
    expect(JSON.stringify(fromResident)).not.toMatch(/0612345678|jan@example/);
  });

  it('hands an Adaptive Card submit ({ answer }) to the bot as the text of the answer', async () => {
    const bot = new EchoFixtureBot();
    const { url } = await server({ bot });
    const client = await DirectLineTestClient.start(url);
    await client.post({ type: 'message', value: { answer: '4' }, channelData: { clientActivityID: 'card-1' } });
    expect(bot.received.at(-1)).toMatchObject({ text: '4', value: { answer: '4' } });
  });

  it('pages by watermark: each poll returns only what is newer, and an empty poll keeps the watermark', async () => {
    const { url } = await server();
    const client = await DirectLineTestClient.start(url);
    expect(await client.poll()).toHaveLength(1);
    const afterWelcome = client.watermark;
    await client.say('een');
    await client.say('twee');
    const batch = await client.poll();
    expect(batch.map((activity) => activity.text)).toEqual(['een', 'you said: een', 'twee', 'you said: twee']);
    expect(Number(client.watermark)).toBeGreaterThan(Number(afterWelcome));
    const ids = batch.map((activity) => Number(String(activity.id).split('|')[1]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.at(-1)).toBe(Number(client.watermark));

    const empty = await client.request('GET', `/v3/directline/conversations/${client.conversationId}/activities?watermark=${client.watermark}`);
    expect(empty.body).toEqual({ activities: [], watermark: client.watermark });
    const older = await client.request('GET', `/v3/directline/conversations/${client.conversationId}/activities?watermark=${afterWelcome}`);
    expect((older.body.activities as unknown[]).length).toBe(4);
  });

  it('serves a message posted on one replica to a poll on another', async () => {
    const first = await server();
    const second = await server();
    const onFirst = await DirectLineTestClient.start(first.url);
    const onSecond = new DirectLineTestClient(second.url, onFirst.token);
    onSecond.conversationId = onFirst.conversationId;
    await onFirst.say('hallo');
    const texts = (await onSecond.poll()).map((activity) => activity.text);
    expect(texts).toEqual([expect.stringMatching(/^welcome/), 'hallo', 'you said: hallo']);
    await onSecond.say('nog een');
    expect((await onFirst.poll()).map((activity) => activity.text)).toContain('you said: nog een');
  });

  it('answers malformed bodies and queries with a 400 JSON error, never a crash', async () => {
    const { url } = await server();
    const client = await DirectLineTestClient.start(url);
    const path = `/v3/directline/conversations/${client.conversationId}/activities`;
    const cases: unknown[] = [
      { text: 'no type' },
      { type: 'message', text: 42 },
      { type: 'conversationUpdate' },
      { type: 'message', text: 'a file', attachments: [{ contentType: 'image/png', contentUrl: 'blob:x' }] },
      [1, 2, 3],
      'just a string',
    ];
    for (const body of cases) {
      const response = await client.post(body as Record<string, unknown>);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    const broken = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${client.token}`, 'Content-Type': 'application/json' },
      body: '{"type": "message", ',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: expect.any(String) } });
    const badWatermark = await client.request('GET', `${path}?watermark=abc`);
    expect(badWatermark.status).toBe(400);
    const upload = await client.request('POST', `/v3/directline/conversations/${client.conversationId}/upload?userId=x`, {});
    expect(upload.status).toBe(415);
    expect(upload.body).toMatchObject({ error: { code: 'attachments_not_supported' } });
    expect((await client.poll()).length).toBeGreaterThan(0);
  });
});

describe('Direct Line store', () => {
  it('deletes delivered activities after the grace period, and the prune job the rest', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const running = await server({ clock: () => now, storeOptions: { deliveredGraceMs: 60_000 } });
    const client = await DirectLineTestClient.start(running.url);
    await client.say('een');
    await client.poll();
    expect(await database.prisma.directLineActivity.count()).toBe(3);
    now = new Date('2026-03-01T10:02:00Z');
    await client.say('twee');
    await client.poll();
    // The first three were delivered more than a minute ago; the last two are still within their grace.
    expect(await database.prisma.directLineActivity.count()).toBe(2);

    now = new Date('2026-03-02T12:00:00Z');
    expect(await running.store.prune()).toEqual({ activities: 2, conversations: 1 });
    expect(await database.prisma.directLineConversation.count()).toBe(0);
  });

  it('keeps only a keyed hash of the user id', async () => {
    const { url } = await server();
    const client = await DirectLineTestClient.start(url);
    const user = String(decodeJwt(client.token).user);
    const row = await database.prisma.directLineConversation.findUniqueOrThrow({ where: { id: client.conversationId } });
    expect(row.userKey).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(user);
  });

  it('delivers a proactive message into an existing web chat conversation', async () => {
    const running = await server();
    const client = await DirectLineTestClient.start(running.url, { organisation: 'demo' });
    await client.poll();
    const reference = {
      channelId: 'webchat',
      serviceUrl: running.config.PUBLIC_URL,
      conversation: { id: client.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      user: { id: String(decodeJwt(client.token).user), name: '' },
      bot: { id: 'meethuis-bot', name: 'Meethuis' },
    };
    await running.directLineAdapter.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity(`follow-up for ${String((context.activity.channelData as { meethuisContext: { organisation: string } }).meethuisContext.organisation)}`);
    });
    expect((await client.poll()).map((activity) => activity.text)).toEqual(['follow-up for demo']);
  });
});
