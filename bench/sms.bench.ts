import { readOrganisationSeed } from '../src/db/seed';
import { createI18n } from '../src/i18n/i18n';
import { LANGUAGES } from '../src/i18n/languages';
import { invitationSms, smsSizeOf } from '../src/followups/invitationSms';
import type { TBenchmark } from './registry';

/**
 * What an invitation by text message costs: the longest text (of invitation and reminder, over the seeded
 * organisations) per language in characters, encoding and parts, with a link of 68–69 characters (the short token and the language) — and, for Papiamentu,
 * what keeping the accents of the organisation's name would cost (UCS-2). No database.
 */
const benchmark: TBenchmark = {
  name: 'sms',
  async run(context) {
    const i18n = createI18n();
    const organisations = readOrganisationSeed();
    for (const language of LANGUAGES) {
      const link = `https://enkuesta.bonairegov.com/?link=${'A'.repeat(22)}&lang=${language}`;
      const sizes = organisations.flatMap((organisation) =>
        (['invitation', 'reminder'] as const).map((kind) => smsSizeOf(invitationSms(i18n, { kind, language, organisation: organisation.names[language], link }))),
      );
      const longest = sizes.reduce((a, b) => (b.characters > a.characters ? b : a));
      const asWritten = organisations.map((organisation) => smsSizeOf(i18n.translatorFor(language, 'sms')('invitation', { organisation: organisation.names[language], link })));
      context.report({
        name: 'sms',
        language,
        linkCharacters: link.length,
        maxCharacters: longest.characters,
        encoding: longest.encoding,
        maxParts: Math.max(...sizes.map((size) => size.parts)),
        partsWithAccentsKept: Math.max(...asWritten.map((size) => size.parts)),
      });
    }
  },
};

export default benchmark;
