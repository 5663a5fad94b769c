import { networkInterfaces } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceUrlAllowlist, isLoopbackAddress } from '../../src/bots/adapter';
import { aadObjectKeyOf, residentKeyOf } from '../../src/privacy/residentKeys';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { TEST_SECRETS } from '../support/app';
import { EchoFixtureBot, postJson, startChannelServer, startConnectorStub, type TChannelServer } from './support';

let database: TTestDatabase;
let stub: Awaited<ReturnType<typeof startConnectorStub>>;
const servers: TChannelServer[] = [];

// The loopback stub is allowed explicitly: on PostgreSQL (not the embedded mode) loopback is not a default.
const LOOPBACK = { SERVICE_URL_ALLOWLIST: '127.0.0.1' };

beforeEach(async () => {
  database = await createTestDatabase();
  stub = await startConnectorStub();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((running) => running.close()));
  await stub.close();
  await database.destroy();
});

async function server(options: Parameters<typeof startChannelServer>[1] = {}) {
  const started = await startChannelServer(database.url, { ...options, env: { ...LOOPBACK, ...options.env } });
  servers.push(started);
  return started;
}

const TEAMS_USER = { id: '29:1a2b3c-teams-user', name: 'Inwoner', aadObjectId: '6F1A2B3C-0000-4000-8000-00000000ABCD' };
const TEAMS_BOT = { id: '28:meethuis-bot-app-id', name: 'Meethuis' };
const CONVERSATION = { id: 'a:1personalChat-xyz', conversationType: 'personal', tenantId: 'tenant-1' };

