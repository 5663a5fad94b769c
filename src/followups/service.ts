import { systemClock, type TClock } from '../kernel/clock';
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { aadObjectKeyOf, residentKeyOf } from '../privacy/residentKeys';
import { Prisma, type TPrisma } from '../db/client';
import { ZLocalisedName, type TLocalisedName } from '../organisations/model';
import { isLanguage } from '../i18n/languages';
import { writeAudit, type TActor } from '../kernel/audit';
import { AppError } from '../kernel/errors';
import { linkTokenFor, linkTokenHashOf, linkTokenOf, linkUrlOf } from './links';
import { encryptJson, keyedHash } from '../privacy/crypto';
import { mobileNumberOf } from '../kernel/phoneNumbers';
import {
  FATIGUE_STATUSES,
  FollowUpError,
  isFollowUpStatus,
  type TFollowUpReason,
  type TFollowUpTarget,
  type TInvitationTarget,
  type TBatchResult,
  type TFollowUpRequest,
  type TFollowUpStatus,
  ZFollowUpRequest,
  type TFollowUpView,
} from './model';
import { organisationInScope, type TScopedOrganisation } from './scope';
import { DAY_MS, HOUR_MS, quietUntil, type TQuietHours } from './time';

export interface TFollowUpServiceOptions {
  /** HASH_SECRET: resident keys and link tokens. */
  hashSecret: string;
  /** PUBLIC_URL: one-time links are built on it. */
  publicUrl: string;
  /** FOLLOW_UP_FATIGUE_DAYS; 0 turns the check off. */
  fatigueDays: number;
  /** QUIET_HOURS, parsed; null = off. */
  quietHours: TQuietHours | null;
  linkTtlHours: number;
  /**
   * Invitations the service sends itself: by e-mail where SMTP_URL is set, by text message where SMS_PROVIDER_URL is,
   * and the ENCRYPTION_KEY the address or number is kept under until its invitation went out. A target not listed is
   * refused.
   */
  invitations?: { encryptionKey: string; targets: readonly TInvitationTarget[] } | null;
  clock?: TClock;
}

/** What `create` did: `replayed` when an Idempotency-Key found the earlier request (nothing new happened). */
export interface TCreated {
  followUp: TFollowUpView;
  replayed: boolean;
}

const VIEW_SELECT = {
  id: true,
  status: true,
  reason: true,
  surveyId: true,
  contactChannel: true,
  leadTimeDays: true,
  contactCount: true,
  language: true,
  targetType: true,
  targetChannel: true,
  residentKey: true,
  linkExpiresAt: true,
  remindAt: true,
  remindedAt: true,
  attempts: true,
  nextAttemptAt: true,
  createdAt: true,
  sentAt: true,
  startedAt: true,
  completedAt: true,
  organisationId: true,
  requestHash: true,
  organisation: { select: { slug: true } },
  service: { select: { slug: true } },
} satisfies Prisma.FollowUpSelect;
type TViewRow = Prisma.FollowUpGetPayload<{ select: typeof VIEW_SELECT }>;

/** Only `extends` is needed from a stored definition: a variant belongs to its own organisation. */
const ZSurveyHead = z.looseObject({ extends: z.string().optional() });

/**
 * Follow-up requests from staff (API, CLI, staff page): checks the organisation scope, the service and the survey,
 * makes a retried request (Idempotency-Key) return the same follow-up, applies survey fatigue and opt-outs, and
 * queues the message (or defers it past quiet hours), writing every request to the audit log.
 */
export class FollowUpService {
  private readonly clock: TClock;

