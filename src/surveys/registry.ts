import type { TPrisma } from '../db/client';
import { SurveyDefinitionError, type TLoadedSurvey } from './loader';
import { ZSurvey, type TSurvey } from './schema';

export interface TSurveyVersion {
  /** The SurveyVersion row every answer of this version points at. */
  versionId: string;
  organisationId: string;
  survey: TSurvey;
}

/**
 * The surveys the service runs, each pinned to its registered version. Versions are immutable, so what is
 * read once may be kept: a second replica reads the same rows and gets the same answer.
 */
export class SurveyCatalog {
  private readonly byVersionId = new Map<string, TSurveyVersion>();

  constructor(
    private readonly prisma: TPrisma,
    private readonly current: ReadonlyMap<string, TSurveyVersion>,
  ) {
    for (const version of current.values()) this.byVersionId.set(version.versionId, version);
  }

  /** The version new responses to this survey start on, or undefined for an unknown survey. */
  latest(surveyId: string): TSurveyVersion | undefined {
    return this.current.get(surveyId);
  }

  /** The survey an organisation's residents get: its own variant if it has one, else the shared `meethuis`. */
  forOrganisation(organisationId: string): TSurveyVersion {
    for (const version of this.current.values()) {
      if (version.organisationId === organisationId && version.survey.extends) return version;
    }
    return this.current.get('meethuis') ?? [...this.current.values()][0]!;
  }

  ids(): string[] {
    return [...this.current.keys()];
  }

  /** Any registered version, also an older one a resident is still answering. */
  async version(versionId: string): Promise<TSurveyVersion> {
    const known = this.byVersionId.get(versionId);
    if (known) return known;
    const row = await this.prisma.surveyVersion.findUniqueOrThrow({
      where: { id: versionId },
      select: { id: true, definition: true, survey: { select: { organisationId: true } } },
    });
    const version = { versionId: row.id, organisationId: row.survey.organisationId, survey: ZSurvey.parse(JSON.parse(row.definition)) };
    this.byVersionId.set(versionId, version);
    return version;
  }
}

/**
 * Registers every loaded survey: a new version gets a row; a known version must have the same content.
 * A file changed without bumping its version would silently change what earlier answers meant: that
 * stops start-up instead.
 */
export async function registerSurveys(prisma: TPrisma, surveys: ReadonlyMap<string, TLoadedSurvey>): Promise<SurveyCatalog> {
  const current = new Map<string, TSurveyVersion>();
  for (const { definition, hash, file } of surveys.values()) {
    const organisation = await prisma.organisation.findUnique({ where: { slug: definition.organisation }, select: { id: true } });
    if (!organisation) throw new SurveyDefinitionError(file, 'organisation', `unknown organisation "${definition.organisation}" (see prisma/seed/organisations.json)`);
    await prisma.survey.upsert({
      where: { id: definition.id },
      create: { id: definition.id, organisationId: organisation.id },
      update: {},
    });
    const key = { surveyId_version: { surveyId: definition.id, version: definition.version } };
    let row = await prisma.surveyVersion.findUnique({ where: key, select: { id: true, contentHash: true } });
    if (!row) {
      row = await prisma.surveyVersion
        .create({ data: { surveyId: definition.id, version: definition.version, contentHash: hash, definition: JSON.stringify(definition) }, select: { id: true, contentHash: true } })
        // Another replica registered it at the same moment.
        .catch(async () => prisma.surveyVersion.findUniqueOrThrow({ where: key, select: { id: true, contentHash: true } }));
    }
    if (row.contentHash !== hash) {
      throw new SurveyDefinitionError(file, 'version', `the content changed but version ${definition.version} is already in use: bump the version`);
    }
    current.set(definition.id, { versionId: row.id, organisationId: organisation.id, survey: definition });
  }
  return new SurveyCatalog(prisma, current);
}
