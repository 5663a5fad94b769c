import type { TDatabase } from '../db/client';
import { zonedTime } from '../kernel/calendar';
import { seededRandom } from '../kernel/seededRandom';
import type { TLanguage } from '../i18n/languages';
import { YES_NO_VALUES, ZSurvey, type TQuestion } from '../surveys/schema';
import type { AnswerStore, TGivenAnswer } from './answerStore';
import { BatchAnswerWriter, type TBatchResponse } from './batchImport';

/**
 * A year of sample responses for one organisation, so that a fresh install's dashboard has something to show and an
 * analyst can see what it will look like. Deterministic: the same seed and the same day give the same responses.
 * They are written through the batch write path as any import (scrubbed, rolled up), marked `source: demo`, and
 * recorded in DemoData so that `demo-data --remove` takes exactly them away and a later start does not bring them
 * back.
 */

export const DEMO_SEED = 20261205;
export const DEMO_RESPONSES = 3000;

interface TRandom {
  next: () => number;
  /** Standard normal (Box–Muller). */
  normal: () => number;
  pick: <T>(weighted: readonly (readonly [T, number])[]) => T;
  int: (min: number, max: number) => number;
}

function random(seed: number): TRandom {
  const next = seededRandom(seed);
  return {
    next,
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    pick: (weighted) => {
      const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
      let at = next() * total;
      for (const [value, weight] of weighted) {
        at -= weight;
        if (at < 0) return value;
      }
      return weighted[weighted.length - 1]![0];
    },
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/**
 * Per driver: how strongly it moves the outcomes, and how well the organisation does on it. Unequal on purpose, so
 * the priority matrix has something to say (speed matters and scores low: improve that first).
 */
const DRIVERS: Record<string, { weight: number; level: number }> = {
  ease: { weight: 0.9, level: 0.2 },
  speed: { weight: 1.2, level: -0.6 },
  clarity: { weight: 0.7, level: -0.2 },
  seriousness: { weight: 1.0, level: 0.1 },
  empathy: { weight: 0.3, level: 0.5 },
  thinkingAlong: { weight: 0.6, level: 0 },
  reliability: { weight: 1.4, level: -0.3 },
};
const TOTAL_WEIGHT = Object.values(DRIVERS).reduce((sum, driver) => sum + driver.weight, 0);

/** What residents write when asked what could be better, as they write it (the scrubber still sees every text). */
const OPEN_ANSWERS: Record<TLanguage, readonly string[]> = {
  nl: [
    'Het duurde lang voordat ik iemand aan de lijn had.',
    'Prima geholpen, dank u wel.',
    'De website was niet duidelijk over welke papieren ik mee moest nemen.',
    'Graag een afspraak ook op zaterdag.',
    'Ik moest mijn verhaal twee keer vertellen.',
    'Vriendelijke medewerker, snel geregeld.',
    'De brief was vol moeilijke woorden, ik snapte niet wat ik moest doen.',
    'Ze zouden me terugbellen maar ik heb niets meer gehoord.',
    'Inloggen met DigiD lukte niet op mijn telefoon.',
    'De leges voor een paspoort zijn wel erg hoog.',
    'Mijn probleem is nog steeds niet opgelost.',
    'Drie formulieren invullen voor één aanvraag is te veel.',
    'De medewerker luisterde echt naar mij.',
    'Niks, het was goed zo.',
  ],
  pap: [
    'Mi a warda hopi largu pa papia ku un hende.',
    'Nan a yuda mi bon, danki.',
    'E website no tabata kla tokante kua papel mi mester trese.',
    'Mi ta kontentu ku e atenshon.',
    'Nan a bisa ku lo yama mi bèk, pero nunka a yama.',
    'E empleado tabata masha amabel.',
    'Mi mester a bini tres biaha ku otro dokumento.',
    'No tin hende ta kontestá telefòn.',
    'E kosto di e pèrmit ta karu.',
  ],
  en: [
    'It took a long time before someone answered the phone.',
    'Helpful staff, thank you.',
    'The letter was hard to understand.',
    'Please send a reminder before the appointment.',
    'They promised to call me back and never did.',
    'The online form kept giving an error.',
    'My problem still is not solved.',
    'The fee is too expensive for us on Saba.',
  ],
};

const CONTACT_CHANNELS = [
  ['telefoon', 40],
  ['balie', 25],
  ['website', 15],
  ['chat', 10],
  ['email', 8],
  ['brief', 2],
] as const;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));

