import { z } from 'zod';
import type { TDatabase, TPrisma } from '../db/client';
import { isLanguage } from '../i18n/languages';
import { MAX_TEXT_LENGTH, NUMERIC_RANGES, YES_NO_VALUES, ZSurvey, type TQuestion, type TSurvey } from '../surveys/schema';
import type { TGivenAnswer } from './answerStore';
import { BatchAnswerWriter, type TBatchResponse } from './batchImport';
import { foldPendingRollups } from './rollups';
import { CsvSyntaxError, parseCsv, type TCsvRecord } from './csv';
import { RESPONSE_DIMENSIONS } from './dimensions';
import { dayIn, noonIn } from '../kernel/calendar';
import { isCalendarDay } from './kpiContract';

/**
 * Import of an earlier survey round from CSV: one line per response, one column per question. Each line is checked
 * on its own against the survey definition; a bad line is reported with its number and nothing of it is stored,
 * the good ones are stored in batches through the batch write path (so the rollups are built as for the bot).
 *
 * Columns (header on line 1):
 * - `date` (required): `2025-10-31` (that day in the organisation's zone) or an ISO instant with a zone.
 * - `organisation` (slug; default: the survey's own), `service` (a slug registered for it), `contactChannel`,
 *   `chatChannel` (default `import`), `language` (nl, pap, en; default nl), `location` (or `island`),
 *   `leadTimeDays`, `contactCount`, `surveyVersion` (default: the latest), `completed` (yes/no; default yes).
 * - one column per question, by its key (`question.<key>` also works, and is needed where a key is one of the
 *   names above): empty = not answered; a number on the question's scale; `dk` for "don't know" (where the
 *   question offers it); `skip`; a choice's option key; `yes`/`no`; free text (scrubbed of personal data).
 */

export const RESPONSE_COLUMNS = [
  'date',
  ...RESPONSE_DIMENSIONS,
  'island',
  'leadTimeDays',
  'contactCount',
  'surveyVersion',
  'completed',
] as const;
type TResponseColumn = (typeof RESPONSE_COLUMNS)[number];

const QUESTION_PREFIX = 'question.';
const DONT_KNOW = new Set(['dk', 'dontknow', "don't know", 'weet niet', 'mi no sa']);
const SKIPPED = new Set(['skip', 'skipped', 'overgeslagen']);
const YES = new Set(['yes', 'ja', 'si', 'true', '1']);
const NO = new Set(['no', 'nee', 'false', '0']);

/** A line that cannot be imported: its number, the column and what is wrong. */
export class ImportLineError extends Error {
  override name = 'ImportLineError';
  constructor(
    readonly line: number,
    readonly column: string | null,
    readonly reason: string,
  ) {
    super(`line ${line}${column ? `: column ${column}` : ''}: ${reason}`);
  }
}

interface TOrganisationFacts {
  id: string;
  timeZone: string;
  services: Map<string, string>;
}

export interface TImportContext {
  surveyId: string;
  defaultOrganisation: string;
  /** Version number → the version row and its definition. */
  versions: Map<number, { id: string; survey: TSurvey }>;
  latest: number;
  organisations: Map<string, TOrganisationFacts>;
}

export async function loadImportContext(prisma: TPrisma, surveyId: string): Promise<TImportContext> {
  const survey = await prisma.survey.findUnique({
    where: { id: surveyId },
    select: { organisation: { select: { slug: true } }, versions: { select: { id: true, version: true, definition: true } } },
  });
  if (!survey || survey.versions.length === 0) throw new Error(`--survey: no survey "${surveyId}"`);
  const versions = new Map(survey.versions.map((row) => [row.version, { id: row.id, survey: ZSurvey.parse(JSON.parse(row.definition)) }]));
  const organisations = new Map<string, TOrganisationFacts>();
  for (const organisation of await prisma.organisation.findMany({ select: { id: true, slug: true, timeZone: true, services: { select: { id: true, slug: true } } } })) {
    organisations.set(organisation.slug, {
      id: organisation.id,
      timeZone: organisation.timeZone,
      services: new Map(organisation.services.map((service) => [service.slug, service.id])),
    });
  }
  return { surveyId, defaultOrganisation: survey.organisation.slug, versions, latest: Math.max(...versions.keys()), organisations };
}

interface THeader {
  response: Partial<Record<TResponseColumn, number>>;
  /** Question key → column index. */
  questions: Map<string, number>;
  names: string[];
}

