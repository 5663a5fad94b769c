import restify, { type Request, type Response, type Server } from 'restify';
import type { TLogger } from '../log';
import { jsonBodyReader } from './body';
import { INVITATION_STOP_PATH } from '../followups/links';
import { MAX_BATCH_ITEM_BYTES, MAX_BATCH_ITEMS } from '../followups/model';
import { clientAddressReader } from './clientAddress';
import type { TTrustProxy } from '../kernel/networkAddresses';
import { AppError, problemKindOfStatus } from '../kernel/errors';
import { API_BASE, API_VERSION, DEPRECATED_API_BASE, isApiPath, speaksChatProtocol } from './paths';
import { appErrorOf, PROBLEM_MEDIA_TYPE, problemHeaders, problemOf, protocolErrorOf } from './errors';

export type { Request, Response, Server };

/** A route handler that returns (or throws) instead of juggling `next`; a thrown error becomes a problem. */
export type THandler = (req: Request, res: Response) => Promise<void>;

export interface THttpServer {
  server: Server;
  /** Registers a route whose errors are answered as problems (or in its chat protocol's shape), never as a stack trace. */
  route: (method: 'get' | 'post' | 'put' | 'patch' | 'del', path: string, handler: THandler) => void;
}

export interface THttpServerOptions {
  logger: TLogger;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  trustProxy: TTrustProxy;
}

/** Deeper JSON than any of our schemas needs; deep enough nesting would overflow a recursive validator's stack. */
export const MAX_JSON_DEPTH = 32;

/** Every API answer names the version; one under the deprecated alias also names its successor. */
function apiVersionHeaders(req: Request, res: Response, next: () => void): void {
  const path = req.path();
  if (isApiPath(path)) {
    res.header('API-Version', API_VERSION);
    if (!path.startsWith(`${API_BASE}/`)) res.header('Link', `<${API_BASE}${path.slice(DEPRECATED_API_BASE.length)}>; rel="successor-version"`);
  }
  next();
}

/** The restify server with the JSON error contract, body limits and request logging every route shares. */
export function createHttpServer({ logger, maxBodyBytes, bodyTimeoutMs, trustProxy }: THttpServerOptions): THttpServer {
  const server = restify.createServer({
    name: 'meethuis-chat',
    handleUncaughtExceptions: false,
    ignoreTrailingSlash: true,
    formatters: { [PROBLEM_MEDIA_TYPE]: (_req: Request, _res: Response, body: unknown) => JSON.stringify(body) },
  });
  server.pre(apiVersionHeaders);
  // Before routing, so that no request of any kind reaches a handler with a body we have not vetted.
  server.pre(
    jsonBodyReader({
      maxBodyBytes,
      maxDepth: MAX_JSON_DEPTH,
      readTimeoutMs: bodyTimeoutMs,
      logger,
      refuse: (req, res, error) => sendError(res, error, logger, req),
      formPaths: [INVITATION_STOP_PATH],
      // A batch of follow-ups is as large as its items allow, and no larger.
      largerBodies: [API_BASE, DEPRECATED_API_BASE].map((base) => ({ path: `${base}/follow-ups/batch`, maxBytes: Math.max(maxBodyBytes, MAX_BATCH_ITEMS * MAX_BATCH_ITEM_BYTES) })),
    }),
  );
  server.pre(clientAddressReader(trustProxy));
  server.use(restify.plugins.queryParser({ mapParams: false }));

  // restify's own errors (404, 405, 406) get the same shape as ours.
  server.on('restifyError', (req: Request, res: Response, error: Error & { statusCode?: number; body?: { code?: string } }, callback: () => void) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) logger.error({ err: error, path: req.path() }, 'request failed');
    const refusal =
      status >= 500
        ? appErrorOf(error)
        : new AppError(problemKindOfStatus(status), snakeCase(error.body?.code ?? error.name ?? 'bad_request'), error.message || 'The request was refused.');
    const { contentType, body } = errorBody(req, refusal, status);
    res.header('Content-Type', contentType);
    Object.assign(error, { toJSON: () => body });
    callback();
  });

  // Method, route and status only: bodies and query strings may carry what a resident typed or a token.
  server.on('after', (req: Request, res: Response) => {
    logger.debug({ method: req.method, route: req.getRoute()?.path ?? null, status: res.statusCode, ms: Date.now() - req.time() }, 'request');
  });

  const route: THttpServer['route'] = (method, path, handler) => {
    server[method](path, async (req: Request, res: Response) => {
      try {
        await handler(req, res);
      } catch (error) {
        sendError(res, error, logger, req);
      }
    });
  };
  return { server, route };
}

/** A refusal as the path's caller expects it: a problem (RFC 9457), or the chat protocol's own error object. */
function errorBody(req: Request | undefined, error: AppError, status: number = error.status) {
  if (req && speaksChatProtocol(req.path())) return { contentType: 'application/json', body: protocolErrorOf(error) };
  return { contentType: PROBLEM_MEDIA_TYPE, body: problemOf(error, status) };
}

export function sendError(res: Response, thrown: unknown, logger: TLogger, req?: Request): void {
  if (res.headersSent) return;
  if (!(thrown instanceof AppError)) logger.error({ err: thrown, path: req?.path() }, 'request failed');
  const error = appErrorOf(thrown);
  for (const [name, value] of Object.entries(problemHeaders(error))) res.header(name, value);
  const { contentType, body } = errorBody(req, error);
  res.header('Content-Type', contentType);
  res.send(error.status, body);
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
