import { lexicon } from '../support/lexicon';
import { randomBytes } from 'node:crypto';
import { ActivityTypes, TestAdapter, type Activity, type Middleware } from 'botbuilder';
import { expect } from 'vitest';
import { CONTEXT_CHANNEL_DATA_KEY, type TConversationContext } from '../../src/dialogs/conversationContext';
import { SurveyBot, type TSurveyBotDependencies } from '../../src/bots/surveyBot';
import { turnKeysOf } from '../../src/privacy/residentKeys';
import { DatabaseStorage } from '../../src/db/databaseStorage';
import { seedOrganisations } from '../../src/db/seed';
import { PrismaOrganisationDirectory } from '../../src/dialogs/organisationDirectory';
import { createI18n, type TI18n } from '../../src/i18n/i18n';
import type { TLanguage } from '../../src/i18n/languages';
import { createLogger } from '../../src/log';
import { AnswerStore } from '../../src/scoring/answerStore';
import { loadSurveys } from '../../src/surveys/loader';
import { registerSurveys, type SurveyCatalog } from '../../src/surveys/registry';
import { TEST_SECRETS } from '../support/app';
import { createTestDatabase, type TTestDatabase } from '../support/database';

/** Strict: a text the bot asks for that does not exist fails the test instead of showing its key. */
export const i18n: TI18n = createI18n({ strict: true });

export interface TBotWorld {
  database: TTestDatabase;
  catalog: SurveyCatalog;
  answers: AnswerStore;
  bot: SurveyBot;
  /** Ids of the seeded organisations by slug. */
  organisations: Record<string, string>;
  /** A fresh bot on the same database and storage (another replica). */
  replica(overrides?: Partial<TSurveyBotDependencies>): SurveyBot;
  dependencies: TSurveyBotDependencies;
  destroy(): Promise<void>;
}

/** The real SurveyBot on DatabaseStorage and the real answer store, on a fresh test database of this project's kind. */
export async function createBotWorld(overrides: Partial<TSurveyBotDependencies> = {}): Promise<TBotWorld> {
  const database = await createTestDatabase();
  await seedOrganisations(database.prisma);
  const catalog = await registerSurveys(database.prisma, loadSurveys(undefined, { i18n }));
  const answers = new AnswerStore(database);
  const dependencies: TSurveyBotDependencies = {
    storage: new DatabaseStorage(database.sql),
    i18n,
    lexicon,
    catalog,
    answers,
    directory: new PrismaOrganisationDirectory(database.prisma),
    hashSecret: TEST_SECRETS.HASH_SECRET,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...overrides,
  };
  const rows = await database.prisma.organisation.findMany({ select: { id: true, slug: true } });
  return {
    database,
    catalog,
    answers,
    dependencies,
    bot: new SurveyBot(dependencies),
    organisations: Object.fromEntries(rows.map((row) => [row.slug, row.id])),
    replica: (more = {}) => new SurveyBot({ ...dependencies, ...more }),
    destroy: () => database.destroy(),
  };
}

export interface TResidentOptions {
  channelId?: string;
  userId?: string;
  conversationId?: string;
  /** The channel's locale on every activity (Web Chat sends the browser's). */
  locale?: string;
  /** What the channel attaches as the conversation context (organisation, service, language, link). */
  context?: TConversationContext;
  middleware?: Middleware[];
}

/** One resident in one conversation, talking to a bot through botbuilder's TestAdapter. */
export class Resident {
  readonly channelId: string;
  readonly userId: string;
  readonly conversationId: string;
  readonly adapter: TestAdapter;
  private nextId = 1;

  constructor(
    public bot: SurveyBot,
    private readonly options: TResidentOptions = {},
  ) {
    this.channelId = options.channelId ?? 'webchat';
    this.userId = options.userId ?? `user-${randomBytes(4).toString('hex')}`;
    this.conversationId = options.conversationId ?? `conv-${randomBytes(4).toString('hex')}`;
    this.adapter = new TestAdapter(async () => undefined);
    for (const middleware of options.middleware ?? []) this.adapter.use(middleware);
  }

  get keys() {
    return turnKeysOf(TEST_SECRETS.HASH_SECRET, this.envelope());
  }

  /** The web chat opens: a conversationUpdate with the resident as a new member. */
  async open(): Promise<Partial<Activity>[]> {
    return this.process({
      ...this.envelope(),
      type: ActivityTypes.ConversationUpdate,
      membersAdded: [{ id: 'bot', name: 'Meethuis' }, { id: this.userId, name: '' }],
    });
  }

  /** The resident sends a message (typed, or a button's value); returns the bot's replies. */
  async say(text: string, extra: Partial<Activity> = {}): Promise<Partial<Activity>[]> {
    return this.process({ ...this.envelope(), type: ActivityTypes.Message, text, ...extra });
  }

