import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import type { TInvitationTarget } from './followups/model';
import { addressListMatcher, parseTrustProxy } from './kernel/networkAddresses';

/** A setting that stops start-up; its message is one line naming the variable and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const commaList = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const QUIET_HOURS = /^(off|([01]?\d|2[0-3])-([01]?\d|2[0-3]))$/;

function isTrustProxySetting(value: string | undefined): boolean {
  try {
    parseTrustProxy(value);
    return true;
  } catch {
    return false;
  }
}

function isAddressList(entries: readonly string[]): boolean {
  try {
    addressListMatcher(entries);
    return true;
  } catch {
    return false;
  }
}

/** Every setting of the service, from the environment. Names are the environment variables'. */
export const ZEnvironment = z.object({
  PORT: integer(3978, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Where residents and staff reach this service; one-time links are built on it. */
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .default('file:data/meethuis.db')
    .refine((url) => url.startsWith('file:') || /^postgres(ql)?:\/\//.test(url), {
      message: 'must start with file: (SQLite) or postgresql:// (PostgreSQL)',
    }),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppTenantId: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  HASH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  MIN_GROUP_SIZE: integer(10, 1),
  /** Another settings file than the project root's `.env`, or `off`. */
  ENV_FILE: z.string().optional(),
  /** `on`: the first start of an embedded (SQLite) install with no responses writes a year of sample responses. */
  DEMO_DATA: z.enum(['on', 'off']).default('on'),
  RETENTION_DAYS: integer(730, 1),
  ABANDON_AFTER_HOURS: integer(24, 1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  FOLLOW_UP_FATIGUE_DAYS: integer(30, 0),
  QUIET_HOURS: z.string().regex(QUIET_HOURS, 'must be like 21-8 (local hours) or off').default('21-8'),
  LINK_TTL_HOURS: integer(168, 1),
  /** Where invitation e-mails go out: smtp:// or smtps://, with credentials; unset, the e-mail target is refused. */
  SMTP_URL: z
    .string()
    .optional()
    .refine((url) => url === undefined || /^smtps?:\/\/[^\s]+$/.test(url), 'must be an smtp:// or smtps:// URL'),
  /** The sender address of invitation e-mails; the name shown is the organisation's. */
  MAIL_FROM: z.email().default('no-reply@localhost'),
  /** Days after an invitation e-mail before its one reminder, or `off`. */
  REMINDER_AFTER_DAYS: z
    .string()
    .default('3')
    .refine((value) => value === 'off' || /^([1-9]|[1-2]\d|30)$/.test(value), 'must be a number of days from 1 to 30, or off')
    .transform((value) => (value === 'off' ? null : Number(value))),
  /** CM.com's messaging gateway (https://gw.messaging.cm.com); unset, the text-message target is refused. */
  SMS_PROVIDER_URL: z
    .string()
    .optional()
    .refine((url) => url === undefined || /^https?:\/\/[^\s/?#]+\/?$/.test(url), 'must be the gateway address, such as https://gw.messaging.cm.com'),
  /** The product token of the CM.com account. */
  SMS_API_KEY: z.string().optional(),
  /** The sender a resident sees: up to 11 letters and digits, or a number of up to 16 digits. */
  SMS_SENDER: z
    .string()
    .regex(/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$|^\d{1,16}$/, 'must be up to 11 letters and digits (such as Gemeente) or a number of up to 16 digits')
    .optional(),
  DIRECTLINE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Hosts bot replies may be sent to; empty means the Bot Framework channels (plus loopback when embedded). */
  SERVICE_URL_ALLOWLIST: commaList,
  /** Origins allowed to frame the web chat page. */
  EMBED_ORIGINS: commaList,
  /** Hosts a webhook may reach over plain http (else https only). */
  WEBHOOK_ALLOW_HTTP: commaList,
  /** Hosts a webhook may reach although they resolve to a loopback, private or link-local address. */
  WEBHOOK_ALLOWED_HOSTS: commaList,
  MAX_BODY_BYTES: integer(64 * 1024, 1024),
  /** A request body that has not fully arrived after this many milliseconds is refused with 408. */
  BODY_TIMEOUT_MS: integer(10_000, 100, 120_000),
  RATE_LIMIT_PER_MINUTE: integer(120, 1),
  RATE_LIMIT_TOKEN_PER_MINUTE: integer(600, 1),
  /** Web chat messages posted per client address per minute: several residents may share one address (an office). */
  RATE_LIMIT_MESSAGES_PER_MINUTE: integer(300, 1),
  /** Web chat polls per client address per minute: about one a second per open chat, several chats behind one address. */
  RATE_LIMIT_POLLS_PER_MINUTE: integer(1200, 1),
  /** How far X-Forwarded-For is believed: unset, a hop count, or the proxies' addresses and CIDRs. */
  TRUST_PROXY: z
    .string()
    .optional()
    .refine((value) => isTrustProxySetting(value), 'must be false, a number of hops, or a comma list of addresses/CIDRs'),
  /** Self-started responses per client address per hour before further ones are held back from the figures. */
  MAX_NEW_RESPONSES_PER_ADDRESS_PER_HOUR: integer(10, 1),
  /** Addresses and CIDRs (a tablet at the counter) whose responses are never held back. */
  RESPONSE_LIMIT_EXEMPT: commaList.refine((entries) => isAddressList(entries), 'must be a comma list of addresses or CIDRs'),
});
export type TEnvironment = z.infer<typeof ZEnvironment>;

/** The invitations the service sends itself, as far as they are configured: e-mail (SMTP_URL), text messages (SMS_PROVIDER_URL). */
export function invitationTargetsOf(config: Pick<TEnvironment, 'SMTP_URL' | 'SMS_PROVIDER_URL'>): TInvitationTarget[] {
  return [...(config.SMTP_URL !== undefined ? (['email'] as const) : []), ...(config.SMS_PROVIDER_URL !== undefined ? (['sms'] as const) : [])];
}

export type TDatabaseProvider = 'sqlite' | 'postgresql';

export interface TConfig extends Omit<TEnvironment, 'HASH_SECRET' | 'ENCRYPTION_KEY' | 'PUBLIC_URL'> {
  PUBLIC_URL: string;
  HASH_SECRET: string;
  ENCRYPTION_KEY: string;
  databaseProvider: TDatabaseProvider;
  /** Where the embedded mode keeps its SQLite file and generated secrets. */
  dataDir: string;
  /** Secrets generated into dataDir this start (the caller warns about them once a logger exists). */
  generatedSecrets: string[];
}

/** The project root's `.env`; ENV_FILE names another, or `off` for none (the tests read none). */
export const DEFAULT_ENV_FILE = fileURLToPath(new URL('../.env', import.meta.url));

/**
 * The environment, completed by a `.env` file where there is one: the service and the CLI read the same settings
 * the same way, and a variable set in the environment wins over the file.
 */
export function environmentWithEnvFile(env: NodeJS.ProcessEnv = process.env): { env: NodeJS.ProcessEnv; file: string | null } {
  if (env.ENV_FILE === 'off') return { env, file: null };
  const file = env.ENV_FILE || DEFAULT_ENV_FILE;
  if (!existsSync(file)) return { env, file: null };
  return { env: { ...parseEnv(readFileSync(file, 'utf8')), ...env }, file };
}

/** A database URL fit for a log line: the password is never printed. */
export function redactedDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

export function databaseProviderOf(url: string): TDatabaseProvider {
  return url.startsWith('file:') ? 'sqlite' : 'postgresql';
}

/**
 * Parses the environment into the service's configuration.
 * Only in the embedded SQLite mode may missing secrets be generated once into the data folder: several
 * PostgreSQL replicas with different keys would not recognise the same resident.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): TConfig {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = ZEnvironment.safeParse(blankless);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${variable}: ${issue.message} (got ${JSON.stringify(env[variable] ?? null)})`);
  }
  const settings = parsed.data;
  if (settings.SMS_PROVIDER_URL !== undefined && settings.SMS_API_KEY === undefined) {
    throw new ConfigError('SMS_API_KEY: is required with SMS_PROVIDER_URL (the product token of the SMS account)');
  }
  if (settings.SMS_PROVIDER_URL !== undefined && settings.SMS_SENDER === undefined) {
    throw new ConfigError('SMS_SENDER: is required with SMS_PROVIDER_URL (the sender residents see, such as Gemeente)');
  }
  const databaseProvider = databaseProviderOf(settings.DATABASE_URL);
  const dataDir =
    databaseProvider === 'sqlite' ? dirname(resolve(cwd, settings.DATABASE_URL.slice('file:'.length))) : resolve(cwd, 'data');

  const generatedSecrets: string[] = [];
  const secret = (name: 'HASH_SECRET' | 'ENCRYPTION_KEY'): string => {
    const given = settings[name];
    if (given) return given;
    if (databaseProvider === 'postgresql') {
      throw new ConfigError(`${name}: is required with PostgreSQL, so that every replica uses the same key`);
    }
    const file = join(dataDir, 'secrets.json');
    const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
    if (!stored[name]) {
      stored[name] = randomBytes(32).toString('base64url');
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
      generatedSecrets.push(name);
    }
    return stored[name];
  };

  return {
    ...settings,
    PUBLIC_URL: (settings.PUBLIC_URL ?? `http://localhost:${settings.PORT}`).replace(/\/$/, ''),
    HASH_SECRET: secret('HASH_SECRET'),
    ENCRYPTION_KEY: secret('ENCRYPTION_KEY'),
    databaseProvider,
    dataDir,
    generatedSecrets,
  };
}
