import type { TDatabaseProvider } from '../config';
import { lastDayOf, monthPlus } from '../kernel/calendar';
import { Prisma, type TPrisma } from '../db/client';
import type { TCellDimensions } from './answerStore';
import type { TDimension } from './dimensions';
import type { TKpiSelection } from './kpiContract';
import type { TStats } from './sufficientStats';

/**
 * Reads the rollups a KPI question selects: the cells (one per combination of dimension values) and, per cell, the
 * sufficient statistics of whole months, days and the deltas not folded yet, in the SQL each database runs best.
 */

/** Rollup column of each cell dimension. */
export const CELL_COLUMNS = {
  organisation: 'organisationId',
  service: 'serviceSlug',
  contactChannel: 'contactChannel',
  chatChannel: 'chatChannel',
  language: 'language',
  location: 'location',
  surveyVersion: 'surveyVersion',
  leadTimeBand: 'leadTimeBand',
  contactCountBand: 'contactCountBand',
} as const satisfies Record<TDimension, string>;

export interface TCellRow extends TCellDimensions {
  id: string;
}

const CELL_SELECT = {
  id: true,
  organisationId: true,
  serviceSlug: true,
  contactChannel: true,
  chatChannel: true,
  language: true,
  location: true,
  surveyId: true,
  surveyVersion: true,
  leadTimeBand: true,
  contactCountBand: true,
} as const;

/** Rollup rows as read back: the whole statistics document, or (SQLite, no pairs needed) its counts and measures. */
export type TRollupRow = { cellId: string; day: string } & (
  | { stats: string }
  | { responses: number | bigint; completed: number | bigint; measures: string; comments: number | bigint | null; themes: string | null }
);

export class RollupReader {
  constructor(
    private readonly prisma: TPrisma,
    private readonly provider: TDatabaseProvider,
  ) {}

  /** The cells of a selection, by filter, not by an id list: Prisma binds at most 999 values on SQLite. */
  async cells(selection: TKpiSelection): Promise<TCellRow[]> {
    return this.cellsWhere(this.cellWhere(selection));
  }

  async cellsWhere(where: Record<string, unknown>): Promise<TCellRow[]> {
    return this.prisma.rollupCell.findMany({ where, select: CELL_SELECT });
  }

  /**
   * The rows of every selected cell and day (a whole month dated its first day), as stored: `statsOfRow` parses one
   * when it is summed, so a year's rows are never all parsed and held at once. With `needPairs` false, SQLite reads
   * only the counts and measures.
   */
  rows(selection: TKpiSelection, needPairs: boolean): Promise<TRollupRow[]> {
    return this.rawRows(selection, needPairs ? 'whole' : 'measures') as Promise<TRollupRow[]>;
  }

  /**
   * How many responses the selection holds, how many of them left an open answer, and per theme how many: without
   * reading the measures (the comments only need to know whether the group in view is large enough).
   */
  async totals(selection: TKpiSelection): Promise<{ responses: number; comments: number; themes: Record<string, number> }> {
    const totals = { responses: 0, comments: 0, themes: {} as Record<string, number> };
    const add = (responses: number, comments: number, themes: Record<string, unknown>) => {
      totals.responses += responses;
      totals.comments += comments;
      for (const [key, count] of Object.entries(themes)) totals.themes[key] = (totals.themes[key] ?? 0) + Number(count);
    };
    const whole = { ...selection, period: null };
    // SQLite's own JSON functions take the three fields fastest; PostgreSQL parses a json value again for every field
    // taken from it (and a cast to jsonb costs more still: measured), so there the documents are parsed here instead.
    if (this.provider === 'postgresql') {
      for (const row of (await this.rawRows(whole, 'whole')) as TRollupRow[]) {
        const stats = statsOfRow(row, false);
        add(stats.responses, stats.comments ?? 0, stats.themes ?? {});
      }
      return totals;
    }
    for (const row of (await this.rawRows(whole, 'totals')) as TTotalsRow[]) {
      const themes: unknown = row.themes === null ? {} : JSON.parse(row.themes);
      if (!isRecord(themes)) throw new Error(`rollup themes of cell ${row.cellId} on ${row.day} are malformed`);
      add(Number(row.responses ?? 0), Number(row.comments ?? 0), themes);
    }
    return totals;
  }

  private cellWhere(selection: TKpiSelection) {
    const where: Record<string, unknown> = { surveyId: { in: [...selection.surveyIds] } };
    for (const [dimension, values] of Object.entries(selection.filters) as Array<[TDimension, readonly string[]]>) {
      where[CELL_COLUMNS[dimension]] = { in: dimension === 'surveyVersion' ? values.map(Number) : [...values] };
    }
    return where;
  }

