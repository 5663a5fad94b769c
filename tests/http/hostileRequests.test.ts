import { INVITATION_STOP_PATH } from '../../src/followups/links';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, type TTestApp } from '../support/app';

let running: TTestApp;

beforeAll(async () => {
  // Generous limits: these attacks are about bodies, not about being throttled; a short body timeout keeps the
  // never-ending body quick to test.
  running = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_TOKEN_PER_MINUTE: '100000', BODY_TIMEOUT_MS: '700' });
});
afterAll(() => running.stop());

const tokenUrl = () => `${running.url}/v3/directline/tokens/generate`;

async function expectStillServing(): Promise<void> {
  const health = await fetch(`${running.url}/healthz`);
  expect(health.status).toBe(200);
  const fresh = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(fresh.status).toBe(200);
}

/** Sends raw bytes and returns what the server wrote back before it closed the connection (or the timeout). */
function rawExchange(request: string | Buffer, waitMs = 5_000): Promise<string> {
  const { port } = new URL(running.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('end', done);
    socket.on('error', done);
    socket.write(request);
  });
}

describe('compressed request bodies', () => {
  it('answers the gzip header that used to stop the process with 415, and keeps serving', async () => {
    const response = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: '{}' });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'unsupported_content_encoding' } });
    await expectStillServing();
  });

  it.each(['gzip', 'x-gzip', 'deflate', 'br', 'compress', 'zstd', 'GZIP', 'gzip, identity', 'identity, gzip', 'made-up'])(
    'refuses Content-Encoding %j before the body is read',
    async (encoding) => {
      const response = await fetch(tokenUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body: gzipSync(Buffer.from('{"context":{}}')),
      });
      expect(response.status).toBe(415);
    },
  );

  it('never inflates a gzip bomb: 60 MB of zeros in a small body, four at once, is refused and the service stays up', async () => {
    const bomb = gzipSync(Buffer.alloc(60 * 1024 * 1024, 0x20), { level: 9 });
    expect(bomb.length).toBeLessThan(running.config.MAX_BODY_BYTES);
    const before = process.memoryUsage().heapUsed;
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([415, 415, 415, 415]);
    // Inflated, four bombs would be 240 MB on the heap.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
    await expectStillServing();
  });

  it('accepts an explicit identity encoding', async () => {
    const response = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, body: '{}' });
    expect(response.status).toBe(200);
  });
});

/** Files that appeared in the temporary directory since `before` and hold the marker (other tests write there too). */
function filesHolding(marker: string, before: Set<string>): string[] {
  return readdirSync(tmpdir())
    .filter((name) => !before.has(name))
    .filter((name) => {
      const path = join(tmpdir(), name);
      try {
        return statSync(path).isFile() && readFileSync(path, 'latin1').includes(marker);
      } catch {
        return false;
      }
    });
}

describe('bodies that are not JSON', () => {
  const MARKER = 'meethuis-upload-marker-7f3a';
  const payload = () => `${MARKER}${'x'.repeat(40 * 1024)}`;
  const upload = () => {
    const form = new FormData();
    form.append('file', new Blob([payload()], { type: 'application/octet-stream' }), 'upload.bin');
    return form;
  };
  const kinds: [string, () => { body: BodyInit; headers: Record<string, string> }][] = [
    ['multipart/form-data with a file', () => ({ body: upload(), headers: {} })],
    ['application/x-www-form-urlencoded', () => ({ body: `context=${payload()}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
    ['application/octet-stream', () => ({ body: payload(), headers: { 'content-type': 'application/octet-stream' } })],
    ['text/plain', () => ({ body: '{}', headers: { 'content-type': 'text/plain' } })],
    ['JSON in another charset', () => ({ body: '{}', headers: { 'content-type': 'application/json; charset=utf-16' } })],
    ['no content type', () => ({ body: new Uint8Array([123, 125]), headers: {} })],
  ];

  it.each(kinds)('are refused with 415 (%s) on every POST route, and leave no file behind', async (kind, make) => {
    const before = new Set(readdirSync(tmpdir()));
    const routes = running.app.routes().filter((route) => route.method === 'POST');
    // "Stop the invitations" takes a form (an e-mail client's one-click POST): its body is read within the limits and
    // dropped, so it too must leave no file behind, and it answers with its page.
    const stop = routes.filter((route) => route.path.startsWith(INVITATION_STOP_PATH));
    const posts = routes.filter((route) => !stop.includes(route));
    expect(stop).toHaveLength(1);
    expect(posts.length).toBeGreaterThan(5);
    for (const route of stop) {
      const { body, headers } = make();
      const response = await fetch(new URL(route.path.replace(/:[A-Za-z]+/g, 'x'), running.url), { method: 'POST', headers, body });
      const form = /^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(kind);
      expect(response.status, route.path).toBe(form ? 200 : 415);
      expect(response.headers.get('content-type')).toContain(form ? 'text/html' : 'json');
    }
    for (const route of posts) {
      const { body, headers } = make();
      const response = await fetch(new URL(route.path.replace(/:[A-Za-z]+/g, 'x'), running.url), { method: 'POST', headers, body });
      expect(response.status, `${route.path}`).toBe(415);
      // The chat protocols keep their own error object; the API answers with a problem.
      const chatProtocol = route.path === '/api/messages' || route.path.startsWith('/v3/directline/');
      expect(await response.json()).toMatchObject(chatProtocol ? { error: { code: 'unsupported_media_type' } } : { code: 'unsupported_media_type', status: 415 });
    }
    expect(filesHolding(MARKER, before)).toEqual([]);
    await expectStillServing();
  });

  it('accepts JSON with a UTF-8 charset, as the Bot Framework sends it', async () => {
    const response = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}' });
    expect(response.status).toBe(200);
  });
});

describe('JSON that a validator would recurse into', () => {
  it('refuses an activity value nested 5,000 levels deep with 400, before any schema sees it', async () => {
    const webchat = await DirectLineTestClient.start(running.url, { organisation: 'demo', language: 'nl' });
    const value = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const response = await fetch(`${running.url}/v3/directline/conversations/${webchat.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${webchat.token}` },
      body: `{"type":"message","from":{"id":"u"},"text":"4","value":${value}}`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'too_deeply_nested' } });
    // Nothing of it reached the conversation.
    expect((await webchat.poll()).filter((activity) => (activity.from as { role?: string }).role === 'user')).toEqual([]);
    await expectStillServing();
  });

  it('still reads brackets inside strings as text, and nesting up to the limit', async () => {
    // Web Chat's own fields beside the context are ignored, so this body is otherwise fine.
    const response = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ context: {}, user: { id: '[[[[{{{{\\"[[['.repeat(20) } }),
    });
    expect(response.status).toBe(200);
    const deepButAllowed = `${'['.repeat(32)}${']'.repeat(32)}`;
    const allowed = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepButAllowed });
    // 32 levels pass the reader; the schema then refuses an array where an object belongs.
    expect(await allowed.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('bodies that never end', () => {
  it('answers a chunked body that never finishes with 408 when the body timeout passes, and keeps serving', async () => {
    const answer = await rawExchange(
      'POST /v3/directline/tokens/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{"\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await expectStillServing();
  });

  it('answers a body shorter than its Content-Length with 408', async () => {
    const answer = await rawExchange('POST /v3/directline/tokens/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await expectStillServing();
  });

  it('stops reading a chunked body at MAX_BODY_BYTES with 413', async () => {
    const chunk = 'a'.repeat(16 * 1024);
    const chunks = Array.from({ length: 8 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const answer = await rawExchange(`POST /v3/directline/tokens/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    await expectStillServing();
  });
});
