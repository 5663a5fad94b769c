import restify, { type Request, type Response, type Server } from 'restify';
import type { TLogger } from '../log';
import { jsonBodyReader } from './body';
import { clientAddressReader, type TTrustProxy } from './clientAddress';
import { DomainError } from '../kernel/errors';
import { ApiError, apiErrorOf } from './errors';

export type { Request, Response, Server };

/** A route handler that returns (or throws) instead of juggling `next`; thrown errors become JSON errors. */
export type THandler = (req: Request, res: Response) => Promise<void>;

export interface THttpServer {
  server: Server;
  /** Registers a route whose errors are answered as `{ error: { code, message } }`, never as a stack trace. */
  route: (method: 'get' | 'post' | 'put' | 'del', path: string, handler: THandler) => void;
}

export interface THttpServerOptions {
  logger: TLogger;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  trustProxy: TTrustProxy;
}

/** Deeper JSON than any of our schemas needs; deep enough nesting would overflow a recursive validator's stack. */
export const MAX_JSON_DEPTH = 32;

/** The version of the API (`/api/v1/…`), in full, as every API response's `API-Version` header says it. */
export const API_VERSION = '1.0.0';
const API_BASE = '/api/v1';

/** `/api/kpis` → `/api/v1/kpis`; undefined for what is not the staff and analyst API (pages, Bot Framework, Direct Line). */
function versionedApiPath(path: string): string | undefined {
  if (!path.startsWith('/api/') || path === '/api/messages') return undefined;
  return `${API_BASE}${path.slice('/api'.length)}`;
}

/** The restify server with the JSON error contract, body limits and request logging every route shares. */
export function createHttpServer({ logger, maxBodyBytes, bodyTimeoutMs, trustProxy }: THttpServerOptions): THttpServer {
  const server = restify.createServer({ name: 'meethuis-chat', handleUncaughtExceptions: false, ignoreTrailingSlash: true });
  // Before routing, so that no request of any kind reaches a handler with a body we have not vetted.
  server.pre(jsonBodyReader({ maxBodyBytes, maxDepth: MAX_JSON_DEPTH, readTimeoutMs: bodyTimeoutMs, logger }));
  server.pre(clientAddressReader(trustProxy));
  server.use(restify.plugins.queryParser({ mapParams: false }));

  // restify's own errors (404, 405, 413, bad JSON, unsupported media type) get the same JSON shape as ours.
  server.on('restifyError', (req: Request, res: Response, error: Error & { statusCode?: number; body?: { code?: string } }, callback: () => void) => {
    const status = error.statusCode ?? 500;
    const code = status >= 500 ? 'internal_error' : snakeCase(error.body?.code ?? error.name ?? 'bad_request');
    const message = status >= 500 ? 'Something went wrong on our side.' : error.message || code;
    if (status >= 500) logger.error({ err: error, path: req.path() }, 'request failed');
    Object.assign(error, { toJSON: () => ({ error: { code, message } }) });
    callback();
  });

  // Method, route and status only: bodies and query strings may carry what a resident typed or a token.
  server.on('after', (req: Request, res: Response) => {
    logger.debug({ method: req.method, route: req.getRoute()?.path ?? null, status: res.statusCode, ms: Date.now() - req.time() }, 'request');
  });

  const register = (method: Parameters<THttpServer['route']>[0], path: string, handler: THandler, headers: (req: Request) => Record<string, string>) => {
    server[method](path, async (req: Request, res: Response) => {
      for (const [name, value] of Object.entries(headers(req))) res.header(name, value);
      try {
        await handler(req, res);
      } catch (error) {
        sendError(res, error, logger, req);
      }
    });
  };
  const route: THttpServer['route'] = (method, path, handler) => {
    const versioned = versionedApiPath(path);
    if (!versioned) {
      register(method, path, handler, () => ({}));
      return;
    }
    register(method, versioned, handler, () => ({ 'API-Version': API_VERSION }));
    // The unversioned path answers the same, as a deprecated alias that names its successor.
    register(method, path, handler, (req) => ({ 'API-Version': API_VERSION, Link: `<${versionedApiPath(req.path()) ?? versioned}>; rel="successor-version"` }));
  };
  return { server, route };
}

export function sendError(res: Response, thrown: unknown, logger: TLogger, req?: Request): void {
  if (res.headersSent) return;
  const error = thrown instanceof DomainError ? apiErrorOf(thrown) : thrown;
  if (error instanceof ApiError) {
    for (const [name, value] of Object.entries(error.headers)) res.header(name, value);
    res.send(error.status, error.toBody());
    return;
  }
  logger.error({ err: error, path: req?.path() }, 'request failed');
  res.send(500, new ApiError(500, 'internal_error', 'Something went wrong on our side.').toBody());
}

function snakeCase(name: string): string {
  return name
    .replace(/Error$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** One query or path parameter as the client sent it: a string, or undefined when absent, repeated or not text. */
export function stringParam(source: unknown, name: string): string | undefined {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}
