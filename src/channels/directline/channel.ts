import { systemClock } from '../../kernel/clock';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { AppError } from '../../kernel/errors';
import type { TLogger } from '../../log';
import { keyedHash } from '../../privacy/crypto';
import { scrubPersonalData } from '../../privacy/scrub';
import { CONTEXT_CHANNEL_DATA_KEY, SLOW_DOWN_EVENT, type TConversationContext } from '../../dialogs/conversationContext';
import type { TPrisma } from '../../db/client';
import type { TJob } from '../../jobs';
import { sharedChannelMiddleware } from '../../bots/adapter';
import { DIRECTLINE_BOT_ACCOUNT, DirectLineAdapter, WEBCHAT_CHANNEL_ID } from './adapter';
import {
  activityIdOf,
  directLinePruneJob,
  DirectLineStore,
  type TActivityPage,
  type TDirectLineStoreOptions,
  type TStoredActivity,
} from './store';
import { DirectLineTokens, TOKEN_LIFETIME_SECONDS, type TDirectLineClaims, type TGrant } from './tokens';

/** What runs a turn: the SurveyBot (an ActivityHandler) or, in channel tests, a small fixture bot. */
export interface TBot {
  run(context: TurnContext): Promise<void>;
}

/** The answer of tokens/generate, tokens/refresh, conversations (start) and conversations/{id} (reconnect). */
export interface TConversationGrant {
  conversationId: string;
  token: string;
  expires_in: number;
}

/** Who called: a token bound to one conversation, or the channel secret (a server of the embedder). */
export type TCaller = { kind: 'token'; claims: TDirectLineClaims } | { kind: 'secret' };

/**
 * An activity as botframework-directlinejs / Web Chat posts it. Unknown fields are dropped: what the bot
 * sees is what we checked. `channelData` keeps only Web Chat's client ids; a `meethuisContext` sent by the
 * client is ignored (the context comes from the token the page was given).
 */
export const ZClientActivity = z.object({
  type: z.enum([ActivityTypes.Message, ActivityTypes.Event, ActivityTypes.Typing]),
  text: z.string().max(20_000).optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: z.string().max(35).optional(),
  localTimezone: z.string().max(64).optional(),
  name: z.string().max(128).optional(),
  value: z.json().optional(),
  from: z.object({ id: z.string().min(1).max(128), name: z.string().max(128).optional() }).optional(),
  attachments: z.array(z.unknown()).max(0, 'attachments are not supported').optional(),
  channelData: z
    .object({
      clientActivityID: z.string().max(128).optional(),
      clientTimestamp: z.string().max(64).optional(),
    })
    .optional(),
});
export type TClientActivity = z.infer<typeof ZClientActivity>;

export interface TDirectLineChannelOptions {
  store: DirectLineStore;
  tokens: DirectLineTokens;
  adapter: DirectLineAdapter;
  bot: TBot;
  hashSecret: string;
  /** DIRECTLINE_SECRET: when set, tokens/generate needs it, and it opens every conversation (as in Azure). */
  secret?: string;
  /** Where the bot could reach this channel; informational only (replies never go over HTTP). */
  serviceUrl: string;
  logger: TLogger;
  clock?: () => Date;
}

/**
 * The local Direct Line 3.0 channel: tokens bound to a conversation, conversation start/resume/reconnect,
 * incoming activities run as turns in this process, and the outbox that any replica serves to the poll.
 * HTTP details stay in src/http/directLine.ts; this class knows nothing of restify.
 */
export class DirectLineChannel {
  private readonly clock: () => Date;

  constructor(private readonly options: TDirectLineChannelOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Who the Authorization header names; 401 without one, 403 for a token that is not (or no longer) good. */
  async authenticate(authorization: string | undefined): Promise<TCaller> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new AppError('unauthorized', 'unauthorized', 'A bearer token is required.');
    const presented = match[1]!;
    if (this.options.secret && sameSecret(presented, this.options.secret)) return { kind: 'secret' };
    const check = await this.options.tokens.verify(presented);
    if (!check.ok) {
      throw check.reason === 'expired'
        ? new AppError('forbidden', 'token_expired', 'The token has expired; start a new conversation.')
        : new AppError('forbidden', 'forbidden', 'The token is not valid.');
    }
    return { kind: 'token', claims: check.claims };
  }

  /** Whether tokens/generate may be called without the secret (no DIRECTLINE_SECRET configured). */
  get isOpen(): boolean {
    return !this.options.secret;
  }

  /**
   * A token for a new conversation carrying the page's context; nothing is stored until it starts, so an open
   * token endpoint costs no rows. An organisation or service that is not registered is a 400.
   */
  async generateToken(context: TConversationContext): Promise<TConversationGrant> {
    const unknown = await this.options.store.unknownContextField(context);
    if (unknown) throw new AppError('invalid', `unknown_${unknown}`, `context.${unknown}: not a registered ${unknown}`, `context.${unknown}`);
    return this.grant(this.options.tokens.newGrant(context));
  }

