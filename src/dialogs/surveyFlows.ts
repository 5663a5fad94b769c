import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type Dialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { nextQuestion } from '../surveys/logic';
import { CONTACT_DETAIL_DIALOG, CONTACT_METHOD_DIALOG } from './closeLoopDialogs';
import { CONTACT_METHODS } from './contactDetails';
import { LANGUAGE_DIALOG } from './languageDialog';
import { QUESTION_DIALOG } from './questionDialog';
import type { SurveySession } from './session';
import { logicAnswers } from './state';
import { YES_NO_DIALOG, yesNoResult, type TYesNoOptions } from './yesNoDialog';

export const SELF_STARTED_FLOW = 'selfStarted';
export const FOLLOW_UP_FLOW = 'followUp';
export const RESUME_FLOW = 'resume';
export const QUESTIONS_LOOP = 'questions';
export const COMPLETION_FLOW = 'completion';
export const ERASE_FLOW = 'erase';

/** A satisfaction of 1 or 2 is where the organisation offers to call back ("close the loop"). */
const CLOSE_LOOP_AT_MOST = 2;

/**
 * The survey's course as waterfalls over the input dialogs:
 * self-started: greeting → language (when not known) → privacy notice + consent → questions → completion;
 * follow-up: language (when not known) → invitation (its yes is the consent) → privacy notice → questions → completion;
 * resume: "continue where you were?" → questions → completion.
 * Each turn's state changes go through the session; answers are stored by the question dialog as they come.
 */
