import { z } from 'zod';
import { ZHeldBackQuery, ZHeldBackSelection, type HeldBackResponses } from '../scoring/heldBack';
import { defineRoute, type TApiRoute } from './apiRoute';

const ZHeldBackDay = z.object({
  organisation: z.string(),
  day: z.iso.date().describe("The day the responses started, in the organisation's time zone."),
  responses: z.number().int().min(0),
  completed: z.number().int().min(0),
});

/** Analysts review the responses held back by the limit per address: list them by day, accept or discard a day. */
export function heldBackRoutes(heldBack: HeldBackResponses): TApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/responses/held',
      operationId: 'listHeldBackResponses',
      tag: 'Responses',
      summary: 'Responses held back by the limit per address, by day',
      role: 'analyst',
      query: ZHeldBackQuery,
      responses: { 200: { description: 'Per organisation and day.', json: z.object({ held: z.array(ZHeldBackDay) }) } },
      refusals: [404],
    })(async ({ principal, query }) => ({ status: 200, json: { held: await heldBack.list(principal, query) } })),
    defineRoute({
      method: 'post',
      path: '/responses/held/accept',
      operationId: 'acceptHeldBackResponses',
      tag: 'Responses',
      summary: "Accept a day's held-back responses into the figures",
      role: 'analyst',
      body: ZHeldBackSelection,
      responses: { 200: { description: 'How many were accepted.', json: z.object({ accepted: z.number().int().min(0) }) } },
      refusals: [404],
      audits: ['responses.accept'],
    })(async ({ principal, body }) => ({ status: 200, json: { accepted: await heldBack.accept(principal, body) } })),
    defineRoute({
      method: 'post',
      path: '/responses/held/discard',
      operationId: 'discardHeldBackResponses',
      tag: 'Responses',
      summary: "Delete a day's held-back responses",
      role: 'analyst',
      body: ZHeldBackSelection,
      responses: { 200: { description: 'How many were deleted.', json: z.object({ discarded: z.number().int().min(0) }) } },
      refusals: [404],
      audits: ['responses.discard'],
    })(async ({ principal, body }) => ({ status: 200, json: { discarded: await heldBack.discard(principal, body) } })),
  ];
}
