import { get, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { languageFromAcceptLanguage } from '../../src/http/pages';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { startChannelServer, type TChannelServer } from './support';

let database: TTestDatabase;
let running: TChannelServer | undefined;

beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  await database.destroy();
});

function configOf(html: string): { context: Record<string, string>; webchatLocale: string; nonce: string; texts: Record<string, { page: { error: string } }> } {
  const json = /<script id="page-config" type="application\/json">([^<]*)<\/script>/.exec(html)?.[1];
  return JSON.parse(json ?? 'null') as ReturnType<typeof configOf>;
}

/** A GET that leaves the body as sent (fetch would decompress it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('the web chat page', () => {
  it('is served in the language of ?lang= with a CSP whose nonce matches the page, and may not be framed by default', async () => {
    running = await startChannelServer(database.url);
    const response = await fetch(`${running.url}/?lang=pap&organisation=demo&service=paspoort&location=Kralendijk`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<html lang="pap">');
    const config = configOf(html);
    expect(config.context).toEqual({ language: 'pap', organisation: 'demo', service: 'paspoort', location: 'Kralendijk' });
    expect(config.webchatLocale).toBe('pap');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`'nonce-${config.nonce}'`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    // A fresh nonce for every page.
    const again = configOf(await (await fetch(`${running.url}/?lang=pap`)).text());
    expect(again.nonce).not.toBe(config.nonce);
  });

  it('passes the browser’s language as a hint only: the resident’s first message may correct it, ?lang not', async () => {
    running = await startChannelServer(database.url);
    const guessed = await fetch(`${running.url}/?organisation=demo`, { headers: { 'Accept-Language': 'en-GB,nl;q=0.8' } });
    const html = await guessed.text();
    expect(html).toContain('<html lang="en">');
    expect(configOf(html).context).toEqual({ languageHint: 'en', organisation: 'demo' });
    const asked = await fetch(`${running.url}/?lang=nl&organisation=demo`, { headers: { 'Accept-Language': 'en-GB' } });
    expect(configOf(await asked.text()).context).toEqual({ language: 'nl', organisation: 'demo' });
  });

  it('lets only EMBED_ORIGINS frame it', async () => {
    running = await startChannelServer(database.url, { env: { EMBED_ORIGINS: 'https://www.gemeente.example,https://bonaire.example' } });
    const response = await fetch(`${running.url}/`);
    expect(response.headers.get('content-security-policy')).toContain('frame-ancestors https://www.gemeente.example https://bonaire.example');
    expect(response.headers.get('x-frame-options')).toBeNull();
  });

  it('escapes whatever the query holds, in the links and in the page configuration', async () => {
    running = await startChannelServer(database.url);
    const hostile = '"><script>alert(1)</script>';
    const html = await (await fetch(`${running.url}/?organisation=${encodeURIComponent(hostile)}&location=${encodeURIComponent('</script><img src=x onerror=alert(1)>')}`)).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(configOf(html).context.organisation).toBe(hostile);
  });

  it('takes its language from Accept-Language when there is no ?lang=, and Dutch otherwise', async () => {
    running = await startChannelServer(database.url);
    const lang = async (headers: Record<string, string>, query = '') =>
      /<html lang="(\w+)">/.exec(await (await fetch(`${running!.url}/${query}`, { headers })).text())?.[1];
    expect(await lang({ 'Accept-Language': 'pap-CW,pap;q=0.9,nl;q=0.8' })).toBe('pap');
    expect(await lang({ 'Accept-Language': 'fr-FR, en-US;q=0.7' })).toBe('en');
    expect(await lang({ 'Accept-Language': 'de' })).toBe('nl');
    expect(await lang({ 'Accept-Language': 'en' }, '?lang=nl')).toBe('nl');
    expect(await lang({ 'Accept-Language': 'en' }, '?lang=xx')).toBe('en');
  });

  it('serves the official Web Chat bundle from node_modules, gzipped when asked, and its own assets', async () => {
    running = await startChannelServer(database.url);
    const plain = await fetch(`${running.url}/webchat/webchat.js`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const source = await plain.text();
    expect(source).toContain('createDirectLine');
    const zipped = await rawGet(`${running.url}/webchat/webchat.js`, { 'Accept-Encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(source.length / 2);
    expect(gunzipSync(zipped.body).toString('utf8')).toBe(source);
    for (const asset of ['page.js', 'page.css', 'embed.js']) {
      expect((await fetch(`${running.url}/webchat/${asset}`)).status, asset).toBe(200);
    }
    expect((await fetch(`${running.url}/webchat/../package.json`)).status).toBe(404);
  });
});

describe('languageFromAcceptLanguage', () => {
  it.each([
    ['pap-BQ', 'pap'],
    ['en-GB,en;q=0.9', 'en'],
    ['nl-BE', 'nl'],
    ['de;q=1, pap;q=0.2, en;q=0.5', 'en'],
    ['en;q=0, nl;q=0.1', 'nl'],
    ['*', undefined],
    ['', undefined],
  ])('%s → %s', (header, language) => {
    expect(languageFromAcceptLanguage(header)).toBe(language);
  });
});
