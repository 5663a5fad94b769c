import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import { z } from 'zod';
import { NUMERIC_RANGES, ZAnswer, type TAnswer, type TQuestion } from '../surveys/schema';
import { progressOf } from '../surveys/logic';
import { InputDialog, inputOf } from './inputDialog';
import { answerButtons, MAX_TEXT_LENGTH, recogniseAnswer, recogniseYesNo } from './recognizers';
import type { SurveySession } from './session';
import { logicAnswers } from './state';
import type { TChatKey, Texts } from './texts';

export const QUESTION_DIALOG = 'question';

export type TQuestionOptions = { questionKey: string };

/** A survey question is skipped only at the resident's word, or after this many answers the bot did not understand. */
export const MISSES_BEFORE_SKIP = 3;

/**
 * The dialog's own state: which question, how often the resident was not understood, and the answer offered back
 * for confirmation ("Do you mean ‘Satisfied’?"), if one is waiting for a yes or no.
 */
const ZQuestionInstance = z.object({ questionKey: z.string().min(1), misses: z.number().int().min(0), offered: ZAnswer.optional() });
type TQuestionInstance = z.infer<typeof ZQuestionInstance>;

/**
 * The one dialog that asks any survey question, whatever its type: where the resident is ("Vraag 3 van 10"), the
 * text from the definition, the options as buttons, typed answers through the recognisers. Not understood: a
 * re-prompt that repeats the options and says how to skip; the third miss skips the question (stored as skipped,
 * and said so) and the survey goes on. Once answered (or skipped), it asks the next question the resident is shown,
 * and ends when there is none.
 */
export class QuestionDialog extends InputDialog<TQuestionOptions> {
  constructor(session: SurveySession) {
    super(QUESTION_DIALOG, session);
  }

  override async beginDialog(dc: DialogContext, options?: TQuestionOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error('the question dialog needs a question key');
    return this.beginWith(dc, { questionKey: options.questionKey, misses: 0 } satisfies TQuestionInstance);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (!instance || dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const own = ZQuestionInstance.parse(instance.state);
    const question = await this.session.question(dc.context, own.questionKey);
    const texts = await this.session.texts(dc.context);
    const input = inputOf(dc.context.activity);
    if (own.offered) {
      const offered = own.offered;
      delete own.offered;
      instance.state = own;
      // Only what the resident confirms is stored; a no asks the question again, and is no miss.
      const confirmation = recogniseYesNo(input, texts.language, this.session.lexicon);
      if (confirmation === 'yes') {
        await this.session.recordAnswer(dc.context, question, offered);
        return this.askNextOrEnd(dc, instance);
      }
      if (confirmation === 'no') {
        await this.ask(dc.context, instance);
        return Dialog.EndOfTurn;
      }
    }
    const recognised = recogniseAnswer(question, input, texts.language, this.session.lexicon);

    if (recognised.kind === 'plausible') {
      own.offered = recognised.answer;
      instance.state = own;
      await dc.context.sendActivity(texts.message(texts.chat('confirm.question', { answer: labelOf(texts, question, recognised.answer, this.session) }), confirmButtons(texts, question, this.session)));
      return Dialog.EndOfTurn;
    }

    if (recognised.kind === 'notUnderstood') {
      if (recognised.reason === 'tooLong') {
        await dc.context.sendActivity(texts.message(texts.chat('text.tooLong', { max: MAX_TEXT_LENGTH })));
        return Dialog.EndOfTurn;
      }
      own.misses += 1;
      instance.state = own;
      if (own.misses >= MISSES_BEFORE_SKIP) {
        await this.session.recordAnswer(dc.context, question, { kind: 'skip' });
        await dc.context.sendActivity(texts.message(texts.chat('reprompt.skipped')));
        return this.askNextOrEnd(dc, instance);
      }
      await dc.context.sendActivity(texts.message(repromptText(texts, question), buttonsOf(texts, question, this.session)));
      return Dialog.EndOfTurn;
    }

    await this.session.recordAnswer(dc.context, question, recognised);
    return this.askNextOrEnd(dc, instance);
  }

  /**
   * Asks the survey's next question in this same dialog, or ends it when none is left. Ending and beginning a
   * dialog per answer would run the flow's waterfall between them: most of botbuilder-dialogs' cost of a turn.
   */
  private async askNextOrEnd(dc: DialogContext, instance: DialogInstance): Promise<DialogTurnResult> {
    const next = await this.session.nextQuestion(dc.context);
    if (!next) return dc.endDialog();
    instance.state = { questionKey: next.key, misses: 0 } satisfies TQuestionInstance;
    await this.ask(dc.context, instance);
    return Dialog.EndOfTurn;
  }

  protected override async ask(context: TurnContext, instance: DialogInstance): Promise<void> {
    const own = ZQuestionInstance.parse(instance.state);
    const question = await this.session.question(context, own.questionKey);
    const texts = await this.session.texts(context);
    const { survey } = await this.session.survey(context);
    const progress = progressOf(survey, logicAnswers((await this.session.state(context)).answers), question.key);
    // One message, so a screen reader reads where the resident is once, with the question, and not on each button.
    const text = `${texts.chat('progress.question', progress)}\n\n${texts.question(question)}`;
    await context.sendActivity(texts.message(text, buttonsOf(texts, question, this.session)));
  }
}

function buttonsOf(texts: Texts, question: TQuestion, session: SurveySession) {
  return texts.answerButtons(answerButtons(question, session.lexicon));
}

/** Yes and no for the offered answer, then the question's own answers, so a resident who meant another taps it. */
function confirmButtons(texts: Texts, question: TQuestion, session: SurveySession) {
  return question.type === 'yesno' ? texts.yesNoButtons() : [...texts.yesNoButtons(), ...buttonsOf(texts, question, session)];
}

/** The answer as its button reads: the scale point's label, yes or no, or the number itself. */
function labelOf(texts: Texts, question: TQuestion, answer: TAnswer, session: SurveySession): string {
  if (answer.kind === 'dontKnow') return texts.chat('buttons.dontKnow');
  if (answer.kind === 'skip') return texts.chat('buttons.skip');
  if (question.type === 'yesno') return texts.chat(answer.value === 'yes' ? 'buttons.yes' : 'buttons.no');
  const button = answerButtons(question, session.lexicon).find((candidate) => candidate.value === String(answer.value));
  return button ? texts.buttonTitle(button) : String(answer.value);
}

const REPROMPT_KEYS = {
  scale5: 'reprompt.scale',
  effort7: 'reprompt.scale',
  scale0to10: 'reprompt.scale',
  yesno: 'reprompt.yesno',
  choice: 'reprompt.choice',
  text: 'reprompt.text',
} as const satisfies Record<TQuestion['type'], TChatKey>;

/** The friendly re-prompt: what the resident can answer, in words as well as on the buttons, and how to skip. */
function repromptText(texts: Texts, question: TQuestion): string {
  switch (question.type) {
    case 'scale5':
    case 'effort7':
    case 'scale0to10':
      return `${texts.chat(REPROMPT_KEYS[question.type], NUMERIC_RANGES[question.type])} ${texts.chat('reprompt.howToSkip')}`;
    case 'choice': {
      const options = question.options.map((option) => texts.option(question, option)).join(', ');
      return `${texts.chat(REPROMPT_KEYS.choice, { options })} ${texts.chat('reprompt.howToSkip')}`;
    }
    case 'yesno':
      return `${texts.chat(REPROMPT_KEYS.yesno)} ${texts.chat('reprompt.howToSkip')}`;
    case 'text':
      return texts.chat(REPROMPT_KEYS.text);
  }
}
