import { isDatabaseReachable, type TPrisma } from '../db/client';
import type { THttpServer } from './server';

/** `/healthz`: 200 while the database answers, 503 when it does not — what a load balancer needs to know. */
export function registerHealthRoutes({ route }: THttpServer, prisma: TPrisma): void {
  route('get', '/healthz', async (_req, res) => {
    const database = (await isDatabaseReachable(prisma, 'write')) ? 'up' : 'down';
    res.send(database === 'up' ? 200 : 503, { status: database === 'up' ? 'ok' : 'unavailable', database });
  });
}
