import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';

let running: TTestApp;
let adminToken: string;

beforeAll(async () => {
  // Generous limits: this test is about malformed input, not about being throttled.
  running = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_TOKEN_PER_MINUTE: '100000' });
  adminToken = (await new TokenService(running.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'admin', name: 'fuzz' })).token;
});
afterAll(() => running.stop());

/** A concrete URL for a route pattern: every `:param` replaced by a fuzzed (URL-encoded) value. */
function concretePath(pattern: string, parameter: string): string {
  return pattern.replace(/:[A-Za-z]+/g, encodeURIComponent(parameter || 'x'));
}

const bodies = fc.oneof(
  fc.json().map((json) => ({ body: json, type: 'application/json' })),
  fc.jsonValue().map((value) => ({ body: JSON.stringify(value), type: 'application/json' })),
  fc.string({ maxLength: 300 }).map((text) => ({ body: text, type: 'application/json' })),
  fc.string({ maxLength: 300 }).map((text) => ({ body: text, type: 'text/plain' })),
  fc.string({ maxLength: 300 }).map((text) => ({ body: text, type: 'application/x-www-form-urlencoded' })),
  fc.constant({ body: '{"a":'.repeat(200), type: 'application/json' }),
  fc.constant({ body: 'x'.repeat(200_000), type: 'application/json' }),
  fc.integer({ min: 33, max: 20_000 }).map((depth) => ({ body: `${'['.repeat(depth)}${']'.repeat(depth)}`, type: 'application/json' })),
  fc.constant({ body: `{"value":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`, type: 'application/json' }),
  fc.constant({ body: 'x', type: 'multipart/form-data; boundary=x' }),
);

/** Every way a client may claim its body is compressed; none is read (a 40 MB inflation among them). */
const encodings = fc.constantFrom<string | undefined>(undefined, 'identity', 'gzip', 'x-gzip', 'deflate', 'br', 'compress', 'zstd', 'gzip, deflate', 'garbage');
const inflatingBody = gzipSync(Buffer.alloc(40 * 1024 * 1024), { level: 9 });

async function expectNoServerError(response: Response, what: string): Promise<void> {
  const text = await response.text();
  expect(response.status, `${what} → ${response.status} ${text.slice(0, 200)}`).toBeLessThan(500);
  expect(text, what).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  if (response.status < 400) return;
  // The chat protocols (Direct Line, Bot Framework) keep their own error object; everything else is a problem.
  const speaksChatProtocol = / \/(v3\/directline\/|api\/messages$)/.test(what);
  if (speaksChatProtocol) {
    expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
    expect(JSON.parse(text), what).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  } else {
    expect(response.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(text), what).toMatchObject({ type: expect.any(String), title: expect.any(String), status: response.status, code: expect.any(String), detail: expect.any(String) });
  }
}

describe('every route under random input', () => {
  it('answers random bodies, content types, parameters and tokens with 4xx JSON errors, never a 5xx or a stack trace', async () => {
    const routes = running.app.routes();
    expect(routes.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        bodies,
        fc.string({ maxLength: 40 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 4 }),
        fc.constantFrom('none', 'admin', 'garbage'),
        encodings,
        fc.boolean(),
        async (route, { body: plain, type }, parameter, query, auth, encoding, inflates) => {
          const body = encoding !== undefined && encoding !== 'identity' && inflates ? inflatingBody : plain;
          const url = new URL(concretePath(route.path, parameter), running.url);
          for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
          const headers: Record<string, string> = { 'content-type': type };
          if (typeof encoding === 'string') headers['content-encoding'] = encoding;
          if (auth === 'admin') headers.authorization = `Bearer ${adminToken}`;
          if (auth === 'garbage') headers.authorization = `Bearer ${parameter}`;
          const hasBody = !['GET', 'HEAD'].includes(route.method);
          const response = await fetch(url, { method: route.method, headers, body: hasBody ? body : undefined, redirect: 'manual' });
          await expectNoServerError(response, `${route.method} ${url.pathname}`);
        },
      ),
      { numRuns: Math.max(60, running.app.routes().length * 25), seed: 20261124 },
    );
    const health = await fetch(`${running.url}/healthz`);
    expect(health.status).toBe(200);
    // 25 runs per route: the time grows with the API (about 25 s on PostgreSQL for its 200 routes).
  }, 120_000);

  it.each(['/api/follow-ups', '/api/messages', '/v3/directline/tokens/generate'])('refuses a body over MAX_BODY_BYTES at %s with 413 and a JSON error', async (path) => {
    const response = await fetch(new URL(path, running.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ x: 'y'.repeat(running.config.MAX_BODY_BYTES) }),
    });
    expect(response.status).toBe(413);
    const refusal = path.startsWith('/api/follow-ups') ? { code: 'payload_too_large', status: 413 } : { error: { code: 'payload_too_large' } };
    expect(await response.json()).toMatchObject(refusal);
  });
});
