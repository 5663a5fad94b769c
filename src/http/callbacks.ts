import { z } from 'zod';
import type { CallbackService } from '../followups/callbacks';
import type { FollowUpService } from '../followups/service';
import { parseInput } from './errors';
import { guard, ZIdParams, type TGuardDeps } from './followUps';
import type { THttpServer } from './server';
import { ZSlug } from '../kernel/slug';

const ZCallbacksQuery = z.strictObject({
  organisation: ZSlug.optional(),
  status: z.enum(['open', 'handled']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export interface TCallbackRoutesDeps extends TGuardDeps {
  callbacks: CallbackService;
  /** For the organisation scope rules shared with follow-ups (a scoped token may not name another). */
  followUps: FollowUpService;
}

/**
 * Residents' call-back requests for staff: the list with the contact detail decrypted (every read is audited, as it
 * shows personal data), and "handled", which deletes the detail.
 */
export function registerCallbackRoutes({ route }: THttpServer, deps: TCallbackRoutesDeps): void {
  const staff = guard(deps);

  route('get', '/api/callbacks', async (req, res) => {
    const principal = await staff(req, 'staff');
    const query = parseInput(ZCallbacksQuery, req.query ?? {}, 'query');
    const organisation = query.organisation !== undefined ? await deps.followUps.organisationFor(principal, query.organisation) : undefined;
    const list = await deps.callbacks.list(principal, { status: query.status, limit: query.limit, ...(organisation ? { organisationId: organisation.id } : {}) });
    // Personal data: never kept by a browser or a proxy.
    res.header('Cache-Control', 'no-store');
    res.send(200, { callbacks: list });
  });

  route('post', '/api/callbacks/:id/handled', async (req, res) => {
    const principal = await staff(req, 'staff');
    const { id } = parseInput(ZIdParams, req.params ?? {}, 'params');
    await deps.callbacks.markHandled(principal, id);
    res.send(200, { id, status: 'handled' });
  });
}
