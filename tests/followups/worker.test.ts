import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TProactiveSender, TFollowUpStart } from '../../src/followups/contract';
import { openDatabase, type TDatabase } from '../../src/db/client';
import { CLI_ACTOR } from '../../src/kernel/audit';
import { FollowUpGateway } from '../../src/followups/gateway';
import type { TFollowUpRequest } from '../../src/followups/model';
import { FollowUpService } from '../../src/followups/service';
import { HOUR_MS, parseQuietHours } from '../../src/followups/time';
import { FollowUpWorker, type TFollowUpWorkerOptions } from '../../src/followups/worker';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { TEST_SECRETS } from '../support/app';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { seedBasics } from '../support/fixtures';
import { ManualClock, storeTeamsReference } from './support';

/**
 * A stand-in for the channel's proactive sender (the collaborator the worker hands messages to): it records what it
 * was asked to send and fails while told to, as a channel that is down would.
 */
class RecordingSender implements TProactiveSender {
  readonly sent: { channel: string; residentKey: string; followUp: TFollowUpStart }[] = [];
  failures = 0;
  delayMs = 0;
  async sendFollowUp(channel: string, residentKey: string, followUp: TFollowUpStart): Promise<void> {
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('connector answered 503');
    }
    this.sent.push({ channel, residentKey, followUp });
  }
}

const QUIET = parseQuietHours('21-8');
let database: TTestDatabase;
let clock: ManualClock;
let sender: RecordingSender;
let basics: Awaited<ReturnType<typeof seedBasics>>;

beforeEach(async () => {
  database = await createTestDatabase();
  basics = await seedBasics(database.prisma);
  // A Thursday afternoon in Amsterdam (13:00 local).
  clock = new ManualClock(new Date('2026-01-15T12:00:00Z'));
  sender = new RecordingSender();
});
afterEach(async () => {
  await database.destroy();
});

function service(quietHours = QUIET) {
  return new FollowUpService(database.prisma, {
    hashSecret: TEST_SECRETS.HASH_SECRET,
    publicUrl: 'http://localhost:3978',
    fatigueDays: 30,
    quietHours,
    linkTtlHours: 168,
    clock: clock.now,
  });
}

function worker(options: Partial<TFollowUpWorkerOptions> = {}, prisma = database.prisma) {
  return new FollowUpWorker(prisma, sender, new WebhookPublisher(prisma, clock.now), { quietHours: QUIET, linkTtlHours: 168, clock: clock.now, ...options });
}

let users = 0;
async function teamsFollowUp(overrides: Partial<TFollowUpRequest> = {}, quietHours = QUIET) {
  const userId = `29:resident-${++users}`;
  const residentKey = await storeTeamsReference(database.prisma, userId);
  const request: TFollowUpRequest = {
    survey: 'meethuis',
    organisation: 'demo',
    service: 'paspoort',
    contactChannel: 'balie',
    leadTimeDays: 9,
    contactCount: 3,
    language: 'nl',
    target: { type: 'conversation', channel: 'msteams', userId },
    ...overrides,
  };
  const { followUp } = await service(quietHours).create(CLI_ACTOR, request);
  return { ...followUp, residentKey };
}

const row = (id: string) => database.prisma.followUp.findUniqueOrThrow({ where: { id } });

