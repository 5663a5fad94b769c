import { describe, expect, it } from 'vitest';
import { readOrganisationSeed } from '../../src/db/seed';
import { createI18n } from '../../src/i18n/i18n';
import { LANGUAGES } from '../../src/i18n/languages';
import { inGsm7Letters, invitationSms, MAX_SMS_PARTS, smsSizeOf } from '../../src/followups/invitationSms';

/** What a resident's phone receives, and what each text costs: parts of 153 GSM-7 characters. */
describe('the invitation texts by SMS', () => {
  const i18n = createI18n();
  const link = `https://enkuesta.bonairegov.com/?link=${'A'.repeat(22)}&lang=pap`;

  it('take two GSM-7 parts in every language, for every seeded organisation', () => {
    for (const language of LANGUAGES) {
      for (const kind of ['invitation', 'reminder'] as const) {
        for (const organisation of readOrganisationSeed()) {
          const text = invitationSms(i18n, { kind, language, organisation: organisation.names[language], link });
          expect(text).toContain(link);
          expect(smsSizeOf(text), `${language} ${kind} ${organisation.slug}`).toMatchObject({ encoding: 'GSM-7', parts: 2 });
        }
      }
    }
  });

  it('name the organisation without a letter GSM-7 lacks, and keep the ones it has', () => {
    expect(inGsm7Letters('Entidat Públiko Boneiru')).toBe('Entidat Publiko Boneiru');
    expect(inGsm7Letters('Kòrsou, Münster, Rincón')).toBe('Kòrsou, Münster, Rincon');
    const text = invitationSms(i18n, { kind: 'invitation', language: 'pap', organisation: 'Entidat Públiko Boneiru', link });
    expect(text.startsWith('Entidat Publiko Boneiru:')).toBe(true);
  });

  it('stay within the parts the gateway is allowed to send, even for the longest name an organisation may have', () => {
    for (const language of LANGUAGES) {
      const text = invitationSms(i18n, { kind: 'reminder', language, organisation: 'Gemeente '.repeat(14).slice(0, 120), link });
      expect(smsSizeOf(text).parts).toBeLessThanOrEqual(MAX_SMS_PARTS);
    }
  });
});
