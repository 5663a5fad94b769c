import type { TurnContext } from 'botbuilder';
import { conversationContextOf } from './conversationContext';
import { WaterfallDialog, type Dialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CONTACT_DETAIL_DIALOG, CONTACT_METHOD_DIALOG } from './closeLoopDialogs';
import { CONTACT_METHODS } from './contactDetails';
import { LANGUAGE_DIALOG } from './languageDialog';
import { QUESTION_DIALOG } from './questionDialog';
import type { SurveySession } from './session';
import { YES_NO_DIALOG, yesNoResult, type TYesNoPrompt } from './yesNoDialog';

export const SELF_STARTED_FLOW = 'selfStarted';
export const FOLLOW_UP_FLOW = 'followUp';
export const RESUME_FLOW = 'resume';
export const QUESTIONS_LOOP = 'questions';
export const COMPLETION_FLOW = 'completion';
export const ERASE_FLOW = 'erase';

/** A satisfaction of 1 or 2 is where the organisation offers to call back ("close the loop"). */
const CLOSE_LOOP_AT_MOST = 2;

/** How many declined follow-ups a conversation remembers. */
const DECLINED_REMEMBERED = 10;


/**
 * The survey's course as waterfalls over the input dialogs:
 * self-started: greeting → language (when not known) → privacy notice + consent → questions → completion;
 * follow-up: language (when not known) → invitation (its yes is the consent) → privacy notice → questions → completion;
 * resume: "continue where you were?" → questions → completion; erase: confirmation → erase.
 * Answers are stored by the question dialog as they come; these steps start, resume and complete the response.
 */
export class SurveyFlows {
  constructor(private readonly session: SurveySession) {}

  dialogs(): Dialog[] {
    return [
      new WaterfallDialog(SELF_STARTED_FLOW, [this.greetAndAskLanguage, this.askConsent, this.startAfterConsent]),
      new WaterfallDialog(FOLLOW_UP_FLOW, [this.askLanguageUnlessKnown, this.askInvitation, this.startAfterInvitation]),
      new WaterfallDialog(RESUME_FLOW, [this.offerToContinue, this.continueIfWanted]),
      new WaterfallDialog(QUESTIONS_LOOP, [this.askNextQuestion, this.loopToNextQuestion]),
      new WaterfallDialog(COMPLETION_FLOW, [this.completeAndOfferCallBack, this.askContactMethod, this.askContactDetail]),
      new WaterfallDialog(ERASE_FLOW, [this.confirmErasure, this.eraseIfConfirmed]),
    ];
  }

  // --- self-started ---

