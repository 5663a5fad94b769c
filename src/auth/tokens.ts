import { systemClock, type TClock } from '../kernel/clock';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { TPrisma } from '../db/client';
import { keyedHash } from '../privacy/crypto';
import { CLI_ACTOR, writeAudit, type TActor } from '../kernel/audit';
import { AppError } from '../kernel/errors';

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

/** `admin` has every right of `staff` and `analyst`. */
export function hasRole(principal: TPrincipal, role: TRole): boolean {
  return principal.role === role || principal.role === 'admin';
}

/** A token's organisation scope allows the organisation named. */
export function mayAccessOrganisation(principal: TPrincipal, organisationId: string): boolean {
  return principal.organisationId === null || principal.organisationId === organisationId;
}

const TOKEN_PREFIX = 'mh_';
const LAST_USED_RESOLUTION_MS = 60_000;

export interface TTokenView {
  id: string;
  name: string;
  role: TRole;
  organisation: string | null;
  state: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** The token this list was asked for with: the admin's own. */
  yours: boolean;
}

const TOKEN_VIEW_SELECT = {
  id: true,
  name: true,
  role: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  organisation: { select: { slug: true } },
} as const;
type TTokenRow = { id: string; name: string; role: string; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null; organisation: { slug: string } | null };

export const ZNewToken = z.strictObject({
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

  /** A token made by the operator (the CLI, set-up scripts and tests): any role, any organisation. */
  async create(input: TNewToken): Promise<{ id: string; token: string }> {
    const { id, token } = await this.issue(CLI_ACTOR, input);
    return { id, token };
  }

  /**
   * A token an admin gives a colleague. A scoped admin gives tokens for its own organisation only (naming none means
   * its own); only an admin of every organisation may give one for every organisation (by naming none).
   */
  async issue(actor: TActor, input: TNewToken): Promise<TTokenView & { token: string }> {
    const wanted = ZNewToken.parse(input);
    const organisationId = await this.organisationFor(actor, wanted.organisation);
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = wanted.expiresDays ? new Date(now.getTime() + wanted.expiresDays * 86_400_000) : null;
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await tx.apiToken.create({
        data: { name: wanted.name, role: wanted.role, organisationId, tokenHash: keyedHash(this.hashSecret, token), expiresAt, createdAt: now },
        select: TOKEN_VIEW_SELECT,
      });
      await writeAudit(tx, actor, 'token.create', { organisationId, subjectType: 'token', subjectId: created.id, details: { role: wanted.role }, at: now });
      return created;
    });
    return { ...this.viewOf(row, actor), token };
  }

  /** The tokens an admin may see: its organisation's, or (for an admin of every organisation) all or one's. */
  async list(actor: TActor, organisation?: string): Promise<TTokenView[]> {
    const scoped = actor.organisationId !== null || organisation !== undefined;
    const organisationId = scoped ? await this.organisationFor(actor, organisation) : undefined;
    const rows = await this.prisma.apiToken.findMany({
      where: organisationId === undefined ? {} : { organisationId },
      orderBy: { createdAt: 'asc' },
      select: TOKEN_VIEW_SELECT,
    });
    return rows.map((row) => this.viewOf(row, actor));
  }

  /**
   * Ends a token at once. Not the one the request comes with: an admin would lock themselves out in the middle of
   * their work; another admin (or the CLI) revokes it.
   */
  async revoke(actor: TActor, id: string): Promise<void> {
    const row = await this.prisma.apiToken.findUnique({ where: { id }, select: { organisationId: true, revokedAt: true } });
    if (!row || (actor.organisationId !== null && row.organisationId !== actor.organisationId)) {
      throw new AppError('not-found', 'not_found', `There is no token with id "${id}" that this token may manage.`);
    }
    if (id === actor.tokenId) {
      throw new AppError('conflict', 'own_token', 'This is the token you are signed in with; sign in with another admin token (or use the CLI) to revoke it.');
    }
    if (row.revokedAt) return;
    const now = this.clock();
    await this.prisma.$transaction(async (tx) => {
      await tx.apiToken.update({ where: { id }, data: { revokedAt: now } });
      await writeAudit(tx, actor, 'token.revoke', { organisationId: row.organisationId, subjectType: 'token', subjectId: id, at: now });
    });
  }

  private async organisationFor(actor: TActor, slug: string | undefined): Promise<string | null> {
    if (slug === undefined) return actor.organisationId;
    const found = await this.prisma.organisation.findUnique({ where: { slug }, select: { id: true } });
    if (actor.organisationId !== null && found?.id !== actor.organisationId) {
      throw new AppError('forbidden', 'forbidden', `This token may manage its own organisation only, not "${slug}".`, 'organisation');
    }
    if (!found) throw new AppError('invalid', 'unknown_organisation', `organisation: unknown organisation "${slug}"`, 'organisation');
    return found.id;
  }

  private viewOf(row: TTokenRow, actor: TActor): TTokenView {
    const now = this.clock();
    const state = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt <= now ? 'expired' : 'active';
    return {
      id: row.id,
      name: row.name,
      role: z.enum(ROLES).parse(row.role),
      organisation: row.organisation?.slug ?? null,
      state,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      yours: row.id === actor.tokenId,
    };
  }

  /** The principal of a presented token, or null when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<TPrincipal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const row = await this.prisma.apiToken.findUnique({
      where: { tokenHash: keyedHash(this.hashSecret, token) },
      select: { id: true, name: true, role: true, organisationId: true, expiresAt: true, revokedAt: true, lastUsedAt: true, organisation: { select: { slug: true } } },
    });
    const now = this.clock();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
    // "Last used" to the minute is what an admin reviewing tokens needs; a write per request would not be.
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
    }
    const role = z.enum(ROLES).parse(row.role);
    return { tokenId: row.id, name: row.name, role, organisationId: row.organisationId, organisationSlug: row.organisation?.slug ?? null };
  }
}
