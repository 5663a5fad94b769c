import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FollowUpGateway } from '../../src/followups/gateway';
import { startTestApp, type TTestApp } from '../support/app';
import { closeTo, wilson } from '../kpis/independent';
import { call, createToken, followUpBody } from './support';

/**
 * The response rate per delivery channel, through the API: invitations made by staff (links), sent by e-mail
 * (marked sent as the e-mail worker would) and in Teams, some started, some completed — against a recount.
 */

const MIN = 5;
let running: TTestApp;
let staff: string;
let analyst: string;
let gateway: FollowUpGateway;

interface TRateGroup {
  key: { channel: string };
  n: number | null;
  suppressed: boolean;
  reason?: string;
  sent?: number;
  started?: number;
  completed?: number;
  responseRate?: { value: number; low: number; high: number; n: number };
  startRate?: { value: number; n: number };
}

/** A link made by staff through the API; then, as the resident goes, started and completed. */
async function invite(outcome: 'sent' | 'started' | 'completed'): Promise<void> {
  const created = await call(running.url, 'POST', '/api/follow-ups', { token: staff, body: followUpBody({ language: 'nl', target: { type: 'link' } }) });
  expect(created.status).toBe(202);
  await progress(String(created.body.id), outcome);
}

async function progress(id: string, outcome: 'sent' | 'started' | 'completed'): Promise<void> {
  if (outcome !== 'sent') await gateway.markStarted(id, 'response');
  if (outcome === 'completed') await gateway.markCompleted(id);
}

/** An invitation as the e-mail, SMS or Teams worker leaves it once sent (their sending is tested elsewhere). */
async function delivered(targetType: 'email' | 'sms' | 'conversation', outcome: 'sent' | 'started' | 'completed'): Promise<void> {
  const { prisma } = running.database;
  const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  const service = await prisma.service.findFirstOrThrow({ where: { organisationId: demo.id, slug: 'paspoort' } });
  const { id } = await prisma.followUp.create({
    data: {
      organisationId: demo.id,
      surveyId: 'meethuis',
      serviceId: service.id,
      contactChannel: 'telefoon',
      targetType,
      targetChannel: targetType === 'conversation' ? 'msteams' : null,
      status: 'sent',
      sentAt: new Date(),
    },
  });
  await progress(id, outcome);
}

beforeAll(async () => {
  running = await startTestApp({ MIN_GROUP_SIZE: String(MIN), QUIET_HOURS: 'off', FOLLOW_UP_FATIGUE_DAYS: '0' });
  staff = await createToken(running.database.prisma, 'staff', 'demo');
  analyst = await createToken(running.database.prisma, 'analyst', 'demo');
  gateway = new FollowUpGateway(running.database, { hashSecret: running.config.HASH_SECRET, linkTtlHours: running.config.LINK_TTL_HOURS });
  // Links: 10 made, 6 started, 4 completed. E-mail: 8 sent, 5 started, 3 completed. SMS: 6 sent, 3 started, 2
  // completed. Teams: 2 (too few).
  for (let index = 0; index < 10; index++) await invite(index < 4 ? 'completed' : index < 6 ? 'started' : 'sent');
  for (let index = 0; index < 8; index++) await delivered('email', index < 3 ? 'completed' : index < 5 ? 'started' : 'sent');
  for (let index = 0; index < 6; index++) await delivered('sms', index < 2 ? 'completed' : index < 3 ? 'started' : 'sent');
  for (let index = 0; index < 2; index++) await delivered('conversation', 'completed');
}, 60_000);
afterAll(() => running?.stop());

describe('the response rate per delivery channel', () => {
  it('counts sent, started and completed per channel with Wilson intervals, and withholds a small channel and its complement', async () => {
    const { status, body } = await call(running.url, 'GET', '/api/kpis/response-rate?survey=meethuis', { token: analyst });
    expect(status).toBe(200);
    const groups = body.groups as TRateGroup[];
    const byChannel = new Map(groups.map((group) => [group.key.channel, group]));
    expect([...byChannel.keys()]).toEqual(['link', 'email', 'sms', 'msteams']);
    // Teams has 2 invitations: too few. SMS (6) is then the smallest shown beside it, and is withheld so that Teams
    // cannot be worked out from a total.
    expect(byChannel.get('msteams')).toEqual({ key: { channel: 'msteams' }, n: null, suppressed: true, reason: 'small' });
    expect(byChannel.get('sms')).toEqual({ key: { channel: 'sms' }, n: null, suppressed: true, reason: 'complementary' });
    expect(byChannel.get('email')).toMatchObject({ suppressed: false, sent: 8, started: 5, completed: 3 });
    const link = byChannel.get('link')!;
    expect(link).toMatchObject({ suppressed: false, sent: 10, started: 6, completed: 4 });
    const expected = wilson(4, 10);
    expect(link.responseRate!.value).toBe(40);
    expect(closeTo(link.responseRate!.low, expected.low * 100, 1)).toBe(true);
    expect(closeTo(link.responseRate!.high, expected.high * 100, 1)).toBe(true);
    expect(link.startRate).toMatchObject({ value: 60, n: 10 });
  });

  it('counts the invitations of the days asked for only, and refuses another organisation', async () => {
    const { body } = await call(running.url, 'GET', '/api/kpis/response-rate?survey=meethuis&from=2020-01-01&to=2020-12-31', { token: analyst });
    expect(body.groups).toEqual([]);
    const other = await call(running.url, 'GET', '/api/kpis/response-rate?survey=meethuis&organisation=bonaire', { token: analyst });
    expect(other.status).toBe(403);
  });
});