export function surveyFlows(session: SurveySession): Dialog[] {
  const { answers, followUps, events, callbacks, directory } = session.services;
  const yesNo = (step: WaterfallStepContext, prompt: TYesNoOptions['prompt']) => step.beginDialog(YES_NO_DIALOG, { prompt });
  const languageUnlessKnown = async (step: WaterfallStepContext) =>
    (await session.state(step.context)).languageKnown ? step.next() : step.beginDialog(LANGUAGE_DIALOG);

  const welcome = async (context: TurnContext) => {
    const state = await session.state(context);
    const texts = await session.texts(context);
    const service = state.serviceId ? await directory.serviceById(state.serviceId) : undefined;
    const organisation =
      state.organisationId && (service || state.organisationNamed) ? await directory.organisationById(state.organisationId) : undefined;
    if (organisation && service) {
      await session.say(context, 'welcome.service', {
        organisation: organisation.names[texts.language],
        service: service.names[texts.language],
      });
    } else if (organisation) {
      await session.say(context, 'welcome.organisation', { organisation: organisation.names[texts.language] });
    } else {
      await session.say(context, 'welcome.generic');
    }
  };

  /**
   * Creates the response once the resident said yes. A turn retried after its state could not be saved
   * finds the empty response it created before and carries on with it instead of starting a second one.
   */
  const startResponse = async (context: TurnContext) => {
    const state = await session.state(context);
    const { residentKey, conversationKey } = session.keys(context);
    if (!state.organisationId || !state.surveyVersionId || !state.language) throw new Error('the survey context is not settled');
    const earlier = await answers.findResumableResponse(conversationKey);
    const reusable =
      earlier &&
      earlier.surveyVersionId === state.surveyVersionId &&
      (earlier.followUpId ?? undefined) === state.followUpId &&
      Object.keys(earlier.answers).length === 0;
    const response =
      reusable
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
          });
    state.responseId = response.id;
    state.answers = {};
    state.completedResponseId = undefined;
    if (state.followUpId) await followUps?.markStarted(state.followUpId, response.id);
  };

  /** Marks the response completed, tells the follow-up and the organisation's systems, and thanks the resident. */
  const complete = async (context: TurnContext) => {
    const state = await session.state(context);
    const responseId = state.responseId;
    if (!responseId || !state.organisationId) throw new Error('there is no response to complete');
    const { survey } = await session.survey(context);
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
    await session.say(context, 'closing.thanks');
  };

  const lowSatisfaction = async (context: TurnContext) => {
    const state = await session.state(context);
    const { survey } = await session.survey(context);
    const question = survey.questions.find((q) => q.measures === 'satisfaction');
    const answer = question ? state.answers[question.key] : undefined;
    return answer?.kind === 'value' && typeof answer.value === 'number' && answer.value <= CLOSE_LOOP_AT_MOST;
  };

  return [
    new WaterfallDialog(SELF_STARTED_FLOW, [
      async (step) => {
        await welcome(step.context);
        return languageUnlessKnown(step);
      },
      async (step) => {
        await session.say(step.context, 'privacy.notice');
        return yesNo(step, 'consent');
      },
      async (step) => {
        if (yesNoResult(step.result) !== 'yes') {
          await session.say(step.context, 'consent.declined');
          return step.endDialog();
        }
        await startResponse(step.context);
        return step.beginDialog(QUESTIONS_LOOP);
      },
    ]),

    new WaterfallDialog(FOLLOW_UP_FLOW, [
      languageUnlessKnown,
      async (step) => yesNo(step, 'followUp'),
      async (step) => {
        if (yesNoResult(step.result) !== 'yes') {
          const state = await session.state(step.context);
          if (state.followUpId) state.declinedFollowUps = [...state.declinedFollowUps, state.followUpId].slice(-10);
          await session.say(step.context, 'consent.declined');
          return step.endDialog();
        }
        await startResponse(step.context);
        await session.say(step.context, 'privacy.notice');
        return step.beginDialog(QUESTIONS_LOOP);
      },
    ]),

    new WaterfallDialog(RESUME_FLOW, [
      async (step) => yesNo(step, 'resume'),
      async (step) => {
        if (yesNoResult(step.result) !== 'yes') {
          await session.say(step.context, 'resume.declined');
          return step.endDialog();
        }
        const state = await session.state(step.context);
        if (!state.responseId) throw new Error('nothing to resume');
        await answers.resumeResponse(state.responseId);
        await session.say(step.context, 'resume.resumed');
        return step.beginDialog(QUESTIONS_LOOP);
      },
    ]),

    // One question per turn: ask the next shown, unanswered question; when there is none, complete.
    new WaterfallDialog(QUESTIONS_LOOP, [
      async (step) => {
        const state = await session.state(step.context);
        const { survey } = await session.survey(step.context);
        const next = nextQuestion(survey, logicAnswers(state.answers));
        return next ? step.beginDialog(QUESTION_DIALOG, { questionKey: next.key }) : step.replaceDialog(COMPLETION_FLOW);
      },
      async (step) => step.replaceDialog(QUESTIONS_LOOP),
    ]),

    new WaterfallDialog(COMPLETION_FLOW, [
      async (step) => {
        const offerCallBack = callbacks !== undefined && (await lowSatisfaction(step.context));
        await complete(step.context);
        return offerCallBack ? yesNo(step, 'closeLoop') : step.endDialog();
      },
      async (step) => {
        // Only an explicit yes leads to questions about contact details.
        if (yesNoResult(step.result) === 'yes') return step.beginDialog(CONTACT_METHOD_DIALOG);
        await session.say(step.context, 'closeLoop.declined');
        return step.endDialog();
      },
      async (step) => {
        const method = CONTACT_METHODS.find((m) => m === step.result);
        return method ? step.beginDialog(CONTACT_DETAIL_DIALOG, { method }) : step.endDialog();
      },
    ]),

    new WaterfallDialog(ERASE_FLOW, [
      async (step) => yesNo(step, 'erase'),
      async (step) => {
        if (yesNoResult(step.result) !== 'yes') {
          await session.say(step.context, 'erase.cancelled');
          return step.endDialog();
        }
        const erased = await answers.eraseResident(session.keys(step.context).residentKey);
        if (erased === 0) {
          // Nothing was stored yet (say, before consent): whatever was under way goes on.
          await session.say(step.context, 'erase.nothing');
          return step.endDialog();
        }
        const { link } = await session.state(step.context);
        await session.resetState(step.context, link ? { link } : {});
        await session.say(step.context, 'erase.done');
        // Whatever was under way belonged to the responses just erased.
        return step.cancelAllDialogs();
      },
    ]),
  ];
}
