import { systemClock, type TClock } from '../../kernel/clock';
import {
  ActivityEventNames,
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { CONTEXT_CHANNEL_DATA_KEY } from '../../dialogs/conversationContext';
import { activityIdOf, type DirectLineStore, type TStoredActivity } from './store';

/** The channel id of activities on the local Direct Line channel: what the web chat page talks over. */
export const WEBCHAT_CHANNEL_ID = 'webchat';

/** The bot's account in local Direct Line conversations (Azure uses the bot's handle the same way). */
export const DIRECTLINE_BOT_ACCOUNT: ChannelAccount = { id: 'meethuis-bot', name: 'Meethuis', role: 'bot' };

type TLogic = (context: TurnContext) => Promise<void>;
type TClaimsIdentity = Exclude<Parameters<BotAdapter['continueConversationAsync']>[0], string>;

/**
 * A BotAdapter for the local Direct Line channel. Turns run in this process; what the bot sends goes into
 * the database outbox, from which any replica answers the web chat's poll — there is no HTTP round trip
 * from the bot back to ourselves, and no Azure.
 */
export class DirectLineAdapter extends BotAdapter {
  constructor(
    private readonly store: DirectLineStore,
    private readonly clock: TClock = systemClock,
  ) {
    super();
  }

  /** Runs one incoming activity through the middleware and the bot logic. */
  async processActivity(activity: Partial<Activity>, logic: TLogic): Promise<void> {
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) throw new Error('Direct Line: the turn has no conversation id');
    const responses: ResourceResponse[] = [];
    let pending: TStoredActivity[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const ids = await this.store.append(conversationId, pending);
      if (!ids) throw new Error('Direct Line: the conversation no longer exists');
      responses.push(...ids.map((rowId) => ({ id: activityIdOf(conversationId, rowId) })));
      pending = [];
    };
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await flush();
        await new Promise((resolve) => setTimeout(resolve, typeof activity.value === 'number' ? activity.value : 1000));
        responses.push({ id: '' });
      } else if (activity.type === ActivityTypes.InvokeResponse || activity.type === ActivityTypes.Trace) {
        // Neither is for the client: invoke responses answer the channel's request, traces are for the Emulator.
        await flush();
        responses.push({ id: '' });
      } else {
        pending.push(this.outgoing(activity, conversationId));
      }
    }
    await flush();
    return responses;
  }

  override async updateActivity(): Promise<void> {
    throw new Error('Direct Line: updating a sent activity is not supported by the local channel');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('Direct Line: deleting a sent activity is not supported by the local channel');
  }

  /**
   * A proactive turn in an existing web chat conversation (a follow-up, a reminder). The conversation's
   * context is attached as on every other turn, so the bot knows the organisation and language.
   */
  override async continueConversation(reference: Partial<ConversationReference>, logic: TLogic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) throw new Error('Direct Line: the conversation reference has no conversation id');
    const conversation = await this.store.findConversation(conversationId);
    if (!conversation) throw new Error('Direct Line: the conversation no longer exists');
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: ActivityEventNames.ContinueConversation, timestamp: this.clock() },
      reference,
      true,
    );
    activity.channelData = { [CONTEXT_CHANNEL_DATA_KEY]: conversation.context };
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  override continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: TLogic): Promise<void>;
  override continueConversationAsync(claimsIdentity: TClaimsIdentity, reference: Partial<ConversationReference>, logic: TLogic): Promise<void>;
  override continueConversationAsync(
    claimsIdentity: TClaimsIdentity,
    reference: Partial<ConversationReference>,
    audience: string,
    logic: TLogic,
  ): Promise<void>;
  // The local channel needs no identity or audience: the caller is this process. The overloads keep the
  // CloudAdapter's call shape, so the follow-up sender treats both adapters alike.
  override async continueConversationAsync(
    _identity: string | TClaimsIdentity,
    reference: Partial<ConversationReference>,
    logicOrAudience: TLogic | string,
    maybeLogic?: TLogic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new Error('Direct Line: continueConversationAsync needs a logic function');
    await this.continueConversation(reference, logic);
  }

  /** The activity as the client will read it: our channel's ids and a timestamp, no internal serviceUrl. */
  private outgoing(activity: Partial<Activity>, conversationId: string): TStoredActivity {
    const { serviceUrl: _serviceUrl, id: _id, ...rest } = activity;
    // JSON round trip: Dates become ISO strings and nothing that cannot be stored slips through.
    const plain = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
    return {
      ...plain,
      type: activity.type ?? ActivityTypes.Message,
      channelId: WEBCHAT_CHANNEL_ID,
      conversation: { id: conversationId },
      from: { ...DIRECTLINE_BOT_ACCOUNT, ...(activity.from?.id ? { id: activity.from.id } : {}), role: 'bot' },
      timestamp: this.clock().toISOString(),
    };
  }
}
