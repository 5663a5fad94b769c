import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import { z } from 'zod';
import { InputDialog, inputOf } from './inputDialog';
import { recogniseYesNo } from './recognizers';
import type { SurveySession } from './session';
import type { TChatKey, Texts } from './texts';

export const YES_NO_DIALOG = 'yesNo';

/**
 * The conversation's own yes/no moments. The prompt is named, not stored as text, so that after a language
 * switch it is asked again in the new language.
 */
export const YES_NO_PROMPTS = ['consent', 'followUp', 'resume', 'erase', 'closeLoop'] as const;
export type TYesNoPrompt = (typeof YES_NO_PROMPTS)[number];

export type TYesNoOptions = { prompt: TYesNoPrompt };
export type TYesNo = 'yes' | 'no';

const ZYesNoInstance = z.object({ prompt: z.enum(YES_NO_PROMPTS) });

const PROMPT_KEYS = {
  consent: 'consent.question',
  resume: 'resume.offer',
  erase: 'erase.confirm',
  closeLoop: 'closeLoop.offer',
} as const satisfies Record<Exclude<TYesNoPrompt, 'followUp'>, TChatKey>;

/**
 * Asks a yes/no question and ends with `'yes'` or `'no'`. Anything else is asked again, as often as needed:
 * these moments decide whether the resident takes part, is contacted or loses their answers, so only a
 * clear yes or no moves on.
 */
export class YesNoDialog extends InputDialog<TYesNoOptions> {
  constructor(session: SurveySession) {
    super(YES_NO_DIALOG, session);
  }

  override async beginDialog(dc: DialogContext, options?: TYesNoOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error('the yes/no dialog needs a prompt');
    return this.beginWith(dc, { prompt: options.prompt } satisfies z.infer<typeof ZYesNoInstance>);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const texts = await this.session.texts(dc.context);
    const answer = recogniseYesNo(inputOf(dc.context.activity), texts.language, this.session.lexicon);
    if (answer !== undefined) return dc.endDialog(answer);
    await dc.context.sendActivity(texts.message(texts.chat('reprompt.yesno'), texts.yesNoButtons()));
    return Dialog.EndOfTurn;
  }

  protected override async ask(context: TurnContext, instance: DialogInstance): Promise<void> {
    const { prompt } = ZYesNoInstance.parse(instance.state);
    const texts = await this.session.texts(context);
    await context.sendActivity(texts.message(await this.promptText(context, texts, prompt), texts.yesNoButtons()));
  }

  private async promptText(context: TurnContext, texts: Texts, prompt: TYesNoPrompt): Promise<string> {
    if (prompt !== 'followUp') return texts.chat(PROMPT_KEYS[prompt]);
    const state = await this.session.state(context);
    const service = state.serviceId ? await this.session.services.directory.serviceById(state.serviceId) : undefined;
    return service
      ? texts.chat('followUp.invitation', { service: service.names[texts.language] })
      : texts.chat('followUp.invitationGeneric');
  }
}

/** The result of a yes/no dialog, read back from a waterfall step. */
export function yesNoResult(result: unknown): TYesNo | undefined {
  return result === 'yes' || result === 'no' ? result : undefined;
}
