import { z } from 'zod';
import type { WebhookService } from '../webhooks/service';
import { EVERY_ORGANISATION, ZNewWebhook } from '../webhooks/service';
import { parseInput } from './errors';
import { guard, ZIdParams, type TGuardDeps } from './followUps';
import type { THttpServer } from './server';
import { ZSlug } from '../kernel/slug';

const ZListQuery = z.strictObject({
  organisation: z
    .union([z.literal(EVERY_ORGANISATION), ZSlug], { error: 'must be a lower-case name such as demo, or *' })
    .optional(),
});
const ZDeliveriesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export interface TWebhookRoutesDeps extends TGuardDeps {
  webhooks: WebhookService;
}

/** The admin's webhook API: register (the signing secret is in this answer only), list, delete, delivery log. */
export function registerWebhookRoutes({ route }: THttpServer, deps: TWebhookRoutesDeps): void {
  const admin = guard(deps);
  const { webhooks } = deps;

  route('post', '/api/webhooks', async (req, res) => {
    const principal = await admin(req, 'admin');
    const input = parseInput(ZNewWebhook, req.body ?? {});
    const created = await webhooks.create(principal, input);
    res.header('Cache-Control', 'no-store');
    res.header('Location', `/api/webhooks/${created.id}`);
    res.send(201, created);
  });

  route('get', '/api/webhooks', async (req, res) => {
    const principal = await admin(req, 'admin');
    const { organisation } = parseInput(ZListQuery, req.query ?? {}, 'query');
    res.send(200, { webhooks: await webhooks.list(principal, organisation) });
  });

  route('del', '/api/webhooks/:id', async (req, res) => {
    const principal = await admin(req, 'admin');
    const { id } = parseInput(ZIdParams, req.params ?? {}, 'params');
    await webhooks.remove(principal, id);
    res.send(204);
  });

  route('get', '/api/webhooks/:id/deliveries', async (req, res) => {
    const principal = await admin(req, 'admin');
    const { id } = parseInput(ZIdParams, req.params ?? {}, 'params');
    const { limit } = parseInput(ZDeliveriesQuery, req.query ?? {}, 'query');
    res.send(200, { deliveries: await webhooks.deliveries(principal, id, limit) });
  });
}
