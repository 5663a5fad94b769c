import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TLanguage } from '../../src/i18n/languages';
import { PLACEHOLDERS, scrubPersonalData } from '../../src/privacy/scrub';
import firstNames from '../../src/privacy/names/firstNames.json' with { type: 'json' };

interface TNameCase {
  language: TLanguage;
  text: string;
  expected: string;
}

const WITH_NAMES: readonly TNameCase[] = [
  // nl — introductions and closings
  { language: 'nl', text: 'Met vriendelijke groet, Jan Jansen', expected: 'Met vriendelijke groet, [NAME]' },
  { language: 'nl', text: 'ik ben Jan de Vries', expected: 'ik ben [NAME]' },
  { language: 'nl', text: 'Mijn naam is Maria van den Berg en ik woon hier al lang.', expected: 'Mijn naam is [NAME] en ik woon hier al lang.' },
  { language: 'nl', text: 'Ik heet Sanne, en de wachttijd was te lang.', expected: 'Ik heet [NAME], en de wachttijd was te lang.' },
  { language: 'nl', text: 'Groeten, Pieter', expected: 'Groeten, [NAME]' },
  { language: 'nl', text: 'mvg Kees Bakker', expected: 'mvg [NAME]' },
  { language: 'nl', text: 'Groetjes,\nEls', expected: 'Groetjes,\n[NAME]' },
  { language: 'nl', text: 'Naam: Hendrik ter Horst', expected: 'Naam: [NAME]' },
  { language: 'nl', text: 'Ik ben Willem-Alexander Jansen-de Jong.', expected: 'Ik ben [NAME].' },
  { language: 'nl', text: 'Ik ben Shurandy en ik kom uit Rincon.', expected: 'Ik ben [NAME] en ik kom uit Rincon.' },
  { language: 'nl', text: 'Groeten, van Dijk', expected: 'Groeten, [NAME]' },
  { language: 'nl', text: 'Hartelijke groeten van Jan', expected: 'Hartelijke groeten van [NAME]' },
  { language: 'nl', text: 'ik ben jan', expected: 'ik ben [NAME]' },
  // nl — titles
  { language: 'nl', text: 'Mevrouw Jansen aan de balie was heel vriendelijk.', expected: 'Mevrouw [NAME] aan de balie was heel vriendelijk.' },
  { language: 'nl', text: 'Ik werd geholpen door meneer de Boer.', expected: 'Ik werd geholpen door meneer [NAME].' },
  { language: 'nl', text: 'Dhr. J.P. van der Meer belde mij terug.', expected: 'Dhr. [NAME] belde mij terug.' },
  { language: 'nl', text: 'mw. Bakker heeft alles goed uitgelegd', expected: 'mw. [NAME] heeft alles goed uitgelegd' },
  { language: 'nl', text: 'Mevr. Visser was niet aardig.', expected: 'Mevr. [NAME] was niet aardig.' },
  { language: 'nl', text: "meneer 't Hart was erg behulpzaam", expected: 'meneer [NAME] was erg behulpzaam' },
  { language: 'nl', text: 'De heer Van Dijk heeft me teruggebeld.', expected: 'De heer [NAME] heeft me teruggebeld.' },
  // nl — first names anywhere
  { language: 'nl', text: 'Anna heeft mij super geholpen!', expected: '[NAME] heeft mij super geholpen!' },
  { language: 'nl', text: 'Ik sprak met Thijs en daarna met Femke Smit.', expected: 'Ik sprak met [NAME] en daarna met [NAME].' },
  { language: 'nl', text: 'Mijn dochter Lotte heeft het formulier ingevuld.', expected: 'Mijn dochter [NAME] heeft het formulier ingevuld.' },
  { language: 'nl', text: 'Het was fijn dat Roos het zo goed uitlegde.', expected: 'Het was fijn dat [NAME] het zo goed uitlegde.' },
  { language: 'nl', text: 'De medewerker, Mark, was erg geduldig.', expected: 'De medewerker, [NAME], was erg geduldig.' },
  { language: 'nl', text: "Jan's uitleg was duidelijk.", expected: "[NAME]'s uitleg was duidelijk." },
  { language: 'nl', text: 'Ben Jansen hielp mij.', expected: '[NAME] hielp mij.' },
  { language: 'nl', text: 'Bel José Álvarez maar, die weet het.', expected: 'Bel [NAME] maar, die weet het.' },

  // pap
  { language: 'pap', text: 'Mi nomber ta Shurandy Martis.', expected: 'Mi nomber ta [NAME].' },
  { language: 'pap', text: 'Mi ta Maria i mi ta hopi kontentu.', expected: 'Mi ta [NAME] i mi ta hopi kontentu.' },
  { language: 'pap', text: 'Mi yama Rignald Cicilia.', expected: 'Mi yama [NAME].' },
  { language: 'pap', text: 'Mi ta yama Ruthmilda Thode.', expected: 'Mi ta yama [NAME].' },
  { language: 'pap', text: 'mi nomber ta josé Dos Santos', expected: 'mi nomber ta [NAME]' },
  { language: 'pap', text: 'Mi ta Giovanni, mi ta biba Rincon.', expected: 'Mi ta [NAME], mi ta biba Rincon.' },
  { language: 'pap', text: 'Shon Martis a yuda mi hopi bon.', expected: 'Shon [NAME] a yuda mi hopi bon.' },
  { language: 'pap', text: 'Sra. Mercera tabata masha amabel.', expected: 'Sra. [NAME] tabata masha amabel.' },
  { language: 'pap', text: 'Sr. Juan del Prado a splika tur kos.', expected: 'Sr. [NAME] a splika tur kos.' },
  { language: 'pap', text: 'Mi a papia ku shon Anthony i e tabata bon.', expected: 'Mi a papia ku shon [NAME] i e tabata bon.' },
  { language: 'pap', text: 'E empleado, Gregory, a yuda mi lihé.', expected: 'E empleado, [NAME], a yuda mi lihé.' },
  { language: 'pap', text: 'Danki na Jacinta pa su pasenshi.', expected: 'Danki na [NAME] pa su pasenshi.' },
  { language: 'pap', text: 'Yudelka di loket a yuda mi.', expected: '[NAME] di loket a yuda mi.' },
  { language: 'pap', text: 'Saludos, Edsel Winklaar', expected: 'Saludos, [NAME]' },
  { language: 'pap', text: 'Nomber: Milagros Anthony', expected: 'Nomber: [NAME]' },

  // en
  { language: 'en', text: 'My name is John Smith and I waited two hours.', expected: 'My name is [NAME] and I waited two hours.' },
  { language: 'en', text: "I'm Sarah, and the staff were great.", expected: "I'm [NAME], and the staff were great." },
  { language: 'en', text: 'I’m Sarah Hodge.', expected: 'I’m [NAME].' },
  { language: 'en', text: 'I am Kenrick Hassell from Saba.', expected: 'I am [NAME] from Saba.' },
  { language: 'en', text: 'I am June Richardson.', expected: 'I am [NAME].' },
  { language: 'en', text: 'My name is April.', expected: 'My name is [NAME].' },
  { language: 'en', text: 'Kind regards, Mary Johnson', expected: 'Kind regards, [NAME]' },
  { language: 'en', text: 'Best regards,\nDavid', expected: 'Best regards,\n[NAME]' },
  { language: 'en', text: 'Sincerely, J. Hodge', expected: 'Sincerely, [NAME]' },
  { language: 'en', text: 'Cheers, Mike', expected: 'Cheers, [NAME]' },
  { language: 'en', text: 'Thanks, Rignaldo', expected: 'Thanks, [NAME]' },
  { language: 'en', text: 'Mr. Johnson at the front desk was very helpful.', expected: 'Mr. [NAME] at the front desk was very helpful.' },
  { language: 'en', text: 'Mrs Peterson explained everything.', expected: 'Mrs [NAME] explained everything.' },
  { language: 'en', text: 'Ms. Hassell called me back the next day.', expected: 'Ms. [NAME] called me back the next day.' },
  { language: 'en', text: 'Miss Zagers was friendly.', expected: 'Miss [NAME] was friendly.' },
  { language: 'en', text: 'Dr. Brown at the clinic was kind.', expected: 'Dr. [NAME] at the clinic was kind.' },
  { language: 'en', text: 'I spoke to Will at the counter.', expected: 'I spoke to [NAME] at the counter.' },
  { language: 'en', text: 'Will Johnson helped me a lot.', expected: '[NAME] helped me a lot.' },
  { language: 'en', text: 'Grace Peterson and Ruby were very patient.', expected: '[NAME] and [NAME] were very patient.' },
  { language: 'en', text: 'Thank you to Rosemary, who answered all my questions.', expected: 'Thank you to [NAME], who answered all my questions.' },
  { language: 'en', text: 'JOHN SMITH IS MY NAME', expected: '[NAME] IS MY NAME' },
];

