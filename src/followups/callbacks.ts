import { systemClock, type TClock } from '../kernel/clock';
import { z } from 'zod';
import type { Prisma, TPrisma } from '../db/client';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import type { TJob } from '../jobs';
import { decryptJson, encryptJson } from '../privacy/crypto';
import { writeAudit, type TActor } from '../kernel/audit';
import { SurveyCatalog } from '../surveys/registry';
import type { TSurvey } from '../surveys/schema';
import type { TCallbackRequests, TTransactionalEventPublisher } from './contract';
import { FollowUpError } from './model';
import { addWorkingDays, DAY_MS } from './time';

/** Contact details live this long at most: deleted when handled or after 30 days (README, "Close the loop"). */
export const CALLBACK_RETENTION_DAYS = 30;
/** An open request is raised again to the organisation's systems after this many working days. */
export const CALLBACK_REMIND_WORKING_DAYS = 3;

export const CALLBACK_METHODS = ['phone', 'email'] as const;

const ZCallbackInput = z.object({
  organisationId: z.string().min(1),
  responseId: z.string().min(1),
  method: z.enum(CALLBACK_METHODS),
  contact: z.string().trim().min(1).max(320),
  language: z.enum(LANGUAGES),
  answersShared: z.boolean(),
});

/** The encrypted column, checked like any JSON read back. */
const ZStoredContact = z.object({ method: z.enum(CALLBACK_METHODS), contact: z.string() });

/** What the call is about: read from the resident's response each time staff look, never copied onto the request. */
export interface TCallbackContext {
  /** The service's slug (the staff page names it in its language); null when the survey was not about one. */
  service: string | null;
  /** How the resident had been in contact with the organisation (a follow-up's process data); null when not known. */
  contactChannel: string | null;
  /** Where the resident answered the survey: webchat, msteams … */
  chatChannel: string;
  /** The satisfaction answer, 1–5; null when skipped or "don't know". */
  satisfaction: number | null;
  /** The answers to the survey's open questions, in its order, as stored: scrubbed of personal data. */
  ownWords: string[];
}

/**
 * An open (or handled) request as staff see it; `contact` is null once handled (the details are gone). `context` is
 * null unless the request is open and the resident agreed to share their answers, and once those answers are erased
 * or purged.
 */
export interface TCallbackView {
  id: string;
  organisation: string;
  method: (typeof CALLBACK_METHODS)[number];
  contact: string | null;
  language: TLanguage;
  status: 'open' | 'handled';
  createdAt: string;
  expiresAt: string;
  handledAt: string | null;
  context: TCallbackContext | null;
}

/** The parts of a response a call-back's context is read from. */
const CONTEXT_RESPONSE_SELECT = {
  id: true,
  surveyVersionId: true,
  contactChannel: true,
  chatChannel: true,
  service: { select: { slug: true } },
  answers: { select: { questionKey: true, value: true, text: true, skipped: true, dontKnow: true } },
} satisfies Prisma.ResponseSelect;

/**
 * Residents' requests to be contacted after a low score (close the loop). The contact detail is encrypted with
 * ENCRYPTION_KEY, kept apart from the answers (never in an export or a KPI), shown to staff only, and deleted
 * when handled or after 30 days. The webhook tells the organisation that a request exists — never the detail.
 */
export class CallbackService implements TCallbackRequests {
  /** Resolves a response's survey version to its definition; versions are immutable, so it may keep what it read. */
  private readonly surveys: Pick<SurveyCatalog, 'version'>;

  constructor(
    private readonly prisma: TPrisma,
    private readonly encryptionKey: string,
    private readonly events: TTransactionalEventPublisher,
    private readonly clock: TClock = systemClock,
  ) {
    this.surveys = new SurveyCatalog(prisma);
  }

