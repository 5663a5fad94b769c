import type { TDatabaseProvider } from '../src/config';
import type { TPrisma } from '../src/db/client';
import { BatchAnswerWriter, type TBatchResponse } from '../src/scoring/batchImport';
import { foldPendingRollups } from '../src/scoring/rollups';
import type { TBenchmark } from './registry';
import { createBenchDatabase, medianMs, peakRssDuring, seededRandom, startBenchApp, type TBenchDatabase } from './support';

/**
 * The KPI benchmark: 100,000 responses × 10 answers over 365 days, 6 services, 3 languages,
 * 2 chat channels and 3 locations, fixed seed, stored through the batch write path. It times `/api/kpis` — the
 * breakdown by service of every driver (and outcome) over the year — against a hand-written GROUP BY over the raw
 * answers that answers the same question on the same database, first at 100,000 answers, then at 1,000,000.
 */

const SERVICES = ['paspoort', 'rijbewijs', 'verhuizing', 'afval', 'parkeren', 'uitkering'];
const LANGUAGES = ['nl', 'pap', 'en'] as const;
const CHAT_CHANNELS = ['webchat', 'msteams'];
const LOCATIONS = ['Utrecht', 'Zeist', 'Houten'];
const DRIVERS = ['ease', 'speed', 'clarity', 'seriousness', 'empathy', 'thinkingAlong', 'reliability'];
const YEAR_START = Date.UTC(2025, 0, 1);
const DAYS = 365;
const FROM = '2025-01-01';
const TO = '2025-12-31';
const BATCH = 1000;

interface TPlanned {
  day: number;
  item: TBatchResponse;
}

/** What residents write when asked what could be better, for a run with open answers (the dashboard's). */
const OPEN_ANSWERS: Record<(typeof LANGUAGES)[number], readonly string[]> = {
  nl: ['Het duurde lang voordat ik iemand aan de lijn had.', 'De brief was onduidelijk.', 'Vriendelijke medewerker.', 'De website werkte niet op mijn mobiel.', 'Te duur.', 'Ze zouden terugbellen, niets meer gehoord.'],
  pap: ['Mi a warda hopi tempu.', 'E empleado tabata masha amabel.', 'E website no ta funshoná.', 'No tin hende ta kontestá telefòn.'],
  en: ['It took a long time.', 'Helpful staff, thank you.', 'The online form kept giving an error.', 'The fee is too expensive.'],
};

/**
 * Every response of the run, in a fixed order from a fixed seed; answers lean on a latent experience, as real ones do.
 * With `openAnswers`, about a third of the responses also say what could be better.
 */
export function plan(responses: number, ids: { organisationId: string; surveyVersionId: string; services: Map<string, string> }, openAnswers = false): TPlanned[] {
  const random = seededRandom(2026);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const planned: TPlanned[] = [];
  for (let index = 0; index < responses; index++) {
    const day = Math.floor(random() * DAYS);
    // Late morning in Amsterdam, so the UTC day is the local day.
    const startedAt = new Date(YEAR_START + day * 86_400_000 + 9 * 3_600_000 + Math.floor(random() * 3_600_000));
    const experience = random();
    const scale = (max: number) => Math.max(1, Math.min(max, Math.round(1 + (max - 1) * (0.6 * experience + 0.4 * random()))));
    const answers: TBatchResponse['answers'] = [
      { questionKey: 'satisfaction', measure: 'satisfaction', value: scale(5) },
      { questionKey: 'effort', measure: 'effort', value: scale(7) },
      { questionKey: 'trust', measure: 'trust', value: scale(5) },
      ...DRIVERS.map((driver) => (random() < 0.05 ? { questionKey: driver, measure: driver, dontKnow: true } : { questionKey: driver, measure: driver, value: scale(5) })),
    ];
    planned.push({
      day,
      item: {
        response: {
          surveyVersionId: ids.surveyVersionId,
          organisationId: ids.organisationId,
          serviceId: ids.services.get(pick(SERVICES))!,
          chatChannel: pick(CHAT_CHANNELS),
          language: pick(LANGUAGES),
          location: pick(LOCATIONS),
          source: 'self',
        },
        status: random() < 0.9 ? 'completed' : 'abandoned',
        startedAt,
        completedAt: startedAt,
        answers,
      },
    });
    // Drawn after everything else, so that the run without open answers stays the same data.
    const { language } = planned[planned.length - 1]!.item.response;
    if (openAnswers && random() < 0.35) answers.push({ questionKey: 'improvement', text: pick(OPEN_ANSWERS[language]), open: true });
  }
  return planned;
}

