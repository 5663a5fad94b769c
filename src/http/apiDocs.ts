import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TApiRoute } from './apiRoute';
import { API_BASE } from './paths';
import { openApiDocument } from './openapi';
import { builtPageFile } from './pages';
import { OWN_FILES_ONLY_CSP, PAGE_SECURITY_HEADERS } from './pageSafety';
import type { THttpServer } from './server';

const DOCS_DIR = fileURLToPath(new URL('../../public/apidocs', import.meta.url));
/** Swagger UI from node_modules (no CDN); its package's main file sits beside the bundle. */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The paths of the API's own description: not API routes themselves, so not in the document they serve. */
export const API_DOCS_PATHS = [`${API_BASE}/openapi.json`, `${API_BASE}/docs`] as const;

/**
 * `/api/v1/openapi.json`, open to everyone and every origin (the government's API design rules ask this of a
 * published API), and `/api/v1/docs`, the same document as a readable reference.
 */
export function registerApiDocs({ route }: THttpServer, routes: readonly TApiRoute[]): void {
  const document = JSON.stringify(openApiDocument(routes));
  const files = {
    'swagger-ui.css': { path: join(SWAGGER_UI_DIR, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
    'swagger-ui-bundle.js': { path: join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
    'docs.js': { path: builtPageFile('apidocs', 'docs.js'), type: 'text/javascript; charset=utf-8' },
  };
  const page = readFileSync(join(DOCS_DIR, 'index.html'));
  const pageHeaders = { ...PAGE_SECURITY_HEADERS, 'Content-Security-Policy': OWN_FILES_ONLY_CSP, 'X-Frame-Options': 'DENY' };

  route('get', API_DOCS_PATHS[0], async (_req, res) => {
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(document);
  });

  route('get', API_DOCS_PATHS[1], async (_req, res) => {
    res.writeHead(200, { ...pageHeaders, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.end(page);
  });

  // A fixed list of files, read once: no request path ever reaches the file system.
  for (const [name, file] of Object.entries(files)) {
    const body = readFileSync(file.path);
    route('get', `${API_DOCS_PATHS[1]}/${name}`, async (_req, res) => {
      res.writeHead(200, { ...pageHeaders, 'Content-Type': file.type, 'Cache-Control': 'public, max-age=300' });
      res.end(body);
    });
  }
}
