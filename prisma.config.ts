// The Prisma CLI runs offline here: no native engines can be downloaded, so the CLI uses the
// WebAssembly schema engine through a driver adapter. Only `generate` and `migrate diff` are used
// (scripts/prisma.mjs); migrations are applied by our own runner (src/db/migrate.ts) on both databases.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaBetterSQLite3({ url: ':memory:' }),
  schema: 'prisma/schema.prisma',
});