  /** Runs any logic (a proactive turn) in this conversation and returns what it sent. */
  async proactive(logic: (bot: SurveyBot, context: import('botbuilder').TurnContext) => Promise<void>): Promise<Partial<Activity>[]> {
    await this.adapter.processActivity(
      { ...this.envelope(), type: ActivityTypes.Event, name: 'continueConversation' },
      (context) => logic(this.bot, context),
    );
    return this.drain();
  }

  private async process(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    await this.adapter.processActivity(activity, (context) => this.bot.run(context));
    return this.drain();
  }

  private drain(): Partial<Activity>[] {
    const replies: Partial<Activity>[] = [];
    for (let reply = this.adapter.getNextReply(); reply; reply = this.adapter.getNextReply()) replies.push(reply);
    return replies;
  }

  private envelope(): Partial<Activity> {
    return {
      id: String(this.nextId++),
      channelId: this.channelId,
      serviceUrl: 'http://127.0.0.1/test',
      from: { id: this.userId, name: '', role: 'user' },
      recipient: { id: 'bot', name: 'Meethuis', role: 'bot' },
      conversation: { id: this.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      ...(this.options.locale ? { locale: this.options.locale } : {}),
      ...(this.options.context ? { channelData: { [CONTEXT_CHANNEL_DATA_KEY]: this.options.context } } : {}),
    };
  }
}

/**
 * An expected reply: a `chat` key (or `survey:…`), with its interpolation values when it has any. A survey question
 * (`survey:questions.…`) is sent after where the resident is ("Vraag 3 van 10"): `progress` pins it, else any
 * number is taken.
 */
export type TExpected =
  | string
  | {
      key: string;
      params?: Record<string, string | number>;
      buttons?: string[];
      progress?: readonly [number: number, total: number];
      /** A second sentence in the same message (a question's re-prompt says how to skip: `reprompt.howToSkip`). */
      and?: string;
    };

export function textOf(language: TLanguage, expected: TExpected): string {
  const { key, params, and } = typeof expected === 'string' ? { key: expected, params: undefined, and: undefined } : expected;
  const t = i18n.translatorFor(language, 'chat');
  return and === undefined ? t(key, params) : `${t(key, params)} ${t(and)}`;
}

const isQuestion = (expected: TExpected) => (typeof expected === 'string' ? expected : expected.key).startsWith('survey:questions.');

/** A question's text as sent: its progress line, then the question. */
export function questionTextOf(language: TLanguage, expected: TExpected, progress: readonly [number, number]): string {
  const [number, total] = progress;
  return `${i18n.translatorFor(language, 'chat')('progress.question', { number, total })}\n\n${textOf(language, expected)}`;
}

/** The replies' texts must be exactly these texts, rendered from the same locale files. */
export function expectReplies(replies: Partial<Activity>[], language: TLanguage, expected: TExpected[]): void {
  const progressLine = new RegExp(
    `^${i18n.translatorFor(language, 'chat')('progress.question', { number: '(\\d+)', total: '(\\d+)' })}\n\n`,
  );
  const texts = replies.map((reply, index) => {
    const wanted = expected[index];
    const text = reply.text ?? '';
    if (wanted === undefined || !isQuestion(wanted)) return text;
    const found = progressLine.exec(text);
    if (!found) return text;
    const progress = typeof wanted === 'string' ? undefined : wanted.progress;
    return progress === undefined ? text.slice(found[0].length) : text.replace(progressLine, `${found[1]}/${found[2]} `);
  });
  expect(texts).toEqual(
    expected.map((e) => {
      const progress = typeof e === 'string' ? undefined : e.progress;
      if (!isQuestion(e)) return textOf(language, e);
      return progress === undefined ? textOf(language, e) : `${progress[0]}/${progress[1]} ${textOf(language, e)}`;
    }),
  );
  expected.forEach((e, index) => {
    if (typeof e !== 'string' && e.buttons) expect(buttonsOf(replies[index]!)).toEqual(e.buttons);
  });
}

export function buttonsOf(reply: Partial<Activity>): string[] {
  return (reply.suggestedActions?.actions ?? []).map((action) => String(action.title));
}

/**
 * A transcript row: what the resident says, and the replies expected (keys or texts from the locale files).
 * `language` switches the language the expectations are rendered in from this row on.
 */
export type TRow = [say: string, expect: TExpected[], language?: TLanguage];

/** Plays a transcript, row by row, and checks every reply. */
export async function play(resident: Resident, language: TLanguage, rows: TRow[]): Promise<TLanguage> {
  let current = language;
  for (const [line, expected, switchTo] of rows) {
    if (switchTo) current = switchTo;
    const replies = await resident.say(line);
    try {
      expectReplies(replies, current, expected);
    } catch (error) {
      throw new Error(`after the resident said ${JSON.stringify(line.slice(0, 60))}: ${(error as Error).message}`, { cause: error });
    }
  }
  return current;
}

/** The label on a button, as the resident sees and sends it. */
export function label(language: TLanguage, key: string): string {
  return i18n.translatorFor(language, 'chat')(key);
}
