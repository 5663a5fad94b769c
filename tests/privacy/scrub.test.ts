import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/i18n/languages';
import { isValidBsn, isValidIban, PERSONAL_DATA_KINDS, PLACEHOLDERS, scrubPersonalData } from '../../src/privacy/scrub';
import { NEAR_MISSES, PERSONAL_DATA } from './corpus';

describe('scrubPersonalData on the corpus', () => {
  it.each(PERSONAL_DATA)('replaces $found in "$text" ($language)', ({ text, expected, found }) => {
    expect(scrubPersonalData(text)).toEqual({ text: expected, found });
  });

  it.each(NEAR_MISSES)('leaves "$text" ($language) untouched although it looks like $lookalike', ({ text }) => {
    expect(scrubPersonalData(text)).toEqual({ text, found: [] });
  });

  it('has personal data and near misses in every language, and every kind in Dutch', () => {
    for (const language of LANGUAGES) {
      expect(PERSONAL_DATA.some((entry) => entry.language === language)).toBe(true);
      expect(NEAR_MISSES.some((entry) => entry.language === language)).toBe(true);
    }
    const dutchKinds = new Set(PERSONAL_DATA.filter((entry) => entry.language === 'nl').flatMap((entry) => entry.found));
    expect([...dutchKinds].sort()).toEqual([...PERSONAL_DATA_KINDS].sort());
  });
});

