import { ActivityHandler, type TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { TStateStorage } from '../db/databaseStorage';
import type { TFollowUpStart } from '../followups/contract';
import { DEFAULT_LANGUAGE, languageFromLocale } from '../i18n/languages';
import { SurveyConversation } from '../dialogs/surveyConversation';
import { SurveySession, type TSurveyServices } from '../dialogs/session';
import { Texts } from '../dialogs/texts';
import { conversationContextOf, SLOW_DOWN_EVENT } from '../dialogs/conversationContext';
import { holdReplies } from './heldReplies';
import { hashedStateDocuments, type StateDocument } from './stateDocuments';
import { describeError, dialogStackOf, SurveyTurnError } from './turnErrors';

/** What the SurveyBot is built from (src/app.ts wires it; tests give it a test database). */
export interface TSurveyBotDependencies extends TSurveyServices {
  /** Where conversation and resident state live: DatabaseStorage, so any replica can serve any turn. */
  storage: TStateStorage;
}

/**
 * The survey bot for every channel (web chat over the local Direct Line, Teams over /api/messages). Thin on
 * purpose: it routes activities to the survey conversation, saves the state, and only then lets the turn's
 * replies out; one error handler answers kindly when anything fails.
 */
export class SurveyBot extends ActivityHandler {
  private readonly conversationState: StateDocument;
  private readonly residentState: StateDocument;
  private readonly session: SurveySession;
  private readonly conversation: SurveyConversation;

  constructor(private readonly dependencies: TSurveyBotDependencies) {
    super();
    const { conversation, resident } = hashedStateDocuments(dependencies.storage, dependencies.hashSecret);
    this.conversationState = conversation;
    this.residentState = resident;
    this.session = new SurveySession(dependencies, conversation.property('survey'), resident.property('profile'));
    this.conversation = new SurveyConversation(this.session, conversation.property<DialogState>('dialogState'));

    this.onMessage(async (context, next) => {
      await this.conversation.onMessage(context);
      await next();
    });
    // The message was not taken: the resident hears why, in their language, and what stood open stays open.
    this.onEvent(async (context, next) => {
      if (context.activity.name === SLOW_DOWN_EVENT) await this.session.say(context, 'error.slowDown');
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((member) => member.id !== botId)) {
        await this.conversation.onConversationStart(context);
      }
      await next();
    });
  }

  /** One turn: the handlers, then its answers and state together, then the replies; a failure anywhere is answered kindly. */
  override async run(context: TurnContext): Promise<void> {
    await this.inTurn(context, () => super.run(context), 'answer kindly');
  }

  /**
   * Starts a follow-up survey in an existing conversation: the logic of a proactive turn
   * (`adapter.continueConversationAsync(appId, reference, (turn) => bot.openFollowUp(turn, followUp))`).
   * A failure is thrown, not answered: the resident asked nothing, and the follow-up queue retries.
   */
  async openFollowUp(context: TurnContext, followUp: TFollowUpStart): Promise<void> {
    await this.inTurn(context, () => this.conversation.openFollowUp(context, followUp), 'throw');
  }

  /**
   * The one turn error handler (also fit for `adapter.onTurnError`): logs where the conversation was when the turn
   * began and the error's code — never what the resident wrote — and answers in the resident's language. A failed
   * turn stores neither its answers nor its state, so the resident is asked the same thing again and nothing stored
   * is lost; a turn that held an answer is reported as not saved.
   */
  readonly handleTurnError = async (context: TurnContext, error: unknown): Promise<void> => {
    this.dependencies.logger.error(
      {
        error: describeError(error),
        dialogStack: dialogStackOf(this.conversationState.asRead(context)),
        channel: context.activity.channelId,
        activityType: context.activity.type,
      },
      'survey turn failed',
    );
    const language =
      this.session.cachedState(context)?.language ??
      conversationContextOf(context.activity.channelData).language ??
      languageFromLocale(context.activity.locale) ??
      DEFAULT_LANGUAGE;
    const texts = new Texts(this.dependencies.i18n, language);
    const key = this.session.answerPending(context) ? 'error.notSaved' : 'error.general';
    try {
      await context.sendActivity(texts.message(texts.chat(key)));
    } catch {
      // The channel itself is down too; what it logs must not carry the original message (query arguments).
      throw new SurveyTurnError(error);
    }
  };

  private async inTurn(context: TurnContext, work: () => Promise<void>, onError: 'answer kindly' | 'throw'): Promise<void> {
    const replies = holdReplies(context);
    try {
      await work();
      await this.session.commitTurn(context, async (within) => {
        await this.residentState.save(context, within);
        await this.conversationState.save(context, within);
      });
    } catch (error) {
      replies.discard();
      if (onError === 'throw') {
        this.dependencies.logger.warn(
          { error: describeError(error), dialogStack: dialogStackOf(this.conversationState.asRead(context)), channel: context.activity.channelId },
          'proactive survey turn failed',
        );
        throw error;
      }
      await this.handleTurnError(context, error);
      return;
    }
    await replies.release();
  }
}
