import { z } from 'zod';
import type { TPrisma } from '../db/client';
import { writeAudit, type TActor } from '../kernel/audit';
import { organisationInScope } from '../followups/scope';
import type { AnswerStore } from './answerStore';
import { dayIn } from '../kernel/calendar';
import { ZSlug } from '../kernel/slug';

const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day such as 2026-03-01');

export const ZHeldBackQuery = z.strictObject({
  organisation: ZSlug.optional(),
  from: ZDay.optional(),
  to: ZDay.optional(),
});
export type THeldBackQuery = z.infer<typeof ZHeldBackQuery>;

/** One organisation's one day: what an analyst accepts or discards as a whole. */
export const ZHeldBackSelection = z.strictObject({
  organisation: ZSlug.optional(),
  day: ZDay,
});
export type THeldBackSelection = z.infer<typeof ZHeldBackSelection>;

export interface THeldBackDay {
  organisation: string;
  /** The day the responses started, in the organisation's time zone (where they count once accepted). */
  day: string;
  responses: number;
  completed: number;
}

/**
 * The analyst's review of responses held back by the limit on new responses per address: listed per organisation
 * and day, then accepted (they enter the figures on their own day) or discarded (they are deleted). Every decision
 * is written to the audit log.
 */
export class HeldBackResponses {
  constructor(
    private readonly prisma: TPrisma,
    private readonly answers: AnswerStore,
  ) {}

  async list(actor: TActor, query: THeldBackQuery): Promise<THeldBackDay[]> {
    // A token of every organisation that names none lists them all.
    const organisationId = actor.organisationId === null && query.organisation === undefined ? null : (await organisationInScope(this.prisma, actor, query.organisation)).id;
    const rows = await this.prisma.response.findMany({
      where: { heldBack: true, ...(organisationId ? { organisationId } : {}) },
      select: { startedAt: true, status: true, organisation: { select: { slug: true, timeZone: true } } },
      orderBy: { startedAt: 'asc' },
    });
    const days = new Map<string, THeldBackDay>();
    for (const row of rows) {
      const day = dayIn(row.startedAt, row.organisation.timeZone);
      if ((query.from && day < query.from) || (query.to && day > query.to)) continue;
      const key = `${row.organisation.slug} ${day}`;
      const entry = days.get(key) ?? { organisation: row.organisation.slug, day, responses: 0, completed: 0 };
      entry.responses += 1;
      if (row.status === 'completed') entry.completed += 1;
      days.set(key, entry);
    }
    return [...days.values()].sort((a, b) => a.day.localeCompare(b.day) || a.organisation.localeCompare(b.organisation));
  }

  async accept(actor: TActor, selection: THeldBackSelection): Promise<number> {
    const { organisationId, ids } = await this.select(actor, selection);
    const accepted = await this.answers.acceptHeldBack(ids);
    await writeAudit(this.prisma, actor, 'responses.accept', { organisationId, subjectType: 'day', subjectId: selection.day, details: { responses: accepted } });
    return accepted;
  }

  async discard(actor: TActor, selection: THeldBackSelection): Promise<number> {
    const { organisationId, ids } = await this.select(actor, selection);
    const discarded = await this.answers.discardHeldBack(ids);
    await writeAudit(this.prisma, actor, 'responses.discard', { organisationId, subjectType: 'day', subjectId: selection.day, details: { responses: discarded } });
    return discarded;
  }

  /** The held-back responses that started on the day, in the organisation's zone (a day has at most 26 hours). */
  private async select(actor: TActor, selection: THeldBackSelection): Promise<{ organisationId: string; ids: string[] }> {
    const { id: organisationId, timeZone } = await organisationInScope(this.prisma, actor, selection.organisation);
    const noon = Date.parse(`${selection.day}T12:00:00Z`);
    const rows = await this.prisma.response.findMany({
      where: { heldBack: true, organisationId, startedAt: { gte: new Date(noon - 26 * 3_600_000), lte: new Date(noon + 26 * 3_600_000) } },
      select: { id: true, startedAt: true },
    });
    return { organisationId, ids: rows.filter((row) => dayIn(row.startedAt, timeZone) === selection.day).map((row) => row.id) };
  }
}
