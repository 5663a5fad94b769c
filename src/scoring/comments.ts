import { z } from 'zod';
import type { TDatabaseProvider } from '../config';
import type { Prisma, TPrisma } from '../db/client';
import { writeAudit, type TActor } from '../kernel/audit';
import { dayIn, nextDay, zonedTime } from '../kernel/calendar';
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

const BAND_RANGES: Record<string, { gte?: number; lte?: number }> = {
  '0-1': { lte: 1 },
  '2-7': { gte: 2, lte: 7 },
  '8-30': { gte: 8, lte: 30 },
  '31+': { gte: 31 },
  '1': { gte: 1, lte: 1 },
  '2': { gte: 2, lte: 2 },
  '3+': { gte: 3 },
};
// Every band the API accepts has its range here: a new band without one would silently match everything.
for (const band of [...LEAD_TIME_BANDS, ...CONTACT_COUNT_BANDS]) if (!BAND_RANGES[band]) throw new Error(`no range for band ${band}`);

const COMMENT_SELECT = {
  text: true,
  themes: true,
  response: { select: { startedAt: true, language: true, service: { select: { slug: true } }, organisation: { select: { timeZone: true } } } },
} as const;

export class CommentService {
  private readonly rollups: RollupReader;

  constructor(
    private readonly prisma: TPrisma,
    private readonly provider: TDatabaseProvider,
  ) {
    this.rollups = new RollupReader(prisma, provider);
  }

  async comments(actor: TActor, selection: TKpiSelection, query: Pick<TCommentsQuery, 'theme' | 'q' | 'limit' | 'offset'>): Promise<TCommentsReport> {
    const totals = await this.rollups.totals(selection);
    const shown = totals.responses >= selection.minGroupSize;
    await writeAudit(this.prisma, actor, 'comments.read', {
      details: { survey: selection.surveyIds[0], from: selection.from, to: selection.to, theme: query.theme ?? null, searched: query.q !== undefined, shown },
    });
    if (!shown) return { suppressed: true, minGroupSize: selection.minGroupSize, n: null, reason: 'small' };

    const where = await this.where(selection, query);
    const rows = await this.prisma.answer.findMany({
      where,
      select: COMMENT_SELECT,
      orderBy: [{ response: { startedAt: 'desc' } }, { id: 'asc' }],
      skip: query.offset,
      take: query.limit + 1,
    });
    const comments = rows.slice(0, query.limit).map((row) => ({
      day: dayIn(row.response.startedAt, row.response.organisation.timeZone),
      language: row.response.language,
      service: row.response.service?.slug ?? null,
      themes: parseThemes(row.themes) ?? {},
      text: row.text ?? '',
    }));
    return {
      suppressed: false,
      minGroupSize: selection.minGroupSize,
      n: totals.responses,
      total: query.theme ? (totals.themes[query.theme] ?? 0) : totals.comments,
      matchedTerms: query.theme ? await this.matchedTerms(where, query.theme) : null,
      comments,
      nextOffset: rows.length > query.limit ? query.offset + query.limit : null,
    };
  }

  /** How often each word of the lexicon matched a theme, over the comments in view still kept. */
  private async matchedTerms(where: Prisma.AnswerWhereInput, theme: string): Promise<Array<{ term: string; count: number }>> {
    const counts = new Map<string, number>();
    const rows = await this.prisma.answer.findMany({ where, select: { themes: true } });
    for (const row of rows) for (const term of parseThemes(row.themes)?.[theme] ?? []) counts.set(term, (counts.get(term) ?? 0) + 1);
    return [...counts].map(([term, count]) => ({ term, count })).sort((a, b) => b.count - a.count || a.term.localeCompare(b.term));
  }

  /** The open answers of the responses a selection covers, as the rollups count them (held-back responses are in no figure). */
  private async where(selection: TKpiSelection, query: Pick<TCommentsQuery, 'theme' | 'q'>): Promise<Prisma.AnswerWhereInput> {
    const { filters } = selection;
    const response: Prisma.ResponseWhereInput = {
      heldBack: false,
      surveyVersion: { surveyId: { in: [...selection.surveyIds] }, ...(filters.surveyVersion ? { version: { in: filters.surveyVersion.map(Number) } } : {}) },
      ...(filters.service ? { service: { slug: { in: [...filters.service] } } } : {}),
      ...(filters.contactChannel ? { contactChannel: { in: [...filters.contactChannel] } } : {}),
      ...(filters.chatChannel ? { chatChannel: { in: [...filters.chatChannel] } } : {}),
      ...(filters.language ? { language: { in: [...filters.language] } } : {}),
      ...(filters.location ? { location: { in: [...filters.location] } } : {}),
    };
    const and: Prisma.ResponseWhereInput[] = [];
    if (filters.leadTimeBand) and.push({ OR: filters.leadTimeBand.map((band) => ({ leadTimeDays: BAND_RANGES[band]! })) });
    if (filters.contactCountBand) and.push({ OR: filters.contactCountBand.map((band) => ({ contactCount: BAND_RANGES[band]! })) });
    // Days are cut in each organisation's own time zone, as the rollups' days are.
    const organisations = await this.prisma.organisation.findMany({
      where: filters.organisation ? { id: { in: [...filters.organisation] } } : {},
      select: { id: true, timeZone: true },
    });
    and.push({
      OR: organisations.map(({ id, timeZone }) => ({
        organisationId: id,
        ...(selection.from || selection.to
          ? { startedAt: { ...(selection.from ? { gte: startOfDay(selection.from, timeZone) } : {}), ...(selection.to ? { lt: startOfDayAfter(selection.to, timeZone) } : {}) } }
          : {}),
      })),
    });
    return {
      themes: query.theme ? { contains: `"${query.theme}":` } : { not: null },
      text: query.q ? { contains: query.q, ...(this.provider === 'postgresql' ? { mode: 'insensitive' as const } : {}) } : { not: null },
      response: { ...response, AND: and },
    };
  }
}

function startOfDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return zonedTime(year, month, date, 0, timeZone);
}

function startOfDayAfter(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const after = nextDay(year, month, date);
  return zonedTime(after.year, after.month, after.day, 0, timeZone);
}