  constructor(
    private readonly prisma: TPrisma,
    private readonly options: TFollowUpServiceOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async create(actor: TActor, request: TFollowUpRequest, idempotencyKey?: string): Promise<TCreated> {
    const organisation = await this.organisationFor(actor, request.organisation);
    const recipient = this.recipientOf(request.target, organisation.phoneRegion);
    // The hash covers the request as understood (organisation resolved), so "same body" means the same follow-up. An
    // address or number goes in as its keyed hash: a plain hash of either is found again by guessing.
    const requestHash = hashRequest({ ...request, organisation: organisation.slug, ...(recipient ? { target: { type: request.target.type, address: recipient.key } } : {}) });
    const keyed = idempotencyKey !== undefined && actor.tokenId !== null;
    if (keyed) {
      const earlier = await this.byIdempotencyKey(actor.tokenId!, idempotencyKey, requestHash);
      if (earlier) return this.replay(actor, earlier);
    }

    // A retired service keeps its history but is no longer one to send a survey about.
    const service = await this.prisma.service.findFirst({
      where: { organisationId: organisation.id, slug: request.service, retiredAt: null },
      select: { id: true },
    });
    if (!service) {
      const known = await this.prisma.service.findMany({ where: { organisationId: organisation.id, retiredAt: null }, select: { slug: true }, orderBy: { slug: 'asc' } });
      throw new FollowUpError(
        'invalid',
        'unknown_service',
        `service: "${request.service}" is not a service of ${organisation.slug} (known: ${known.map((s) => s.slug).join(', ')})`,
        'service',
      );
    }
    await this.checkSurvey(request.survey, organisation.id);

    const now = this.clock();
    const id = randomUUID();
    let status: TFollowUpStatus;
    let reason: TFollowUpReason | null = null;
    let residentKey: string | null = null;
    let nextAttemptAt = now;
    let link: { hash: string; expiresAt: Date } | null = null;
    let encryptedAddress: string | null = null;
    const newLink = (targetType: TFollowUpTarget['type']) => ({
      hash: linkTokenHashOf(this.options.hashSecret, linkTokenFor(this.options.hashSecret, id, targetType)),
      expiresAt: new Date(now.getTime() + this.options.linkTtlHours * HOUR_MS),
    });
    if (request.target.type === 'link') {
      // Nothing to send: the link is handed to staff now, to pass on themselves ("link made").
      status = 'sent';
      link = newLink('link');
    } else if (request.target.type === 'conversation') {
      residentKey = await this.residentKeyFor(request.target.channel, request.target.userId);
      const skip = await this.skipReason({ residentKey }, now);
      if (skip) {
        status = 'skipped';
        reason = skip;
      } else {
        const until = quietUntil(now, organisation.timeZone, this.options.quietHours);
        status = until ? 'deferred' : 'queued';
        nextAttemptAt = until ?? now;
      }
    } else {
      // The link goes out in the mail or text message; the address or number waits, encrypted, for the worker (after
      // quiet hours if need be).
      link = newLink(request.target.type);
      const skip = await this.skipReason({ addressKey: recipient!.key }, now);
      if (skip) {
        status = 'skipped';
        reason = skip;
      } else {
        encryptedAddress = encryptJson(recipient!.encryptionKey, { address: recipient!.address });
        const until = quietUntil(now, organisation.timeZone, this.options.quietHours);
        status = until ? 'deferred' : 'queued';
        nextAttemptAt = until ?? now;
      }
    }

    const data = {
      id,
      organisationId: organisation.id,
      surveyId: request.survey,
      serviceId: service.id,
      contactChannel: request.contactChannel,
      leadTimeDays: request.leadTimeDays ?? null,
      contactCount: request.contactCount ?? null,
      language: request.language ?? null,
      targetType: request.target.type,
      targetChannel: request.target.type === 'conversation' ? request.target.channel : null,
      residentKey,
      addressKey: recipient?.key ?? null,
      encryptedAddress,
      status,
      reason,
      linkTokenHash: link?.hash ?? null,
      linkExpiresAt: link?.expiresAt ?? null,
      nextAttemptAt,
      sentAt: status === 'sent' ? now : null,
      createdByTokenId: actor.tokenId,
      idempotencyKey: keyed ? idempotencyKey : null,
      requestHash,
      createdAt: now,
    } satisfies Prisma.FollowUpUncheckedCreateInput;

    try {
      // The follow-up and its audit line in one transaction: an unaudited request does not happen.
      const row = await this.prisma.$transaction(async (tx) => {
        const created = await tx.followUp.create({ data, select: VIEW_SELECT });
        await writeAudit(tx, actor, 'follow-up.create', {
          organisationId: organisation.id,
          subjectType: 'follow-up',
          subjectId: id,
          details: { status, reason, target: request.target.type, service: request.service, survey: request.survey },
          at: now,
        });
        return created;
      });
      return { followUp: this.viewOf(row), replayed: false };
    } catch (error) {
      // Two requests with the same key at once: the unique (token, key) lets one in; the other answers as a replay.
      if (keyed && error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        const earlier = await this.byIdempotencyKey(actor.tokenId!, idempotencyKey, requestHash);
        if (earlier) return this.replay(actor, earlier);
      }
      throw error;
    }
  }

  /**
   * Many follow-ups at once, each checked and created on its own with its own idempotency key: a bad item is refused
   * with the field that is wrong and the others go ahead; the same batch again creates nothing twice.
   */
  async createBatch(actor: TActor, items: ReadonlyArray<{ key: string; request: unknown }>): Promise<TBatchResult[]> {
    const results: TBatchResult[] = [];
    for (const { key, request } of items) {
      const parsed = ZFollowUpRequest.safeParse(request);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.map(String).join('.') || null;
        results.push({ key, outcome: 'refused', error: { code: 'invalid_request', field, detail: `${field ?? 'request'}: ${issue.message}` } });
        continue;
      }
      try {
        const { followUp, replayed } = await this.create(actor, parsed.data, key);
        results.push({ key, outcome: replayed ? 'replayed' : 'accepted', followUp });
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        results.push({ key, outcome: 'refused', error: { code: error.code, field: error.field ?? null, detail: error.message } });
      }
    }
    return results;
  }