const WITHOUT_NAMES: readonly { language: TLanguage; text: string }[] = [
  // nl
  { language: 'nl', text: 'ik ben best tevreden' },
  { language: 'nl', text: 'ik ben 3 keer gebeld' },
  { language: 'nl', text: 'Het was Prima' },
  { language: 'nl', text: 'Goed geholpen door de Gemeente' },
  { language: 'nl', text: 'Ik ben Blij met de hulp van het Meethuis.' },
  { language: 'nl', text: 'Ik Ben erg tevreden.' },
  { language: 'nl', text: 'Ben erg tevreden over de afspraak in Kralendijk.' },
  { language: 'nl', text: 'Dan moet ik zeker terugkomen.' },
  { language: 'nl', text: 'In Mei en Juni was het loket in Rincon dicht.' },
  { language: 'nl', text: 'Ik spreek Nederlands, Frans en Papiamentu.' },
  { language: 'nl', text: 'Op maandag 15 Jan. 2026 was het druk.' },
  { language: 'nl', text: 'Het gesprek via Teams ging goed.' },
  { language: 'nl', text: 'Groeten uit Bonaire!' },
  { language: 'nl', text: 'Ik ben van de Gemeente naar het loket gegaan.' },
  { language: 'nl', text: 'De meneer van de balie was vriendelijk.' },
  { language: 'nl', text: 'Mijn naam is niet belangrijk.' },
  { language: 'nl', text: 'Ik woon aan de Anne Frankstraat.' },
  // pap
  { language: 'pap', text: 'mi ta hopi kontentu' },
  { language: 'pap', text: 'bastante bon' },
  { language: 'pap', text: 'e empleado a yuda mi hopi bon' },
  { language: 'pap', text: 'Mi ta biba na Kralendijk.' },
  { language: 'pap', text: 'Ora mi ta Aruba mi ta yama.' },
  { language: 'pap', text: 'Mi ta Kontentu ku e servisio.' },
  { language: 'pap', text: 'Mi a bai Sint Maarten pa un siman.' },
  { language: 'pap', text: 'Mi yama e ofisina tres biaha.' },
  { language: 'pap', text: 'E shon di kas no tabata aki.' },
  { language: 'pap', text: 'Mira, e fila tabata largu.' },
  { language: 'pap', text: 'Djaluna mi a bin na Kaya Simon Bolivar.' },
  // en
  { language: 'en', text: 'I am very satisfied' },
  { language: 'en', text: "I'm not sure" },
  { language: 'en', text: 'I am Happy with the service.' },
  { language: 'en', text: 'Will you call me back?' },
  { language: 'en', text: 'I miss the old office in Kralendijk.' },
  { language: 'en', text: 'In May and June the office was closed.' },
  { language: 'en', text: 'My sister in Sint Maarten speaks English.' },
  { language: 'en', text: 'I live on Rosemary Lane.' },
  { language: 'en', text: 'Hope you can fix it soon.' },
  { language: 'en', text: 'Mark my words, this will improve.' },
  { language: 'en', text: 'Grace period was too short.' },
  { language: 'en', text: 'I am Dutch and live on Saba.' },
  { language: 'en', text: 'The Bottom is where I live.' },
  { language: 'en', text: 'I called on Monday and again on Friday.' },
  { language: 'en', text: 'thanks, will do' },
];

