import type { TDatabase, TDb } from '../../src/db/client';
import { AnswerStore } from '../../src/scoring/answerStore';
import type { TRawResponse } from './independent';
import { seededRandom } from '../../bench/support';

export const DRIVERS = ['ease', 'speed', 'clarity', 'seriousness', 'empathy', 'thinkingAlong', 'reliability'];
/** A location value that would run as a formula in a spreadsheet: every CSV must defuse it. */
export const FORMULA_LOCATION = '=HYPERLINK("http://evil.example")';
/** Free text that would run as a formula (no personal data, so the scrubber leaves it). */
export const FORMULA_TEXT = '=1+2 beter uitleggen';
/** Free text whose formula starts after a separator: a spreadsheet that splits on `;` would run it. */
export const SPLIT_FORMULA_TEXT = "PVT;=cmd|' /C calc'!A0;";


export interface TSeedResult {
  demoId: string;
  bonaireId: string;
  statiaId: string;
}

interface TPlan {
  organisationId: string;
  surveyVersionId: string;
  serviceId: string | null;
  language: 'nl' | 'pap' | 'en';
  location: string | null;
  chatChannel: string;
  startedAt: Date;
  askRecommend: boolean;
}

/**
 * Seeds known answers through the answer store, the bot's own write path: three organisations, three languages,
 * several services and locations, "don't know" and skipped answers, re-answers, partial and abandoned responses,
 * a language switch, an erased resident and a response started without any answer.
 */
