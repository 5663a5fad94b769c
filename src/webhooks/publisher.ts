import { systemClock, type TClock } from '../kernel/clock';
import { randomUUID } from 'node:crypto';
import type { TDb } from '../db/client';
import type { TSqlExecutor } from '../db/sql';
import type { TEventPublisher } from '../followups/contract';
import { eventsOf, type TWebhookEvent } from './events';

/** What an organisation's system receives (the body is fixed at queueing, so every retry signs the same bytes). */
export interface TWebhookBody {
  /** The delivery's id: a receiver that saw it before can drop a retry. */
  id: string;
  event: TWebhookEvent;
  organisation: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * Publishes an event by queueing one WebhookDelivery per active webhook of the organisation (or of every
 * organisation, for a webhook without one) that subscribed to it. Sending is the delivery worker's job, so
 * the caller — a resident's turn, the follow-up worker — never waits for a stranger's server.
 */
export class WebhookPublisher implements TEventPublisher {
  /**
   * `sql`, when given, looks the webhooks up with a direct statement: every completed survey asks, nearly always to
   * find none, and through Prisma the question costs about a millisecond of the turn.
   */
  constructor(
    private readonly db: TDb,
    private readonly clock: TClock = systemClock,
    private readonly sql?: TSqlExecutor,
  ) {}

  /** The same publisher writing through another client, e.g. inside a Prisma transaction. */
  within(db: TDb): WebhookPublisher {
    return new WebhookPublisher(db, this.clock);
  }

  async publish(event: TWebhookEvent, organisationId: string, payload: Record<string, unknown>): Promise<void> {
    const hooks = this.sql
      ? await this.sql.query<{ id: string; events: string }>(
          `SELECT "id", "events" FROM "Webhook" WHERE "active" = ? AND ("organisationId" = ? OR "organisationId" IS NULL)`,
          [true, organisationId],
        )
      : await this.db.webhook.findMany({
          where: { active: true, OR: [{ organisationId }, { organisationId: null }] },
          select: { id: true, events: true },
        });
    const subscribed = hooks.filter((hook) => eventsOf(hook.events).includes(event));
    if (subscribed.length === 0) return;
    const organisation = await this.db.organisation.findUnique({ where: { id: organisationId }, select: { slug: true } });
    const now = this.clock();
    await this.db.webhookDelivery.createMany({
      data: subscribed.map((hook) => {
        const id = randomUUID();
        const body: TWebhookBody = { id, event, organisation: organisation?.slug ?? organisationId, occurredAt: now.toISOString(), data: payload };
        return { id, webhookId: hook.id, event, payload: JSON.stringify(body), nextAttemptAt: now, createdAt: now };
      }),
    });
  }
}