/** Checks the header: known columns only, each once, and a date. */
export function parseHeader(record: TCsvRecord, context: TImportContext): THeader {
  const questionKeys = new Set([...context.versions.values()].flatMap(({ survey }) => survey.questions.map((question) => question.key)));
  const header: THeader = { response: {}, questions: new Map(), names: record.fields.map((name) => name.trim()) };
  header.names.forEach((name, index) => {
    const isResponseColumn = (RESPONSE_COLUMNS as readonly string[]).includes(name);
    const questionKey = name.startsWith(QUESTION_PREFIX) ? name.slice(QUESTION_PREFIX.length) : isResponseColumn ? null : name;
    if (questionKey === null) {
      if (header.response[name as TResponseColumn] !== undefined) throw new ImportLineError(record.line, name, 'appears twice');
      header.response[name as TResponseColumn] = index;
      return;
    }
    if (!questionKeys.has(questionKey)) throw new ImportLineError(record.line, name, `is neither a response column nor a question of survey "${context.surveyId}"`);
    if (header.questions.has(questionKey)) throw new ImportLineError(record.line, name, 'appears twice');
    header.questions.set(questionKey, index);
  });
  if (header.response.date === undefined) throw new ImportLineError(record.line, 'date', 'the header needs a date column');
  if (header.response.location !== undefined && header.response.island !== undefined) {
    throw new ImportLineError(record.line, 'island', 'island is another name for location: give one of them');
  }
  return header;
}

const ZDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isCalendarDay);
const ZInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/).refine((text) => !Number.isNaN(Date.parse(text)));

function answerOf(question: TQuestion, cell: string, line: number, column: string): TGivenAnswer | null {
  const text = cell.trim();
  if (text === '') return null;
  const base = { questionKey: question.key, measure: question.measures ?? null };
  const token = text.toLowerCase();
  if (SKIPPED.has(token)) return { ...base, skipped: true };
  if (DONT_KNOW.has(token)) {
    if (!question.allowDontKnow) throw new ImportLineError(line, column, `"${text}": this question offers no "don't know"`);
    return { ...base, dontKnow: true };
  }
  switch (question.type) {
    case 'scale5':
    case 'effort7':
    case 'scale0to10': {
      const { min, max } = NUMERIC_RANGES[question.type];
      const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new ImportLineError(line, column, `"${text}" must be a whole number from ${min} to ${max}, dk or skip`);
      }
      return { ...base, value };
    }
    case 'yesno': {
      if (YES.has(token)) return { ...base, text: YES_NO_VALUES[0] };
      if (NO.has(token)) return { ...base, text: YES_NO_VALUES[1] };
      throw new ImportLineError(line, column, `"${text}" must be yes or no`);
    }
    case 'choice': {
      if (!question.options.includes(text)) throw new ImportLineError(line, column, `"${text}" must be one of ${question.options.join(', ')}`);
      return { ...base, text };
    }
    case 'text': {
      if (text.length > MAX_TEXT_LENGTH) throw new ImportLineError(line, column, `longer than ${MAX_TEXT_LENGTH} characters`);
      return { ...base, text, open: true };
    }
  }
}

