import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TDb } from '../../src/db/client';
import { CallbackService } from '../../src/followups/callbacks';
import { DAY_MS } from '../../src/followups/time';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { makeNewResponse, seedBasics } from '../support/fixtures';
import { call, createToken, ManualClock } from './support';

/** A completed response to hang a call-back request on, as the bot has when it asks. */
async function completedResponse(db: TDb, organisation: 'demo' | 'bonaire' = 'demo'): Promise<{ responseId: string; organisationId: string }> {
  const basics = await seedBasics(db);
  const organisationId = organisation === 'demo' ? basics.demo.id : basics.bonaire.id;
  const { id } = await db.response.create({
    data: { ...makeNewResponse({ organisationId, surveyVersionId: basics.surveyVersion.id }), status: 'completed' },
  });
  return { responseId: id, organisationId };
}

describe('call-back requests through the staff API', () => {
  let running: TTestApp;
  let service: CallbackService;
  let staffDemo: string;
  let staffBonaire: string;
  let analyst: string;

  beforeAll(async () => {
    running = await startTestApp();
    const { prisma } = running.database;
    service = new CallbackService(prisma, TEST_SECRETS.ENCRYPTION_KEY, new WebhookPublisher(prisma));
    staffDemo = await createToken(prisma, 'staff', 'demo');
    staffBonaire = await createToken(prisma, 'staff', 'bonaire');
    analyst = await createToken(prisma, 'analyst');
  });
  afterAll(() => running.stop());

  it('stores the contact detail encrypted: the raw row does not contain it', async () => {
    const { prisma } = running.database;
    const response = await completedResponse(prisma);
    await service.request({ ...response, method: 'phone', contact: '+599 717 1234', language: 'pap', answersShared: false });
    const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "Callback"');
    expect(rows.length).toBeGreaterThan(0);
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain('717 1234');
    expect(raw).not.toContain('7171234');
    const stored = await prisma.callback.findFirstOrThrow({ where: { responseId: response.responseId } });
    expect(stored.encryptedContact).toMatch(/^v1\./);
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(30 * DAY_MS);
  });

  it('shows open requests, decrypted, to staff of that organisation only — and audits the read', async () => {
    const { prisma } = running.database;
    const response = await completedResponse(prisma);
    await service.request({ ...response, method: 'email', contact: 'inwoner@example.nl', language: 'nl', answersShared: false });
    const list = await call(running.url, 'GET', '/api/callbacks', { token: staffDemo });
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const callbacks = list.body.callbacks as Record<string, unknown>[];
    expect(callbacks[0]).toMatchObject({ organisation: 'demo', method: 'email', contact: 'inwoner@example.nl', language: 'nl', status: 'open' });

    const bonaire = await call(running.url, 'GET', '/api/callbacks', { token: staffBonaire });
    expect(JSON.stringify(bonaire.body)).not.toContain('inwoner@example.nl');
    expect((await call(running.url, 'GET', '/api/callbacks?organisation=demo', { token: staffBonaire })).status).toBe(403);
    expect((await call(running.url, 'GET', '/api/callbacks', { token: analyst })).status).toBe(403);
    expect((await call(running.url, 'GET', '/api/callbacks')).status).toBe(401);
    const bad = await call(running.url, 'GET', '/api/callbacks?status=all', { token: staffDemo });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'status' });

    const audit = await prisma.auditLog.findMany({ where: { action: 'callbacks.read' } });
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain('inwoner@example.nl');
  });

  it('deletes the contact detail when staff mark a request handled', async () => {
    const { prisma } = running.database;
    const response = await completedResponse(prisma);
    await service.request({ ...response, method: 'phone', contact: '06 1234 5678', language: 'en', answersShared: false });
    const { id } = await prisma.callback.findFirstOrThrow({ where: { responseId: response.responseId } });

    expect((await call(running.url, 'POST', `/api/callbacks/${id}/handled`, { token: staffBonaire })).status).toBe(403);
    const handled = await call(running.url, 'POST', `/api/callbacks/${id}/handled`, { token: staffDemo });
    expect(handled.status).toBe(200);
    expect(handled.body).toEqual({ id, status: 'handled' });
    expect(await prisma.callback.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'handled', encryptedContact: '', handledAt: expect.any(Date) });
    // Twice is harmless.
    expect((await call(running.url, 'POST', `/api/callbacks/${id}/handled`, { token: staffDemo })).status).toBe(200);

    const open = await call(running.url, 'GET', '/api/callbacks', { token: staffDemo });
    expect((open.body.callbacks as { id: string }[]).some((callback) => callback.id === id)).toBe(false);
    const done = await call(running.url, 'GET', '/api/callbacks?status=handled', { token: staffDemo });
    expect((done.body.callbacks as Record<string, unknown>[]).find((callback) => callback.id === id)).toMatchObject({ contact: null, status: 'handled' });
    expect(await prisma.auditLog.count({ where: { action: 'callback.handled', subjectId: id } })).toBe(2);
    expect((await call(running.url, 'POST', '/api/callbacks/no-such-callback/handled', { token: staffDemo })).status).toBe(404);
  });
});

describe('the call-back sweep', () => {
  it('raises callback.requested again after three working days unhandled, once per period, and deletes after 30 days', async () => {
    const database = await createTestDatabase();
    try {
      const { prisma } = database;
      const response = await completedResponse(prisma);
      await prisma.webhook.create({ data: { organisationId: response.organisationId, url: 'http://127.0.0.1:9/', encryptedSecret: 'x', events: 'callback.requested' } });
      // Friday morning in Amsterdam.
      const clock = new ManualClock(new Date('2026-01-16T09:00:00Z'));
      const service = new CallbackService(prisma, TEST_SECRETS.ENCRYPTION_KEY, new WebhookPublisher(prisma, clock.now), clock.now);
      await service.request({ ...response, method: 'phone', contact: '+31 6 12345678', language: 'nl', answersShared: false });
      const events = () => prisma.webhookDelivery.findMany({ orderBy: { createdAt: 'asc' } });
      expect(await events()).toHaveLength(1);
      expect((await events())[0]!.payload).not.toContain('12345678');

      // Tuesday: two working days — not yet.
      clock.set('2026-01-20T09:00:00Z');
      expect(await service.sweep()).toEqual({ deleted: 0, reminded: 0 });
      // Wednesday: three working days.
      clock.set('2026-01-21T09:00:00Z');
      const [first, second] = await Promise.all([service.sweep(), service.sweep()]);
      expect(first.reminded + second.reminded).toBe(1);
      const raised = await events();
      expect(raised).toHaveLength(2);
      expect(JSON.parse(raised[1]!.payload)).toMatchObject({ event: 'callback.requested', data: { reminderAfterDays: 5 } });
      expect(await service.sweep()).toEqual({ deleted: 0, reminded: 0 });

      clock.set('2026-02-15T09:00:01Z');
      const last = await service.sweep();
      expect(last.deleted).toBe(1);
      expect(await prisma.callback.count()).toBe(0);
    } finally {
      await database.destroy();
    }
  });
});
