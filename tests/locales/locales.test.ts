import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createI18n, listNamespaces, readLocaleFile } from '../../src/i18n/i18n';
import { LANGUAGES, type TLanguage } from '../../src/i18n/languages';
import { loadSurveys } from '../../src/surveys/loader';

const i18n = createI18n({ strict: true });
const namespaces = listNamespaces(i18n.localesDir);

/** Namespaces whose values are messages a resident reads; `recognizer` holds data, not messages. */
const RESIDENT_NAMESPACES = ['chat', 'survey'];
const MAX_WORDS_PER_MESSAGE = 25;
const MAX_WORDS_PER_SENTENCE = 15;

type TLeaf = { key: string; value: unknown };

/** Leaves of a locale file: strings, and arrays as one value (recogniser phrase lists). */
function leaves(node: unknown, prefix = ''): TLeaf[] {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    return Object.entries(node).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
  }
  return [{ key: prefix, value: node }];
}

function file(language: TLanguage, ns: string): TLeaf[] {
  return leaves(readLocaleFile(i18n.localesDir, language, ns));
}

function variables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();
}

function words(text: string): string[] {
  return text
    .replace(/\{\{[^}]+\}\}/g, 'X')
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?:][’'"”]?)\s+/).filter((s) => s.trim() !== '');
}

const residentTexts = (language: TLanguage): TLeaf[] =>
  RESIDENT_NAMESPACES.flatMap((ns) => file(language, ns).map((leaf) => ({ ...leaf, key: `${ns}:${leaf.key}` })));

describe('locale files', () => {
  it('exist for the resident-facing namespaces', () => {
    expect(namespaces).toEqual(expect.arrayContaining(['chat', 'recognizer', 'survey']));
  });

  describe.each(namespaces)('namespace %s', (ns) => {
    const reference = file('nl', ns);

    it.each(LANGUAGES)('has exactly the keys of nl in %s', (language) => {
      expect(file(language, ns).map((l) => l.key).sort()).toEqual(reference.map((l) => l.key).sort());
    });

    it.each(LANGUAGES)('has no empty text in %s', (language) => {
      const empty = file(language, ns).filter(
        (l) => (typeof l.value === 'string' && l.value.trim() === '') || (Array.isArray(l.value) && l.value.length === 0),
      );
      expect(empty.map((l) => l.key)).toEqual([]);
    });

    it.each(LANGUAGES.filter((l) => l !== 'nl'))('uses the same interpolation variables as nl in %s', (language) => {
      const own = new Map(file(language, ns).map((l) => [l.key, l.value]));
      for (const { key, value } of reference) {
        if (typeof value !== 'string') continue;
        const other = own.get(key);
        expect(typeof other === 'string' ? variables(other) : [], `${ns}:${key}`).toEqual(variables(value));
      }
    });
  });
});

describe('plain language (B1)', () => {
  describe.each(['nl', 'en'] as const)('in %s', (language) => {
    const texts = residentTexts(language).filter((l): l is { key: string; value: string } => typeof l.value === 'string');

    it(`keeps every message to ${MAX_WORDS_PER_MESSAGE} words`, () => {
      const long = texts.filter((t) => words(t.value).length > MAX_WORDS_PER_MESSAGE);
      expect(long.map((t) => `${t.key} (${words(t.value).length})`)).toEqual([]);
    });

    it(`keeps every sentence to ${MAX_WORDS_PER_SENTENCE} words`, () => {
      const long = texts.flatMap((t) =>
        sentences(t.value)
          .filter((s) => words(s).length > MAX_WORDS_PER_SENTENCE)
          .map((s) => `${t.key}: ${s}`),
      );
      expect(long).toEqual([]);
    });
  });

  describe.each(LANGUAGES)('in %s', (language) => {
    it('asks at most one question per message', () => {
      const texts = residentTexts(language).filter((l) => typeof l.value === 'string');
      const several = texts.filter((t) => (String(t.value).match(/\?/g) ?? []).length > 1);
      expect(several.map((t) => t.key)).toEqual([]);
    });

    it('asks exactly one question in every survey question', () => {
      const questions = file(language, 'survey').filter((l) => l.key.startsWith('questions.'));
      expect(questions.length).toBeGreaterThan(0);
      for (const q of questions) expect((String(q.value).match(/\?/g) ?? []).length, q.key).toBe(1);
    });
  });
});

