import type { TActor } from '../kernel/audit';
import { AppError } from '../kernel/errors';

/**
 * The organisation an admin names, found by `find`, if the admin may manage it: its own for a scoped admin (another
 * one is a 403, whether it exists or not, so a scoped admin learns nothing of others), any for an admin of every
 * organisation (an unknown one is a 404).
 */
export async function manageableOrganisation<TRow extends { id: string }>(actor: TActor, slug: string, find: (slug: string) => Promise<TRow | null>): Promise<TRow> {
  const row = await find(slug);
  if (actor.organisationId !== null && row?.id !== actor.organisationId) {
    throw new AppError('forbidden', 'forbidden', `This token may manage its own organisation only, not "${slug}".`, 'organisation');
  }
  if (!row) throw new AppError('not-found', 'not_found', `There is no organisation "${slug}".`);
  return row;
}
