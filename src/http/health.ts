import type { THttpServer } from './server';

/** `/healthz`: 200 while the database answers, 503 when it does not — what a load balancer needs to know. */
export function registerHealthRoutes({ route }: THttpServer, databaseAnswers: () => Promise<boolean>): void {
  route('get', '/healthz', async (_req, res) => {
    const database = (await databaseAnswers()) ? 'up' : 'down';
    res.send(database === 'up' ? 200 : 503, { status: database === 'up' ? 'ok' : 'unavailable', database });
  });
}