  private readonly greetAndAskLanguage = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    await this.welcome(step.context);
    return this.askLanguageUnlessKnown(step);
  };

  private readonly askConsent = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    await this.session.say(step.context, 'privacy.notice');
    return this.yesNo(step, 'consent');
  };

  private readonly startAfterConsent = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    if (yesNoResult(step.result) !== 'yes') {
      await this.session.say(step.context, 'consent.declined');
      return step.endDialog();
    }
    await this.startResponse(step.context);
    return step.beginDialog(QUESTIONS_LOOP);
  };

  // --- follow-up ---

  private readonly askLanguageUnlessKnown = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    return (await this.session.state(step.context)).languageKnown ? step.next() : step.beginDialog(LANGUAGE_DIALOG);
  };

  private readonly askInvitation = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    return this.yesNo(step, 'followUp');
  };

  private readonly startAfterInvitation = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    if (yesNoResult(step.result) !== 'yes') {
      const state = await this.session.state(step.context);
      if (state.followUpId) state.declinedFollowUps = [...state.declinedFollowUps, state.followUpId].slice(-DECLINED_REMEMBERED);
      await this.session.say(step.context, 'consent.declined');
      return step.endDialog();
    }
    await this.startResponse(step.context);
    await this.session.say(step.context, 'privacy.notice');
    return step.beginDialog(QUESTIONS_LOOP);
  };

  // --- resume ---

  private readonly offerToContinue = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    return this.yesNo(step, 'resume');
  };

  private readonly continueIfWanted = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    if (yesNoResult(step.result) !== 'yes') {
      await this.session.say(step.context, 'resume.declined');
      return step.endDialog();
    }
    const state = await this.session.state(step.context);
    if (!state.responseId) throw new Error('nothing to resume');
    await this.session.responses(step.context).resumeResponse(state.responseId);
    await this.session.say(step.context, 'resume.resumed');
    return step.beginDialog(QUESTIONS_LOOP);
  };

  // --- questions: one per turn, the next shown and unanswered one, asked by the question dialog until none is
  // left; the loop then finds none and completes ---

  private readonly askNextQuestion = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    const next = await this.session.nextQuestion(step.context);
    return next ? step.beginDialog(QUESTION_DIALOG, { questionKey: next.key }) : step.replaceDialog(COMPLETION_FLOW);
  };

  private readonly loopToNextQuestion = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    return step.replaceDialog(QUESTIONS_LOOP);
  };

  // --- completion and closing the loop ---

  private readonly completeAndOfferCallBack = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    const offerCallBack = this.session.services.callbacks !== undefined && (await this.lowSatisfaction(step.context));
    await this.complete(step.context);
    return offerCallBack ? this.yesNo(step, 'closeLoop') : step.endDialog();
  };

  private readonly askContactMethod = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    // Only an explicit yes leads to questions about contact details.
    if (yesNoResult(step.result) === 'yes') return step.beginDialog(CONTACT_METHOD_DIALOG);
    await this.session.say(step.context, 'closeLoop.declined');
    return step.endDialog();
  };

  private readonly askContactDetail = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    const method = CONTACT_METHODS.find((m) => m === step.result);
    return method ? step.beginDialog(CONTACT_DETAIL_DIALOG, { method }) : step.endDialog();
  };

  // --- erasure ---

  private readonly confirmErasure = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    return this.yesNo(step, 'erase');
  };

  private readonly eraseIfConfirmed = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    if (yesNoResult(step.result) !== 'yes') {
      await this.session.say(step.context, 'erase.cancelled');
      return step.endDialog();
    }
    const erased = await this.session.responses(step.context).eraseResident(this.session.keys(step.context).residentKey);
    if (erased === 0) {
      // Nothing was stored yet (say, before consent): whatever was under way goes on.
      await this.session.say(step.context, 'erase.nothing');
      return step.endDialog();
    }
    const { activity } = step.context;
    await this.session.services.erasure?.afterErasure(activity.channelId, activity.conversation.id);
    const { link } = await this.session.state(step.context);
    await this.session.resetState(step.context, link ? { link } : {});
    await this.session.say(step.context, 'erase.done');
    // Whatever was under way belonged to the responses just erased.
    return step.cancelAllDialogs();
  };

  // --- shared ---

  private yesNo(step: WaterfallStepContext, prompt: TYesNoPrompt): Promise<DialogTurnResult> {
    return step.beginDialog(YES_NO_DIALOG, { prompt });
  }

  private async welcome(context: TurnContext): Promise<void> {
    const { directory } = this.session.services;
    const state = await this.session.state(context);
    const texts = await this.session.texts(context);
    const service = state.serviceId ? await directory.serviceById(state.serviceId) : undefined;
    const organisation =
      state.organisationId && (service || state.organisationNamed) ? await directory.organisationById(state.organisationId) : undefined;
    if (organisation && service) {
      await this.session.say(context, 'welcome.service', {
        organisation: organisation.names[texts.language],
        service: service.names[texts.language],
      });
    } else if (organisation) {
      await this.session.say(context, 'welcome.organisation', { organisation: organisation.names[texts.language] });
    } else {
      await this.session.say(context, 'welcome.generic');
    }
  }

  /**
   * Creates the response once the resident said yes. A turn retried after its state could not be saved
   * finds the empty response it created before and carries on with it instead of starting a second one.
   */
  private async startResponse(context: TurnContext): Promise<void> {
    const { followUps } = this.session.services;
    const answers = this.session.responses(context);
    const state = await this.session.state(context);
    const { residentKey, conversationKey } = this.session.keys(context);
    if (!state.organisationId || !state.surveyVersionId || !state.language) throw new Error('the survey context is not settled');
    const earlier = await answers.findResumableResponse(conversationKey);
    const reusable =
      earlier &&
      earlier.surveyVersionId === state.surveyVersionId &&
      (earlier.followUpId ?? undefined) === state.followUpId &&
      Object.keys(earlier.answers).length === 0;
    const response = reusable
      ? earlier
      : await answers.startResponse({
          surveyVersionId: state.surveyVersionId,
          organisationId: state.organisationId,
          serviceId: state.serviceId ?? null,
          contactChannel: state.processData?.contactChannel ?? null,
          leadTimeDays: state.processData?.leadTimeDays ?? null,
          contactCount: state.processData?.contactCount ?? null,
          chatChannel: context.activity.channelId,
          language: state.language,
          location: state.location ?? null,
          source: state.followUpId ? 'follow-up' : 'self',
          residentKey,
          conversationKey,
          followUpId: state.followUpId ?? null,
          addressKey: conversationContextOf(context.activity.channelData).addressKey ?? null,
        });
    state.responseId = response.id;
    state.answers = {};
    state.completedResponseId = undefined;
    if (state.followUpId) await followUps?.markStarted(state.followUpId, response.id);
  }

  /** Marks the response completed, tells the follow-up and the organisation's systems, and thanks the resident. */
  private async complete(context: TurnContext): Promise<void> {
    const { followUps, events } = this.session.services;
    const answers = this.session.responses(context);
    const state = await this.session.state(context);
    const responseId = state.responseId;
    if (!responseId || !state.organisationId) throw new Error('there is no response to complete');
    const { survey } = await this.session.survey(context);
    await answers.completeResponse(responseId);
    if (state.followUpId) await followUps?.markCompleted(state.followUpId);
    await events?.publish('response.completed', state.organisationId, {
      responseId,
      survey: survey.id,
      surveyVersion: survey.version,
      language: state.language,
      chatChannel: context.activity.channelId,
      source: state.followUpId ? 'follow-up' : 'self',
      ...(state.followUpId ? { followUpId: state.followUpId } : {}),
    });
    state.completedResponseId = responseId;
    state.responseId = undefined;
    await this.session.say(context, 'closing.thanks');
  }

  private async lowSatisfaction(context: TurnContext): Promise<boolean> {
    const state = await this.session.state(context);
    const { survey } = await this.session.survey(context);
    const question = survey.questions.find((q) => q.measures === 'satisfaction');
    const answer = question ? state.answers[question.key] : undefined;
    return answer?.kind === 'value' && typeof answer.value === 'number' && answer.value <= CLOSE_LOOP_AT_MOST;
  }
}