  async request(input: { organisationId: string; responseId: string; method: 'phone' | 'email'; contact: string; language: TLanguage; answersShared: boolean }): Promise<void> {
    const { organisationId, responseId, method, contact, language, answersShared } = ZCallbackInput.parse(input);
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + CALLBACK_RETENTION_DAYS * DAY_MS);
    // One transaction: a request is never stored without its event, nor announced without being stored.
    await this.prisma.$transaction(async (tx) => {
      const { id } = await tx.callback.create({
        data: {
          organisationId,
          responseId,
          method,
          encryptedContact: encryptJson(this.encryptionKey, { method, contact }),
          language,
          answersShared,
          createdAt: now,
          lastNotifiedAt: now,
          expiresAt,
        },
        select: { id: true },
      });
      await this.events.within(tx).publish('callback.requested', organisationId, callbackEvent({ id, method, language, responseId, createdAt: now, expiresAt }, 0));
    });
  }

  /**
   * The requests a staff member may see, newest first, with their contact details decrypted and, where the resident
   * agreed, what the call is about: personal data, so every read is audited, naming the requests whose answers it showed.
   */
  async list(actor: TActor, options: { status: 'open' | 'handled'; organisationId?: string; limit: number }): Promise<TCallbackView[]> {
    const organisationId = actor.organisationId ?? options.organisationId;
    const rows = await this.prisma.callback.findMany({
      where: { status: options.status, ...(organisationId ? { organisationId } : {}), expiresAt: { gt: this.clock() } },
      orderBy: { createdAt: 'desc' },
      take: options.limit,
      select: {
        id: true,
        method: true,
        encryptedContact: true,
        language: true,
        status: true,
        createdAt: true,
        expiresAt: true,
        handledAt: true,
        answersShared: true,
        responseId: true,
        organisation: { select: { slug: true } },
      },
    });
    // Handled requests need no context: the call has been made.
    const sharedResponseIds = rows.flatMap((row) => (row.status === 'open' && row.answersShared && row.responseId !== null ? [row.responseId] : []));
    const contexts = await this.contextsOf(sharedResponseIds);
    const contextOfRow = (row: { responseId: string | null }) => (row.responseId !== null ? (contexts.get(row.responseId) ?? null) : null);
    await writeAudit(this.prisma, actor, 'callbacks.read', {
      organisationId: organisationId ?? null,
      subjectType: 'callback',
      details: {
        status: options.status,
        count: rows.length,
        ids: rows.map((row) => row.id),
        answersShownFor: rows.filter((row) => contextOfRow(row) !== null).map((row) => row.id),
      },
    });
    return rows.map((row) => ({
      id: row.id,
      organisation: row.organisation.slug,
      method: z.enum(CALLBACK_METHODS).parse(row.method),
      contact: row.encryptedContact ? ZStoredContact.parse(decryptJson(this.encryptionKey, row.encryptedContact)).contact : null,
      language: z.enum(LANGUAGES).parse(row.language),
      status: row.status === 'handled' ? 'handled' : 'open',
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      handledAt: row.handledAt?.toISOString() ?? null,
      context: contextOfRow(row),
    }));
  }

  /**
   * The contexts of these responses, by response id, read from the responses as they are now: a response erased or
   * purged since has none. Only the responses of requests whose residents agreed are read at all.
   */
  private async contextsOf(responseIds: string[]): Promise<Map<string, TCallbackContext>> {
    if (responseIds.length === 0) return new Map();
    const responses = await this.prisma.response.findMany({ where: { id: { in: responseIds } }, select: CONTEXT_RESPONSE_SELECT });
    const contexts = new Map<string, TCallbackContext>();
    for (const response of responses) {
      const { survey } = await this.surveys.version(response.surveyVersionId);
      contexts.set(response.id, contextOf(survey, response));
    }
    return contexts;
  }

  /**
   * Marks a request handled and deletes its contact detail at once. Marking it twice is harmless: the second
   * call finds it handled and reports so.
   */
  async markHandled(actor: TActor, id: string): Promise<{ id: string; organisationId: string; alreadyHandled: boolean }> {
    const row = await this.prisma.callback.findUnique({ where: { id }, select: { organisationId: true, status: true } });
    if (!row) throw new FollowUpError('not-found', 'not_found', 'There is no call-back request with this id (it may have been deleted after 30 days).');
    if (actor.organisationId !== null && actor.organisationId !== row.organisationId) {
      throw new FollowUpError('forbidden', 'forbidden', 'This call-back request belongs to another organisation.');
    }
    // The change and its audit line are stored together or not at all.
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.callback.updateMany({
        where: { id, status: 'open' },
        data: { status: 'handled', handledAt: this.clock(), encryptedContact: '' },
      });
      const alreadyHandled = count === 0;
      await writeAudit(tx, actor, 'callback.handled', { organisationId: row.organisationId, subjectType: 'callback', subjectId: id, details: { alreadyHandled } });
      return { id, organisationId: row.organisationId, alreadyHandled };
    });
  }

  /**
   * Deletes requests past their 30 days, and raises `callback.requested` again for open ones nobody handled for
   * three working days (in the organisation's zone). The reminder is a compare-and-set on lastNotifiedAt inside the
   * event's transaction, so two replicas running this at once raise it once.
   */
  async sweep(): Promise<{ deleted: number; reminded: number }> {
    const now = this.clock();
    const { count: deleted } = await this.prisma.callback.deleteMany({ where: { expiresAt: { lte: now } } });
    const open = await this.prisma.callback.findMany({
      where: { status: 'open', expiresAt: { gt: now } },
      select: {
        id: true,
        organisationId: true,
        method: true,
        language: true,
        responseId: true,
        createdAt: true,
        expiresAt: true,
        lastNotifiedAt: true,
        organisation: { select: { timeZone: true } },
      },
      take: 500,
    });
    let reminded = 0;
    for (const row of open) {
      const last = row.lastNotifiedAt ?? row.createdAt;
      if (addWorkingDays(last, CALLBACK_REMIND_WORKING_DAYS, row.organisation.timeZone) > now) continue;
      const raised = await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.callback.updateMany({ where: { id: row.id, status: 'open', lastNotifiedAt: row.lastNotifiedAt }, data: { lastNotifiedAt: now } });
        if (count === 0) return false;
        const reminder = Math.max(1, Math.round((now.getTime() - row.createdAt.getTime()) / DAY_MS));
        await this.events.within(tx).publish(
          'callback.requested',
          row.organisationId,
          callbackEvent({ id: row.id, method: row.method, language: row.language, responseId: row.responseId, createdAt: row.createdAt, expiresAt: row.expiresAt }, reminder),
        );
        return true;
      });
      if (raised) reminded += 1;
    }
    return { deleted, reminded };
  }

  /** The sweep as a background job; every replica may run it (see sweep). */
  job(everyMs = 10 * 60_000): TJob {
    return { name: 'callback-sweep', everyMs, run: async () => void (await this.sweep()) };
  }
}