/** An activity as Teams (through the Azure Bot Service) posts it to the bot. */
function teamsActivity(overrides: Record<string, unknown>) {
  return {
    channelId: 'msteams',
    serviceUrl: stub.url,
    id: `1:${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    from: TEAMS_USER,
    recipient: TEAMS_BOT,
    conversation: CONVERSATION,
    channelData: { tenant: { id: 'tenant-1' } },
    locale: 'nl-NL',
    entities: [{ type: 'clientInfo', locale: 'nl-NL', country: 'NL', platform: 'Web' }],
    ...overrides,
  };
}

describe('POST /api/messages with Teams-shaped activities', () => {
  it('welcomes on conversationUpdate, replying where the Bot Framework protocol says', async () => {
    const { url } = await server();
    const update = teamsActivity({ type: 'conversationUpdate', membersAdded: [TEAMS_BOT, { id: TEAMS_USER.id, aadObjectId: TEAMS_USER.aadObjectId }] });
    const response = await postJson(`${url}/api/messages`, update);
    expect(response.status).toBe(200);
    expect(stub.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `/v3/conversations/${CONVERSATION.id}/activities/${update.id}`,
        body: expect.objectContaining({
          type: 'message',
          text: 'welcome nl-NL -',
          replyToId: update.id,
          conversation: expect.objectContaining({ id: CONVERSATION.id }),
          recipient: expect.objectContaining({ id: TEAMS_USER.id }),
          from: expect.objectContaining({ id: TEAMS_BOT.id }),
        }),
      }),
    ]);
  });

  it('answers a typed message and an Adaptive Card submit, the submit as the text of its answer', async () => {
    const bot = new EchoFixtureBot();
    const { url } = await server({ bot });
    const typed = teamsActivity({ type: 'message', text: 'vier' });
    expect((await postJson(`${url}/api/messages`, typed)).status).toBe(200);
    const submit = teamsActivity({ type: 'message', value: { answer: 4 } });
    expect((await postJson(`${url}/api/messages`, submit)).status).toBe(200);
    expect(bot.received.map((activity) => activity.text)).toEqual(['vier', '4']);
    expect(stub.requests.map((request) => [request.path, request.body.text])).toEqual([
      [`/v3/conversations/${CONVERSATION.id}/activities/${typed.id}`, 'you said: vier'],
      [`/v3/conversations/${CONVERSATION.id}/activities/${submit.id}`, 'you said: 4'],
    ]);
  });

  it('takes the mention of the bot out of a message in a group chat', async () => {
    const bot = new EchoFixtureBot();
    const { url } = await server({ bot });
    const mention = { type: 'mention', mentioned: TEAMS_BOT, text: '<at>Meethuis</at>' };
    await postJson(`${url}/api/messages`, teamsActivity({ type: 'message', text: '<at>Meethuis</at> 5', entities: [mention] }));
    expect(bot.received.at(-1)?.text).toBe('5');
  });

  it('ignores a meethuisContext a Bot Framework client put in channelData', async () => {
    const bot = new EchoFixtureBot();
    const { url } = await server({ bot });
    await postJson(`${url}/api/messages`, teamsActivity({ type: 'message', text: 'hoi', channelData: { tenant: { id: 't' }, meethuisContext: { organisation: 'bonaire' } } }));
    expect(bot.received.at(-1)?.channelData).toEqual({ tenant: { id: 't' } });
  });

  it('stores the conversation reference encrypted, found by the Teams id or the AAD object id, and sends proactively', async () => {
    const running = await server();
    await postJson(`${running.url}/api/messages`, teamsActivity({ type: 'message', text: 'hoi' }));
    const rows = await database.prisma.conversationReference.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channel: 'msteams',
      residentKey: residentKeyOf(TEST_SECRETS.HASH_SECRET, 'msteams', TEAMS_USER.id),
      aadObjectKey: aadObjectKeyOf(TEST_SECRETS.HASH_SECRET, TEAMS_USER.aadObjectId),
    });
    expect(JSON.stringify(rows)).not.toContain(TEAMS_USER.id);
    expect(JSON.stringify(rows)).not.toContain(CONVERSATION.id);

    stub.requests.length = 0;
    const sent = await running.proactive.continueByUserId('msteams', TEAMS_USER.aadObjectId.toLowerCase(), async (context) => {
      await context.sendActivity('Wilt u 2 minuten vragen beantwoorden?');
    });
    expect(sent).toBe(true);
    expect(stub.requests).toEqual([
      // botbuilder gives the continuation a fresh id, so a proactive message is a "reply" to an activity nobody saw.
      expect.objectContaining({
        method: 'POST',
        path: expect.stringMatching(new RegExp(`^/v3/conversations/${CONVERSATION.id}/activities(/[0-9a-f-]{36})?$`)),
        body: expect.objectContaining({ text: 'Wilt u 2 minuten vragen beantwoorden?', recipient: expect.objectContaining({ id: TEAMS_USER.id }) }),
      }),
    ]);
    expect(await running.proactive.continueByUserId('msteams', '29:someone-else', async () => undefined)).toBe(false);
  });

  it('answers malformed bodies with a 400 JSON error and runs no turn', async () => {
    const bot = new EchoFixtureBot();
    const { url } = await server({ bot });
    const bodies: unknown[] = [
      {},
      { type: 'message' },
      teamsActivity({ type: 'message', serviceUrl: 'not a url' }),
      teamsActivity({ type: 'message', serviceUrl: 'file:///etc/passwd' }),
      teamsActivity({ type: 'message', conversation: null }),
      teamsActivity({ type: 'message', from: { name: 'no id' } }),
      teamsActivity({ type: 'message', text: { nested: true } }),
      [teamsActivity({ type: 'message' })],
    ];
    for (const body of bodies) {
      const response = await postJson(`${url}/api/messages`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'invalid_request', message: expect.any(String) } });
    }
    const notJson = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"type":' });
    expect(notJson.status).toBe(400);
    // Only JSON is read at all: any other body is refused before it reaches the endpoint.
    const text = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
    expect(bot.received).toHaveLength(0);
    expect(stub.requests).toHaveLength(0);
  });

  it('refuses a serviceUrl that is not on the allowlist, before any turn runs', async () => {
    const bot = new EchoFixtureBot();
    const { url } = await server({ bot, env: { SERVICE_URL_ALLOWLIST: 'smba.trafficmanager.net' } });
    const response = await postJson(`${url}/api/messages`, teamsActivity({ type: 'message', text: 'hoi' }));
    expect(response).toEqual({ status: 403, body: { error: { code: 'service_url_not_allowed', message: expect.any(String), field: 'serviceUrl' } } });
    expect(bot.received).toHaveLength(0);
  });

  it('enforces Bot Framework authentication when an app id is configured', async () => {
    const bot = new EchoFixtureBot();
    const { url } = await server({ bot, env: { MicrosoftAppId: '00000000-0000-4000-8000-000000000001', MicrosoftAppPassword: 'secret' } });
    const missing = await postJson(`${url}/api/messages`, teamsActivity({ type: 'message', text: 'hoi' }));
    expect(missing).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: expect.any(String) } } });
    const forged = await postJson(`${url}/api/messages`, teamsActivity({ type: 'message', text: 'hoi' }), { Authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' });
    expect(forged.status).toBe(401);
    expect(bot.received).toHaveLength(0);
  });

  it('accepts only loopback callers without an app id', async () => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((candidate) => candidate && candidate.family === 'IPv4' && !candidate.internal)?.address;
    const bot = new EchoFixtureBot();
    const running = await server({ bot, host: '0.0.0.0' });
    const port = new URL(running.url).port;
    if (address) {
      const remote = await postJson(`http://${address}:${port}/api/messages`, teamsActivity({ type: 'message', text: 'hoi' }));
      expect(remote).toEqual({ status: 403, body: { error: { code: 'forbidden', message: expect.any(String) } } });
      expect(bot.received).toHaveLength(0);
    }
    expect((await postJson(`http://127.0.0.1:${port}/api/messages`, teamsActivity({ type: 'message', text: 'hoi' }))).status).toBe(200);
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', undefined].some(isLoopbackAddress)).toBe(false);
  });
});

describe('serviceUrl allowlist', () => {
  it.each([
    ['https://smba.trafficmanager.net/emea/', true],
    ['https://europe.webchat.botframework.com/', true],
    ['https://botframework.com.evil.example/', false],
    ['http://smba.trafficmanager.net/emea/', false],
    ['https://evil.example/', false],
    ['http://127.0.0.1:3979/', true],
    ['http://localhost/', true],
    ['https://user:pass@smba.trafficmanager.net/', false],
  ])('by default (embedded) %s → %s', (url, allowed) => {
    expect(serviceUrlAllowlist([], true).allows(url)).toBe(allowed);
  });

  it('leaves loopback out of the default outside the embedded mode, and takes host:port entries', () => {
    expect(serviceUrlAllowlist([], false).allows('http://127.0.0.1:3979/')).toBe(false);
    const configured = serviceUrlAllowlist(['127.0.0.1:3979'], false);
    expect(configured.allows('http://127.0.0.1:3979/')).toBe(true);
    expect(configured.allows('http://127.0.0.1:4000/')).toBe(false);
  });
});
