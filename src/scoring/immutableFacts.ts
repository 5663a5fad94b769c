import type { TDb } from '../db/client';

/**
 * Facts that never change once their row exists: a service's slug, an organisation's time zone, a survey
 * version's survey and number. Remembering them is safe on any number of replicas (nothing a second replica
 * would need is lost with a process), and it spares every answer three lookups.
 */
export class ImmutableFacts {
  private readonly serviceSlugs = new Map<string, string>();
  private readonly timeZones = new Map<string, string>();
  private readonly versions = new Map<string, { surveyId: string; version: number }>();

  async serviceSlug(db: TDb, serviceId: string): Promise<string> {
    let slug = this.serviceSlugs.get(serviceId);
    if (slug === undefined) {
      slug = (await db.service.findUniqueOrThrow({ where: { id: serviceId }, select: { slug: true } })).slug;
      this.serviceSlugs.set(serviceId, slug);
    }
    return slug;
  }

  async timeZone(db: TDb, organisationId: string): Promise<string> {
    let zone = this.timeZones.get(organisationId);
    if (zone === undefined) {
      zone = (await db.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { timeZone: true } })).timeZone;
      this.timeZones.set(organisationId, zone);
    }
    return zone;
  }

  async surveyVersion(db: TDb, surveyVersionId: string): Promise<{ surveyId: string; version: number }> {
    let version = this.versions.get(surveyVersionId);
    if (version === undefined) {
      version = await db.surveyVersion.findUniqueOrThrow({ where: { id: surveyVersionId }, select: { surveyId: true, version: true } });
      this.versions.set(surveyVersionId, version);
    }
    return version;
  }
}
