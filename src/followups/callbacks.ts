import { systemClock, type TClock } from '../kernel/clock';
import { z } from 'zod';
import type { TPrisma } from '../db/client';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import type { TJob } from '../jobs';
import { decryptJson, encryptJson } from '../privacy/crypto';
import { writeAudit, type TActor } from '../kernel/audit';
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
});

/** The encrypted column, checked like any JSON read back. */
const ZStoredContact = z.object({ method: z.enum(CALLBACK_METHODS), contact: z.string() });

/** An open (or handled) request as staff see it; `contact` is null once handled (the details are gone). */
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
}

/**
 * Residents' requests to be contacted after a low score (close the loop). The contact detail is encrypted with
 * ENCRYPTION_KEY, kept apart from the answers (never in an export or a KPI), shown to staff only, and deleted
 * when handled or after 30 days. The webhook tells the organisation that a request exists — never the detail.
 */
export class CallbackService implements TCallbackRequests {
  constructor(
    private readonly prisma: TPrisma,
    private readonly encryptionKey: string,
    private readonly events: TTransactionalEventPublisher,
    private readonly clock: TClock = systemClock,
  ) {}

  async request(input: { organisationId: string; responseId: string; method: 'phone' | 'email'; contact: string; language: TLanguage }): Promise<void> {
    const { organisationId, responseId, method, contact, language } = ZCallbackInput.parse(input);
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
          createdAt: now,
          lastNotifiedAt: now,
          expiresAt,
        },
        select: { id: true },
      });
      await this.events.within(tx).publish('callback.requested', organisationId, callbackEvent({ id, method, language, responseId, createdAt: now, expiresAt }, 0));
    });
  }

  /** The requests of the caller's organisation(s), newest first, with the contact detail decrypted. */
  /** The requests a staff member may see, with their contact details decrypted: personal data, so every read is audited. */
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
        organisation: { select: { slug: true } },
      },
    });
    await writeAudit(this.prisma, actor, 'callbacks.read', {
      organisationId: organisationId ?? null,
      subjectType: 'callback',
      details: { status: options.status, count: rows.length, ids: rows.map((row) => row.id) },
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
    }));
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
