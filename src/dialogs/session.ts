import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { TTurnKeys } from '../privacy/residentKeys';
import { turnKeysOfContext } from './turnKeys';
import type { TSqlTransaction } from '../db/sql';
import type { TCallbackRequests, TEventPublisher, TFollowUpGateway } from '../followups/contract';
import type { TI18n } from '../i18n/i18n';
import { DEFAULT_LANGUAGE, type TLanguage } from '../i18n/languages';
import type { TLogger } from '../log';
import type { AnswerStore, TGivenAnswer } from '../scoring/answerStore';
import { nextQuestion } from '../surveys/logic';
import type { SurveyCatalog, TSurveyVersion } from '../surveys/registry';
import type { TAnswer, TQuestion } from '../surveys/schema';
import type { TOrganisationDirectory } from './organisationDirectory';
import type { TLexicon } from './recognizers';
import { logicAnswers, rememberedAnswerOf, ZResidentProfile, ZSurveyState, type TResidentProfile, type TSurveyState } from './state';
import { Texts, type TChatKey, type TTextParams } from './texts';

export type TSurveyCatalog = Pick<SurveyCatalog, 'latest' | 'forOrganisation' | 'version'>;

/** The answer store as the conversation uses it (the one write path for answers). */
export type TAnswerWrites = Pick<
  AnswerStore,
  | 'startResponse'
  | 'findResumableResponse'
  | 'adoptFollowUpResponse'
  | 'recordAnswers'
  | 'completeResponse'
  | 'resumeResponse'
  | 'setLanguage'
  | 'eraseResident'
>;

/** What the dialogs do with responses besides answering: each first stores the answers the turn has given so far. */
export type TResponseWrites = Omit<TAnswerWrites, 'recordAnswers'>;

/** Everything the survey conversation is built from; the follow-up side is optional until it is wired. */
export interface TSurveyServices {
  i18n: TI18n;
  catalog: TSurveyCatalog;
  answers: TAnswerWrites;
  directory: TOrganisationDirectory;
  /** HASH_SECRET: residents and conversations are known only by keyed hashes. */
  hashSecret: string;
  logger: TLogger;
  followUps?: TFollowUpGateway | undefined;
  callbacks?: TCallbackRequests | undefined;
  events?: TEventPublisher | undefined;
  /** The recogniser data, built once at start-up (buildLexicon), where a data error stops the service. */
  lexicon: TLexicon;
  clock?: (() => Date) | undefined;
  /** ABANDON_AFTER_HOURS: a resident who returns after this long is offered to continue, not just re-prompted. */
  abandonAfterHours?: number | undefined;
  /** After a resident's erasure: what the channel and the database still hold of it goes too. */
  erasure?: TErasureFollowThrough | undefined;
}

export interface TErasureFollowThrough {
  /** Removes the conversation's traces outside the responses (undelivered messages) and reclaims the deleted bytes. */
  afterErasure(channelId: string, conversationId: string): Promise<void>;
}

export const DEFAULT_ABANDON_AFTER_HOURS = 24;

const STATE_CACHE = Symbol('meethuis.surveyState');
const PROFILE_CACHE = Symbol('meethuis.residentProfile');
const ANSWER_PENDING = Symbol('meethuis.answerPending');
const GIVEN_ANSWERS = Symbol('meethuis.givenAnswers');

/** The answers given in a turn and not stored yet: they are stored with the turn's state (commitTurn). */
interface TGivenAnswers {
  responseId: string;
  answers: TGivenAnswer[];
}

/**
 * What every survey dialog shares in a turn: the state (read once, validated), the resident's keys, the
 * texts in the conversation's current language, the survey being answered, and the write of an answer.
 */
export class SurveySession {
  readonly lexicon: TLexicon;

  constructor(
    readonly services: TSurveyServices,
    private readonly surveyState: StatePropertyAccessor<unknown>,
    private readonly residentProfile: StatePropertyAccessor<unknown>,
  ) {
    this.lexicon = services.lexicon;
  }

