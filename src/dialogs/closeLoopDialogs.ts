import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import { z } from 'zod';
import { LANGUAGES } from '../i18n/languages';
import type { TQuestion } from '../surveys/schema';
import { CONTACT_METHODS, validContactDetail, type TContactMethod } from './contactDetails';
import { InputDialog, inputOf, MAX_MISSES } from './inputDialog';
import { normalise, recogniseAnswer, recogniseYesNo } from './recognizers';
import type { SurveySession } from './session';
import { Texts, type TButton, type TChatKey } from './texts';

export const CONTACT_METHOD_DIALOG = 'contactMethod';
export const CONTACT_DETAIL_DIALOG = 'contactDetail';

const METHOD_BUTTON_KEYS = { phone: 'buttons.phone', email: 'buttons.email' } as const satisfies Record<TContactMethod, TChatKey>;
const ASK_KEYS = { phone: 'closeLoop.askPhone', email: 'closeLoop.askEmail' } as const satisfies Record<TContactMethod, TChatKey>;
const INVALID_KEYS = { phone: 'closeLoop.invalidPhone', email: 'closeLoop.invalidEmail' } as const satisfies Record<
  TContactMethod,
  TChatKey
>;

/** "Phone or e-mail?" read as a choice, so "bellen", "per mail" and "telefòn" are understood as well. */
const METHOD_AS_CHOICE: TQuestion = {
  key: 'contactMethod',
  type: 'choice',
  options: [...CONTACT_METHODS],
  core: false,
  textKey: 'contactMethod',
  allowDontKnow: false,
};

const ZMethodInstance = z.object({ misses: z.number().int().min(0) });

/**
 * Asks how the resident wants to be contacted (phone or e-mail buttons). Ends with the method, or with
 * nothing when the resident says no or cannot be understood twice (they are then told how to reach us).
 */
export class ContactMethodDialog extends InputDialog<object> {
  constructor(session: SurveySession) {
    super(CONTACT_METHOD_DIALOG, session);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return this.beginWith(dc, { misses: 0 } satisfies z.infer<typeof ZMethodInstance>);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (!instance || dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const texts = await this.session.texts(dc.context);
    const input = inputOf(dc.context.activity);
    const method = this.methodOf(input, texts);
    if (method !== undefined) return dc.endDialog(method);
    if (recogniseYesNo(input, texts.language, this.session.lexicon) === 'no') {
      await dc.context.sendActivity(texts.message(texts.chat('closeLoop.declined')));
      return dc.endDialog();
    }
    const own = ZMethodInstance.parse(instance.state);
    own.misses += 1;
    instance.state = own;
    if (own.misses >= MAX_MISSES) {
      await dc.context.sendActivity(texts.message(texts.chat('closeLoop.gaveUp')));
      return dc.endDialog();
    }
    const options = CONTACT_METHODS.map((m) => texts.chat(METHOD_BUTTON_KEYS[m])).join(', ');
    await dc.context.sendActivity(texts.message(texts.chat('reprompt.choice', { options }), methodButtons(texts)));
    return Dialog.EndOfTurn;
  }

  protected override async ask(context: TurnContext): Promise<void> {
    const texts = await this.session.texts(context);
    await context.sendActivity(texts.message(texts.chat('closeLoop.how'), methodButtons(texts)));
  }

  /** The button labels in any language first (they are what a tap sends), then the choice recogniser. */
  private methodOf(input: string, texts: Texts): TContactMethod | undefined {
    const typed = normalise(input);
    for (const language of LANGUAGES) {
      const other = new Texts(this.session.services.i18n, language);
      const hit = CONTACT_METHODS.find((m) => normalise(other.chat(METHOD_BUTTON_KEYS[m])) === typed);
      if (hit) return hit;
    }
    const recognised = recogniseAnswer(METHOD_AS_CHOICE, input, texts.language, this.session.lexicon);
    return recognised.kind === 'value' ? CONTACT_METHODS.find((m) => m === recognised.value) : undefined;
  }
}

function methodButtons(texts: Texts): TButton[] {
  return CONTACT_METHODS.map((m) => {
    const title = texts.chat(METHOD_BUTTON_KEYS[m]);
    return { title, value: title };
  });
}

export type TContactDetailOptions = { method: TContactMethod };

const ZDetailInstance = z.object({ method: z.enum(CONTACT_METHODS), misses: z.number().int().min(0) });

/**
 * Asks for the phone number or e-mail address and hands it straight to the call-back requests (stored
 * encrypted, apart from the answers). The detail exists only in this turn: not in the dialog state, not in
 * the answers, not in a log line. An invalid detail is asked again once.
 */
export class ContactDetailDialog extends InputDialog<TContactDetailOptions> {
  constructor(session: SurveySession) {
    super(CONTACT_DETAIL_DIALOG, session);
  }

  override async beginDialog(dc: DialogContext, options?: TContactDetailOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error('the contact dialog needs a method');
    return this.beginWith(dc, { method: options.method, misses: 0 } satisfies z.infer<typeof ZDetailInstance>);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (!instance || dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const own = ZDetailInstance.parse(instance.state);
    const texts = await this.session.texts(dc.context);
    const input = inputOf(dc.context.activity);
    const contact = validContactDetail(own.method, input);
    if (contact === undefined) {
      if (recogniseYesNo(input, texts.language, this.session.lexicon) === 'no') {
        await dc.context.sendActivity(texts.message(texts.chat('closeLoop.declined')));
        return dc.endDialog();
      }
      own.misses += 1;
      instance.state = own;
      const key = own.misses >= MAX_MISSES ? 'closeLoop.gaveUp' : INVALID_KEYS[own.method];
      await dc.context.sendActivity(texts.message(texts.chat(key)));
      return own.misses >= MAX_MISSES ? dc.endDialog() : Dialog.EndOfTurn;
    }
    const state = await this.session.state(dc.context);
    const callbacks = this.session.services.callbacks;
    const responseId = state.completedResponseId;
    if (!callbacks || !state.organisationId || !responseId) {
      throw new Error('a call-back was asked for without call-back requests or a completed response');
    }
    await callbacks.request({
      organisationId: state.organisationId,
      responseId,
      method: own.method,
      contact,
      language: texts.language,
      // The offer the resident said yes to (closeLoop.offer) tells them that whoever contacts them sees their answers.
      answersShared: true,
    });
    await dc.context.sendActivity(texts.message(texts.chat('closeLoop.stored')));
    return dc.endDialog();
  }

  protected override async ask(context: TurnContext, instance: DialogInstance): Promise<void> {
    const { method } = ZDetailInstance.parse(instance.state);
    const texts = await this.session.texts(context);
    await context.sendActivity(texts.message(texts.chat(ASK_KEYS[method])));
  }
}
