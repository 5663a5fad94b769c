import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogContext, type DialogState } from 'botbuilder-dialogs';
import { conversationContextOf, type TConversationContext } from './conversationContext';
import type { TFollowUpStart } from '../followups/contract';
import { DEFAULT_LANGUAGE, languageFromLocale, type TLanguage } from '../i18n/languages';
import type { TStoredResponse } from '../scoring/answerStore';
import { ContactDetailDialog, ContactMethodDialog } from './closeLoopDialogs';
import { inputOf } from './inputDialog';
import { LANGUAGE_DIALOG, LanguageDialog } from './languageDialog';
import { languageOfMessage } from './messageLanguage';
import type { TOrganisationInfo } from './organisationDirectory';
import { QuestionDialog } from './questionDialog';
import { MAX_TEXT_LENGTH, recogniseCommand, type TCommand } from './recognizers';
import { DEFAULT_ABANDON_AFTER_HOURS, type SurveySession } from './session';
import { rememberedAnswersOf } from './state';
import { ERASE_FLOW, FOLLOW_UP_FLOW, RESUME_FLOW, SELF_STARTED_FLOW, SurveyFlows } from './surveyFlows';
import type { TChatKey } from './texts';
import { YesNoDialog } from './yesNoDialog';

/** The organisation a conversation belongs to when the page names none (README, "The web chat page"). */
export const DEFAULT_ORGANISATION = 'demo';

/**
 * botbuilder-dialogs builds the memory scopes of every DialogContext's DialogStateManager anew on each turn (a
 * dependency-graph resolution, ~2% of a turn) and keeps them in turn state under this key. The scopes hold no state
 * of their own, so the set built on the first turn serves all later ones.
 */
const DIALOG_STATE_CONFIGURATION = 'DialogStateManagerConfiguration';

const HELP_KEYS = ['help.answering', 'help.commands', 'help.erase', 'help.optOut'] as const satisfies readonly TChatKey[];

/**
 * The survey conversation: one DialogSet with the generic question dialog, the conversation's own
 * yes/no, language and call-back moments, and the flows over them. Commands (help, stop, language,
 * erase, opt out) are taken at any moment, before the active dialog sees the message.
 */
export class SurveyConversation {
  private readonly dialogs: DialogSet;
  private dialogStateConfiguration: unknown;

  constructor(
    private readonly session: SurveySession,
    dialogState: StatePropertyAccessor<DialogState>,
  ) {
    this.dialogs = new DialogSet(dialogState);
    this.dialogs
      .add(new QuestionDialog(session))
      .add(new YesNoDialog(session))
      .add(new LanguageDialog(session))
      .add(new ContactMethodDialog(session))
      .add(new ContactDetailDialog(session));
    for (const flow of new SurveyFlows(session).dialogs()) this.dialogs.add(flow);
  }

  private async createContext(context: TurnContext): Promise<DialogContext> {
    if (this.dialogStateConfiguration) context.turnState.set(DIALOG_STATE_CONFIGURATION, this.dialogStateConfiguration);
    const dc = await this.dialogs.createContext(context);
    this.dialogStateConfiguration ??= context.turnState.get(DIALOG_STATE_CONFIGURATION);
    return dc;
  }

  /** Someone joined the conversation (the web chat opened): greet them without waiting for a message. */
  async onConversationStart(context: TurnContext): Promise<void> {
    const dc = await this.createContext(context);
    await this.returnedAfterAbandoning(context);
    if (!dc.activeDialog) await this.begin(dc);
  }

  /** Notes this turn's time; true when the previous one was longer ago than the abandon time. */
  private async returnedAfterAbandoning(context: TurnContext): Promise<boolean> {
    const state = await this.session.state(context);
    const now = this.session.now();
    const previous = state.lastTurnAt === undefined ? Number.NaN : Date.parse(state.lastTurnAt);
    state.lastTurnAt = now.toISOString();
    const abandonAfterMs = (this.session.services.abandonAfterHours ?? DEFAULT_ABANDON_AFTER_HOURS) * 3_600_000;
    return Number.isFinite(previous) && now.getTime() - previous > abandonAfterMs;
  }

