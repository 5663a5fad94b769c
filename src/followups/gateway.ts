import { systemClock, type TClock } from '../kernel/clock';
import { Prisma, type TDatabase, type TDb, type TPrisma } from '../db/client';
import type { TSql } from '../db/sql';
import { isLanguage, type TLanguage } from '../i18n/languages';
import type { TFollowUpGateway, TFollowUpStart, TLinkClaim } from './contract';
import { isWellFormedLinkToken, linkTokenHashOf } from './links';
import { WAITING_STATUSES } from './model';
import { HOUR_MS } from './time';

/** The columns a TFollowUpStart is made of; one select for every read that hands a follow-up to the bot. */
export const FOLLOW_UP_START_SELECT = {
  id: true,
  surveyId: true,
  organisationId: true,
  serviceId: true,
  contactChannel: true,
  leadTimeDays: true,
  contactCount: true,
  language: true,
  service: { select: { slug: true } },
} satisfies Prisma.FollowUpSelect;

type TFollowUpStartRow = Prisma.FollowUpGetPayload<{ select: typeof FOLLOW_UP_START_SELECT }>;

export function followUpStartOf(row: TFollowUpStartRow): TFollowUpStart {
  return {
    followUpId: row.id,
    surveyId: row.surveyId,
    organisationId: row.organisationId,
    serviceId: row.serviceId,
    serviceSlug: row.service.slug,
    contactChannel: row.contactChannel,
    leadTimeDays: row.leadTimeDays,
    contactCount: row.contactCount,
    language: isLanguage(row.language) ? row.language : null,
  };
}

export interface TGatewayOptions {
  hashSecret: string;
  /** LINK_TTL_HOURS: how long a link, or an invitation in a chat, can still be taken up. */
  linkTtlHours: number;
  clock?: TClock;
}

/**
 * The follow-up side as the survey bot sees it (src/followups/contract.ts): one-time links, the invitation
 * waiting in a resident's chat, the status as the resident starts and completes, and opting out for good.
 */
export class FollowUpGateway implements TFollowUpGateway {
  private readonly clock: TClock;

  private readonly prisma: TPrisma;
  private readonly sql: TSql;

