import { z } from 'zod';
import type { TPrisma } from '../db/client';
import { claimQueueRow, unlockedAt } from '../db/queueClaim';
import { isLanguage, type TLanguage } from '../i18n/languages';
import type { TJob } from '../jobs';
import { systemClock, type TClock } from '../kernel/clock';
import type { TLogger } from '../log';
import { ZLocalisedName } from '../organisations/model';
import { decryptJson } from '../privacy/crypto';
import { scrubPersonalData } from '../privacy/scrub';
import { PermanentDeliveryError, type TTransactionalEventPublisher } from './contract';
import { linkTokenFor, linkUrlOf, stopTokenOf, stopUrlOf } from './links';
import { WAITING_STATUSES, type TInvitationTarget } from './model';
import { backoffMs, DAY_MS, quietUntil, type TQuietHours } from './time';
import { definedOf, QUEUE_DEFAULTS } from './worker';

/** An invitation or its one reminder, as every channel words it. */
export type TInvitationKind = 'invitation' | 'reminder';

/** What an invitation says, in the resident's language; the channel words it and sends it to the address or number. */
export interface TInvitation {
  followUpId: string;
  kind: TInvitationKind;
  language: TLanguage;
  /** The organisation's name in the resident's language, and the name its mail is sent under. */
  organisation: string;
  senderName: string;
  service: string;
  link: string;
  /** Where "stop the invitations" leads (e-mail; a text message says to open the link and type the command). */
  stopUrl: string;
  expiresAt: Date;
  timeZone: string;
}

/** One way of sending invitations (e-mail, text message): the worker keeps the queue, the channel the wording. */
export interface TInvitationChannel {
  targetType: TInvitationTarget;
  /** Resolves when the provider took it; rejects to retry, with PermanentDeliveryError to fail at once. */
  send(invitation: TInvitation, address: string): Promise<void>;
}

export interface TInvitationWorkerOptions {
  hashSecret: string;
  encryptionKey: string;
  publicUrl: string;
  quietHours: TQuietHours | null;
  /** REMINDER_AFTER_DAYS; null: no reminder. */
  reminderAfterDays: number | null;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Longer than a send may take (an SMTP conversation: 30 s per step): a send still running is never claimed twice. */
  lockMs?: number;
  batchSize?: number;
  everyMs?: number;
  clock?: TClock;
  logger?: TLogger;
}

export interface TInvitationRun {
  sent: number;
  reminded: number;
  deferred: number;
  retried: number;
  failed: number;
  skipped: number;
}


const ZStoredAddress = z.object({ address: z.string() });

const ROW_SELECT = {
  id: true,
  organisationId: true,
  language: true,
  attempts: true,
  addressKey: true,
  encryptedAddress: true,
  linkExpiresAt: true,
  organisation: { select: { names: true, timeZone: true, defaultLanguage: true, mailSenderName: true } },
  service: { select: { slug: true, names: true } },
} as const;

type TRow = {
  id: string;
  organisationId: string;
  language: string | null;
  attempts: number;
  addressKey: string | null;
  encryptedAddress: string | null;
  linkExpiresAt: Date | null;
  organisation: { names: string; timeZone: string; defaultLanguage: string; mailSenderName: string | null };
  service: { slug: string; names: string };
};

/**
 * Sends the invitations of one channel (e-mail, text message) and their one reminder. Sending is at least once: a row
 * is claimed (recorded) before the message goes and marked after; a replica that dies in between leaves the claim to
 * run out, and the send is made again — a rare duplicate rather than a lost invitation. The address or number is
 * decrypted only to send, and deleted once the last message that may go has gone (or will not go: opted out, started,
 * failed, expired).
 */
export class InvitationWorker {
  private readonly settings: typeof QUEUE_DEFAULTS;
  private readonly clock: TClock;

  constructor(
    private readonly prisma: TPrisma,
    private readonly channel: TInvitationChannel,
    private readonly events: TTransactionalEventPublisher,
    private readonly options: TInvitationWorkerOptions,
  ) {
    this.settings = { ...QUEUE_DEFAULTS, ...definedOf(options) };
    this.clock = options.clock ?? systemClock;
  }

  async runOnce(): Promise<TInvitationRun> {
    const run: TInvitationRun = { sent: 0, reminded: 0, deferred: 0, retried: 0, failed: 0, skipped: 0 };
    await this.sendInvitations(run);
    await this.sendReminders(run);
    return run;
  }

