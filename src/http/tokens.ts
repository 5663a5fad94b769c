import { z } from 'zod';
import { ROLES, ZNewToken, type TokenService } from '../auth/tokens';
import { ZSlug } from '../kernel/slug';
import { defineRoute, type TApiRoute } from './apiRoute';
import { ZIdParams, ZInstant } from './followUps';

const ZTokenView = z.object({
  id: z.string(),
  name: z.string().describe('Who or what holds it, as the admin named it.'),
  role: z.enum(ROLES),
  organisation: z.string().nullable().describe('Null: every organisation.'),
  state: z.enum(['active', 'expired', 'revoked']),
  createdAt: ZInstant,
  expiresAt: ZInstant.nullable(),
  revokedAt: ZInstant.nullable(),
  lastUsedAt: ZInstant.nullable().describe('To the minute; null: never used.'),
  yours: z.boolean().describe('The token this request came with; it cannot revoke itself.'),
});
const ZListQuery = z.strictObject({ organisation: ZSlug.optional().describe("An organisation's slug; a scoped admin sees its own anyway.") });

/** An admin's people: tokens with their role, organisation and expiry; the secret is in the creating answer only. */
export function tokenRoutes(tokens: TokenService): TApiRoute[] {
  const base = { tag: 'Tokens', role: 'admin' } as const;
  return [
    defineRoute({
      ...base,
      method: 'post',
      path: '/tokens',
      operationId: 'createToken',
      summary: 'Give someone a token',
      description:
        'A scoped admin gives tokens for its own organisation only; leaving `organisation` out means its own. Only an admin of every organisation gives one for every organisation. The token is in this answer only.',
      body: ZNewToken,
      responses: { 201: { description: 'Created.', json: ZTokenView.extend({ token: z.string().describe('Shown once; only its hash is kept.') }) } },
      audits: ['token.create'],
    })(async ({ principal, body }) => ({ status: 201, json: await tokens.issue(principal, body) })),
    defineRoute({
      ...base,
      method: 'get',
      path: '/tokens',
      operationId: 'listTokens',
      summary: 'The tokens this admin may manage',
      query: ZListQuery,
      responses: { 200: { description: 'Oldest first, without their secrets.', json: z.object({ tokens: z.array(ZTokenView) }) } },
    })(async ({ principal, query }) => ({ status: 200, json: { tokens: await tokens.list(principal, query.organisation) } })),
    defineRoute({
      ...base,
      method: 'delete',
      path: '/tokens/{id}',
      operationId: 'revokeToken',
      summary: 'Revoke a token',
      description: 'It stops working at once; it stays listed as revoked. Not the token the request comes with (409 `own_token`).',
      params: ZIdParams,
      responses: { 204: { description: 'Revoked (or it already was).', empty: true } },
      refusals: [404, 409],
      audits: ['token.revoke'],
    })(async ({ principal, params }) => {
      await tokens.revoke(principal, params.id);
      return { status: 204, empty: true };
    }),
  ];
}
