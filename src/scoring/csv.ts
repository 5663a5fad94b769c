/**
 * CSV as spreadsheets read it (RFC 4180, comma, CRLF), written so that no cell can run as a formula (OWASP "CSV
 * injection"): in text, = + - @, a tab or a carriage return gets an apostrophe before it at the start of the cell
 * *and after every separator inside it* (`,` `;` tab, line break), since a spreadsheet that splits on another
 * separator than ours (Excel with Dutch regional settings splits on `;`) starts a cell there. Numbers we produce
 * ourselves are written as numbers — an NPS of -12.5 must stay a number — so only text is guarded.
 */

export type TCsvValue = string | number | boolean | null | undefined;

const FORMULA_TRIGGER_AFTER_SEPARATOR = /(^|[,;\t\r\n])(?=[=+\-@\t\r])/g;
const NEEDS_QUOTES = /[",;\t\r\n]|^\s|\s$/;

/** One cell: text guarded against formulas and quoted where needed; null/undefined as an empty cell. */
export function csvCell(value: TCsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const guarded = value.replace(FORMULA_TRIGGER_AFTER_SEPARATOR, "$1'");
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** One record, CRLF-terminated. */
export function csvRow(values: readonly TCsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
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

/**
 * Parses CSV text arriving in chunks (a file stream) into records, keeping only the current record in memory.
 * Quoted fields may hold commas, quotes ("") and line breaks; line numbers count physical lines, as an editor does.
 * Blank lines are skipped.
 */
export async function* parseCsv(chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): AsyncGenerator<TCsvRecord> {
  /** start: nothing of the field yet; bare: unquoted text; quoted: inside quotes; quote: a quote inside quotes (closing, or the first of ""); closed: after the closing quote. */
  let state: 'start' | 'bare' | 'quoted' | 'quote' | 'closed' = 'start';
  let field = '';
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let skipLf = false;
  let first = true;
  const endField = () => {
    fields.push(field);
    field = '';
    state = 'start';
  };
  const endRecord = (): TCsvRecord | null => {
    endField();
    const record = { line: recordLine, fields };
    fields = [];
    return record.fields.length === 1 && record.fields[0] === '' ? null : record;
  };
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (first) {
      // A byte-order mark from a spreadsheet's "CSV UTF-8" is not part of the first header.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    for (let index = 0; index < text.length; index++) {
      const char = text[index]!;
      if (skipLf) {
        skipLf = false;
        if (char === '\n') continue;
      }
      const newline = char === '\n' || char === '\r';
      if (newline) skipLf = char === '\r';
      if (state === 'quote') {
        if (char === '"') {
          field += '"';
          state = 'quoted';
          continue;
        }
        state = 'closed';
      }
      if (state === 'quoted') {
        if (char === '"') state = 'quote';
        else if (newline) {
          field += '\n';
          line++;
        } else field += char;
        continue;
      }
      if (char === ',') endField();
      else if (newline) {
        const record = endRecord();
        if (record) yield record;
        line++;
        recordLine = line;
      } else if (state === 'closed') throw new CsvSyntaxError(line, 'text after a closing quote');
      else if (char === '"') {
        if (state === 'bare') throw new CsvSyntaxError(line, 'a quote inside an unquoted field');
        state = 'quoted';
      } else {
        field += char;
        state = 'bare';
      }
    }
  }
  if (state === 'quoted') throw new CsvSyntaxError(recordLine, 'a quoted field is not closed');
  const record = endRecord();
  if (record) yield record;
}
