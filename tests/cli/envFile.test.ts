import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRETS } from '../support/app';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'meethuis-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as an operator runs it, with only the environment given here (no DATABASE_URL of the test run). */
async function cli(env: Record<string, string>): Promise<string> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const { stderr } = await run(process.execPath, ['--import', 'tsx', '--disable-warning=DEP0111', 'src/cli/main.ts', 'tokens', 'list'], {
    env: { ...inherited, LOG_LEVEL: 'silent', ...env },
  });
  return stderr;
}

describe('the CLI and the service read the same settings', () => {
  it('says which database it works on, taking DATABASE_URL from .env unless the environment sets it', async () => {
    const fromFile = join(dir, 'from-file.db');
    const envFile = join(dir, '.env');
    writeFileSync(envFile, `# the deployment's settings\nDATABASE_URL=file:${fromFile}\nHASH_SECRET=${TEST_SECRETS.HASH_SECRET}\nENCRYPTION_KEY="${TEST_SECRETS.ENCRYPTION_KEY}"\n`);

    expect(await cli({ ENV_FILE: envFile })).toContain(`meethuis-chat: database sqlite file:${fromFile} (settings from ${envFile})`);

    const fromEnvironment = join(dir, 'from-environment.db');
    expect(await cli({ ENV_FILE: envFile, DATABASE_URL: `file:${fromEnvironment}` })).toContain(`meethuis-chat: database sqlite file:${fromEnvironment} (settings from ${envFile})`);

    const withoutFile = await cli({ ENV_FILE: 'off', DATABASE_URL: `file:${fromEnvironment}`, ...TEST_SECRETS });
    expect(withoutFile).toContain(`meethuis-chat: database sqlite file:${fromEnvironment}\n`);
    expect(withoutFile).not.toContain('settings from');
  }, 60_000);

  it('never prints a PostgreSQL password', async () => {
    const failed = await cli({ ENV_FILE: 'off', DATABASE_URL: 'postgresql://meethuis:s3cret@127.0.0.1:1/nowhere', ...TEST_SECRETS }).catch((error: { stderr: string }) => error.stderr);
    expect(failed).toContain('meethuis-chat: database postgresql postgresql://meethuis:***@127.0.0.1:1/nowhere');
    expect(failed).not.toContain('s3cret');
  }, 60_000);
});
