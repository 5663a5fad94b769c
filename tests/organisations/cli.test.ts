import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisations } from '../../src/db/seed';
import { runCli } from '../support/cli';
import { createTestDatabase, type TTestDatabase } from '../support/database';

let database: TTestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedOrganisations(database.prisma);
});
afterAll(() => database.destroy());

const cli = (...args: string[]) => runCli(database.url, args, { MIN_GROUP_SIZE: '10' });

// Each command is a process of its own: slower than an in-process test, so one walk through the set-up.
describe('npm run cli -- organisations, services, places, audit', { timeout: 120_000 }, () => {
  it('sets an organisation up as the admin page does, with the same checks, and logs who did it', async () => {
    const set = await cli('organisations', 'set', 'demo', '--contact', '14 020 (optie 2)', '--min-group-size', '15', '--name-en', 'The Municipality of Demo');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('contact\t14 020 (optie 2)');
    expect(set.stdout).toContain('minimum group size\t15');
    expect(set.stdout).toContain('Gemeente Demo / Munisipio Demo / The Municipality of Demo');

    expect((await cli('services', 'add', 'demo', '--slug', 'bijstand', '--name-nl', 'Bijstand', '--name-pap', 'Asistensia', '--name-en', 'Income support')).code).toBe(0);
    expect((await cli('services', 'set', 'demo', 'afval', '--retire')).stdout).toContain('Service afval of demo: retired');
    expect((await cli('places', 'add', 'demo', '--slug', 'haven', '--name', 'Haven')).code).toBe(0);
    const shown = await cli('organisations', 'show', 'demo');
    expect(shown.stdout).toMatch(/^service\tbijstand\toffered\tBijstand \/ Asistensia \/ Income support$/m);
    expect(shown.stdout).toMatch(/^service\tafval\tretired\t/m);
    expect(shown.stdout).toMatch(/^place\thaven\taccepted\tHaven$/m);

    const missing = await cli('services', 'add', 'demo', '--slug', 'parkeren-2', '--name-nl', 'Parkeren');
    expect(missing.code).toBe(65);
    expect(missing.stderr).toMatch(/names\.pap/);
    const tooLow = await cli('organisations', 'set', 'demo', '--min-group-size', '5');
    expect(tooLow.code).toBe(65);
    expect(tooLow.stderr).toContain('minGroupSize: may only raise the minimum of 10');

    const audit = await cli('audit', 'demo');
    const actions = audit.stdout.trim().split('\n').map((line) => line.split('\t').slice(1, 3).join(' '));
    expect(actions.slice(0, 4)).toEqual(['cli place.create', 'cli service.update', 'cli service.create', 'cli organisation.update']);
    expect(await database.prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).toMatchObject({ contact: '14 020 (optie 2)', minGroupSize: 15 });
  });
});
