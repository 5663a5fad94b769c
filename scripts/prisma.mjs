#!/usr/bin/env node
// Derives everything Prisma needs for both databases from the one schema, offline.
//   node scripts/prisma.mjs generate         → clients in src/generated/{sqlite,postgresql}
//   node scripts/prisma.mjs migration NAME   → prisma/migrations/{sqlite,postgresql}/NNNN_NAME.sql from the
//                                              change since prisma/migrations/schema.snapshot.prisma
//   node scripts/prisma.mjs sql PROVIDER     → prints the DDL of the current schema from scratch (the drift test
//                                              compares it with what the migrations build)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(root, 'prisma', 'schema.prisma');
const migrationsDir = join(root, 'prisma', 'migrations');
const snapshotPath = join(migrationsDir, 'schema.snapshot.prisma');
const workDir = join(root, 'node_modules', '.meethuis-prisma');
export const PROVIDERS = ['sqlite', 'postgresql'];

// Any existing file stops the CLI from downloading native engines it cannot reach; the JS engine is used instead.
const prismaEnv = {
  ...process.env,
  PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
  PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};

export function schemaFor(provider, source = readFileSync(schemaPath, 'utf8')) {
  return source
    .replace(/provider = "sqlite"/, `provider = "${provider}"`)
    .replace(/output\s*=\s*"[^"]*"/, `output       = "${join(root, 'src', 'generated', provider)}"`)
    .replace(/url\s*=\s*"file:\.\/unused\.db"/, `url      = "${provider === 'sqlite' ? 'file:./unused.db' : 'postgresql://unused'}"`);
}

function writeVariant(provider, source, name) {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `${name}.${provider}.prisma`);
  writeFileSync(file, schemaFor(provider, source));
  return file;
}

function prisma(args) {
  return execFileSync(process.execPath, [join(root, 'node_modules', 'prisma', 'build', 'index.js'), ...args], {
    cwd: root,
    env: prismaEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function generate() {
  for (const provider of PROVIDERS) {
    prisma(['generate', '--schema', writeVariant(provider, readFileSync(schemaPath, 'utf8'), 'current')]);
  }
  console.log('prisma: generated clients for', PROVIDERS.join(' and '));
}

/** SQL that turns the database of schema `fromSource` (or an empty one) into `toSource`. */
export function diffSql(provider, fromSource, toSource) {
  const to = writeVariant(provider, toSource, 'to');
  const from = fromSource === undefined ? ['--from-empty'] : ['--from-schema-datamodel', writeVariant(provider, fromSource, 'from')];
  return prisma(['migrate', 'diff', ...from, '--to-schema-datamodel', to, '--script']);
}

function migration(name) {
  if (!/^[a-z0-9_]+$/.test(name ?? '')) throw new Error('usage: migration NAME (lower case, digits, _)');
  const current = readFileSync(schemaPath, 'utf8');
  const snapshot = existsSync(snapshotPath) ? readFileSync(snapshotPath, 'utf8') : undefined;
  for (const provider of PROVIDERS) {
    const dir = join(migrationsDir, provider);
    mkdirSync(dir, { recursive: true });
    const number = String(readdirSync(dir).filter((f) => f.endsWith('.sql')).length + 1).padStart(4, '0');
    const sql = diffSql(provider, snapshot, current);
    if (!sql.trim() || /This is an empty migration/.test(sql)) {
      console.log(`prisma: no change for ${provider}`);
      continue;
    }
    writeFileSync(join(dir, `${number}_${name}.sql`), sql);
    console.log(`prisma: wrote prisma/migrations/${provider}/${number}_${name}.sql`);
  }
  copyFileSync(schemaPath, snapshotPath);
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [command, argument] = process.argv.slice(2);
  if (command === 'generate') generate();
  else if (command === 'migration') migration(argument);
  else if (command === 'sql' && PROVIDERS.includes(argument)) process.stdout.write(diffSql(argument, undefined, readFileSync(schemaPath, 'utf8')));
  else {
    console.error('usage: node scripts/prisma.mjs generate | migration NAME | sql PROVIDER');
    process.exit(2);
  }
}
