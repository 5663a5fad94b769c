import { z } from 'zod';
import { ZSlug } from '../kernel/slug';
import { CommentService, ZCommentsQuery } from '../scoring/comments';
import { PERIODS } from '../scoring/dimensions';
import { checkKpiQuery, KPI_QUERY_FIELDS, OVERVIEW_BREAKDOWNS, ZOutcome } from '../scoring/kpiContract';
import type { KpiService } from '../scoring/kpiQuery';
import { ZThemeLabels, ZThemeTermsByLanguage } from '../themes/lexicon';
import { ZLexiconSave, type ThemeLexicons } from '../themes/themeLexicons';
import { defineRoute, type TApiRoute } from './apiRoute';
import { REPORT_FIELDS, scopeOf, ZDriverReport, ZGroupKey, ZKpiReport, ZSuppressed, ZSuppressedGroup } from './kpis';

const { groupBy: _breakdown, ...SELECTION_FIELDS } = KPI_QUERY_FIELDS;

const ZThemesQuery = z.strictObject(KPI_QUERY_FIELDS).superRefine(checkKpiQuery);
const ZOverviewQuery = z
  .strictObject({
    ...SELECTION_FIELDS,
    period: z.enum(PERIODS).default('month').describe('The period of the trend.'),
    outcome: ZOutcome.optional().describe('The outcome the priority matrix relates the drivers to; satisfaction unless named.'),
  })
  .superRefine(checkKpiQuery);

const ZThemeCounts = z.object({
  n: z.number().int().describe('Responses with an open answer.'),
  themes: z.record(z.string(), z.object({ count: z.number().int(), pct: z.number().describe('% of the responses with an open answer.') })),
});
const ZThemeReport = z.object({
  ...REPORT_FIELDS,
  themes: z.array(z.object({ key: z.string(), labels: ZThemeLabels, own: z.boolean().describe("The organisation's own theme.") })),
  groups: z.array(
    z.union([
      z.object({ key: ZGroupKey, n: z.number().int(), suppressed: z.literal(false), comments: z.union([ZThemeCounts, ZSuppressed]) }),
      ZSuppressedGroup,
    ]),
  ),
});
const ZOverview = z.object({
  kpis: ZKpiReport.describe('The KPIs of the whole selection.'),
  trend: ZKpiReport.describe('By period, each KPI with its change from the period before.'),
  drivers: ZDriverReport.describe('The priority matrix.'),
  breakdowns: z.object(Object.fromEntries(OVERVIEW_BREAKDOWNS.map((dimension) => [dimension, ZKpiReport])) as Record<(typeof OVERVIEW_BREAKDOWNS)[number], typeof ZKpiReport>),
  themes: ZThemeReport,
  themeTrend: ZThemeReport.describe('Theme counts by period.'),
});
const ZComment = z.object({
  day: z.iso.date().describe('The day the response started; never the time.'),
  language: z.string(),
  service: z.string().nullable(),
  themes: z.record(z.string(), z.array(z.string())).describe('Per theme, the words of the lexicon that matched.'),
  text: z.string().describe('Scrubbed of personal data before it was stored.'),
});
const ZCommentsReport = z.union([
  z.object({
    suppressed: z.literal(false),
    minGroupSize: z.number().int(),
    n: z.number().int().describe('Responses in view.'),
    total: z.number().int().describe('Responses in view with an open answer (with `theme`: tagged with it).'),
    matchedTerms: z.array(z.object({ term: z.string(), count: z.number().int() })).nullable().describe('With `theme`: the words that matched, most frequent first.'),
    comments: z.array(ZComment),
    nextOffset: z.number().int().nullable(),
  }),
  z.object({ suppressed: z.literal(true), minGroupSize: z.number().int(), n: z.null(), reason: z.literal('small') }).describe('Fewer responses in view than the minimum: no comment is shown.'),
]);

