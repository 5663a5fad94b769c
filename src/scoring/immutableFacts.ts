import type { TSqlExecutor } from '../db/sql';

/**
 * Facts that never change once their row exists: a service's slug, an organisation's time zone, a survey
 * version's survey and number. Remembering them is safe on any number of replicas (nothing a second replica
 * would need is lost with a process), and it spares every answer three lookups.
 */
export class ImmutableFacts {
  private readonly serviceSlugs = new Map<string, string>();
  private readonly timeZones = new Map<string, string>();
  private readonly versions = new Map<string, { surveyId: string; version: number }>();

  async serviceSlug(db: TSqlExecutor, serviceId: string): Promise<string> {
    let slug = this.serviceSlugs.get(serviceId);
    if (slug === undefined) {
      slug = (await one(db.query<{ slug: string }>(`SELECT "slug" FROM "Service" WHERE "id" = ?`, [serviceId]), 'service', serviceId)).slug;
      this.serviceSlugs.set(serviceId, slug);
    }
    return slug;
  }

  async timeZone(db: TSqlExecutor, organisationId: string): Promise<string> {
    let zone = this.timeZones.get(organisationId);
    if (zone === undefined) {
      const query = db.query<{ timeZone: string }>(`SELECT "timeZone" FROM "Organisation" WHERE "id" = ?`, [organisationId]);
      zone = (await one(query, 'organisation', organisationId)).timeZone;
      this.timeZones.set(organisationId, zone);
    }
    return zone;
  }

  async surveyVersion(db: TSqlExecutor, surveyVersionId: string): Promise<{ surveyId: string; version: number }> {
    let version = this.versions.get(surveyVersionId);
    if (version === undefined) {
      const query = db.query<{ surveyId: string; version: number }>(`SELECT "surveyId", "version" FROM "SurveyVersion" WHERE "id" = ?`, [surveyVersionId]);
      version = await one(query, 'survey version', surveyVersionId);
      this.versions.set(surveyVersionId, version);
    }
    return version;
  }
}

async function one<T>(rows: Promise<T[]>, kind: string, id: string): Promise<T> {
  const [row] = await rows;
  if (!row) throw new Error(`${kind} ${id} does not exist`);
  return row;
}