describe('scrubPersonalData on names', () => {
  it.each(WITH_NAMES)('replaces the name in "$text" ($language)', ({ text, expected }) => {
    expect(scrubPersonalData(text)).toEqual({ text: expected, found: ['name'] });
  });

  it.each(WITHOUT_NAMES)('leaves "$text" ($language) untouched', ({ text }) => {
    expect(scrubPersonalData(text)).toEqual({ text, found: [] });
  });
});

describe('scrubPersonalData on names, run again on its own output', () => {
  it.each([...WITH_NAMES, ...WITHOUT_NAMES])('changes nothing more in "$text"', ({ text }) => {
    const once = scrubPersonalData(text).text;
    expect(scrubPersonalData(once)).toEqual({ text: once, found: [] });
  });

  // Found by the property test below: "Lane" made "Dan Mevrouw" a street, then became the name after "Mevrouw";
  // without it the second pass took "Dan Mevrouw" for a name.
  it('treats a street word that follows a title the same on its own output', () => {
    const once = scrubPersonalData('Dan Mevrouw Lane').text;
    expect(scrubPersonalData(once)).toEqual({ text: once, found: [] });
  });

  it('is idempotent and consistent on text built from pieces of names, frames and titles', () => {
    const piece = fc.constantFrom(
      ' ', ' ', '  ', ', ', '. ', '.', ':', '\n', '-', "'", '’s', "'t", '_', '12', '2026', '[NAME]', '[PHONE]', '06 12345678',
      'ik', 'ben', 'Ik', 'Ben', 'mi', 'ta', 'yama', 'I', 'am', "I'm", 'mijn', 'naam', 'is', 'My', 'name', 'groeten', 'mvg',
      'thanks', 'regards', 'Beste', 'Mevrouw', 'dhr', 'Miss', 'miss', 'shon', 'Fam', 'Jan', 'jan', 'JAN', 'Will', 'May',
      'Frans', 'Maria', 'Shurandy', 'de', 'van', 'der', 'De', 'Vries', 'Jansen', 'Jong', 'J', 'P', 'Lane', 'Sint', 'Maarten',
      'Kaya', 'Bonaire', 'Gemeente', 'Frankstraat', 'Jansen-de', 'Rosemary', 'kontentu', 'hopi', 'Dan', 'King', 'Aa', 'Bb',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const first = scrubPersonalData(text);
        expect(scrubPersonalData(first.text).text).toBe(first.text);
        expect(first.found.length === 0).toBe(first.text === text);
        for (const kind of first.found) expect(first.text).toContain(PLACEHOLDERS[kind]);
      }),
      { numRuns: 2000 },
    );
  });

  it('never takes a placeholder for a name, even after a frame or a title', () => {
    const placeholders = Object.values(PLACEHOLDERS).join(' ');
    for (const text of [placeholders, `Mijn naam is ${placeholders}`, `Mevrouw ${placeholders}`, `ik ben [NAME] [NAME]`]) {
      expect(scrubPersonalData(text)).toEqual({ text, found: [] });
    }
  });
});