export interface TDemoOrganisation {
  id: string;
  timeZone: string;
  services: { id: string; slug: string }[];
  places: string[];
}

export interface TDemoSurvey {
  versionId: string;
  questions: readonly TQuestion[];
}

/** The responses themselves: a pure function of the seed, the day and what the organisation and survey are. */
export function demoResponses(organisation: TDemoOrganisation, survey: TDemoSurvey, today: Date, count = DEMO_RESPONSES, seed = DEMO_SEED): TBatchResponse[] {
  const rng = random(seed);
  // One service is the one residents struggle with, one the one that goes well.
  const serviceMood = new Map(organisation.services.map((service, index) => [service.id, index === 0 ? -0.6 : index === 1 ? 0.5 : rng.normal() * 0.2]));
  const responses: TBatchResponse[] = [];
  for (let index = 0; index < count; index++) {
    // More responses lately (the survey found its public), and a dip in quality in the summer months.
    const daysAgo = Math.floor(365 * (1 - Math.sqrt(rng.next())));
    const local = new Date(today.getTime() - daysAgo * 86_400_000);
    const startedAt = zonedTime(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), rng.int(8, 19), organisation.timeZone);
    startedAt.setUTCMinutes(rng.int(0, 59));
    const service = organisation.services.length ? rng.pick(organisation.services.map((candidate) => [candidate, 1] as const)) : null;
    const summer = [6, 7].includes(local.getUTCMonth()) ? -0.4 : 0;
    const mood = rng.normal() + (service ? (serviceMood.get(service.id) ?? 0) : 0) + summer;
    const language = rng.pick<TLanguage>([
      ['nl', 72],
      ['pap', 16],
      ['en', 12],
    ]);
    const completed = rng.next() < 0.86;
    const answers = answersOf(survey.questions, mood, language, rng, completed);
    const minutes = rng.int(2, 6);
    responses.push({
      response: {
        surveyVersionId: survey.versionId,
        organisationId: organisation.id,
        serviceId: service?.id ?? null,
        contactChannel: rng.pick(CONTACT_CHANNELS),
        leadTimeDays: rng.next() < 0.7 ? rng.int(0, 40) : null,
        contactCount: rng.next() < 0.7 ? rng.pick([[1, 60], [2, 25], [3, 10], [4, 5]] as const) : null,
        chatChannel: rng.pick([
          ['webchat', 75],
          ['msteams', 25],
        ] as const),
        language,
        location: organisation.places.length ? rng.pick(organisation.places.map((place, at) => [place, at === 0 ? 3 : 1] as const)) : null,
        source: 'demo',
      },
      status: completed ? 'completed' : 'abandoned',
      startedAt,
      completedAt: completed ? new Date(startedAt.getTime() + minutes * 60_000) : null,
      answers,
    });
  }
  return responses;
}

function answersOf(questions: readonly TQuestion[], mood: number, language: TLanguage, rng: TRandom, completed: boolean): TGivenAnswer[] {
  // An abandoned response stops somewhere along the way.
  const asked = completed ? questions : questions.slice(0, rng.int(1, Math.max(1, questions.length - 2)));
  const drivers = new Map<string, number>();
  for (const [driver, { level }] of Object.entries(DRIVERS)) drivers.set(driver, mood * 0.5 + rng.normal() * 0.8 + level);
  // The outcomes follow the drivers, each as much as it matters.
  const driverMean = [...drivers.entries()].reduce((sum, [driver, value]) => sum + value * DRIVERS[driver]!.weight, 0) / TOTAL_WEIGHT;
  const answers: TGivenAnswer[] = [];
  for (const question of asked) {
    const base = { questionKey: question.key, measure: question.measures ?? null };
    if (rng.next() < 0.03) {
      answers.push({ ...base, skipped: true });
      continue;
    }
    const latent = drivers.get(question.key) ?? driverMean * 1.6 + rng.normal() * 0.35;
    switch (question.type) {
      case 'scale5':
        if (question.allowDontKnow && rng.next() < 0.04) answers.push({ ...base, dontKnow: true });
        else answers.push({ ...base, value: clamp(3.7 + latent * 0.9, 1, 5) });
        break;
      case 'effort7':
        answers.push({ ...base, value: clamp(5 + latent * 1.2, 1, 7) });
        break;
      case 'scale0to10':
        answers.push({ ...base, value: clamp(7.2 + latent * 2, 0, 10) });
        break;
      case 'yesno':
        answers.push({ ...base, text: rng.next() < 0.7 ? YES_NO_VALUES[0] : YES_NO_VALUES[1] });
        break;
      case 'choice':
        answers.push({ ...base, text: rng.pick(question.options.map((option) => [option, 1] as const)) });
        break;
      case 'text':
        if (rng.next() < 0.35) answers.push({ ...base, text: rng.pick(OPEN_ANSWERS[language].map((text) => [text, 1] as const)), open: true });
        else answers.push({ ...base, skipped: true });
        break;
    }
  }
  return answers;
}

