import { z } from 'zod';
import type { TPrincipal } from '../auth/tokens';
import { kpiReportCsv } from '../scoring/kpiCsv';
import { type KpiService } from '../scoring/kpiQuery';
import { checkKpiQuery, KPI_QUERY_FIELDS, ZOutcome, type TScope } from '../scoring/kpiContract';
import { ZExportQuery, type ResponseExports } from '../scoring/responseExport';
import { PERIODS } from '../scoring/dimensions';
import { SUPPRESSION_REASONS } from '../scoring/suppression';
import { CHANGE_TESTS } from '../scoring/kpis';
import { defineRoute, type TApiRoute } from './apiRoute';

const ZFormat = z.enum(['json', 'csv']).describe('`csv` for a spreadsheet: one row per group, a dash where a figure is suppressed.');

/** The question of a report that can also come as CSV (the KPIs, the benchmark). */
const ZReportQuery = z.strictObject({ ...KPI_QUERY_FIELDS, format: ZFormat.optional() }).superRefine(checkKpiQuery);
const ZDriversQuery = z
  .strictObject({ ...KPI_QUERY_FIELDS, outcome: ZOutcome.optional().describe('The outcome the drivers are related to; satisfaction unless named.') })
  .superRefine(checkKpiQuery);
const ZOptionsQuery = z.strictObject({ survey: KPI_QUERY_FIELDS.survey.optional() });

const ZSuppressionReason = z
  .enum(SUPPRESSION_REASONS)
  .describe('`small`: fewer responses than the minimum; `complementary`: enough, but hidden so that a smaller group beside it cannot be worked out.');
export const ZSuppressed = z.object({ suppressed: z.literal(true), reason: ZSuppressionReason }).describe('Withheld, so that no resident can be recognised.');
const ZKpiChange = z
  .object({
    vs: z.string().describe('The period compared with: the one before in the report (its key, e.g. `2026-10`).'),
    difference: z.number().describe("This period's value minus that period's, in the KPI's own unit."),
    p: z.number().min(0).max(1).describe('Two-sided p of the test, 4 decimals. A change is significant where p < 0.05.'),
    test: z
      .enum(CHANGE_TESTS)
      .describe("`two-proportion-z`: pooled z test of two proportions (the % KPIs); `welch-t`: Welch's t test of two means (CES, the driver scores)."),
  })
  .nullable()
  .optional()
  .describe(
    "Only in a period breakdown (`groupBy=period:…`), never on NPS: the change from the same group's figure in the previous period. Null where there is nothing to compare with: the first period, or one whose group or figure before it is suppressed.",
  );
const ZEstimate = z.object({
  value: z.number(),
  low: z.number().nullable().describe('95% interval; null where n is too small for one.'),
  high: z.number().nullable(),
  n: z.number().int().min(0),
  change: ZKpiChange,
});
const kpi = <T extends z.ZodRawShape>(extras: T) => z.union([ZEstimate.extend(extras), ZSuppressed]);

const ZDriverKpi = kpi({ mean: z.number().describe('Mean on the 1–5 answer scale.'), pctAgree: z.number().describe('% answers 4–5.') });
const ZKpiFigures = z.object({
  csat: kpi({ mean: z.number() }).describe('% satisfied (4–5 of 5).'),
  ces: kpi({ pctEasy: z.number(), pctEasyLow: z.number(), pctEasyHigh: z.number() }).describe('Customer effort: mean of 1–7, and % easy (5–7).'),
  trust: kpi({ mean: z.number() }).describe('% who trust the organisation (4–5 of 5).'),
  nps: kpi({ pctPromoters: z.number(), pctDetractors: z.number() }).nullable().describe("Net Promoter Score; null where the organisation's survey does not ask it."),
  humaneness: kpi({ mean: z.number() })
    .nullable()
    .describe('% who experienced humane treatment (4–5 of 5); null where no survey version in view asks it.'),
  drivers: z.record(z.string(), ZDriverKpi).describe('Per driver: a score of 0–100.'),
});
export const ZGroupKey = z.record(z.string(), z.string().nullable()).describe('The group: a value per breakdown dimension.');
export const ZSuppressedGroup = z.object({ key: ZGroupKey, n: z.null(), suppressed: z.literal(true), reason: ZSuppressionReason }).describe('A withheld group: nothing of it is shown but why.');
const ZKpiGroup = z.object({ key: ZGroupKey, n: z.number().int(), suppressed: z.literal(false), completed: z.number().int(), kpis: ZKpiFigures });

export const REPORT_FIELDS = {
  survey: z.string(),
  minGroupSize: z.number().int().describe('Groups and figures with fewer responses are suppressed.'),
  from: z.iso.date().nullable(),
  to: z.iso.date().nullable(),
  groupBy: z.array(z.string()).describe("The breakdown dimensions, as they appear in each group's key."),
  drivers: z.array(z.string()).describe('The drivers reported, in the order to show them.'),
};
export const ZKpiReport = z.object({ ...REPORT_FIELDS, groups: z.array(z.union([ZKpiGroup, ZSuppressedGroup])) });

