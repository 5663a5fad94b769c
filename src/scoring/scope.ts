import type { TPrisma } from '../db/client';
import { KpiQueryError, type TScope } from './kpiContract';

/**
 * The organisations a question about responses may cover: the ones it names (each must exist), narrowed to the
 * caller's own when the caller is scoped; naming another organisation is refused. Undefined: every organisation.
 */
export async function organisationsInScope(prisma: TPrisma, named: readonly string[] | undefined, scope: TScope): Promise<string[] | undefined> {
  let organisationIds: string[] | undefined;
  if (named) {
    const found = await prisma.organisation.findMany({ where: { slug: { in: [...named] } }, select: { id: true, slug: true } });
    const missing = named.find((slug) => !found.some((organisation) => organisation.slug === slug));
    if (missing) throw new KpiQueryError('invalid', 'unknown_organisation', `organisation: no organisation "${missing}"`, 'organisation');
    organisationIds = found.map((organisation) => organisation.id);
    if (scope.organisationId !== null && organisationIds.some((id) => id !== scope.organisationId)) {
      throw new KpiQueryError('forbidden', 'forbidden', 'This token may only see its own organisation.', 'organisation');
    }
  }
  return scope.organisationId !== null ? [scope.organisationId] : organisationIds;
}

/** Every named service must exist in the organisations covered. */
export async function checkServicesExist(prisma: TPrisma, named: readonly string[], organisationIds: readonly string[] | undefined): Promise<void> {
  const where = { slug: { in: [...named] }, ...(organisationIds ? { organisationId: { in: [...organisationIds] } } : {}) };
  const known = new Set((await prisma.service.findMany({ where, select: { slug: true } })).map((service) => service.slug));
  const missing = named.find((slug) => !known.has(slug));
  if (missing) throw new KpiQueryError('invalid', 'unknown_service', `service: no service "${missing}"`, 'service');
}
