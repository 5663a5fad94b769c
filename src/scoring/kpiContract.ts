import { z } from 'zod';
import { AppError } from '../kernel/errors';
import { ZSlug } from '../kernel/slug';
import { LANGUAGES } from '../i18n/languages';
import { OUTCOMES, type TOutcome } from '../surveys/schema';
import { CONTACT_COUNT_BANDS, DIMENSIONS, LEAD_TIME_BANDS, PERIODS, type TDimension, type TPeriod } from './dimensions';
import type { TCesExtras, TCorrelation, TDriverExtras, TKpi, TNpsExtras, TSuppressed } from './kpis';
import type { TSuppressionReason } from './suppression';

/**
 * The KPI question and its answers, as the API, the CLI and the dashboard share them: what may be asked (zod), who
 * may see what (the scope), and the shape of every report. The service that answers lives in kpiQuery.ts.
 */

// ---------------------------------------------------------------------------------------------------------------
// The question, as the API, the CLI and the dashboard ask it.

/** `island` is the name residents and analysts in the Caribbean Netherlands use for a location. */
export const LOCATION_ALIAS = 'island';
export const GROUP_BY_NAMES = [...DIMENSIONS, LOCATION_ALIAS, ...PERIODS.map((period) => `period:${period}` as const)] as const;
export type TGroupByName = (typeof GROUP_BY_NAMES)[number];

/** The key a period breakdown appears under in a group's key. */
export const PERIOD_KEY = 'period';

/** Free dimension values (locations, channels) come from embed snippets: bounded and printable, nothing more. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const ZValue = z.string().min(1).max(100).regex(/^[^\u0000-\u001f,]+$/, 'must be printable text without commas');

/**
 * Whether a YYYY-MM-DD text is a real day (not 2026-02-30). Safe on any text: zod 4 runs a refinement even after
 * the pattern failed, and `toISOString` of an invalid date throws.
 */
export function isCalendarDay(day: string): boolean {
  const time = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(day);
}

/** A calendar date; from/to are inclusive and cut in each organisation's own time zone, as the rollup days are. */
export const ZDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-01-31')
  .refine(isCalendarDay, 'is not a calendar date');

/** A comma list (`a,b`), also given as a repeated parameter (`x=a&x=b`). */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      typeof value === 'string' || (Array.isArray(value) && value.every((part) => typeof part === 'string'))
        ? (Array.isArray(value) ? value : [value])
            .flatMap((part: string) => part.split(','))
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : value,
    z.array(item).min(1, 'must name at least one value').max(200),
  );
}

/** Query fields every KPI question shares; the endpoints add their own (format, outcome …). */
export const KPI_QUERY_FIELDS = {
  survey: ZSlug,
  from: ZDay.optional(),
  to: ZDay.optional(),
  groupBy: listOf(z.enum(GROUP_BY_NAMES)).optional(),
  organisation: listOf(ZSlug).optional(),
  service: listOf(ZSlug).optional(),
  contactChannel: listOf(ZValue).optional(),
  chatChannel: listOf(ZValue).optional(),
  language: listOf(z.enum(LANGUAGES)).optional(),
  location: listOf(ZValue).optional(),
  island: listOf(ZValue).optional(),
  surveyVersion: listOf(z.coerce.number().int().positive().max(1_000_000)).optional(),
  leadTimeBand: listOf(z.enum(LEAD_TIME_BANDS)).optional(),
  contactCountBand: listOf(z.enum(CONTACT_COUNT_BANDS)).optional(),
};

export const ZKpiQueryFields = z.strictObject(KPI_QUERY_FIELDS);
export type TKpiQuery = z.infer<typeof ZKpiQueryFields>;

/** Cross-field rules of a KPI question, for `superRefine` on any schema built from KPI_QUERY_FIELDS. */
export function checkKpiQuery(query: TKpiQuery, ctx: z.RefinementCtx): void {
  if (query.from && query.to && query.from > query.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  }
  if (query.location && query.island) {
    ctx.addIssue({ code: 'custom', path: ['island'], message: 'island is another name for location: give one of them' });
  }
  const seen = new Set<string>();
  for (const name of query.groupBy ?? []) {
    const dimension = name.startsWith('period:') ? PERIOD_KEY : name === LOCATION_ALIAS ? 'location' : name;
    if (seen.has(dimension)) {
      ctx.addIssue({ code: 'custom', path: ['groupBy'], message: `names ${dimension} twice` });
      return;
    }
    seen.add(dimension);
  }
}

export const ZKpiQuery = ZKpiQueryFields.superRefine(checkKpiQuery);

export const ZOutcome = z.enum(OUTCOMES);

/** A question the caller may not ask (`invalid`) or may not see the answer to (`forbidden`). */
export class KpiQueryError extends AppError {
  override name = 'KpiQueryError';
}

/** Whose figures a caller may see: one organisation, or (null) every one. */
export interface TScope {
  organisationId: string | null;
}

