import { z } from 'zod';
import type { TDatabaseProvider } from '../config';
import type { TPrisma } from '../db/client';
import { DIMENSIONS, PERIODS_BY_USE, periodOf, type TDimension, type TPeriod } from './dimensions';
import { OUTCOMES, type TOutcome } from '../surveys/schema';
import {
  COMPARISON_KEY,
  KpiQueryError,
  LOCATION_ALIAS,
  MIN_OTHER_ORGANISATIONS,
  PERIOD_KEY,
  type TBenchmarkReport,
  type TDriverFigures,
  type TDriverReport,
  type TGroupKey,
  type TKpiFigures,
  type TKpiOptions,
  type TKpiQuery,
  type TKpiReport,
  type TKpiSelection,
  type TOverview,
  type TScope,
  type TSuppressedGroup,
  type TThemeCounts,
  type TThemeLabel,
  type TThemeReport,
  OVERVIEW_BREAKDOWNS,
} from './kpiContract';
import { readSharedLexicon } from '../themes/lexicon';
import { DEFAULT_DRIVER_KEYS, driverImportance, driverKpi, kpiCounts, kpisOf, withholdKpis, WITHHELD, type TKpiName, type TSuppressed } from './kpis';
import { withPeriodChanges } from './change';
import { CELL_COLUMNS, RollupReader, statsOfRow, type TCellRow } from './rollupReader';
import { checkServicesExist, organisationsInScope } from './scope';
import { minimumGroupSizeOf } from '../organisations/groupSize';
import { suppressSmallGroups } from './suppression';
import { accumulateStats, emptyStats, ZStats, type TStats } from './sufficientStats';

/**
 * KPI queries over the rollups (README, "KPIs for analysts"): the sufficient statistics of the cells and days a question
 * selects are summed per group — RollupDay plus the RollupDelta rows not folded yet, so a figure is exact the moment an
 * answer is stored — and only then turned into KPIs and suppressed. No answer row is ever read here.
 */

// ---------------------------------------------------------------------------------------------------------------





/** The n theme counts are protected on: the responses with an open answer. */
const COMMENTS_COUNT = 'comments';

/** The statistics without their pairs (a view: the measures are shared, not copied). */
function withoutPairs(stats: TStats): TStats {
  return isEmptyObject(stats.pairs) ? stats : { ...stats, pairs: {} };
}

