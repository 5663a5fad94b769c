import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, CsvSyntaxError, parseCsv } from '../../src/scoring/csv';

async function records(...chunks: string[]) {
  const out: Array<[number, string[]]> = [];
  for await (const record of parseCsv(chunks)) out.push([record.line, record.fields]);
  return out;
}

describe('csvCell', () => {
  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+31 6 1234', "'+31 6 1234"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', `"'\tx"`],
    ['PVT;=cmd| /C calc!A0;', `"PVT;'=cmd| /C calc!A0;"`],
    ['a,+b\n@c\t-d\t\te', `"a,'+b\n'@c\t'-d\t'\te"`],
    ['\rx', `"'\rx"`],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded', '" padded"'],
    ['plain', 'plain'],
  ])('guards and quotes the text %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes our own numbers as numbers, negative ones included, and nothing for null', () => {
    expect(csvRow([-12.5, 0, 3, null, undefined, true, false])).toBe('-12.5,0,3,,,true,false\r\n');
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks, numbering records by their first line', async () => {
    expect(await records('a,b\r\n"x, y","say ""hi"""\r\n"multi\nline",z\n\nlast,1')).toEqual([
      [1, ['a', 'b']],
      [2, ['x, y', 'say "hi"']],
      [3, ['multi\nline', 'z']],
      [6, ['last', '1']],
    ]);
  });

  it('handles records split anywhere between chunks, and a byte-order mark', async () => {
    expect(await records('\ufeffa,"b', '""c"', '\r', '\nd,e')).toEqual([
      [1, ['a', 'b"c']],
      [2, ['d', 'e']],
    ]);
  });

  it('refuses broken quoting with the line it is on', async () => {
    await expect(records('a,b\nx"y,z')).rejects.toThrow(new CsvSyntaxError(2, 'a quote inside an unquoted field'));
    await expect(records('a\n"x"y')).rejects.toThrow(/line 2: text after a closing quote/);
    await expect(records('a\n"open')).rejects.toThrow(/line 2: a quoted field is not closed/);
  });
});
