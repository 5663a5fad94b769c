import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { ConfigError, environmentWithEnvFile, loadConfig, redactedDatabaseUrl } from '../config';
import { AppError, PROBLEM_KINDS } from '../kernel/errors';
import { bootstrapDatabase } from '../db/bootstrap';
import { createLogger } from '../log';
import { tokenCommands } from './tokens';
import { importCommands } from './import';
import { kpiCommands } from './kpis';
import { followUpCommands } from './followUps';
import { responseCommands } from './responses';
import { webhookCommands } from './webhooks';
import { demoDataCommands } from './demoData';
import { exportCommands } from './export';
import { organisationCommands } from './organisations';
import { surveyCommands } from './surveys';
import { themeCommands } from './themes';
import type { TCliCommand } from './command';

/** Every command of `npm run cli -- …`; an area adds its list here. */
const COMMANDS: TCliCommand[] = [...tokenCommands, ...kpiCommands, ...importCommands, ...followUpCommands, ...webhookCommands, ...responseCommands, ...demoDataCommands, ...exportCommands, ...organisationCommands, ...surveyCommands, ...themeCommands];

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

function usage(): string {
  return ['usage: npm run --silent cli -- <command>', ...COMMANDS.map((command) => `  ${command.words} ${command.usage}`)].join('\n');
}

/** One line for the operator: which option is wrong and why, never a stack trace. */
function describeError(error: unknown): string {
  if (error instanceof AppError) return `${error.message} (${error.code})`;
  if (error instanceof ZodError) {
    const issue = error.issues[0]!;
    return `--${issue.path.map(String).join('.') || 'input'}: ${issue.message}`;
  }
  if (error instanceof ConfigError || error instanceof Error) return error.message.split('\n').filter(Boolean)[0] ?? error.name;
  return String(error);
}

async function main(argv: string[]): Promise<number> {
  const command = COMMANDS.filter((candidate) => candidate.words.split(' ').every((word, index) => argv[index] === word)).sort(
    (a, b) => b.words.length - a.words.length,
  )[0];
  if (!command) {
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(command.words.split(' ').length), options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${command.words} ${command.usage}\n`);
    return 2;
  }
  const { env, file } = environmentWithEnvFile();
  const config = loadConfig(env);
  // Before anything changes: which database this is, so a token is never made in the wrong one.
  process.stderr.write(`meethuis-chat: database ${config.databaseProvider} ${redactedDatabaseUrl(config.DATABASE_URL)}${file ? ` (settings from ${file})` : ''}\n`);
  // Logs go to standard error so that standard output holds only the command's result.
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL).child({}, {});
  const database = await bootstrapDatabase(config, logger);
  try {
    await command.run({ config, database, logger, print: (line) => process.stdout.write(`${line}\n`) }, parsed.values, parsed.positionals);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`meethuis-chat: ${describeError(error)}\n`);
    // A refusal exits as the one table of refusals says (sysexits), so a script can tell bad input from a peer that is down.
    const code = error instanceof CliUsageError ? 2 : error instanceof AppError ? error.exitCode : error instanceof ZodError ? PROBLEM_KINDS.invalid.exitCode : 1;
    process.exit(code);
  },
);