  /** The survey state of this conversation, validated once per turn; a document that no longer parses starts afresh. */
  async state(context: TurnContext): Promise<TSurveyState> {
    const cached = context.turnState.get<TSurveyState | undefined>(STATE_CACHE);
    if (cached) return cached;
    const parsed = ZSurveyState.safeParse((await this.surveyState.get(context, {})) ?? {});
    if (!parsed.success) this.services.logger.warn({ channel: context.activity.channelId }, 'survey state did not validate; starting afresh');
    const state = parsed.success ? parsed.data : ZSurveyState.parse({});
    await this.surveyState.set(context, state);
    context.turnState.set(STATE_CACHE, state);
    return state;
  }

  /** The state as far as this turn has read it, without touching storage (for the error handler). */
  cachedState(context: TurnContext): TSurveyState | undefined {
    return context.turnState.get<TSurveyState | undefined>(STATE_CACHE);
  }

  /** Starts the conversation's survey state over, keeping its language. */
  async resetState(context: TurnContext, keep: Partial<TSurveyState> = {}): Promise<TSurveyState> {
    const old = await this.state(context);
    const state = ZSurveyState.parse({
      language: old.language,
      languageKnown: old.languageKnown,
      languageHinted: old.languageHinted,
      residentHasWritten: old.residentHasWritten,
      lastTurnAt: old.lastTurnAt,
      declinedFollowUps: old.declinedFollowUps,
      ...keep,
    });
    await this.surveyState.set(context, state);
    context.turnState.set(STATE_CACHE, state);
    return state;
  }

  /** The resident's profile, read only: it is written when it changes (see switchLanguage), not on every start. */
  async profile(context: TurnContext): Promise<Readonly<TResidentProfile>> {
    const cached = context.turnState.get<TResidentProfile | undefined>(PROFILE_CACHE);
    if (cached) return cached;
    const parsed = ZResidentProfile.safeParse((await this.residentProfile.get(context)) ?? {});
    const profile = parsed.success ? parsed.data : {};
    context.turnState.set(PROFILE_CACHE, profile);
    return profile;
  }

  keys(context: TurnContext): TTurnKeys {
    return turnKeysOfContext(this.services.hashSecret, context);
  }

  now(): Date {
    return this.services.clock?.() ?? new Date();
  }

  async texts(context: TurnContext): Promise<Texts> {
    const state = await this.state(context);
    return new Texts(this.services.i18n, state.language ?? DEFAULT_LANGUAGE);
  }

  /** Sends one text of the `chat` namespace in the conversation's language. */
  async say(context: TurnContext, key: TChatKey, params?: TTextParams): Promise<void> {
    const texts = await this.texts(context);
    await context.sendActivity(texts.message(texts.chat(key, params)));
  }

  /** The survey version this conversation answers. */
  async survey(context: TurnContext): Promise<TSurveyVersion> {
    const state = await this.state(context);
    if (!state.surveyVersionId) throw new Error('the conversation has no survey version yet');
    return this.services.catalog.version(state.surveyVersionId);
  }

  /** The next question this conversation's resident is shown and has not answered yet; none when the survey is done. */
  async nextQuestion(context: TurnContext): Promise<TQuestion | undefined> {
    const state = await this.state(context);
    const { survey } = await this.survey(context);
    return nextQuestion(survey, logicAnswers(state.answers));
  }

  async question(context: TurnContext, key: string): Promise<TQuestion> {
    const { survey } = await this.survey(context);
    const question = survey.questions.find((q) => q.key === key);
    if (!question) throw new Error(`question "${key}" is not in survey ${survey.id} v${survey.version}`);
    return question;
  }

