import { configDefaults, defineConfig } from 'vitest/config';

// The whole suite runs once per database: SQLite (embedded default) and PostgreSQL (replicas).
// MEETHUIS_TEST_DATABASES=sqlite limits a local run to SQLite where no PostgreSQL is at hand.
const databases = (process.env.MEETHUIS_TEST_DATABASES ?? 'sqlite,postgresql').split(',').map((name) => name.trim());

export default defineConfig({
  test: {
    // The pages' scripts are built from public/**/*.ts before any test serves them.
    globalSetup: ['tests/support/buildPages.ts'],
    projects: databases.map((database) => ({
      test: {
        name: database,
        include: ['tests/**/*.test.ts'],
        // The pages are the same whatever the database behind them: their browser tests run once, on SQLite.
        exclude: [...configDefaults.exclude, ...(database === 'sqlite' ? [] : ['tests/browser/**'])],
        // A developer's .env never reaches a test, nor the processes the tests start; nor does sample data.
        env: { MEETHUIS_TEST_DATABASE: database, ENV_FILE: 'off', DEMO_DATA: 'off' },
        testTimeout: 30_000,
        hookTimeout: 60_000,
        // Two cores: more workers only contend for the same databases.
        maxWorkers: 2,
      },
    })),
  },
});
