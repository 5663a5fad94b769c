import type { TPrisma } from '../db/client';
import { SurveyDefinitionError, type TLoadedSurvey } from './loader';
import { ZSurvey, type TSurvey } from './schema';
import { SettingsWatch } from '../organisations/settingsVersion';

/** The shared Meethuis survey: the core every variant extends, and the survey of an organisation without one. */
export const SHARED_SURVEY = 'meethuis';

export interface TSurveyVersion {
  /** The SurveyVersion row every answer of this version points at. */
  versionId: string;
  organisationId: string;
  survey: TSurvey;
}

/** The counter raised when an organisation publishes a version of its survey. */
export const SURVEY_SETTINGS = 'surveys';

/**
 * The surveys the service runs: for each, its newest registered version (a file's, or one an admin published).
 * Versions are immutable, so a version read once may be kept; which one is newest is read again when the survey
 * counter moves, so a version published on any replica is started on every replica within a second or so.
 */
export class SurveyCatalog {
  private readonly byVersionId = new Map<string, TSurveyVersion>();
  private newest: Promise<ReadonlyMap<string, TSurveyVersion>> | undefined;
  private readonly watch: SettingsWatch;

  constructor(
    private readonly prisma: TPrisma,
    watch?: SettingsWatch,
  ) {
    this.watch = watch ?? new SettingsWatch(prisma, SURVEY_SETTINGS);
  }

  /** The version new responses to this survey start on, or undefined for an unknown survey. */
  async latest(surveyId: string): Promise<TSurveyVersion | undefined> {
    return (await this.current()).get(surveyId);
  }

  /** The survey an organisation's residents get: its own variant if it has one, else the shared `meethuis`. */
  async forOrganisation(organisationId: string): Promise<TSurveyVersion> {
    const current = await this.current();
    for (const version of current.values()) {
      if (version.organisationId === organisationId && version.survey.extends) return version;
    }
    const shared = current.get(SHARED_SURVEY) ?? [...current.values()][0];
    if (!shared) throw new Error('no survey is registered');
    return shared;
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

  private async current(): Promise<ReadonlyMap<string, TSurveyVersion>> {
    if (this.newest === undefined || (await this.watch.changed())) {
      this.newest = this.readNewest();
      // A failed read is not remembered: the next turn asks again.
      this.newest.catch(() => (this.newest = undefined));
    }
    return this.newest;
  }

  private async readNewest(): Promise<ReadonlyMap<string, TSurveyVersion>> {
    const surveys = await this.prisma.survey.findMany({
      select: { id: true, organisationId: true, versions: { orderBy: { version: 'desc' }, take: 1, select: { id: true } } },
      orderBy: { id: 'asc' },
    });
    const newest = new Map<string, TSurveyVersion>();
    for (const survey of surveys) {
      const row = survey.versions[0];
      if (row) newest.set(survey.id, await this.version(row.id));
    }
    return newest;
  }
}

/**
 * Registers every loaded survey: a new version gets a row; a known version must have the same content.
 * A file changed without bumping its version would silently change what earlier answers meant: that
 * stops start-up instead.
 */
export async function registerSurveys(prisma: TPrisma, surveys: ReadonlyMap<string, TLoadedSurvey>): Promise<SurveyCatalog> {
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
  }
  return new SurveyCatalog(prisma);
}
