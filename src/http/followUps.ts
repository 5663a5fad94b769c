import { z } from 'zod';
import { ZLocalisedName } from '../organisations/model';
import { FOLLOW_UP_STATUSES, INVITATION_TARGETS, MAX_BATCH_ITEMS, ZFollowUpBatch, ZFollowUpRequest, type TFollowUpView } from '../followups/model';
import type { FollowUpService } from '../followups/service';
import { LANGUAGES } from '../i18n/languages';
import { ZSlug } from '../kernel/slug';
import { defineRoute, type TApiRoute } from './apiRoute';
import { API_BASE } from './paths';

/** Ids are cuids or UUIDs; anything else is not looked up at all. */
export const ZIdParams = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a valid id')
    .describe('The id the API gave it.'),
});

/** A moment, as every answer writes one: ISO 8601 in UTC. */
export const ZInstant = z.iso.datetime();

const ZListQuery = z.strictObject({
  organisation: ZSlug.optional().describe("An organisation's slug; a token scoped to one organisation may name only its own."),
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('How many, newest first.'),
});

const ZServicesQuery = z.strictObject({ organisation: ZSlug.optional().describe("An organisation's slug; without it, every organisation the token may see.") });

/** A client's retry key: printable ASCII, as the IETF Idempotency-Key draft describes, and not too long to store. */
const ZIdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 printable characters without spaces')
    .optional()
    .describe('Sending the same request again with the same key creates nothing new: the first answer is repeated.'),
});

const ZFollowUpView = z.object({
  id: z.string(),
  status: z.enum(FOLLOW_UP_STATUSES),
  reason: z.string().optional().describe('Why it was skipped or failed.'),
  link: z.url().optional().describe('The one-time link, while it can still be used.'),
  organisation: z.string(),
  survey: z.string(),
  service: z.string(),
  contactChannel: z.string(),
  leadTimeDays: z.number().int().nullable(),
  contactCount: z.number().int().nullable(),
  language: z.enum(LANGUAGES).nullable(),
  target: z.discriminatedUnion('type', [
    z.object({ type: z.literal('conversation'), channel: z.string() }),
    z.object({ type: z.literal('link'), expiresAt: ZInstant.nullable() }),
    z
      .object({
        type: z.enum(INVITATION_TARGETS),
        expiresAt: ZInstant.nullable(),
        reminderAt: ZInstant.nullable().describe('When the one reminder goes, unless the resident started or opted out.'),
        remindedAt: ZInstant.nullable(),
      })
      .describe('Sent by e-mail or text message; the address or number is not shown (it is kept only until the last message went out).'),
  ]),
  attempts: z.number().int().min(0),
  nextAttemptAt: ZInstant.nullable(),
  createdAt: ZInstant,
  sentAt: ZInstant.nullable(),
  startedAt: ZInstant.nullable(),
  completedAt: ZInstant.nullable(),
});

const ZAccepted = z.object({
  id: z.string(),
  status: z.enum(FOLLOW_UP_STATUSES),
  reason: z.string().optional().describe('Why it was skipped: `recently-surveyed` or `opted-out`.'),
  link: z.url().optional().describe('For a link target: the one-time link to give the resident.'),
  linkExpiresAt: ZInstant.nullable().optional(),
  nextAttemptAt: ZInstant.optional().describe('Deferred (quiet hours): when it will be sent.'),
});

const ZServices = z.object({
  organisations: z.array(z.object({ slug: z.string(), names: ZLocalisedName, services: z.array(z.object({ slug: z.string(), names: ZLocalisedName })) })),
});

/** A created follow-up as its sender hears of it: id, status, why it was skipped, the link to pass on, when it goes. */
function acceptedOf(followUp: TFollowUpView) {
  return {
    id: followUp.id,
    status: followUp.status,
    ...(followUp.reason ? { reason: followUp.reason } : {}),
    ...(followUp.link ? { link: followUp.link } : {}),
    ...(followUp.link && followUp.target.type === 'link' ? { linkExpiresAt: followUp.target.expiresAt } : {}),
    ...(followUp.nextAttemptAt ? { nextAttemptAt: followUp.nextAttemptAt } : {}),
  };
}

const ZBatchResults = z.object({
  results: z.array(
    z.union([
      z.object({ key: z.string(), outcome: z.enum(['accepted', 'replayed']), followUp: ZAccepted }),
      z.object({
        key: z.string(),
        outcome: z.literal('refused'),
        error: z.object({ code: z.string(), field: z.string().nullable().describe('The field of the item that is wrong.'), detail: z.string() }),
      }),
    ]),
  ),
});

