import { finished } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';

/**
 * CSV as spreadsheets read it (RFC 4180, comma, CRLF), written by csv-stringify and read by csv-parse. Ours is the
 * guard against formulas (OWASP "CSV injection"): in text, = + - @, a tab or a carriage return gets an apostrophe
 * before it at the start of the cell *and after every separator inside it* (`,` `;` tab, line break), since a
 * spreadsheet that splits on another separator than ours (Excel with Dutch regional settings splits on `;`) starts a
 * cell there — csv-stringify's own `escape_formulas` looks at the start of the cell only. Numbers we produce
 * ourselves are written as numbers — an NPS of -12.5 must stay a number — so only text is guarded.
 */

export type TCsvValue = string | number | boolean | null | undefined;

const FORMULA_TRIGGER_AFTER_SEPARATOR = /(^|[,;\t\r\n])(?=[=+\-@\t\r])/g;

const STRINGIFY_OPTIONS = {
  record_delimiter: 'windows',
  // Besides what must be quoted (comma, quote, line break): what another separator or a trimming reader would split.
  quoted_match: /[;\t\r\n]|^\s|\s$/,
  cast: {
    string: (value: string) => value.replace(FORMULA_TRIGGER_AFTER_SEPARATOR, "$1'"),
    number: (value: number) => (Number.isFinite(value) ? String(value) : ''),
    boolean: (value: boolean) => (value ? 'true' : 'false'),
  },
} as const;

/** One record, CRLF-terminated: text guarded against formulas and quoted where needed; null/undefined as empty. */
export function csvRow(values: readonly TCsvValue[]): string {
  return stringify([values.map((value) => value ?? '')], STRINGIFY_OPTIONS);
}

/** One cell, as csvRow writes it. */
export function csvCell(value: TCsvValue): string {
  return csvRow([value]).slice(0, -2);
}

/** A parsed record with the line its first field starts on (1-based), for error messages. */
export interface TCsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** csv-parse's refusals, in the words the import reports them with. */
const SYNTAX_ERRORS: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
};

interface TParseContext {
  lines: number;
  empty_lines: number;
}

/**
 * Parses CSV text arriving in chunks (a file stream) into records, keeping only the current chunk's records in
 * memory. Quoted fields may hold commas, quotes ("") and line breaks (read as `\n`); any of CRLF, LF and CR ends a
 * record, and line numbers count physical lines, as an editor does. Blank lines and a byte-order mark are skipped.
 * Every record before a syntax error is yielded before the error is thrown.
 */
export async function* parseCsv(chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): AsyncGenerator<TCsvRecord> {
  const parsed: TCsvRecord[] = [];
  // Where the last record ended, and how many blank lines came before it: an unclosed quote is reported at the end
  // of the file, but an editor should be sent to the line its record starts on.
  let last: TParseContext = { lines: 0, empty_lines: 0 };
  let failure: unknown;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    // Taken as the parser reads it (the stream would drop what it holds when an error follows in the same chunk).
    on_record: (record: string[], context: TParseContext) => {
      const fields = record.map((field) => field.replace(/\r\n?/g, '\n'));
      // The parser counts to the record's last line; an editor names the line it starts on.
      const inside = fields.reduce((count, field) => count + (field.match(/\n/g)?.length ?? 0), 0);
      parsed.push({ line: context.lines - inside, fields });
      last = { lines: context.lines, empty_lines: context.empty_lines };
      return null;
    },
  });
  parser.on('error', (error) => (failure ??= error));
  parser.resume();
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  for await (const chunk of chunks) {
    if (failure === undefined) parser.write(chunk);
    await settle();
    yield* parsed.splice(0);
    if (failure !== undefined) throw syntaxErrorOf(failure, last);
  }
  parser.end();
  // The parser has read the rest when it ends, or has failed (the failure is already kept).
  await finished(parser).catch(() => undefined);
  yield* parsed.splice(0);
  if (failure !== undefined) throw syntaxErrorOf(failure, last);
}

function syntaxErrorOf(error: unknown, last: TParseContext): unknown {
  if (!(error instanceof CsvError) || !SYNTAX_ERRORS[error.code]) return error;
  const line = error.code === 'CSV_QUOTE_NOT_CLOSED' ? last.lines + 1 + (Number(error.empty_lines) - last.empty_lines) : Number(error.lines) || 1;
  return new CsvSyntaxError(line, SYNTAX_ERRORS[error.code]!);
}
