import { ZHeldBackQuery, ZHeldBackSelection, type HeldBackResponses } from '../scoring/heldBack';
import { parseInput } from './errors';
import { guard, type TGuardDeps } from './followUps';
import type { THttpServer } from './server';

export interface THeldBackRoutesDeps extends TGuardDeps {
  heldBack: HeldBackResponses;
}

/** Analysts review the responses held back by the limit per address: list them by day, accept or discard a day. */
export function registerHeldBackRoutes({ route }: THttpServer, deps: THeldBackRoutesDeps): void {
  const analyst = guard(deps);
  const { heldBack } = deps;

  route('get', '/api/responses/held', async (req, res) => {
    const principal = await analyst(req, 'analyst');
    const query = parseInput(ZHeldBackQuery, req.query ?? {}, 'query');
    res.send(200, { held: await heldBack.list(principal, query) });
  });

  route('post', '/api/responses/held/accept', async (req, res) => {
    const principal = await analyst(req, 'analyst');
    const selection = parseInput(ZHeldBackSelection, req.body ?? {});
    res.send(200, { accepted: await heldBack.accept(principal, selection) });
  });

  route('post', '/api/responses/held/discard', async (req, res) => {
    const principal = await analyst(req, 'analyst');
    const selection = parseInput(ZHeldBackSelection, req.body ?? {});
    res.send(200, { discarded: await heldBack.discard(principal, selection) });
  });
}
