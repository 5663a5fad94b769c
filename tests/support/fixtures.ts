import { randomBytes } from 'node:crypto';
import type { TDb } from '../../src/db/client';
import { seedOrganisations } from '../../src/db/seed';
import type { TNewResponse } from '../../src/scoring/answerStore';

/** Seeds the organisations and a survey version as start-up does; returns ids tests need. */
export async function seedBasics(db: TDb, surveyId = 'meethuis', version = 1) {
  await seedOrganisations(db);
  const demo = await db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  const bonaire = await db.organisation.findUniqueOrThrow({ where: { slug: 'bonaire' } });
  await db.survey.upsert({ where: { id: surveyId }, create: { id: surveyId, organisationId: demo.id }, update: {} });
  const surveyVersion = await db.surveyVersion.upsert({
    where: { surveyId_version: { surveyId, version } },
    create: { surveyId, version, contentHash: `hash-${version}`, definition: '{}' },
    update: {},
  });
  const paspoort = await db.service.findFirstOrThrow({ where: { organisationId: demo.id, slug: 'paspoort' } });
  return { demo, bonaire, surveyVersion, paspoort };
}

/** A new response's dimensions with sensible defaults; override what the test is about. */
export function makeNewResponse(base: { organisationId: string; surveyVersionId: string }, overrides: Partial<TNewResponse> = {}): TNewResponse {
  const resident = randomBytes(6).toString('hex');
  return {
    chatChannel: 'webchat',
    language: 'nl',
    source: 'self',
    residentKey: `resident-${resident}`,
    conversationKey: `conversation-${resident}`,
    ...base,
    ...overrides,
  };
}
