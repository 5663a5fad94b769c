import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisations } from '../../src/db/seed';
import { loadSurveys, surveyHash, SurveyDefinitionError, type TLoadedSurvey } from '../../src/surveys/loader';
import { registerSurveys } from '../../src/surveys/registry';
import { createTestDatabase, type TTestDatabase } from '../support/database';

let database: TTestDatabase;
const shipped = loadSurveys();

beforeAll(async () => {
  database = await createTestDatabase();
  await seedOrganisations(database.prisma);
});
afterAll(() => database.destroy());

function changed(loaded: TLoadedSurvey, version: number): ReadonlyMap<string, TLoadedSurvey> {
  const definition = { ...loaded.definition, version, questions: loaded.definition.questions.slice(1) };
  return new Map([[definition.id, { ...loaded, definition, hash: surveyHash(definition) }]]);
}

describe('survey registration', () => {
  it('registers every shipped survey once, however often the service starts', async () => {
    const first = await registerSurveys(database.prisma, shipped);
    const second = await registerSurveys(database.prisma, shipped);
    expect((await second.latest('meethuis'))?.versionId).toBe((await first.latest('meethuis'))?.versionId);
    expect(await database.prisma.surveyVersion.count()).toBe(shipped.size);
  });

  it('stops start-up when a file changed but kept its version', async () => {
    const meethuis = shipped.get('meethuis')!;
    const attempt = registerSurveys(database.prisma, changed(meethuis, meethuis.definition.version));
    await expect(attempt).rejects.toBeInstanceOf(SurveyDefinitionError);
    await expect(attempt).rejects.toThrow(/version: .*bump the version/);
  });

  it('adds a changed survey as a new version and keeps the old one readable for its answers', async () => {
    const meethuis = shipped.get('meethuis')!;
    const before = await registerSurveys(database.prisma, shipped);
    const oldVersionId = (await before.latest('meethuis'))!.versionId;
    const after = await registerSurveys(database.prisma, changed(meethuis, meethuis.definition.version + 1));
    expect((await after.latest('meethuis'))!.versionId).not.toBe(oldVersionId);
    expect((await after.version(oldVersionId)).survey.questions).toHaveLength(meethuis.definition.questions.length);
  });

  it("gives an organisation its own variant and everyone else the shared survey", async () => {
    const catalog = await registerSurveys(database.prisma, shipped);
    const bonaire = await database.prisma.organisation.findUniqueOrThrow({ where: { slug: 'bonaire' } });
    const demo = await database.prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    expect((await catalog.forOrganisation(bonaire.id)).survey.extends).toBe('meethuis');
    expect((await catalog.forOrganisation(demo.id)).survey.id).toBe('meethuis');
  });
});