function isEmptyObject(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

/** How one pass over the rollup rows groups them: by the cell's values, by period or not, with the pairs or not. */
interface TGrouping {
  groupOf: (cell: TCellRow) => string[];
  byPeriod: boolean;
  pairs: boolean;
}

/** Summed statistics of one group of a breakdown, by its dimension values ('' = unknown). */
interface TSummedGroup {
  values: string[];
  stats: TStats;
  organisations: Set<string>;
}

export interface TKpiServiceOptions {
  minGroupSize: number;
  /** How the rollups are best read (see readRollupRows). */
  provider: TDatabaseProvider;
  /** Drivers reported; the Meethuis seven by default. */
  drivers?: readonly string[];
  /** The themes' labels, shared and the organisations' own; the shared ones alone by default. */
  themeLabels?: TThemeLabelSource;
}

/** Where theme reports get the themes to list (ThemeLexicons). */
export interface TThemeLabelSource {
  labelsOf(organisationIds: readonly string[] | null): Promise<TThemeLabel[]>;
}

/** KPI questions answered from the rollups. One instance serves every request; it keeps no figures between them. */
export class KpiService {
  private readonly driverKeys: readonly string[];
  private readonly rollups: RollupReader;
  private readonly themeLabels: TThemeLabelSource;

  /**
   * The organisation a benchmark is about: a scoped caller's own (naming another one is refused); a caller for every
   * organisation names exactly one.
   */
  async benchmarkOrganisation(caller: { organisationId: string | null; organisationSlug: string | null }, named: string[] | undefined): Promise<string> {
    if (named && named.length !== 1) throw new KpiQueryError('invalid', 'invalid_request', 'organisation: name exactly one organisation', 'organisation');
    const slug = named?.[0];
    if (caller.organisationId !== null) {
      if (slug !== undefined && slug !== caller.organisationSlug) {
        throw new KpiQueryError('forbidden', 'forbidden', 'This token may only see its own organisation.', 'organisation');
      }
      return caller.organisationId;
    }
    if (slug === undefined) {
      throw new KpiQueryError('invalid', 'invalid_request', 'organisation: a token for every organisation must name the one to compare', 'organisation');
    }
    const found = await this.prisma.organisation.findUnique({ where: { slug }, select: { id: true } });
    if (!found) throw new KpiQueryError('invalid', 'unknown_organisation', `organisation: no organisation "${slug}"`, 'organisation');
    return found.id;
  }

  constructor(
    private readonly prisma: TPrisma,
    private readonly settings: TKpiServiceOptions,
  ) {
    this.driverKeys = settings.drivers ?? DEFAULT_DRIVER_KEYS;
    this.themeLabels = settings.themeLabels ?? SHARED_THEME_LABELS;
    this.rollups = new RollupReader(prisma, settings.provider);
  }

  /**
   * Turns a validated question into a selection: checks the survey and the slugs it names, and applies the caller's
   * scope — an organisation-scoped caller sees its own organisation only, and naming another one is refused (403).
   */
  async resolve(query: TKpiQuery, scope: TScope): Promise<TKpiSelection> {
    const survey = await this.prisma.survey.findUnique({ where: { id: query.survey }, select: { id: true } });
    if (!survey) throw new KpiQueryError('invalid', 'unknown_survey', `survey: no survey "${query.survey}"`, 'survey');

    const filters: TKpiSelection['filters'] = {};
    const organisationIds = await organisationsInScope(this.prisma, query.organisation, scope);
    if (organisationIds) filters.organisation = organisationIds;
    if (query.service) {
      await checkServicesExist(this.prisma, query.service, organisationIds);
      filters.service = query.service;
    }
    const location = query.location ?? query.island;
    if (location) filters.location = location;
    for (const dimension of ['contactChannel', 'chatChannel', 'language', 'leadTimeBand', 'contactCountBand'] as const) {
      const values = query[dimension];
      if (values) filters[dimension] = values;
    }
    if (query.surveyVersion) filters.surveyVersion = query.surveyVersion.map(String);

    const groupBy: TDimension[] = [];
    let period: TPeriod | null = null;
    for (const name of query.groupBy ?? []) {
      if (name.startsWith('period:')) period = name.slice('period:'.length) as TPeriod;
      else groupBy.push(name === LOCATION_ALIAS ? 'location' : (name as TDimension));
    }
    const minGroupSize = await minimumGroupSizeOf(this.prisma, this.settings.minGroupSize, organisationIds ?? null);
    return { surveyIds: [survey.id], from: query.from ?? null, to: query.to ?? null, filters, groupBy, period, minGroupSize };
  }

  /** CSAT, CES, trust, NPS, humaneness and the driver scores per group, suppressed where a group or a KPI is too small. */
  async kpis(selection: TKpiSelection): Promise<TKpiReport> {
    const summed = await this.sum(selection, (cell) => this.valuesOf(selection, cell), false);
    const groups = this.suppressGroups(selection, [...summed.values()], (group, withheld) => ({ ...this.kpiFigures(group, withheld, selection.minGroupSize), stats: group.stats }));
    return { ...this.header(selection), groups: await this.withSlugs(withPeriodChanges(groups, selection)) };
  }

  /** Per driver its performance and its importance for the outcome: the priority matrix. */
  async drivers(selection: TKpiSelection, outcome: string): Promise<TDriverReport> {
    const summed = await this.sum(selection, (cell) => this.valuesOf(selection, cell), true);
    return this.driverReport(selection, [...summed.values()], outcome);
  }

  /** Per group, how many responses left an open answer and in how many of those each theme was found. */
  async themes(selection: TKpiSelection): Promise<TThemeReport> {
    const summed = await this.sum(selection, (cell) => this.valuesOf(selection, cell), false);
    return this.themeReport(selection, [...summed.values()]);
  }

  /**
   * What the dashboard shows for one question — the KPIs, their trend with its changes, the priority matrix, the
   * breakdowns and the themes — from a single read of the rollups, each row parsed once. The selection is the
   * question without a breakdown; `period` is the trend's.
   */
  async overview(selection: TKpiSelection, period: TPeriod, outcome: string): Promise<TOverview> {
    const plain: TKpiSelection = { ...selection, groupBy: [], period: null };
    const trend: TKpiSelection = { ...plain, period };
    const breakdowns = OVERVIEW_BREAKDOWNS.map((dimension): TKpiSelection => ({ ...plain, groupBy: [dimension] }));
    const [overall, byPeriod, ...byDimension] = await this.sumGroupings(trend, [
      { groupOf: () => [], byPeriod: false, pairs: true },
      { groupOf: () => [], byPeriod: true, pairs: false },
      ...breakdowns.map((breakdown) => ({ groupOf: (cell: TCellRow) => this.valuesOf(breakdown, cell), byPeriod: false, pairs: false })),
    ]);
    const kpiReport = async (of: TKpiSelection, summed: Map<string, TSummedGroup>): Promise<TKpiReport> => {
      const groups = this.suppressGroups(of, [...summed.values()], (group, withheld) => ({ ...this.kpiFigures(group, withheld, of.minGroupSize), stats: group.stats }));
      return { ...this.header(of), groups: await this.withSlugs(withPeriodChanges(groups, of)) };
    };
    const reports = await Promise.all(breakdowns.map((breakdown, index) => kpiReport(breakdown, byDimension[index]!)));
    return {
      kpis: await kpiReport(plain, overall!),
      trend: await kpiReport(trend, byPeriod!),
      drivers: await this.driverReport(plain, [...overall!.values()], outcome),
      breakdowns: Object.fromEntries(OVERVIEW_BREAKDOWNS.map((dimension, index) => [dimension, reports[index]!])) as TOverview['breakdowns'],
      themes: await this.themeReport(plain, [...overall!.values()]),
      themeTrend: await this.themeReport(trend, [...byPeriod!.values()]),
    };
  }

  private async driverReport(selection: TKpiSelection, summed: readonly TSummedGroup[], outcome: string): Promise<TDriverReport> {
    const groups = this.suppressGroups(selection, summed, (group, withheld) => {
      const options = { minGroupSize: selection.minGroupSize, drivers: this.driverKeys, outcome };
      const importance = driverImportance(group.stats, options);
      const drivers: Record<string, TDriverFigures> = {};
      for (const driver of this.driverKeys.filter((key) => key !== outcome)) {
        drivers[driver] = {
          performance: withheld.has(`drivers.${driver}`) ? WITHHELD : driverKpi(group.stats, driver, options),
          importance: importance.drivers[driver] ?? { suppressed: true, reason: 'small' },
          relativeWeight: importance.relativeWeights?.weights[driver] ?? null,
        };
      }
      const weights = importance.relativeWeights;
      return { drivers, relativeWeights: weights ? { n: weights.n, rSquared: weights.rSquared } : null };
    });
    return { ...this.header(selection), outcome, groups: await this.withSlugs(groups) };
  }

  /**
   * Theme counts per group. The responses with an open answer are protected like a KPI's n: a group with fewer than
   * the minimum (or one that would let such a group be worked out) shows no theme counts.
   */
  private async themeReport(selection: TKpiSelection, summed: readonly TSummedGroup[]): Promise<TThemeReport> {
    const organisationIds = selection.filters.organisation ?? null;
    const themes = await this.themeLabels.labelsOf(organisationIds);
    const groups = this.suppressGroupsOn(
      selection,
      summed,
      (group, withheld): { comments: TThemeCounts | TSuppressed } => {
        const n = group.stats.comments ?? 0;
        if (n < selection.minGroupSize) return { comments: { suppressed: true, reason: 'small' } };
        if (withheld.has(COMMENTS_COUNT)) return { comments: WITHHELD };
        const counts: TThemeCounts['themes'] = {};
        for (const { key } of themes) {
          const count = group.stats.themes?.[key] ?? 0;
          counts[key] = { count, pct: Math.round((count / n) * 1000) / 10 };
        }
        return { comments: { n, themes: counts } };
      },
      () => false,
      (group) => new Map([[COMMENTS_COUNT, group.stats.comments ?? 0] as const]),
    );
    return { ...this.header(selection), themes, groups: await this.withSlugs(groups) };
  }

  /**
   * The organisation's KPIs beside those of every other organisation combined, on the shared core: the survey's whole
   * family (the base survey and every variant extending it) counts, since the core keys never change meaning.
   * "Others" is never split by organisation and is suppressed where fewer than MIN_OTHER_ORGANISATIONS are in it.
   */
  async benchmark(selection: TKpiSelection, ownOrganisationId: string): Promise<TBenchmarkReport> {
    if (selection.groupBy.includes('organisation')) {
      throw new KpiQueryError('invalid', 'invalid_request', 'groupBy: a benchmark never breaks "others" down by organisation', 'groupBy');
    }
    const { organisation: _scope, ...filters } = selection.filters;
    // Across organisations, the largest minimum of any of them protects every figure.
    const widened: TKpiSelection = {
      ...selection,
      surveyIds: await this.surveyFamily(selection.surveyIds[0]!),
      filters,
      minGroupSize: await minimumGroupSizeOf(this.prisma, this.settings.minGroupSize, null),
    };
    const own = await this.prisma.organisation.findUniqueOrThrow({ where: { id: ownOrganisationId }, select: { slug: true } });
    const summed = await this.sum(widened, (cell) => [cell.organisationId === ownOrganisationId ? 'own' : 'others', ...this.valuesOf(widened, cell)], false);
    // Each side is suppressed on its own: the caller sees its own figures anyway, so hiding one side to protect the
    // other would protect nothing; within "others" a breakdown is protected like any other.
    const groups = (['own', 'others'] as const).flatMap((side) =>
      this.suppressGroups(
        widened,
        [...summed.values()].filter((group) => group.values[0] === side).map((group) => ({ ...group, values: group.values.slice(1) })),
        (group, withheld) => this.kpiFigures(group, withheld, widened.minGroupSize),
        (group) => side === 'others' && group.organisations.size < MIN_OTHER_ORGANISATIONS,
      ).map((group) => ({ ...group, key: { [COMPARISON_KEY]: side, ...group.key } })),
    );
    const header = this.header(selection);
    return {
      ...header,
      minGroupSize: widened.minGroupSize,
      groupBy: [COMPARISON_KEY, ...header.groupBy],
      organisation: own.slug,
      minOtherOrganisations: MIN_OTHER_ORGANISATIONS,
      groups: await this.withSlugs(groups),
    };
  }

  /** The surveys in the data and each dimension's values within the caller's scope (for the dashboard's filters). */
  async options(surveyId: string | null, scope: TScope): Promise<TKpiOptions> {
    const where = {
      ...(surveyId ? { surveyId } : {}),
      ...(scope.organisationId !== null ? { organisationId: scope.organisationId } : {}),
    };
    const cells = await this.rollups.cellsWhere(where);
    const surveys = (await this.prisma.survey.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((survey) => survey.id);
    const slugs = await this.organisationSlugs(cells.map((cell) => cell.organisationId));
    const values: TKpiOptions['values'] = {};
    for (const dimension of DIMENSIONS) {
      const found = new Set(
        cells.map((cell) => (dimension === 'organisation' ? (slugs.get(cell.organisationId) ?? '') : String(cell[CELL_COLUMNS[dimension]]))),
      );
      values[dimension] = [...found].sort().map((value) => (value === '' ? null : value));
    }
    const demo = await this.prisma.demoData.aggregate({
      where: { removedAt: null, ...(scope.organisationId !== null ? { organisationId: scope.organisationId } : {}) },
      _sum: { responses: true },
    });
    return { surveys, values, outcomes: await this.measuredOutcomes(surveyId), periods: [...PERIODS_BY_USE], demoResponses: demo._sum.responses ?? 0 };
  }

  // -------------------------------------------------------------------------------------------------------------

  private valuesOf(selection: TKpiSelection, cell: TCellRow): string[] {
    return selection.groupBy.map((dimension) => String(cell[CELL_COLUMNS[dimension]]));
  }

  private header(selection: TKpiSelection) {
    return {
      survey: selection.surveyIds[0]!,
      minGroupSize: selection.minGroupSize,
      from: selection.from,
      to: selection.to,
      groupBy: [...selection.groupBy, ...(selection.period ? [PERIOD_KEY] : [])],
      drivers: [...this.driverKeys],
    };
  }

  /** The outcomes some version of the survey (its family; every survey without one) asks, in the model's order. */
  private async measuredOutcomes(surveyId: string | null): Promise<TOutcome[]> {
    const versions = await this.prisma.surveyVersion.findMany({ select: { surveyId: true, definition: true } });
    const family = surveyId ? new Set(surveyFamilyOf(versions, surveyId)) : null;
    const asked = new Set<string>();
    for (const version of versions) {
      if (family && !family.has(version.surveyId)) continue;
      const parsed = z.object({ questions: z.array(z.looseObject({ measures: z.string().optional() })) }).safeParse(safeJson(version.definition));
      for (const question of parsed.success ? parsed.data.questions : []) if (question.measures) asked.add(question.measures);
    }
    return OUTCOMES.filter((outcome) => asked.has(outcome));
  }

  /** The base survey and every variant that extends it. */
  private async surveyFamily(surveyId: string): Promise<string[]> {
    return surveyFamilyOf(await this.prisma.surveyVersion.findMany({ select: { surveyId: true, definition: true } }), surveyId);
  }

  /**
   * Sums the statistics of every selected cell and day into the groups that `groupOf` assigns cells to (plus the
   * period, when the breakdown has one). Days and pending deltas are read in one statement, so a fold running at
   * the same moment is seen either entirely before or entirely after — never half, which would count a delta twice.
   */
  private async sum(selection: TKpiSelection, groupOf: (cell: TCellRow) => string[], needPairs: boolean): Promise<Map<string, TSummedGroup>> {
    const [groups] = await this.sumGroupings(selection, [{ groupOf, byPeriod: selection.period !== null, pairs: needPairs }]);
    return groups!;
  }

  /**
   * Sums the rows one read returns into several groupings at once (the overview): each row is parsed once, and only
   * the groupings that need the pairs get them.
   */
  private async sumGroupings(selection: TKpiSelection, groupings: readonly TGrouping[]): Promise<Array<Map<string, TSummedGroup>>> {
    const needPairs = groupings.some((grouping) => grouping.pairs);
    const rows = await this.rollups.rows(selection, needPairs);
    // Cells are read after the rows, with the same filter: a cell is created before any delta points at it, so every
    // id is found.
    const cells = new Map<string, TCellRow>();
    for (const cell of await this.rollups.cells(selection)) cells.set(cell.id, cell);
    const results = groupings.map(() => new Map<string, TSummedGroup>());
    const addTo = (index: number, values: string[], stats: TStats, organisationId: string) => {
      const id = JSON.stringify(values);
      const groups = results[index]!;
      let group = groups.get(id);
      if (!group) {
        group = { values, stats: emptyStats(), organisations: new Set() };
        groups.set(id, group);
      }
      accumulateStats(group.stats, groupings[index]!.pairs ? stats : withoutPairs(stats));
      if (stats.responses !== 0) group.organisations.add(organisationId);
    };
    // Groupings without a period take whole cells: each row is added once, to its cell, and the cells to the groups.
    const wholeCells = (grouping: TGrouping) => !grouping.byPeriod || !selection.period;
    const byCell = groupings.some(wholeCells);
    const cellPairs = groupings.some((grouping) => wholeCells(grouping) && grouping.pairs);
    const cellSums = new Map<string, TStats>();
    for (const row of rows) {
      const cell = cells.get(row.cellId);
      if (!cell) throw new Error(`rollup row points at unknown cell ${row.cellId}`);
      const stats = statsOfRow(row, needPairs);
      if (byCell) {
        let sum = cellSums.get(row.cellId);
        if (!sum) {
          sum = emptyStats();
          cellSums.set(row.cellId, sum);
        }
        accumulateStats(sum, cellPairs ? stats : withoutPairs(stats));
      }
      groupings.forEach((grouping, index) => {
        if (!wholeCells(grouping)) addTo(index, [...grouping.groupOf(cell), periodOf(row.day, selection.period!)], stats, cell.organisationId);
      });
    }
    for (const [cellId, sum] of cellSums) {
      const cell = cells.get(cellId)!;
      groupings.forEach((grouping, index) => {
        if (wholeCells(grouping)) addTo(index, grouping.groupOf(cell), sum, cell.organisationId);
      });
    }
    for (const groups of results) {
      for (const [id, group] of groups) {
        // The sums, not every row, are validated: zod on each of 40,000 day documents cost seconds (measured), and a
        // malformed document cannot add up to well-formed integer statistics (strings concatenate, gaps give NaN).
        const checked = ZStats.safeParse(group.stats);
        if (!checked.success) throw new Error(`rollup statistics do not add up for group ${id}: ${checked.error.issues[0]?.message}`);
        // A group whose responses were all erased nets to nothing: it is not a group of the answer.
        if (group.stats.responses <= 0) groups.delete(id);
      }
    }
    return results;
  }

  private kpiFigures(group: TSummedGroup, withheld: ReadonlySet<TKpiName>, minGroupSize: number): { completed: number; kpis: TKpiFigures } {
    const { completed, csat, ces, trust, nps, humaneness, drivers } = kpisOf(group.stats, { minGroupSize, drivers: this.driverKeys });
    return { completed, kpis: withholdKpis({ csat, ces, trust, nps, humaneness, drivers }, withheld) };
  }

  /**
   * Sorts the groups by their key, suppresses the small ones (primary) and, within every breakdown dimension, the
   * ones that would let a small one be recovered (complementary); only the groups left shown get figures. Each KPI is
   * then protected the same way on its own n: `figures` gets the KPIs to withhold in a shown group.
   */
  private suppressGroups<TFigures extends object>(
    selection: TKpiSelection,
    summed: readonly TSummedGroup[],
    figures: (group: TSummedGroup, withheld: ReadonlySet<TKpiName>) => TFigures,
    forceSuppressed?: (group: TSummedGroup) => boolean,
  ): Array<({ key: TGroupKey; n: number; suppressed: false } & TFigures) | TSuppressedGroup> {
    return this.suppressGroupsOn(selection, summed, figures, forceSuppressed ?? (() => false), (group) => kpiCounts(group.stats, this.driverKeys));
  }

  /** suppressGroups, with the figures' own n per group (`countsOf`) each protected like a group. */
  private suppressGroupsOn<TFigures extends object, TName extends string>(
    selection: TKpiSelection,
    summed: readonly TSummedGroup[],
    figures: (group: TSummedGroup, withheld: ReadonlySet<TName>) => TFigures,
    forceSuppressed: (group: TSummedGroup) => boolean,
    countsOf: (group: TSummedGroup) => Map<TName, number>,
  ): Array<({ key: TGroupKey; n: number; suppressed: false } & TFigures) | TSuppressedGroup> {
    const names = [...selection.groupBy, ...(selection.period ? [PERIOD_KEY] : [])];
    const sorted = [...summed].sort((a, b) => compareValues(a.values, b.values));
    const counted = sorted.map((group) => ({
      key: Object.fromEntries(names.map((name, index) => [name, group.values[index] ?? ''])),
      // A group that must stay hidden whatever its size gets an n below the minimum: it then also counts as a
      // hidden group with answers, so complementary suppression protects it like a small one.
      n: forceSuppressed(group) ? Math.min(group.stats.responses, selection.minGroupSize - 1) : group.stats.responses,
      group,
    }));
    const results = suppressSmallGroups(counted, names, selection.minGroupSize);
    const withheld = this.withheldKpis(counted, names, results, selection.minGroupSize, countsOf);
    return results.map((result, index) => {
      const key = Object.fromEntries(Object.entries(result.key).map(([name, value]) => [name, value === '' ? null : value]));
      if (result.suppressed) return { key, n: null, suppressed: true as const, reason: result.reason };
      const { group } = result;
      return { key, n: group.stats.responses, suppressed: false as const, ...figures(group, withheld[index]!) };
    });
  }

  /**
   * Per KPI, the table of its own n across the groups: a KPI hidden on its n inside a shown group, or with a group
   * hidden whole, could otherwise be worked out as the row's KPI minus those shown. The same complementary suppression
   * runs on every KPI's table; the result is, per group, the KPIs to withhold.
   */
  private withheldKpis<TName extends string>(
    counted: ReadonlyArray<{ key: Record<string, string>; group: TSummedGroup }>,
    dimensions: readonly string[],
    results: ReadonlyArray<{ suppressed: boolean }>,
    minGroupSize: number,
    countsOf: (group: TSummedGroup) => Map<TName, number>,
  ): Array<Set<TName>> {
    const counts = counted.map(({ group }) => countsOf(group));
    const hiddenWhole = results.map((result) => result.suppressed);
    const withheld = counted.map(() => new Set<TName>());
    for (const name of counts[0]?.keys() ?? []) {
      const table = counted.map(({ key }, index) => ({ key, n: counts[index]!.get(name) ?? 0 }));
      suppressSmallGroups(table, dimensions, minGroupSize, hiddenWhole).forEach((result, index) => {
        if (result.suppressed && !hiddenWhole[index]) withheld[index]!.add(name);
      });
    }
    return withheld;
  }

  /** Organisation ids in keys become slugs: ids are internal. */
  private async withSlugs<TGroup extends { key: TGroupKey }>(groups: TGroup[]): Promise<TGroup[]> {
    const ids = groups.map((group) => group.key.organisation).filter((id): id is string => typeof id === 'string');
    if (ids.length === 0) return groups;
    const slugs = await this.organisationSlugs(ids);
    return groups.map((group) =>
      typeof group.key.organisation === 'string' ? { ...group, key: { ...group.key, organisation: slugs.get(group.key.organisation) ?? null } } : group,
    );
  }

  private async organisationSlugs(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.organisation.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, slug: true } });
    return new Map(rows.map((row) => [row.id, row.slug]));
  }
}

let sharedLabels: TThemeLabel[] | undefined;

/** The shared themes alone, read from the locale files once. */
const SHARED_THEME_LABELS: TThemeLabelSource = {
  async labelsOf() {
    sharedLabels ??= readSharedLexicon().map(({ key, labels }) => ({ key, labels, own: false }));
    return sharedLabels;
  },
};

function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const left = a[index] ?? '';
    const right = b[index] ?? '';
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The base of a survey and every variant that extends it, from the registered versions' definitions. */
function surveyFamilyOf(versions: readonly { surveyId: string; definition: string }[], surveyId: string): string[] {
  const extendsOf = new Map<string, string | null>();
  for (const version of versions) {
    const parsed = z.object({ extends: z.string().optional() }).safeParse(safeJson(version.definition));
    if (parsed.success && !extendsOf.get(version.surveyId)) extendsOf.set(version.surveyId, parsed.data.extends ?? null);
  }
  const root = extendsOf.get(surveyId) ?? surveyId;
  const family = new Set([surveyId, root]);
  for (const [id, base] of extendsOf) if (base === root) family.add(id);
  return [...family].sort();
}
