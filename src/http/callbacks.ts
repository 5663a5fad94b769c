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

const ZCallbackContext = z.object({
  service: z.string().nullable().describe("The service's slug (`GET /services` names it in every language); null when the survey was not about one."),
  contactChannel: z.string().nullable().describe('How the resident had been in contact (telefoon, balie …), known from a follow-up; else null.'),
  chatChannel: z.string().describe('Where the resident answered the survey: webchat, msteams …'),
  satisfaction: z.number().int().min(1).max(5).nullable().describe('1 (very dissatisfied) to 5 (very satisfied); null when not answered.'),
  ownWords: z.array(z.string()).describe("The answers to the survey's open questions, scrubbed of personal data as they were stored."),
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
  context: ZCallbackContext.nullable().describe(
    "What the call is about, read from the resident's answers as they are now. Only while the request is open and when the resident agreed that whoever contacts them sees their answers; null once the answers are erased or purged.",
  ),
});

/**
 * Residents' call-back requests for staff: the list with the contact detail decrypted and, where the resident agreed,
 * their answers (every read is audited, as it shows personal data), and "handled", which deletes the detail.
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
      responses: { 200: { description: 'Newest first.', json: z.object({ callbacks: z.array(ZCallbackView) }) } },
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