  /**
   * Takes an answer and remembers it for the skip logic. It is stored at the end of the turn, in one transaction
   * with the turn's state (commitTurn), or earlier when the turn writes to its response otherwise (`responses`).
   * Until it is stored the turn is marked, so that a failure is reported as "not saved" — never as saved.
   */
  async recordAnswer(context: TurnContext, question: TQuestion, answer: TAnswer): Promise<void> {
    const state = await this.state(context);
    if (!state.responseId) throw new Error('an answer arrived before the response was started');
    let given = context.turnState.get<TGivenAnswers | undefined>(GIVEN_ANSWERS);
    if (given && given.responseId !== state.responseId) {
      await this.storeGivenAnswers(context);
      given = undefined;
    }
    if (!given) {
      given = { responseId: state.responseId, answers: [] };
      context.turnState.set(GIVEN_ANSWERS, given);
    }
    given.answers.push(givenAnswerOf(question, answer));
    context.turnState.set(ANSWER_PENDING, true);
    state.answers[question.key] = rememberedAnswerOf(question, answer);
  }

  /** Whether the turn failed before its answers were stored (so the resident hears they were not saved). */
  answerPending(context: TurnContext): boolean {
    return context.turnState.get(ANSWER_PENDING) === true;
  }

  /**
   * The end of a turn: its answers and its state (`saveState`) in one transaction, so the two are stored together
   * or not at all — and on SQLite the turn waits for one commit to reach the disk, not two. Without answers, the
   * state alone.
   */
  async commitTurn(context: TurnContext, saveState: (within?: TSqlTransaction) => Promise<void>): Promise<void> {
    if (!context.turnState.get(GIVEN_ANSWERS)) return saveState();
    await this.storeGivenAnswers(context, saveState);
  }

  /** The answer store for the rest of the dialogs: the turn's answers are stored before anything else touches a response. */
  responses(context: TurnContext): TResponseWrites {
    const { answers } = this.services;
    const afterGivenAnswers =
      <TArgs extends unknown[], TResult>(write: (...args: TArgs) => Promise<TResult>) =>
      async (...args: TArgs): Promise<TResult> => {
        await this.storeGivenAnswers(context);
        return write.apply(answers, args);
      };
    return {
      startResponse: afterGivenAnswers(answers.startResponse),
      findResumableResponse: afterGivenAnswers(answers.findResumableResponse),
      adoptFollowUpResponse: afterGivenAnswers(answers.adoptFollowUpResponse),
      completeResponse: afterGivenAnswers(answers.completeResponse),
      resumeResponse: afterGivenAnswers(answers.resumeResponse),
      setLanguage: afterGivenAnswers(answers.setLanguage),
      eraseResident: afterGivenAnswers(answers.eraseResident),
    };
  }

  private async storeGivenAnswers(context: TurnContext, alongside?: (tx: TSqlTransaction) => Promise<void>): Promise<void> {
    const given = context.turnState.get<TGivenAnswers | undefined>(GIVEN_ANSWERS);
    if (!given) return;
    await this.services.answers.recordAnswers(given.responseId, given.answers, alongside);
    context.turnState.delete(GIVEN_ANSWERS);
    context.turnState.set(ANSWER_PENDING, false);
  }

  /** Changes the conversation's language; the response follows, since language is one of its KPI dimensions. */
  async switchLanguage(context: TurnContext, language: TLanguage, { explicit }: { explicit: boolean }): Promise<void> {
    const state = await this.state(context);
    state.language = language;
    state.languageKnown = true;
    state.languageHinted = false;
    if (explicit) {
      const profile = { ...(await this.profile(context)), language };
      await this.residentProfile.set(context, profile);
      context.turnState.set(PROFILE_CACHE, profile);
    }
    if (state.responseId) await this.responses(context).setLanguage(state.responseId, language);
  }
}

/** An answer in the answer store's terms: numbers as values, choice keys and free text as text. */
export function givenAnswerOf(question: TQuestion, answer: TAnswer): TGivenAnswer {
  const base = { questionKey: question.key, measure: question.measures ?? null };
  switch (answer.kind) {
    case 'dontKnow':
      return { ...base, dontKnow: true };
    case 'skip':
      return { ...base, skipped: true };
    case 'value':
      if (typeof answer.value === 'number') return { ...base, value: answer.value };
      return question.type === 'text' ? { ...base, text: answer.value, open: true } : { ...base, text: answer.value };
  }
}
