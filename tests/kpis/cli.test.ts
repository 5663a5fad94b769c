import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { parseCsv } from '../../src/scoring/csv';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { expectedKpis } from './independent';
import { seededRandom } from '../../bench/support';
import { DRIVERS, rawResponses } from './seed';

const run = promisify(execFile);
let running: TTestApp;
let dir: string;
let analyst: string;

function cli(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', '--disable-warning=DEP0111', 'src/cli/main.ts', ...args], {
    env: { ...process.env, ...TEST_SECRETS, DATABASE_URL: running.database.url, LOG_LEVEL: 'silent' },
    maxBuffer: 10 * 1024 * 1024,
  }).catch((error: { stdout: string; stderr: string; code: number }) => error);
}

const MEASURES = ['satisfaction', 'effort', ...DRIVERS, 'trust'];

/** An earlier round as CSV: 30 nl, 20 pap and 8 en responses (too few), with "don't know" and skipped answers. */
function earlierRound(): string {
  const random = seededRandom(99);
  const lines = [['date', 'service', 'language', 'location', 'completed', ...MEASURES, 'improvement'].join(',')];
  const languages = [...Array(30).fill('nl'), ...Array(20).fill('pap'), ...Array(8).fill('en')] as string[];
  languages.forEach((language, index) => {
    const answers = MEASURES.map((measure) => {
      const roll = random();
      if (roll < 0.06 && DRIVERS.includes(measure)) return 'dk';
      if (roll < 0.1) return 'skip';
      if (roll < 0.14) return '';
      return String(1 + Math.floor(random() * (measure === 'effort' ? 7 : 5)));
    });
    const day = `2025-${String(1 + (index % 12)).padStart(2, '0')}-${String(1 + (index % 28)).padStart(2, '0')}`;
    const text = index === 3 ? '"Bel me: 06-12345678, of ""mail"" mij"' : index === 4 ? '=SUM(A1:A9)' : '';
    lines.push([day, ['paspoort', 'rijbewijs', 'afval'][index % 3], language, 'Utrecht', index % 10 === 9 ? 'no' : 'yes', ...answers, text].join(','));
  });
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  running = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_TOKEN_PER_MINUTE: '10000' });
  dir = mkdtempSync(join(tmpdir(), 'meethuis-import-'));
  analyst = (await new TokenService(running.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'cli' })).token;
});
afterAll(async () => {
  await running.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run cli -- import', () => {
  it('stores the valid lines through the batch write path and reports each bad one by line number, storing nothing of it', async () => {
    const lines = earlierRound().trimEnd().split('\n');
    const answers = MEASURES.map(() => '4');
    // Line 3: off the scale; line 6: an unknown service; line 8: a short line. Nothing of them may be stored.
    lines.splice(2, 0, ['2025-02-02', 'paspoort', 'nl', 'Utrecht', 'yes', '9', ...answers.slice(1), ''].join(','));
    lines.splice(5, 0, ['2025-02-03', 'zwembad', 'nl', 'Utrecht', 'yes', ...answers, ''].join(','));
    lines.splice(7, 0, '2025-03-03,paspoort,nl');
    const file = join(dir, 'round-2025.csv');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);

    const result = await cli(['import', '--survey', 'meethuis', '--batch-size', '7', file]);
    expect(result.stdout).toContain('line 3: column satisfaction: "9" must be a whole number from 1 to 5');
    expect(result.stdout).toContain('line 6: column service: "zwembad" is not a service of demo');
    expect(result.stdout).toContain('line 8: has 3 fields where the header has');
    expect(result.stdout).toContain('Imported 58 of 61 responses into survey meethuis; 3 lines refused');
    expect('code' in result ? result.code : 0).toBe(1);

    const { prisma } = running.database;
    const imported = await prisma.response.findMany({ include: { answers: true } });
    expect(imported.length).toBe(58);
    expect(imported.every((response) => response.residentKey.startsWith('import:'))).toBe(true);
    expect(imported.some((response) => response.answers.some((answer) => answer.value === 9))).toBe(false);
    // Free text is scrubbed exactly as the bot's is.
    const texts = imported.flatMap((response) => response.answers.map((answer) => answer.text)).filter(Boolean);
    expect(texts.join(' ')).not.toContain('12345678');
    expect(texts).toContain('=SUM(A1:A9)');

    // The rollups built from the import hold the same figures as the imported answers themselves.
    const raw = await rawResponses(prisma);
    const response = await fetch(`${running.url}/api/kpis?survey=meethuis&groupBy=language`, { headers: { authorization: `Bearer ${analyst}` } });
    const report = (await response.json()) as { groups: Array<{ key: { language: string }; n: number | null; suppressed: boolean; kpis?: { csat: unknown } }> };
    const nl = report.groups.find((group) => group.key.language === 'nl')!;
    const expected = expectedKpis(raw.filter((row) => row.language === 'nl'), 10, DRIVERS);
    expect(nl.n).toBe(expected.n);
    expect((nl.kpis!.csat as { n: number }).n).toBe((expected.csat as { n: number }).n);
  });

  it('refuses the same file a second time unless told --again', async () => {
    const file = join(dir, 'round-2025.csv');
    const again = await cli(['import', '--survey', 'meethuis', file]);
    expect(again.stderr).toMatch(/imported before .*--again/);
    expect(await running.database.prisma.response.count()).toBe(58);
  });

  it('stops at broken quoting, keeping the valid lines before it', async () => {
    const file = join(dir, 'broken.csv');
    writeFileSync(file, ['date,language,satisfaction,improvement', '2025-05-01,nl,4,fine', '2025-05-02,nl,5,"not closed', '2025-05-03,nl,3,x'].join('\n'));
    const result = await cli(['import', '--survey', 'meethuis', file]);
    expect(result.stderr).toMatch(/line 3: a quoted field is not closed; the 1 valid responses before it are stored/);
    expect(await running.database.prisma.response.count()).toBe(59);
  });

  it('refuses a header with a column that is no question of the survey', async () => {
    const file = join(dir, 'header.csv');
    writeFileSync(file, 'date,satisfaction,favouriteColour\n2025-05-01,4,blue\n');
    const result = await cli(['import', '--survey', 'meethuis', file]);
    expect(result.stderr).toMatch(/line 1: column favouriteColour: is neither a response column nor a question/);
  });
});

