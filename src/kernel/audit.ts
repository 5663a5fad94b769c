import type { TDb } from '../db/client';

/** Who did something: a token's principal, or the operator at the CLI (no token). */
export interface TActor {
  tokenId: string | null;
  name: string;
  organisationId: string | null;
}

/** The operator at the command line: trusted like an unscoped admin (they hold the database and its keys). */
export const CLI_ACTOR: TActor = { tokenId: null, name: 'cli', organisationId: null };

/**
 * One line in the audit log for a staff or admin action. `details` must never hold personal data (no contact
 * details, no user ids): ids, statuses and codes only.
 */
export async function writeAudit(
  db: TDb,
  actor: TActor,
  action: string,
  entry: { organisationId?: string | null; subjectType?: string; subjectId?: string; details?: Record<string, unknown>; at?: Date },
): Promise<void> {
  await db.auditLog.create({
    data: {
      actorTokenId: actor.tokenId,
      actor: actor.name,
      action,
      organisationId: entry.organisationId ?? actor.organisationId,
      subjectType: entry.subjectType ?? null,
      subjectId: entry.subjectId ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
      ...(entry.at ? { at: entry.at } : {}),
    },
  });
}

/**
 * What an admin looks for in the audit log, by the actions' first word: changes to the set-up, who looked at or took
 * out residents' data, and the contact centre's work with residents.
 */
export const AUDIT_KINDS = {
  settings: ['organisation', 'service', 'place', 'survey', 'themes', 'token', 'webhook'],
  dataAccess: ['callbacks.read', 'comments.read', 'responses'],
  contact: ['follow-up', 'callback.handled'],
} as const;
export type TAuditKind = keyof typeof AUDIT_KINDS;

