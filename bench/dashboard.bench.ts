import type { TBenchmark } from './registry';
import { fill, plan } from './kpis.bench';
import { createBenchDatabase, startBenchApp } from './support';

/**
 * The dashboard benchmark: the kpis benchmark's data (100,000 responses × 10 answers over a year), with about a
 * third of the responses also leaving an open answer. It times everything the dashboard asks when an analyst opens
 * it for the year — its filter options, the overview (every panel's figures) and the first page of comments — against
 * the single `/api/kpis` question for the same year. The target: the whole set in less than 3× the single call.
 */

const FROM = '2025-01-01';
const TO = '2025-12-31';

const benchmark: TBenchmark = {
  name: 'dashboard',
  async run(context) {
    const total = context.quick ? 10_000 : 100_000;
    const runs = context.quick ? 5 : 7;
    for (const provider of context.databases) {
      const bench = await createBenchDatabase(provider, context.postgresUrl);
      try {
        const { prisma } = bench.database;
        const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' }, select: { id: true } });
        const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' }, orderBy: { version: 'desc' }, select: { id: true } });
        const services = new Map((await prisma.service.findMany({ where: { organisationId: demo.id }, select: { id: true, slug: true } })).map((row) => [row.slug, row.id]));
        context.log(`dashboard/${provider}: filling ${total * 10} answers with open answers`);
        await fill(bench, plan(total, { organisationId: demo.id, surveyVersionId: version.id, services }, true), context.log);
        await prisma.$executeRawUnsafe('ANALYZE');
        const { app, url, token } = await startBenchApp(bench);
        try {
          const get = async (path: string) => {
            const response = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
            if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
            return response.json() as Promise<Record<string, unknown>>;
          };
          const question = `survey=meethuis&from=${FROM}&to=${TO}`;
          // In the order the page asks them: the options when it opens, then the figures, then the comments.
          const parts = { single: [] as number[], options: [] as number[], overview: [] as number[], comments: [] as number[], dashboard: [] as number[] };
          const timed = async (part: keyof typeof parts, path: string) => {
            const start = performance.now();
            const body = await get(path);
            parts[part].push(performance.now() - start);
            return body;
          };
          let comments = 0;
          const openDashboard = async () => {
            const start = performance.now();
            await timed('options', '/kpis/options?survey=meethuis');
            await timed('overview', `/kpis/overview?${question}&period=month&outcome=satisfaction`);
            comments = Number((await timed('comments', `/comments?${question}`)).total);
            parts.dashboard.push(performance.now() - start);
          };
          // Warm up (the service's first seconds run its start-up jobs), then the two take turns, so that both meet
          // the machine in the same state.
          for (let round = 0; round < 5; round++) {
            await get(`/kpis?${question}`);
            await openDashboard();
          }
          for (const part of Object.values(parts)) part.length = 0;
          for (let round = 0; round < runs; round++) {
            await timed('single', `/kpis?${question}`);
            await openDashboard();
          }
          const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
          context.report({
            name: 'dashboard',
            db: provider,
            answers: await prisma.answer.count(),
            openAnswers: comments,
            kpisMs: round(median(parts.single)),
            dashboardMs: round(median(parts.dashboard)),
            ratio: Math.round((median(parts.dashboard) / median(parts.single)) * 100) / 100,
            optionsMs: round(median(parts.options)),
            overviewMs: round(median(parts.overview)),
            commentsMs: round(median(parts.comments)),
            ...(context.quick ? { quick: true } : {}),
          });
        } finally {
          await app.close();
        }
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
