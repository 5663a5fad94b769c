import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type Activity,
  type BotAdapter,
  type ConversationReference,
  type InvokeResponse,
  type Middleware,
} from 'botbuilder';
import { z } from 'zod';
import type { TConfig } from '../config';
import type { TLogger } from '../log';
import { CONTEXT_CHANNEL_DATA_KEY } from '../dialogs/conversationContext';
import type { ConversationReferenceStore } from './conversationReferences';

type TLogic = (context: TurnContext) => Promise<void>;

/**
 * Hosts of the Bot Framework channels' connector services (Teams public and government clouds, and the
 * channels hosted on botframework.com), the default SERVICE_URL_ALLOWLIST.
 */
export const BOT_FRAMEWORK_SERVICE_HOSTS = [
  'smba.trafficmanager.net',
  '*.botframework.com',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
  '*.botframework.azure.us',
] as const;

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

export interface TServiceUrlAllowlist {
  readonly entries: readonly string[];
  allows(serviceUrl: string | undefined): boolean;
}

/**
 * Where replies may go. An entry is a host (`smba.trafficmanager.net`), a wildcard for its subdomains
 * (`*.botframework.com`) or a host with a port (`127.0.0.1:3979`). Other than loopback, only https:
 * a signed Bot Framework token is no reason to send a resident's conversation over plain http.
 */
export function serviceUrlAllowlist(configured: readonly string[], embedded: boolean): TServiceUrlAllowlist {
  const entries = (configured.length > 0 ? configured : [...BOT_FRAMEWORK_SERVICE_HOSTS, ...(embedded ? LOOPBACK_HOSTS : [])]).map(
    (entry) => entry.trim().toLowerCase(),
  );
  return {
    entries,
    allows(serviceUrl) {
      if (!serviceUrl) return false;
      let url: URL;
      try {
        url = new URL(serviceUrl);
      } catch {
        return false;
      }
      if (url.username || url.password) return false;
      const loopback = isLoopbackHost(url.hostname);
      if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) return false;
      return entries.some((entry) => {
        if (entry.startsWith('*.')) return url.hostname.endsWith(entry.slice(1)) && url.hostname.length > entry.length - 1;
        return entry.includes(':') && !entry.startsWith('[') ? url.host === entry : url.hostname === entry;
      });
    },
  };
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Whether a socket's peer is this machine (`/api/messages` without an app id accepts nothing else). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(address);
}

/**
 * CloudAdapter with its turn processing opened to our route. `CloudAdapter.process` answers errors itself
 * (plain text, console output); going through processActivity lets `/api/messages` keep the JSON error
 * contract while authentication stays CloudAdapter's own.
 */
export class BotEndpointAdapter extends CloudAdapter {
  processIncoming(authHeader: string, activity: Activity, logic: TLogic): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

export interface TBotAdapterOptions {
  config: Pick<
    TConfig,
    'MicrosoftAppId' | 'MicrosoftAppPassword' | 'MicrosoftAppType' | 'MicrosoftAppTenantId' | 'SERVICE_URL_ALLOWLIST' | 'databaseProvider'
  >;
  logger: TLogger;
  references: ConversationReferenceStore;
  /** Replaces the default turn error handler (log and fail the request); the SurveyBot's answers kindly. */
  onTurnError?: (context: TurnContext, error: Error) => Promise<void>;
}

/**
 * The CloudAdapter for the Bot Framework channels (Teams, Azure's Direct Line) behind `/api/messages`.
 * With a MicrosoftAppId, CloudAdapter verifies the channel's token, including that its serviceUrl claim matches
 * the activity; without one it authenticates nothing, which is why the route then admits loopback callers only.
 */
export function createBotEndpointAdapter({ config, logger, references, onTurnError }: TBotAdapterOptions): {
  adapter: BotEndpointAdapter;
  allowlist: TServiceUrlAllowlist;
} {
  const authentication = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
  });
  const adapter = new BotEndpointAdapter(authentication);
  const allowlist = serviceUrlAllowlist(config.SERVICE_URL_ALLOWLIST, config.databaseProvider === 'sqlite');
  adapter.use(serviceUrlGuard(allowlist), dropClientContext(), teamsMentionRemover(), submitValueAsText(), rememberConversation(references, logger));
  adapter.onTurnError =
    onTurnError ??
    (async (context, error) => {
      logger.error({ err: error, channel: context.activity.channelId, type: context.activity.type }, 'bot turn failed');
      throw error;
    });
  return { adapter, allowlist };
}