export interface TDemoDataOptions {
  organisation: string;
  survey: TDemoSurvey;
  today: Date;
  count?: number;
}

/**
 * Writes the demo responses for an organisation unless they were written before (even when removed since).
 * Returns how many were written: 0 when the marker says it was done already.
 */
export async function writeDemoData(database: Pick<TDatabase, 'prisma' | 'sql'>, options: TDemoDataOptions): Promise<number> {
  const { prisma } = database;
  const found = await prisma.organisation.findUnique({
    where: { slug: options.organisation },
    select: { id: true, timeZone: true, services: { select: { id: true, slug: true }, orderBy: { slug: 'asc' } }, places: { select: { name: true }, orderBy: { name: 'asc' } } },
  });
  if (!found) throw new Error(`no organisation "${options.organisation}"`);
  if (await prisma.demoData.findUnique({ where: { organisationId: found.id } })) return 0;
  const organisation = { id: found.id, timeZone: found.timeZone, services: found.services, places: found.places.map((place) => place.name) };
  const responses = demoResponses(organisation, options.survey, options.today, options.count);
  const writer = new BatchAnswerWriter(database);
  for (let index = 0; index < responses.length; index += 250) await writer.writeBatch(responses.slice(index, index + 250));
  await prisma.demoData.create({ data: { organisationId: found.id, responses: responses.length } });
  return responses.length;
}

/** The survey version demo responses answer: the newest version of the survey (the shared Meethuis one). */
export async function demoSurvey(database: Pick<TDatabase, 'prisma'>, surveyId = 'meethuis'): Promise<TDemoSurvey> {
  const version = await database.prisma.surveyVersion.findFirst({ where: { surveyId }, orderBy: { version: 'desc' }, select: { id: true, definition: true } });
  if (!version) throw new Error(`no survey "${surveyId}" is registered`);
  return { versionId: version.id, questions: ZSurvey.parse(JSON.parse(version.definition)).questions };
}

/**
 * Removes an organisation's demo responses with their share of the rollups, and keeps the marker (now saying when
 * they were removed), so they are not written again. Returns how many were removed.
 */
export async function removeDemoData(database: Pick<TDatabase, 'prisma'>, answers: Pick<AnswerStore, 'eraseDemoResponses'>, organisation: string): Promise<number> {
  const found = await database.prisma.organisation.findUnique({ where: { slug: organisation }, select: { id: true } });
  if (!found) throw new Error(`no organisation "${organisation}"`);
  const removed = await answers.eraseDemoResponses(found.id);
  await database.prisma.demoData.upsert({
    where: { organisationId: found.id },
    create: { organisationId: found.id, responses: 0, removedAt: new Date() },
    update: { removedAt: new Date() },
  });
  return removed;
}

/**
 * The first start of an embedded install: sample responses for the `demo` organisation, so every page shows
 * something. Only on SQLite (a PostgreSQL deployment is a real one: `npm run cli -- demo-data` there), only when no
 * response exists yet, and never again once written or removed.
 */
export async function writeDemoDataOnFirstStart(database: Pick<TDatabase, 'prisma' | 'sql' | 'provider'>, setting: 'on' | 'off', today: Date): Promise<number> {
  if (setting === 'off' || database.provider !== 'sqlite') return 0;
  if ((await database.prisma.demoData.count()) > 0 || (await database.prisma.response.count({ take: 1 })) > 0) return 0;
  if (!(await database.prisma.organisation.findUnique({ where: { slug: 'demo' }, select: { id: true } }))) return 0;
  return writeDemoData(database, { organisation: 'demo', survey: await demoSurvey(database), today });
}
