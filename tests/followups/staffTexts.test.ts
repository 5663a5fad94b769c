import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CALLBACK_METHODS } from '../../src/followups/callbacks';
import { CONTACT_CHANNELS, FOLLOW_UP_REASONS, FOLLOW_UP_STATUSES, TARGET_CHANNELS } from '../../src/followups/model';
import { createI18n, readLocaleFile } from '../../src/i18n/i18n';
import { LANGUAGES } from '../../src/i18n/languages';
import { NUMERIC_RANGES } from '../../src/surveys/schema';

const { min, max } = NUMERIC_RANGES.scale5;

const i18n = createI18n({ strict: true });
const html = readFileSync(new URL('../../public/staff/index.html', import.meta.url), 'utf8');
const script = readFileSync(new URL('../../public/staff/staff.ts', import.meta.url), 'utf8');

function keysOf(node: unknown, prefix = ''): string[] {
  if (node !== null && typeof node === 'object') return Object.entries(node).flatMap(([key, value]) => keysOf(value, prefix ? `${prefix}.${key}` : key));
  return [prefix];
}

/** Groups the script reads by a value from the API (`statuses.${status}`), each with the list it must cover. */
const DYNAMIC_GROUPS: Record<string, readonly string[]> = {
  statuses: FOLLOW_UP_STATUSES,
  reasons: FOLLOW_UP_REASONS,
  contactChannels: CONTACT_CHANNELS,
  languageNames: LANGUAGES,
  callbacks: CALLBACK_METHODS,
  // The chat channels the service runs; any other is shown as its id.
  chatChannels: TARGET_CHANNELS,
  satisfactionScale: Array.from({ length: max - min + 1 }, (_, index) => String(min + index)),
};

const keys = keysOf(readLocaleFile(i18n.localesDir, 'nl', 'staff'));
const named = new Set([
  ...[...html.matchAll(/data-i18n="([^"]+)"/g)].map((match) => match[1]!),
  ...[...html.matchAll(/\{\{t:([^}]+)\}\}/g)].map((match) => match[1]!),
  ...[...script.matchAll(/'([a-zA-Z]+\.[\w.-]+)'/g)].map((match) => match[1]!),
]);

describe('the staff page texts', () => {
  it('has every text the page and its script name, in every language', () => {
    for (const language of LANGUAGES) {
      for (const key of named) {
        if (!/^(page|signIn|form|result|recent|callbacks|errors|fields|languageNames|statuses|reasons|contactChannels)\./.test(key)) continue;
        expect(i18n.hasText(language, 'staff', key), `${language}: staff:${key}`).toBe(true);
      }
    }
  });

  it('has a text for every status, reason, contact channel, language and call-back method the API can send', () => {
    for (const language of LANGUAGES) {
      for (const [group, values] of Object.entries(DYNAMIC_GROUPS)) {
        for (const value of values) expect(i18n.hasText(language, 'staff', `${group}.${value}`), `${language}: ${group}.${value}`).toBe(true);
      }
    }
  });

  it('has no text that neither the page nor the script uses', () => {
    const unused = keys.filter((key) => {
      if (named.has(key)) return false;
      const [group, value] = key.split('.');
      return !(DYNAMIC_GROUPS[group!]?.includes(value!) ?? false);
    });
    expect(unused).toEqual([]);
  });
});