const ZLexiconView = z.object({
  organisation: z.string(),
  version: z.number().int().describe('Name it when saving: a save based on an older version is refused (409).'),
  themes: z.array(
    z.object({
      key: z.string(),
      labels: ZThemeLabels,
      own: z.boolean(),
      sharedTerms: ZThemeTermsByLanguage,
      ownTerms: ZThemeTermsByLanguage,
    }),
  ),
});
const ZOrganisationParams = z.object({ organisation: ZSlug });

/**
 * The residents' own words: theme counts, the overview the dashboard reads in one call, the comments (audited), and
 * an organisation's additions to the theme lexicon.
 */
export function themeRoutes(kpis: KpiService, comments: CommentService, lexicons: ThemeLexicons): TApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/kpis/themes',
      operationId: 'getThemes',
      tag: 'KPIs',
      summary: 'What residents write about, by theme',
      description: 'Per group, the responses with an open answer and how many of them each theme was found in; withheld where fewer than the minimum.',
      role: 'analyst',
      query: ZThemesQuery,
      responses: { 200: { description: 'The theme counts.', json: ZThemeReport } },
      refusals: [404],
    })(async ({ principal, query }) => ({ status: 200, json: await kpis.themes(await kpis.resolve(query, scopeOf(principal))) })),
    defineRoute({
      method: 'get',
      path: '/kpis/overview',
      operationId: 'getKpiOverview',
      tag: 'KPIs',
      summary: 'Everything the dashboard shows, in one call',
      description: `The KPIs, their trend (with changes), the priority matrix, the breakdowns by ${OVERVIEW_BREAKDOWNS.join(', ')} and the themes, from one read of the figures.`,
      role: 'analyst',
      query: ZOverviewQuery,
      responses: { 200: { description: 'The overview.', json: ZOverview } },
      refusals: [404],
    })(async ({ principal, query: { period, outcome, ...query } }) => ({
      status: 200,
      json: await kpis.overview(await kpis.resolve(query, scopeOf(principal)), period, outcome ?? 'satisfaction'),
    })),
    defineRoute({
      method: 'get',
      path: '/comments',
      operationId: 'getComments',
      tag: 'KPIs',
      summary: "The residents' own words, newest first",
      description: 'The open answers (scrubbed of personal data) of the responses in view; none where fewer responses than the minimum are in view.',
      role: 'analyst',
      query: ZCommentsQuery,
      responses: { 200: { description: 'A page of comments.', json: ZCommentsReport } },
      refusals: [404],
      audits: ['comments.read'],
    })(async ({ principal, query: { theme, q, limit, offset, ...query } }) => ({
      status: 200,
      json: await comments.comments(principal, await kpis.resolve(query, scopeOf(principal)), { theme, q, limit, offset }),
    })),
    defineRoute({
      method: 'get',
      path: '/organisations/{organisation}/themes',
      operationId: 'getThemeLexicon',
      tag: 'Organisations',
      summary: "The theme lexicon: the shared words and the organisation's own",
      role: 'admin',
      params: ZOrganisationParams,
      responses: { 200: { description: 'The lexicon.', json: ZLexiconView } },
      refusals: [404],
    })(async ({ principal, params }) => ({ status: 200, json: await lexicons.view(principal, params.organisation) })),
    defineRoute({
      method: 'put',
      path: '/organisations/{organisation}/themes',
      operationId: 'saveThemeLexicon',
      tag: 'Organisations',
      summary: "Save the organisation's words and themes",
      description:
        'Extra words for shared themes, and themes of its own (with a label in nl, pap and en). A word ending in `*` matches every word that begins with it. Applies to answers stored from then on; `npm run cli -- themes retag` applies it to the answers still kept.',
      role: 'admin',
      params: ZOrganisationParams,
      body: ZLexiconSave,
      responses: { 200: { description: 'Saved.', json: ZLexiconView } },
      refusals: [404, 409],
      audits: ['themes.update'],
    })(async ({ principal, params, body }) => ({ status: 200, json: await lexicons.save(principal, params.organisation, body) })),
  ];
}
