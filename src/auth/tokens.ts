import { systemClock, type TClock } from '../kernel/clock';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { TPrisma } from '../db/client';
import { keyedHash } from '../privacy/crypto';

export const ROLES = ['staff', 'analyst', 'admin'] as const;
export type TRole = (typeof ROLES)[number];

/** Who is calling: a valid, unrevoked token's role and organisation scope (null = every organisation). */
export interface TPrincipal {
  tokenId: string;
  name: string;
  role: TRole;
  organisationId: string | null;
  organisationSlug: string | null;
}

export class TokenError extends Error {
  override name = 'TokenError';
}

/** `admin` has every right of `staff` and `analyst`. */
export function hasRole(principal: TPrincipal, role: TRole): boolean {
  return principal.role === role || principal.role === 'admin';
}

/** A token's organisation scope allows the organisation named. */
export function mayAccessOrganisation(principal: TPrincipal, organisationId: string): boolean {
  return principal.organisationId === null || principal.organisationId === organisationId;
}

const TOKEN_PREFIX = 'mh_';

export const ZNewToken = z.object({
  role: z.enum(ROLES),
  name: z.string().trim().min(1).max(100),
  organisation: z.string().min(1).optional(),
  expiresDays: z.coerce.number().int().min(1).max(3650).optional(),
});
export type TNewToken = z.input<typeof ZNewToken>;

/**
 * API tokens for staff, analysts and admins. The token is shown once at creation; only its keyed hash is
 * stored, so a database leak yields no usable token.
 */
export class TokenService {
  constructor(
    private readonly prisma: TPrisma,
    private readonly hashSecret: string,
    private readonly clock: TClock = systemClock,
  ) {}

  async create(input: TNewToken): Promise<{ id: string; token: string }> {
    const { role, name, organisation, expiresDays } = ZNewToken.parse(input);
    let organisationId: string | null = null;
    if (organisation) {
      const found = await this.prisma.organisation.findUnique({ where: { slug: organisation }, select: { id: true } });
      if (!found) throw new TokenError(`unknown organisation "${organisation}"`);
      organisationId = found.id;
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const expiresAt = expiresDays ? new Date(this.clock().getTime() + expiresDays * 86_400_000) : null;
    const { id } = await this.prisma.apiToken.create({
      data: { name, role, organisationId, tokenHash: keyedHash(this.hashSecret, token), expiresAt },
      select: { id: true },
    });
    return { id, token };
  }

  async list() {
    const rows = await this.prisma.apiToken.findMany({
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true, role: true, createdAt: true, expiresAt: true, revokedAt: true, lastUsedAt: true, organisation: { select: { slug: true } } },
    });
    return rows.map(({ organisation, ...row }) => ({ ...row, organisation: organisation?.slug ?? null }));
  }

  async revoke(id: string): Promise<void> {
    const { count } = await this.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: this.clock() } });
    if (count === 0) throw new TokenError(`no active token with id "${id}"`);
  }

  /** The principal of a presented token, or null when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<TPrincipal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const row = await this.prisma.apiToken.findUnique({
      where: { tokenHash: keyedHash(this.hashSecret, token) },
      select: { id: true, name: true, role: true, organisationId: true, expiresAt: true, revokedAt: true, organisation: { select: { slug: true } } },
    });
    const now = this.clock();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
    const role = z.enum(ROLES).parse(row.role);
    return { tokenId: row.id, name: row.name, role, organisationId: row.organisationId, organisationSlug: row.organisation?.slug ?? null };
  }
}
