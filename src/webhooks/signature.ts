import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Deliveries are signed in the Standard Webhooks format (standardwebhooks.com): `webhook-id` (the delivery's id, the
 * same on every retry, so a receiver can drop a repeat), `webhook-timestamp` (seconds, fresh on every attempt, so a
 * receiver can refuse one older than five minutes: a captured delivery cannot be replayed later) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).
 */
export const STANDARD_WEBHOOK_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Deprecated, sent beside the standard headers for one release: `sha256=<hex HMAC-SHA256 of the raw body with the
 * whole secret as key>`. It covers the body only, so it cannot tell a replay from a delivery.
 */
export const LEGACY_SIGNATURE_HEADER = 'X-Meethuis-Signature';

/** A new webhook's signing secret, shown to the admin once: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The key bytes of a secret: what follows `whsec_` in base64 (or base64url, as secrets were shown before). */
function signingKey(secret: string): Uint8Array {
  const encoded = /^whsec_([A-Za-z0-9+/_-]+={0,2})$/.exec(secret)?.[1] ?? '';
  const key = Buffer.from(encoded, /[-_]/.test(encoded) ? 'base64url' : 'base64');
  // Not base64 at all (a secret made by hand): its own bytes.
  return key.length > 0 ? key : Buffer.from(secret, 'utf8');
}

/** The headers that sign one attempt of a delivery. */
export function signatureHeaders(secret: string, deliveryId: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': deliveryId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(signingKey(secret), { format: 'raw' }).sign(deliveryId, at, body),
    [LEGACY_SIGNATURE_HEADER]: legacySignature(secret, body),
  };
}

export function legacySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver of the deprecated header does: recompute over the raw bytes and compare in constant time. */
export function verifyLegacySignature(secret: string, body: string, header: string | undefined | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(legacySignature(secret, body));
  const given = Buffer.from(header.trim());
  return expected.length === given.length && timingSafeEqual(expected, given);
}
