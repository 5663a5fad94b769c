import { once } from 'node:events';
import { z } from 'zod';
import type { TPrincipal, TRole } from '../auth/tokens';
import type { TLogger } from '../log';
import type { TAuthenticate } from './auth';
import { limitSubjectOf } from './clientAddress';
import { parseInput } from './errors';
import { API_BASE, DEPRECATED_API_BASE } from './paths';
import type { TRateLimiter } from './rateLimit';
import type { Request, Response, THttpServer } from './server';

export const API_TAGS = {
  'Follow-ups': 'Surveys staff send after they helped someone, and the services they choose from.',
  'Call-backs': 'Residents who asked to be contacted after a low score.',
  Webhooks: "Events sent to an organisation's own systems.",
  KPIs: 'Aggregated, privacy-safe scores; groups below the minimum size are suppressed.',
  Responses: 'Row-level export and the review of responses held back by the limit per address.',
  Organisations: "An organisation's details, services and places, as its admin sets them up, and its audit log.",
  Tokens: 'The people who use the API and the pages: their tokens, roles and expiry.',
  Surveys: "An organisation's own variant of the shared survey: its draft, the checks, publishing, export and import.",
} as const;
export type TApiTag = keyof typeof API_TAGS;

export interface TResponseHeader {
  description: string;
  schema?: z.ZodType;
}

/** A JSON answer, a CSV download (or either, as the caller asks), or (204) nothing at all. */
export type TResponseSpec =
  | { description: string; json: z.ZodType; csv?: true; headers?: Record<string, TResponseHeader> }
  | { description: string; csv: true; headers?: Record<string, TResponseHeader> }
  | { description: string; empty: true; headers?: Record<string, TResponseHeader> };

/** Everything a route is, besides what it does: the OpenAPI document is written from this, and nothing else. */
export interface TRouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Under API_BASE, with `{name}` for a path parameter: `/follow-ups/{id}`. */
  path: `/${string}`;
  operationId: string;
  tag: TApiTag;
  summary: string;
  description?: string;
  role: TRole;
  params?: z.ZodObject;
  query?: z.ZodType;
  /** Request headers the route reads, by their lower-case names. */
  headers?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, TResponseSpec>;
  /** What the route may refuse beyond the refusals every route shares (400, 401, 403, 429): 404, 409, 422 … */
  refusals?: readonly (404 | 409 | 422 | 502)[];
  /** The audit log's action for what the route does, where it writes one. */
  audits?: readonly string[];
}

type TParsed<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface TRouteInput<S extends TRouteSpec> {
  principal: TPrincipal;
  params: TParsed<S['params']>;
  query: TParsed<S['query']>;
  headers: TParsed<S['headers']>;
  body: TParsed<S['body']>;
}

/** Only the headers the spec documents may be set. */
type THeadersOf<R> = R extends { headers: infer H extends Record<string, TResponseHeader> } ? { headers?: Partial<Record<keyof H, string>> } : object;

type TCsvReply<Status> = { status: Status; csv: string | AsyncGenerator<string, void, undefined>; filename: string };

type TReplyFor<Status, R> =
  | (R extends { json: infer Body extends z.ZodType } ? { status: Status; json: z.input<Body> } & THeadersOf<R> : never)
  | (R extends { csv: true } ? TCsvReply<Status> : never)
  | (R extends { empty: true } ? { status: Status; empty: true } & THeadersOf<R> : never);

/** What a handler may answer: exactly the responses its spec declares, each with a body of its schema's type. */
export type TReply<S extends TRouteSpec> = { [Status in keyof S['responses']]: TReplyFor<Status, S['responses'][Status]> }[keyof S['responses']];

export interface TApiRoute<S extends TRouteSpec = TRouteSpec> {
  spec: S;
  handle: (input: TRouteInput<S>) => Promise<TReply<S>>;
}

/**
 * One API route: `defineRoute(spec)(handler)`. The spec is fixed first, so the handler is type-checked against it:
 * its input parsed by the spec's schemas, its reply one of the spec's responses.
 */
export function defineRoute<const S extends TRouteSpec>(spec: S) {
  return (handle: (input: TRouteInput<S>) => Promise<TReply<S>>): TApiRoute => ({ spec, handle }) as unknown as TApiRoute;
}

export interface TApiGuard {
  authenticate: TAuthenticate;
  rateLimiter: TRateLimiter;
  limits: { perAddress: number; perToken: number };
}

/** `/follow-ups/{id}` → `/follow-ups/:id`, as restify writes a parameter. */
function restifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Mounts every API route at API_BASE and at its deprecated alias. Here, and only here, a request is let in (limits
 * by address first, so bad tokens cannot hammer the token lookup; then the token and its role; then the token's
 * own limit), its parts parsed, and the reply written; a refusal anywhere becomes a problem (server.ts).
 */
export function mountApiRoutes({ route }: THttpServer, routes: readonly TApiRoute[], guard: TApiGuard, logger: TLogger): void {
  for (const { spec, handle } of routes) {
    const handler = async (req: Request, res: Response) => {
      await guard.rateLimiter.hit(`ip:${limitSubjectOf(req)}`, guard.limits.perAddress);
      const principal = await guard.authenticate(req, spec.role);
      await guard.rateLimiter.hit(`token:${principal.tokenId}`, guard.limits.perToken);
      const input = {
        principal,
        params: spec.params ? parseInput(spec.params, req.params ?? {}, 'params') : undefined,
        query: spec.query ? parseInput(spec.query, req.query ?? {}, 'query') : undefined,
        headers: spec.headers ? parseInput(spec.headers, req.headers, 'headers') : undefined,
        body: spec.body ? parseInput(spec.body, req.body ?? {}) : undefined,
      } as TRouteInput<TRouteSpec>;
      await sendReply(res, await handle(input), logger);
    };
    route(spec.method === 'delete' ? 'del' : spec.method, `${API_BASE}${restifyPath(spec.path)}`, handler);
    route(spec.method === 'delete' ? 'del' : spec.method, `${DEPRECATED_API_BASE}${restifyPath(spec.path)}`, handler);
  }
}

type TAnyReply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; csv: string | AsyncGenerator<string, void, undefined>; filename: string }
  | { status: number; empty: true; headers?: Record<string, string> };

/** Answers of the API are for the caller who asked (figures, personal data, secrets): no cache may keep them. */
async function sendReply(res: Response, reply: TAnyReply, logger: TLogger): Promise<void> {
  res.header('Cache-Control', 'no-store');
  if ('json' in reply) {
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.header(name, value);
    res.send(reply.status, reply.json);
    return;
  }
  if ('empty' in reply) {
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.header(name, value);
    res.send(reply.status);
    return;
  }
  res.writeHead(reply.status, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${reply.filename}"`,
    'X-Content-Type-Options': 'nosniff',
  });
  if (typeof reply.csv === 'string') {
    res.end(reply.csv);
    return;
  }
  await streamCsv(res, reply.csv, logger);
}

async function streamCsv(res: Response, chunks: AsyncGenerator<string, void, undefined>, logger: TLogger): Promise<void> {
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
    logger.error({ err: error }, 'download failed midway');
    res.destroy();
    return;
  } finally {
    await chunks.return(undefined);
  }
  res.end();
}