  async onMessage(context: TurnContext): Promise<void> {
    const dc = await this.createContext(context);
    if (dc.activeDialog && (await this.returnedAfterAbandoning(context))) {
      // The resident left mid-survey long ago: rather than a bare re-prompt, they are welcomed back and offered
      // to continue (their answers are stored; the response may be marked abandoned meanwhile).
      await dc.cancelAllDialogs();
    }
    const input = inputOf(context.activity);
    if (input.length > MAX_TEXT_LENGTH) {
      // Refused before anything reads it: the active question stays open, and this is not a miss.
      await this.session.say(context, 'text.tooLong', { max: MAX_TEXT_LENGTH });
      return;
    }
    const state = await this.session.state(context);
    const firstMessage = !state.residentHasWritten;
    state.residentHasWritten = true;
    const command = recogniseCommand(input, this.session.lexicon);
    // On the language question a language name is the answer itself.
    if (command && !(command.command === 'switchLanguage' && dc.activeDialog?.id === LANGUAGE_DIALOG)) {
      await this.runCommand(dc, command);
      return;
    }
    if (firstMessage && (await this.languageToldByFirstMessage(dc, input))) return;
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await this.begin(dc);
  }

  /**
   * The resident's first message may tell their language where only a guess settled it (the channel's locale, or
   * nothing): "Bon dia" after a Dutch welcome starts again in Papiamentu, and answers the language question if that
   * is open. A greeting in any case answers nothing, and gets the open question again. True when that handled the
   * message; a sentence that may also be an answer is left to the dialogs.
   */
  private async languageToldByFirstMessage(dc: DialogContext, input: string): Promise<boolean> {
    const { context } = dc;
    const told = languageOfMessage(input, this.session.lexicon);
    if (!told) return false;
    const state = await this.session.state(context);
    const mayTell = !state.languageKnown || state.languageHinted;
    const changed = mayTell && told.language !== state.language;
    if (mayTell) await this.session.switchLanguage(context, told.language, { explicit: false });
    if (!dc.activeDialog) return false;
    if (dc.activeDialog.id === LANGUAGE_DIALOG) {
      await dc.endDialog(told.language);
      return true;
    }
    if (told.greetingOnly && changed && dc.stack[0]?.id === SELF_STARTED_FLOW && !state.responseId) {
      // Nothing is stored before the consent: the welcome and the privacy notice again, now in their language.
      await dc.cancelAllDialogs();
      await this.begin(dc);
      return true;
    }
    if (changed) await this.session.say(context, 'language.switched');
    if (!told.greetingOnly) return false;
    // A greeting answers nothing: the open question again, without a "sorry, I did not understand".
    await dc.repromptDialog();
    return true;
  }

  /**
   * Opens a staff member's follow-up in this conversation (a proactive turn, or a link): whatever was under
   * way stops — its answers stay stored — and the invitation is sent.
   */
  async openFollowUp(context: TurnContext, followUp: TFollowUpStart): Promise<void> {
    const dc = await this.createContext(context);
    await dc.cancelAllDialogs();
    await this.startFollowUp(dc, followUp);
  }