  /** The same grant with a fresh lifetime. */
  async refreshToken(caller: TCaller): Promise<TConversationGrant> {
    if (caller.kind !== 'token') throw new AppError('invalid', 'invalid_request', 'Only a token can be refreshed.');
    return this.grant(caller.claims);
  }

  /**
   * Starts the token's conversation, or resumes it when it exists already. A start greets like Azure's Direct
   * Line: a conversationUpdate with the bot and the resident as new members, run as a turn before this returns,
   * so the welcome is waiting for the first poll.
   */
  async startConversation(caller: TCaller): Promise<TConversationGrant> {
    const claims = caller.kind === 'token' ? caller.claims : this.options.tokens.newGrant({});
    const created = await this.options.store.createConversation({
      id: claims.conv,
      userKey: this.userKeyOf(claims.user),
      context: claims.ctx,
    });
    if (created) {
      const activity: Partial<Activity> = {
        ...this.envelope(claims.conv, { id: claims.user, name: '', role: 'user' }, claims.ctx),
        type: ActivityTypes.ConversationUpdate,
        id: randomUUID(),
        membersAdded: [DIRECTLINE_BOT_ACCOUNT, { id: claims.user, name: '', role: 'user' }],
      };
      try {
        await this.runTurn(activity);
      } catch (error) {
        // The conversation exists and the resident can still write; the bot greets on their first message.
        this.options.logger.error({ err: error, conversationId: claims.conv }, 'direct line: welcome turn failed');
      }
    }
    return this.grant(claims);
  }

  /** GET conversations/{id}: the client reconnects (404 for an unknown conversation). */
  async reconnect(caller: TCaller, conversationId: string): Promise<TConversationGrant> {
    const claims = this.claimsFor(caller, conversationId);
    const conversation = await this.options.store.findConversation(conversationId);
    if (!conversation) throw notFound();
    // The secret reaches any conversation but names no user: the token it gets back is for a fresh one.
    return this.grant(claims ?? { ...this.options.tokens.newGrant(conversation.context), conv: conversationId });
  }

  /**
   * Stores the echo of the resident's activity (with the scrubbed text: the raw text is handed to the bot and
   * never stored here), then runs the turn. Answers once the bot has answered, as Azure's Direct Line does.
   */
  async postActivity(caller: TCaller, conversationId: string, input: TClientActivity): Promise<{ id: string }> {
    const claims = this.claimsFor(caller, conversationId);
    // With the secret the caller is a server speaking for some user; with a token the token names the user.
    const userId = claims?.user ?? input.from?.id;
    if (!userId) throw new AppError('invalid', 'invalid_request', 'from.id: required when posting with the secret', 'from.id');
    if (input.type === ActivityTypes.Typing) return { id: `${conversationId}|typing` };
    const conversation = await this.options.store.findConversation(conversationId);
    if (!conversation) throw notFound();

    // Never the client's `from.name`: the page or the resident fills it in, often with their own name, and this
    // account is stored with the echo and handed to the bot, neither of which needs it.
    const from = { id: userId, name: '', role: 'user' };
    const clientIds = {
      ...(input.channelData?.clientActivityID ? { clientActivityID: input.channelData.clientActivityID } : {}),
      ...(input.channelData?.clientTimestamp ? { clientTimestamp: input.channelData.clientTimestamp } : {}),
    };
    const common = {
      type: input.type,
      ...(input.locale ? { locale: input.locale } : {}),
      ...(input.textFormat ? { textFormat: input.textFormat } : {}),
      ...(input.name ? { name: input.name } : {}),
    };
    const echo: TStoredActivity = {
      ...common,
      channelId: WEBCHAT_CHANNEL_ID,
      conversation: { id: conversationId },
      from,
      recipient: DIRECTLINE_BOT_ACCOUNT,
      timestamp: this.clock().toISOString(),
      ...(input.text !== undefined ? { text: scrubPersonalData(input.text).text } : {}),
      channelData: clientIds,
    };
    const ids = await this.options.store.append(conversationId, [echo]);
    if (!ids) throw notFound();
    const id = activityIdOf(conversationId, ids[0]!);

    const activity: Partial<Activity> = {
      ...this.envelope(conversationId, from, conversation.context),
      ...common,
      id,
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(input.value !== undefined ? { value: input.value } : {}),
      ...(input.localTimezone ? { localTimezone: input.localTimezone } : {}),
      channelData: { ...clientIds, [CONTEXT_CHANNEL_DATA_KEY]: conversation.context },
    };
    try {
      await this.runTurn(activity);
    } catch (error) {
      this.options.logger.error({ err: error, conversationId }, 'direct line: turn failed');
      throw new AppError('failed', 'bot_error', 'The bot could not handle the message; please try again.');
    }
    return { id };
  }

