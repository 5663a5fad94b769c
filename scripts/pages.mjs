#!/usr/bin/env node
// Bundles the pages' TypeScript (public/<page>/*.ts, with public/shared/) into plain browser scripts in dist/pages/,
// which the server hands out. Run by `npm install` (postinstall), before `npm start`, and by the test setup, so a
// fresh clone needs no step of its own. One IIFE per page: no module loader, nothing inline, CSP 'self' is enough.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PAGES_OUT_DIR = join(root, 'dist', 'pages');

/** Every page script, by where the server serves it from (dist/pages/<key>.js). */
const ENTRY_POINTS = {
  'staff/staff': 'public/staff/staff.ts',
  'admin/admin': 'public/admin/admin.ts',
  'dashboard/app': 'public/dashboard/app.ts',
  'report/report': 'public/report/report.ts',
  'webchat/page': 'public/webchat/page.ts',
  'webchat/embed': 'public/webchat/embed.ts',
  'apidocs/docs': 'public/apidocs/docs.ts',
};

export async function buildPages() {
  await mkdir(PAGES_OUT_DIR, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([out, source]) => [out, join(root, source)])),
    outdir: PAGES_OUT_DIR,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    // The browsers a municipality's residents use: the last few years of each.
    target: ['chrome100', 'firefox100', 'safari15', 'edge100'],
    charset: 'utf8',
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildPages();
