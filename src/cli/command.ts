import type { ParseArgsConfig } from 'node:util';
import type { TConfig } from '../config';
import type { TDatabase } from '../db/client';
import type { TLogger } from '../log';

/** What a command of `npm run cli -- …` is, and what it runs with. */
export interface TCliContext {
  config: TConfig;
  database: TDatabase;
  logger: TLogger;
  /** Writes one line to standard output (results); diagnostics go to the logger on standard error. */
  print: (line: string) => void;
}

export interface TCliCommand {
  /** The words that select it, e.g. `tokens create`. */
  words: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(context: TCliContext, values: Record<string, string | boolean | (string | boolean)[] | undefined>, positionals: string[]): Promise<void>;
}
