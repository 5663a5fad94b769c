import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { LANGUAGES } from '../i18n/languages';
import { InputDialog, inputOf } from './inputDialog';
import { recogniseCommand } from './recognizers';
import type { SurveySession } from './session';
import { LANGUAGE_NAME_KEYS, type Texts } from './texts';

export const LANGUAGE_DIALOG = 'language';

/**
 * Asks which language to continue in, with the languages' own names on the buttons. A name, typed or
 * tapped, is the same "switch language" command a resident can give at any moment.
 */
export class LanguageDialog extends InputDialog<object> {
  constructor(session: SurveySession) {
    super(LANGUAGE_DIALOG, session);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    await this.ask(dc.context);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const command = recogniseCommand(inputOf(dc.context.activity), this.session.lexicon);
    if (command?.command === 'switchLanguage') {
      await this.session.switchLanguage(dc.context, command.language, { explicit: true });
      return dc.endDialog(command.language);
    }
    const texts = await this.session.texts(dc.context);
    await dc.context.sendActivity(texts.message(texts.chat('reprompt.language'), languageButtons(texts)));
    return Dialog.EndOfTurn;
  }

  protected override async ask(context: TurnContext): Promise<void> {
    const texts = await this.session.texts(context);
    await context.sendActivity(texts.message(texts.chat('language.prompt'), languageButtons(texts)));
  }
}

function languageButtons(texts: Texts) {
  return LANGUAGES.map((language) => {
    const title = texts.chat(LANGUAGE_NAME_KEYS[language]);
    return { title, value: title };
  });
}