describe('the follow-up worker', () => {
  it('sends a queued follow-up once, with its process data, and marks it sent', async () => {
    const followUp = await teamsFollowUp();
    expect(followUp.status).toBe('queued');
    expect(await worker().runOnce()).toMatchObject({ sent: 1 });
    expect(await worker().runOnce()).toMatchObject({ sent: 0 });
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]).toMatchObject({
      channel: 'msteams',
      residentKey: followUp.residentKey,
      followUp: {
        followUpId: followUp.id,
        surveyId: 'meethuis',
        organisationId: basics.demo.id,
        serviceId: basics.paspoort.id,
        serviceSlug: 'paspoort',
        contactChannel: 'balie',
        leadTimeDays: 9,
        contactCount: 3,
        language: 'nl',
      },
    });
    expect(await row(followUp.id)).toMatchObject({ status: 'sent', attempts: 1, sentAt: clock.now(), lockedUntil: null });
  });

  it('defers a request made in quiet hours to their end in the organisation’s zone, then sends it', async () => {
    clock.set('2026-01-15T20:30:00Z'); // 21:30 in Amsterdam
    const followUp = await teamsFollowUp();
    expect(followUp).toMatchObject({ status: 'deferred', nextAttemptAt: '2026-01-16T07:00:00.000Z' });
    clock.set('2026-01-16T06:59:00Z');
    expect(await worker().runOnce()).toMatchObject({ sent: 0 });
    clock.set('2026-01-16T07:00:00Z');
    expect(await worker().runOnce()).toMatchObject({ sent: 1 });
    expect(await row(followUp.id)).toMatchObject({ status: 'sent' });
  });

  it('defers a queued message whose turn comes in quiet hours (Bonaire time), never dropping it', async () => {
    // 15:00 in Bonaire when requested; the channel is down until the evening.
    clock.set('2026-01-15T19:00:00Z');
    const followUp = await teamsFollowUp({ organisation: 'bonaire' });
    expect(followUp.status).toBe('queued');
    clock.set('2026-01-16T01:30:00Z'); // 21:30 in Bonaire
    expect(await worker().runOnce()).toMatchObject({ deferred: 1, sent: 0 });
    expect(await row(followUp.id)).toMatchObject({ status: 'deferred', nextAttemptAt: new Date('2026-01-16T12:00:00Z') });
    clock.set('2026-01-16T12:00:00Z');
    expect(await worker().runOnce()).toMatchObject({ sent: 1 });
  });

  it('lets two replicas racing over the same rows send each follow-up exactly once', async () => {
    const created = await Promise.all(Array.from({ length: 12 }, () => teamsFollowUp()));
    sender.delayMs = 5;
    const second: TDatabase = openDatabase(database.url);
    try {
      const results = await Promise.all([worker().runOnce(), worker({}, second.prisma).runOnce(), worker().runOnce(), worker({}, second.prisma).runOnce()]);
      expect(results.reduce((sum, run) => sum + run.sent, 0)).toBe(12);
    } finally {
      await second.close();
    }
    const ids = sender.sent.map((sent) => sent.followUp.followUpId).sort();
    expect(ids).toEqual(created.map((followUp) => followUp.id).sort());
  });

  it('retries a failing channel with exponential back-off', async () => {
    const followUp = await teamsFollowUp();
    sender.failures = 2;
    const run = () => worker({ maxAttempts: 5, backoffBaseMs: 60_000 }).runOnce();
    expect(await run()).toMatchObject({ retried: 1 });
    expect(await row(followUp.id)).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAt: new Date(clock.now().getTime() + 60_000), lastError: 'Error: connector answered 503' });
    clock.advance(59_000);
    expect(await run()).toMatchObject({ retried: 0, sent: 0 });
    clock.advance(1_000);
    expect(await run()).toMatchObject({ retried: 1 });
    expect((await row(followUp.id)).nextAttemptAt).toEqual(new Date(clock.now().getTime() + 120_000));
    clock.advance(120_000);
    expect(await run()).toMatchObject({ sent: 1 });
    expect(await row(followUp.id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
  });

  it('marks a follow-up failed after the last attempt and raises follow-up.failed once', async () => {
    await database.prisma.webhook.create({
      data: { organisationId: basics.demo.id, url: 'http://127.0.0.1:9/hook', encryptedSecret: 'x', events: 'follow-up.failed,callback.requested' },
    });
    const followUp = await teamsFollowUp();
    sender.failures = 100;
    for (let attempt = 1; attempt <= 3; attempt++) {
      await worker({ maxAttempts: 3, backoffBaseMs: 1000 }).runOnce();
      clock.advance(10_000);
    }
    expect(await row(followUp.id)).toMatchObject({ status: 'failed', reason: 'channel-failed', attempts: 3 });
    expect(await worker({ maxAttempts: 3 }).runOnce()).toMatchObject({ failed: 0, retried: 0 });
    const deliveries = await database.prisma.webhookDelivery.findMany();
    expect(deliveries).toHaveLength(1);
    const body = JSON.parse(deliveries[0]!.payload) as Record<string, unknown>;
    expect(body).toMatchObject({ event: 'follow-up.failed', organisation: 'demo', data: { followUpId: followUp.id, attempts: 3, service: 'paspoort' } });
    expect(deliveries[0]!.payload).not.toContain(followUp.residentKey);
  });

  it('does not send to a resident who opted out after the request was accepted', async () => {
    const followUp = await teamsFollowUp();
    await database.prisma.followUpOptOut.create({ data: { residentKey: followUp.residentKey } });
    expect(await worker().runOnce()).toMatchObject({ skipped: 1, sent: 0 });
    expect(await row(followUp.id)).toMatchObject({ status: 'skipped', reason: 'opted-out' });
  });

  it('keeps "started" when the resident answered before the worker recorded the send', async () => {
    const followUp = await teamsFollowUp();
    const gateway = new FollowUpGateway(database, { hashSecret: TEST_SECRETS.HASH_SECRET, linkTtlHours: 168, clock: clock.now });
    const eager: TProactiveSender = { sendFollowUp: async (_channel, _key, start) => gateway.markStarted(start.followUpId, 'response-1') };
    await new FollowUpWorker(database.prisma, eager, new WebhookPublisher(database.prisma, clock.now), { quietHours: null, linkTtlHours: 168, clock: clock.now }).runOnce();
    expect(await row(followUp.id)).toMatchObject({ status: 'started', attempts: 1, lockedUntil: null, sentAt: clock.now() });
  });

  it('expires links and chat invitations nobody took up within LINK_TTL_HOURS', async () => {
    const link = (await service().create(CLI_ACTOR, { survey: 'meethuis', organisation: 'demo', service: 'afval', contactChannel: 'website', target: { type: 'link' } })).followUp;
    const chat = await teamsFollowUp();
    await worker().runOnce();
    clock.advance(168 * HOUR_MS - 1000);
    expect(await worker().expire()).toBe(0);
    clock.advance(1000);
    expect(await worker().expire()).toBe(2);
    expect(await row(link.id)).toMatchObject({ status: 'expired' });
    expect(await row(chat.id)).toMatchObject({ status: 'expired' });
  });
});