describe('scrubPersonalData on hostile names', () => {
  // Each case is 100,000 characters or more, shaped to keep a word-by-word reader looking ahead. The assertions are
  // about the result; the suite's timeout is what would catch quadratic work.
  const LISTED = new Set(
    [...firstNames.dutch, ...firstNames.caribbean, ...firstNames.english].map((name) => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()),
  );
  const listedNamesIn = (text: string): string[] =>
    (text.match(/\p{Lu}[\p{L}\p{M}]*/gu) ?? []).filter((word) => LISTED.has(word.toLowerCase()));

  it.each([
    { name: 'a first name repeated', text: 'Jan '.repeat(25_000) },
    { name: 'a first name that is also a word, repeated', text: 'Will '.repeat(20_000) },
    { name: 'first names with particles in between', text: 'Maria van der '.repeat(7_200) },
    { name: 'double first names joined by hyphens', text: `${'Anna-'.repeat(20_000)}Maria` },
    { name: 'titles, initials and double surnames', text: 'Groeten, Dhr. J.P. van der Meer-de Jong; ik ben Will. '.repeat(2_000) },
  ])('removes every capitalised first name of the lists from $name', ({ text }) => {
    expect(text.length).toBeGreaterThanOrEqual(100_000);
    const result = scrubPersonalData(text);
    expect(result.found).toEqual(['name']);
    expect(listedNamesIn(result.text)).toEqual([]);
  });

  it.each([
    { name: 'frames with nothing after them', text: 'mijn naam is '.repeat(8_000) },
    { name: 'initials with no surname', text: 'J. '.repeat(33_400) },
    { name: 'surname particles alone', text: "van 't ".repeat(15_000) },
    { name: 'one long capitalised word', text: `A${'a'.repeat(99_999)}` },
    { name: 'capitalised words after "ik ben" that are no names', text: 'ik ben Blij '.repeat(9_100) },
  ])('leaves $name untouched', ({ text }) => {
    expect(text.length).toBeGreaterThanOrEqual(100_000);
    expect(scrubPersonalData(text)).toEqual({ text, found: [] });
  });
});