/** One line as a response to store, or an ImportLineError naming the first thing wrong with it. */
export function parseLine(record: TCsvRecord, header: THeader, context: TImportContext): TBatchResponse {
  const { line, fields } = record;
  if (fields.length !== header.names.length) {
    throw new ImportLineError(line, null, `has ${fields.length} fields where the header has ${header.names.length}`);
  }
  const cell = (column: TResponseColumn): string => {
    const index = header.response[column];
    return index === undefined ? '' : fields[index]!.trim();
  };
  const optionalInteger = (column: TResponseColumn, min: number): number | null => {
    const text = cell(column);
    if (text === '') return null;
    if (!/^\d+$/.test(text) || Number(text) < min) throw new ImportLineError(line, column, `"${text}" must be a whole number of at least ${min}`);
    return Number(text);
  };

  const organisationSlug = cell('organisation') || context.defaultOrganisation;
  const organisation = context.organisations.get(organisationSlug);
  if (!organisation) throw new ImportLineError(line, 'organisation', `no organisation "${organisationSlug}"`);
  const serviceSlug = cell('service');
  const serviceId = serviceSlug === '' ? null : organisation.services.get(serviceSlug);
  if (serviceId === undefined) throw new ImportLineError(line, 'service', `"${serviceSlug}" is not a service of ${organisationSlug}`);
  const language = cell('language') || 'nl';
  if (!isLanguage(language)) throw new ImportLineError(line, 'language', `"${language}" must be nl, pap or en`);
  const versionNumber = optionalInteger('surveyVersion', 1) ?? context.latest;
  const version = context.versions.get(versionNumber);
  if (!version) throw new ImportLineError(line, 'surveyVersion', `survey "${context.surveyId}" has no version ${versionNumber}`);
  const completedText = cell('completed').toLowerCase();
  const completed = completedText === '' || YES.has(completedText);
  if (!completed && !NO.has(completedText)) throw new ImportLineError(line, 'completed', `"${cell('completed')}" must be yes or no`);

  const dateText = cell('date');
  let startedAt: Date;
  if (ZDate.safeParse(dateText).success) startedAt = noonIn(dateText, organisation.timeZone);
  else if (ZInstant.safeParse(dateText).success) startedAt = new Date(dateText);
  else throw new ImportLineError(line, 'date', `"${dateText}" must be a date like 2025-10-31 or an instant like 2025-10-31T14:05:00+01:00`);
  if (ZDate.safeParse(dateText).success && dayIn(startedAt, organisation.timeZone) !== dateText) {
    throw new ImportLineError(line, 'date', `"${dateText}" does not exist in ${organisation.timeZone}`);
  }

  const textColumn = (column: TResponseColumn, max = 100): string | null => {
    const text = cell(column);
    if (text === '') return null;
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
    if (text.length > max || /[\u0000-\u001f]/.test(text)) throw new ImportLineError(line, column, `must be at most ${max} printable characters`);
    return text;
  };

  const questions = new Map(version.survey.questions.map((question) => [question.key, question]));
  const answers: TGivenAnswer[] = [];
  for (const [key, index] of header.questions) {
    const column = header.names[index]!;
    const question = questions.get(key);
    if (!question) {
      if (fields[index]!.trim() !== '') throw new ImportLineError(line, column, `version ${versionNumber} of the survey has no question "${key}"`);
      continue;
    }
    const answer = answerOf(question, fields[index]!, line, column);
    if (answer) answers.push(answer);
  }
  return {
    response: {
      surveyVersionId: version.id,
      organisationId: organisation.id,
      serviceId,
      contactChannel: textColumn('contactChannel'),
      chatChannel: textColumn('chatChannel') ?? 'import',
      language,
      location: textColumn(header.response.island !== undefined ? 'island' : 'location'),
      leadTimeDays: optionalInteger('leadTimeDays', 0),
      contactCount: optionalInteger('contactCount', 1),
      source: 'import',
    },
    status: completed ? 'completed' : 'abandoned',
    startedAt,
    completedAt: completed ? startedAt : null,
    answers,
  };
}

export interface TImportReport {
  imported: number;
  refused: ImportLineError[];
  /** Data lines read (the header not counted). */
  lines: number;
}

export interface TImportOptions {
  batchSize?: number;
  /** Told after each stored batch: how many responses are stored so far. */
  onProgress?: (imported: number) => void;
}

/**
 * Imports the CSV: every line validated on its own, valid ones stored in batches, each batch folded into the rollups
 * right away. A database failure stops the import; the batches before it stay stored and the error says from which
 * line on nothing was.
 */
export async function importResponses(
  database: Pick<TDatabase, 'prisma' | 'sql'>,
  surveyId: string,
  chunks: AsyncIterable<string | Buffer>,
  options: TImportOptions = {},
): Promise<TImportReport> {
  const batchSize = options.batchSize ?? 500;
  const { prisma } = database;
  const context = await loadImportContext(prisma, surveyId);
  const writer = new BatchAnswerWriter(database);
  const report: TImportReport = { imported: 0, refused: [], lines: 0 };
  let header: THeader | undefined;
  let batch: Array<{ line: number; response: TBatchResponse }> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      await writer.writeBatch(batch.map((item) => item.response));
    } catch (error) {
      throw new Error(`storing failed from line ${batch[0]!.line} on; the ${report.imported} responses before it are stored (${(error as Error).message.split('\n')[0]})`, { cause: error });
    }
    report.imported += batch.length;
    batch = [];
    await foldPendingRollups(database);
    options.onProgress?.(report.imported);
  };
  try {
    for await (const record of parseCsv(chunks)) {
      if (!header) {
        header = parseHeader(record, context);
        continue;
      }
      report.lines++;
      try {
        batch.push({ line: record.line, response: parseLine(record, header, context) });
      } catch (error) {
        if (!(error instanceof ImportLineError)) throw error;
        report.refused.push(error);
        continue;
      }
      if (batch.length >= batchSize) await flush();
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    // Past broken quoting no line end can be trusted: what came before is stored, nothing after.
    await flush();
    throw new ImportLineError(error.line, null, `${error.message.replace(/^line \d+: /, '')}; the ${report.imported} valid responses before it are stored, nothing from here on`);
  }
  if (!header) throw new ImportLineError(1, null, 'the file is empty: it needs a header line');
  await flush();
  return report;
}
