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
    return remembered(this.serviceSlugs, serviceId, async () => {
      const row = await one(db.query<{ slug: string }>(`SELECT "slug" FROM "Service" WHERE "id" = ?`, [serviceId]), 'service', serviceId);
      return row.slug;
    });
  }

  async timeZone(db: TSqlExecutor, organisationId: string): Promise<string> {
    return remembered(this.timeZones, organisationId, async () => {
      const query = db.query<{ timeZone: string }>(`SELECT "timeZone" FROM "Organisation" WHERE "id" = ?`, [organisationId]);
      return (await one(query, 'organisation', organisationId)).timeZone;
    });
  }

  async surveyVersion(db: TSqlExecutor, surveyVersionId: string): Promise<{ surveyId: string; version: number }> {
    return remembered(this.versions, surveyVersionId, () =>
      one(db.query<{ surveyId: string; version: number }>(`SELECT "surveyId", "version" FROM "SurveyVersion" WHERE "id" = ?`, [surveyVersionId]), 'survey version', surveyVersionId),
    );
  }
}

async function remembered<T>(facts: Map<string, T>, id: string, load: () => Promise<T>): Promise<T> {
  let fact = facts.get(id);
  if (fact === undefined) {
    fact = await load();
    facts.set(id, fact);
  }
  return fact;
}

async function one<T>(rows: Promise<T[]>, kind: string, id: string): Promise<T> {
  const [row] = await rows;
  if (!row) throw new Error(`${kind} ${id} does not exist`);
  return row;
}
