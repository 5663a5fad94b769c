import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/kernel/audit';
import { FollowUpGateway } from '../../src/followups/gateway';
import { FollowUpService } from '../../src/followups/service';
import { HOUR_MS } from '../../src/followups/time';
import { TEST_SECRETS } from '../support/app';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { seedBasics } from '../support/fixtures';
import { ManualClock, storeTeamsReference } from './support';

let database: TTestDatabase;
let clock: ManualClock;
let gateway: FollowUpGateway;
let followUps: FollowUpService;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedBasics(database.prisma);
  clock = new ManualClock(new Date('2026-02-10T10:00:00Z'));
  gateway = new FollowUpGateway(database, { hashSecret: TEST_SECRETS.HASH_SECRET, linkTtlHours: 168, clock: clock.now });
  followUps = new FollowUpService(database.prisma, {
    hashSecret: TEST_SECRETS.HASH_SECRET,
    publicUrl: 'https://enkete.example.nl',
    fatigueDays: 30,
    quietHours: null,
    linkTtlHours: 168,
    clock: clock.now,
  });
});
afterAll(() => database.destroy());
beforeEach(() => clock.set('2026-02-10T10:00:00Z'));

async function newLink(language: 'nl' | 'pap' | 'en' = 'pap') {
  const { followUp } = await followUps.create(CLI_ACTOR, {
    survey: 'meethuis',
    organisation: 'demo',
    service: 'rijbewijs',
    contactChannel: 'brief',
    leadTimeDays: 0,
    language,
    target: { type: 'link' },
  });
  return { id: followUp.id, token: new URL(followUp.link!).searchParams.get('link')! };
}

const status = async (id: string) => (await database.prisma.followUp.findUniqueOrThrow({ where: { id } })).status;

describe('one-time links', () => {
  it('are claimed once, with the follow-up’s process data for the bot', async () => {
    const { id, token } = await newLink();
    const claim = await gateway.claimLink(token, 'resident-a');
    expect(claim).toEqual({
      ok: true,
      followUp: expect.objectContaining({ followUpId: id, surveyId: 'meethuis', serviceSlug: 'rijbewijs', contactChannel: 'brief', leadTimeDays: 0, contactCount: null, language: 'pap' }),
    });
    expect(await gateway.claimLink(token, 'resident-b')).toEqual({ ok: false, reason: 'used' });
  });

  it('let the same resident come back to their link (a reload, a retried turn) while the survey is open', async () => {
    const { id, token } = await newLink();
    expect((await gateway.claimLink(token, 'resident-a')).ok).toBe(true);
    expect((await gateway.claimLink(token, 'resident-a')).ok).toBe(true);
    await gateway.markStarted(id, 'response-1');
    expect((await gateway.claimLink(token, 'resident-a')).ok).toBe(true);
    await gateway.markCompleted(id);
    expect(await gateway.claimLink(token, 'resident-a')).toEqual({ ok: false, reason: 'used' });
  });

  it('answer "expired" after LINK_TTL_HOURS, and the follow-up reads expired too', async () => {
    const { id, token } = await newLink();
    clock.advance(168 * HOUR_MS);
    expect(await gateway.claimLink(token, 'resident-a')).toEqual({ ok: false, reason: 'expired' });
    expect(await status(id)).toBe('expired');
    expect(await gateway.claimLink(token, 'resident-a')).toEqual({ ok: false, reason: 'expired' });
  });

  it('answer "unknown" for a token that was never issued or is malformed', async () => {
    expect(await gateway.claimLink('A'.repeat(43), 'resident-a')).toEqual({ ok: false, reason: 'unknown' });
    expect(await gateway.claimLink('short', 'resident-a')).toEqual({ ok: false, reason: 'unknown' });
    expect(await gateway.claimLink("'; drop table --", 'resident-a')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('go to exactly one of many residents claiming at once', async () => {
    const { token } = await newLink();
    const claims = await Promise.all(Array.from({ length: 8 }, (_, index) => gateway.claimLink(token, `racer-${index}`)));
    expect(claims.filter((claim) => claim.ok)).toHaveLength(1);
    expect(claims.filter((claim) => !claim.ok).every((claim) => !claim.ok && claim.reason === 'used')).toBe(true);
  });
});

describe('status from the bot', () => {
  it('moves a follow-up from sent to started to completed', async () => {
    const { id, token } = await newLink();
    await gateway.claimLink(token, 'resident-s');
    await gateway.markStarted(id, 'response-s');
    const started = await database.prisma.followUp.findUniqueOrThrow({ where: { id } });
    expect(started).toMatchObject({ status: 'started', startedAt: clock.now() });
    clock.advance(60_000);
    await gateway.markCompleted(id);
    expect(await database.prisma.followUp.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'completed', completedAt: clock.now() });
    // A late or repeated call changes nothing.
    await gateway.markStarted(id, 'response-s');
    expect(await status(id)).toBe('completed');
  });
});

describe('the invitation waiting in a chat', () => {
  it('is found by channel and resident key while fresh, and no longer once started or stale', async () => {
    const residentKey = await storeTeamsReference(database.prisma, '29:pending-user');
    const { followUp } = await followUps.create(CLI_ACTOR, {
      survey: 'meethuis',
      organisation: 'demo',
      service: 'paspoort',
      contactChannel: 'telefoon',
      target: { type: 'conversation', channel: 'msteams', userId: '29:pending-user' },
    });
    expect(await gateway.pendingFor('msteams', residentKey)).toBeNull();
    await database.prisma.followUp.update({ where: { id: followUp.id }, data: { status: 'sent', sentAt: clock.now() } });
    expect(await gateway.pendingFor('msteams', residentKey)).toMatchObject({ followUpId: followUp.id, serviceSlug: 'paspoort' });
    expect(await gateway.pendingFor('webchat', residentKey)).toBeNull();
    clock.advance(168 * HOUR_MS);
    expect(await gateway.pendingFor('msteams', residentKey)).toBeNull();
  });
});

describe('opting out', () => {
  it('is recorded once, and cancels what was still waiting for that resident', async () => {
    const residentKey = await storeTeamsReference(database.prisma, '29:leave-me-alone');
    const { followUp } = await followUps.create(CLI_ACTOR, {
      survey: 'meethuis',
      organisation: 'demo',
      service: 'paspoort',
      contactChannel: 'telefoon',
      target: { type: 'conversation', channel: 'msteams', userId: '29:leave-me-alone' },
    });
    expect(followUp.status).toBe('queued');
    await Promise.all([gateway.optOut(residentKey), gateway.optOut(residentKey)]);
    expect(await database.prisma.followUpOptOut.count({ where: { residentKey } })).toBe(1);
    expect(await database.prisma.followUp.findUniqueOrThrow({ where: { id: followUp.id } })).toMatchObject({ status: 'skipped', reason: 'opted-out' });
    const again = await followUps.create(CLI_ACTOR, {
      survey: 'meethuis',
      organisation: 'demo',
      service: 'rijbewijs',
      contactChannel: 'telefoon',
      target: { type: 'conversation', channel: 'msteams', userId: '29:leave-me-alone' },
    });
    expect(again.followUp).toMatchObject({ status: 'skipped', reason: 'opted-out' });
  });
});
