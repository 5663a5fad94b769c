import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { createI18n, type TI18n } from '../i18n/i18n';
import { LANGUAGES } from '../i18n/languages';
import {
  NUMERIC_RANGES,
  SCALE_LABEL_SETS,
  questionListIssues,
  ZSurveyDefinition,
  type TIssue,
  type TQuestion,
  type TSurvey,
  type TSurveyDefinition,
} from './schema';

/** `surveys/` at the project root. */
export const DEFAULT_SURVEYS_DIR = fileURLToPath(new URL('../../surveys', import.meta.url));

/** The i18n namespace that holds question texts, scale labels and option labels. */
export const SURVEY_NAMESPACE = 'survey';

/**
 * A survey file that cannot be used. The message is one line naming the file, the path inside it and
 * the reason, e.g. `surveys/bonaire.json: questions[3].type: type must be one of …`, because it is
 * what an operator sees when start-up stops.
 */
export class SurveyDefinitionError extends Error {
  override readonly name = 'SurveyDefinitionError';
  constructor(
    readonly file: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${file}: ${path}: ${reason.replace(/\s+/g, ' ')}`);
  }
}

/** A survey ready to run: resolved (a variant's core questions included), validated and hashed. */
export type TLoadedSurvey = {
  readonly definition: TSurvey;
  /** sha256 of the canonical JSON of `definition`; same id and version with another hash means "bump the version". */
  readonly hash: string;
  /** The file it came from, as shown in errors. */
  readonly file: string;
};

export type TLoadSurveysOptions = {
  /** Where question texts are checked; defaults to the project's own `locales/`. */
  i18n?: TI18n;
};

/**
 * Reads every `*.json` in `dir`, validates it, resolves variants (`extends`: the base survey's core
 * questions first, then the variant's own) and checks that every text it needs exists in every
 * language. Throws a `SurveyDefinitionError` on the first problem, in file-name order.
 * Returns the surveys by id.
 */
export function loadSurveys(
  dir: string = DEFAULT_SURVEYS_DIR,
  options: TLoadSurveysOptions = {},
): ReadonlyMap<string, TLoadedSurvey> {
  const i18n = options.i18n ?? createI18n();
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));

  const parsed = new Map<string, { definition: TSurveyDefinition; file: string }>();
  for (const path of files) {
    const file = displayName(path);
    const definition = parseDefinition(readFileSync(path, 'utf8'), file);
    if (definition.id !== basename(path, '.json')) {
      fail(file, ['id'], `"${definition.id}" must match the file name "${basename(path)}"`);
    }
    const earlier = parsed.get(definition.id);
    if (earlier !== undefined) fail(file, ['id'], `survey "${definition.id}" is also defined in ${earlier.file}`);
    checkTexts(definition, file, i18n);
    parsed.set(definition.id, { definition, file });
  }

  const loaded = new Map<string, TLoadedSurvey>();
  for (const { definition, file } of parsed.values()) {
    const resolved = resolve(definition, file, parsed);
    loaded.set(definition.id, { definition: resolved, hash: surveyHash(resolved), file });
  }
  return loaded;
}

/**
 * Validates one survey file's text. Exported so a single definition (say, one posted to an admin
 * API later) gets the same errors as a file on disk.
 */
export function parseDefinition(text: string, file: string): TSurveyDefinition {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const where = position?.[1] === undefined ? '(root)' : lineAndColumn(text, Number(position[1]));
    throw new SurveyDefinitionError(file, where, `invalid JSON: ${message.replace(/\s*\(line \d+ column \d+\)/, '')}`);
  }
  const result = ZSurveyDefinition.safeParse(json);
  if (!result.success) {
    const issue = mostSpecificIssue(result.error.issues);
    fail(file, issue.path, issue.message);
  }
  return result.data;
}

function resolve(
  definition: TSurveyDefinition,
  file: string,
  all: ReadonlyMap<string, { definition: TSurveyDefinition; file: string }>,
): TSurvey {
  if (definition.extends === undefined) return definition;
  const base = all.get(definition.extends)?.definition;
  if (base === undefined) fail(file, ['extends'], `there is no survey "${definition.extends}" to extend`);
  return resolveVariant(definition, base, file);
}

/**
 * A variant resolved on its base: the base's core questions first, in their order, then the variant's own. The
 * variant may define no core question and redefine none of the base's; its conditions may point back into the core.
 * Throws a `SurveyDefinitionError` naming the field.
 */
export function resolveVariant(definition: TSurveyDefinition, base: TSurveyDefinition, file: string): TSurvey {
  if (base.extends !== undefined) {
    fail(file, ['extends'], `"${base.id}" is itself a variant; a variant must extend a survey without "extends"`);
  }
  definition.questions.forEach((question, index) => {
    if (question.core) {
      fail(file, ['questions', index, 'core'], 'only a base survey defines core questions; a variant adds its own');
    }
  });
  const core = base.questions.filter((q) => q.core);
  const issue = questionListIssues(definition.questions, core)[0];
  if (issue !== undefined) fail(file, issue.path, issue.message);
  return { ...definition, questions: [...core, ...definition.questions] };
}

function checkTexts(definition: TSurveyDefinition, file: string, i18n: TI18n): void {
  const require = (key: string, path: PropertyKey[]): void => {
    const missing = LANGUAGES.filter((language) => !i18n.hasText(language, SURVEY_NAMESPACE, key));
    if (missing.length > 0) {
      fail(file, path, `text "${SURVEY_NAMESPACE}:${key}" is missing in ${missing.join(', ')}`);
    }
  };
  definition.questions.forEach((question, index) => {
    // A question with its own text carries it, checked by the schema.
    if (question.textKey !== undefined) require(question.textKey, ['questions', index, 'textKey']);
    if (question.type === 'choice' && question.optionLabels === undefined) {
      question.options.forEach((option, o) => require(`options.${option}`, ['questions', index, 'options', o]));
    }
    const scale = scaleOf(question);
    if (scale !== undefined) {
      const { min, max } = NUMERIC_RANGES[SCALE_LABEL_SETS[scale]];
      // The end points at least: a resident must always see what 1 and 5 (or 0 and 10) mean.
      require(`scales.${scale}.${min}`, ['questions', index, 'scale']);
      require(`scales.${scale}.${max}`, ['questions', index, 'scale']);
    }
  });
}

function scaleOf(question: TQuestion): keyof typeof SCALE_LABEL_SETS | undefined {
  return 'scale' in question ? question.scale : undefined;
}

/**
 * A stable hash of a resolved definition: sha256 over JSON with object keys sorted, after defaults are
 * applied, so reformatting a file or spelling out a default changes nothing while any real change
 * (a question, a condition, an option) does. Texts are not included: rewording lives in `locales/`.
 */
export function surveyHash(survey: TSurvey): string {
  return createHash('sha256').update(canonicalJson(survey)).digest('hex');
}

/** JSON with object keys sorted at every level and no whitespace; `undefined` members are left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `['questions', 3, 'type']` → `questions[3].type`; the empty path is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

function fail(file: string, path: readonly PropertyKey[], reason: string): never {
  throw new SurveyDefinitionError(file, formatPath(path), reason);
}

type TZodIssue = z.core.$ZodIssue;

/**
 * The issue to report: the first one zod found, or inside a failed union (a condition is a leaf, an
 * `allOf` or an `anyOf`) the issue of the branch the author evidently meant — the one with the fewest
 * complaints, then the one that got deepest — instead of zod's bare "Invalid input" at the union.
 */
function mostSpecificIssue(issues: readonly TZodIssue[], prefix: readonly PropertyKey[] = []): TIssue {
  const first = issues[0];
  if (first === undefined) return { path: [...prefix], message: 'invalid' };
  const path = [...prefix, ...first.path];
  if (first.code !== 'invalid_union' || first.errors.length === 0) return { path, message: first.message };
  const branches = first.errors
    .filter((branch) => branch.length > 0)
    .map((branch) => ({ count: branch.length, issue: mostSpecificIssue(branch, path) }));
  if (branches.length === 0) return { path, message: first.message };
  const best = branches.reduce((a, b) =>
    b.count < a.count || (b.count === a.count && b.issue.path.length > a.issue.path.length) ? b : a,
  );
  return best.issue;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
