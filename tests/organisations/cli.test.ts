import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect((await cli('organisations', 'show', 'bonaire')).stdout).toMatch(/^phone region\tBQ$/m);
    const set = await cli('organisations', 'set', 'demo', '--contact', '14 020 (optie 2)', '--min-group-size', '15', '--name-en', 'The Municipality of Demo', '--phone-region', 'CW');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('contact\t14 020 (optie 2)');
    expect(set.stdout).toMatch(/^phone region\tCW$/m);
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
    const noRegion = await cli('organisations', 'set', 'demo', '--phone-region', 'nl');
    expect(noRegion.code).toBe(65);
    expect(noRegion.stderr).toContain('phoneRegion: must be a region code such as NL');

    const audit = await cli('audit', 'demo');
    const actions = audit.stdout.trim().split('\n').map((line) => line.split('\t').slice(1, 3).join(' '));
    expect(actions.slice(0, 4)).toEqual(['cli place.create', 'cli service.update', 'cli service.create', 'cli organisation.update']);
    expect(await database.prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).toMatchObject({ contact: '14 020 (optie 2)', minGroupSize: 15, phoneRegion: 'CW' });
  });
});

describe('npm run cli -- survey', { timeout: 120_000 }, () => {
  it('imports a variant file, publishes it, shows it and exports it again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'variant-')), 'variant.json');
    const question = {
      key: 'visitReason',
      type: 'choice',
      text: { nl: 'Waarvoor kwam u?', pap: 'Pa kiko bo a bini?', en: 'What did you come for?' },
      options: ['appointment', 'question'],
      optionLabels: { appointment: { nl: 'Een afspraak', pap: 'Un sita', en: 'An appointment' }, question: { nl: 'Een vraag', pap: 'Un pregunta', en: 'A question' } },
    };
    writeFileSync(file, JSON.stringify({ extends: 'meethuis', questions: [question] }));
    const imported = await cli('survey', 'import', 'demo', file, '--publish');
    expect(imported, imported.stderr).toMatchObject({ code: 0 });
    expect(imported.stdout).toContain('Imported and published demo v1.');
    const shown = await cli('survey', 'show', 'demo');
    expect(shown.stdout).toMatch(/^published\tv1\ton core v\d+\t/m);
    expect(shown.stdout).toMatch(/^question\t0\tvisitReason\tchoice\tWaarvoor kwam u\?$/m);
    const exported = JSON.parse((await cli('survey', 'export', 'demo')).stdout) as { extends: string; questions: Array<{ key: string; text: unknown }> };
    expect(exported).toMatchObject({ extends: 'meethuis', questions: [{ key: 'visitReason', text: question.text }] });

    writeFileSync(file, JSON.stringify({ extends: 'meethuis', questions: [{ ...question, key: 'trust' }] }));
    const clash = await cli('survey', 'import', 'demo', file);
    expect(clash.code).toBe(65);
    expect(clash.stderr).toContain('survey.questions.0.key: "trust" is a core question');
  });
});
