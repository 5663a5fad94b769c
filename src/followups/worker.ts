import { systemClock, type TClock } from '../kernel/clock';
import type { TPrisma } from '../db/client';
import { claimQueueRow, unlockedAt } from '../db/queueClaim';
import type { TJob } from '../jobs';
import type { TLogger } from '../log';
import type { TProactiveSender, TTransactionalEventPublisher } from './contract';
import { FOLLOW_UP_START_SELECT, followUpStartOf } from './gateway';
import { INVITATION_TARGETS, WAITING_STATUSES } from './model';
import { backoffMs, HOUR_MS, quietUntil, type TQuietHours } from './time';

export interface TFollowUpWorkerOptions {
  quietHours: TQuietHours | null;
  linkTtlHours: number;
  /** After this many failed sends the follow-up is `failed` (and `follow-up.failed` is raised). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /**
   * How long a claim keeps other replicas off a row. Longer than any send may take (the channel's HTTP timeout),
   * or a slow send could be claimed and sent a second time.
   */
  lockMs?: number;
  batchSize?: number;
  everyMs?: number;
  clock?: TClock;
  logger?: TLogger;
}

export interface TWorkerRun {
  sent: number;
  deferred: number;
  retried: number;
  failed: number;
  skipped: number;
}

/** How a follow-up queue is worked (the chat worker here, the e-mail and SMS ones in invitations.ts): the same for all. */
export const QUEUE_DEFAULTS = { maxAttempts: 5, backoffBaseMs: 60_000, backoffCapMs: HOUR_MS, lockMs: 5 * 60_000, batchSize: 20, everyMs: 5_000 };

/**
 * Works the follow-up queue in the database. Any replica may run it: each due row is claimed with one conditional
 * UPDATE (lockedUntil in the past or unset → ours), and only the replica whose UPDATE changed the row sends it.
 * Quiet hours in the organisation's zone defer a message to their end; a failing channel is retried with
 * exponential back-off until `maxAttempts`.
 */
export class FollowUpWorker {
  private readonly settings: typeof QUEUE_DEFAULTS;
  private readonly clock: TClock;

  constructor(
    private readonly prisma: TPrisma,
    private readonly sender: TProactiveSender,
    private readonly events: TTransactionalEventPublisher,
    private readonly options: TFollowUpWorkerOptions,
  ) {
    this.settings = { ...QUEUE_DEFAULTS, ...definedOf(options) };
    this.clock = options.clock ?? systemClock;
  }

