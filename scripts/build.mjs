#!/usr/bin/env node
// Compiles the service into one ES module, dist/main.js (and the pages' scripts into dist/pages/), so `npm start` runs on plain Node: a TypeScript
// loader at run time costs some 35 MB of resident memory per process (its hooks thread and transform caches).
// Dependencies stay in node_modules. Each module's `import.meta.url` is rewritten to its own source location,
// so the paths it builds from it (locales/, surveys/, prisma/, public/) resolve as they do under tsx and vitest.
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildPages } from './pages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'main.js');

const sourceUrls = {
  name: 'source-import-meta-url',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const contents = await readFile(path, 'utf8');
      const fromBundle = relative(dirname(outfile), path).split('\\').join('/');
      return {
        contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [sourceUrls],
});
await buildPages();
