import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

const secret = 'x'.repeat(40);

describe('configuration', () => {
  it('runs embedded on SQLite with safe defaults when nothing is set', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'meethuis-config-'));
    const config = loadConfig({}, cwd);
    expect(config).toMatchObject({ PORT: 3978, databaseProvider: 'sqlite', MIN_GROUP_SIZE: 10, RETENTION_DAYS: 730, LOG_LEVEL: 'info' });
    expect(config.dataDir).toBe(join(cwd, 'data'));
  });

  it('generates the secrets once into the data folder in the embedded mode, and reuses them', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'meethuis-config-'));
    const first = loadConfig({}, cwd);
    expect(first.generatedSecrets).toEqual(['HASH_SECRET', 'ENCRYPTION_KEY']);
    expect(existsSync(join(cwd, 'data', 'secrets.json'))).toBe(true);
    const second = loadConfig({}, cwd);
    expect(second.generatedSecrets).toEqual([]);
    expect(second.HASH_SECRET).toBe(first.HASH_SECRET);
    expect(readFileSync(join(cwd, 'data', 'secrets.json'), 'utf8')).toContain(first.ENCRYPTION_KEY);
  });

  it('refuses PostgreSQL without shared secrets, naming the variable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://localhost/x' })).toThrow(/^HASH_SECRET: is required with PostgreSQL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://localhost/x', HASH_SECRET: secret })).toThrow(/^ENCRYPTION_KEY:/);
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/x', HASH_SECRET: secret, ENCRYPTION_KEY: secret }).databaseProvider).toBe(
      'postgresql',
    );
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['MIN_GROUP_SIZE', '0'],
    ['LOG_LEVEL', 'loud'],
    ['QUIET_HOURS', '9 to 5'],
    ['HASH_SECRET', 'short'],
  ])('stops on a wrong %s (%s) with one line naming it', (variable, value) => {
    const attempt = () => loadConfig({ [variable]: value, DATABASE_URL: variable === 'DATABASE_URL' ? value : 'file:/tmp/meethuis-config-test/x.db' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^${variable}: `));
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
