import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentKeyOf } from '../../src/privacy/residentKeys';
import { linkTokenHashOf } from '../../src/followups/links';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { call, createToken, followUpBody, storeTeamsReference } from './support';

let running: TTestApp;
let staffAll: string;
let staffDemo: string;
let staffBonaire: string;
let analyst: string;
let admin: string;

beforeAll(async () => {
  // Quiet hours off: these tests are about the API, and must not turn "queued" into "deferred" at night.
  running = await startTestApp({ QUIET_HOURS: 'off', PUBLIC_URL: 'https://enkete.example.nl' });
  const { prisma } = running.database;
  staffAll = await createToken(prisma, 'staff');
  staffDemo = await createToken(prisma, 'staff', 'demo');
  staffBonaire = await createToken(prisma, 'staff', 'bonaire');
  analyst = await createToken(prisma, 'analyst', 'demo');
  admin = await createToken(prisma, 'admin');
});
afterAll(() => running.stop());

const post = (token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  call(running.url, 'POST', '/api/follow-ups', { ...(token ? { token } : {}), body, headers });

let userCounter = 0;
/** A Teams user who has written to the bot before, so a conversation reference exists. */
async function teamsUser(aadObjectId?: string): Promise<string> {
  const userId = `29:user-${Date.now()}-${++userCounter}`;
  await storeTeamsReference(running.database.prisma, userId, aadObjectId ? { aadObjectId } : {});
  return userId;
}

describe('POST /api/follow-ups: who may ask', () => {
  it('answers 401 without a token or with an unknown one', async () => {
    expect((await post(undefined, followUpBody())).status).toBe(401);
    const unknown = await post('mh_not-a-real-token', followUpBody());
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ code: 'unauthorized', detail: expect.any(String) });
  });

  it('answers 403 for an analyst token', async () => {
    const response = await post(analyst, followUpBody());
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'forbidden' });
  });

  it('lets an admin send one too', async () => {
    expect((await post(admin, followUpBody({ organisation: 'demo' }))).status).toBe(202);
  });

  it('requires an unscoped token to name the organisation, and 403s a scoped token naming another', async () => {
    const missing = await post(staffAll, followUpBody());
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ field: 'organisation' });

    const other = await post(staffDemo, followUpBody({ organisation: 'bonaire' }));
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'forbidden', field: 'organisation' });

    expect((await post(staffDemo, followUpBody({ organisation: 'demo' }))).status).toBe(202);
    expect((await post(staffDemo, followUpBody())).status).toBe(202);
  });
});