  async get(scope: { organisationId: string | null }, id: string): Promise<TFollowUpView> {
    const row = await this.prisma.followUp.findUnique({ where: { id }, select: VIEW_SELECT });
    if (!row) throw new FollowUpError('not-found', 'not_found', 'There is no follow-up with this id.');
    if (scope.organisationId !== null && scope.organisationId !== row.organisationId) {
      throw new FollowUpError('forbidden', 'forbidden', 'This follow-up belongs to another organisation.');
    }
    return this.viewOf(row);
  }

  /** The latest requests of the caller's organisation (or of the one named, for a token of every organisation). */
  async list(actor: TActor, options: { organisation?: string; limit: number }): Promise<TFollowUpView[]> {
    // A token of every organisation sees them all unless it names one.
    const scoped = options.organisation !== undefined || actor.organisationId !== null;
    const organisationId = scoped ? (await this.organisationFor(actor, options.organisation)).id : undefined;
    const rows = await this.prisma.followUp.findMany({
      where: organisationId ? { organisationId } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: options.limit,
      select: VIEW_SELECT,
    });
    return rows.map((row) => this.viewOf(row));
  }

  /** The organisation a request is for (see organisationInScope). */
  organisationFor(actor: TActor, slug: string | undefined): Promise<TScopedOrganisation> {
    return organisationInScope(this.prisma, actor, slug);
  }

  /** The organisations a staff member may send follow-ups for, with their services, in every language. */
  async services(actor: TActor, organisation: string | undefined): Promise<TOrganisationServices[]> {
    const scoped = organisation !== undefined || actor.organisationId !== null;
    const only = scoped ? await this.organisationFor(actor, organisation) : undefined;
    const rows = await this.prisma.organisation.findMany({
      where: only ? { id: only.id } : {},
      orderBy: { slug: 'asc' },
      select: { slug: true, names: true, services: { where: { retiredAt: null }, orderBy: { slug: 'asc' }, select: { slug: true, names: true } } },
    });
    return rows.map((row) => ({
      slug: row.slug,
      names: namesOf(row.names),
      services: row.services.map((service) => ({ slug: service.slug, names: namesOf(service.names) })),
    }));
  }

  private async byIdempotencyKey(tokenId: string, key: string, requestHash: string): Promise<TViewRow | null> {
    const row = await this.prisma.followUp.findUnique({
      where: { createdByTokenId_idempotencyKey: { createdByTokenId: tokenId, idempotencyKey: key } },
      select: VIEW_SELECT,
    });
    if (row && row.requestHash !== requestHash) {
      throw new FollowUpError(
        'conflict',
        'idempotency_key_reused',
        'This Idempotency-Key was already used for a different request; use a new key for a new follow-up.',
      );
    }
    return row;
  }

