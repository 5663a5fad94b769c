import type { Activity, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { isLoopbackAddress, type BotEndpointAdapter, type TServiceUrlAllowlist } from '../bots/adapter';
import { AppError } from '../kernel/errors';
import { parseInput } from './errors';
import { BOT_ENDPOINT } from './paths';
import type { THttpServer } from './server';

export interface TBotEndpointOptions {
  adapter: BotEndpointAdapter;
  bot: { run(context: TurnContext): Promise<void> };
  allowlist: TServiceUrlAllowlist;
  /** True without a MicrosoftAppId: nobody's token is checked, so only this machine may call. */
  loopbackOnly: boolean;
}

const ZAccount = z.looseObject({ id: z.string().min(1).max(512), name: z.string().max(512).optional() });

/**
 * The Bot Framework activity, as far as we rely on it before CloudAdapter takes over; the rest of the
 * schema (entities, attachments, Teams' channelData …) passes through for the bot.
 */
export const ZBotFrameworkActivity = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(512).optional(),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  conversation: z.looseObject({ id: z.string().min(1).max(1024) }),
  from: ZAccount.extend({ aadObjectId: z.string().max(128).optional() }),
  recipient: ZAccount.optional(),
  text: z.string().max(20_000).optional(),
  locale: z.string().max(35).optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
  timestamp: z.string().max(64).optional(),
});

/**
 * POST /api/messages: the Bot Framework endpoint (Teams, Azure Bot Service). Bad bodies are 400s here, before
 * CloudAdapter, which would otherwise answer in plain text or fail on a half-formed activity.
 */
export function registerBotEndpoint({ route }: THttpServer, { adapter, bot, allowlist, loopbackOnly }: TBotEndpointOptions): void {
  route('post', BOT_ENDPOINT, async (req, res) => {
    if (loopbackOnly && !isLoopbackAddress(req.socket.remoteAddress)) {
      throw new AppError('forbidden', 'forbidden', 'Without a Microsoft app id this endpoint accepts local callers only.');
    }
    const activity = parseInput(ZBotFrameworkActivity, req.body);
    if (!allowlist.allows(activity.serviceUrl)) {
      throw new AppError('forbidden', 'service_url_not_allowed', 'serviceUrl: replies may not be sent there', 'serviceUrl');
    }
    let invokeResponse;
    try {
      invokeResponse = await adapter.processIncoming(req.header('authorization') ?? '', activity as unknown as Activity, (context) =>
        bot.run(context),
      );
    } catch (error) {
      // botframework-connector's AuthenticationError carries the status it means (401, or 403 for a wrong claim).
      const status = (error as { statusCode?: unknown }).statusCode;
      if (status === 401 || status === 403) {
        throw new AppError('unauthorized', 'unauthorized', 'The Bot Framework token is missing or not valid.');
      }
      throw error;
    }
    if (invokeResponse) res.send(invokeResponse.status, invokeResponse.body ?? {});
    else res.send(200, {});
  });
}