describe('POST /api/follow-ups: bad bodies', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a missing survey', { survey: undefined }, 'survey'],
    ['an unknown contact channel', { contactChannel: 'fax' }, 'contactChannel'],
    ['a negative lead time', { leadTimeDays: -1 }, 'leadTimeDays'],
    ['a fractional contact count', { contactCount: 1.5 }, 'contactCount'],
    ['a contact count of zero', { contactCount: 0 }, 'contactCount'],
    ['an unknown language', { language: 'de' }, 'language'],
    ['a target without type', { target: {} }, 'target.type'],
    ['a conversation target without userId', { target: { type: 'conversation', channel: 'msteams' } }, 'target.userId'],
    ['a conversation target on an unknown channel', { target: { type: 'conversation', channel: 'sms', userId: '29:x' } }, 'target.channel'],
    ['an unknown field', { colour: 'blue' }, ''],
    ['an unknown service', { service: 'hondenbelasting' }, 'service'],
    ['an unknown survey', { survey: 'nope' }, 'survey'],
    ['another organisation’s survey variant', { survey: 'bonaire' }, 'survey'],
  ];

  it.each(cases)('answers 400 naming the field for %s', async (_what, override, field) => {
    const body = JSON.parse(JSON.stringify(followUpBody(override))) as Record<string, unknown>;
    const response = await post(staffDemo, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: expect.any(String), detail: expect.any(String) });
    if (field) expect(response.body.field).toBe(field);
    else expect(response.body.detail).toMatch(/colour|unrecognized/i);
  });

  it('answers 400 for a body that is not JSON, and for a malformed Idempotency-Key', async () => {
    const text = await fetch(`${running.url}/api/follow-ups`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${staffDemo}`, 'Content-Type': 'application/json' },
      body: '{"survey":',
    });
    expect(text.status).toBe(400);
    expect(await text.json()).toMatchObject({ code: expect.any(String) });
    const key = await post(staffDemo, followUpBody(), { 'Idempotency-Key': 'has spaces in it' });
    expect(key.status).toBe(400);
    expect(key.body).toMatchObject({ field: 'Idempotency-Key' });
  });

  it('answers 422 naming target.userId when the bot never talked with that Teams user', async () => {
    const response = await post(staffDemo, followUpBody({ target: { type: 'conversation', channel: 'msteams', userId: '29:stranger' } }));
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'no_conversation', field: 'target.userId' });
  });
});

describe('POST /api/follow-ups: links and conversations', () => {
  it('answers 202 with a one-time link on PUBLIC_URL, stored only as a keyed hash', async () => {
    const response = await post(staffDemo, followUpBody());
    expect(response.status).toBe(202);
    // In the language staff chose: the chat opens in it.
    expect(response.body).toMatchObject({ id: expect.any(String), status: 'sent', link: expect.stringMatching(/^https:\/\/enkete\.example\.nl\/\?link=[\w-]+&lang=pap$/) });
    const token = new URL(String(response.body.link)).searchParams.get('link')!;
    const row = await running.database.prisma.followUp.findUniqueOrThrow({ where: { id: String(response.body.id) } });
    expect(row.linkTokenHash).toBe(linkTokenHashOf(TEST_SECRETS.HASH_SECRET, token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row).toMatchObject({ targetType: 'link', contactChannel: 'telefoon', leadTimeDays: 12, contactCount: 2, language: 'pap' });
    expect(row.linkExpiresAt!.getTime() - row.createdAt.getTime()).toBe(168 * 3_600_000);
  });

  it('queues a Teams follow-up for a user the bot knows, by Teams id or by AAD object id', async () => {
    const byId = await teamsUser();
    const response = await post(staffDemo, followUpBody({ target: { type: 'conversation', channel: 'msteams', userId: byId } }));
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'queued' });
    expect(response.body.link).toBeUndefined();
    const row = await running.database.prisma.followUp.findUniqueOrThrow({ where: { id: String(response.body.id) } });
    expect(row.residentKey).toBe(residentKeyOf(TEST_SECRETS.HASH_SECRET, 'msteams', byId));
    expect(JSON.stringify(row)).not.toContain(byId);

    const aad = '0F0E0D0C-1111-4222-8333-444455556666';
    const other = await teamsUser(aad);
    const byAad = await post(staffDemo, followUpBody({ target: { type: 'conversation', channel: 'msteams', userId: aad.toLowerCase() } }));
    expect(byAad.status).toBe(202);
    const aadRow = await running.database.prisma.followUp.findUniqueOrThrow({ where: { id: String(byAad.body.id) } });
    expect(aadRow.residentKey).toBe(residentKeyOf(TEST_SECRETS.HASH_SECRET, 'msteams', other));
  });
});

describe('Idempotency-Key', () => {
  it('returns the same follow-up for the same key and body, and never queues a second one', async () => {
    const userId = await teamsUser();
    const body = followUpBody({ target: { type: 'conversation', channel: 'msteams', userId } });
    const first = await post(staffDemo, body, { 'Idempotency-Key': 'ticket-4711' });
    // The same body with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post(staffDemo, reordered, { 'Idempotency-Key': 'ticket-4711' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const rows = await running.database.prisma.followUp.count({ where: { residentKey: residentKeyOf(TEST_SECRETS.HASH_SECRET, 'msteams', userId) } });
    expect(rows).toBe(1);
  });

  it('returns the same link again for a retried link request', async () => {
    const first = await post(staffDemo, followUpBody(), { 'Idempotency-Key': 'link-1' });
    const again = await post(staffDemo, followUpBody(), { 'Idempotency-Key': 'link-1' });
    expect(again.body).toEqual(first.body);
  });

  it('answers 409 for the same key with a different body', async () => {
    await post(staffDemo, followUpBody(), { 'Idempotency-Key': 'key-409' });
    const conflict = await post(staffDemo, followUpBody({ service: 'rijbewijs' }), { 'Idempotency-Key': 'key-409' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('scopes the key to the token: another token with the same key gets its own follow-up', async () => {
    const mine = await post(staffDemo, followUpBody(), { 'Idempotency-Key': 'shared-key' });
    const theirs = await post(staffAll, followUpBody({ organisation: 'demo' }), { 'Idempotency-Key': 'shared-key' });
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('lets concurrent retries with one key create exactly one follow-up', async () => {
    const userId = await teamsUser();
    const body = followUpBody({ target: { type: 'conversation', channel: 'msteams', userId } });
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(staffDemo, body, { 'Idempotency-Key': 'burst' })));
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([202]));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
  });
});

describe('survey fatigue and opt-out', () => {
  it('skips a resident asked within FOLLOW_UP_FATIGUE_DAYS with 200 and the reason', async () => {
    const userId = await teamsUser();
    const target = { type: 'conversation', channel: 'msteams', userId };
    expect((await post(staffDemo, followUpBody({ target }))).status).toBe(202);
    const second = await post(staffDemo, followUpBody({ target, service: 'rijbewijs' }));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'skipped', reason: 'recently-surveyed' });
  });

  it('skips a resident who answered a survey of their own accord recently', async () => {
    const userId = await teamsUser();
    const { prisma } = running.database;
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' } });
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    await prisma.response.create({
      data: {
        surveyVersionId: version.id,
        organisationId: demo.id,
        chatChannel: 'msteams',
        language: 'nl',
        source: 'self',
        status: 'completed',
        residentKey: residentKeyOf(TEST_SECRETS.HASH_SECRET, 'msteams', userId),
        conversationKey: 'c',
      },
    });
    const response = await post(staffDemo, followUpBody({ target: { type: 'conversation', channel: 'msteams', userId } }));
    expect(response.body).toMatchObject({ status: 'skipped', reason: 'recently-surveyed' });
  });

  it('does not count a skipped or failed follow-up as asking', async () => {
    const userId = await teamsUser();
    const residentKey = residentKeyOf(TEST_SECRETS.HASH_SECRET, 'msteams', userId);
    await running.database.prisma.followUpOptOut.create({ data: { residentKey } });
    const skipped = await post(staffDemo, followUpBody({ target: { type: 'conversation', channel: 'msteams', userId } }));
    expect(skipped.body).toMatchObject({ status: 'skipped', reason: 'opted-out' });
    await running.database.prisma.followUpOptOut.delete({ where: { residentKey } });
    const sent = await post(staffDemo, followUpBody({ target: { type: 'conversation', channel: 'msteams', userId } }));
    expect(sent.body).toMatchObject({ status: 'queued' });
  });
});

describe('reading follow-ups', () => {
  it('GET /api/follow-ups/{id} shows the status in the same organisation scope', async () => {
    const created = await post(staffDemo, followUpBody());
    const id = String(created.body.id);
    const read = await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staffDemo });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id,
      status: 'sent',
      organisation: 'demo',
      service: 'paspoort',
      contactChannel: 'telefoon',
      leadTimeDays: 12,
      contactCount: 2,
      language: 'pap',
      target: { type: 'link' },
      link: created.body.link,
    });
    expect((await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staffAll })).status).toBe(200);
    const foreign = await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staffBonaire });
    expect(foreign.status).toBe(403);
    expect((await call(running.url, 'GET', '/api/follow-ups/does-not-exist', { token: staffDemo })).status).toBe(404);
    expect((await call(running.url, 'GET', `/api/follow-ups/${id}`)).status).toBe(401);
  });

  it('GET /api/follow-ups lists the organisation’s latest requests, newest first', async () => {
    const bonaire = await post(staffBonaire, followUpBody({ language: 'en' }));
    const list = await call(running.url, 'GET', '/api/follow-ups?limit=5', { token: staffBonaire });
    expect(list.status).toBe(200);
    const followUps = list.body.followUps as { id: string; organisation: string }[];
    expect(followUps[0]!.id).toBe(bonaire.body.id);
    expect(followUps.every((followUp) => followUp.organisation === 'bonaire')).toBe(true);
    const tooMany = await call(running.url, 'GET', '/api/follow-ups?limit=1000', { token: staffBonaire });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ field: 'limit' });
    expect((await call(running.url, 'GET', '/api/follow-ups?organisation=demo', { token: staffBonaire })).status).toBe(403);
  });

  it('GET /api/services lists the services of the token’s organisation in three languages', async () => {
    const scoped = await call(running.url, 'GET', '/api/services', { token: staffBonaire });
    expect(scoped.status).toBe(200);
    const organisations = scoped.body.organisations as { slug: string; services: { slug: string; names: Record<string, string> }[] }[];
    expect(organisations.map((organisation) => organisation.slug)).toEqual(['bonaire']);
    expect(organisations[0]!.services.find((service) => service.slug === 'paspoort')?.names).toMatchObject({ nl: expect.any(String), pap: expect.any(String), en: expect.any(String) });
    const all = await call(running.url, 'GET', '/api/services', { token: staffAll });
    expect((all.body.organisations as { slug: string }[]).map((organisation) => organisation.slug)).toEqual(['bonaire', 'demo']);
    expect((await call(running.url, 'GET', '/api/services', { token: analyst })).status).toBe(403);
  });
});

describe('the audit log', () => {
  it('records every follow-up request with the token, and no personal data', async () => {
    const userId = await teamsUser();
    const created = await post(staffDemo, followUpBody({ target: { type: 'conversation', channel: 'msteams', userId } }), { 'Idempotency-Key': 'audited' });
    await post(staffDemo, followUpBody({ target: { type: 'conversation', channel: 'msteams', userId } }), { 'Idempotency-Key': 'audited' });
    const lines = await running.database.prisma.auditLog.findMany({ where: { subjectId: String(created.body.id) }, orderBy: { at: 'asc' } });
    expect(lines.map((line) => line.action)).toEqual(['follow-up.create', 'follow-up.replay']);
    expect(lines[0]).toMatchObject({ actor: 'staff-demo', actorTokenId: expect.any(String), subjectType: 'follow-up' });
    expect(JSON.stringify(lines)).not.toContain(userId);
  });
});