  private async replay(actor: TActor, row: TViewRow): Promise<TCreated> {
    await writeAudit(this.prisma, actor, 'follow-up.replay', {
      organisationId: row.organisationId,
      subjectType: 'follow-up',
      subjectId: row.id,
      at: this.clock(),
    });
    return { followUp: this.viewOf(row), replayed: true };
  }

  /** A survey this organisation may send: its own, or the shared one variants build on — not another's variant. */
  private async checkSurvey(surveyId: string, organisationId: string): Promise<void> {
    const survey = await this.prisma.survey.findUnique({
      where: { id: surveyId },
      select: { organisationId: true, versions: { orderBy: { version: 'desc' }, take: 1, select: { definition: true } } },
    });
    const definition = survey?.versions[0]?.definition;
    if (!survey || definition === undefined) throw new FollowUpError('invalid', 'unknown_survey', `survey: "${surveyId}" is not known`, 'survey');
    if (survey.organisationId === organisationId) return;
    const head = ZSurveyHead.safeParse(safeJson(definition));
    if (head.success && head.data.extends) {
      throw new FollowUpError('invalid', 'unknown_survey', `survey: "${surveyId}" belongs to another organisation`, 'survey');
    }
  }

  /**
   * Where an invitation the service sends itself goes, as it will be kept: an e-mail address as given, a phone number
   * in E.164 (read in the organisation's region when written without a country code), and the keyed hash either is
   * known by once it is forgotten. Null for the targets that carry no address.
   */
  private recipientOf(target: TFollowUpTarget, phoneRegion: string): { address: string; key: string; encryptionKey: string } | null {
    if (target.type !== 'email' && target.type !== 'sms') return null;
    const invitations = this.options.invitations;
    if (!invitations?.targets.includes(target.type)) {
      const unavailable = target.type === 'email' ? 'e-mail delivery is not configured (SMTP_URL)' : 'text messages are not configured (SMS_PROVIDER_URL)';
      throw new FollowUpError('invalid', `${target.type}_not_configured`, `target: ${unavailable}; use a one-time link instead`, 'target.type');
    }
    if (target.type === 'email') return { address: target.address, key: addressKeyOf(this.options.hashSecret, target.address), encryptionKey: invitations.encryptionKey };
    const number = mobileNumberOf(target.phone, phoneRegion);
    if (!number.ok) {
      const detail =
        number.problem === 'not-mobile'
          ? 'target.phone: this is not a mobile number, so it cannot receive a text message'
          : `target.phone: not a phone number that exists; write it with its country code (such as +31 6 12345678 or +599 700 1234) or as it is dialled in ${phoneRegion}`;
      throw new FollowUpError('invalid', 'invalid_phone', detail, 'target.phone');
    }
    return { address: number.e164, key: phoneKeyOf(this.options.hashSecret, number.e164), encryptionKey: invitations.encryptionKey };
  }

  /**
   * The resident a conversation target names. Staff know the Teams user id (`29:…`) or the AAD object id; either
   * finds the conversation reference the channel stored when the resident last wrote to the bot. Without one the
   * bot cannot start a chat (Teams needs the resident to have opened it), which staff should hear at once.
   */
  private async residentKeyFor(channel: string, userId: string): Promise<string> {
    const byUser = residentKeyOf(this.options.hashSecret, channel, userId);
    const direct = await this.prisma.conversationReference.findUnique({
      where: { channel_residentKey: { channel, residentKey: byUser } },
      select: { residentKey: true },
    });
    if (direct) return direct.residentKey;
    const byAad = await this.prisma.conversationReference.findFirst({
      where: { channel, aadObjectKey: aadObjectKeyOf(this.options.hashSecret, userId) },
      orderBy: { updatedAt: 'desc' },
      select: { residentKey: true },
    });
    if (byAad) return byAad.residentKey;
    throw new FollowUpError(
      'unreachable',
      'no_conversation',
      'target.userId: this person has no chat with the survey bot yet, so no message can be sent; use a one-time link instead',
      'target.userId',
    );
  }

