import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { parseCsv } from '../../src/scoring/csv';
import { EXPORT_COLUMNS, prepareResponseExport } from '../../src/scoring/responseExport';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { FORMULA_TEXT, rawResponses, seedKnownAnswers, SPLIT_FORMULA_TEXT } from './seed';

let running: TTestApp;
const tokens = { analyst: '', demo: '', staff: '' };

beforeAll(async () => {
  running = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_TOKEN_PER_MINUTE: '10000' });
  await seedKnownAnswers(running.database);
  const service = new TokenService(running.database.prisma, TEST_SECRETS.HASH_SECRET);
  tokens.analyst = (await service.create({ role: 'analyst', name: 'all' })).token;
  tokens.demo = (await service.create({ role: 'analyst', name: 'demo-analist', organisation: 'demo' })).token;
  tokens.staff = (await service.create({ role: 'staff', name: 'kcc' })).token;
}, 120_000);
afterAll(() => running.stop());

async function exportCsv(query: string, token: string | null = tokens.analyst) {
  const response = await fetch(`${running.url}/api/responses/export?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  const rows: string[][] = [];
  if (response.ok) for await (const record of parseCsv([text])) rows.push(record.fields);
  return { response, text, header: rows[0] ?? [], rows: rows.slice(1) };
}

describe('GET /api/responses/export', () => {
  it('streams every answer as a CSV line, without resident keys or internal ids, dates to the day', async () => {
    const { response, text, header, rows } = await exportCsv('survey=meethuis');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    // Streamed: no length known up front.
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(header).toEqual([...EXPORT_COLUMNS]);

    const { prisma } = running.database;
    const stored = await prisma.response.findMany({ where: { surveyVersion: { surveyId: 'meethuis' } }, include: { answers: true } });
    expect(rows.length).toBe(stored.reduce((total, one) => total + one.answers.length, 0));
    for (const one of stored) {
      expect(text).not.toContain(one.residentKey);
      expect(text).not.toContain(one.conversationKey);
      expect(text).not.toContain(one.id);
    }
    const column = (name: string) => header.indexOf(name);
    expect(rows.every((row) => /^\d{4}-\d{2}-\d{2}$/.test(row[column('startedOn')]!))).toBe(true);
    expect(text).not.toMatch(/\d{2}:\d{2}/);
    // Numbered per export; every answer of one response shares its number.
    expect(new Set(rows.map((row) => row[column('response')])).size).toBe(stored.filter((one) => one.answers.length > 0).length);
  });

  it('defuses free text that a spreadsheet would run as a formula', async () => {
    const { header, rows } = await exportCsv('survey=meethuis&organisation=demo');
    const texts = rows.map((row) => row[header.indexOf('text')]).filter((text) => text !== '');
    expect(texts).toContain(`'${FORMULA_TEXT}`);
    expect(texts.some((text) => /^[=+\-@]/.test(text!))).toBe(false);
    const locations = rows.map((row) => row[header.indexOf('location')]!);
    expect(locations.some((location) => location.startsWith("'=HYPERLINK"))).toBe(true);
    expect(locations.some((location) => location.startsWith('='))).toBe(false);
  });

  it('leaves no cell that starts a formula, read with , or with ; as the separator (Excel with Dutch settings)', async () => {
    const { response, text, header, rows } = await exportCsv('survey=meethuis&organisation=demo');
    expect(response.status).toBe(200);
    expect(rows.map((row) => row[header.indexOf('text')])).toContain(SPLIT_FORMULA_TEXT.replace(';=', ";'="));
    for (const separator of [',', ';']) {
      const cells = spreadsheetCells(text, separator);
      if (separator === ',') expect(cells.length).toBe((rows.length + 1) * header.length);
      // Split on `;`, the attack's formula is a cell of its own — guarded.
      else expect(cells).toContain("'=cmd|' /C calc'!A0");
      // Our own numbers (an NPS of -12.5) are numbers, not formulas; every text cell must be inert.
      expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell) && !/^-\d+(\.\d+)?$/.test(cell)), separator).toEqual([]);
    }
  });

  it('cuts from/to in the organisation’s time zone', async () => {
    const { header, rows } = await exportCsv('survey=meethuis&organisation=demo&from=2026-02-01&to=2026-02-01');
    const raw = (await rawResponses(running.database.prisma)).filter((one) => one.organisation === 'demo' && one.surveyId === 'meethuis' && one.day === '2026-02-01');
    expect(new Set(rows.map((row) => row[header.indexOf('response')])).size).toBe(raw.filter((one) => one.answerCount > 0).length);
    expect(rows.every((row) => row[header.indexOf('startedOn')] === '2026-02-01')).toBe(true);
  });

  it('writes every export to the audit log, with who asked and what', async () => {
    const before = await running.database.prisma.auditLog.count({ where: { action: 'responses.export' } });
    await exportCsv('survey=meethuis&language=pap', tokens.demo);
    const entries = await running.database.prisma.auditLog.findMany({ where: { action: 'responses.export' }, orderBy: { at: 'desc' } });
    expect(entries.length).toBe(before + 1);
    expect(entries[0]).toMatchObject({ actor: 'demo-analist', subjectId: 'meethuis' });
    expect(JSON.parse(entries[0]!.details!)).toMatchObject({ survey: 'meethuis', language: ['pap'] });
  });

  it('limits a scoped token to its organisation, and needs the analyst role', async () => {
    const { header, rows } = await exportCsv('survey=meethuis', tokens.demo);
    expect(new Set(rows.map((row) => row[header.indexOf('organisation')]))).toEqual(new Set(['demo']));
    expect((await exportCsv('survey=meethuis&organisation=statia', tokens.demo)).response.status).toBe(403);
    expect((await exportCsv('survey=meethuis', tokens.staff)).response.status).toBe(403);
    expect((await exportCsv('survey=meethuis', null)).response.status).toBe(401);
    expect((await exportCsv('survey=nope')).response.status).toBe(400);
  });

  it('reads lazily in bounded batches, so memory does not grow with the export', async () => {
    const calls: number[] = [];
    const { prisma } = running.database;
    // Counts the reads and their size, leaving everything else to the real client.
    const counting = new Proxy(prisma, {
      get(target, property, receiver) {
        if (property !== 'response') return Reflect.get(target, property, receiver);
        return new Proxy(target.response, {
          get(model, name, modelReceiver) {
            if (name !== 'findMany') return Reflect.get(model, name, modelReceiver);
            return (args: { take: number }) => {
              calls.push(args.take);
              return model.findMany(args);
            };
          },
        });
      },
    });
    const chunks = await prepareResponseExport(counting, { survey: 'meethuis' }, { organisationId: null }, { batchSize: 7 });
    const first = await chunks.next();
    expect(first.value).toMatch(/^response,survey,/);
    expect(calls).toEqual([]);
    await chunks.next();
    expect(calls).toEqual([7]);
    let lines = 0;
    for await (const chunk of chunks) lines += chunk.split('\r\n').length - 1;
    const responses = await prisma.response.count({ where: { surveyVersion: { surveyId: 'meethuis' } } });
    expect(calls.every((take) => take === 7)).toBe(true);
    // Full batches, then the one that finds nothing left.
    expect(calls.length).toBe(Math.ceil(responses / 7) + 1);
    expect(lines).toBeGreaterThan(0);
  });
});

/**
 * The cells a spreadsheet sees when it splits the file on `separator`, as Excel does: a cell that begins with a
 * quote runs to its closing quote (`""` inside), any other runs to the next separator or line break, and a quote
 * in its middle is text.
 */
function spreadsheetCells(text: string, separator: string): string[] {
  const cells: string[] = [];
  let index = 0;
  while (index < text.length) {
    let cell = '';
    if (text[index] === '"') {
      index++;
      while (index < text.length && !(text[index] === '"' && text[index + 1] !== '"')) {
        cell += text[index] === '"' ? '"' : text[index];
        index += text[index] === '"' ? 2 : 1;
      }
      index++;
    }
    while (index < text.length && text[index] !== separator && text[index] !== '\r' && text[index] !== '\n') cell += text[index++];
    cells.push(cell);
    if (text[index] === '\r' && text[index + 1] === '\n') index++;
    index++;
  }
  return cells;
}
