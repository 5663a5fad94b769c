import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityHandler, MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import { createBotEndpointAdapter, ProactiveChannels, type BotEndpointAdapter } from '../../src/bots/adapter';
import { conversationContextOf } from '../../src/dialogs/conversationContext';
import { ConversationReferenceStore } from '../../src/bots/conversationReferences';
import { createDirectLine, type DirectLineChannel } from '../../src/channels/directline/channel';
import type { DirectLineAdapter } from '../../src/channels/directline/adapter';
import type { DirectLineStore, TDirectLineStoreOptions } from '../../src/channels/directline/store';
import { loadConfig, type TConfig } from '../../src/config';
import { openDatabase, type TDatabase } from '../../src/db/client';
import { registerDirectLineRoutes } from '../../src/http/directLine';
import { registerBotEndpoint } from '../../src/http/messages';
import { registerWebChatPage } from '../../src/http/pages';
import { createI18n } from '../../src/i18n/i18n';
import { parseTrustProxy } from '../../src/kernel/networkAddresses';
import { PlaceDirectory } from '../../src/places/places';
import { createHttpServer } from '../../src/http/server';
import { createLogger } from '../../src/log';
import { TEST_SECRETS } from '../support/app';

/**
 * A small real bot for the channel tests: it welcomes new members and answers every message with what it
 * received (text, value, language, context), so a test can see exactly what the channel handed to the bot.
 * It is a fixture of the channel, not a stand-in for the SurveyBot.
 */
export class EchoFixtureBot extends ActivityHandler {
  readonly received: Partial<Activity>[] = [];

  constructor() {
    super();
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id === context.activity.recipient.id) continue;
        const { language, organisation } = conversationContextOf(context.activity.channelData);
        await context.sendActivity(`welcome ${language ?? context.activity.locale ?? '-'} ${organisation ?? '-'}`);
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      this.received.push(JSON.parse(JSON.stringify(context.activity)) as Partial<Activity>);
      const text = context.activity.text ?? '';
      const reply = MessageFactory.suggestedActions(['1', '2', '3'], `you said: ${text}`);
      await context.sendActivity(reply);
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === 'continueConversation') await context.sendActivity('proactive hello');
      await next();
    });
  }
}

export interface TChannelServer {
  url: string;
  config: TConfig;
  database: TDatabase;
  channel: DirectLineChannel;
  directLineAdapter: DirectLineAdapter;
  store: DirectLineStore;
  botAdapter: BotEndpointAdapter;
  references: ConversationReferenceStore;
  proactive: ProactiveChannels;
  close(): Promise<void>;
}

export interface TChannelServerOptions {
  bot?: { run(context: TurnContext): Promise<void> };
  env?: Record<string, string>;
  host?: string;
  clock?: () => Date;
  storeOptions?: TDirectLineStoreOptions;
}

/**
 * The channel routes on a server of their own, with their own connection to `databaseUrl` — two of them on
 * one database behave as two replicas. Built with the same factories the composition root uses.
 */
