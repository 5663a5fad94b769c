import { aadObjectKeyOf, residentKeyOf } from '../../src/privacy/residentKeys';
import { TokenService, type TRole } from '../../src/auth/tokens';
import type { TDb } from '../../src/db/client';
import { encryptJson } from '../../src/privacy/crypto';
import { TEST_SECRETS } from '../support/app';
import type { DirectLineTestClient } from '../channels/support';
import type { TTestApp } from '../support/app';

/** A clock the test moves by hand: no test depends on today's date or on how fast the machine is. */
export class ManualClock {
  constructor(private current: Date) {}
  readonly now = (): Date => new Date(this.current.getTime());
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export async function createToken(db: Parameters<typeof tokenService>[0], role: TRole, organisation?: string): Promise<string> {
  const { token } = await tokenService(db).create({ role, name: `${role}-${organisation ?? 'all'}`, ...(organisation ? { organisation } : {}) });
  return token;
}

function tokenService(db: ConstructorParameters<typeof TokenService>[0]) {
  return new TokenService(db, TEST_SECRETS.HASH_SECRET);
}

/**
 * A conversation reference as the channel stores it when a Teams user writes to the bot (encrypted, by keyed hash).
 * Returns the resident key the bot will see for this user.
 */
export async function storeTeamsReference(
  db: TDb,
  userId: string,
  // Not on SERVICE_URL_ALLOWLIST: a service's own worker that picks the follow-up up fails at once instead of
  // waiting on the connector's retries (which would hold up the service's shutdown at the end of a test).
  { aadObjectId, serviceUrl = 'https://connector.invalid/', channel = 'msteams' }: { aadObjectId?: string; serviceUrl?: string; channel?: string } = {},
): Promise<string> {
  const residentKey = residentKeyOf(TEST_SECRETS.HASH_SECRET, channel, userId);
  await db.conversationReference.create({
    data: {
      channel,
      residentKey,
      aadObjectKey: aadObjectId ? aadObjectKeyOf(TEST_SECRETS.HASH_SECRET, aadObjectId) : null,
      encryptedReference: encryptJson(TEST_SECRETS.ENCRYPTION_KEY, {
        channelId: channel,
        serviceUrl,
        conversation: { id: `a:conversation-${userId}` },
        user: { id: userId },
        bot: { id: '28:bot' },
      }),
    },
  });
  return residentKey;
}

/** A JSON request to the service with a bearer token; the parsed answer and its headers. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  { token, body, headers = {} }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

/** A valid follow-up request; override what the test is about. */
export function followUpBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { survey: 'meethuis', service: 'paspoort', contactChannel: 'telefoon', leadTimeDays: 12, contactCount: 2, language: 'pap', target: { type: 'link' }, ...overrides };
}

/** The bot's activities since the last poll (the resident's own echoes left out). */
export async function botActivities(client: DirectLineTestClient): Promise<Record<string, unknown>[]> {
  const activities = await client.poll();
  return activities.filter((activity) => (activity.from as { role?: string } | undefined)?.role === 'bot');
}

/** The bot's messages since the last poll. */
export async function botSays(client: DirectLineTestClient): Promise<string[]> {
  return (await botActivities(client)).map((activity) => String(activity.text));
}

/** The one-time link in a mail's text or a text message. */
export function linkIn(text: string): URL {
  const match = /https?:\/\/[^\s"<>]+\?link=[A-Za-z0-9_%-]+(?:&lang=[a-z]+)?/.exec(text);
  if (!match) throw new Error(`no link in: ${text}`);
  return new URL(match[0]);
}

/** A link from a mail or text message, on the test server's own port (PUBLIC_URL names the port the service was configured with). */
export const onServer = (running: TTestApp, url: URL | string) => {
  const parsed = new URL(url);
  return new URL(parsed.pathname + parsed.search, running.url).href;
};

/** Every text column of every table, searched for a value: the address must be nowhere once it is no longer needed. */
export async function databaseHolds(running: TTestApp, value: string): Promise<string[]> {
  const { prisma, provider } = running.database;
  const tables =
    provider === 'sqlite'
      ? (await prisma.$queryRawUnsafe<Array<{ name: string }>>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)).map((row) => row.name)
      : (await prisma.$queryRawUnsafe<Array<{ name: string }>>(`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema()`)).map((row) => row.name);
  const found: string[] = [];
  for (const table of tables) {
    const rows = await prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${table}"`);
    if (JSON.stringify(rows, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item)).toLowerCase().includes(value.toLowerCase())) found.push(table);
  }
  return found;
}