describe('scrubPersonalData', () => {
  it('uses the same placeholder whatever the language of the text', () => {
    const outputs = [
      'Mijn nummer is 06-12345678.',
      'Mi number ta 06-12345678.',
      'My number is 06-12345678.',
    ].map((text) => scrubPersonalData(text).text);
    for (const output of outputs) expect(output).toContain(PLACEHOLDERS.phone);
  });

  it('reports each kind once, in the fixed order of PERSONAL_DATA_KINDS, however often it occurs', () => {
    const result = scrubPersonalData('a@example.nl 0612345678 b@example.nl 1234 AB 12 0201234567 123456782');
    expect(result.found).toEqual(['bsn', 'phone', 'email', 'address']);
    expect(result.text).toBe('[EMAIL] [PHONE] [EMAIL] [ADDRESS] [PHONE] [BSN]');
  });

  it('returns empty text unchanged', () => {
    expect(scrubPersonalData('')).toEqual({ text: '', found: [] });
  });

  it('keeps the digits of an e-mail address or IBAN from being read as a phone number or BSN', () => {
    expect(scrubPersonalData('jan0612345678@example.nl').found).toEqual(['email']);
    expect(scrubPersonalData('NL02ABNA0123456789').found).toEqual(['iban']);
  });

  it('finds a BSN that follows another number in the same run of digits', () => {
    expect(scrubPersonalData('dossier 2026 123456782').text).toBe('dossier 2026 [BSN]');
  });

  it('does not read a date and hour joined by one separator as a Dutch phone number', () => {
    expect(scrubPersonalData('stempel 06-03-2026-10 op de envelop').found).toEqual([]);
    expect(scrubPersonalData('bel 06-12-34-56-78').found).toEqual(['phone']);
  });

  it('does not take a number that is glued to letters for a BSN', () => {
    expect(scrubPersonalData('pasnummer A123456782 en 123456782x').found).toEqual([]);
  });

  it('scrubs a 9-digit number that passes the elfproef even without a keyword, because it cannot tell it is no BSN', () => {
    expect(scrubPersonalData('zaak 100000009').text).toBe('zaak [BSN]');
  });

  it('takes 8 digits for a BSN only after a BSN keyword', () => {
    expect(scrubPersonalData('BSN 12345672').text).toBe('BSN [BSN]');
    expect(scrubPersonalData('klantnummer 12345672').text).toBe('klantnummer 12345672');
  });

  it('scrubs a postcode with lower-case letters after a space only when a street comes before it', () => {
    expect(scrubPersonalData('kerkstraat 12, 1234 ab').text).toBe('[ADDRESS]');
    expect(scrubPersonalData('tussen 1234 ab en 5678 cd').found).toEqual([]);
  });

  it('never treats postcode letters that PostNL does not issue as a postcode', () => {
    expect(scrubPersonalData('1234 SS').found).toEqual([]);
  });

  it('changes nothing when run again on its own output', () => {
    for (const { text } of PERSONAL_DATA) {
      const once = scrubPersonalData(text).text;
      expect(scrubPersonalData(once)).toEqual({ text: once, found: [] });
    }
  });

  // Found by the property test below: a match glued to its neighbour on one side left that neighbour standing free
  // for a second pass (a postcode or street joined to a number, a BSN keyword glued to digits, a "+" number).
  it.each([
    '123456782(0)2026at',
    '123456782-2026ab',
    '123456782.2026AB',
    '0612345678(0) 1234AB',
    '7171643+33312345678',
    'Kaya Kaya1234 123456782',
    'Kerkstraat 2026AB123456782ABRosemary',
    'Kaya BSN00(0)123456782',
    '.@at.BSN123456782',
    'BSN123456782BSN123456782',
  ])('treats "%s" the same on its own output', (text) => {
    const once = scrubPersonalData(text).text;
    expect(scrubPersonalData(once)).toEqual({ text: once, found: [] });
  });

  it('reads a trunk "(0)" only after a country code, so a BSN before one is still found', () => {
    expect(scrubPersonalData('123456782(0)2026at')).toEqual({ text: '[BSN](0)[ADDRESS]', found: ['bsn', 'address'] });
    expect(scrubPersonalData('bel +31 (0)6 12345678')).toEqual({ text: 'bel [PHONE]', found: ['phone'] });
  });

  it('is idempotent and consistent on text built from pieces of personal data', () => {
    const piece = fc.constantFrom(
      ' ', ' ', ', ', '-', '.', '/', '+', '(', ')', '@', '#', '06', '12345678', '123456782', '111', '222', '333',
      '599', '717', '1234', 'AB', 'ab', 'NL91', 'ABNA', '0417', '1643', '00', 'jan', 'example', 'nl', 'Kaya',
      'Grandi', 'Kerkstraat', 'Lane', 'Rosemary', 'BSN', '2026', '12', '€', 'keer', 'biaha', '(0)', 'at',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        const first = scrubPersonalData(text);
        expect(scrubPersonalData(first.text).text).toBe(first.text);
        expect(first.found.length === 0).toBe(first.text === text);
        for (const kind of first.found) expect(first.text).toContain(PLACEHOLDERS[kind]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('scrubPersonalData on hostile input', () => {
  // Each case is 1,000 characters shaped to make a backtracking regex explode. The assertions are about the
  // result; the suite's timeout is what would catch a regex that takes forever.
  const cases: { name: string; text: string; expected: string }[] = [
    { name: 'digits and spaces', text: '1 '.repeat(500), expected: '1 '.repeat(500) },
    { name: 'one long number', text: '0'.repeat(1000), expected: '0'.repeat(1000) },
    { name: 'date-like dashed pairs', text: `${'06-'.repeat(333)}0`, expected: `${'06-'.repeat(333)}0` },
    { name: 'dotted digits', text: '1.'.repeat(500), expected: '1.'.repeat(500) },
    { name: 'e-mail local parts without a domain', text: 'a@'.repeat(500), expected: 'a@'.repeat(500) },
    { name: 'a long local part', text: `${'a.'.repeat(500)}@`, expected: `${'a.'.repeat(500)}@` },
    { name: 'IBAN prefixes', text: 'NL91 '.repeat(200), expected: 'NL91 '.repeat(200) },
    { name: 'IBAN groups without a valid check', text: `NL00${' ABCD'.repeat(200)}`, expected: `NL00${' ABCD'.repeat(200)}` },
    { name: 'street words without a number', text: 'Kaya '.repeat(200), expected: 'Kaya '.repeat(200) },
    { name: 'capitalised words before a street type', text: 'Aa '.repeat(333) + 'L', expected: 'Aa '.repeat(333) + 'L' },
    { name: 'a long word ending like a street', text: `${'a'.repeat(994)}straat`, expected: `${'a'.repeat(994)}straat` },
    { name: 'phone numbers in a row', text: '06 12345678 '.repeat(90) + '0'.repeat(10), expected: '[PHONE] '.repeat(90) + '0'.repeat(10) },
    { name: 'postcodes in a row', text: '1234 AB '.repeat(125), expected: '[ADDRESS] '.repeat(125) },
  ];

  it.each(cases)('handles $name correctly', ({ text, expected }) => {
    expect(text.length).toBeGreaterThanOrEqual(1000);
    expect(scrubPersonalData(text).text).toBe(expected);
  });
});

describe('isValidBsn', () => {
  it.each(['123456782', '111222333', '246813581', '012345672'])('accepts %s, which passes the elfproef', (digits) => {
    expect(isValidBsn(digits)).toBe(true);
  });

  it.each(['123456789', '271828182', '000000000', '12345678', '1234567820', '12345678a'])(
    'rejects %s',
    (digits) => {
      expect(isValidBsn(digits)).toBe(false);
    },
  );
});

describe('isValidIban', () => {
  it.each(['NL91ABNA0417164300', 'NL91 ABNA 0417 1643 00', 'nl91 abna 0417 1643 00', 'GB29NWBK60161331926819', 'FR1420041010050500013M02606'])(
    'accepts %s',
    (iban) => {
      expect(isValidIban(iban)).toBe(true);
    },
  );

  it.each(['NL91ABNA0417164301', 'NL19ABNA0417164300', 'AB12CDEF1234567890', 'NL91ABNA04', `NL91${'0'.repeat(40)}`])(
    'rejects %s',
    (iban) => {
      expect(isValidIban(iban)).toBe(false);
    },
  );
});