  /**
   * Opted out for good, or asked (or answered a survey) within FOLLOW_UP_FATIGUE_DAYS: a chat resident by their
   * resident key, an e-mail address by its keyed hash (which is also what its opt-out is recorded under).
   */
  private async skipReason(who: { residentKey: string } | { addressKey: string }, now: Date): Promise<TFollowUpReason | null> {
    const key = 'residentKey' in who ? who.residentKey : who.addressKey;
    const optedOut = await this.prisma.followUpOptOut.findUnique({ where: { residentKey: key }, select: { residentKey: true } });
    if (optedOut) return 'opted-out';
    if (this.options.fatigueDays === 0) return null;
    const since = new Date(now.getTime() - this.options.fatigueDays * DAY_MS);
    const recentFollowUp = await this.prisma.followUp.findFirst({
      where: { ...who, status: { in: [...FATIGUE_STATUSES] }, createdAt: { gt: since } },
      select: { id: true },
    });
    if (recentFollowUp) return 'recently-surveyed';
    if (!('residentKey' in who)) return null;
    const recentResponse = await this.prisma.response.findFirst({ where: { residentKey: key, startedAt: { gt: since } }, select: { id: true } });
    return recentResponse ? 'recently-surveyed' : null;
  }

  viewOf(row: TViewRow): TFollowUpView {
    const now = this.clock();
    const status: TFollowUpStatus = isFollowUpStatus(row.status) ? row.status : 'failed';
    // The link is shown again while it can still be used: unclaimed and in time.
    const linkOpen = row.targetType === 'link' && status === 'sent' && row.residentKey === null && row.linkExpiresAt !== null && row.linkExpiresAt > now;
    return {
      id: row.id,
      status,
      ...(row.reason ? { reason: row.reason } : {}),
      ...(linkOpen ? { link: linkUrlOf(this.options.publicUrl, linkTokenOf(this.options.hashSecret, row.id), isLanguage(row.language) ? row.language : null) } : {}),
      organisation: row.organisation.slug,
      survey: row.surveyId,
      service: row.service.slug,
      contactChannel: row.contactChannel,
      leadTimeDays: row.leadTimeDays,
      contactCount: row.contactCount,
      language: isLanguage(row.language) ? row.language : null,
      target: targetViewOf(row),
      attempts: row.attempts,
      nextAttemptAt: status === 'queued' || status === 'deferred' ? row.nextAttemptAt.toISOString() : null,
      createdAt: row.createdAt.toISOString(),
      sentAt: row.sentAt?.toISOString() ?? null,
      startedAt: row.startedAt?.toISOString() ?? null,
      completedAt: row.completedAt?.toISOString() ?? null,
    };
  }
}

function targetViewOf(row: TViewRow): TFollowUpView['target'] {
  const expiresAt = row.linkExpiresAt?.toISOString() ?? null;
  if (row.targetType === 'link') return { type: 'link', expiresAt };
  if (row.targetType === 'email' || row.targetType === 'sms') return { type: row.targetType, expiresAt, reminderAt: row.remindAt?.toISOString() ?? null, remindedAt: row.remindedAt?.toISOString() ?? null };
  return { type: 'conversation', channel: row.targetChannel ?? 'msteams' };
}

/** The keyed hash an e-mail address is known by once it is forgotten: fatigue and opt-outs, on its normalised form. */
export function addressKeyOf(hashSecret: string, address: string): string {
  return keyedHash(hashSecret, `email:${address.trim().toLowerCase()}`);
}

/** The keyed hash a phone number is known by once it is forgotten, on its E.164 form; apart from e-mail's by its prefix. */
export function phoneKeyOf(hashSecret: string, e164: string): string {
  return keyedHash(hashSecret, `phone:${e164}`);
}

/** A stable hash of a request: keys sorted at every level, so key order in the JSON does not matter. */
export function hashRequest(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** An organisation and its services, named in every language. */
export interface TOrganisationServices {
  slug: string;
  names: TLocalisedName;
  services: { slug: string; names: TLocalisedName }[];
}

/** Names are JSON { nl, pap, en } in the database; checked like any JSON read back. */
function namesOf(column: string): TLocalisedName {
  return ZLocalisedName.parse(JSON.parse(column));
}
