import { ActionTypes, MessageFactory, type Activity, type CardAction } from 'botbuilder';
import type { TFunction } from 'i18next';
import type nlChat from '../../locales/nl/chat.json';
import type { TI18n } from '../i18n/i18n';
import type { TLanguage } from '../i18n/languages';
import { SURVEY_NAMESPACE } from '../surveys/loader';
import type { TQuestion } from '../surveys/schema';
import type { TAnswerButton } from './recognizers';

type TLeafKeys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : TLeafKeys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every text of the `chat` namespace, as a type: a misspelt key fails the type check, not a resident's turn. */
export type TChatKey = TLeafKeys<typeof nlChat>;

export type TTextParams = Record<string, string | number>;

/** A suggested action: what it shows and what it sends back. */
export type TButton = { title: string; value: string };

export const CHAT_NAMESPACE = 'chat';

/** The language names on the language buttons; also what a resident types to switch ("English"). */
export const LANGUAGE_NAME_KEYS = {
  nl: 'language.names.nl',
  pap: 'language.names.pap',
  en: 'language.names.en',
} as const satisfies Record<TLanguage, TChatKey>;

/**
 * The resident-facing texts of one turn in one language (a per-turn `getFixedT`, never a global
 * language). Built fresh for each message, so a language switch mid-turn takes effect at once.
 */
export class Texts {
  private readonly t: TFunction;

  constructor(
    i18n: TI18n,
    readonly language: TLanguage,
  ) {
    this.t = i18n.translatorFor(language, CHAT_NAMESPACE);
  }

  chat(key: TChatKey, params?: TTextParams): string {
    return this.t(key, params);
  }

  /** A survey text named by a survey definition (`questions.ease`). */
  survey(key: string): string {
    return this.t(`${SURVEY_NAMESPACE}:${key}`);
  }

  /** A question's text: its own (a question an organisation added) or the one its textKey names in `locales/`. */
  question(question: TQuestion): string {
    return question.text ? question.text[this.language] : this.survey(question.textKey ?? '');
  }

  /** A choice option's label, from the question itself or from `locales/`. */
  option(question: Extract<TQuestion, { type: 'choice' }>, option: string): string {
    return question.optionLabels?.[option]?.[this.language] ?? this.survey(`options.${option}`);
  }

  /**
   * A button label by namespaced key (`chat:buttons.yes`, `survey:scales.agreement.4`), as the recognisers'
   * `answerButtons` name them.
   */
  label(namespacedKey: string): string {
    return this.t(namespacedKey);
  }

  /**
   * Buttons send their own label (imBack): the resident's bubble then shows what they tapped in their
   * language, Teams supports no other suggested action, and the recognisers read those same labels from
   * the same files. An unlabelled scale point shows and sends its number.
   */
  answerButtons(buttons: readonly TAnswerButton[]): TButton[] {
    return buttons.map((button) => {
      const title = this.buttonTitle(button);
      return { title, value: title };
    });
  }

  /** What a button reads: its own label, its label in `locales/`, or (an unlabelled scale point) its value. */
  buttonTitle(button: TAnswerButton): string {
    if (button.label) return button.label[this.language];
    return button.labelKey === undefined ? button.value : this.label(button.labelKey);
  }

  yesNoButtons(): TButton[] {
    return [this.chat('buttons.yes'), this.chat('buttons.no')].map((title) => ({ title, value: title }));
  }

  message(text: string, buttons: readonly TButton[] = []): Partial<Activity> {
    if (buttons.length === 0) return MessageFactory.text(text);
    const actions: CardAction[] = buttons.map((button) => ({ type: ActionTypes.ImBack, title: button.title, value: button.value }));
    return MessageFactory.suggestedActions(actions, text);
  }
}
