import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentKeyOf } from '../../src/privacy/residentKeys';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { startConnectorStub } from '../channels/support';
import { TeamsResident, textsOf } from '../support/teams';
import { call, createToken } from './support';

const { chat } = textsOf('en');

const AAD_OBJECT_ID = '5a4b3c2d-0000-4000-8000-00000000beef';

let running: TTestApp;
let stub: Awaited<ReturnType<typeof startConnectorStub>>;
beforeAll(async () => {
  stub = await startConnectorStub();
  // Loopback allowed as a serviceUrl (PostgreSQL is not the embedded mode); quiet hours off so the test does not
  // depend on the hour it runs at (the worker's quiet hours have tests of their own on an injected clock).
  running = await startTestApp({ SERVICE_URL_ALLOWLIST: '127.0.0.1', QUIET_HOURS: 'off', WEBHOOK_ALLOW_HTTP: '127.0.0.1', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
});
afterAll(async () => {
  await running?.stop();
  await stub?.close();
});

/**
 * The follow-up end to end: a Teams-shaped conversation establishes a reference; a staff token triggers a follow-up;
 * the proactive message arrives at the loopback serviceUrl; the resident answers; the stored response carries the
 * process data; the status reads completed. All through the real service: the SurveyBot, CloudAdapter, the queue
 * worker on its own schedule.
 */
describe('a follow-up survey in Microsoft Teams, end to end', () => {
  it('reaches the resident proactively, and the completed response carries the process data', { timeout: 90_000 }, async () => {
    const { prisma } = running.database;
    const resident = new TeamsResident(stub, 'nl-NL', '1follow-up-resident', AAD_OBJECT_ID);
    const fromTeams = async (activity: Record<string, unknown>) => {
      const sent = await resident.send(running.url, activity);
      expect(sent.status).toBe(200);
      return sent.bodies;
    };
    await resident.open(running.url);
    const residentKey = residentKeyOf(TEST_SECRETS.HASH_SECRET, 'msteams', resident.user.id);
    expect(await prisma.conversationReference.count({ where: { channel: 'msteams', residentKey } })).toBe(1);

    const admin = await createToken(prisma, 'admin', 'demo');
    const hook = await call(running.url, 'POST', '/api/webhooks', { token: admin, body: { url: 'http://127.0.0.1:9/crm', events: ['response.completed'] } });
    expect(hook.status).toBe(201);

    const staff = await createToken(prisma, 'staff', 'demo');
    const created = await call(running.url, 'POST', '/api/follow-ups', {
      token: staff,
      headers: { 'Idempotency-Key': 'kcc-ticket-1' },
      // Staff know the resident by their AAD object id here; the stored reference finds the Teams user.
      body: { survey: 'meethuis', service: 'paspoort', contactChannel: 'telefoon', leadTimeDays: 12, contactCount: 3, language: 'en', target: { type: 'conversation', channel: 'msteams', userId: AAD_OBJECT_ID } },
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'queued' });
    const id = String(created.body.id);

    // The worker runs on its own schedule (every few seconds) on this replica.
    await expect.poll(() => resident.proactive().length, { timeout: 30_000, interval: 250 }).toBeGreaterThan(0);
    const invitation = resident.proactive().at(-1)!;
    expect(invitation).toMatchObject({ type: 'message', text: chat.followUp!.invitation!.replace('{{service}}', 'passport or ID card'), recipient: { id: resident.user.id } });
    await expect.poll(async () => (await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body.status).toBe('sent');
    // A retry of the staff request returns the same follow-up and sends nothing more.
    const retried = await call(running.url, 'POST', '/api/follow-ups', {
      token: staff,
      headers: { 'Idempotency-Key': 'kcc-ticket-1' },
      body: { survey: 'meethuis', service: 'paspoort', contactChannel: 'telefoon', leadTimeDays: 12, contactCount: 3, language: 'en', target: { type: 'conversation', channel: 'msteams', userId: AAD_OBJECT_ID } },
    });
    expect(retried.body.id).toBe(id);

    // The resident says yes and answers every question (4 on each scale, the open question skipped).
    let reply = await fromTeams({ type: 'message', text: chat.buttons!.yes });
    expect(reply[0]).toMatchObject({ text: chat.privacy!.notice });
    expect((await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body.status).toBe('started');
    for (let turn = 0; turn < 20 && reply.at(-1)?.text !== chat.closing!.thanks; turn++) {
      const hasButtons = Array.isArray((reply.at(-1)?.suggestedActions as { actions?: unknown[] } | undefined)?.actions);
      reply = await fromTeams({ type: 'message', text: hasButtons ? '4' : 'skip' });
    }
    expect(reply.at(-1)).toMatchObject({ text: chat.closing!.thanks });
    expect(resident.proactive()).toHaveLength(1);

    const response = await prisma.response.findUniqueOrThrow({ where: { followUpId: id }, include: { service: true, answers: true } });
    expect(response).toMatchObject({
      source: 'follow-up',
      status: 'completed',
      chatChannel: 'msteams',
      language: 'en',
      contactChannel: 'telefoon',
      leadTimeDays: 12,
      contactCount: 3,
      residentKey,
    });
    expect(response.service?.slug).toBe('paspoort');
    expect(response.answers.find((answer) => answer.questionKey === 'satisfaction')?.value).toBe(4);

    const status = await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff });
    expect(status.body).toMatchObject({ id, status: 'completed', completedAt: expect.any(String), attempts: 1 });

    // The organisation's system hears of it (queued for the delivery worker), and the resident is not asked again soon.
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: String(hook.body.id) } });
    expect(JSON.parse(delivery.payload)).toMatchObject({ event: 'response.completed', organisation: 'demo', data: { followUpId: id, responseId: response.id } });
    const again = await call(running.url, 'POST', '/api/follow-ups', {
      token: staff,
      body: { survey: 'meethuis', service: 'rijbewijs', contactChannel: 'balie', target: { type: 'conversation', channel: 'msteams', userId: resident.user.id } },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'skipped', reason: 'recently-surveyed' });
  });
});