  /**
   * What a conversation with nothing under way does with the resident's message: a follow-up link first,
   * then an unfinished response of this conversation, a waiting follow-up, "already done", or a new survey.
   */
  private async begin(dc: DialogContext): Promise<void> {
    const { context } = dc;
    const { followUps } = this.session.services;
    const answers = this.session.responses(context);
    const state = await this.session.state(context);
    const keys = this.session.keys(context);
    const page = conversationContextOf(context.activity.channelData);

    if (page.followUpLink && state.link === undefined) {
      const claim = followUps ? await followUps.claimLink(page.followUpLink, keys.residentKey, page.linkHolderKey) : undefined;
      if (claim?.ok) {
        state.link = 'claimed';
        // The browser that opened the link before, in a chat since closed: it goes on with the same response.
        const earlier = await answers.adoptFollowUpResponse(claim.followUp.followUpId, keys);
        if (earlier) {
          await this.prepareResume(context, earlier);
          await dc.beginDialog(RESUME_FLOW);
          return;
        }
        await this.startFollowUp(dc, claim.followUp);
        return;
      }
      state.link = 'rejected';
    }
    if (state.link === 'rejected') {
      await this.languageIfNone(context);
      await this.session.say(context, 'link.expired');
      return;
    }

    const unfinished = await answers.findResumableResponse(keys.conversationKey);
    if (unfinished) {
      await this.prepareResume(context, unfinished);
      await dc.beginDialog(RESUME_FLOW);
      return;
    }

    const waiting = followUps ? await followUps.pendingFor(context.activity.channelId, keys.residentKey) : null;
    if (waiting && !state.declinedFollowUps.includes(waiting.followUpId)) {
      await this.startFollowUp(dc, waiting);
      return;
    }

    if (state.completedResponseId) {
      await this.languageIfNone(context);
      await this.session.say(context, 'closing.alreadyCompleted');
      return;
    }

    await this.prepareSelfStarted(context, page);
    await dc.beginDialog(SELF_STARTED_FLOW);
  }

  private async runCommand(dc: DialogContext, command: TCommand): Promise<void> {
    const { context } = dc;
    switch (command.command) {
      case 'help':
        await this.sendHelp(context);
        if (dc.activeDialog) await dc.repromptDialog();
        return;
      case 'stop': {
        const state = await this.session.state(context);
        if (!dc.activeDialog && state.completedResponseId) {
          await this.session.say(context, 'closing.alreadyCompleted');
          return;
        }
        // The answers are stored already; a later message offers to continue where the resident stopped.
        await dc.cancelAllDialogs();
        await this.session.say(context, 'pause.paused');
        return;
      }
      case 'switchLanguage':
        await this.session.switchLanguage(context, command.language, { explicit: true });
        if (!dc.activeDialog) {
          await this.begin(dc);
          return;
        }
        await this.session.say(context, 'language.switched');
        await dc.repromptDialog();
        return;
      case 'erase':
        if (dc.stack.some((instance) => instance.id === ERASE_FLOW)) await dc.repromptDialog();
        else await dc.beginDialog(ERASE_FLOW);
        return;
      case 'optOut':
        await this.session.services.followUps?.optOut(this.session.keys(context).residentKey);
        await this.session.say(context, 'optOut.confirmed');
        if (dc.activeDialog) await dc.repromptDialog();
        return;
    }
  }

  /** How to answer and the commands, then how to reach a person and where to complain (from the organisation). */
  private async sendHelp(context: TurnContext): Promise<void> {
    await this.languageIfNone(context);
    for (const key of HELP_KEYS) await this.session.say(context, key);
    const organisation = await this.organisationOf(context);
    if (organisation?.contact) await this.session.say(context, 'help.person', { contact: organisation.contact });
    if (organisation?.complaints) await this.session.say(context, 'help.complaints', { complaints: organisation.complaints });
  }

  private async organisationOf(context: TurnContext): Promise<TOrganisationInfo | undefined> {
    const { directory } = this.session.services;
    const state = await this.session.state(context);
    if (state.organisationId) return directory.organisationById(state.organisationId);
    const page = conversationContextOf(context.activity.channelData);
    return (
      (page.organisation ? await directory.organisationBySlug(page.organisation) : undefined) ??
      (await directory.organisationBySlug(DEFAULT_ORGANISATION))
    );
  }

