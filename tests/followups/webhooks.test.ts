import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebhookDeliveryWorker } from '../../src/webhooks/delivery';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signatureHeaders, verifyLegacySignature } from '../../src/webhooks/signature';
import { webhookTargetsOf } from '../../src/webhooks/targets';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { call, createToken, ManualClock } from './support';

interface TReceived {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The organisation's system: a loopback HTTP server that records what arrives and answers as told. */
async function startReceiver() {
  const received: TReceived[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answers.shift() ?? 200;
      res.writeHead(status, status === 302 ? { Location: 'http://127.0.0.1:9/elsewhere' } : {});
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/meethuis`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let running: TTestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: string;
let adminDemo: string;
let adminBonaire: string;
let staff: string;
let demoId: string;

beforeAll(async () => {
  // The organisation's system is a receiver on this machine, over plain http: the operator allows exactly that.
  running = await startTestApp({ WEBHOOK_ALLOW_HTTP: '127.0.0.1', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
  receiver = await startReceiver();
  const { prisma } = running.database;
  admin = await createToken(prisma, 'admin');
  adminDemo = await createToken(prisma, 'admin', 'demo');
  adminBonaire = await createToken(prisma, 'admin', 'bonaire');
  staff = await createToken(prisma, 'staff', 'demo');
  demoId = (await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
});
afterAll(async () => {
  await receiver.close();
  await running.stop();
});
beforeEach(async () => {
  await running.database.prisma.webhook.deleteMany();
  receiver.received.length = 0;
  receiver.answers.length = 0;
});

const register = (token: string, body: unknown) => call(running.url, 'POST', '/api/webhooks', { token, body });

describe('registering webhooks', () => {
  it('gives the admin the signing secret once, and never again', async () => {
    const created = await register(admin, { organisation: 'demo', url: receiver.url, events: ['response.completed', 'callback.requested'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), organisation: 'demo', url: receiver.url, events: ['response.completed', 'callback.requested'], active: true, secret: expect.stringMatching(/^whsec_/) });
    const stored = await running.database.prisma.webhook.findUniqueOrThrow({ where: { id: String(created.body.id) } });
    expect(stored.encryptedSecret).not.toContain(String(created.body.secret));
    const list = await call(running.url, 'GET', '/api/webhooks', { token: admin });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(String(created.body.secret));
    expect(await running.database.prisma.auditLog.count({ where: { action: 'webhook.create', subjectId: String(created.body.id) } })).toBe(1);
  });

  it.each([
    ['an ftp URL', { url: 'ftp://crm.example.org/x' }, 'url'],
    ['a URL with credentials', { url: 'https://user:pw@crm.example.org/x' }, 'url'],
    ['an unknown event', { events: ['response.deleted'] }, 'events.0'],
    ['no events', { events: [] }, 'events'],
  ])('answers 400 naming the field for %s', async (_what, override, field) => {
    const response = await register(admin, { organisation: 'demo', url: receiver.url, events: ['response.completed'], ...override });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ field });
  });

  it('is for admins, each within their own organisation', async () => {
    expect((await register(staff, { url: receiver.url, events: ['response.completed'] })).status).toBe(403);
    expect((await register(adminBonaire, { organisation: 'demo', url: receiver.url, events: ['response.completed'] })).status).toBe(403);
    const own = await register(adminDemo, { url: receiver.url, events: ['response.completed'] });
    expect(own.status).toBe(201);
    expect((await call(running.url, 'DELETE', `/api/webhooks/${String(own.body.id)}`, { token: adminBonaire })).status).toBe(403);
    expect((await call(running.url, 'GET', `/api/webhooks/${String(own.body.id)}/deliveries`, { token: adminBonaire })).status).toBe(403);
    const bonaireList = await call(running.url, 'GET', '/api/webhooks', { token: adminBonaire });
    expect(bonaireList.body).toEqual({ webhooks: [] });
    expect((await call(running.url, 'DELETE', `/api/webhooks/${String(own.body.id)}`, { token: adminDemo })).status).toBe(204);
    expect((await call(running.url, 'GET', '/api/webhooks', { token: adminDemo })).body).toEqual({ webhooks: [] });
  });
});

describe('a webhook for every organisation', () => {
  it('is registered with "*" by an admin of every organisation only, and listed apart', async () => {
    expect((await register(adminDemo, { organisation: '*', url: receiver.url, events: ['response.completed'] })).status).toBe(403);
    const created = await register(admin, { organisation: '*', url: receiver.url, events: ['response.completed'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ organisation: null, events: ['response.completed'] });
    const ownOfDemo = await register(adminDemo, { url: receiver.url, events: ['response.completed'] });

    const everyOrganisation = await call(running.url, 'GET', '/api/webhooks?organisation=*', { token: admin });
    const ids = (list: unknown) => (list as Array<{ id: string }>).map((hook) => hook.id);
    expect(ids(everyOrganisation.body.webhooks)).toEqual([created.body.id]);
    const demo = await call(running.url, 'GET', '/api/webhooks?organisation=demo', { token: admin });
    expect(ids(demo.body.webhooks)).toEqual([ownOfDemo.body.id]);
    // A municipality's admin neither sees nor removes the webhook of every organisation.
    expect((await call(running.url, 'GET', '/api/webhooks', { token: adminDemo })).body.webhooks).toHaveLength(1);
    expect((await call(running.url, 'DELETE', `/api/webhooks/${String(created.body.id)}`, { token: adminDemo })).status).toBe(403);
    expect(await running.database.prisma.auditLog.count({ where: { action: 'webhook.create', subjectId: String(created.body.id), organisationId: null } })).toBe(1);
  });

  it('hears the events of each organisation, each named in its body', async () => {
    await register(admin, { organisation: '*', url: receiver.url, events: ['response.completed'] });
    const bonaireId = (await running.database.prisma.organisation.findUniqueOrThrow({ where: { slug: 'bonaire' } })).id;
    const clock = new ManualClock(new Date('2099-03-02T10:00:00Z'));
    const publisher = new WebhookPublisher(running.database.prisma, clock.now, running.database.sql);
    await publisher.publish('response.completed', demoId, { responseId: 'r-demo' });
    await publisher.publish('response.completed', bonaireId, { responseId: 'r-bonaire' });
    const worker = new WebhookDeliveryWorker(running.database.prisma, {
      encryptionKey: TEST_SECRETS.ENCRYPTION_KEY,
      targets: webhookTargetsOf(running.config),
      clock: clock.now,
      backoffBaseMs: 30_000,
      maxAttempts: 3,
    });
    expect(await worker.runOnce()).toEqual({ delivered: 2, retried: 0, failed: 0 });
    const bodies = receiver.received.map((request) => JSON.parse(request.body) as { organisation: string; data: { responseId: string } });
    expect(bodies.map((body) => [body.organisation, body.data.responseId]).sort()).toEqual([
      ['bonaire', 'r-bonaire'],
      ['demo', 'r-demo'],
    ]);
  });
});

describe('Standard Webhooks signatures', () => {
  const standardHeaders = (headers: Record<string, string | string[] | undefined>) => ({
    'webhook-id': String(headers['webhook-id']),
    'webhook-timestamp': String(headers['webhook-timestamp']),
    'webhook-signature': String(headers['webhook-signature']),
  });

  it('are verified by the standardwebhooks library with the secret the admin was shown, and a replay later is refused', async () => {
    const created = await register(admin, { organisation: 'demo', url: receiver.url, events: ['response.completed'] });
    const secret = String(created.body.secret);
    // The real clock: a receiver compares the timestamp with its own.
    const sentAt = new Date();
    const worker = new WebhookDeliveryWorker(running.database.prisma, { encryptionKey: TEST_SECRETS.ENCRYPTION_KEY, targets: webhookTargetsOf(running.config), clock: () => sentAt });
    await new WebhookPublisher(running.database.prisma, () => sentAt, running.database.sql).publish('response.completed', demoId, { responseId: 'r-std', survey: 'meethuis' });
    const before = receiver.received.length;
    await worker.runOnce();
    const delivery = receiver.received.slice(before).find((request) => request.body.includes('r-std'))!;
    const receiverSide = new Webhook(secret);
    expect(receiverSide.verify(delivery.body, standardHeaders(delivery.headers))).toMatchObject({ event: 'response.completed', data: { responseId: 'r-std' } });
    // Another secret, a changed body, or the same delivery presented six minutes later: refused.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(delivery.body, standardHeaders(delivery.headers))).toThrow(WebhookVerificationError);
    expect(() => receiverSide.verify(delivery.body.replace('r-std', 'r-xxx'), standardHeaders(delivery.headers))).toThrow(WebhookVerificationError);
    vi.useFakeTimers({ toFake: ['Date'], now: sentAt.getTime() + 6 * 60_000 });
    try {
      expect(() => receiverSide.verify(delivery.body, standardHeaders(delivery.headers))).toThrow(/too old/i);
    } finally {
      vi.useRealTimers();
    }
  });

  it('signs a secret shown before the standard format (base64url) with the same key bytes', async () => {
    const old = `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`;
    expect(old).toMatch(/[-_]/);
    const at = new Date();
    const headers = signatureHeaders(old, 'delivery-1', at, '{"a":1}');
    const standard = `whsec_${Buffer.alloc(32, 0xfb).toString('base64')}`;
    expect(new Webhook(standard).verify('{"a":1}', standardHeaders(headers))).toEqual({ a: 1 });
  });
});

describe('delivering events', () => {
  // The clock is far ahead of real time, so the service's own delivery job (on the real clock) never finds these
  // rows due and the test's worker is the only one sending.
  const worker = (clock: ManualClock) =>
    new WebhookDeliveryWorker(running.database.prisma, {
      encryptionKey: TEST_SECRETS.ENCRYPTION_KEY,
      targets: webhookTargetsOf(running.config),
      clock: clock.now,
      backoffBaseMs: 30_000,
      maxAttempts: 3,
    });

  it('POSTs the event with a signature the receiver can verify over the raw body', async () => {
    const created = await register(admin, { organisation: 'demo', url: receiver.url, events: ['response.completed'] });
    const secret = String(created.body.secret);
    const clock = new ManualClock(new Date('2099-03-02T10:00:00Z'));
    const publisher = new WebhookPublisher(running.database.prisma, clock.now, running.database.sql);
    await publisher.publish('response.completed', demoId, { responseId: 'r-1', survey: 'meethuis' });
    await publisher.publish('callback.requested', demoId, { callbackId: 'not subscribed' });

    expect(await worker(clock).runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(verifyLegacySignature(secret, delivery!.body, String(delivery!.headers['x-meethuis-signature']))).toBe(true);
    expect(verifyLegacySignature('whsec_wrong', delivery!.body, String(delivery!.headers['x-meethuis-signature']))).toBe(false);
    expect(verifyLegacySignature(secret, `${delivery!.body} `, String(delivery!.headers['x-meethuis-signature']))).toBe(false);
    expect(delivery!.headers['x-meethuis-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(delivery!.headers['webhook-id']).toBe(delivery!.headers['x-meethuis-delivery']);
    expect(delivery!.headers['x-meethuis-event']).toBe('response.completed');
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(delivery!.body)).toEqual({
      id: delivery!.headers['x-meethuis-delivery'],
      event: 'response.completed',
      organisation: 'demo',
      occurredAt: '2099-03-02T10:00:00.000Z',
      data: { responseId: 'r-1', survey: 'meethuis' },
    });

    const log = await call(running.url, 'GET', `/api/webhooks/${String(created.body.id)}/deliveries`, { token: admin });
    expect(log.body.deliveries).toEqual([expect.objectContaining({ event: 'response.completed', status: 'delivered', attempts: 1, responseStatus: 200 })]);
  });

  it('retries a failing receiver with back-off from the database queue, then marks the delivery failed', async () => {
    const created = await register(admin, { organisation: 'demo', url: receiver.url, events: ['follow-up.failed'] });
    const clock = new ManualClock(new Date('2099-03-02T10:00:00Z'));
    await new WebhookPublisher(running.database.prisma, clock.now, running.database.sql).publish('follow-up.failed', demoId, { followUpId: 'f-1' });
    receiver.answers.push(500, 302, 503);

    expect(await worker(clock).runOnce()).toMatchObject({ retried: 1 });
    clock.advance(29_000);
    expect(await worker(clock).runOnce()).toMatchObject({ retried: 0, delivered: 0 });
    clock.advance(1_000);
    // A redirect is not followed: the admin registered this URL, not wherever it points.
    expect(await worker(clock).runOnce()).toMatchObject({ retried: 1 });
    clock.advance(60_000);
    expect(await worker(clock).runOnce()).toMatchObject({ failed: 1 });
    expect(receiver.received).toHaveLength(3);
    // Every attempt signs the same bytes.
    expect(new Set(receiver.received.map((request) => request.body)).size).toBe(1);

    const log = await call(running.url, 'GET', `/api/webhooks/${String(created.body.id)}/deliveries`, { token: admin });
    expect(log.body.deliveries).toEqual([expect.objectContaining({ status: 'failed', attempts: 3, responseStatus: 503, lastError: 'HTTP 503', nextAttemptAt: null })]);
  });

  it.each([
    ['looked up directly (a resident turn)', () => new WebhookPublisher(running.database.prisma, undefined, running.database.sql)],
    ['looked up through Prisma (inside a transaction)', () => new WebhookPublisher(running.database.prisma)],
  ])('queues an event for the organisation and the all-organisations webhooks only, %s', async (_how, publisher) => {
    const { prisma } = running.database;
    const bonaireId = (await prisma.organisation.findUniqueOrThrow({ where: { slug: 'bonaire' } })).id;
    const hook = (url: string, data: { organisationId: string | null; events: string; active?: boolean }) =>
      prisma.webhook.create({ data: { url, encryptedSecret: 'unused-here', ...data }, select: { id: true } });
    const own = await hook('https://crm.example.org/own', { organisationId: demoId, events: 'callback.requested,response.completed' });
    const everyone = await hook('https://crm.example.org/all', { organisationId: null, events: 'response.completed' });
    await hook('https://crm.example.org/other', { organisationId: bonaireId, events: 'response.completed' });
    await hook('https://crm.example.org/paused', { organisationId: demoId, events: 'response.completed', active: false });
    await hook('https://crm.example.org/unsubscribed', { organisationId: demoId, events: 'callback.requested' });

    await publisher().publish('response.completed', demoId, { responseId: 'r-which' });
    const queued = await prisma.webhookDelivery.findMany({ where: { payload: { contains: 'r-which' } }, select: { webhookId: true } });
    expect(queued.map((row) => row.webhookId).sort()).toEqual([own.id, everyone.id].sort());
    await prisma.webhookDelivery.deleteMany({ where: { payload: { contains: 'r-which' } } });
  });

  it('counts a receiver that is down as a failed attempt', async () => {
    await running.database.prisma.webhook.create({
      data: { organisationId: demoId, url: 'http://127.0.0.1:9/closed', encryptedSecret: (await import('../../src/privacy/crypto')).encryptJson(TEST_SECRETS.ENCRYPTION_KEY, 'whsec_x'), events: 'response.completed' },
    });
    const clock = new ManualClock(new Date('2099-03-02T10:00:00Z'));
    await new WebhookPublisher(running.database.prisma, clock.now, running.database.sql).publish('response.completed', demoId, {});
    expect(await worker(clock).runOnce()).toMatchObject({ retried: 1 });
    const [row] = await running.database.prisma.webhookDelivery.findMany({ where: { status: 'pending' } });
    expect(row).toMatchObject({ attempts: 1, responseStatus: null, lastError: expect.stringMatching(/ECONNREFUSED/) });
  });
});
