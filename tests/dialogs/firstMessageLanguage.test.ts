import { lexicon } from '../support/lexicon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { languageOfMessage } from '../../src/dialogs/messageLanguage';
import { buildLexicon, LexiconError } from '../../src/dialogs/recognizers';
import { createBotWorld, expectReplies, label, play, Resident, type TBotWorld } from './support';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LOCALES_DIR } from '../../src/i18n/i18n';

describe('the language of a first message', () => {
  it.each([
    ['Hallo', 'nl', true],
    ['Goedemiddag!', 'nl', true],
    ['goeiemorgen, dank u', 'nl', true],
    ['Bon dia', 'pap', true],
    ['bon tardi!!', 'pap', true],
    ['Bon nochi, danki', 'pap', true],
    ['kon ta bai', 'pap', true],
    ['Hello', 'en', true],
    ['Good morning', 'en', true],
    ['hi there', 'en', true],
    ['Hallo, ik wil graag iets zeggen', 'nl', false],
    ['Bon dia, mi ta hopi kontentu', 'pap', false],
    ['Good afternoon, I want to give feedback', 'en', false],
    ['ik ben heel tevreden', 'nl', false],
    ['mi ta kontentu ku e yudansa', 'pap', false],
    ['yes please', 'en', false],
    ['I was very satisfied with the help', 'en', false],
    // A greeting in one language and a sentence in another: the sentence tells.
    ['Hallo, I would like to answer in English', 'en', false],
  ])('%s → %s', (message, language, greetingOnly) => {
    expect(languageOfMessage(message, lexicon)).toEqual({ language, greetingOnly });
  });

  it.each(['ok', '4', 'ja', 'no', 'top', '👍', 'Tevreden', 'e-mail', 'no, I ta', 'hallo bon dia', ''])('leaves %j undecided', (message) => {
    expect(languageOfMessage(message, lexicon)).toBeUndefined();
  });

  it('refuses word lists that mark two languages with the same word', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'));
    try {
      cpSync(DEFAULT_LOCALES_DIR, dir, { recursive: true });
      const path = join(dir, 'pap', 'understanding.json');
      const data = JSON.parse(readFileSync(path, 'utf8')) as { languageWords: string[] };
      data.languageWords.push('ik');
      writeFileSync(path, JSON.stringify(data));
      expect(() => buildLexicon(dir)).toThrow(LexiconError);
      expect(() => buildLexicon(dir)).toThrow(/word "ik" marks nl too/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

let world: TBotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(async () => world?.destroy());

async function storedLanguage(resident: Resident): Promise<string> {
  const response = await world.database.prisma.response.findFirstOrThrow({ where: { conversationKey: resident.keys.conversationKey } });
  return response.language;
}

describe('a first message tells the language over a browser guess', () => {
  it('"Bon dia" after a Dutch welcome (the browser was Dutch) starts again in Papiamentu', async () => {
    const resident = new Resident(world.bot, { locale: 'nl-NL', context: { languageHint: 'nl' } });
    expectReplies(await resident.open(), 'nl', ['welcome.generic', 'privacy.notice', 'consent.question']);
    await play(resident, 'pap', [
      ['Bon dia', ['welcome.generic', 'privacy.notice', { key: 'consent.question', buttons: ['Si', 'Nò'] }]],
      [label('pap', 'buttons.yes'), ['survey:questions.satisfaction']],
      ['5', ['survey:questions.effort']],
    ]);
    expect(await storedLanguage(resident)).toBe('pap');
  });

  it('a sentence in English on the Dutch consent question switches and is taken as the answer', async () => {
    const resident = new Resident(world.bot, { locale: 'nl-NL' });
    expectReplies(await resident.open(), 'nl', ['welcome.generic', 'privacy.notice', 'consent.question']);
    await play(resident, 'en', [['yes please', ['language.switched', 'survey:questions.satisfaction']]]);
    expect(await storedLanguage(resident)).toBe('en');
  });

  it('answers the language question when nothing told the language', async () => {
    const resident = new Resident(world.bot, {});
    expectReplies(await resident.open(), 'nl', ['welcome.generic', { key: 'language.prompt', buttons: ['Nederlands', 'Papiamentu', 'English'] }]);
    await play(resident, 'en', [
      ['Good morning!', ['privacy.notice', 'consent.question']],
      ['yes', ['survey:questions.satisfaction']],
    ]);
  });

  it('a first message without a conversation start (Teams) opens the survey in its language', async () => {
    const resident = new Resident(world.bot, { channelId: 'msteams', locale: 'en-US' });
    await play(resident, 'nl', [['Goedemiddag', ['welcome.generic', 'privacy.notice', 'consent.question']]]);
  });

  it('a greeting in the browser’s own language repeats the question, without "sorry"', async () => {
    const resident = new Resident(world.bot, { locale: 'nl-NL' });
    await resident.open();
    await play(resident, 'nl', [['Hallo!', [{ key: 'consent.question', buttons: ['Ja', 'Nee'] }]]]);
  });
});

describe('what the resident or the page chose is stronger than a first message', () => {
  it('keeps the page’s ?lang: "Bon dia" gets the Dutch question again', async () => {
    const resident = new Resident(world.bot, { locale: 'nl-NL', context: { language: 'nl' } });
    await resident.open();
    await play(resident, 'nl', [
      ['Bon dia', ['consent.question']],
      ['ja', ['survey:questions.satisfaction']],
    ]);
    expect(await storedLanguage(resident)).toBe('nl');
  });

  it('only the first message tells: a later greeting in another language is not an answer', async () => {
    const resident = new Resident(world.bot, { locale: 'nl-NL' });
    await resident.open();
    await play(resident, 'nl', [
      ['Hallo', ['consent.question']],
      ['Bon dia', ['reprompt.yesno']],
    ]);
  });
});
