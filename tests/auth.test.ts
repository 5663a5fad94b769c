import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/auth/tokens';
import { CLI_ACTOR } from '../src/kernel/audit';
import { seedOrganisations } from '../src/db/seed';
import { TEST_SECRETS } from './support/app';
import { createTestDatabase, type TTestDatabase } from './support/database';

const run = promisify(execFile);
let database: TTestDatabase;
let clock = new Date('2026-05-01T10:00:00Z');
let tokens: TokenService;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedOrganisations(database.prisma);
  tokens = new TokenService(database.prisma, TEST_SECRETS.HASH_SECRET, () => clock);
});
afterAll(() => database.destroy());

describe('API tokens', () => {
  it('authenticates a new token, stores only its hash, and forgets it once revoked', async () => {
    const { id, token } = await tokens.create({ role: 'staff', name: 'KCC', organisation: 'bonaire' });
    expect(await tokens.authenticate(token)).toMatchObject({ tokenId: id, role: 'staff', organisationSlug: 'bonaire' });
    const row = await database.prisma.apiToken.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(row)).not.toContain(token);
    await tokens.revoke(CLI_ACTOR, id);
    expect(await tokens.authenticate(token)).toBeNull();
  });

  it('stops accepting a token after it expires', async () => {
    const { token } = await tokens.create({ role: 'analyst', name: 'BI', expiresDays: 1 });
    expect(await tokens.authenticate(token)).not.toBeNull();
    clock = new Date(clock.getTime() + 2 * 86_400_000);
    expect(await tokens.authenticate(token)).toBeNull();
  });

  it('refuses an unknown organisation', async () => {
    await expect(tokens.create({ role: 'staff', name: 'x', organisation: 'atlantis' })).rejects.toThrow(/unknown organisation/);
  });
});

describe('npm run cli -- tokens', () => {
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', '--disable-warning=DEP0111', 'src/cli/main.ts', ...args], {
      env: { ...process.env, ...TEST_SECRETS, DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
    });

  it('creates a token and prints it alone on the last line, then lists it without the secret', async () => {
    const created = await cli(['tokens', 'create', '--role', 'analyst', '--name', 'Analist Demo', '--organisation', 'demo']);
    const token = created.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^mh_[A-Za-z0-9_-]{40,}$/);
    expect(await tokens.authenticate(token)).toMatchObject({ role: 'analyst', organisationSlug: 'demo' });
    const listed = await cli(['tokens', 'list']);
    expect(listed.stdout).toContain('Analist Demo');
    expect(listed.stdout).not.toContain(token);
  });

  it('rejects a wrong role with one line naming the option', async () => {
    const failed = await cli(['tokens', 'create', '--role', 'boss', '--name', 'x']).catch((error: { stderr: string; code: number }) => error);
    expect(failed).toMatchObject({ code: 65 });
    expect((failed as { stderr: string }).stderr.trim()).toMatch(/^meethuis-chat: --role: /m);
  });
});
