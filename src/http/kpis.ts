import { once } from 'node:events';
import { z } from 'zod';
import type { TPrincipal } from '../auth/tokens';
import type { TLogger } from '../log';
import { kpiReportCsv } from '../scoring/kpiCsv';
import { type KpiService } from '../scoring/kpiQuery';
import { checkKpiQuery, KPI_QUERY_FIELDS, ZOutcome, type TScope } from '../scoring/kpiContract';
import { ZExportQuery, type ResponseExports } from '../scoring/responseExport';
import type { TAuthenticate } from './auth';
import { parseInput } from './errors';
import { limitSubjectOf } from './clientAddress';
import type { TRateLimiter } from './rateLimit';
import type { Request, Response, THttpServer } from './server';

export interface TKpiRoutesDeps {
  kpis: KpiService;
  exports: ResponseExports;
  authenticate: TAuthenticate;
  rateLimiter: TRateLimiter;
  limits: { perAddress: number; perToken: number };
  logger: TLogger;
}

const ZFormat = z.enum(['json', 'csv']);

const ZKpisQuery = z.strictObject({ ...KPI_QUERY_FIELDS, format: ZFormat.optional() }).superRefine(checkKpiQuery);
const ZDriversQuery = z.strictObject({ ...KPI_QUERY_FIELDS, outcome: ZOutcome.optional() }).superRefine(checkKpiQuery);
const ZBenchmarkQuery = z.strictObject({ ...KPI_QUERY_FIELDS, format: ZFormat.optional() }).superRefine(checkKpiQuery);
const ZOptionsQuery = z.strictObject({ survey: KPI_QUERY_FIELDS.survey.optional() });

/**
 * The analyst's routes: KPIs, driver importance, the benchmark between organisations, the filter options of the
 * dashboard and the row-level export. Every one needs the analyst role; an organisation-scoped token sees its own
 * organisation only.
 */
export function registerKpiRoutes({ route }: THttpServer, deps: TKpiRoutesDeps): void {
  const { kpis } = deps;

  /** Limits first (by address, so bad tokens cannot hammer the token lookup), then the token, then its own limit. */
  const analyst = async (req: Request): Promise<TPrincipal> => {
    await deps.rateLimiter.hit(`ip:${limitSubjectOf(req)}`, deps.limits.perAddress);
    const principal = await deps.authenticate(req, 'analyst');
    await deps.rateLimiter.hit(`token:${principal.tokenId}`, deps.limits.perToken);
    return principal;
  };

  route('get', '/api/kpis', async (req, res) => {
    const principal = await analyst(req);
    const { format, ...query } = parseInput(ZKpisQuery, req.query ?? {}, 'query');
    const report = await kpis.kpis(await kpis.resolve(query, scopeOf(principal)));
    if (format === 'csv') sendCsv(res, `kpis-${query.survey}.csv`, kpiReportCsv(report).join(''));
    else sendJson(res, report);
  });

  route('get', '/api/kpis/drivers', async (req, res) => {
    const principal = await analyst(req);
    const { outcome, ...query } = parseInput(ZDriversQuery, req.query ?? {}, 'query');
    sendJson(res, await kpis.drivers(await kpis.resolve(query, scopeOf(principal)), outcome ?? 'satisfaction'));
  });

  route('get', '/api/kpis/benchmark', async (req, res) => {
    const principal = await analyst(req);
    const { format, ...query } = parseInput(ZBenchmarkQuery, req.query ?? {}, 'query');
    const own = await kpis.benchmarkOrganisation(principal, query.organisation);
    // The selection is resolved for the caller's own organisation (scope and slugs checked); the benchmark then
    // widens it to every organisation for the "others" side.
    const report = await kpis.benchmark(await kpis.resolve({ ...query, organisation: undefined }, { organisationId: own }), own);
    if (format === 'csv') sendCsv(res, `benchmark-${query.survey}.csv`, kpiReportCsv(report).join(''));
    else sendJson(res, report);
  });

  route('get', '/api/kpis/options', async (req, res) => {
    const principal = await analyst(req);
    const query = parseInput(ZOptionsQuery, req.query ?? {}, 'query');
    sendJson(res, await kpis.options(query.survey ?? null, scopeOf(principal)));
  });

  route('get', '/api/responses/export', async (req, res) => {
    const principal = await analyst(req);
    const query = parseInput(ZExportQuery, req.query ?? {}, 'query');
    const chunks = await deps.exports.start(principal, query);
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="responses-${query.survey}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    let closed = false;
    res.once('close', () => {
      closed = true;
    });
    try {
      for await (const chunk of chunks) {
        if (closed) break;
        // Backpressure: a slow client holds the reading, so memory stays at one batch.
        if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
    } catch (error) {
      // Headers are gone: the only honest signal left is a cut connection, never a half file that looks whole.
      deps.logger.error({ err: error }, 'export failed midway');
      res.destroy();
      return;
    } finally {
      await chunks.return(undefined);
    }
    res.end();
  });
}

function scopeOf(principal: TPrincipal): TScope {
  return { organisationId: principal.organisationId };
}

function sendCsv(res: Response, filename: string, body: string): void {
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/** Figures are for the analyst who asked: no shared cache may keep them. */
function sendJson(res: Response, body: object): void {
  res.header('Cache-Control', 'no-store');
  res.send(200, body);
}
