/**
 * Keyed hashes and authenticated encryption for what must stay out of plain sight: residents'
 * channel ids and API tokens (hashed) and conversation references and callback contact details (encrypted).
 * node:crypto only; the secrets come from config (`HASH_SECRET`, `ENCRYPTION_KEY`, README "Configuration").
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';

/**
 * A derived key is only as strong as the secret it comes from (HKDF does not slow down guessing), so short
 * passphrases are refused rather than quietly accepted; generate keys with {@link generateSecret}.
 */
export const MIN_SECRET_LENGTH = 16;

// Fixed salt and info: every replica must derive the same key from the same secret, and the info string keeps
// this key apart from any other use of the same secret.
const HKDF_SALT = 'meethuis-chat';
const HKDF_INFO = 'meethuis-chat/encrypt-json/v1';

export type TDecryptionFailure = 'malformed' | 'unsupported-version' | 'authentication-failed';

/**
 * A payload that cannot be decrypted. `authentication-failed` covers both tampering and a wrong key: GCM cannot
 * tell them apart, and saying which would help an attacker. Messages never contain key or payload material.
 */
export class DecryptionError extends Error {
  readonly code = 'DECRYPTION_FAILED';
  override readonly name = 'DecryptionError';

  constructor(
    readonly reason: TDecryptionFailure,
    options?: { cause?: unknown },
  ) {
    super(`Cannot decrypt payload: ${reason}`, options);
  }
}

/** A key or secret that is empty or too weak to use; thrown at first use, so config can validate at start-up. */
export class InvalidKeyError extends Error {
  readonly code = 'INVALID_KEY';
  override readonly name = 'InvalidKeyError';
}

/** Returns 32 random bytes as base64url (43 characters): the format for `HASH_SECRET` and `ENCRYPTION_KEY`. */
export function generateSecret(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/**
 * HMAC-SHA256 of `value` under `secret`, as 64 lower-case hex characters. Deterministic, so a stored hash finds
 * the same resident or token again; without the secret it cannot be reversed by hashing every known channel id.
 *
 * Hex rather than base64url because the hashes are unique keys in the database, and a case-insensitive collation
 * (citext, MySQL's defaults, a future index) would silently merge base64 values that differ only in case.
 * Callers that hash different kinds of ids with one secret should prefix the kind (`"msteams:" + id`), so the
 * same string in two roles does not collide.
 */
export function keyedHash(secret: string, value: string): string {
  if (secret.length === 0) throw new InvalidKeyError('The hash secret is empty');
  return createHmac('sha256', secret).update(value, 'utf8').digest('hex');
}

/**
 * Turns a configured key into 32 key bytes. A 64-character hex string or a base64/base64url string of 32 bytes
 * (what {@link generateSecret} and `openssl rand` produce) is used as is; any other secret of at least
 * {@link MIN_SECRET_LENGTH} characters is stretched to 32 bytes with HKDF-SHA256, so operators may also paste a
 * long random passphrase. Call it at start-up to reject a bad key before the first resident needs it.
 */
export function resolveKey(key: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(key)) return Buffer.from(key, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(key)) {
    const bytes = Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  if (key.length < MIN_SECRET_LENGTH) {
    throw new InvalidKeyError(
      `The encryption key must be 32 bytes (hex or base64) or a secret of at least ${MIN_SECRET_LENGTH} characters`,
    );
  }
  return Buffer.from(hkdfSync('sha256', Buffer.from(key, 'utf8'), HKDF_SALT, HKDF_INFO, KEY_BYTES));
}

/**
 * Encrypts a JSON-serialisable value with AES-256-GCM under a fresh random 96-bit IV, as
 * `v1.<iv>.<tag>.<ciphertext>` (base64url parts). The version is authenticated too, so a payload cannot be
 * relabelled for a future format. Random IVs are safe for up to about 2^32 encryptions per key — far beyond
 * one organisation's follow-ups — after which the key must be rotated.
 *
 * @throws TypeError when the value has no JSON form (undefined, a function, a symbol; a BigInt throws too).
 */
export function encryptJson(key: string, value: unknown): string {
  const json: string | undefined = JSON.stringify(value);
  if (json === undefined) throw new TypeError('encryptJson: the value has no JSON representation');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', resolveKey(key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(FORMAT_VERSION, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT_VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decrypts what {@link encryptJson} produced and parses the JSON. The result is `unknown` on purpose: callers
 * validate it with their zod schema, as for any JSON read back from the database.
 *
 * @throws DecryptionError when the payload is malformed, of an unknown version, tampered with, or encrypted
 *   under another key.
 */
export function decryptJson(key: string, payload: string): unknown {
  const parts = payload.split('.');
  if (parts.length !== 4) throw new DecryptionError('malformed');
  const [version, ivText, tagText, ciphertextText] = parts as [string, string, string, string];
  if (version !== FORMAT_VERSION) throw new DecryptionError('unsupported-version');
  if (![ivText, tagText, ciphertextText].every((part) => BASE64URL.test(part))) throw new DecryptionError('malformed');
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  // Without this check a truncated tag would be accepted by the decipher (GCM allows short tags).
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError('malformed');
  const keyBytes = resolveKey(key);
  let json: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyBytes, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(FORMAT_VERSION, 'utf8'));
    decipher.setAuthTag(tag);
    json = Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new DecryptionError('authentication-failed', { cause: error });
  }
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    // Only reachable if something with the key wrote non-JSON; still not the caller's problem to parse.
    throw new DecryptionError('malformed', { cause: error });
  }
}
