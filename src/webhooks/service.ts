import { systemClock, type TClock } from '../kernel/clock';
import { z } from 'zod';
import type { TPrisma } from '../db/client';
import { writeAudit, type TActor } from '../kernel/audit';
import { FollowUpError } from '../followups/model';
import { organisationInScope } from '../followups/scope';
import { encryptJson } from '../privacy/crypto';
import { eventsOf, ZWebhookEvent, type TWebhookEvent } from './events';
import { generateWebhookSecret } from './signature';
import type { WebhookTargets } from './targets';

/**
 * Outgoing URLs: http(s) only, no credentials in the URL (the signature is the authentication). Where they may
 * point (https, public addresses) is WebhookTargets' to decide, since it needs the resolver.
 */
export const ZWebhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2000)
  .refine((url) => {
    const parsed = new URL(url);
    return !parsed.username && !parsed.password;
  }, 'must not contain a user name or password');

/** In place of an organisation's slug: the webhook hears the events of every organisation. */
export const EVERY_ORGANISATION = '*';

export const ZNewWebhook = z.strictObject({
  /** The organisation's slug, or `*` for every organisation (an admin of every organisation only). */
  organisation: z.string().trim().min(1).max(64).optional(),
  url: ZWebhookUrl,
  events: z
    .array(ZWebhookEvent)
    .min(1, 'name at least one event')
    .transform((events) => [...new Set(events)]),
});
export type TNewWebhook = z.input<typeof ZNewWebhook>;

export interface TWebhookView {
  id: string;
  organisation: string | null;
  url: string;
  events: TWebhookEvent[];
  active: boolean;
  createdAt: string;
}

export interface TDeliveryView {
  id: string;
  event: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

/**
 * Webhooks an admin registers for an organisation's own systems. The signing secret is generated here, shown once,
 * and kept encrypted with ENCRYPTION_KEY (it must be readable again to sign, so it cannot be hashed).
 */
export class WebhookService {
  constructor(
    private readonly prisma: TPrisma,
    private readonly encryptionKey: string,
    private readonly targets: WebhookTargets,
    private readonly clock: TClock = systemClock,
  ) {}

  async create(actor: TActor, input: TNewWebhook): Promise<TWebhookView & { secret: string }> {
    const { organisation, url, events } = ZNewWebhook.parse(input);
    const organisationId = await this.organisationFor(actor, organisation);
    const target = await this.targets.check(url);
    if (!target.allowed) throw new FollowUpError('invalid', 'webhook_target_not_allowed', `url: ${target.reason} (${target.rule})`, 'url');
    const secret = generateWebhookSecret();
    const now = this.clock();
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await tx.webhook.create({
        data: { organisationId, url, events: events.join(','), encryptedSecret: encryptJson(this.encryptionKey, secret), createdAt: now },
        select: VIEW_SELECT,
      });
      await writeAudit(tx, actor, 'webhook.create', { organisationId, subjectType: 'webhook', subjectId: created.id, details: { events }, at: now });
      return created;
    });
    return { ...viewOf(row), secret };
  }

  async list(actor: TActor, organisation?: string): Promise<TWebhookView[]> {
    const scoped = organisation !== undefined || actor.organisationId !== null;
    const organisationId = scoped ? await this.organisationFor(actor, organisation) : undefined;
    const rows = await this.prisma.webhook.findMany({
      // null: the webhooks registered for every organisation.
      where: organisationId === undefined ? {} : { organisationId },
      orderBy: { createdAt: 'asc' },
      select: VIEW_SELECT,
    });
    return rows.map(viewOf);
  }

  /** Removes the webhook and its delivery log; queued deliveries are not sent any more. */
  async remove(actor: TActor, id: string): Promise<void> {
    const row = await this.owned(actor, id);
    await this.prisma.$transaction(async (tx) => {
      await tx.webhook.delete({ where: { id } });
      await writeAudit(tx, actor, 'webhook.delete', { organisationId: row.organisationId, subjectType: 'webhook', subjectId: id, at: this.clock() });
    });
  }

  async deliveries(actor: TActor, id: string, limit: number): Promise<TDeliveryView[]> {
    await this.owned(actor, id);
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { webhookId: id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { id: true, event: true, status: true, attempts: true, responseStatus: true, lastError: true, createdAt: true, nextAttemptAt: true, deliveredAt: true },
    });
    return rows.map((row) => ({
      id: row.id,
      event: row.event,
      status: row.status,
      attempts: row.attempts,
      responseStatus: row.responseStatus,
      lastError: row.lastError,
      createdAt: row.createdAt.toISOString(),
      nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
    }));
  }

  private async owned(actor: TActor, id: string): Promise<{ organisationId: string | null }> {
    const row = await this.prisma.webhook.findUnique({ where: { id }, select: { organisationId: true } });
    if (!row) throw new FollowUpError('not-found', 'not_found', 'There is no webhook with this id.');
    if (actor.organisationId !== null && row.organisationId !== actor.organisationId) {
      throw new FollowUpError('forbidden', 'forbidden', 'This webhook belongs to another organisation.');
    }
    return row;
  }

  /**
   * A scoped admin acts for its own organisation; an admin of every organisation names one, or `*` for all of them
   * (null: the publisher sends such a webhook every organisation's events).
   */
  private async organisationFor(actor: TActor, slug: string | undefined): Promise<string | null> {
    if (slug === EVERY_ORGANISATION) {
      if (actor.organisationId !== null) {
        throw new FollowUpError('forbidden', 'forbidden', 'Only a token of every organisation may manage the webhooks of all of them.', 'organisation');
      }
      return null;
    }
    if (actor.organisationId === null && slug === undefined) {
      throw new FollowUpError('invalid', 'invalid_request', `organisation: required for a token of every organisation (a slug, or "${EVERY_ORGANISATION}" for all)`, 'organisation');
    }
    return (await organisationInScope(this.prisma, actor, slug)).id;
  }
}

const VIEW_SELECT = {
  id: true,
  url: true,
  events: true,
  active: true,
  createdAt: true,
  organisation: { select: { slug: true } },
} as const;

function viewOf(row: { id: string; url: string; events: string; active: boolean; createdAt: Date; organisation: { slug: string } | null }): TWebhookView {
  return {
    id: row.id,
    organisation: row.organisation?.slug ?? null,
    url: row.url,
    events: eventsOf(row.events),
    active: row.active,
    createdAt: row.createdAt.toISOString(),
  };
}
