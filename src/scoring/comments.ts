import { z } from 'zod';
import type { TDatabase, TPrisma } from '../db/client';
import { placeholders, type TSql, type TSqlValue } from '../db/sql';
import { writeAudit, type TActor } from '../kernel/audit';
import { dayIn, startOfDayAfterIn, startOfDayIn } from '../kernel/calendar';
import { ZThemeKey } from '../themes/lexicon';
import { parseThemes } from './answerStore';
import { CONTACT_COUNT_BANDS, LEAD_TIME_BANDS } from './dimensions';
import { checkKpiQuery, KPI_QUERY_FIELDS, type TKpiSelection } from './kpiContract';
import { RollupReader } from './rollupReader';
import type { TThemeMatches } from '../themes/tagger';

/**
 * The residents' own words for analysts: the scrubbed open answers of the responses a question selects, newest
 * first, searchable and by theme — only where the group in view holds at least the minimum number of responses, and
 * every read written to the audit log, as an export is.
 */

const { groupBy: _breakdown, ...SELECTION_FIELDS } = KPI_QUERY_FIELDS;

export const COMMENTS_PAGE = 20;

export const ZCommentsQuery = z
  .strictObject({
    ...SELECTION_FIELDS,
    theme: ZThemeKey.optional().describe('Only the comments tagged with this theme; the reply then lists the words that matched.'),
    q: z
      .string()
      .trim()
      .min(2)
      .max(100)
      // The database's pattern characters would turn a search into a pattern.
      .regex(/^[^%_\\]+$/, 'must not contain %, _ or \\')
      .optional()
      .describe('Only the comments that contain this text (case does not matter).'),
    limit: z.coerce.number().int().min(1).max(100).default(COMMENTS_PAGE),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .superRefine(checkKpiQuery);
export type TCommentsQuery = z.infer<typeof ZCommentsQuery>;

export interface TComment {
  /** The day the response started (never the time: with a service and a day, a time could point at a person). */
  day: string;
  language: string;
  service: string | null;
  /** Per theme the words of the lexicon that matched the text. */
  themes: TThemeMatches;
  /** Scrubbed of personal data before it was stored. */
  text: string;
}

export type TCommentsReport =
  | {
      suppressed: false;
      minGroupSize: number;
      /** Responses in view. */
      n: number;
      /** Responses in view with an open answer (with `theme`: those tagged with it); from the figures, so it survives retention. */
      total: number;
      /** With `theme`: the lexicon's words that matched, most frequent first, over the comments still kept. */
      matchedTerms: Array<{ term: string; count: number }> | null;
      comments: TComment[];
      /** The offset of the next page; null on the last one. */
      nextOffset: number | null;
    }
  | { suppressed: true; minGroupSize: number; n: null; reason: 'small' };

/** A band's range of days or contacts, as SQL over the response's own column. */
const BAND_RANGES: Record<string, { min?: number; max?: number }> = {
  '0-1': { max: 1 },
  '2-7': { min: 2, max: 7 },
  '8-30': { min: 8, max: 30 },
  '31+': { min: 31 },
  '1': { min: 1, max: 1 },
  '2': { min: 2, max: 2 },
  '3+': { min: 3 },
};
// Every band the API accepts has its range here: a new band without one would silently match everything.
for (const band of [...LEAD_TIME_BANDS, ...CONTACT_COUNT_BANDS]) if (!BAND_RANGES[band]) throw new Error(`no range for band ${band}`);

interface TCommentRow {
  text: string;
  themes: string;
  startedAt: Date | string;
  language: string;
  service: string | null;
  timeZone: string;
}

export class CommentService {
  private readonly rollups: RollupReader;
  private readonly prisma: TPrisma;
  private readonly sql: TSql;

  constructor(database: Pick<TDatabase, 'prisma' | 'sql' | 'provider'>) {
    this.prisma = database.prisma;
    this.sql = database.sql;
    this.rollups = new RollupReader(database.prisma, database.provider);
  }

  async comments(actor: TActor, selection: TKpiSelection, query: Pick<TCommentsQuery, 'theme' | 'q' | 'limit' | 'offset'>): Promise<TCommentsReport> {
    const totals = await this.rollups.totals(selection);
    const shown = totals.responses >= selection.minGroupSize;
    await writeAudit(this.prisma, actor, 'comments.read', {
      details: { survey: selection.surveyIds[0], from: selection.from, to: selection.to, theme: query.theme ?? null, searched: query.q !== undefined, shown },
    });
    if (!shown) return { suppressed: true, minGroupSize: selection.minGroupSize, n: null, reason: 'small' };

    const wheres = await this.where(selection, query);
    // Newest first per organisation, each along its index on (organisationId, startedAt), stopping at the page's end;
    // merged here. One statement over several organisations would sort every comment in view first.
    const wanted = query.offset + query.limit + 1;
    const perOrganisation = await Promise.all(
      wheres.map((where) =>
        this.sql.query<TCommentRow>(
          `SELECT a."text", a."themes", r."startedAt", r."language", s."slug" AS "service", o."timeZone"
           FROM "Response" r
           JOIN "Answer" a ON a."responseId" = r."id"
           JOIN "Organisation" o ON o."id" = r."organisationId"
           LEFT JOIN "Service" s ON s."id" = r."serviceId"
           WHERE ${where.sql}
           ORDER BY r."startedAt" DESC LIMIT ?`,
          [...where.params, wanted],
        ),
      ),
    );
    const rows = perOrganisation
      .flat()
      .map((row) => ({ ...row, startedAt: new Date(row.startedAt) }))
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
      .slice(query.offset, wanted);
    const comments = rows.slice(0, query.limit).map((row) => ({
      day: dayIn(row.startedAt, row.timeZone),
      language: row.language,
      service: row.service,
      themes: parseThemes(row.themes) ?? {},
      text: row.text,
    }));
    return {
      suppressed: false,
      minGroupSize: selection.minGroupSize,
      n: totals.responses,
      total: query.theme ? (totals.themes[query.theme] ?? 0) : totals.comments,
      matchedTerms: query.theme ? await this.matchedTerms(wheres, query.theme) : null,
      comments,
      nextOffset: rows.length > query.limit ? query.offset + query.limit : null,
    };
  }

  /** How often each word of the lexicon matched a theme, over the comments in view still kept. */
  private async matchedTerms(wheres: readonly TWhere[], theme: string): Promise<Array<{ term: string; count: number }>> {
    const counts = new Map<string, number>();
    for (const where of wheres) {
      const rows = await this.sql.query<{ themes: string }>(`SELECT a."themes" FROM "Response" r JOIN "Answer" a ON a."responseId" = r."id" WHERE ${where.sql}`, where.params);
      for (const row of rows) for (const term of parseThemes(row.themes)?.[theme] ?? []) counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    return [...counts].map(([term, count]) => ({ term, count })).sort((a, b) => b.count - a.count || a.term.localeCompare(b.term));
  }

  /**
   * The open answers of the responses a selection covers, as the rollups count them (held-back responses are in no
   * figure), over `Response r` joined with `Answer a`: one condition per organisation, whose days are its own. Written out rather than as Prisma relation filters: those
   * become IN-subqueries the planner cannot walk newest-first along the index on (organisationId, startedAt).
   */
  private async where(selection: TKpiSelection, query: Pick<TCommentsQuery, 'theme' | 'q'>): Promise<TWhere[]> {
    const { filters } = selection;
    const conditions: string[] = [`a."themes" IS NOT NULL`, `a."text" IS NOT NULL`, `r."heldBack" = ?`];
    const params: TSqlValue[] = [false];
    const inList = (column: string, values: readonly TSqlValue[]) => {
      conditions.push(`${column} IN (${placeholders(values.length)})`);
      params.push(...values);
    };
    const versions = [`v."surveyId" IN (${placeholders(selection.surveyIds.length)})`];
    params.push(...selection.surveyIds);
    if (filters.surveyVersion) {
      versions.push(`v."version" IN (${placeholders(filters.surveyVersion.length)})`);
      params.push(...filters.surveyVersion.map(Number));
    }
    conditions.push(`r."surveyVersionId" IN (SELECT v."id" FROM "SurveyVersion" v WHERE ${versions.join(' AND ')})`);
    if (filters.service) {
      conditions.push(`r."serviceId" IN (SELECT sv."id" FROM "Service" sv WHERE sv."slug" IN (${placeholders(filters.service.length)}))`);
      params.push(...filters.service);
    }
    if (filters.contactChannel) inList('r."contactChannel"', filters.contactChannel);
    if (filters.chatChannel) inList('r."chatChannel"', filters.chatChannel);
    if (filters.language) inList('r."language"', filters.language);
    if (filters.location) inList('r."location"', filters.location);
    const bands = (column: string, values: readonly string[]) => {
      const ranges = values.map((band) => BAND_RANGES[band]!);
      conditions.push(
        `(${ranges
          .map((range) => [range.min !== undefined ? `${column} >= ?` : null, range.max !== undefined ? `${column} <= ?` : null].filter(Boolean).join(' AND '))
          .map((part) => `(${part})`)
          .join(' OR ')})`,
      );
      for (const range of ranges) params.push(...[range.min, range.max].filter((bound): bound is number => bound !== undefined));
    };
    if (filters.leadTimeBand) bands('r."leadTimeDays"', filters.leadTimeBand);
    if (filters.contactCountBand) bands('r."contactCount"', filters.contactCountBand);
    if (query.theme) {
      // A key of the answer's themes document: keys are camelCase letters and digits, so nothing in it is a pattern.
      conditions.push(`a."themes" LIKE ?`);
      params.push(`%"${query.theme}":%`);
    }
    if (query.q) {
      conditions.push(`LOWER(a."text") LIKE ?`);
      params.push(`%${query.q.toLowerCase()}%`);
    }
    // Days are cut in each organisation's own time zone, as the rollups' days are.
    const organisations = await this.prisma.organisation.findMany({
      where: filters.organisation ? { id: { in: [...filters.organisation] } } : {},
      select: { id: true, timeZone: true },
    });
    return organisations.map(({ id, timeZone }) => {
      const parts = [...conditions, `r."organisationId" = ?`];
      const own: TSqlValue[] = [...params, id];
      if (selection.from) {
        parts.push(`r."startedAt" >= ?`);
        own.push(startOfDayIn(selection.from, timeZone));
      }
      if (selection.to) {
        parts.push(`r."startedAt" < ?`);
        own.push(startOfDayAfterIn(selection.to, timeZone));
      }
      return { sql: parts.join(' AND '), params: own };
    });
  }
}

interface TWhere {
  sql: string;
  params: TSqlValue[];
}