  /**
   * One statement for months, days and pending deltas (one snapshot on both databases). Whole calendar months inside
   * the range come from RollupMonth, the days at its ragged edges from RollupDay: a year's question reads about 13
   * rows per cell instead of 365, so its cost no longer grows with the number of answers. A breakdown by day or week
   * reads days only, as weeks cross months. Measured on a year of 108 cells (36,000 day rows, 1,000,000 answers):
   * summing in SQL with JSON functions is slower on both databases than parsing in JS; where the pairs are not
   * needed, SQLite's own parser cutting out just the measures pays, while PostgreSQL's json parsing does not.
   */
  private async rawRows(selection: TKpiSelection, read: 'whole' | 'measures' | 'totals'): Promise<TRollupRow[] | TTotalsRow[]> {
    const conditions: Prisma.Sql[] = [Prisma.sql`c."surveyId" IN (${Prisma.join(selection.surveyIds)})`];
    for (const [dimension, values] of Object.entries(selection.filters) as Array<[TDimension, readonly string[]]>) {
      const column = Prisma.raw(`c."${CELL_COLUMNS[dimension]}"`);
      const typed = dimension === 'surveyVersion' ? values.map(Number) : values;
      conditions.push(Prisma.sql`${column} IN (${Prisma.join(typed)})`);
    }
    const cells = Prisma.sql`"cellId" IN (SELECT c."id" FROM "RollupCell" c WHERE ${Prisma.join(conditions, ' AND ')})`;
    const inRange: Prisma.Sql[] = [];
    if (selection.from) inRange.push(Prisma.sql`"day" >= ${selection.from}`);
    if (selection.to) inRange.push(Prisma.sql`"day" <= ${selection.to}`);
    const columns = (day: Prisma.Sql) => {
      if (read === 'totals') {
        return Prisma.sql`"cellId", ${day} AS "day", json_extract("stats", '$.responses') AS "responses", json_extract("stats", '$.comments') AS "comments", json_extract("stats", '$.themes') AS "themes"`;
      }
      return this.provider === 'sqlite' && read === 'measures'
        ? Prisma.sql`"cellId", ${day} AS "day", json_extract("stats", '$.responses') AS "responses", json_extract("stats", '$.completed') AS "completed", json_extract("stats", '$.measures') AS "measures",
            json_extract("stats", '$.comments') AS "comments", json_extract("stats", '$.themes') AS "themes"`
        : Prisma.sql`"cellId", ${day} AS "day", "stats"`;
    };
    const where = (parts: Prisma.Sql[]) => Prisma.join([cells, ...parts], ' AND ');
    const dayColumn = Prisma.sql`"day"`;
    const pending = Prisma.sql`SELECT ${columns(dayColumn)} FROM "RollupDelta" WHERE ${where(inRange)}`;

    const months = selection.period === 'day' || selection.period === 'week' ? null : wholeMonthsOf(selection.from ?? undefined, selection.to ?? undefined);
    if (!months) {
      return this.prisma.$queryRaw<TRollupRow[]>`
        SELECT ${columns(dayColumn)} FROM "RollupDay" WHERE ${where(inRange)} UNION ALL ${pending}`;
    }
    const monthBounds: Prisma.Sql[] = [];
    const outsideMonths: Prisma.Sql[] = [];
    if (months.first) {
      monthBounds.push(Prisma.sql`"month" >= ${months.first}`);
      outsideMonths.push(Prisma.sql`"day" < ${`${months.first}-01`}`);
    }
    if (months.last) {
      monthBounds.push(Prisma.sql`"month" <= ${months.last}`);
      outsideMonths.push(Prisma.sql`"day" > ${`${months.last}-31`}`);
    }
    // Days inside the range but outside the whole months; with an open end on both sides there are none.
    const edgeDays = outsideMonths.length
      ? Prisma.sql`SELECT ${columns(dayColumn)} FROM "RollupDay" WHERE ${where([...inRange, Prisma.sql`(${Prisma.join(outsideMonths, ' OR ')})`])} UNION ALL `
      : Prisma.empty;
    return this.prisma.$queryRaw<TRollupRow[]>`
      SELECT ${columns(Prisma.sql`"month" || '-01'`)} FROM "RollupMonth" WHERE ${where(monthBounds)}
      UNION ALL ${edgeDays}${pending}`;
  }

}

type TTotalsRow = { cellId: string; day: string; responses: number | bigint | null; comments: number | bigint | null; themes: string | null };

/**
 * The whole calendar months between two inclusive days (YYYY-MM, either end open when its day is absent), or null
 * when the range holds no whole month.
 */
export function wholeMonthsOf(from: string | undefined, to: string | undefined): { first?: string; last?: string } | null {
  const first = from === undefined ? undefined : from.endsWith('-01') ? from.slice(0, 7) : monthPlus(from.slice(0, 7), 1);
  const last = to === undefined ? undefined : to === lastDayOf(to.slice(0, 7)) ? to.slice(0, 7) : monthPlus(to.slice(0, 7), -1);
  if (first !== undefined && last !== undefined && first > last) return null;
  return { ...(first ? { first } : {}), ...(last ? { last } : {}) };
}

/**
 * A rollup row as statistics. Only the shape is checked here (objects where objects belong, numbers where numbers
 * do); the group sums get the full ZStats check.
 */
export function statsOfRow(row: TRollupRow, needPairs: boolean): TStats {
  if ('stats' in row) {
    const parsed: unknown = JSON.parse(row.stats);
    if (!isRecord(parsed) || !isRecord(parsed.measures) || !isRecord(parsed.pairs) || typeof parsed.responses !== 'number') {
      throw new Error(`rollup statistics of cell ${row.cellId} on ${row.day} are malformed`);
    }
    // Adding up 45 pairs per row nobody asked for doubles the time of a year's breakdown.
    return needPairs ? (parsed as TStats) : { ...(parsed as TStats), pairs: {} };
  }
  const measures: unknown = row.measures === null ? {} : JSON.parse(row.measures);
  const themes: unknown = row.themes === null ? undefined : JSON.parse(row.themes);
  if (!isRecord(measures) || (themes !== undefined && !isRecord(themes))) throw new Error(`rollup statistics of cell ${row.cellId} on ${row.day} are malformed`);
  return {
    responses: Number(row.responses ?? 0),
    completed: Number(row.completed ?? 0),
    measures: measures as TStats['measures'],
    pairs: {},
    ...(row.comments !== null ? { comments: Number(row.comments) } : {}),
    ...(themes !== undefined ? { themes: themes as Record<string, number> } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