describe('survey texts', () => {
  const surveys = [...loadSurveys(undefined, { i18n }).values()].map((s) => s.definition);
  const used = new Set<string>();
  for (const survey of surveys) {
    for (const question of survey.questions) {
      if (question.textKey) used.add(question.textKey);
      if (question.type === 'choice') for (const option of question.options) used.add(`options.${option}`);
      if ('scale' in question) used.add(`scales.${question.scale}`);
    }
  }

  it('has no question or option text that no survey uses', () => {
    const unused = file('nl', 'survey')
      .map((l) => l.key)
      .filter((key) => !key.startsWith('scales.') && !used.has(key));
    expect(unused).toEqual([]);
  });

  it('labels both ends of every scale in every language', () => {
    for (const language of LANGUAGES) {
      for (const [set, ends] of [
        ['agreement', [1, 5]],
        ['satisfaction', [1, 5]],
        ['effort', [1, 7]],
        ['likelihood', [0, 10]],
      ] as const) {
        for (const end of ends) expect(i18n.hasText(language, 'survey', `scales.${set}.${end}`), `${language} ${set} ${end}`).toBe(true);
      }
    }
  });

  it('writes Papiamentu in the phonological spelling (k, not c or qu)', () => {
    const pap = residentTexts('pap')
      .filter((l) => typeof l.value === 'string' && !l.key.startsWith('chat:language.names'))
      .map((l) => String(l.value).replace(/\{\{[^}]+\}\}/g, ''));
    const etymological = pap.flatMap((text) => text.match(/\b\p{L}*(?:c(?![h])|qu)\p{L}*\b/giu) ?? []);
    expect(etymological).toEqual([]);
  });
});

describe('the i18n instance', () => {
  it('takes its namespaces from the files on disk, including one that only some languages have', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'));
    try {
      for (const language of LANGUAGES) mkdirSync(join(dir, language));
      writeFileSync(join(dir, 'nl', 'chat.json'), '{"hi":"Hoi"}');
      writeFileSync(join(dir, 'en', 'chat.json'), '{"hi":"Hi"}');
      writeFileSync(join(dir, 'pap', 'staff.json'), '{"hi":"Bon dia"}');
      const own = createI18n({ localesDir: dir, strict: true });
      expect(own.namespaces).toEqual(['chat', 'staff']);
      expect(own.translatorFor('en', 'chat')('hi')).toBe('Hi');
      expect(() => own.translatorFor('pap', 'chat')('hi')).toThrow(/pap/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('translates per language without switching a global language', () => {
    const nl = i18n.translatorFor('nl', 'chat');
    const pap = i18n.translatorFor('pap', 'chat');
    expect(pap('buttons.yes')).toBe('Si');
    expect(nl('buttons.yes')).toBe('Ja');
    expect(pap('buttons.yes')).toBe('Si');
  });

  it('fills in interpolation variables', () => {
    expect(i18n.translatorFor('en', 'chat')('followUp.invitation', { service: 'passport' })).toContain('passport');
  });

  it('fails loudly on a missing key or a missing variable in strict mode, instead of falling back to Dutch', () => {
    expect(() => i18n.translatorFor('pap', 'chat')('no.such.key')).toThrow(/no\.such\.key/);
    expect(() => i18n.translatorFor('pap', 'chat')('followUp.invitation')).toThrow(/service/);
  });

  it('reports a missing key to the caller when not strict', () => {
    const missing: string[] = [];
    const loose = createI18n({ onMissingKey: (language, ns, key) => missing.push(`${language}/${ns}:${key}`) });
    expect(loose.translatorFor('en', 'chat')('no.such.key')).toBe('no.such.key');
    expect(missing).toEqual(['en/chat:no.such.key']);
  });
});
