import { ActivityTypes, type Activity } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { SurveySession } from './session';

/**
 * An Adaptive Card `Action.Submit` with `data: { answer }`. The channels turn it into text already
 * (`submitValueAsText`); reading it here too keeps a card answer working on an adapter without that step.
 */
const ZSubmittedAnswer = z.object({ answer: z.union([z.string().min(1).max(1000), z.number().finite()]) });

/** What the resident said this turn: the message text, or a card's submitted answer. */
export function inputOf(activity: Partial<Activity>): string {
  if (activity.type !== ActivityTypes.Message) return '';
  if (activity.text !== undefined && activity.text.trim() !== '') return activity.text;
  const submitted = ZSubmittedAnswer.safeParse(activity.value);
  return submitted.success ? String(submitted.data.answer) : '';
}

/**
 * A dialog that waits for one input from the resident. After an interruption (help, a language switch,
 * an erase that was cancelled) it asks its question again rather than ending — the default of `Dialog`
 * would end it with the interruption's result.
 */
export abstract class InputDialog<O extends object> extends Dialog<O> {
  protected constructor(
    id: string,
    protected readonly session: SurveySession,
  ) {
    super(id);
  }

  /** Sends the dialog's prompt in the conversation's current language. */
  protected abstract ask(context: TurnContext, instance: DialogInstance): Promise<void>;

  /** Begins with `state` as the dialog's own state, and asks its question. */
  protected async beginWith(dc: DialogContext, state: object): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (!instance) throw new Error(`${this.id}: begun without an active dialog`);
    instance.state = state;
    await this.ask(dc.context, instance);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, instance);
  }

  override async resumeDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (instance) await this.ask(dc.context, instance);
    return Dialog.EndOfTurn;
  }
}

/** How often a resident may miss before the bot stops asking (a question is then skipped). */
export const MAX_MISSES = 2;