const ZDriverGroup = z.object({
  key: ZGroupKey,
  n: z.number().int(),
  suppressed: z.literal(false),
  drivers: z.record(
    z.string(),
    z.object({
      performance: ZDriverKpi,
      importance: z
        .union([z.object({ r: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable(), n: z.number().int() }), ZSuppressed])
        .describe("Pearson's r of the driver with the outcome, with its interval."),
      relativeWeight: z.object({ raw: z.number(), pct: z.number() }).nullable().describe("Johnson's relative weight, where the data carry it."),
    }),
  ),
  relativeWeights: z.object({ n: z.number().int(), rSquared: z.number() }).nullable(),
});
export const ZDriverReport = z.object({ ...REPORT_FIELDS, outcome: z.string(), groups: z.array(z.union([ZDriverGroup, ZSuppressedGroup])) });

const ZBenchmarkReport = ZKpiReport.extend({
  organisation: z.string().describe("The caller's organisation; each group's key says `comparison`: `own` or `others`."),
  minOtherOrganisations: z.number().int().describe('"Others" combines at least this many organisations, or it is suppressed.'),
});

const ZKpiOptions = z.object({
  surveys: z.array(z.string()),
  values: z.record(z.string(), z.array(z.string().nullable())).describe('Per filter, the values in the data.'),
  outcomes: z.array(ZOutcome).describe('The outcomes some version of the survey asks: what `/kpis/drivers` can relate the drivers to.'),
  periods: z.array(z.enum(PERIODS)).describe('The periods of a trend (`groupBy=period:month`), the usual one first.'),
  demoResponses: z.number().int().min(0).describe('Sample responses (demo data) among the figures this token sees; 0 once removed.'),
});

/** A report as the spreadsheet file `format=csv` asks for. */
function csvReply(report: Parameters<typeof kpiReportCsv>[0], filename: string) {
  return { status: 200 as const, csv: kpiReportCsv(report).join(''), filename };
}

export function scopeOf(principal: TPrincipal): TScope {
  return { organisationId: principal.organisationId };
}

/**
 * The analyst's routes: KPIs, driver importance, the benchmark between organisations, the filter options of the
 * dashboard and the row-level export. An organisation-scoped token sees its own organisation only.
 */
export function kpiRoutes(kpis: KpiService, exports: ResponseExports): TApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/kpis',
      operationId: 'getKpis',
      tag: 'KPIs',
      summary: 'KPIs, by the groups asked for',
      description: 'Satisfaction, effort, trust, NPS, experienced humaneness and the drivers, each with its 95% interval. Lists are comma-separated or repeated parameters.',
      role: 'analyst',
      query: ZReportQuery,
      responses: { 200: { description: 'The report.', json: ZKpiReport, csv: true } },
      refusals: [404],
    })(async ({ principal, query: { format, ...query } }) => {
      const report = await kpis.kpis(await kpis.resolve(query, scopeOf(principal)));
      return format === 'csv' ? csvReply(report, `kpis-${query.survey}.csv`) : { status: 200, json: report };
    }),
    defineRoute({
      method: 'get',
      path: '/kpis/drivers',
      operationId: 'getDriverImportance',
      tag: 'KPIs',
      summary: 'Which drivers matter most for an outcome',
      role: 'analyst',
      query: ZDriversQuery,
      responses: { 200: { description: 'Per group: each driver’s score, its correlation with the outcome and its relative weight.', json: ZDriverReport } },
      refusals: [404],
    })(async ({ principal, query: { outcome, ...query } }) => ({
      status: 200,
      json: await kpis.drivers(await kpis.resolve(query, scopeOf(principal)), outcome ?? 'satisfaction'),
    })),
    defineRoute({
      method: 'get',
      path: '/kpis/benchmark',
      operationId: 'getBenchmark',
      tag: 'KPIs',
      summary: "The caller's organisation beside all others combined",
      description: 'No other organisation is ever named, and "others" needs at least two organisations.',
      role: 'analyst',
      query: ZReportQuery,
      responses: { 200: { description: 'The comparison.', json: ZBenchmarkReport, csv: true } },
      refusals: [404],
    })(async ({ principal, query: { format, ...query } }) => {
      const own = await kpis.benchmarkOrganisation(principal, query.organisation);
      // The selection is resolved for the caller's own organisation (scope and slugs checked); the benchmark then
      // widens it to every organisation for the "others" side.
      const report = await kpis.benchmark(await kpis.resolve({ ...query, organisation: undefined }, { organisationId: own }), own);
      return format === 'csv' ? csvReply(report, `benchmark-${query.survey}.csv`) : { status: 200, json: report };
    }),
    defineRoute({
      method: 'get',
      path: '/kpis/options',
      operationId: 'getKpiFilterOptions',
      tag: 'KPIs',
      summary: 'The values each filter can take',
      role: 'analyst',
      query: ZOptionsQuery,
      responses: { 200: { description: 'Surveys and filter values in the data.', json: ZKpiOptions } },
      refusals: [404],
    })(async ({ principal, query }) => ({ status: 200, json: await kpis.options(query.survey ?? null, scopeOf(principal)) })),
    defineRoute({
      method: 'get',
      path: '/responses/export',
      operationId: 'exportResponses',
      tag: 'Responses',
      summary: 'Every response, one row each, as CSV',
      description: 'Free text is scrubbed of personal data; no resident can be identified from a row. Every export is written to the audit log.',
      role: 'analyst',
      query: ZExportQuery,
      responses: { 200: { description: 'The responses, streamed.', csv: true } },
      refusals: [404],
      audits: ['responses.export'],
    })(async ({ principal, query }) => ({ status: 200, csv: await exports.start(principal, query), filename: `responses-${query.survey}.csv` })),
  ];
}