  constructor(
    database: Pick<TDatabase, 'prisma' | 'sql'>,
    private readonly options: TGatewayOptions,
  ) {
    this.prisma = database.prisma;
    this.sql = database.sql;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Claims a link for the resident who opened it: the first resident to claim it wins (a conditional UPDATE, so two
   * tabs or replicas cannot both win), and with them the browser that holds `holderKey`. The same resident may claim
   * it again while the survey is open (a retried turn, a reload); so may the same browser in a new chat (a closed tab
   * reopened), until the link expires. Anyone else gets `used`; a link past its time gets `expired`.
   */
  async claimLink(token: string, residentKey: string, holderKey?: string): Promise<TLinkClaim> {
    if (!isWellFormedLinkToken(token)) return { ok: false, reason: 'unknown' };
    const linkTokenHash = linkTokenHashOf(this.options.hashSecret, token);
    const now = this.clock();
    const row = await this.prisma.followUp.findUnique({
      where: { linkTokenHash },
      select: { ...FOLLOW_UP_START_SELECT, status: true, residentKey: true, linkHolderKey: true, linkExpiresAt: true },
    });
    if (!row) return { ok: false, reason: 'unknown' };
    const open = row.status === 'sent' || row.status === 'started';
    if (row.residentKey !== null) {
      if (row.residentKey === residentKey && open) return { ok: true, followUp: followUpStartOf(row) };
      if (holderKey === undefined || row.linkHolderKey !== holderKey) return { ok: false, reason: row.status === 'expired' ? 'expired' : 'used' };
      if (open && row.linkExpiresAt && row.linkExpiresAt > now) return { ok: true, followUp: followUpStartOf(row) };
      if (open) await this.expireLink(row.id);
      return { ok: false, reason: row.status === 'completed' ? 'used' : 'expired' };
    }
    if (row.status !== 'sent' || !row.linkExpiresAt || row.linkExpiresAt <= now) {
      // Expired before the sweep noticed: mark it now, so staff see the same thing the resident was told.
      if (row.status === 'sent') await this.expireLink(row.id);
      return { ok: false, reason: row.status === 'completed' || row.status === 'started' ? 'used' : 'expired' };
    }
    const { count } = await this.prisma.followUp.updateMany({
      where: { id: row.id, status: 'sent', residentKey: null, linkExpiresAt: { gt: now } },
      // A conversation started on the link: no reminder will go, so an e-mail address has served its purpose.
      data: { residentKey, linkHolderKey: holderKey ?? null, ...NOTHING_MORE_TO_SEND },
    });
    if (count === 1) return { ok: true, followUp: followUpStartOf(row) };
    // Someone else won the race (or it just expired): tell this resident what it is now.
    const after = await this.prisma.followUp.findUnique({ where: { id: row.id }, select: { residentKey: true, status: true } });
    if (after?.residentKey === residentKey) return { ok: true, followUp: followUpStartOf(row) };
    return { ok: false, reason: after?.status === 'expired' ? 'expired' : 'used' };
  }

  /** A link past its time that was never taken up, or taken up and never finished, is `expired`. */
  private async expireLink(id: string): Promise<void> {
    await this.prisma.followUp.updateMany({ where: { id, status: { in: ['sent', 'started'] } }, data: { status: 'expired', ...NOTHING_MORE_TO_SEND } });
  }

  /** The latest invitation sent into this resident's chat and not yet taken up, while it is still fresh. */
  async pendingFor(channel: string, residentKey: string): Promise<TFollowUpStart | null> {
    const freshSince = new Date(this.clock().getTime() - this.options.linkTtlHours * HOUR_MS);
    // Asked at the start of every conversation, so plain SQL rather than a Prisma model query (src/db/sql.ts).
    const [row] = await this.sql.query<Omit<TFollowUpStartRow, 'service'> & { serviceSlug: string }>(
      `SELECT f."id", f."surveyId", f."organisationId", f."serviceId", f."contactChannel", f."leadTimeDays", f."contactCount",
         f."language", s."slug" AS "serviceSlug"
       FROM "FollowUp" f JOIN "Service" s ON s."id" = f."serviceId"
       WHERE f."residentKey" = ? AND f."status" = 'sent' AND f."targetType" = 'conversation' AND f."targetChannel" = ? AND f."sentAt" > ?
       ORDER BY f."sentAt" DESC LIMIT 1`,
      [residentKey, channel, freshSince],
    );
    return row ? followUpStartOf({ ...row, service: { slug: row.serviceSlug } }) : null;
  }

  /**
   * The resident said yes and a response exists. Also from `queued`/`deferred`: a resident who answers the
   * invitation before the worker recorded it as sent must not leave the follow-up behind.
   */
  async markStarted(followUpId: string, _responseId: string): Promise<void> {
    // The response points at the follow-up (Response.followUpId, unique); nothing to store the other way round.
    const now = this.clock();
    await this.prisma.followUp.updateMany({
      where: { id: followUpId, status: { in: [...WAITING_STATUSES, 'sent'] } },
      data: { status: 'started', startedAt: now, ...NOTHING_MORE_TO_SEND },
    });
  }

  async markCompleted(followUpId: string): Promise<void> {
    const now = this.clock();
    await this.prisma.followUp.updateMany({
      where: { id: followUpId, status: { in: [...WAITING_STATUSES, 'sent', 'started', 'expired'] } },
      data: { status: 'completed', completedAt: now, ...NOTHING_MORE_TO_SEND },
    });
  }

  /**
   * "Stop the invitations" from an invitation e-mail (or from the chat its link opened): its address or number (by
   * keyed hash) is opted out for good, nothing waiting for it is sent, and every address or number still kept for it
   * is deleted. False when the follow-up is not an e-mail or SMS invitation.
   */
  async stopInvitations(followUpId: string): Promise<boolean> {
    const row = await this.prisma.followUp.findUnique({ where: { id: followUpId }, select: { addressKey: true } });
    if (!row?.addressKey) return false;
    await this.stopAddress(row.addressKey);
    return true;
  }

  private async stopAddress(addressKey: string): Promise<void> {
    await recordOptOut(this.prisma, addressKey, this.clock());
    await this.prisma.followUp.updateMany({
      where: { addressKey, status: { in: [...WAITING_STATUSES] } },
      data: { status: 'skipped', reason: 'opted-out', lockedUntil: null },
    });
    await this.prisma.followUp.updateMany({ where: { addressKey }, data: NOTHING_MORE_TO_SEND });
  }

  /** The language an invitation was sent in: its stop page speaks it too. */
  async invitationLanguage(followUpId: string): Promise<TLanguage | null> {
    const row = await this.prisma.followUp.findUnique({ where: { id: followUpId }, select: { language: true, organisation: { select: { defaultLanguage: true } } } });
    if (!row) return null;
    return isLanguage(row.language) ? row.language : isLanguage(row.organisation.defaultLanguage) ? row.organisation.defaultLanguage : null;
  }

  /**
   * Never again: recorded by keyed hash, and anything still waiting for this resident is not sent. A resident who came
   * through the link of an e-mail or text message is the address or number it went to as well: that is how a text
   * message's "open the link and type stop" works, since replies to it are not read.
   */
  async optOut(residentKey: string): Promise<void> {
    // Not one transaction: on PostgreSQL a unique violation would abort it, and each step is idempotent anyway.
    await recordOptOut(this.prisma, residentKey, this.clock());
    await this.prisma.followUp.updateMany({
      where: { residentKey, status: { in: [...WAITING_STATUSES] } },
      data: { status: 'skipped', reason: 'opted-out', lockedUntil: null },
    });
    const invitedAt = await this.prisma.followUp.findMany({ where: { residentKey, addressKey: { not: null } }, select: { addressKey: true }, distinct: ['addressKey'] });
    for (const { addressKey } of invitedAt) if (addressKey) await this.stopAddress(addressKey);
  }
}

/** What a follow-up no longer needs once nothing more will be sent for it: a planned reminder and its address. */
const NOTHING_MORE_TO_SEND = { remindAt: null, encryptedAddress: null } as const;

/** Inserts the opt-out once; a concurrent second one (P2002 on the primary key) is the same wish. */
async function recordOptOut(db: TDb, residentKey: string, now: Date): Promise<void> {
  try {
    await db.followUpOptOut.upsert({ where: { residentKey }, create: { residentKey, createdAt: now }, update: {} });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
  }
}
