import { createApp, type TApp, type TAppDependencies } from '../../src/app';
import { loadConfig, type TConfig } from '../../src/config';
import { createLogger, type TLogger } from '../../src/log';
import { ContractWatch, type TOpenApiDocument } from './contract';
import { createTestDatabase, type TTestDatabase } from './database';

export const TEST_SECRETS = {
  HASH_SECRET: 'test-hash-secret-0123456789abcdef0123456789',
  ENCRYPTION_KEY: 'test-encryption-key-0123456789abcdef012345',
};

export interface TTestApp {
  app: TApp;
  url: string;
  config: TConfig;
  /** The test's own connection to the same database, for asserting what was stored. */
  database: TTestDatabase;
  stop(): Promise<void>;
}

/**
 * The real service (createApp, real HTTP on a loopback port) on a fresh database of this test project's kind.
 * `env` overrides settings as the environment would; `databaseUrl` points the service elsewhere (a proxy).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  databaseUrl?: (url: string) => string,
  logger?: TLogger,
  dependencies: TAppDependencies = {},
): Promise<TTestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    ...TEST_SECRETS,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
    DATABASE_URL: databaseUrl ? databaseUrl(database.url) : database.url,
    PORT: '0',
  });
  const app = await createApp(config, logger ?? createLogger(config.LOG_LEVEL), dependencies);
  const url = await app.listen(0, '127.0.0.1');
  // Every answer under /api, whoever asks in the test, is checked against the document the service publishes.
  const contract = new ContractWatch((await (await fetch(`${url}/api/v1/openapi.json`)).json()) as TOpenApiDocument);
  contract.observe(app.httpServer);
  return {
    app,
    url,
    config,
    database,
    stop: async () => {
      await app.close();
      await database.destroy();
      if (contract.violations.length > 0) {
        throw new Error(`answers that break the API's own OpenAPI document:\n${[...new Set(contract.violations)].slice(0, 20).join('\n')}`);
      }
    },
  };
}
