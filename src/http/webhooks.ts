import { z } from 'zod';
import { ZWebhookEvent } from '../webhooks/events';
import type { WebhookService } from '../webhooks/service';
import { EVERY_ORGANISATION, ZNewWebhook } from '../webhooks/service';
import { ZSlug } from '../kernel/slug';
import { defineRoute, type TApiRoute } from './apiRoute';
import { API_BASE } from './paths';
import { ZIdParams, ZInstant } from './followUps';

const ZListQuery = z.strictObject({
  organisation: z
    .union([z.literal(EVERY_ORGANISATION), ZSlug], { error: 'must be a lower-case name such as demo, or *' })
    .optional()
    .describe("An organisation's slug, or `*` for the webhooks of every organisation."),
});
const ZDeliveriesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const ZWebhookView = z.object({
  id: z.string(),
  organisation: z.string().nullable().describe('Null: the webhook hears every organisation.'),
  url: z.url(),
  events: z.array(ZWebhookEvent),
  active: z.boolean(),
  createdAt: ZInstant,
});

const ZDeliveryView = z.object({
  id: z.string(),
  event: z.string(),
  status: z.string(),
  attempts: z.number().int().min(0),
  responseStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: ZInstant,
  nextAttemptAt: ZInstant.nullable(),
  deliveredAt: ZInstant.nullable(),
});

/** The admin's webhook API: register (the signing secret is in this answer only), list, delete, delivery log. */
export function webhookRoutes(webhooks: WebhookService): TApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/webhooks',
      operationId: 'createWebhook',
      tag: 'Webhooks',
      summary: 'Register a webhook',
      description: 'The answer holds the signing secret; it is never shown again.',
      role: 'admin',
      body: ZNewWebhook,
      responses: {
        201: {
          description: 'Registered.',
          json: ZWebhookView.extend({ secret: z.string().describe('Signs every delivery (HMAC-SHA256); keep it safe.') }),
          headers: { Location: { description: 'Where the webhook can be read.' } },
        },
      },
      refusals: [404, 422],
      audits: ['webhook.create'],
    })(async ({ principal, body }) => {
      const created = await webhooks.create(principal, body);
      return { status: 201, json: created, headers: { Location: `${API_BASE}/webhooks/${created.id}` } };
    }),
    defineRoute({
      method: 'get',
      path: '/webhooks',
      operationId: 'listWebhooks',
      tag: 'Webhooks',
      summary: 'Registered webhooks',
      role: 'admin',
      query: ZListQuery,
      responses: { 200: { description: 'Without their secrets.', json: z.object({ webhooks: z.array(ZWebhookView) }) } },
      refusals: [404],
    })(async ({ principal, query }) => ({ status: 200, json: { webhooks: await webhooks.list(principal, query.organisation) } })),
    defineRoute({
      method: 'delete',
      path: '/webhooks/{id}',
      operationId: 'deleteWebhook',
      tag: 'Webhooks',
      summary: 'Delete a webhook and its delivery log',
      role: 'admin',
      params: ZIdParams,
      responses: { 204: { description: 'Deleted.', empty: true } },
      refusals: [404],
      audits: ['webhook.delete'],
    })(async ({ principal, params }) => {
      await webhooks.remove(principal, params.id);
      return { status: 204, empty: true };
    }),
    defineRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      operationId: 'listWebhookDeliveries',
      tag: 'Webhooks',
      summary: "A webhook's latest deliveries",
      role: 'admin',
      params: ZIdParams,
      query: ZDeliveriesQuery,
      responses: { 200: { description: 'Newest first.', json: z.object({ deliveries: z.array(ZDeliveryView) }) } },
      refusals: [404],
    })(async ({ principal, params, query }) => ({ status: 200, json: { deliveries: await webhooks.deliveries(principal, params.id, query.limit) } })),
  ];
}
