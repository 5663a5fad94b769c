import { z } from 'zod';
import { checkKpiQuery, KPI_QUERY_FIELDS } from '../scoring/kpiContract';
import type { KpiService } from '../scoring/kpiQuery';
import { DELIVERY_CHANNELS, type ResponseRates } from '../scoring/responseRate';
import { defineRoute, type TApiRoute } from './apiRoute';
import { scopeOf, ZSuppressed, ZSuppressedGroup } from './kpis';

const ZQuery = z
  .strictObject({ survey: KPI_QUERY_FIELDS.survey, from: KPI_QUERY_FIELDS.from, to: KPI_QUERY_FIELDS.to, organisation: KPI_QUERY_FIELDS.organisation, service: KPI_QUERY_FIELDS.service })
  .superRefine(checkKpiQuery);
const ZRate = z.union([z.object({ value: z.number(), low: z.number().nullable(), high: z.number().nullable(), n: z.number().int() }), ZSuppressed]);
const ZReport = z.object({
  survey: z.string(),
  minGroupSize: z.number().int(),
  from: z.iso.date().nullable(),
  to: z.iso.date().nullable(),
  groups: z.array(
    z.union([
      z.object({
        key: z.object({ channel: z.enum(DELIVERY_CHANNELS) }),
        n: z.number().int(),
        suppressed: z.literal(false),
        sent: z.number().int().describe('Invitations sent (for a link: made and handed to staff).'),
        started: z.number().int(),
        completed: z.number().int(),
        startRate: ZRate.describe('% of those sent that started the survey, with its 95% Wilson interval.'),
        responseRate: ZRate.describe('% of those sent that completed it, with its 95% Wilson interval.'),
      }),
      ZSuppressedGroup,
    ]),
  ),
});

/** The response rate of follow-up invitations per delivery channel. */
export function responseRateRoutes(kpis: KpiService, rates: ResponseRates): TApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/kpis/response-rate',
      operationId: 'getResponseRate',
      tag: 'KPIs',
      summary: 'How many invited residents answered, per delivery channel',
      description: 'Follow-up invitations sent, started and completed per channel (link made, e-mail, Teams, web chat), by the day they were made; a channel with fewer than the minimum is withheld.',
      role: 'analyst',
      query: ZQuery,
      responses: { 200: { description: 'Per channel.', json: ZReport } },
      refusals: [404],
    })(async ({ principal, query }) => ({ status: 200, json: await rates.rates(await kpis.resolve(query, scopeOf(principal))) })),
  ];
}
