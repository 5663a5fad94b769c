import { writeAudit, type TActor } from '../kernel/audit';
import { checkServicesExist, organisationsInScope } from './scope';
import { z } from 'zod';
import type { TPrisma } from '../db/client';
import { csvRow } from './csv';
import { RESPONSE_DIMENSIONS } from './dimensions';
import { dayIn } from '../kernel/calendar';
import { KPI_QUERY_FIELDS, KpiQueryError, type TScope } from './kpiContract';

/**
 * The analyst's row-level export (README, "GET /api/kpis"): every stored answer of the selected responses as one
 * CSV line. Aggregate suppression does not apply here, so the export itself carries nothing that points at a
 * resident: no resident or conversation key, no internal id (a cuid embeds its creation time to the millisecond),
 * dates only to the day — responses are numbered within the export instead.
 */

export const ZExportQuery = z
  .strictObject({
    survey: KPI_QUERY_FIELDS.survey,
    from: KPI_QUERY_FIELDS.from,
    to: KPI_QUERY_FIELDS.to,
    organisation: KPI_QUERY_FIELDS.organisation,
    service: KPI_QUERY_FIELDS.service,
    language: KPI_QUERY_FIELDS.language,
    location: KPI_QUERY_FIELDS.location,
    island: KPI_QUERY_FIELDS.island,
  })
  .superRefine((query, ctx) => {
    if (query.from && query.to && query.from > query.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    if (query.location && query.island) ctx.addIssue({ code: 'custom', path: ['island'], message: 'island is another name for location: give one of them' });
  });
export type TExportQuery = z.infer<typeof ZExportQuery>;

export const EXPORT_COLUMNS = [
  'response',
  'survey',
  'surveyVersion',
  ...RESPONSE_DIMENSIONS,
  'leadTimeDays',
  'contactCount',
  'source',
  'status',
  'heldBack',
  'startedOn',
  'completedOn',
  'question',
  'measure',
  'value',
  'text',
  'dontKnow',
  'skipped',
] as const;

const EXPORT_SELECT = {
  id: true,
  contactChannel: true,
  chatChannel: true,
  language: true,
  location: true,
  leadTimeDays: true,
  contactCount: true,
  source: true,
  status: true,
  heldBack: true,
  startedAt: true,
  completedAt: true,
  service: { select: { slug: true } },
  organisation: { select: { slug: true, timeZone: true } },
  surveyVersion: { select: { surveyId: true, version: true } },
  answers: {
    select: { questionKey: true, measure: true, value: true, text: true, dontKnow: true, skipped: true },
    orderBy: { questionKey: 'asc' },
  },
} as const;

/** The largest UTC offset of any time zone: a day in some zone lies within this margin of the same UTC day. */
const MAX_ZONE_OFFSET_MS = 14 * 3_600_000;

export interface TExportOptions {
  /** Responses read per query: memory stays bounded by this, whatever the export's size. */
  batchSize?: number;
}

/**
 * The export as CSV text chunks (the header, then one chunk per batch of responses), read in batches by id so that
 * memory stays constant however many answers there are. Throws KpiQueryError before the first chunk for a question
 * the caller may not ask.
 */
/** The analyst's row-level export, audited before the first row leaves: an export that cannot be audited does not happen. */
export class ResponseExports {
  constructor(private readonly prisma: TPrisma) {}

  async start(actor: TActor, query: TExportQuery): Promise<AsyncGenerator<string>> {
    const chunks = await prepareResponseExport(this.prisma, query, { organisationId: actor.organisationId });
    await writeAudit(this.prisma, actor, 'responses.export', { subjectType: 'survey', subjectId: query.survey, details: query });
    return chunks;
  }
}

export async function prepareResponseExport(
  prisma: TPrisma,
  query: TExportQuery,
  scope: TScope,
  options: TExportOptions = {},
): Promise<AsyncGenerator<string>> {
  const batchSize = options.batchSize ?? 500;
  const survey = await prisma.survey.findUnique({ where: { id: query.survey }, select: { id: true } });
  if (!survey) throw new KpiQueryError('invalid', 'unknown_survey', `survey: no survey "${query.survey}"`, 'survey');
  const versions = await prisma.surveyVersion.findMany({ where: { surveyId: query.survey }, select: { id: true } });

  const organisationIds = await organisationsInScope(prisma, query.organisation, scope);
  if (query.service) await checkServicesExist(prisma, query.service, organisationIds);
  const location = query.location ?? query.island;

  // Days are cut in each organisation's own zone: the SQL range is widened by the largest offset and the exact day
  // is checked per row below.
  const startedAt = {
    ...(query.from ? { gte: new Date(Date.parse(`${query.from}T00:00:00Z`) - MAX_ZONE_OFFSET_MS) } : {}),
    ...(query.to ? { lt: new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000 + MAX_ZONE_OFFSET_MS) } : {}),
  };
  const where = {
    surveyVersionId: { in: versions.map((version) => version.id) },
    ...(organisationIds ? { organisationId: { in: organisationIds } } : {}),
    ...(query.service ? { service: { slug: { in: query.service } } } : {}),
    ...(query.language ? { language: { in: query.language } } : {}),
    ...(location ? { location: { in: location } } : {}),
    ...(query.from || query.to ? { startedAt } : {}),
  };

  async function* chunks(): AsyncGenerator<string> {
    yield csvRow(EXPORT_COLUMNS);
    let after: string | undefined;
    let number = 0;
    for (;;) {
      const batch = await prisma.response.findMany({
        where: after === undefined ? where : { AND: [where, { id: { gt: after } }] },
        orderBy: { id: 'asc' },
        take: batchSize,
        select: EXPORT_SELECT,
      });
      if (batch.length === 0) return;
      after = batch.at(-1)!.id;
      let text = '';
      for (const response of batch) {
        const startedOn = dayIn(response.startedAt, response.organisation.timeZone);
        if ((query.from && startedOn < query.from) || (query.to && startedOn > query.to)) continue;
        number++;
        const common = [
          number,
          response.surveyVersion.surveyId,
          response.surveyVersion.version,
          response.organisation.slug,
          response.service?.slug ?? null,
          response.contactChannel,
          response.chatChannel,
          response.language,
          response.location,
          response.leadTimeDays,
          response.contactCount,
          response.source,
          response.status,
          response.heldBack,
          startedOn,
          response.completedAt ? dayIn(response.completedAt, response.organisation.timeZone) : null,
        ];
        for (const answer of response.answers) {
          text += csvRow([...common, answer.questionKey, answer.measure, answer.value, answer.text, answer.dontKnow, answer.skipped]);
        }
      }
      if (text !== '') yield text;
    }
  }
  return chunks();
}
