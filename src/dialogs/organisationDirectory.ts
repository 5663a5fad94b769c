import { systemClock, type TClock } from '../kernel/clock';
import type { TPrisma } from '../db/client';
import { ZLocalisedName, type TLocalisedName } from '../db/seed';

export interface TOrganisationInfo {
  id: string;
  slug: string;
  names: TLocalisedName;
  /** How to reach a person (help); '' when the organisation gave none. */
  contact: string;
  /** Where to complain (help); '' when the organisation gave none. */
  complaints: string;
}

export interface TServiceInfo {
  id: string;
  slug: string;
  names: TLocalisedName;
}

/** The organisations and services a conversation names, as the survey dialogs need them. */
export interface TOrganisationDirectory {
  organisationBySlug(slug: string): Promise<TOrganisationInfo | undefined>;
  organisationById(id: string): Promise<TOrganisationInfo | undefined>;
  serviceBySlug(organisationId: string, slug: string): Promise<TServiceInfo | undefined>;
  serviceById(id: string): Promise<TServiceInfo | undefined>;
}

const ORGANISATION_SELECT = { id: true, slug: true, names: true, contact: true, complaints: true } as const;
const SERVICE_SELECT = { id: true, slug: true, names: true } as const;

/**
 * Organisations and services from the database. Rows are remembered for a few minutes: they change only
 * when the seed or an admin changes them, and a greeting per turn should not cost a query.
 */
export class PrismaOrganisationDirectory implements TOrganisationDirectory {
  private readonly cache = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly prisma: TPrisma,
    private readonly ttlMs = 5 * 60_000,
    private readonly clock: TClock = systemClock,
  ) {}

  organisationBySlug(slug: string): Promise<TOrganisationInfo | undefined> {
    return this.remember(`org-slug:${slug}`, async () =>
      toOrganisation(await this.prisma.organisation.findUnique({ where: { slug }, select: ORGANISATION_SELECT })),
    );
  }

  organisationById(id: string): Promise<TOrganisationInfo | undefined> {
    return this.remember(`org-id:${id}`, async () =>
      toOrganisation(await this.prisma.organisation.findUnique({ where: { id }, select: ORGANISATION_SELECT })),
    );
  }

  serviceBySlug(organisationId: string, slug: string): Promise<TServiceInfo | undefined> {
    return this.remember(`service-slug:${organisationId}:${slug}`, async () =>
      toService(
        await this.prisma.service.findUnique({ where: { organisationId_slug: { organisationId, slug } }, select: SERVICE_SELECT }),
      ),
    );
  }

  serviceById(id: string): Promise<TServiceInfo | undefined> {
    return this.remember(`service-id:${id}`, async () =>
      toService(await this.prisma.service.findUnique({ where: { id }, select: SERVICE_SELECT })),
    );
  }

  private async remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock().getTime();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value as T;
    const value = await load();
    this.cache.set(key, { at: now, value });
    return value;
  }
}

function toOrganisation(
  row: { id: string; slug: string; names: string; contact: string; complaints: string } | null,
): TOrganisationInfo | undefined {
  if (!row) return undefined;
  return { ...row, names: ZLocalisedName.parse(JSON.parse(row.names)) };
}

function toService(row: { id: string; slug: string; names: string } | null): TServiceInfo | undefined {
  if (!row) return undefined;
  return { ...row, names: ZLocalisedName.parse(JSON.parse(row.names)) };
}
