import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_SECRETS } from './app';

const execute = promisify(execFile);

export interface TCliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run cli -- …` as an operator runs it: a process of its own, on the given database and settings. */
export async function runCli(databaseUrl: string, args: readonly string[], env: Record<string, string> = {}): Promise<TCliRun> {
  try {
    const { stdout, stderr } = await execute(process.execPath, ['--import', 'tsx', '--disable-warning=DEP0111', 'src/cli/main.ts', ...args], {
      env: { ...process.env, ...TEST_SECRETS, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as TCliRun;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
