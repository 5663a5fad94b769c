import { z } from 'zod';
import { API_TAGS, type TApiRoute, type TResponseSpec, type TRouteSpec } from './apiRoute';
import { API_BASE, API_VERSION, DEPRECATED_API_BASE } from './paths';
import { headerName, PROBLEM_MEDIA_TYPE, ZProblem } from './errors';

type TJsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12, the dialect of OpenAPI 3.1; every schema written out in full where used. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): TJsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as TJsonSchema;
  return rest;
}

const REFUSAL_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid: `field` names the parameter, header or body field.',
  401: 'No token, or one that is unknown, revoked or expired.',
  403: 'The token lacks the role, or may not see this organisation.',
  404: 'There is no such thing, or not for this token.',
  409: 'It conflicts with an earlier request (an Idempotency-Key used for another body).',
  408: 'The body did not arrive in time.',
  413: 'The body is too large.',
  415: 'The body is not JSON, or compressed.',
  422: 'Understood, but it cannot be done (no conversation with this resident, a webhook address that is not allowed).',
  429: 'Too many requests: wait as long as Retry-After says.',
  502: 'A system this service relies on did not answer.',
};

const problemResponse = (status: number) => ({
  description: REFUSAL_DESCRIPTIONS[status] ?? 'A problem.',
  headers: {
    'API-Version': { $ref: '#/components/headers/API-Version' },
    ...(status === 401 ? { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' } } } : {}),
    ...(status === 429 ? { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 1 } } } : {}),
  },
  content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Query, path and header parameters, one per field of the route's schema. */
function parametersOf(spec: TRouteSpec): unknown[] {
  const sources = [
    ['path', spec.params],
    ['query', spec.query],
    ['header', spec.headers],
  ] as const;
  return sources.flatMap(([where, schema]) => {
    if (!schema) return [];
    const object = jsonSchema(schema, 'input') as { properties?: Record<string, TJsonSchema>; required?: string[] };
    return Object.entries(object.properties ?? {}).map(([name, property]) => {
      const { description, ...propertySchema } = property;
      const isList = propertySchema.type === 'array';
      return {
        name: where === 'header' ? headerName(name) : name,
        in: where,
        required: where === 'path' || (object.required ?? []).includes(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: propertySchema,
        // A list is `a,b`; the repeated form (`x=a&x=b`) is understood too.
        ...(where === 'query' && isList ? { style: 'form', explode: false } : {}),
      };
    });
  });
}

function responseOf(response: TResponseSpec) {
  const content: Record<string, unknown> = {};
  if ('json' in response) content['application/json'] = { schema: jsonSchema(response.json, 'output') };
  if ('csv' in response) content['text/csv'] = { schema: { type: 'string' } };
  return {
    description: response.description,
    headers: {
      'API-Version': { $ref: '#/components/headers/API-Version' },
      ...Object.fromEntries(
        Object.entries(response.headers ?? {}).map(([name, header]) => [
          name,
          { description: header.description, schema: header.schema ? jsonSchema(header.schema, 'output') : { type: 'string' } },
        ]),
      ),
    },
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function operationOf(spec: TRouteSpec) {
  // The body reader refuses before any route, whatever the method: a body too slow, too large, compressed or not JSON.
  const refusals = new Set<number>([400, 401, 403, 408, 413, 415, 429, ...(spec.refusals ?? [])]);
  const audit = spec.audits?.length ? `\n\nWritten to the audit log as ${spec.audits.map((action) => `\`${action}\``).join(' or ')}.` : '';
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: `${spec.description ?? spec.summary}${audit}\n\nNeeds the \`${spec.role}\` role (an \`admin\` token has every role).`,
    security: [{ bearerToken: [] }],
    ...(spec.audits?.length ? { 'x-audit': spec.audits } : {}),
    parameters: parametersOf(spec),
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
    responses: {
      ...Object.fromEntries(Object.entries(spec.responses).map(([status, response]) => [status, responseOf(response)])),
      ...Object.fromEntries([...refusals].sort((a, b) => a - b).map((status) => [String(status), problemResponse(status)])),
      default: { ...problemResponse(500), description: 'Something went wrong on our side.' },
    },
  };
}

/**
 * The API's OpenAPI 3.1 document, written from the route definitions alone: what a route accepts and answers is
 * what it parses and is type-checked to send.
 */
export function openApiDocument(routes: readonly TApiRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of routes) (paths[spec.path] ??= {})[spec.method] = operationOf(spec);
  return {
    openapi: '3.1.0',
    info: {
      title: 'meethuis-chat API',
      version: API_VERSION,
      description: [
        'Follow-up surveys for contact-centre staff, privacy-safe KPIs for analysts, and webhooks for admins, following the government-wide Meethuis model.',
        `Every request needs a bearer token (\`npm run cli -- tokens create\`). Errors are RFC 9457 problem details (\`${PROBLEM_MEDIA_TYPE}\`) with a stable \`code\`.`,
        `Deprecated: the same routes under \`${DEPRECATED_API_BASE}/…\` (without the version) answer the same, with a \`Link: <${API_BASE}/…>; rel="successor-version"\` header.`,
      ].join('\n\n'),
    },
    servers: [{ url: API_BASE }],
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { Problem: jsonSchema(ZProblem, 'output') },
      headers: { 'API-Version': { description: 'The version of the API that answered.', schema: { type: 'string', const: API_VERSION } } },
      securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'A token from `npm run cli -- tokens create`, with its role.' } },
    },
  };
}
