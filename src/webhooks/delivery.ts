import { claimQueueRow, unlockedAt } from '../db/queueClaim';
import { systemClock, type TClock } from '../kernel/clock';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { z } from 'zod';
import type { TPrisma } from '../db/client';
import { backoffMs, HOUR_MS } from '../followups/time';
import type { TJob } from '../jobs';
import type { TLogger } from '../log';
import { decryptJson } from '../privacy/crypto';
import { signatureHeaders } from './signature';
import type { TAllowedTarget, WebhookTargets } from './targets';

export interface TDeliveryWorkerOptions {
  encryptionKey: string;
  /** Where a delivery may go, checked again before every attempt. */
  targets: WebhookTargets;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A receiver that does not answer within this is a failed attempt. */
  timeoutMs?: number;
  /** Longer than timeoutMs, so a delivery in flight is never claimed by a second replica. */
  lockMs?: number;
  batchSize?: number;
  everyMs?: number;
  clock?: TClock;
  logger?: TLogger;
}

const DEFAULTS = { maxAttempts: 8, backoffBaseMs: 30_000, backoffCapMs: HOUR_MS, timeoutMs: 10_000, lockMs: 60_000, batchSize: 20, everyMs: 5_000 };

export interface TDeliveryRun {
  delivered: number;
  retried: number;
  failed: number;
}

/**
 * Sends queued webhook deliveries: POST of the stored JSON body, signed with the webhook's secret. A row is claimed
 * with a conditional UPDATE (as the follow-up queue does), so replicas never send the same delivery twice at once;
 * a non-2xx answer, a timeout, a refused connection or a target that no longer passes the rules is retried with
 * exponential back-off, then marked failed.
 */
export class WebhookDeliveryWorker {
  private readonly settings: typeof DEFAULTS;
  private readonly clock: TClock;

  constructor(
    private readonly prisma: TPrisma,
    private readonly options: TDeliveryWorkerOptions,
  ) {
    const given = Object.fromEntries(Object.entries(options).filter(([key, value]) => key in DEFAULTS && value !== undefined));
    this.settings = { ...DEFAULTS, ...(given as Partial<typeof DEFAULTS>) };
    this.clock = options.clock ?? systemClock;
  }

  async runOnce(): Promise<TDeliveryRun> {
    const run: TDeliveryRun = { delivered: 0, retried: 0, failed: 0 };
    const now = this.clock();
    const due = await this.prisma.webhookDelivery.findMany({
      where: { status: 'pending', nextAttemptAt: { lte: now }, ...unlockedAt(now) },
      orderBy: { nextAttemptAt: 'asc' },
      take: this.settings.batchSize,
      select: { id: true, event: true, payload: true, attempts: true, webhook: { select: { url: true, encryptedSecret: true, active: true } } },
    });
    for (const row of due) {
      const claim = await claimQueueRow(this.clock, this.settings.lockMs, ({ claimedAt, lockedUntil }) =>
        this.prisma.webhookDelivery.updateMany({ where: { id: row.id, status: 'pending', ...unlockedAt(claimedAt) }, data: { lockedUntil } }),
      );
      if (!claim) continue;
      const ours = { id: row.id, lockedUntil: claim.lockedUntil };
      const attempts = row.attempts + 1;
      const outcome = row.webhook.active ? await this.post(row.webhook.url, row.webhook.encryptedSecret, row.id, row.event, row.payload) : { ok: false as const, status: null, error: 'webhook inactive' };
      if (outcome.ok) {
        await this.prisma.webhookDelivery.updateMany({
          where: ours,
          data: { status: 'delivered', attempts, responseStatus: outcome.status, lastError: null, deliveredAt: this.clock(), lockedUntil: null },
        });
        run.delivered += 1;
        continue;
      }
      const final = attempts >= this.settings.maxAttempts || !row.webhook.active;
      await this.prisma.webhookDelivery.updateMany({
        where: ours,
        data: {
          status: final ? 'failed' : 'pending',
          attempts,
          responseStatus: outcome.status,
          lastError: outcome.error,
          lockedUntil: null,
          ...(final ? {} : { nextAttemptAt: new Date(this.clock().getTime() + backoffMs(attempts, this.settings.backoffBaseMs, this.settings.backoffCapMs)) }),
        },
      });
      if (final) run.failed += 1;
      else run.retried += 1;
      this.options.logger?.warn({ deliveryId: row.id, attempts, status: outcome.status, err: outcome.error }, 'webhook delivery failed');
    }
    return run;
  }

  job(): TJob {
    return { name: 'webhook-delivery', everyMs: this.settings.everyMs, run: async () => void (await this.runOnce()) };
  }

  private async post(
    url: string,
    encryptedSecret: string,
    deliveryId: string,
    event: string,
    body: string,
  ): Promise<{ ok: true; status: number } | { ok: false; status: number | null; error: string }> {
    let secret: string;
    try {
      secret = z.string().min(1).parse(decryptJson(this.options.encryptionKey, encryptedSecret));
    } catch {
      // A changed ENCRYPTION_KEY: sending unsigned would be worse than not sending.
      return { ok: false, status: null, error: 'the signing secret cannot be decrypted (was ENCRYPTION_KEY changed?)' };
    }
    try {
      const target = await this.options.targets.check(url);
      if (!target.allowed) return { ok: false, status: null, error: `refused: ${REFUSAL_TEXT[target.rule]}` };
      const status = await postTo(target, body, this.settings.timeoutMs, {
        'Content-Type': 'application/json',
        'User-Agent': 'meethuis-chat-webhooks',
        ...signatureHeaders(secret, deliveryId, this.clock(), body),
        'X-Meethuis-Event': event,
        'X-Meethuis-Delivery': deliveryId,
      });
      if (status >= 200 && status < 300) return { ok: true, status };
      return { ok: false, status, error: `HTTP ${status}` };
    } catch (error) {
      return { ok: false, status: null, error: (error instanceof Error ? error.message : String(error)).slice(0, 500) };
    }
  }
}

const REFUSAL_TEXT = { 'https-only': 'plain http', 'private-address': 'private address', unresolvable: 'host does not resolve' } as const;

/**
 * POSTs to the address that was checked: the connection's lookup answers with it, so a resolver cannot hand a
 * different (internal) address to the connect that follows the check. TLS still verifies the host's name.
 * Redirects are not followed: the admin registered this URL, not wherever it points.
 */
function postTo(target: TAllowedTarget, body: string, timeoutMs: number, headers: Record<string, string>): Promise<number> {
  const checkedLookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      target.url,
      { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, lookup: checkedLookup, signal: AbortSignal.timeout(timeoutMs) },
      (response: IncomingMessage) => {
        // The body is not needed; draining it frees the connection.
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
