import { systemClock } from '../../kernel/clock';
import { z } from 'zod';
import { Prisma, type TPrisma } from '../../db/client';
import { withLease } from '../../db/lease';
import type { TJob } from '../../jobs';
import { ZConversationContext, type TConversationContext } from '../../dialogs/conversationContext';

/** An activity as the client reads it; its `id` is derived from the row (see {@link activityIdOf}). */
export const ZStoredActivity = z.looseObject({ type: z.string() });
export type TStoredActivity = z.infer<typeof ZStoredActivity>;

export interface TStoredConversation {
  id: string;
  userKey: string;
  context: TConversationContext;
}

export interface TActivityPage {
  activities: (TStoredActivity & { id: string })[];
  /** The id of the last row returned, or the watermark asked for when nothing is new. */
  watermark: number;
}

export interface TDirectLineStoreOptions {
  /** How long a delivered activity stays, for a reconnect or a second tab with an older watermark. */
  deliveredGraceMs?: number;
  /** An activity nobody fetched is dropped after this long (the resident went away). */
  undeliveredTtlMs?: number;
  /** A conversation with no activity for this long is forgotten (its tokens expired long before). */
  conversationTtlMs?: number;
  clock?: () => Date;
}

const SELECT_CONVERSATION = { id: true, userKey: true, context: true } satisfies Prisma.DirectLineConversationSelect;

/**
 * The Direct Line outbox in the database: every activity a client may poll, so any replica serves any poll.
 * The autoincrement row id is the watermark and the number in the activity id (`conversationId|0000042`).
 */
export class DirectLineStore {
  readonly deliveredGraceMs: number;
  readonly undeliveredTtlMs: number;
  readonly conversationTtlMs: number;
  private readonly clock: () => Date;

  constructor(
    private readonly prisma: TPrisma,
    options: TDirectLineStoreOptions = {},
  ) {
    this.deliveredGraceMs = options.deliveredGraceMs ?? 60_000;
    this.undeliveredTtlMs = options.undeliveredTtlMs ?? 60 * 60_000;
    this.conversationTtlMs = options.conversationTtlMs ?? 24 * 60 * 60_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Creates the conversation once; `false` when it already exists (a resume, not a start). */
  async createConversation(conversation: TStoredConversation): Promise<boolean> {
    try {
      await this.prisma.directLineConversation.create({
        data: { id: conversation.id, userKey: conversation.userKey, context: JSON.stringify(conversation.context) },
      });
      return true;
    } catch (error) {
      // The primary key decides between two replicas starting the same conversation at once.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false;
      throw error;
    }
  }

  async findConversation(id: string): Promise<TStoredConversation | null> {
    const row = await this.prisma.directLineConversation.findUnique({ where: { id }, select: SELECT_CONVERSATION });
    return row ? { id: row.id, userKey: row.userKey, context: parseContext(row.context) } : null;
  }

  /**
   * Appends activities in order and returns their row ids; null when the conversation is gone.
   * The conversation row is updated first in the same transaction: its row lock makes concurrent appends to
   * one conversation take their ids and commit one after the other, so a poll can never see id 8 committed
   * while id 7 is still in flight and then skip 7 behind its watermark.
   */
  async append(conversationId: string, activities: TStoredActivity[]): Promise<number[] | null> {
    if (activities.length === 0) return [];
    const now = this.clock();
    try {
      const [, ...rows] = await this.prisma.$transaction([
        this.prisma.directLineConversation.update({ where: { id: conversationId }, data: { lastActivityAt: now }, select: { id: true } }),
        ...activities.map((activity) =>
          this.prisma.directLineActivity.create({
            data: { conversationId, activity: JSON.stringify(activity), createdAt: now },
            select: { id: true },
          }),
        ),
      ]);
      return rows.map((row) => row.id);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') return null;
      throw error;
    }
  }

  /**
   * The activities after `watermark` (at most `limit`), or null for an unknown conversation. A watermark is
   * the client's receipt for everything up to it, so those rows are deleted once past the grace period —
   * only when there are any, so an idle poll stays a read.
   */
  /** Forgets what still waits for the client's poll (erasure: the echoes hold what the resident wrote, scrubbed). */
  async forgetActivities(conversationId: string): Promise<void> {
    await this.prisma.directLineActivity.deleteMany({ where: { conversationId } });
  }

  async readAfter(conversationId: string, watermark: number, limit = 100): Promise<TActivityPage | null> {
    const cutoff = new Date(this.clock().getTime() - this.deliveredGraceMs);
    const delivered = { id: { lte: watermark }, createdAt: { lt: cutoff } } satisfies Prisma.DirectLineActivityWhereInput;
    const row = await this.prisma.directLineConversation.findUnique({
      where: { id: conversationId },
      select: {
        activities: { where: { id: { gt: watermark } }, orderBy: { id: 'asc' }, take: limit, select: { id: true, activity: true } },
        _count: { select: { activities: { where: delivered } } },
      },
    });
    if (!row) return null;
    if (row._count.activities > 0) {
      await this.prisma.directLineActivity.deleteMany({ where: { conversationId, ...delivered } });
    }
    const activities = row.activities.flatMap((stored) => {
      const parsed = ZStoredActivity.safeParse(safeJson(stored.activity));
      return parsed.success ? [{ ...parsed.data, id: activityIdOf(conversationId, stored.id) }] : [];
    });
    return { activities, watermark: row.activities.at(-1)?.id ?? watermark };
  }

  /**
   * The field of a page's context that names no registered organisation or service, if any (as in
   * every API, an unknown service is a 400). A service only means something within its organisation.
   */
  async unknownContextField(context: TConversationContext): Promise<'organisation' | 'service' | undefined> {
    if (!context.organisation) return context.service ? 'organisation' : undefined;
    const organisation = await this.prisma.organisation.findUnique({ where: { slug: context.organisation }, select: { id: true } });
    if (!organisation) return 'organisation';
    if (!context.service) return undefined;
    const service = await this.prisma.service.findFirst({ where: { organisationId: organisation.id, slug: context.service, retiredAt: null }, select: { id: true } });
    return service ? undefined : 'service';
  }

  /** Drops undelivered activities and idle conversations past their lifetimes; returns what it removed. */
  async prune(): Promise<{ activities: number; conversations: number }> {
    const now = this.clock().getTime();
    const activities = await this.prisma.directLineActivity.deleteMany({
      where: { createdAt: { lt: new Date(now - this.undeliveredTtlMs) } },
    });
    const conversations = await this.prisma.directLineConversation.deleteMany({
      where: { lastActivityAt: { lt: new Date(now - this.conversationTtlMs) } },
    });
    return { activities: activities.count, conversations: conversations.count };
  }
}

/** Direct Line's activity id shape, `conversationId|0000001`; the number is the watermark. */
export function activityIdOf(conversationId: string, rowId: number): string {
  return `${conversationId}|${String(rowId).padStart(7, '0')}`;
}

/** The Direct Line store's pruning as a background job; one replica at a time does it (lease). */
export function directLinePruneJob(prisma: TPrisma, store: DirectLineStore, replicaId: string): TJob {
  return {
    name: 'directline-prune',
    everyMs: 60_000,
    run: async () => {
      await withLease(prisma, 'directline-prune', replicaId, 5 * 60_000, async () => {
        await store.prune();
      });
    },
  };
}

function parseContext(json: string): TConversationContext {
  const parsed = ZConversationContext.safeParse(safeJson(json));
  return parsed.success ? parsed.data : {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
