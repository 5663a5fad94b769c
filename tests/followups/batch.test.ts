import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TTestApp } from '../support/app';
import { runCli } from '../support/cli';
import { call, createToken, followUpBody } from './support';

/** Follow-ups sent at once from the contact centre's own list: through the API's batch and the CLI's CSV import. */

let running: TTestApp;
let staff: string;
let dir: string;

beforeAll(async () => {
  running = await startTestApp({ QUIET_HOURS: 'off', FOLLOW_UP_FATIGUE_DAYS: '0' });
  staff = await createToken(running.database.prisma, 'staff', 'demo');
  dir = mkdtempSync(join(tmpdir(), 'meethuis-batch-'));
}, 60_000);
afterAll(async () => {
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface TResult {
  key: string;
  outcome: string;
  followUp?: { id: string; status: string; link?: string };
  error?: { code: string; field: string | null; detail: string };
}

describe('a batch of follow-ups through the API', () => {
  it('accepts each item on its own, refuses a bad one with its field, and sends nothing twice when repeated', async () => {
    const items = Array.from({ length: 20 }, (_, index) => ({ key: `ticket-${index}`, request: followUpBody({ language: 'nl', leadTimeDays: index }) }));
    items[3]!.request = followUpBody({ service: 'onbekend' });
    items[7]!.request = followUpBody({ contactChannel: 'duif' });
    items[11]!.request = { ...followUpBody(), target: undefined };
    const first = await call(running.url, 'POST', '/api/follow-ups/batch', { token: staff, body: { items } });
    expect(first.status).toBe(200);
    const results = first.body.results as TResult[];
    expect(results.map((result) => result.key)).toEqual(items.map((item) => item.key));
    expect(results.filter((result) => result.outcome === 'accepted')).toHaveLength(17);
    expect(results[3]).toMatchObject({ outcome: 'refused', error: { code: 'unknown_service', field: 'service' } });
    expect(results[7]).toMatchObject({ outcome: 'refused', error: { code: 'invalid_request', field: 'contactChannel' } });
    expect(results[11]).toMatchObject({ outcome: 'refused', error: { field: 'target' } });
    expect(results[0]!.followUp).toMatchObject({ status: 'sent', link: expect.stringContaining('?link=') });

    const again = await call(running.url, 'POST', '/api/follow-ups/batch', { token: staff, body: { items } });
    const repeated = again.body.results as TResult[];
    expect(repeated.filter((result) => result.outcome === 'replayed')).toHaveLength(17);
    expect(repeated[0]!.followUp!.id).toBe(results[0]!.followUp!.id);
    expect(await running.database.prisma.followUp.count()).toBe(17);
  });

  it(`takes ${200} items beyond the usual body limit, and refuses ${201}`, async () => {
    // Long keys make this batch larger than the 64 kB every other route takes.
    const items = Array.from({ length: 200 }, (_, index) => ({ key: `${'k'.repeat(180)}-${index}`, request: followUpBody({ leadTimeDays: index, contactCount: 3 }) }));
    expect(JSON.stringify({ items }).length).toBeGreaterThan(64 * 1024);
    const accepted = await call(running.url, 'POST', '/api/follow-ups/batch', { token: staff, body: { items } });
    expect(accepted.status).toBe(200);
    expect((accepted.body.results as TResult[]).every((result) => result.outcome === 'accepted')).toBe(true);
    const tooMany = await call(running.url, 'POST', '/api/follow-ups/batch', { token: staff, body: { items: [...items, { key: 'one-more', request: followUpBody() }] } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ field: 'items' });
    // Past the batch's own limit the body is refused before it is read whole.
    const huge = await call(running.url, 'POST', '/api/follow-ups/batch', { token: staff, body: { items: [{ key: 'x', request: { padding: 'p'.repeat(250_000) } }] } });
    expect(huge.status).toBe(413);
  });
});

describe('the CLI import of a contact centre list', () => {
  it('sends 195 of 200 lines, reports the 5 bad ones with their line and field, and sends nothing twice on a second run', { timeout: 60_000 }, async () => {
    const lines = ['target,service,contactChannel,language,leadTimeDays,contactCount'];
    for (let index = 0; index < 200; index++) {
      const bad = [17, 58, 99, 140, 181].indexOf(index);
      const service = bad === 0 ? 'onbekend' : 'paspoort';
      const channel = bad === 1 ? 'duif' : 'telefoon';
      const language = bad === 2 ? 'fr' : ['nl', 'pap', 'en'][index % 3];
      const target = bad === 3 ? 'geen-adres' : bad === 4 ? '' : [`inwoner${index}@example.nl`, 'link', `06 ${20_000_000 + index}`][index % 3];
      lines.push([target, service, channel, language, String(index % 30), '1'].join(','));
    }
    const file = join(dir, 'vandaag.csv');
    writeFileSync(file, lines.join('\n'));
    const env = { SMTP_URL: 'smtp://127.0.0.1:9', SMS_PROVIDER_URL: 'http://127.0.0.1:9', SMS_API_KEY: 'cm-product-token', SMS_SENDER: 'Gemeente', QUIET_HOURS: 'off', FOLLOW_UP_FATIGUE_DAYS: '0' };
    const before = await running.database.prisma.followUp.count();

    const first = await runCli(running.database.url, ['follow-ups', 'import', file, '--organisation', 'demo'], env);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('195 accepted, 0 already sent before, 5 refused');
    // Line numbers count the header: contact 17 is on line 19.
    expect(first.stdout).toMatch(/^line 19: service: .*onbekend/m);
    expect(first.stdout).toMatch(/^line 60: contactChannel: /m);
    expect(first.stdout).toMatch(/^line 101: language: /m);
    expect(first.stdout).toMatch(/^line 142: target: /m);
    expect(first.stdout).toMatch(/^line 183: target: /m);
    expect(await running.database.prisma.followUp.count()).toBe(before + 195);
    // E-mail addresses and phone numbers wait encrypted for the worker; none is in the database as typed or normalised.
    expect(await running.database.prisma.followUp.count({ where: { targetType: 'sms' } })).toBeGreaterThan(60);
    const stored = JSON.stringify(await running.database.prisma.followUp.findMany());
    expect(stored).not.toContain('inwoner3@example.nl');
    expect(stored).not.toContain('20000002');

    const second = await runCli(running.database.url, ['follow-ups', 'import', file, '--organisation', 'demo'], env);
    expect(second.stdout).toContain('0 accepted, 195 already sent before, 5 refused');
    expect(await running.database.prisma.followUp.count()).toBe(before + 195);
  });
});
