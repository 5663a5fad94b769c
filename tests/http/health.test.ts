import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TTcpProxy } from '../support/tcpProxy';
import { startTestApp, type TTestApp } from '../support/app';
import { testProvider } from '../support/database';

let running: TTestApp | undefined;
let proxy: TTcpProxy | undefined;
afterEach(async () => {
  proxy?.restore();
  await running?.stop();
  await proxy?.close();
  running = undefined;
  proxy = undefined;
});

async function health(url: string) {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as { status: string; database: string } };
}

describe('/healthz', () => {
  it('answers 200 with the database status while the database takes writes', async () => {
    running = await startTestApp();
    expect(await health(running.url)).toEqual({ status: 200, body: { status: 'ok', database: 'up' } });
  });

  it('answers 503 while the database is unavailable, and 200 again once it is back', async () => {
    if (testProvider() === 'postgresql') {
      proxy = await startTcpProxy('127.0.0.1', 5432);
      const port = proxy.port;
      running = await startTestApp({}, (url) => url.replace(':5432/', `:${port}/`));
      expect((await health(running.url)).status).toBe(200);
      proxy.cut();
      expect(await health(running.url)).toEqual({ status: 503, body: { status: 'unavailable', database: 'down' } });
      proxy.restore();
    } else {
      running = await startTestApp();
      // Another process's writer holds the SQLite file: reads still work, but no answer could be stored.
      const other = new Database(running.database.url.slice('file:'.length));
      other.exec('BEGIN EXCLUSIVE');
      try {
        expect(await health(running.url)).toEqual({ status: 503, body: { status: 'unavailable', database: 'down' } });
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
    }
    await expect.poll(async () => (await health(running!.url)).status, { timeout: 15_000 }).toBe(200);
  });
});

describe('HTTP errors', () => {
  it('answers unknown routes with a JSON 404, not a page or a stack trace', async () => {
    running = await startTestApp();
    const response = await fetch(`${running.url}/no/such/route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toEqual({
      type: 'urn:meethuis-chat:problem:resource_not_found',
      title: 'Resource not found',
      status: 404,
      code: 'resource_not_found',
      detail: expect.any(String),
    });
  });
});