const createdHeaders = {
  Location: { description: 'Where the follow-up can be read.' },
  'Idempotent-Replayed': { description: '`true` when this repeats the answer to an earlier request with the same Idempotency-Key.' },
};

/**
 * Staff routes: send a follow-up, read one or the latest, and the services a staff member may choose from (for the
 * staff page's form).
 */
export function followUpRoutes(followUps: FollowUpService): TApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/follow-ups',
      operationId: 'createFollowUp',
      tag: 'Follow-ups',
      summary: 'Send a follow-up survey',
      description:
        'Sends the survey to the resident in their chat (Teams or web chat), or makes a one-time link. A resident surveyed recently, or who opted out, is skipped (200 with the reason).',
      role: 'staff',
      headers: ZIdempotencyHeaders,
      body: ZFollowUpRequest,
      responses: {
        202: { description: 'Accepted: sent, queued, or deferred past quiet hours.', json: ZAccepted, headers: createdHeaders },
        200: { description: 'Skipped, with the reason.', json: ZAccepted, headers: createdHeaders },
      },
      refusals: [404, 409, 422],
      audits: ['follow-up.create', 'follow-up.replay'],
    })(async ({ principal, headers, body }) => {
      const { followUp, replayed } = await followUps.create(principal, body, headers['idempotency-key']);
      const json = acceptedOf(followUp);
      const replyHeaders = { Location: `${API_BASE}/follow-ups/${followUp.id}`, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) };
      return followUp.status === 'skipped' ? { status: 200, json, headers: replyHeaders } : { status: 202, json, headers: replyHeaders };
    }),
    defineRoute({
      method: 'post',
      path: '/follow-ups/batch',
      operationId: 'createFollowUpBatch',
      tag: 'Follow-ups',
      summary: 'Send many follow-up surveys at once',
      description: `Up to ${MAX_BATCH_ITEMS} follow-ups, each with its own idempotency key (\`key\`) and its own result: accepted, replayed (the key was seen before), or refused with the field that is wrong. A refused item never stops the others.`,
      role: 'staff',
      body: ZFollowUpBatch,
      responses: { 200: { description: 'A result per item, in order.', json: ZBatchResults } },
      refusals: [404],
      audits: ['follow-up.create', 'follow-up.replay'],
    })(async ({ principal, body }) => {
      const results = await followUps.createBatch(principal, body.items);
      return {
        status: 200,
        json: {
          results: results.map((result) =>
            result.outcome === 'refused'
              ? { key: result.key, outcome: result.outcome, error: result.error }
              : { key: result.key, outcome: result.outcome, followUp: acceptedOf(result.followUp) },
          ),
        },
      };
    }),
    defineRoute({
      method: 'get',
      path: '/follow-ups',
      operationId: 'listFollowUps',
      tag: 'Follow-ups',
      summary: 'The latest follow-ups',
      role: 'staff',
      query: ZListQuery,
      responses: { 200: { description: 'Newest first.', json: z.object({ followUps: z.array(ZFollowUpView) }) } },
      refusals: [404],
    })(async ({ principal, query }) => ({ status: 200, json: { followUps: await followUps.list(principal, query) } })),
    defineRoute({
      method: 'get',
      path: '/follow-ups/{id}',
      operationId: 'getFollowUp',
      tag: 'Follow-ups',
      summary: 'One follow-up and where it stands',
      role: 'staff',
      params: ZIdParams,
      responses: { 200: { description: 'The follow-up.', json: ZFollowUpView } },
      refusals: [404],
    })(async ({ principal, params }) => ({ status: 200, json: await followUps.get(principal, params.id) })),
    defineRoute({
      method: 'get',
      path: '/services',
      operationId: 'listServices',
      tag: 'Follow-ups',
      summary: 'The services a follow-up can be about',
      description: 'Every organisation the token may see, with its services, named in Dutch, Papiamentu and English.',
      role: 'staff',
      query: ZServicesQuery,
      responses: { 200: { description: 'Organisations and their services.', json: ZServices } },
      refusals: [404],
    })(async ({ principal, query }) => ({ status: 200, json: { organisations: await followUps.services(principal, query.organisation) } })),
  ];
}
