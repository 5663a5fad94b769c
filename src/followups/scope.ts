import type { TDb } from '../db/client';
import type { TActor } from '../kernel/audit';
import { FollowUpError } from './model';

export interface TScopedOrganisation {
  id: string;
  slug: string;
  timeZone: string;
  /** Where a phone number without a country code is from. */
  phoneRegion: string;
}

/**
 * The organisation an actor acts for: a scoped token's own (naming another is a 403); a token of every organisation
 * must name one (400 without, or for a slug that is not known). Follow-ups, call-backs, webhooks and the review of
 * held-back responses all scope by this one rule.
 */
export async function organisationInScope(db: TDb, actor: TActor, slug: string | undefined): Promise<TScopedOrganisation> {
  const select = { id: true, slug: true, timeZone: true, phoneRegion: true } as const;
  if (actor.organisationId !== null) {
    const own = await db.organisation.findUniqueOrThrow({ where: { id: actor.organisationId }, select });
    if (slug !== undefined && slug !== own.slug) {
      throw new FollowUpError('forbidden', 'forbidden', `This token is for ${own.slug} only; it cannot act for ${slug}.`, 'organisation');
    }
    return own;
  }
  if (slug === undefined) {
    throw new FollowUpError('invalid', 'invalid_request', 'organisation: required for a token of every organisation', 'organisation');
  }
  const found = await db.organisation.findUnique({ where: { slug }, select });
  if (!found) throw new FollowUpError('invalid', 'unknown_organisation', `organisation: "${slug}" is not known`, 'organisation');
  return found;
}