/** Stores responses in day order (as an import of a past round would), so each batch's deltas cover few days. */
export async function fill(bench: TBenchDatabase, planned: TPlanned[], log: (message: string) => void): Promise<number> {
  const writer = new BatchAnswerWriter(bench.database);
  const ordered = [...planned].sort((a, b) => a.day - b.day);
  const started = performance.now();
  for (let index = 0; index < ordered.length; index += BATCH) {
    await writer.writeBatch(ordered.slice(index, index + BATCH).map((entry) => entry.item));
    if ((index / BATCH) % 20 === 19) log(`  ${bench.provider}: ${index + BATCH} responses stored`);
  }
  const folded = await foldPendingRollups(bench.database);
  log(`  ${bench.provider}: ${ordered.length} responses stored and ${folded} deltas folded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return ordered.length;
}

/**
 * The same question answered from the raw answers by hand: per service and measure the count of answers with a
 * value, their sum and sum of squares and the counts the percentages need, plus responses and completed ones per
 * service — everything /api/kpis reports for a service breakdown.
 */
async function rawGroupBy(prisma: TPrisma, provider: TDatabaseProvider, organisationId: string): Promise<number> {
  // The year in Amsterdam: 2024-12-31T23:00Z up to 2025-12-31T23:00Z. SQLite keeps DateTime as ISO text.
  const from = new Date('2024-12-31T23:00:00.000Z');
  const to = new Date('2025-12-31T23:00:00.000Z');
  const bound = (date: Date) => (provider === 'sqlite' ? date.toISOString().replace('Z', '+00:00') : date);
  const p = (n: number) => (provider === 'sqlite' ? '?' : `$${n}`);
  const answers = await prisma.$queryRawUnsafe<unknown[]>(
    `SELECT s."slug" AS service, a."measure" AS measure,
        COUNT(a."value") AS n, SUM(a."value") AS sum, SUM(a."value" * a."value") AS squares,
        SUM(CASE WHEN a."value" >= 4 AND a."value" <= 5 THEN 1 ELSE 0 END) AS top2,
        SUM(CASE WHEN a."value" >= 5 THEN 1 ELSE 0 END) AS easy,
        SUM(CASE WHEN a."value" >= 9 THEN 1 ELSE 0 END) AS promoters,
        SUM(CASE WHEN a."value" <= 6 THEN 1 ELSE 0 END) AS detractors
      FROM "Answer" a
      JOIN "Response" r ON r."id" = a."responseId"
      JOIN "SurveyVersion" v ON v."id" = r."surveyVersionId"
      LEFT JOIN "Service" s ON s."id" = r."serviceId"
      WHERE v."surveyId" = ${p(1)} AND r."organisationId" = ${p(2)} AND r."startedAt" >= ${p(3)} AND r."startedAt" < ${p(4)}
        AND a."measure" IS NOT NULL AND a."value" IS NOT NULL
      GROUP BY s."slug", a."measure"`,
    'meethuis',
    organisationId,
    bound(from),
    bound(to),
  );
  const responses = await prisma.$queryRawUnsafe<unknown[]>(
    `SELECT s."slug" AS service, COUNT(*) AS n, SUM(CASE WHEN r."status" = 'completed' THEN 1 ELSE 0 END) AS completed
      FROM "Response" r
      JOIN "SurveyVersion" v ON v."id" = r."surveyVersionId"
      LEFT JOIN "Service" s ON s."id" = r."serviceId"
      WHERE v."surveyId" = ${p(1)} AND r."organisationId" = ${p(2)} AND r."startedAt" >= ${p(3)} AND r."startedAt" < ${p(4)}
        AND EXISTS (SELECT 1 FROM "Answer" e WHERE e."responseId" = r."id")
      GROUP BY s."slug"`,
    'meethuis',
    organisationId,
    bound(from),
    bound(to),
  );
  return answers.length + responses.length;
}

async function timeApi(url: string, token: string, runs: number): Promise<{ median: number; peakMb: number; heapMb: number; groups: number }> {
  let groups = 0;
  const call = async () => {
    const response = await fetch(`${url}/api/kpis?survey=meethuis&groupBy=service&from=${FROM}&to=${TO}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`/api/kpis answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { groups: Array<{ suppressed: boolean }> };
    groups = body.groups.filter((group) => !group.suppressed).length;
  };
  const { result, peakMb, heapMb } = await peakRssDuring(() => medianMs(call, runs));
  return { median: result.median, peakMb, heapMb, groups };
}

const benchmark: TBenchmark = {
  name: 'kpis',
  async run(context) {
    const total = context.quick ? 10_000 : 100_000;
    const small = total / 10;
    const runs = context.quick ? 5 : 7;
    for (const provider of context.databases) {
      const bench = await createBenchDatabase(provider, context.postgresUrl);
      try {
        const { prisma } = bench.database;
        const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' }, select: { id: true } });
        const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' }, orderBy: { version: 'desc' }, select: { id: true } });
        const services = new Map((await prisma.service.findMany({ where: { organisationId: demo.id }, select: { id: true, slug: true } })).map((row) => [row.slug, row.id]));
        const planned = plan(total, { organisationId: demo.id, surveyVersionId: version.id, services });

        // First a tenth of the responses, spread over the whole year like the rest: the API at 100,000 answers.
        context.log(`kpis/${provider}: filling ${small * 10} answers`);
        await fill(bench, planned.filter((_, index) => index % 10 === 0), context.log);
        let running = await startBenchApp(bench);
        const atSmall = await timeApi(running.url, running.token, runs);
        await running.app.close();

        context.log(`kpis/${provider}: filling up to ${total * 10} answers`);
        await fill(bench, planned.filter((_, index) => index % 10 !== 0), context.log);
        running = await startBenchApp(bench);
        const api = await timeApi(running.url, running.token, runs);
        await running.app.close();
        // Fresh planner statistics, so the hand-written query gets the plan it deserves.
        await prisma.$executeRawUnsafe('ANALYZE');
        const raw = await medianMs(() => rawGroupBy(prisma, provider, demo.id), runs);
        const answers = await prisma.answer.count();
        const rollupRows = await prisma.rollupDay.count();

        context.report({
          name: 'kpis',
          db: provider,
          answers,
          apiMs: round(api.median),
          rawSqlMs: round(raw.median),
          ratio: Math.round((api.median / raw.median) * 1000) / 1000,
          [context.quick ? 'apiMsTenth' : 'apiMs100k']: round(atSmall.median),
          ...(context.quick ? { quick: true } : {}),
          groups: api.groups,
          rollupDays: rollupRows,
          apiHeapGrowthMb: api.heapMb,
          apiPeakRssMb: api.peakMb,
          peakRssMb: Math.round(process.resourceUsage().maxRSS / 1000),
        });
      } finally {
        await bench.destroy();
      }
    }
  },
};

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export default benchmark;