type TContextResponse = Prisma.ResponseGetPayload<{ select: typeof CONTEXT_RESPONSE_SELECT }>;

/** The satisfaction answer and the resident's own words, found by the questions of the survey version they answered. */
function contextOf(survey: TSurvey, response: TContextResponse): TCallbackContext {
  const byKey = new Map(response.answers.map((answer) => [answer.questionKey, answer]));
  const given = (questionKey: string) => {
    const answer = byKey.get(questionKey);
    return answer && !answer.skipped && !answer.dontKnow ? answer : undefined;
  };
  const satisfaction = survey.questions.find((question) => question.measures === 'satisfaction');
  return {
    service: response.service?.slug ?? null,
    contactChannel: response.contactChannel,
    chatChannel: response.chatChannel,
    satisfaction: satisfaction ? (given(satisfaction.key)?.value ?? null) : null,
    ownWords: survey.questions.filter((question) => question.type === 'text').flatMap((question) => given(question.key)?.text ?? []),
  };
}

/** The event's data: enough for the organisation's system to know a request waits, never the contact detail. */
function callbackEvent(
  row: { id: string; method: string; language: string; responseId: string | null; createdAt: Date; expiresAt: Date },
  daysOpen: number,
): Record<string, unknown> {
  return {
    callbackId: row.id,
    method: row.method,
    language: row.language,
    responseId: row.responseId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    /** 0 when new; otherwise a reminder, with the days the request has been open. */
    reminderAfterDays: daysOpen,
  };
}