  jobs(): TJob[] {
    return [{ name: `${this.channel.targetType}-invitations`, everyMs: this.settings.everyMs, run: async () => void (await this.runOnce()) }];
  }

  private async sendInvitations(run: TInvitationRun): Promise<void> {
    const now = this.clock();
    const due = await this.prisma.followUp.findMany({
      where: { targetType: this.channel.targetType, status: { in: [...WAITING_STATUSES] }, nextAttemptAt: { lte: now }, ...unlockedAt(now) },
      orderBy: { nextAttemptAt: 'asc' },
      take: this.settings.batchSize,
      select: ROW_SELECT,
    });
    for (const row of due) {
      const claim = await claimQueueRow(this.clock, this.settings.lockMs, ({ claimedAt, lockedUntil }) =>
        this.prisma.followUp.updateMany({
          where: { id: row.id, status: { in: [...WAITING_STATUSES] }, nextAttemptAt: { lte: claimedAt }, ...unlockedAt(claimedAt) },
          data: { lockedUntil },
        }),
      );
      if (!claim) continue;
      const ours = { id: row.id, lockedUntil: claim.lockedUntil };
      const until = quietUntil(claim.claimedAt, row.organisation.timeZone, this.options.quietHours);
      if (until) {
        await this.prisma.followUp.updateMany({ where: ours, data: { status: 'deferred', nextAttemptAt: until, lockedUntil: null } });
        run.deferred += 1;
        continue;
      }
      if (await this.optedOut(row)) {
        await this.prisma.followUp.updateMany({ where: ours, data: { status: 'skipped', reason: 'opted-out', encryptedAddress: null, lockedUntil: null } });
        run.skipped += 1;
        continue;
      }
      const attempts = row.attempts + 1;
      const address = this.addressOf(row);
      try {
        if (!address) throw new Error('no address is kept for this invitation');
        await this.channel.send(this.invitation(row, 'invitation'), address);
      } catch (error) {
        const lastError = scrubbed(error, address);
        this.options.logger?.warn({ followUpId: row.id, attempts, err: lastError, channel: this.channel.targetType }, 'invitation could not be sent');
        if (attempts >= this.settings.maxAttempts || !address || error instanceof PermanentDeliveryError) {
          await this.fail(ours, row, attempts, lastError);
          run.failed += 1;
        } else {
          const nextAttemptAt = new Date(this.clock().getTime() + backoffMs(attempts, this.settings.backoffBaseMs, this.settings.backoffCapMs));
          await this.prisma.followUp.updateMany({ where: ours, data: { status: 'queued', attempts, nextAttemptAt, lastError, lockedUntil: null } });
          run.retried += 1;
        }
        continue;
      }
      const sentAt = this.clock();
      const days = this.options.reminderAfterDays;
      const remindAt = days !== null && row.linkExpiresAt && sentAt.getTime() + days * DAY_MS < row.linkExpiresAt.getTime() ? new Date(sentAt.getTime() + days * DAY_MS) : null;
      // Without a reminder to come, the address has served its purpose.
      const { count } = await this.prisma.followUp.updateMany({
        where: { ...ours, status: { in: [...WAITING_STATUSES] } },
        data: { status: 'sent', sentAt, attempts, lastError: null, lockedUntil: null, remindAt, ...(remindAt ? {} : { encryptedAddress: null }) },
      });
      if (count === 0) await this.prisma.followUp.updateMany({ where: ours, data: { sentAt, attempts, lockedUntil: null, remindAt: null, encryptedAddress: null } });
      run.sent += 1;
    }
  }