  /** One pass over the due rows; returns what happened (for tests and logs). */
  async runOnce(): Promise<TWorkerRun> {
    const run: TWorkerRun = { sent: 0, deferred: 0, retried: 0, failed: 0, skipped: 0 };
    const now = this.clock();
    const due = await this.prisma.followUp.findMany({
      // E-mail and SMS invitations have their own worker (invitations.ts).
      where: { targetType: 'conversation', status: { in: [...WAITING_STATUSES] }, nextAttemptAt: { lte: now }, ...unlockedAt(now) },
      orderBy: { nextAttemptAt: 'asc' },
      take: this.settings.batchSize,
      select: { ...FOLLOW_UP_START_SELECT, residentKey: true, targetChannel: true, attempts: true, organisation: { select: { timeZone: true } } },
    });
    for (const row of due) {
      const claim = await claimQueueRow(this.clock, this.settings.lockMs, ({ claimedAt, lockedUntil }) =>
        this.prisma.followUp.updateMany({
          where: { id: row.id, targetType: 'conversation', status: { in: [...WAITING_STATUSES] }, nextAttemptAt: { lte: claimedAt }, ...unlockedAt(claimedAt) },
          data: { lockedUntil },
        }),
      );
      if (!claim) continue;
      const { claimedAt } = claim;
      const ours = { id: row.id, lockedUntil: claim.lockedUntil };

      const until = quietUntil(claimedAt, row.organisation.timeZone, this.options.quietHours);
      if (until) {
        await this.prisma.followUp.updateMany({ where: ours, data: { status: 'deferred', nextAttemptAt: until, lockedUntil: null } });
        run.deferred += 1;
        continue;
      }
      if (!row.residentKey || !row.targetChannel) {
        // Only conversation targets are queued, and they always name a resident; a row without is not sendable.
        await this.fail(ours, row.organisationId, { id: row.id, service: row.service.slug, channel: row.targetChannel ?? '', attempts: row.attempts, lastError: 'no target' });
        run.failed += 1;
        continue;
      }
      // The resident may have opted out since the request was accepted.
      if (await this.prisma.followUpOptOut.findUnique({ where: { residentKey: row.residentKey } })) {
        await this.prisma.followUp.updateMany({ where: ours, data: { status: 'skipped', reason: 'opted-out', lockedUntil: null } });
        run.skipped += 1;
        continue;
      }

      const attempts = row.attempts + 1;
      try {
        await this.sender.sendFollowUp(row.targetChannel, row.residentKey, followUpStartOf(row));
      } catch (error) {
        const lastError = describe(error);
        if (attempts >= this.settings.maxAttempts) {
          await this.fail(ours, row.organisationId, { id: row.id, service: row.service.slug, channel: row.targetChannel, attempts, lastError });
          run.failed += 1;
        } else {
          const nextAttemptAt = new Date(this.clock().getTime() + backoffMs(attempts, this.settings.backoffBaseMs, this.settings.backoffCapMs));
          await this.prisma.followUp.updateMany({ where: ours, data: { status: 'queued', attempts, nextAttemptAt, lastError, lockedUntil: null } });
          run.retried += 1;
        }
        this.options.logger?.warn({ followUpId: row.id, attempts, err: lastError }, 'follow-up could not be sent');
        continue;
      }
      const sentAt = this.clock();
      const { count: marked } = await this.prisma.followUp.updateMany({
        where: { ...ours, status: { in: [...WAITING_STATUSES] } },
        data: { status: 'sent', sentAt, attempts, lastError: null, lockedUntil: null },
      });
      // The resident answered the invitation before this line ran (markStarted moved it on): keep their status.
      if (marked === 0) await this.prisma.followUp.updateMany({ where: ours, data: { sentAt, attempts, lockedUntil: null } });
      run.sent += 1;
    }
    return run;
  }

  /**
   * Invitations nobody took up within LINK_TTL_HOURS become `expired`: a link past its time that was never opened,
   * or opened and not finished (its answers so far still count), and a chat invitation sent that long ago without a
   * start.
   */
  async expire(): Promise<number> {
    const now = this.clock();
    // An e-mail or SMS invitation's link expires like a link handed to staff, and its address or number (if still kept)
    // goes with it.
    const links = await this.prisma.followUp.updateMany({
      where: { targetType: { in: ['link', ...INVITATION_TARGETS] }, status: { in: ['sent', 'started'] }, linkExpiresAt: { lte: now } },
      data: { status: 'expired', remindAt: null, encryptedAddress: null },
    });
    const chats = await this.prisma.followUp.updateMany({
      where: { targetType: 'conversation', status: 'sent', sentAt: { lte: new Date(now.getTime() - this.options.linkTtlHours * HOUR_MS) } },
      data: { status: 'expired' },
    });
    return links.count + chats.count;
  }

  jobs(): TJob[] {
    return [
      { name: 'follow-up-sender', everyMs: this.settings.everyMs, run: async () => void (await this.runOnce()) },
      { name: 'follow-up-expiry', everyMs: 5 * 60_000, run: async () => void (await this.expire()) },
    ];
  }

  /** The last attempt failed: status and event in one transaction, so the organisation hears of each failure once. */
  private async fail(
    ours: { id: string; lockedUntil: Date },
    organisationId: string,
    info: { id: string; service: string; channel: string; attempts: number; lastError: string },
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.followUp.updateMany({
        where: ours,
        data: { status: 'failed', reason: 'channel-failed', attempts: info.attempts, lastError: info.lastError, lockedUntil: null },
      });
      if (count !== 1) return;
      await this.events.within(tx).publish('follow-up.failed', organisationId, {
        followUpId: info.id,
        service: info.service,
        target: { type: 'conversation', channel: info.channel },
        attempts: info.attempts,
        reason: 'channel-failed',
      });
    });
  }
}

/** A short, log-safe description of a send failure (the error's name and message, never a stack). */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 500);
}

/** The queue settings a caller gave, without the ones left undefined (they keep QUEUE_DEFAULTS). */
export function definedOf(options: object): Partial<typeof QUEUE_DEFAULTS> {
  return Object.fromEntries(Object.entries(options).filter(([key, value]) => key in QUEUE_DEFAULTS && value !== undefined));
}
