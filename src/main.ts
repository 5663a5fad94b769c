import { ConfigError, environmentWithEnvFile, loadConfig, redactedDatabaseUrl } from './config';
import { openDatabase, isDatabaseReachable } from './db/client';
import { createApp } from './app';
import { createLogger } from './log';
import { writeDemoDataOnFirstStart } from './scoring/demoData';

/** `npm start`: configuration, database check, then the service until SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(environmentWithEnvFile().env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(`configuration error: ${error.message}`);
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  for (const name of config.generatedSecrets) {
    logger.warn({ setting: name, file: `${config.dataDir}/secrets.json` }, `${name} was not set: generated one for this embedded installation`);
  }

  const probe = openDatabase(config.DATABASE_URL);
  const reachable = await isDatabaseReachable(probe.prisma, 'connect', 5000);
  await probe.close();
  if (!reachable) return fail(`database unreachable: ${redactedDatabaseUrl(config.DATABASE_URL)} did not answer within 5 s`);

  // Last resort: a fault nobody handled (a stream's 'error' from a library, say) is logged and the service goes on
  // serving; one hostile request must never stop it for every resident. Known faults are handled where they arise.
  process.on('uncaughtException', (error) => logger.error({ err: error }, 'uncaught exception; still serving'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection; still serving'));

  const app = await createApp(config, logger);
  const written = await writeDemoDataOnFirstStart(app.database, config.DEMO_DATA, new Date());
  if (written > 0) {
    logger.info({ responses: written, organisation: 'demo' }, 'sample responses written for the demo organisation (remove: npm run cli -- demo-data --remove; DEMO_DATA=off skips them)');
  }
  const url = await app.listen();
  logger.info({ url, database: config.databaseProvider }, `meethuis-chat listening: web chat ${url}/ , staff ${url}/staff , dashboard ${url}/dashboard , API reference ${url}/api/v1/docs`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function fail(line: string): void {
  process.stderr.write(`meethuis-chat: ${line}\n`);
  process.exit(1);
}

/** A database URL without its password, fit for a log line. */
main().catch((error: unknown) => {
  fail(error instanceof Error ? error.message.split('\n').filter(Boolean).slice(-1)[0] ?? String(error) : String(error));
});
