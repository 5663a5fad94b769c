import { systemClock, type TClock } from '../../kernel/clock';
import { createHmac, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
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

/** A fresh grant before it is signed: one new conversation and user. */
export type TGrant = Pick<TDirectLineClaims, 'conv' | 'user' | 'ctx'>;

const ALGORITHM = 'HS256';

/**
 * Signed, self-contained tokens (a JWT with HS256, by jose) rather than random ones stored hashed: every replica
 * that shares HASH_SECRET verifies them without a database read, and a poll once a second per resident costs
 * no lookup. The key is derived from HASH_SECRET with a purpose label, so a token signature can never be
 * mistaken for a keyed hash of a resident id.
 */
export class DirectLineTokens {
  private readonly key: Uint8Array;

  constructor(
    hashSecret: string,
    private readonly clock: TClock = systemClock,
  ) {
    this.key = createHmac('sha256', hashSecret).update('meethuis-chat/directline-token/v1').digest();
  }

  /** A grant for a new conversation and user (ids are random: web chat residents are anonymous). */
  newGrant(context: TConversationContext): TGrant {
    return { conv: newConversationId(), user: newUserId(), ctx: context };
  }

  /** A token for the grant, with a fresh lifetime (new, refresh, start, reconnect). */
  async issue(grant: TGrant): Promise<{ token: string; claims: TDirectLineClaims }> {
    const iat = Math.floor(this.clock().getTime() / 1000);
    const claims: TDirectLineClaims = { conv: grant.conv, user: grant.user, ctx: grant.ctx, iat, exp: iat + TOKEN_LIFETIME_SECONDS };
    const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' }).sign(this.key);
    return { token, claims };
  }

  async verify(token: string): Promise<TTokenCheck> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: [ALGORITHM], currentDate: this.clock() }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'signature' };
      return { ok: false, reason: 'malformed' };
    }
    const claims = ZDirectLineClaims.safeParse(payload);
    return claims.success ? { ok: true, claims: claims.data } : { ok: false, reason: 'malformed' };
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

