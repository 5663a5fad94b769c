import { z } from 'zod';
import { CALLBACK_METHODS, type CallbackService } from '../followups/callbacks';
import type { FollowUpService } from '../followups/service';
import { LANGUAGES } from '../i18n/languages';
import { ZSlug } from '../kernel/slug';
import { defineRoute, type TApiRoute } from './apiRoute';
import { ZIdParams, ZInstant } from './followUps';

const ZCallbacksQuery = z.strictObject({
  organisation: ZSlug.optional().describe("An organisation's slug; a token scoped to one organisation may name only its own."),
  status: z.enum(['open', 'handled']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const ZCallbackView = z.object({
  id: z.string(),
  organisation: z.string(),
  method: z.enum(CALLBACK_METHODS),
  contact: z.string().nullable().describe('The phone number or e-mail address; null once handled (it is deleted then).'),
  language: z.enum(LANGUAGES),
  status: z.enum(['open', 'handled']),
  createdAt: ZInstant,
  expiresAt: ZInstant.describe('When the request and its contact detail are deleted if nobody handles it.'),
  handledAt: ZInstant.nullable(),
});

/**
 * Residents' call-back requests for staff: the list with the contact detail decrypted (every read is audited, as it
 * shows personal data), and "handled", which deletes the detail.
 */
export function callbackRoutes(callbacks: CallbackService, followUps: FollowUpService): TApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/callbacks',
      operationId: 'listCallbacks',
      tag: 'Call-backs',
      summary: 'Residents who asked to be contacted',
      description: 'Shows personal data: every read is written to the audit log.',
      role: 'staff',
      query: ZCallbacksQuery,
      responses: { 200: { description: 'Oldest first.', json: z.object({ callbacks: z.array(ZCallbackView) }) } },
      refusals: [404],
      audits: ['callbacks.read'],
    })(async ({ principal, query }) => {
      // A scoped token may not name another organisation: the rules follow-ups already apply.
      const organisation = query.organisation !== undefined ? await followUps.organisationFor(principal, query.organisation) : undefined;
      const list = await callbacks.list(principal, { status: query.status, limit: query.limit, ...(organisation ? { organisationId: organisation.id } : {}) });
      return { status: 200, json: { callbacks: list } };
    }),
    defineRoute({
      method: 'post',
      path: '/callbacks/{id}/handled',
      operationId: 'markCallbackHandled',
      tag: 'Call-backs',
      summary: 'Mark a call-back as handled',
      description: 'Deletes the contact detail. Marking it again changes nothing.',
      role: 'staff',
      params: ZIdParams,
      responses: { 200: { description: 'Handled.', json: z.object({ id: z.string(), status: z.literal('handled') }) } },
      refusals: [404],
      audits: ['callback.handled'],
    })(async ({ principal, params }) => {
      await callbacks.markHandled(principal, params.id);
      return { status: 200, json: { id: params.id, status: 'handled' } };
    }),
  ];
}
