import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isPublicAddress, webhookTargetsOf, type TResolveHost } from '../../src/webhooks/targets';
import { WebhookDeliveryWorker } from '../../src/webhooks/delivery';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { call, createToken, ManualClock } from './support';

/**
 * A resolver the test controls: no test asks a real DNS server, and none ever opens a connection outside loopback
 * (93.184.215.14 stands for "a public address" and is never connected to: nothing is delivered to it).
 */
const PUBLIC_ADDRESS = '93.184.215.14';
const zone = new Map<string, string[]>();
const lookups: string[] = [];
const resolveHost: TResolveHost = async (hostname) => {
  lookups.push(hostname);
  const addresses = zone.get(hostname);
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

let running: TTestApp;
let admin: string;
let adminDemo: string;
let demoId: string;
let receiver: { port: number; received: IncomingHttpHeaders[]; server: Server };

beforeAll(async () => {
  running = await startTestApp({ WEBHOOK_ALLOW_HTTP: 'receiver.test', WEBHOOK_ALLOWED_HOSTS: 'receiver.test' }, undefined, undefined, { resolveHost });
  admin = await createToken(running.database.prisma, 'admin');
  adminDemo = await createToken(running.database.prisma, 'admin', 'demo');
  demoId = (await running.database.prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver = { port: (server.address() as AddressInfo).port, received, server };
});
afterAll(async () => {
  await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  await running.stop();
});
beforeEach(async () => {
  await running.database.prisma.webhook.deleteMany();
  zone.clear();
  zone.set('public.example.nl', [PUBLIC_ADDRESS]);
  zone.set('localhost', ['127.0.0.1', '::1']);
  zone.set('intranet.example.nl', ['10.1.2.3']);
  zone.set('metadata.example.nl', ['169.254.169.254']);
  zone.set('split.example.nl', [PUBLIC_ADDRESS, '192.168.1.20']);
  zone.set('v6-mapped.example.nl', ['::ffff:10.0.0.1']);
  zone.set('receiver.test', ['127.0.0.1']);
  lookups.length = 0;
  receiver.received.length = 0;
});

const register = (token: string, url: string) => call(running.url, 'POST', '/api/webhooks', { token, body: { organisation: token === admin ? 'demo' : undefined, url, events: ['response.completed'] } });

describe('registering a webhook target', () => {
  it.each([
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data', 'private-address'],
    ['a private address', 'https://10.0.0.1/hook', 'private-address'],
    ['a link-local IPv6 address', 'https://[fe80::1]/hook', 'private-address'],
    ['an IPv4-mapped IPv6 form of metadata', 'https://[::ffff:a9fe:a9fe]/hook', 'private-address'],
    ['metadata written as one decimal number', 'https://2852039166/hook', 'private-address'],
    ['metadata written in hex', 'https://0xa9.0xfe.0xa9.0xfe/hook', 'private-address'],
    ["the service's own loopback port", 'https://127.0.0.1:3978/api/kpis', 'private-address'],
    ['loopback by name', 'https://localhost/hook', 'private-address'],
    ['IPv6 loopback', 'https://[::1]/hook', 'private-address'],
    ['carrier-grade NAT', 'https://100.64.0.1/hook', 'private-address'],
    ['multicast', 'https://224.0.0.1/hook', 'private-address'],
    ['the unspecified address', 'https://0.0.0.0/hook', 'private-address'],
    ['a unique-local IPv6 address', 'https://[fd12:3456::1]/hook', 'private-address'],
    ['a name for a private address', 'https://intranet.example.nl/hook', 'private-address'],
    ['a name for the metadata address', 'https://metadata.example.nl/hook', 'private-address'],
    ['a name with one private address among public ones', 'https://split.example.nl/hook', 'private-address'],
    ['a name for an IPv4-mapped private address', 'https://v6-mapped.example.nl/hook', 'private-address'],
    ['plain http to a public host', 'http://public.example.nl/hook', 'https-only'],
    ['a name that does not resolve', 'https://nowhere.example.nl/hook', 'unresolvable'],
  ])('refuses %s with a 400 naming the rule, also for an organisation-scoped admin', async (_what, url, rule) => {
    for (const token of [admin, adminDemo]) {
      const response = await register(token, url);
      expect(response.status, url).toBe(400);
      expect(response.body).toMatchObject({ code: 'webhook_target_not_allowed', field: 'url', detail: expect.stringContaining(`(${rule})`) });
    }
    expect(await running.database.prisma.webhook.count()).toBe(0);
  });

  it('accepts https to a host that resolves to public addresses only, looking it up without connecting', async () => {
    const response = await register(adminDemo, 'https://public.example.nl/hook');
    expect(response.status).toBe(201);
    expect(lookups).toEqual(['public.example.nl']);
  });

  it('lets the operator name a receiver on its own network (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOWED_HOSTS)', async () => {
    expect((await register(admin, `http://receiver.test:${receiver.port}/hook`)).status).toBe(201);
  });

  it('tells public addresses from every internal kind', () => {
    expect([PUBLIC_ADDRESS, '2a00:1450:4001:80b::200e', '::ffff:93.184.215.14'].map(isPublicAddress)).toEqual([true, true, true]);
    const internal = ['127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.0.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '64:ff9b::a9fe:a9fe', 'not an address'];
    expect(internal.filter(isPublicAddress)).toEqual([]);
  });
});

describe('delivering to a webhook target', () => {
  const worker = (clock: ManualClock) =>
    new WebhookDeliveryWorker(running.database.prisma, { encryptionKey: TEST_SECRETS.ENCRYPTION_KEY, targets: webhookTargetsOf(running.config, resolveHost), clock: clock.now });
  // Far ahead of real time, so the service's own delivery job never finds these rows due.
  const clockFor = () => new ManualClock(new Date('2099-05-04T10:00:00Z'));

  it('checks the address again at delivery: a host that resolves to loopback after registration is refused and never called', async () => {
    zone.set('flip.example.nl', [PUBLIC_ADDRESS]);
    const created = await register(admin, `https://flip.example.nl:${receiver.port}/hook`);
    expect(created.status).toBe(201);

    // The name now points at this machine, where the receiver (standing in for an internal service) listens.
    zone.set('flip.example.nl', ['127.0.0.1']);
    const clock = clockFor();
    await new WebhookPublisher(running.database.prisma, clock.now, running.database.sql).publish('response.completed', demoId, { responseId: 'r-flip' });
    expect(await worker(clock).runOnce()).toMatchObject({ delivered: 0, retried: 1 });
    expect(receiver.received).toEqual([]);

    const log = await call(running.url, 'GET', `/api/webhooks/${String(created.body.id)}/deliveries`, { token: admin });
    expect(log.body.deliveries).toEqual([expect.objectContaining({ status: 'pending', attempts: 1, responseStatus: null, lastError: 'refused: private address' })]);
  });

  it('connects to the address it checked, looking the name up once per attempt', async () => {
    const created = await register(admin, `http://receiver.test:${receiver.port}/hook`);
    expect(created.status).toBe(201);
    lookups.length = 0;
    const clock = clockFor();
    await new WebhookPublisher(running.database.prisma, clock.now, running.database.sql).publish('response.completed', demoId, { responseId: 'r-direct' });
    expect(await worker(clock).runOnce()).toMatchObject({ delivered: 1 });
    expect(lookups).toEqual(['receiver.test']);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.host).toBe(`receiver.test:${receiver.port}`);
  });

  it('refuses at delivery a plain-http target stored before the rules applied', async () => {
    const { encryptJson } = await import('../../src/privacy/crypto');
    await running.database.prisma.webhook.create({
      data: { organisationId: demoId, url: `http://127.0.0.1:${receiver.port}/old`, encryptedSecret: encryptJson(TEST_SECRETS.ENCRYPTION_KEY, 'whsec_x'), events: 'response.completed' },
    });
    const clock = clockFor();
    await new WebhookPublisher(running.database.prisma, clock.now, running.database.sql).publish('response.completed', demoId, {});
    expect(await worker(clock).runOnce()).toMatchObject({ retried: 1 });
    expect(receiver.received).toEqual([]);
    const [row] = await running.database.prisma.webhookDelivery.findMany({ where: { status: 'pending' } });
    expect(row?.lastError).toBe('refused: plain http');
  });
});