export async function seedKnownAnswers(database: TDatabase): Promise<TSeedResult> {
  const { prisma } = database;
  const random = seededRandom(20260115);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let now = new Date('2026-01-05T10:00:00Z');
  const store = new AnswerStore(database, () => now);

  const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  const bonaire = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'bonaire' } });
  const statia = await prisma.organisation.upsert({
    where: { slug: 'statia' },
    create: { slug: 'statia', names: JSON.stringify({ nl: 'Sint Eustatius', pap: 'Statia', en: 'St. Eustatius' }), timeZone: 'America/Kralendijk' },
    update: {},
  });
  const meethuis = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' }, orderBy: { version: 'desc' } });
  const bonaireSurvey = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'bonaire' }, orderBy: { version: 'desc' } });
  const services = async (organisationId: string) => prisma.service.findMany({ where: { organisationId }, orderBy: { slug: 'asc' } });
  const demoServices = (await services(demo.id)).filter((service) => ['paspoort', 'rijbewijs', 'afval'].includes(service.slug));
  const bonaireServices = await services(bonaire.id);

  const plans: TPlan[] = [];
  const languages = [...Array(70).fill('nl'), ...Array(25).fill('pap'), ...Array(20).fill('en')] as Array<'nl' | 'pap' | 'en'>;
  languages.forEach((language, index) => {
    plans.push({
      organisationId: demo.id,
      surveyVersionId: meethuis.id,
      serviceId: demoServices[index % demoServices.length]!.id,
      language,
      // 12 in Zeist, 3 with a location that is a formula (a small group: suppressed, yet its key is shown).
      location: index % 30 === 7 ? FORMULA_LOCATION : index % 7 === 3 ? 'Zeist' : 'Utrecht',
      chatChannel: index % 4 === 0 ? 'msteams' : 'webchat',
      startedAt: new Date(Date.UTC(2026, 0, 5) + Math.floor(random() * 82) * 86_400_000 + Math.floor(random() * 86_400_000)),
      askRecommend: random() < 0.6,
    });
  });
  // Just before midnight UTC is already the next day in Amsterdam: the day must be cut in the organisation's zone.
  plans[0]!.startedAt = new Date('2026-01-31T23:30:00Z');
  for (let index = 0; index < 25; index++) {
    plans.push({
      organisationId: bonaire.id,
      surveyVersionId: bonaireSurvey.id,
      serviceId: bonaireServices[index % bonaireServices.length]!.id,
      language: index % 3 === 0 ? 'en' : 'pap',
      location: 'Bonaire',
      chatChannel: 'webchat',
      startedAt: new Date(Date.UTC(2026, 0, 10) + Math.floor(random() * 60) * 86_400_000 + 15 * 3_600_000),
      askRecommend: false,
    });
  }
  for (let index = 0; index < 15; index++) {
    plans.push({
      organisationId: statia.id,
      surveyVersionId: meethuis.id,
      serviceId: null,
      language: 'en',
      location: 'Sint Eustatius',
      chatChannel: 'msteams',
      startedAt: new Date(Date.UTC(2026, 0, 12) + Math.floor(random() * 50) * 86_400_000 + 15 * 3_600_000),
      askRecommend: false,
    });
  }

  let residents = 0;
  for (const plan of plans) {
    now = plan.startedAt;
    residents++;
    const response = await store.startResponse({
      surveyVersionId: plan.surveyVersionId,
      organisationId: plan.organisationId,
      serviceId: plan.serviceId,
      chatChannel: plan.chatChannel,
      language: plan.language,
      location: plan.location,
      source: 'self',
      residentKey: `resident-${residents}`,
      conversationKey: `conversation-${residents}`,
    });
    const measures = ['satisfaction', 'effort', ...DRIVERS, 'trust', ...(plan.askRecommend ? ['recommend'] : [])];
    const partial = random() < 0.15;
    const stopAfter = partial ? 1 + Math.floor(random() * (measures.length - 1)) : measures.length;
    // Answers lean on a latent experience so that drivers and outcomes correlate, as they do in real surveys.
    const experience = random();
    for (const measure of measures.slice(0, stopAfter)) {
      const roll = random();
      const max = measure === 'effort' ? 7 : measure === 'recommend' ? 10 : 5;
      const min = measure === 'recommend' ? 0 : 1;
      const value = Math.max(min, Math.min(max, Math.round(min + (max - min) * (0.6 * experience + 0.4 * random()))));
      const canDontKnow = DRIVERS.includes(measure) || measure === 'trust';
      if (canDontKnow && roll < 0.07) await store.recordAnswer(response.id, { questionKey: measure, measure, dontKnow: true });
      else if (roll < 0.12) await store.recordAnswer(response.id, { questionKey: measure, measure, skipped: true });
      else {
        if (roll > 0.95) await store.recordAnswer(response.id, { questionKey: measure, measure, value: pick([min, max]) });
        await store.recordAnswer(response.id, { questionKey: measure, measure, value });
      }
    }
    if (!partial && plan.organisationId === demo.id && residents % 9 === 0) {
      await store.recordAnswer(response.id, { questionKey: 'improvement', text: FORMULA_TEXT });
    }
    if (!partial && plan.organisationId === demo.id && residents % 9 === 1) {
      await store.recordAnswer(response.id, { questionKey: 'improvement', text: SPLIT_FORMULA_TEXT });
    }
    if (plan.language === 'pap' && residents % 10 === 1) await store.setLanguage(response.id, 'nl');
    if (!partial) await store.completeResponse(response.id);
    else if (random() < 0.5) await store.markAbandoned(new Date(now.getTime() + 1));
  }
  // Started, never answered: no figure may count it.
  now = new Date('2026-02-10T10:00:00Z');
  await store.startResponse({ surveyVersionId: meethuis.id, organisationId: demo.id, chatChannel: 'webchat', language: 'nl', source: 'self', residentKey: 'silent', conversationKey: 'silent' });
  // Erased on request: counted, then subtracted again.
  now = new Date('2026-02-11T10:00:00Z');
  const erased = await store.startResponse({ surveyVersionId: meethuis.id, organisationId: demo.id, chatChannel: 'webchat', language: 'nl', source: 'self', residentKey: 'erase-me', conversationKey: 'erase-me' });
  await store.recordAnswer(erased.id, { questionKey: 'satisfaction', measure: 'satisfaction', value: 1 });
  await store.eraseResident('erase-me');
  return { demoId: demo.id, bonaireId: bonaire.id, statiaId: statia.id };
}

/** Every stored response with its answers, as raw rows: the input of the independent computation. */
export async function rawResponses(db: TDb): Promise<TRawResponse[]> {
  const rows = await db.response.findMany({
    include: { answers: true, organisation: { select: { slug: true, timeZone: true } }, service: { select: { slug: true } }, surveyVersion: { select: { surveyId: true } } },
  });
  return rows.map((row) => {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: row.organisation.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(row.startedAt);
    return {
      organisation: row.organisation.slug,
      service: row.service?.slug ?? null,
      language: row.language,
      location: row.location,
      chatChannel: row.chatChannel,
      surveyId: row.surveyVersion.surveyId,
      day,
      completed: row.status === 'completed',
      answers: Object.fromEntries(row.answers.map((answer) => [answer.measure ?? answer.questionKey, { value: answer.value, dontKnow: answer.dontKnow, skipped: answer.skipped }])),
      answerCount: row.answers.length,
    };
  });
}
