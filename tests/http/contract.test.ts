import { API_VERSION } from '../../src/http/paths';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createToken } from '../followups/support';
import { startTestApp, type TTestApp } from '../support/app';
import type { TOpenApiDocument } from '../support/contract';

let running: TTestApp;
let document: TOpenApiDocument & { components: { securitySchemes: Record<string, unknown> } };
let served: Response;

beforeAll(async () => {
  running = await startTestApp();
  served = await fetch(`${running.url}/api/v1/openapi.json`, { headers: { origin: 'https://integrator.example.org' } });
  document = (await served.clone().json()) as typeof document;
});
afterAll(() => running?.stop());

/** `/api/v1/follow-ups/:id` → `/follow-ups/{id}`, as the document writes a path under its server. */
const documentPath = (path: string) => path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document', () => {
  it('is served to anyone, from any origin, without a token', () => {
    expect(served.status).toBe(200);
    expect(served.headers.get('access-control-allow-origin')).toBe('*');
    expect(served.headers.get('content-type')).toMatch(/^application\/json/);
    expect(served.headers.get('api-version')).toBe(API_VERSION);
  });

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every /api/v1 route the service answers, and nothing else', () => {
    const registered = running.app
      .routes()
      .filter((route) => route.path.startsWith('/api/v1/') && !/^\/api\/v1\/(openapi\.json|docs)/.test(route.path))
      .map((route) => `${route.method.toLowerCase().replace(/^del$/, 'delete')} ${documentPath(route.path)}`)
      .sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
      .sort();
    expect(documented).toEqual(registered);
    expect(documented.length).toBeGreaterThanOrEqual(18);
  });

  it('keeps every route at its deprecated /api alias too', () => {
    const paths = new Set(running.app.routes().map((route) => `${route.method} ${route.path}`));
    const current = [...paths].filter((route) => / \/api\/v1\//.test(route) && !/openapi\.json|\/docs/.test(route));
    for (const route of current) expect(paths, route).toContain(route.replace('/api/v1/', '/api/'));
  });

  it('asks a bearer token of every operation, and documents its refusals as problems', () => {
    expect(document.components.securitySchemes).toEqual({ bearerToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods) as [string, TOpenApiDocument['paths'][string][string] & { security: unknown }][]) {
        expect(operation.security, `${method} ${path}`).toEqual([{ bearerToken: [] }]);
        for (const status of ['400', '401', '403', '429']) {
          expect(operation.responses[status]?.content, `${method} ${path} ${status}`).toEqual({
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          });
        }
      }
    }
  });
});

describe('errors as problem details', () => {
  it('answers a refusal as RFC 9457 with the code and the field', async () => {
    const staff = await createToken(running.database.prisma, 'staff', 'demo');
    const refused = await call(running.url, 'GET', '/api/v1/follow-ups?limit=500', { token: staff });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toEqual({
      type: 'urn:meethuis-chat:problem:invalid_request',
      title: 'Invalid request',
      status: 400,
      detail: expect.stringMatching(/^limit: /),
      code: 'invalid_request',
      field: 'limit',
    });
  });

  it('tells a caller without a token how to authenticate', async () => {
    const refused = await call(running.url, 'GET', '/api/v1/kpis?survey=meethuis');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(refused.body).toMatchObject({ status: 401, code: 'unauthorized', type: 'urn:meethuis-chat:problem:unauthorized' });
  });
});
