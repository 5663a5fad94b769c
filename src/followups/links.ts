import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TLanguage } from '../i18n/languages';
import { keyedHash } from '../privacy/crypto';

/**
 * The one-time link's token, derived from the follow-up's id with HASH_SECRET. Derived rather than random so that
 * a retried request (same Idempotency-Key) and the staff page can show the same link again, while the database
 * holds only a keyed hash of it: a copy of the database alone yields no usable link.
 */
export function linkTokenOf(hashSecret: string, followUpId: string): string {
  return createHmac('sha256', hashSecret).update(`follow-up-link:${followUpId}`, 'utf8').digest('base64url');
}

/**
 * The token of a link sent by text message, where every character counts against 160: 128 bits of the same kind of
 * keyed derivation (22 characters instead of 43), still far beyond guessing, under a label of its own.
 */
export function shortLinkTokenOf(hashSecret: string, followUpId: string): string {
  return createHmac('sha256', hashSecret).update(`follow-up-sms-link:${followUpId}`, 'utf8').digest().subarray(0, 16).toString('base64url');
}

/** The one-time link's token for a follow-up sent to this kind of target. */
export function linkTokenFor(hashSecret: string, followUpId: string, targetType: string): string {
  return targetType === 'sms' ? shortLinkTokenOf(hashSecret, followUpId) : linkTokenOf(hashSecret, followUpId);
}

/** What FollowUp.linkTokenHash stores; the kind prefix keeps it apart from every other keyed hash of the secret. */
export function linkTokenHashOf(hashSecret: string, token: string): string {
  return keyedHash(hashSecret, `link:${token}`);
}

/**
 * The web chat page with the token: the page hands it to the conversation, the bot claims it. With the language the
 * invitation was written in, the page and the bot speak it from the first word (the resident may still switch), not
 * the language the phone happens to be set to.
 */
export function linkUrlOf(publicUrl: string, token: string, language?: TLanguage | null): string {
  return `${publicUrl.replace(/\/$/, '')}/?link=${encodeURIComponent(token)}${language ? `&lang=${language}` : ''}`;
}

/**
 * The token of an invitation e-mail's "stop the invitations" link: the follow-up's id with a keyed signature, so the
 * link needs nothing stored and cannot be made for another follow-up.
 */
export function stopTokenOf(hashSecret: string, followUpId: string): string {
  return `${followUpId}.${createHmac('sha256', hashSecret).update(`follow-up-stop:${followUpId}`, 'utf8').digest('base64url')}`;
}

/** Where an invitation's "stop the invitations" link leads (a page, and the one-click POST of List-Unsubscribe). */
export const INVITATION_STOP_PATH = '/invitations/stop/';

export function stopUrlOf(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}${INVITATION_STOP_PATH}${encodeURIComponent(token)}`;
}

/** The follow-up a stop token was made for, or null when it is not one of ours. */
export function followUpOfStopToken(hashSecret: string, token: string): string | null {
  const match = /^([A-Za-z0-9-]{8,64})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const expected = Buffer.from(stopTokenOf(hashSecret, match[1]!));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given) ? match[1]! : null;
}

/** A token as the page may present it: anything else is not looked up at all. */
export function isWellFormedLinkToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{16,200}$/.test(token);
}
