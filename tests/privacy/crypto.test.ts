import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptJson,
  DecryptionError,
  encryptJson,
  generateSecret,
  InvalidKeyError,
  keyedHash,
  resolveKey,
  type TDecryptionFailure,
} from '../../src/privacy/crypto';

const PAYLOAD_SHAPE = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/;

/** Replaces one base64url character by another, so the decoded bytes certainly change. */
function flipChar(text: string, index: number): string {
  const char = text[index];
  return text.slice(0, index) + (char === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

function withPart(payload: string, part: number, change: (value: string) => string): string {
  const parts = payload.split('.');
  parts[part] = change(parts[part] ?? '');
  return parts.join('.');
}

function decryptionFailure(run: () => unknown): TDecryptionFailure | 'no error' | 'another error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    return error instanceof DecryptionError ? error.reason : 'another error';
  }
}

describe('generateSecret', () => {
  it('returns 32 random bytes as base64url, different every time', () => {
    const first = generateSecret();
    const second = generateSecret();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect(first).not.toBe(second);
  });

  it('is usable as an encryption key as it is', () => {
    const key = generateSecret();
    expect(resolveKey(key).equals(Buffer.from(key, 'base64url'))).toBe(true);
  });
});

describe('keyedHash', () => {
  it('is HMAC-SHA256 in lower-case hex (RFC 4231 test case 2)', () => {
    expect(keyedHash('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('gives the same hash for the same secret and value, so a resident is recognised again', () => {
    const secret = generateSecret();
    expect(keyedHash(secret, 'msteams:29:1a2b3c')).toBe(keyedHash(secret, 'msteams:29:1a2b3c'));
  });

  it('gives a different hash for another value or another secret', () => {
    const secret = generateSecret();
    const hash = keyedHash(secret, 'webchat:user-1');
    expect(keyedHash(secret, 'webchat:user-2')).not.toBe(hash);
    expect(keyedHash(generateSecret(), 'webchat:user-1')).not.toBe(hash);
  });

  it('hashes the id exactly as given, without normalising it', () => {
    const composed = 'Kòrsou';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(keyedHash('secret', decomposed)).not.toBe(keyedHash('secret', composed));
  });

  it('refuses an empty secret', () => {
    expect(() => keyedHash('', 'value')).toThrow(InvalidKeyError);
  });
});

describe('resolveKey', () => {
  const bytes = randomBytes(32);

  it('reads the same 32 bytes from hex, base64 and base64url', () => {
    expect(resolveKey(bytes.toString('hex')).equals(bytes)).toBe(true);
    expect(resolveKey(bytes.toString('base64')).equals(bytes)).toBe(true);
    expect(resolveKey(bytes.toString('base64url')).equals(bytes)).toBe(true);
  });

  it('derives a stable 32-byte key from a long passphrase', () => {
    const passphrase = 'correct horse battery staple on Bonaire';
    const key = resolveKey(passphrase);
    expect(key).toHaveLength(32);
    expect(resolveKey(passphrase).equals(key)).toBe(true);
    expect(resolveKey(`${passphrase}!`).equals(key)).toBe(false);
  });

  it('refuses a short passphrase rather than deriving a weak key', () => {
    expect(() => resolveKey('changeme')).toThrow(InvalidKeyError);
    expect(() => resolveKey('')).toThrow(InvalidKeyError);
  });
});

describe('encryptJson and decryptJson', () => {
  const key = generateSecret();

  it.each([
    ['an object', { serviceUrl: 'https://smba.trafficmanager.net/emea/', conversation: { id: 'a:1Xyz' }, n: 3 }],
    ['text with accents', 'Kòrsou, Bonaire — “dushi”'],
    ['an array', [1, 'twee', null, { dri: true }]],
    ['a number', 42.5],
    ['null', null],
    ['an empty string', ''],
  ])('round-trips %s', (_name, value) => {
    expect(decryptJson(key, encryptJson(key, value))).toEqual(value);
  });

  it('writes a versioned payload of base64url parts: v1.<iv>.<tag>.<ciphertext>', () => {
    expect(encryptJson(key, { a: 1 })).toMatch(PAYLOAD_SHAPE);
  });

  it('uses a fresh IV each time, so the same value never encrypts the same way twice', () => {
    const payloads = Array.from({ length: 20 }, () => encryptJson(key, { phone: '+599 717 1234' }));
    expect(new Set(payloads).size).toBe(20);
    expect(new Set(payloads.map((payload) => payload.split('.')[1])).size).toBe(20);
  });

  it('does not contain the plain text', () => {
    const payload = encryptJson(key, { email: 'jan@example.nl' });
    expect(payload).not.toContain('jan@example.nl');
    expect(Buffer.from(payload.split('.')[3] ?? '', 'base64url').toString('utf8')).not.toContain('jan@example.nl');
  });

  it('decrypts with the same key written in another encoding or derived from the same passphrase', () => {
    const raw = randomBytes(32);
    expect(decryptJson(raw.toString('base64'), encryptJson(raw.toString('hex'), 'x'))).toBe('x');
    const passphrase = 'a long and random enough passphrase';
    expect(decryptJson(passphrase, encryptJson(passphrase, 'y'))).toBe('y');
  });

  it('rejects a payload encrypted under another key', () => {
    const payload = encryptJson(key, { a: 1 });
    expect(decryptionFailure(() => decryptJson(generateSecret(), payload))).toBe('authentication-failed');
  });

  it.each([
    ['the IV', 1, 5],
    ['the tag', 2, 5],
    ['the ciphertext', 3, 0],
  ])('detects tampering with %s', (_name, part, index) => {
    const payload = encryptJson(key, { callback: '06-12345678' });
    const tampered = withPart(payload, part, (value) => flipChar(value, index));
    expect(decryptionFailure(() => decryptJson(key, tampered))).toBe('authentication-failed');
  });

  it('detects a ciphertext that was cut short or extended', () => {
    const payload = encryptJson(key, { a: 'a longer value to cut' });
    expect(decryptionFailure(() => decryptJson(key, withPart(payload, 3, (value) => value.slice(0, -2))))).toBe(
      'authentication-failed',
    );
    expect(decryptionFailure(() => decryptJson(key, withPart(payload, 3, (value) => `${value}AA`)))).toBe(
      'authentication-failed',
    );
  });

  it('refuses another format version, even with a valid body', () => {
    const payload = encryptJson(key, { a: 1 });
    expect(decryptionFailure(() => decryptJson(key, payload.replace(/^v1\./, 'v2.')))).toBe('unsupported-version');
  });

  it.each([
    ['an empty string', ''],
    ['plain JSON', '{"a":1}'],
    ['too few parts', 'v1.abc.def'],
    ['too many parts', 'v1.a.b.c.d'],
    ['characters outside base64url', 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.ab+/'],
    ['a short IV', 'v1.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA'],
    ['a truncated tag', 'v1.AAAAAAAAAAAAAAAA.AAAAAAAA.AAAA'],
  ])('calls %s malformed', (_name, payload) => {
    expect(decryptionFailure(() => decryptJson(key, payload))).toBe('malformed');
  });

  it('throws a DecryptionError that carries a code and no secret material', () => {
    const payload = encryptJson(key, { a: 1 });
    try {
      decryptJson(generateSecret(), payload);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DecryptionError);
      expect(error).toBeInstanceOf(Error);
      const decryptionError = error as DecryptionError;
      expect(decryptionError.code).toBe('DECRYPTION_FAILED');
      expect(decryptionError.name).toBe('DecryptionError');
      expect(decryptionError.message).not.toContain(key);
      expect(decryptionError.message).not.toContain(payload);
    }
  });

  it('refuses a value that has no JSON form instead of storing nothing', () => {
    expect(() => encryptJson(key, undefined)).toThrow(TypeError);
    expect(() => encryptJson(key, () => 1)).toThrow(TypeError);
  });
});