describe('npm run cli -- kpis', () => {
  it('prints the same report as the API as JSON, and keeps suppression in the table and the CSV', async () => {
    const json = await cli(['kpis', '--survey', 'meethuis', '--group-by', 'language', '--from', '2025-01-01', '--format', 'json']);
    const api = await fetch(`${running.url}/api/kpis?survey=meethuis&groupBy=language&from=2025-01-01`, { headers: { authorization: `Bearer ${analyst}` } });
    expect(JSON.parse(json.stdout)).toEqual(await api.json());
    const report = JSON.parse(json.stdout) as { groups: Array<{ key: { language: string }; suppressed: boolean }> };
    // en has 8 responses (suppressed); pap is hidden with it, so en cannot be recovered from the total.
    expect(report.groups.map((group) => [group.key.language, group.suppressed])).toEqual([
      ['en', true],
      ['nl', false],
      ['pap', true],
    ]);

    const table = (await cli(['kpis', '--survey', 'meethuis', '--group-by', 'language', '--from', '2025-01-01'])).stdout.split('\n');
    expect(table.find((line) => line.startsWith('en'))).toMatch(/^en\s+suppressed: too few responses$/);
    expect(table.find((line) => line.startsWith('pap'))).toMatch(/suppressed/);
    expect(table.find((line) => line.startsWith('nl'))).toMatch(/^nl\s+\d+\s+[\d.]+/);

    const csv = (await cli(['kpis', '--survey', 'meethuis', '--group-by', 'language', '--from', '2025-01-01', '--format', 'csv'])).stdout;
    const rows: string[][] = [];
    for await (const record of parseCsv([csv])) rows.push(record.fields);
    const en = rows.find((row) => row[0] === 'en')!;
    expect(en.slice(1).filter((cell) => cell !== '')).toEqual(['true']);
  });

  it('exports the same CSV as the API, to a file or to standard output, and writes it to the audit log', async () => {
    const file = join(dir, 'responses.csv');
    const before = await running.database.prisma.auditLog.count({ where: { action: 'responses.export', actorTokenId: null } });
    const written = await cli(['export', '--survey', 'meethuis', '--language', 'nl,pap', '--out', file]);
    expect('code' in written ? written.code : 0).toBe(0);
    const api = await fetch(`${running.url}/api/v1/responses/export?survey=meethuis&language=nl,pap`, { headers: { authorization: `Bearer ${analyst}` } });
    const expected = await api.text();
    expect(expected.split('\r\n').length).toBeGreaterThan(50);
    expect(readFileSync(file, 'utf8')).toBe(expected);
    expect((await cli(['export', '--survey', 'meethuis', '--language', 'nl,pap'])).stdout).toBe(expected);
    expect(await running.database.prisma.auditLog.count({ where: { action: 'responses.export', actorTokenId: null } })).toBe(before + 2);
    const refused = await cli(['export', '--survey', 'meethuis', '--from', '2025-02-30']);
    expect(refused.stderr).toMatch(/^meethuis-chat: --from: /m);
  });

  it('names the option that is wrong', async () => {
    const result = await cli(['kpis', '--survey', 'meethuis', '--group-by', 'colour']);
    expect(result.stderr).toMatch(/^meethuis-chat: --group-by: .* \(invalid_request\)$/m);
    const service = await cli(['kpis', '--survey', 'meethuis', '--service', 'zwembad']);
    expect(service.stderr).toMatch(/--service: no service "zwembad"/);
    // Bad input exits as the API's 400 does in the one table of refusals: EX_DATAERR.
    expect(['code' in result ? result.code : 0, 'code' in service ? service.code : 0]).toEqual([65, 65]);
  });
});