/** A resolved question: ids instead of slugs, the scope applied, the breakdown in order. */
export interface TKpiSelection {
  surveyIds: readonly string[];
  from: string | null;
  to: string | null;
  /** Cell dimension → allowed values (organisation as ids, surveyVersion as decimal strings). */
  filters: Partial<Record<TDimension, readonly string[]>>;
  groupBy: readonly TDimension[];
  period: TPeriod | null;
  /** Groups and figures below it are suppressed: the largest minimum of the organisations involved. */
  minGroupSize: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Reports.

export type TGroupKey = Record<string, string | null>;

export interface TSuppressedGroup {
  key: TGroupKey;
  n: null;
  suppressed: true;
  reason: TSuppressionReason;
}

export interface TKpiFigures {
  csat: TKpi<{ mean: number }>;
  ces: TKpi<TCesExtras>;
  trust: TKpi<{ mean: number }>;
  nps: TKpi<TNpsExtras> | null;
  humaneness: TKpi<{ mean: number }> | null;
  drivers: Record<string, TKpi<TDriverExtras>>;
}

export interface TKpiGroup {
  key: TGroupKey;
  n: number;
  suppressed: false;
  completed: number;
  kpis: TKpiFigures;
}

export interface TKpiReport {
  survey: string;
  minGroupSize: number;
  from: string | null;
  to: string | null;
  /** The breakdown dimensions, as they appear in each group's key. */
  groupBy: string[];
  /** The drivers reported, in the order to show them. */
  drivers: string[];
  groups: Array<TKpiGroup | TSuppressedGroup>;
}

export interface TDriverFigures {
  /** The driver's score 0–100 with its t interval. */
  performance: TKpi<TDriverExtras>;
  /** Pearson r of the driver with the outcome, Fisher-z interval. */
  importance: TCorrelation | TSuppressed;
  /** Johnson's relative weight, where the data carry them. */
  relativeWeight: { raw: number; pct: number } | null;
}

export interface TDriverGroup {
  key: TGroupKey;
  n: number;
  suppressed: false;
  drivers: Record<string, TDriverFigures>;
  relativeWeights: { n: number; rSquared: number } | null;
}

export interface TDriverReport extends Omit<TKpiReport, 'groups'> {
  outcome: string;
  groups: Array<TDriverGroup | TSuppressedGroup>;
}

/** The caller's organisation beside every other one combined: the key's `comparison` is `own` or `others`. */
export interface TBenchmarkReport extends TKpiReport {
  organisation: string;
  /** Organisations behind "others" must be at least this many, or that side is suppressed. */
  minOtherOrganisations: number;
}

export const COMPARISON_KEY = 'comparison';
/**
 * "All others combined" made of one organisation would be that organisation's figures under another name, which the
 * benchmark promises never to show; two is the least that keeps any one of them unnamed.
 */
export const MIN_OTHER_ORGANISATIONS = 2;

/** The values a filter can take in the data (for the dashboard's filter lists). */
export interface TKpiOptions {
  surveys: string[];
  values: Record<string, Array<string | null>>;
  /** The outcomes the survey asks, which drivers can be related to (the drivers report's `outcome`). */
  outcomes: TOutcome[];
  /** The periods of a trend (`groupBy=period:…`), the usual one first. */
  periods: TPeriod[];
  /** Sample responses (demo data) among the figures this caller sees; 0 once removed. */
  demoResponses: number;
}

// ---------------------------------------------------------------------------------------------------------------
// The residents' own words: themes and comments.

/** A theme as reports name it: its key and its label in every language; `own` for an organisation's own theme. */
export interface TThemeLabel {
  key: string;
  labels: Record<(typeof LANGUAGES)[number], string>;
  own: boolean;
}

/** Of a group's responses, those with an open answer (`n`), and per theme how many of those it was found in. */
export interface TThemeCounts {
  n: number;
  themes: Record<string, { count: number; pct: number }>;
}

export interface TThemeGroup {
  key: TGroupKey;
  n: number;
  suppressed: false;
  /** Withheld where fewer responses with an open answer than the minimum (or to protect such a group beside it). */
  comments: TThemeCounts | TSuppressed;
}

export interface TThemeReport extends Omit<TKpiReport, 'groups'> {
  /** Every theme the answers in view can carry, in the order to show them. */
  themes: TThemeLabel[];
  groups: Array<TThemeGroup | TSuppressedGroup>;
}

/** The breakdowns the overview carries beside the figures of the whole selection. */
export const OVERVIEW_BREAKDOWNS = ['service', 'language', 'location'] as const satisfies readonly TDimension[];

/** Everything the dashboard shows for one question, summed from one read of the rollups. */
export interface TOverview {
  kpis: TKpiReport;
  trend: TKpiReport;
  drivers: TDriverReport;
  breakdowns: Record<(typeof OVERVIEW_BREAKDOWNS)[number], TKpiReport>;
  themes: TThemeReport;
  themeTrend: TThemeReport;
}
