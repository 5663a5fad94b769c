import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { CLI_ACTOR } from '../kernel/audit';
import { AnswerStore } from '../scoring/answerStore';
import { foldPendingRollups } from '../scoring/rollups';
import type { TOwnThemes } from '../themes/lexicon';
import { ThemeLexicons, type TLexiconView } from '../themes/themeLexicons';
import type { TCliCommand, TCliContext } from './command';

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function languageOf(values: Record<string, unknown>): TLanguage {
  const language = text(values.language);
  if (!language || !(LANGUAGES as readonly string[]).includes(language)) throw new Error(`--language must be one of ${LANGUAGES.join(', ')}`);
  return language as TLanguage;
}

/** The organisation's own additions as saved: what a change starts from. */
function ownThemesOf(view: TLexiconView): TOwnThemes {
  const own: TOwnThemes = {};
  for (const theme of view.themes) {
    if (!theme.own && LANGUAGES.every((language) => theme.ownTerms[language].length === 0)) continue;
    own[theme.key] = { ...(theme.own ? { labels: theme.labels } : {}), terms: { nl: [...theme.ownTerms.nl], pap: [...theme.ownTerms.pap], en: [...theme.ownTerms.en] } };
  }
  return own;
}

function printLexicon(print: (line: string) => void, view: TLexiconView): void {
  print(`${view.organisation}\tversion ${view.version}`);
  for (const theme of view.themes) {
    const own = LANGUAGES.map((language) => `${language}: ${theme.ownTerms[language].join(', ') || '-'}`).join('; ');
    print(`${theme.key}\t${theme.own ? 'own' : 'shared'}\t${theme.labels.nl} / ${theme.labels.pap} / ${theme.labels.en}\t${theme.own ? '' : `${LANGUAGES.map((language) => theme.sharedTerms[language].length).join('/')} shared words\t`}own words ${own}`);
  }
}

const lexicons = ({ database }: TCliContext) => new ThemeLexicons(database.prisma);

/** The theme lexicon as the admin API offers it, and the re-tag of the answers still kept. */
export const themeCommands: TCliCommand[] = [
  {
    words: 'themes show',
    usage: 'ORGANISATION',
    options: {},
    async run(context, _values, [organisation]) {
      if (!organisation) throw new Error('themes show needs the organisation (see organisations list)');
      printLexicon(context.print, await lexicons(context).view(CLI_ACTOR, organisation));
    },
  },
  {
    words: 'themes add-words',
    usage: 'ORGANISATION THEME --language nl|pap|en WORD… [--label-nl TEXT --label-pap TEXT --label-en TEXT]',
    options: { language: { type: 'string' }, 'label-nl': { type: 'string' }, 'label-pap': { type: 'string' }, 'label-en': { type: 'string' } },
    async run(context, values, [organisation, theme, ...words]) {
      if (!organisation || !theme || words.length === 0) throw new Error('themes add-words needs the organisation, the theme and at least one word');
      const language = languageOf(values);
      const service = lexicons(context);
      const view = await service.view(CLI_ACTOR, organisation);
      const own = ownThemesOf(view);
      const labels = { nl: text(values['label-nl']), pap: text(values['label-pap']), en: text(values['label-en']) };
      const entry = (own[theme] ??= { terms: { nl: [], pap: [], en: [] } });
      if (labels.nl !== undefined || labels.pap !== undefined || labels.en !== undefined) entry.labels = { nl: labels.nl ?? '', pap: labels.pap ?? '', en: labels.en ?? '' };
      entry.terms[language] = [...new Set([...entry.terms[language], ...words])];
      printLexicon(context.print, await service.save(CLI_ACTOR, organisation, { version: view.version, themes: own }));
    },
  },
  {
    words: 'themes remove-words',
    usage: 'ORGANISATION THEME --language nl|pap|en WORD…',
    options: { language: { type: 'string' } },
    async run(context, values, [organisation, theme, ...words]) {
      if (!organisation || !theme || words.length === 0) throw new Error('themes remove-words needs the organisation, the theme and at least one word');
      const language = languageOf(values);
      const service = lexicons(context);
      const view = await service.view(CLI_ACTOR, organisation);
      const own = ownThemesOf(view);
      const entry = own[theme];
      if (!entry) throw new Error(`${organisation} added no words to the theme "${theme}"`);
      entry.terms[language] = entry.terms[language].filter((word) => !words.includes(word));
      // A shared theme with no words of the organisation's left is no addition any more.
      if (!entry.labels && LANGUAGES.every((each) => entry.terms[each].length === 0)) delete own[theme];
      printLexicon(context.print, await service.save(CLI_ACTOR, organisation, { version: view.version, themes: own }));
    },
  },
  {
    words: 'themes retag',
    usage: 'ORGANISATION',
    options: {},
    async run(context, _values, [organisation]) {
      if (!organisation) throw new Error('themes retag needs the organisation (see organisations list)');
      const service = lexicons(context);
      const { id } = await service.organisation(context.database.prisma, CLI_ACTOR, organisation);
      const changed = await new AnswerStore(context.database, undefined, undefined, service).retagOpenAnswers(id);
      await foldPendingRollups(context.database);
      context.print(`Tagged again: ${changed} open answers of ${organisation} changed their themes.`);
    },
  },
];
