import { DEFAULT_LANGUAGE } from '../i18n/languages';
import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { TSql, TSqlTransaction } from '../db/sql';
import { conversationContextOf } from '../dialogs/conversationContext';
import type { TAnswerWrites, TSurveyCatalog } from '../dialogs/session';
import { toStoredAnswer, type TGivenAnswer, type TNewResponse, type TStoredAnswer, type TStoredResponse } from '../scoring/answerStore';
import type { TSurveyVersion } from '../surveys/registry';
import type { TSurvey } from '../surveys/schema';

/** What runs a turn. */
interface TTurnRunner {
  run(context: TurnContext): Promise<void>;
}

/** The draft behind a preview conversation. */
export interface TDraftSurveys {
  draftSurvey(organisationId: string): Promise<TSurvey>;
}

const PREVIEW_VERSION_PREFIX = 'preview:';

/**
 * The survey catalog of a preview conversation: every organisation's survey is its current draft. The version id
 * names the organisation, so any replica can read the draft again for the conversation's next turn.
 */
export class DraftCatalog implements TSurveyCatalog {
  constructor(private readonly drafts: TDraftSurveys) {}

  latest(): Promise<TSurveyVersion | undefined> {
    return Promise.resolve(undefined);
  }

  async forOrganisation(organisationId: string): Promise<TSurveyVersion> {
    return this.version(`${PREVIEW_VERSION_PREFIX}${organisationId}`);
  }

  async version(versionId: string): Promise<TSurveyVersion> {
    if (!versionId.startsWith(PREVIEW_VERSION_PREFIX)) throw new Error('a preview conversation answers a draft only');
    const organisationId = versionId.slice(PREVIEW_VERSION_PREFIX.length);
    return { versionId, organisationId, survey: await this.drafts.draftSurvey(organisationId) };
  }
}

/**
 * The answer store of a preview conversation: it keeps nothing. The conversation's own state (its answers for the
 * skip logic, where it is) is saved as any conversation's is, so the preview behaves like the real survey — but no
 * response, answer or rollup is ever written, so nothing an admin tries reaches the figures or an export.
 */
export class PreviewAnswers implements TAnswerWrites {
  constructor(private readonly sql: TSql) {}

  startResponse(input: TNewResponse): Promise<TStoredResponse> {
    return Promise.resolve({
      id: `${PREVIEW_VERSION_PREFIX}${randomUUID()}`,
      surveyVersionId: input.surveyVersionId,
      organisationId: input.organisationId,
      language: input.language,
      status: 'in-progress',
      source: input.source,
      followUpId: null,
      heldBack: false,
      answers: {},
    });
  }

  findResumableResponse(): Promise<TStoredResponse | null> {
    return Promise.resolve(null);
  }

  adoptFollowUpResponse(): Promise<TStoredResponse | null> {
    return Promise.resolve(null);
  }

  /** The turn's state is still saved, in a transaction of its own, as it would be alongside the answers. */
  async recordAnswers(_responseId: string, given: readonly TGivenAnswer[], alongside?: (tx: TSqlTransaction) => Promise<void>): Promise<TStoredAnswer[]> {
    if (alongside) await this.sql.transaction(alongside);
    // A preview stores nothing, so nothing is tagged with themes either.
    return given.map((answer) => toStoredAnswer({ ...answer, open: false }, null, DEFAULT_LANGUAGE));
  }

  completeResponse(): Promise<void> {
    return Promise.resolve();
  }

  resumeResponse(): Promise<void> {
    return Promise.resolve();
  }

  setLanguage(): Promise<void> {
    return Promise.resolve();
  }

  eraseResident(): Promise<number> {
    return Promise.resolve(0);
  }
}

/** Sends a preview conversation (its channel context says so; only the server sets it) to the preview bot. */
export function previewDispatcher(bot: TTurnRunner, previewBot: TTurnRunner): TTurnRunner {
  return {
    run: (context) => (conversationContextOf(context.activity.channelData).preview === true ? previewBot.run(context) : bot.run(context)),
  };
}
