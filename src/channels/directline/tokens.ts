import { systemClock, type TClock } from '../../kernel/clock';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ZConversationContext, type TConversationContext } from '../../dialogs/conversationContext';

/** Tokens live 30 minutes (README, "The local Direct Line channel"); directlinejs refreshes them every 15. */
export const TOKEN_LIFETIME_SECONDS = 30 * 60;

/**
 * What a Direct Line token grants: one conversation, as one user, with the context the page asked for.
 * `user` is the claim name botframework-directlinejs and Web Chat read from a token (jwt-decode) to take
 * the user id from it instead of inventing one, as they do with Azure's Direct Line tokens.
 */
export const ZDirectLineClaims = z.object({
  conv: z.string().min(1).max(64),
  user: z.string().min(1).max(64),
  ctx: ZConversationContext.default({}),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type TDirectLineClaims = z.infer<typeof ZDirectLineClaims>;

export type TTokenCheck = { ok: true; claims: TDirectLineClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * Signed, self-contained tokens (a JWT with HS256) rather than random ones stored hashed: every replica that
 * shares HASH_SECRET verifies them without a database read, and a poll once a second per resident costs
 * no lookup. The key is derived from HASH_SECRET with a purpose label, so a token signature can never be
 * mistaken for a keyed hash of a resident id.
 */
export class DirectLineTokens {
  private readonly key: Buffer;

  constructor(
    hashSecret: string,
    private readonly clock: TClock = systemClock,
  ) {
    this.key = createHmac('sha256', hashSecret).update('meethuis-chat/directline-token/v1').digest();
  }

  /** A token for a new conversation and user (ids are random: web chat residents are anonymous). */
  issueNew(context: TConversationContext): { token: string; claims: TDirectLineClaims } {
    return this.issue({ conv: newConversationId(), user: newUserId(), ctx: context });
  }

  /** A fresh token with the same grant (refresh, start, reconnect). */
  issue(grant: Pick<TDirectLineClaims, 'conv' | 'user' | 'ctx'>): { token: string; claims: TDirectLineClaims } {
    const iat = Math.floor(this.clock().getTime() / 1000);
    const claims: TDirectLineClaims = { conv: grant.conv, user: grant.user, ctx: grant.ctx, iat, exp: iat + TOKEN_LIFETIME_SECONDS };
    const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
    return { token: `${body}.${this.sign(body)}`, claims };
  }

  verify(token: string): TTokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'malformed' };
    const body = `${parts[0]}.${parts[1]}`;
    const given = Buffer.from(parts[2]!, 'base64url');
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const claims = ZDirectLineClaims.safeParse(payload);
    if (!claims.success) return { ok: false, reason: 'malformed' };
    if (claims.data.exp * 1000 <= this.clock().getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: claims.data };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** Conversation ids never contain `|`: activity ids are `conversationId|0000001`. */
function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

/** `dl_` marks ids minted by the channel (Web Chat refuses such ids unless they come from a token). */
function newUserId(): string {
  return `dl_${randomBytes(12).toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