  /**
   * In place of a message over the address's limit: the message is not handed to the bot, which instead tells the
   * resident, in their language, to wait a minute. Never a silent failure, and never the turn the message would cost.
   */
  async slowDown(caller: TCaller, conversationId: string): Promise<{ id: string }> {
    const claims = this.claimsFor(caller, conversationId);
    const conversation = await this.options.store.findConversation(conversationId);
    if (!conversation) throw notFound();
    const user = { id: claims?.user ?? 'secret', name: '', role: 'user' };
    await this.runTurn({ ...this.envelope(conversationId, user, conversation.context), type: ActivityTypes.Event, name: SLOW_DOWN_EVENT, id: randomUUID() });
    return { id: `${conversationId}|limited` };
  }

  /** GET conversations/{id}/activities?watermark=: what arrived after the watermark. */
  async getActivities(caller: TCaller, conversationId: string, watermark: number): Promise<TActivityPage> {
    this.claimsFor(caller, conversationId);
    const page = await this.options.store.readAfter(conversationId, watermark);
    if (!page) throw notFound();
    return page;
  }

  /** The keyed hash the conversation row keeps instead of the channel's user id. */
  userKeyOf(userId: string): string {
    return keyedHash(this.options.hashSecret, `${WEBCHAT_CHANNEL_ID}:${userId}`);
  }

  private runTurn(activity: Partial<Activity>): Promise<void> {
    return this.options.adapter.processActivity(activity, (context) => this.options.bot.run(context));
  }

  /** The token's claims when it grants this conversation; 403 for another conversation's token. */
  private claimsFor(caller: TCaller, conversationId: string): TDirectLineClaims | undefined {
    if (caller.kind === 'secret') return undefined;
    if (caller.claims.conv !== conversationId) throw new AppError('forbidden', 'forbidden', 'The token is for another conversation.');
    return caller.claims;
  }

  private async grant(claims: TGrant): Promise<TConversationGrant> {
    const issued = await this.options.tokens.issue(claims);
    return { conversationId: claims.conv, token: issued.token, expires_in: TOKEN_LIFETIME_SECONDS };
  }

  private envelope(conversationId: string, from: Activity['from'], context: TConversationContext): Partial<Activity> {
    return {
      channelId: WEBCHAT_CHANNEL_ID,
      serviceUrl: this.options.serviceUrl,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from,
      recipient: DIRECTLINE_BOT_ACCOUNT,
      timestamp: this.clock(),
      ...localeOf(context),
      channelData: { [CONTEXT_CHANNEL_DATA_KEY]: context },
    };
  }
}

/** The page's language as the activity's locale where the client sent none: the chosen one, else the browser's. */
function localeOf(context: TConversationContext): Pick<Activity, 'locale'> | Record<string, never> {
  const language = context.language ?? context.languageHint;
  return language ? { locale: language } : {};
}

function notFound(): AppError {
  return new AppError('not-found', 'conversation_not_found', 'The conversation does not exist or has ended.');
}

function sameSecret(presented: string, secret: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface TDirectLineSetup {
  prisma: TPrisma;
  bot: TBot;
  hashSecret: string;
  secret?: string;
  publicUrl: string;
  logger: TLogger;
  replicaId: string;
  clock?: () => Date;
  storeOptions?: TDirectLineStoreOptions;
  /** The bot's turn error handler (answers kindly); without one a failed turn is a 502 to the client. */
  onTurnError?: (context: TurnContext, error: Error) => Promise<void>;
}

/** Builds the local Direct Line channel (store, tokens, adapter, channel) and its pruning job. */
export function createDirectLine(setup: TDirectLineSetup): {
  channel: DirectLineChannel;
  adapter: DirectLineAdapter;
  store: DirectLineStore;
  pruneJob: TJob;
} {
  const clock = setup.clock ?? systemClock;
  const store = new DirectLineStore(setup.prisma, { clock, ...setup.storeOptions });
  const adapter = new DirectLineAdapter(store, clock);
  adapter.use(...sharedChannelMiddleware());
  if (setup.onTurnError) adapter.onTurnError = setup.onTurnError;
  const channel = new DirectLineChannel({
    store,
    tokens: new DirectLineTokens(setup.hashSecret, clock),
    adapter,
    bot: setup.bot,
    hashSecret: setup.hashSecret,
    ...(setup.secret ? { secret: setup.secret } : {}),
    serviceUrl: `${setup.publicUrl}/v3/directline`,
    logger: setup.logger,
    clock,
  });
  return { channel, adapter, store, pruneJob: directLinePruneJob(setup.prisma, store, setup.replicaId) };
}
