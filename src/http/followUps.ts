import { z } from 'zod';
import type { TPrincipal, TRole } from '../auth/tokens';
import { ZFollowUpRequest } from '../followups/model';
import type { FollowUpService } from '../followups/service';
import type { TAuthenticate } from './auth';
import { ApiError, parseInput } from './errors';
import { limitSubjectOf } from './clientAddress';
import type { TRateLimiter } from './rateLimit';
import type { Request, THttpServer } from './server';
import { ZSlug } from '../kernel/slug';

/** What every staff/admin route of the follow-up side needs to let a caller in. */
export interface TGuardDeps {
  authenticate: TAuthenticate;
  rateLimiter: TRateLimiter;
  limits: { perAddress: number; perToken: number };
}

/** Limits by address first (so bad tokens cannot hammer the token lookup), then the token and its role, then its own limit. */
export function guard(deps: TGuardDeps): (req: Request, role: TRole) => Promise<TPrincipal> {
  return async (req, role) => {
    await deps.rateLimiter.hit(`ip:${limitSubjectOf(req)}`, deps.limits.perAddress);
    const principal = await deps.authenticate(req, role);
    await deps.rateLimiter.hit(`token:${principal.tokenId}`, deps.limits.perToken);
    return principal;
  };
}

/** Ids are cuids or UUIDs; anything else is not looked up at all. */
export const ZIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a valid id') });

const ZListQuery = z.strictObject({
  organisation: ZSlug.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const ZServicesQuery = z.strictObject({ organisation: ZSlug.optional() });

/** A client's retry key: printable ASCII, as the IETF Idempotency-Key draft describes, and not too long to store. */
const ZIdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 printable characters without spaces');

export interface TFollowUpRoutesDeps extends TGuardDeps {
  followUps: FollowUpService;
}

/**
 * Staff routes: send a follow-up (`POST /api/follow-ups`), read one or the latest, and the services a staff member
 * may choose from (`GET /api/services`, for the staff page's form).
 */
export function registerFollowUpRoutes({ route }: THttpServer, deps: TFollowUpRoutesDeps): void {
  const staff = guard(deps);
  const { followUps } = deps;

  route('post', '/api/follow-ups', async (req, res) => {
    const principal = await staff(req, 'staff');
    const header = req.header('idempotency-key');
    const idempotencyKey = header === undefined ? undefined : parseHeader(header);
    const request = parseInput(ZFollowUpRequest, req.body ?? {});
    const { followUp, replayed } = await followUps.create(principal, request, idempotencyKey);
    res.header('Location', `/api/follow-ups/${followUp.id}`);
    if (replayed) res.header('Idempotent-Replayed', 'true');
    // Accepted → 202; skipped (recently surveyed, opted out) → 200 with the reason.
    res.send(followUp.status === 'skipped' ? 200 : 202, {
      id: followUp.id,
      status: followUp.status,
      ...(followUp.reason ? { reason: followUp.reason } : {}),
      ...(followUp.link ? { link: followUp.link } : {}),
      ...(followUp.link && followUp.target.type === 'link' ? { linkExpiresAt: followUp.target.expiresAt } : {}),
      ...(followUp.nextAttemptAt ? { nextAttemptAt: followUp.nextAttemptAt } : {}),
    });
  });

  route('get', '/api/follow-ups', async (req, res) => {
    const principal = await staff(req, 'staff');
    const query = parseInput(ZListQuery, req.query ?? {}, 'query');
    const list = await followUps.list(principal, query);
    res.header('Cache-Control', 'no-store');
    res.send(200, { followUps: list });
  });

  route('get', '/api/follow-ups/:id', async (req, res) => {
    const principal = await staff(req, 'staff');
    const { id } = parseInput(ZIdParams, req.params ?? {}, 'params');
    const followUp = await followUps.get(principal, id);
    res.header('Cache-Control', 'no-store');
    res.send(200, followUp);
  });

  route('get', '/api/services', async (req, res) => {
    const principal = await staff(req, 'staff');
    const { organisation } = parseInput(ZServicesQuery, req.query ?? {}, 'query');
    res.send(200, { organisations: await followUps.services(principal, organisation) });
  });
}

function parseHeader(value: string): string {
  const parsed = ZIdempotencyKey.safeParse(value);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', `Idempotency-Key: ${parsed.error.issues[0]!.message}`, 'Idempotency-Key');
  return parsed.data;
}