/**
 * Every send of a turn — replies and proactive messages alike — checks the turn's serviceUrl against the
 * allowlist, so a stored or forged reference cannot make the bot post a conversation to a foreign host.
 */
export function serviceUrlGuard(allowlist: TServiceUrlAllowlist): Middleware {
  return {
    async onTurn(context, next) {
      context.onSendActivities(async (ctx, activities, send) => {
        if (!allowlist.allows(ctx.activity.serviceUrl)) {
          throw new Error(`serviceUrl is not on SERVICE_URL_ALLOWLIST: ${ctx.activity.serviceUrl ?? '(none)'}`);
        }
        return send();
      });
      await next();
    },
  };
}

/** The conversation context is the local channel's to attach; a Bot Framework client cannot set it. */
export function dropClientContext(): Middleware {
  return {
    async onTurn(context, next) {
      const channelData: unknown = context.activity.channelData;
      if (channelData && typeof channelData === 'object' && CONTEXT_CHANNEL_DATA_KEY in channelData) {
        const { [CONTEXT_CHANNEL_DATA_KEY]: _dropped, ...rest } = channelData as Record<string, unknown>;
        context.activity.channelData = rest;
      }
      await next();
    },
  };
}

/** In Teams group chats and channels the text starts with `<at>Bot</at>`; the answer is what follows. */
export function teamsMentionRemover(): Middleware {
  return {
    async onTurn(context, next) {
      if (context.activity.channelId === 'msteams' && context.activity.type === ActivityTypes.Message && context.activity.text) {
        TurnContext.removeRecipientMention(context.activity);
        context.activity.text = context.activity.text.trim();
      }
      await next();
    },
  };
}

/**
 * The submit format of Adaptive Cards (Teams, Web Chat): `Action.Submit` with `data: { "answer": "4" }`
 * arrives as a message with no text and `value: { answer: "4" }`. It is handed to the bot as the text "4",
 * the same as a typed or tapped answer, so the recognisers need no channel knowledge. `value` stays as sent.
 */
export const ZSubmitValue = z.object({ answer: z.union([z.string().min(1).max(1000), z.number().finite()]) });

export function submitValueAsText(): Middleware {
  return {
    async onTurn(context, next) {
      const { activity } = context;
      if (activity.type === ActivityTypes.Message && !activity.text?.trim() && activity.value !== undefined) {
        const submitted = ZSubmitValue.safeParse(activity.value);
        if (submitted.success) activity.text = String(submitted.data.answer);
      }
      await next();
    },
  };
}

/** Remembers who wrote, so a follow-up can reach them later; a failure here must not cost the resident their turn. */
export function rememberConversation(references: ConversationReferenceStore, logger: TLogger): Middleware {
  return {
    async onTurn(context, next) {
      const { activity } = context;
      const fromResident = activity.type === ActivityTypes.Message || activity.type === ActivityTypes.ConversationUpdate;
      if (fromResident && activity.from?.id && activity.from.role !== 'bot') {
        await references
          .rememberTurn(context)
          .catch((error: unknown) => logger.warn({ err: error, channel: activity.channelId }, 'could not store the conversation reference'));
      }
      await next();
    },
  };
}

/** Middleware the local Direct Line adapter shares with the Bot Framework one. */
export function sharedChannelMiddleware(): Middleware[] {
  return [submitValueAsText()];
}

/**
 * Proactive turns on the Bot Framework channels, by resident: the follow-up sender finds the stored
 * reference and runs its logic (the bot's opening message) in that conversation.
 */
export class ProactiveChannels {
  constructor(
    private readonly adapter: BotAdapter,
    private readonly references: ConversationReferenceStore,
    private readonly appId: string,
  ) {}

  /** Runs `logic` in the resident's stored conversation; false when there is none to continue. */
  async continueByResidentKey(channel: string, residentKey: string, logic: TLogic): Promise<boolean> {
    const reference = await this.references.findByResidentKey(channel, residentKey);
    if (!reference) return false;
    await this.continue(reference, logic);
    return true;
  }

  /** The same by the channel's user id (Teams `29:…`) or the Teams AAD object id. */
  async continueByUserId(channel: string, userId: string, logic: TLogic): Promise<boolean> {
    const reference = await this.references.findByUserId(channel, userId);
    if (!reference) return false;
    await this.continue(reference, logic);
    return true;
  }

  private continue(reference: Partial<ConversationReference>, logic: TLogic): Promise<void> {
    return this.adapter.continueConversationAsync(this.appId, reference, logic);
  }
}
