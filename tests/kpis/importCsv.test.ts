import { describe, expect, it } from 'vitest';
import { dayIn } from '../../src/kernel/calendar';
import { ImportLineError, parseHeader, parseLine, type TImportContext } from '../../src/scoring/importCsv';
import { ZSurvey } from '../../src/surveys/schema';

const survey = ZSurvey.parse({
  id: 'bonaire',
  version: 2,
  organisation: 'bonaire',
  questions: [
    { key: 'satisfaction', type: 'scale5', measures: 'satisfaction', core: true, textKey: 'questions.satisfaction', scale: 'satisfaction' },
    { key: 'effort', type: 'effort7', measures: 'effort', core: true, textKey: 'questions.effort' },
    { key: 'ease', type: 'scale5', measures: 'ease', core: true, textKey: 'questions.ease', allowDontKnow: true },
    { key: 'contactChannel', type: 'choice', textKey: 'questions.contactChannel', options: ['counter', 'phone'] },
    { key: 'ownLanguage', type: 'yesno', textKey: 'questions.ownLanguage' },
    { key: 'improvement', type: 'text', textKey: 'questions.improvement' },
  ],
});
const context: TImportContext = {
  surveyId: 'bonaire',
  defaultOrganisation: 'bonaire',
  versions: new Map([[2, { id: 'version-2', survey }]]),
  latest: 2,
  organisations: new Map([
    ['bonaire', { id: 'org-bonaire', timeZone: 'America/Kralendijk', services: new Map([['paspoort', 'service-paspoort']]) }],
    ['demo', { id: 'org-demo', timeZone: 'Europe/Amsterdam', services: new Map() }],
  ]),
};
const HEADER = ['date', 'service', 'island', 'language', 'satisfaction', 'effort', 'ease', 'question.contactChannel', 'ownLanguage', 'improvement'];
const header = parseHeader({ line: 1, fields: HEADER }, context);
const line = (fields: string[], number = 2) => parseLine({ line: number, fields }, header, context);
const refusal = (fields: string[]) => {
  try {
    line(fields);
  } catch (error) {
    if (error instanceof ImportLineError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('import lines', () => {
  it('turns a line into a response with every answer type the survey has', () => {
    const parsed = line(['2025-11-03', 'paspoort', 'Bonaire', 'pap', '4', '6', 'dk', 'phone', 'ja', 'Mas lihé, por fabor']);
    expect(parsed.response).toMatchObject({ organisationId: 'org-bonaire', serviceId: 'service-paspoort', location: 'Bonaire', language: 'pap', chatChannel: 'import', source: 'import' });
    expect(parsed.status).toBe('completed');
    // A date is noon on that day in the organisation's own zone.
    expect(dayIn(parsed.startedAt, 'America/Kralendijk')).toBe('2025-11-03');
    expect(parsed.answers).toEqual([
      { questionKey: 'satisfaction', measure: 'satisfaction', value: 4 },
      { questionKey: 'effort', measure: 'effort', value: 6 },
      { questionKey: 'ease', measure: 'ease', dontKnow: true },
      { questionKey: 'contactChannel', measure: null, text: 'phone' },
      { questionKey: 'ownLanguage', measure: null, text: 'yes' },
      { questionKey: 'improvement', measure: null, text: 'Mas lihé, por fabor', open: true },
    ]);
  });

  it('leaves empty cells unanswered and takes skip as skipped', () => {
    const parsed = line(['2025-11-03T23:30:00-04:00', '', '', '', 'skip', '', '', '', '', '']);
    expect(parsed.answers).toEqual([{ questionKey: 'satisfaction', measure: 'satisfaction', skipped: true }]);
    expect(parsed.startedAt.toISOString()).toBe('2025-11-04T03:30:00.000Z');
    expect(parsed.response.language).toBe('nl');
  });

  it.each([
    [['2025-11-03', '', '', '', '6', '', '', '', '', ''], 'line 2: column satisfaction: "6" must be a whole number from 1 to 5, dk or skip'],
    [['2025-11-03', '', '', '', '', 'dk', '', '', '', ''], 'line 2: column effort: "dk": this question offers no "don\'t know"'],
    [['2025-11-03', '', '', '', '', '', '', 'fax', '', ''], 'line 2: column question.contactChannel: "fax" must be one of counter, phone'],
    [['2025-11-03', '', '', '', '', '', '', '', 'maybe', ''], 'line 2: column ownLanguage: "maybe" must be yes or no'],
    [['2025-11-03', 'zwembad', '', '', '', '', '', '', '', ''], 'line 2: column service: "zwembad" is not a service of bonaire'],
    [['2025-11-03', '', '', 'de', '', '', '', '', '', ''], 'line 2: column language: "de" must be nl, pap or en'],
    [['3 nov', '', '', '', '', '', '', '', '', ''], 'line 2: column date: "3 nov" must be a date like 2025-10-31 or an instant like 2025-10-31T14:05:00+01:00'],
    [['2025-02-30', '', '', '', '', '', '', '', '', ''], 'line 2: column date: "2025-02-30" must be a date like 2025-10-31 or an instant like 2025-10-31T14:05:00+01:00'],
    [['2025-11-03', '', '', ''], 'line 2: has 4 fields where the header has 10'],
  ])('refuses %j', (fields, message) => {
    expect(refusal(fields)).toBe(message);
  });

  it('refuses a header with an unknown or doubled column, or without a date', () => {
    expect(() => parseHeader({ line: 1, fields: ['date', 'colour'] }, context)).toThrow(/column colour: is neither/);
    expect(() => parseHeader({ line: 1, fields: ['date', 'ease', 'question.ease'] }, context)).toThrow(/column question.ease: appears twice/);
    expect(() => parseHeader({ line: 1, fields: ['ease'] }, context)).toThrow(/needs a date column/);
    expect(() => parseHeader({ line: 1, fields: ['date', 'island', 'location'] }, context)).toThrow(/island is another name/);
  });
});