export async function startChannelServer(databaseUrl: string, options: TChannelServerOptions = {}): Promise<TChannelServer> {
  const config = loadConfig({ ...TEST_SECRETS, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...options.env, DATABASE_URL: databaseUrl });
  const logger = createLogger(config.LOG_LEVEL);
  const database = openDatabase(config.DATABASE_URL);
  const bot = options.bot ?? new EchoFixtureBot();
  const http = createHttpServer({ logger, maxBodyBytes: config.MAX_BODY_BYTES, bodyTimeoutMs: config.BODY_TIMEOUT_MS, trustProxy: parseTrustProxy(config.TRUST_PROXY) });
  const references = new ConversationReferenceStore(database, config.HASH_SECRET, config.ENCRYPTION_KEY);
  const { adapter: botAdapter, allowlist } = createBotEndpointAdapter({ config, logger, references });
  const directLine = createDirectLine({
    prisma: database.prisma,
    bot,
    hashSecret: config.HASH_SECRET,
    ...(config.DIRECTLINE_SECRET ? { secret: config.DIRECTLINE_SECRET } : {}),
    publicUrl: config.PUBLIC_URL,
    logger,
    replicaId: 'test',
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.storeOptions ? { storeOptions: options.storeOptions } : {}),
  });
  registerDirectLineRoutes(http, {
    channel: directLine.channel,
    perAddressPerMinute: 10_000,
    perConversationPerMinute: 10_000,
    messagesPerAddressPerMinute: 10_000,
    pollsPerAddressPerMinute: 10_000,
    hashSecret: TEST_SECRETS.HASH_SECRET,
    isExemptFromResponseLimit: () => false,
    places: new PlaceDirectory(database.prisma),
  });
  registerBotEndpoint(http, { adapter: botAdapter, bot, allowlist, loopbackOnly: !config.MicrosoftAppId });
  registerWebChatPage(http, { i18n: createI18n(), embedOrigins: config.EMBED_ORIGINS, linkTtlHours: config.LINK_TTL_HOURS });
  await new Promise<void>((resolve) => http.server.listen(0, options.host ?? '127.0.0.1', () => resolve()));
  const { port } = http.server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    database,
    channel: directLine.channel,
    directLineAdapter: directLine.adapter,
    store: directLine.store,
    botAdapter,
    references,
    proactive: new ProactiveChannels(botAdapter, references, config.MicrosoftAppId),
    close: async () => {
      await new Promise<void>((resolve) => {
        http.server.close(() => resolve());
        http.server.server.closeIdleConnections();
        // A browser that still polls keeps its keep-alive socket busy; a test server need not wait for it.
        setTimeout(() => http.server.server.closeAllConnections(), 2000).unref();
      });
      await database.close();
    },
  };
}

export interface TRecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/** A loopback HTTP server standing in for a Bot Framework channel's connector service (the serviceUrl). */
export async function startConnectorStub(): Promise<{ url: string; requests: TRecordedRequest[]; close(): Promise<void> }> {
  const requests: TRecordedRequest[] = [];
  let next = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        path: decodeURIComponent(req.url ?? ''),
        authorization: req.headers.authorization,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `stub-${++next}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A tiny Direct Line client speaking the protocol as botframework-directlinejs does. */
export class DirectLineTestClient {
  watermark = '';
  conversationId = '';

  constructor(
    private readonly baseUrl: string,
    public token = '',
  ) {}

  static async start(baseUrl: string, context: Record<string, unknown> = {}): Promise<DirectLineTestClient> {
    const generated = await postJson(`${baseUrl}/v3/directline/tokens/generate`, { context });
    if (generated.status !== 200) throw new Error(`tokens/generate: ${generated.status} ${JSON.stringify(generated.body)}`);
    const client = new DirectLineTestClient(baseUrl, String(generated.body.token));
    const started = await client.request('POST', '/v3/directline/conversations', {});
    if (started.status !== 201) throw new Error(`conversations: ${started.status} ${JSON.stringify(started.body)}`);
    client.conversationId = String(started.body.conversationId);
    client.token = String(started.body.token);
    return client;
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
  }

  post(activity: Record<string, unknown>) {
    return this.request('POST', `/v3/directline/conversations/${this.conversationId}/activities`, activity);
  }

  say(text: string, clientActivityID = `client-${Math.random().toString(36).slice(2)}`) {
    return this.post({ type: 'message', text, from: { id: 'ignored-by-server', role: 'user' }, locale: 'pap', channelData: { clientActivityID } });
  }

  /** One poll, advancing the watermark as directlinejs does. */
  async poll(): Promise<Record<string, unknown>[]> {
    const response = await this.request('GET', `/v3/directline/conversations/${this.conversationId}/activities?watermark=${this.watermark}`);
    if (response.status !== 200) throw new Error(`poll: ${response.status} ${JSON.stringify(response.body)}`);
    if (typeof response.body.watermark === 'string') this.watermark = response.body.watermark;
    return response.body.activities as Record<string, unknown>[];
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}