  /**
   * The conversation's language by the README's precedence: the resident's explicit choice > the follow-up's
   * language > the page's `lang` > the resident's first message (see languageToldByFirstMessage) > the channel's
   * locale; else what this conversation already settled on, else nl (and then the language is asked).
   */
  private async settleLanguage(context: TurnContext, followUpLanguage?: TLanguage): Promise<void> {
    const state = await this.session.state(context);
    const profile = await this.session.profile(context);
    const page = conversationContextOf(context.activity.channelData);
    const told = profile.language ?? followUpLanguage ?? page.language;
    const hinted = languageFromLocale(context.activity.locale);
    if (told) {
      Object.assign(state, { language: told, languageKnown: true, languageHinted: false });
    } else if (state.languageKnown && !state.languageHinted) {
      // The resident's first message told it earlier in this conversation: stronger than the locale.
    } else if (hinted) {
      Object.assign(state, { language: hinted, languageKnown: true, languageHinted: true });
    } else if (!state.languageKnown) {
      state.language = DEFAULT_LANGUAGE;
    }
  }

  /** Outside the start of a flow the conversation keeps the language it has (say, a follow-up's). */
  private async languageIfNone(context: TurnContext): Promise<void> {
    if (!(await this.session.state(context)).language) await this.settleLanguage(context);
  }

  private async prepareSelfStarted(context: TurnContext, page: TConversationContext): Promise<void> {
    const { directory, catalog, logger } = this.session.services;
    const named = page.organisation ? await directory.organisationBySlug(page.organisation) : undefined;
    if (page.organisation && !named) logger.warn({ organisation: page.organisation }, 'unknown organisation in the conversation context; using the default');
    const organisation = named ?? (await directory.organisationBySlug(DEFAULT_ORGANISATION));
    if (!organisation) throw new Error(`the default organisation "${DEFAULT_ORGANISATION}" is not in the database`);
    const service = page.service ? await directory.serviceBySlug(organisation.id, page.service) : undefined;
    const { link } = await this.session.state(context);
    await this.session.resetState(context, {
      organisationId: organisation.id,
      organisationNamed: named !== undefined,
      surveyVersionId: (await catalog.forOrganisation(organisation.id)).versionId,
      ...(service ? { serviceId: service.id } : {}),
      ...(page.location ? { location: page.location } : {}),
      ...(link ? { link } : {}),
    });
    await this.settleLanguage(context);
  }

  private async prepareResume(context: TurnContext, response: TStoredResponse): Promise<void> {
    const { survey } = await this.session.services.catalog.version(response.surveyVersionId);
    const { link } = await this.session.state(context);
    const profile = await this.session.profile(context);
    await this.session.resetState(context, {
      organisationId: response.organisationId,
      surveyVersionId: response.surveyVersionId,
      responseId: response.id,
      answers: rememberedAnswersOf(survey, response.answers),
      language: profile.language ?? response.language,
      languageKnown: true,
      languageHinted: false,
      ...(response.followUpId ? { followUpId: response.followUpId } : {}),
      ...(link ? { link } : {}),
    });
  }

  private async startFollowUp(dc: DialogContext, followUp: TFollowUpStart): Promise<void> {
    const { catalog } = this.session.services;
    const version = (await catalog.latest(followUp.surveyId)) ?? (await catalog.forOrganisation(followUp.organisationId));
    const { link } = await this.session.state(dc.context);
    await this.session.resetState(dc.context, {
      organisationId: followUp.organisationId,
      organisationNamed: true,
      surveyVersionId: version.versionId,
      serviceId: followUp.serviceId,
      followUpId: followUp.followUpId,
      processData: {
        contactChannel: followUp.contactChannel,
        leadTimeDays: followUp.leadTimeDays,
        contactCount: followUp.contactCount,
      },
      ...(link ? { link } : {}),
    });
    await this.settleLanguage(dc.context, followUp.language ?? undefined);
    await dc.beginDialog(FOLLOW_UP_FLOW);
  }
}
