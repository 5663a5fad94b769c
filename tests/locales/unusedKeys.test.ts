import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { readLocaleFile, DEFAULT_LOCALES_DIR } from '../../src/i18n/i18n';
import { loadSurveys } from '../../src/surveys/loader';
import { SCALE_LABEL_SETS } from '../../src/surveys/schema';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Dotted keys of a locale file's texts. (nl stands for all: the locale tests hold the others to its keys.) */
function keysOf(node: unknown, prefix = ''): string[] {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    return Object.entries(node).flatMap(([k, v]) => keysOf(v, prefix === '' ? k : `${prefix}.${k}`));
  }
  return [prefix];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every string literal in the sources without interpolation — the only way code names a text key here —
 * read with the TypeScript parser, so comments and template literals cannot confuse the count.
 */
function literalsIn(sources: readonly string[]): Set<string> {
  const literals = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.add(node.text);
    ts.forEachChild(node, visit);
  };
  sources.forEach((source, index) => visit(ts.createSourceFile(`source-${index}.ts`, source, ts.ScriptTarget.Latest)));
  return literals;
}

/** The keys of a namespace that no literal names, bare or namespaced (`chat:buttons.yes`). */
export function unreferenced(ns: string, keys: readonly string[], literals: ReadonlySet<string>): string[] {
  return keys.filter((key) => !literals.has(key) && !literals.has(`${ns}:${key}`));
}

describe('unused texts', () => {
  const literals = literalsIn(sourceFiles(SRC).map((file) => readFileSync(file, 'utf8')));

  it('finds a key named in code and reports one that is not', () => {
    const found = literalsIn([`// the resident's own words\nsay('welcome.generic'); label("chat:buttons.yes"); const t = \`reprompt.\${kind}\`;`]);
    expect(unreferenced('chat', ['welcome.generic', 'buttons.yes', 'reprompt.scale'], found)).toEqual(['reprompt.scale']);
  });

  it('has no chat text that the code never uses', () => {
    const keys = keysOf(readLocaleFile(DEFAULT_LOCALES_DIR, 'nl', 'chat'));
    expect(keys.length).toBeGreaterThan(40);
    expect(unreferenced('chat', keys, literals)).toEqual([]);
  });

  it('has no survey text that neither a survey definition nor the code uses', () => {
    const used = new Set<string>();
    for (const { definition } of loadSurveys().values()) {
      for (const question of definition.questions) {
        if (question.textKey) used.add(question.textKey);
        if (question.type === 'choice') for (const option of question.options) used.add(`options.${option}`);
      }
    }
    // Scale labels are rendered by label set (answerButtons: `survey:scales.<set>.<point>`), for every set the schema knows.
    const scaleSets = new Set(Object.keys(SCALE_LABEL_SETS));
    const keys = keysOf(readLocaleFile(DEFAULT_LOCALES_DIR, 'nl', 'survey'));
    const unused = keys.filter((key) => {
      const [group, set] = key.split('.');
      if (group === 'scales') return !scaleSets.has(set ?? '');
      return !used.has(key) && !literals.has(key) && !literals.has(`survey:${key}`);
    });
    expect(unused).toEqual([]);
  });
});