  /** The one reminder: only to an invitation sent, not opened (no conversation started on its link), still valid. */
  private async sendReminders(run: TInvitationRun): Promise<void> {
    const now = this.clock();
    const reminderDue = (at: Date) => ({
      targetType: this.channel.targetType,
      status: 'sent',
      residentKey: null,
      remindedAt: null,
      remindAt: { lte: at },
      encryptedAddress: { not: null },
      linkExpiresAt: { gt: at },
      ...unlockedAt(at),
    });
    const due = await this.prisma.followUp.findMany({ where: reminderDue(now), orderBy: { remindAt: 'asc' }, take: this.settings.batchSize, select: ROW_SELECT });
    for (const row of due) {
      const claim = await claimQueueRow(this.clock, this.settings.lockMs, ({ claimedAt, lockedUntil }) =>
        this.prisma.followUp.updateMany({ where: { id: row.id, ...reminderDue(claimedAt) }, data: { lockedUntil } }),
      );
      if (!claim) continue;
      const ours = { id: row.id, lockedUntil: claim.lockedUntil };
      const until = quietUntil(claim.claimedAt, row.organisation.timeZone, this.options.quietHours);
      if (until) {
        await this.prisma.followUp.updateMany({ where: ours, data: { remindAt: until, lockedUntil: null } });
        run.deferred += 1;
        continue;
      }
      if (await this.optedOut(row)) {
        await this.prisma.followUp.updateMany({ where: ours, data: { remindAt: null, encryptedAddress: null, lockedUntil: null } });
        run.skipped += 1;
        continue;
      }
      const address = this.addressOf(row);
      try {
        if (!address) throw new Error('no address is kept for this invitation');
        await this.channel.send(this.invitation(row, 'reminder'), address);
      } catch (error) {
        // A reminder is tried again with back-off while its link is valid; expiry deletes the address either way.
        const attempts = row.attempts + 1;
        const lastError = scrubbed(error, address);
        this.options.logger?.warn({ followUpId: row.id, attempts, err: lastError, channel: this.channel.targetType }, 'reminder could not be sent');
        if (error instanceof PermanentDeliveryError) {
          await this.prisma.followUp.updateMany({ where: ours, data: { attempts, lastError, remindAt: null, encryptedAddress: null, lockedUntil: null } });
          run.failed += 1;
          continue;
        }
        const remindAt = new Date(this.clock().getTime() + backoffMs(attempts, this.settings.backoffBaseMs, this.settings.backoffCapMs));
        await this.prisma.followUp.updateMany({ where: ours, data: { attempts, lastError, remindAt, lockedUntil: null } });
        run.retried += 1;
        continue;
      }
      await this.prisma.followUp.updateMany({ where: ours, data: { remindedAt: this.clock(), remindAt: null, encryptedAddress: null, lastError: null, lockedUntil: null } });
      run.reminded += 1;
    }
  }

  private async optedOut(row: TRow): Promise<boolean> {
    return row.addressKey !== null && (await this.prisma.followUpOptOut.findUnique({ where: { residentKey: row.addressKey }, select: { residentKey: true } })) !== null;
  }

  private addressOf(row: TRow): string | null {
    if (!row.encryptedAddress) return null;
    return ZStoredAddress.parse(decryptJson(this.options.encryptionKey, row.encryptedAddress)).address;
  }

  private invitation(row: TRow, kind: TInvitationKind): TInvitation {
    const language: TLanguage = isLanguage(row.language) ? row.language : isLanguage(row.organisation.defaultLanguage) ? row.organisation.defaultLanguage : 'nl';
    const organisation = ZLocalisedName.parse(JSON.parse(row.organisation.names))[language];
    const { hashSecret, publicUrl } = this.options;
    return {
      followUpId: row.id,
      kind,
      language,
      organisation,
      senderName: row.organisation.mailSenderName ?? organisation,
      service: ZLocalisedName.parse(JSON.parse(row.service.names))[language],
      link: linkUrlOf(publicUrl, linkTokenFor(hashSecret, row.id, this.channel.targetType), language),
      stopUrl: stopUrlOf(publicUrl, stopTokenOf(hashSecret, row.id)),
      expiresAt: row.linkExpiresAt ?? this.clock(),
      timeZone: row.organisation.timeZone,
    };
  }

  /** The last attempt failed: status, the address gone, and the event, in one transaction. */
  private async fail(ours: { id: string; lockedUntil: Date }, row: TRow, attempts: number, lastError: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.followUp.updateMany({
        where: ours,
        data: { status: 'failed', reason: 'channel-failed', attempts, lastError, encryptedAddress: null, remindAt: null, lockedUntil: null },
      });
      if (count !== 1) return;
      await this.events.within(tx).publish('follow-up.failed', row.organisationId, {
        followUpId: row.id,
        service: row.service.slug,
        target: { type: this.channel.targetType },
        attempts,
        reason: 'channel-failed',
      });
    });
  }
}

/**
 * A send failure as it may be stored and logged: a provider's answer often quotes the recipient, so the address (in
 * any case), a number in any of its forms (+599…, 00599…, 599…) and anything else that looks like personal data is
 * taken out, and the text is kept short.
 */
export function scrubbed(error: unknown, address: string | null): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const forms = address === null ? [] : address.startsWith('+') ? [address, `00${address.slice(1)}`, address.slice(1)] : [address];
  for (const form of forms) text = text.split(new RegExp(form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi')).join('[address]');
  return scrubPersonalData(text).text.slice(0, 500);
}
