import type { TPrisma } from '../db/client';
import { ZLocalisedName, type TLocalisedName } from '../organisations/model';
import { DIRECTORY_SETTINGS, SettingsWatch } from '../organisations/settingsVersion';

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
  /** A service that is offered (not retired). */
  serviceBySlug(organisationId: string, slug: string): Promise<TServiceInfo | undefined>;
  /** Any service, also a retired one that a conversation or follow-up from before names. */
  serviceById(id: string): Promise<TServiceInfo | undefined>;
}

const ORGANISATION_SELECT = { id: true, slug: true, names: true, contact: true, complaints: true } as const;
const SERVICE_SELECT = { id: true, slug: true, names: true } as const;

/**
 * Organisations and services from the database. Rows are remembered until an admin changes any of them (on any
 * replica): a greeting per turn should not cost a query, and a changed contact number must reach residents at once.
 */
export class PrismaOrganisationDirectory implements TOrganisationDirectory {
  private readonly cache = new Map<string, unknown>();
  private readonly watch: SettingsWatch;

  constructor(private readonly prisma: TPrisma, watch?: SettingsWatch) {
    this.watch = watch ?? new SettingsWatch(prisma, DIRECTORY_SETTINGS);
  }

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
        await this.prisma.service.findFirst({ where: { organisationId, slug, retiredAt: null }, select: SERVICE_SELECT }),
      ),
    );
  }

  serviceById(id: string): Promise<TServiceInfo | undefined> {
    return this.remember(`service-id:${id}`, async () =>
      toService(await this.prisma.service.findUnique({ where: { id }, select: SERVICE_SELECT })),
    );
  }

  private async remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (await this.watch.changed()) this.cache.clear();
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = await load();
    this.cache.set(key, value);
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
