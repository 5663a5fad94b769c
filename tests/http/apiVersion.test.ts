import { API_VERSION } from '../../src/http/paths';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createToken } from '../followups/support';
import { startTestApp, type TTestApp } from '../support/app';

let running: TTestApp;
let staff: string;
let analyst: string;
beforeAll(async () => {
  running = await startTestApp();
  staff = await createToken(running.database.prisma, 'staff', 'demo');
  analyst = await createToken(running.database.prisma, 'analyst', 'demo');
});
afterAll(() => running?.stop());

describe('the versioned API', () => {
  it.each([
    ['staff', '/services'],
    ['staff', '/follow-ups?limit=5'],
    ['analyst', '/kpis?survey=meethuis'],
    ['analyst', '/kpis/options'],
  ] as const)('answers %s at /api/v1%s with API-Version, and the same at the deprecated /api path', async (role, path) => {
    const token = role === 'staff' ? staff : analyst;
    const current = await call(running.url, 'GET', `/api/v1${path}`, { token });
    const alias = await call(running.url, 'GET', `/api${path}`, { token });
    expect(current.status).toBe(200);
    expect(current.headers.get('api-version')).toBe(API_VERSION);
    expect(current.headers.get('link')).toBeNull();
    expect(alias.status).toBe(200);
    expect(alias.body).toEqual(current.body);
    expect(alias.headers.get('api-version')).toBe(API_VERSION);
    expect(alias.headers.get('link')).toBe(`</api/v1${path.split('?')[0]}>; rel="successor-version"`);
  });

  it('names the successor of the very resource asked for', async () => {
    const alias = await call(running.url, 'GET', '/api/follow-ups/no-such-follow-up', { token: staff });
    expect(alias.status).toBe(404);
    expect(alias.headers.get('link')).toBe('</api/v1/follow-ups/no-such-follow-up>; rel="successor-version"');
  });

  it('says its version on refusals too', async () => {
    const refused = await call(running.url, 'GET', '/api/v1/services', { token: 'not-a-token' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('api-version')).toBe(API_VERSION);
  });

  it('leaves the Bot Framework endpoint, Direct Line and the pages unversioned', async () => {
    expect((await fetch(`${running.url}/api/v1/messages`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${running.url}/v3/directline/tokens/generate`, { method: 'POST' })).headers.get('api-version')).toBeNull();
    expect((await fetch(`${running.url}/`)).headers.get('api-version')).toBeNull();
  });
});
