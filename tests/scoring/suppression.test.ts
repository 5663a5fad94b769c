import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suppressSmallGroups } from '../../src/scoring/suppression';

interface TTestGroup {
  key: Record<string, string>;
  n: number;
  csat?: number;
}

const group = (key: Record<string, string>, n: number): TTestGroup => ({ key, n, csat: 70 });

/** The keys of the suppressed groups, as "value/value" strings, for compact expectations. */
function hiddenKeys(result: ReadonlyArray<{ key: Readonly<Record<string, string>>; suppressed: boolean }>): string[] {
  return result.filter((entry) => entry.suppressed).map((entry) => Object.values(entry.key).join('/'));
}

describe('suppressSmallGroups along one dimension', () => {
  it('hides a small group and, as its complement, the smallest group shown', () => {
    const result = suppressSmallGroups(
      [
        group({ service: 'paspoort' }, 50),
        group({ service: 'rijbewijs' }, 5),
        group({ service: 'afval' }, 20),
        group({ service: 'verhuizing' }, 30),
      ],
      ['service'],
      10,
    );
    expect(hiddenKeys(result)).toEqual(['rijbewijs', 'afval']);
  });

  it('removes every figure of a hidden group and keeps the shown ones as they were', () => {
    const groups = [group({ service: 'paspoort' }, 50), group({ service: 'rijbewijs' }, 5), group({ service: 'afval' }, 20)];
    const result = suppressSmallGroups(groups, ['service'], 10);
    expect(result).toEqual([
      { key: { service: 'paspoort' }, n: 50, csat: 70, suppressed: false },
      { key: { service: 'rijbewijs' }, n: null, suppressed: true, reason: 'small' },
      // 20 responses, enough on its own: hidden so that rijbewijs cannot be worked out from the total.
      { key: { service: 'afval' }, n: null, suppressed: true, reason: 'complementary' },
    ]);
  });

  it('needs no complement when two groups of the row are hidden already', () => {
    const groups = [group({ language: 'nl' }, 40), group({ language: 'pap' }, 4), group({ language: 'en' }, 9)];
    const result = suppressSmallGroups(groups, ['language'], 10);
    expect(hiddenKeys(result)).toEqual(['pap', 'en']);
  });

  it('hides one more when the hidden groups together hold fewer responses than the minimum', () => {
    // 3 + 4 = 7: the total minus the groups shown would be the figures of 7 residents, fewer than 10.
    const groups = [
      group({ language: 'nl' }, 40),
      group({ language: 'pap' }, 3),
      group({ language: 'en' }, 4),
      group({ language: 'es' }, 15),
    ];
    const result = suppressSmallGroups(groups, ['language'], 10);
    expect(hiddenKeys(result)).toEqual(['pap', 'en', 'es']);
  });

  it('keeps taking complements, smallest first, until the hidden groups reach the minimum', () => {
    const groups = [
      group({ location: 'Bonaire' }, 1),
      group({ location: 'Saba' }, 2),
      group({ location: 'Sint Eustatius' }, 3),
      group({ location: 'Europees Nederland' }, 90),
    ];
    // 1 + 2 + 3 = 6 < 10, and only one group is left to hide: the row is hidden whole.
    expect(hiddenKeys(suppressSmallGroups(groups, ['location'], 10))).toEqual(['Bonaire', 'Saba', 'Sint Eustatius', 'Europees Nederland']);
  });

  it('counts groups hidden already as hidden, whatever their n (a KPI of groups hidden whole)', () => {
    // A KPI's own table: the paspoort group is hidden whole, so its 30 answers to this KPI are not shown either; the
    // KPI of the smallest other group must go too, or the row's KPI minus those shown would give paspoort's.
    const groups = [group({ service: 'paspoort' }, 30), group({ service: 'rijbewijs' }, 12), group({ service: 'afval' }, 20)];
    expect(hiddenKeys(suppressSmallGroups(groups, ['service'], 10, [true, false, false]))).toEqual(['paspoort', 'rijbewijs']);
    expect(hiddenKeys(suppressSmallGroups(groups, ['service'], 10))).toEqual([]);
  });

  it('hides nothing when every group reaches the minimum, the minimum itself included', () => {
    const result = suppressSmallGroups([group({ language: 'nl' }, 10), group({ language: 'en' }, 11)], ['language'], 10);
    expect(hiddenKeys(result)).toEqual([]);
    expect(result[0]).toEqual({ key: { language: 'nl' }, n: 10, csat: 70, suppressed: false });
  });

  it('takes the first of equally small groups as the complement', () => {
    const result = suppressSmallGroups(
      [
        group({ channel: 'balie' }, 3),
        group({ channel: 'telefoon' }, 25),
        group({ channel: 'website' }, 25),
        group({ channel: 'chat' }, 40),
      ],
      ['channel'],
      10,
    );
    expect(hiddenKeys(result)).toEqual(['balie', 'telefoon']);
  });

  it('does not count an empty group as protection: hiding 0 beside 4 would still give the 4 away', () => {
    const result = suppressSmallGroups(
      [
        group({ location: 'Bonaire' }, 0),
        group({ location: 'Saba' }, 4),
        group({ location: 'Sint Eustatius' }, 30),
        group({ location: 'Curaçao' }, 50),
      ],
      ['location'],
      10,
    );
    expect(hiddenKeys(result)).toEqual(['Bonaire', 'Saba', 'Sint Eustatius']);
  });

  it('leaves a lone small group hidden when its row has nothing else to hide', () => {
    expect(hiddenKeys(suppressSmallGroups([group({ service: 'afval' }, 3)], ['service'], 10))).toEqual(['afval']);
  });
});

describe('suppressSmallGroups along two dimensions', () => {
  it('protects the hidden cell in its row and in its column', () => {
    // service × channel; A/telefoon is small. Worked by hand: the telefoon column hides B/telefoon, row A hides its
    // smallest shown A/website (30 < 40), row B then has B/telefoon alone → hides B/website (20 < 25); the website
    // column now has two hidden. The balie column stays.
    const result = suppressSmallGroups(
      [
        group({ service: 'A', channel: 'balie' }, 40),
        group({ service: 'A', channel: 'telefoon' }, 5),
        group({ service: 'A', channel: 'website' }, 30),
        group({ service: 'B', channel: 'balie' }, 25),
        group({ service: 'B', channel: 'telefoon' }, 35),
        group({ service: 'B', channel: 'website' }, 20),
      ],
      ['service', 'channel'],
      10,
    );
    expect(hiddenKeys(result)).toEqual(['A/telefoon', 'A/website', 'B/telefoon', 'B/website']);
  });

  it('repeats until no row or column has a single hidden cell', () => {
    // As above but B/balie (15) is now the smallest of row B, so row B hides it; that leaves the balie and website
    // columns each with one hidden cell, whose complements cascade until the whole table is hidden.
    const result = suppressSmallGroups(
      [
        group({ service: 'A', channel: 'balie' }, 40),
        group({ service: 'A', channel: 'telefoon' }, 5),
        group({ service: 'A', channel: 'website' }, 30),
        group({ service: 'B', channel: 'balie' }, 15),
        group({ service: 'B', channel: 'telefoon' }, 35),
        group({ service: 'B', channel: 'website' }, 20),
      ],
      ['service', 'channel'],
      10,
    );
    expect(hiddenKeys(result)).toEqual(['A/balie', 'A/telefoon', 'A/website', 'B/balie', 'B/telefoon', 'B/website']);
  });

  it('works on sparse tables, where a row holds only the combinations that occur', () => {
    // en/webchat (8) is alone in its language row, so only the webchat column can protect it: with nl/webchat, the
    // smallest shown there (12 < 50). That leaves row nl with one hidden cell → nl/msteams too.
    const result = suppressSmallGroups(
      [
        group({ language: 'nl', chatChannel: 'webchat' }, 12),
        group({ language: 'nl', chatChannel: 'msteams' }, 60),
        group({ language: 'pap', chatChannel: 'webchat' }, 50),
        group({ language: 'en', chatChannel: 'webchat' }, 8),
      ],
      ['language', 'chatChannel'],
      10,
    );
    expect(hiddenKeys(result)).toEqual(['nl/webchat', 'nl/msteams', 'en/webchat']);
  });
});

describe('suppressSmallGroups on any table', () => {
  const dimensions = ['service', 'channel', 'language'];
  const arbitraryTable = fc.uniqueArray(
    fc.record({
      service: fc.constantFrom('a', 'b', 'c'),
      channel: fc.constantFrom('balie', 'telefoon'),
      language: fc.constantFrom('nl', 'pap', 'en'),
      n: fc.integer({ min: 0, max: 40 }),
    }),
    { selector: (cell) => `${cell.service}/${cell.channel}/${cell.language}`, maxLength: 18 },
  );

  it('hides every small group and leaves no row whose hidden groups it could have protected exposed', () => {
    fc.assert(
      fc.property(arbitraryTable, fc.integer({ min: 1, max: 3 }), (cells, dimensionCount) => {
        const used = dimensions.slice(0, dimensionCount);
        // Collapse the unused dimensions so keys stay unique within the used ones.
        const byKey = new Map<string, TTestGroup>();
        for (const cell of cells) {
          const key = Object.fromEntries(used.map((dimension) => [dimension, cell[dimension as keyof typeof cell] as string]));
          const id = JSON.stringify(key);
          byKey.set(id, { key, n: (byKey.get(id)?.n ?? 0) + cell.n });
        }
        const groups = [...byKey.values()];
        const result = suppressSmallGroups(groups, used, 10);

        groups.forEach((original, index) => {
          if (original.n < 10) expect(result[index]!.suppressed).toBe(true);
          if (!result[index]!.suppressed) expect(result[index]).toEqual({ ...original, suppressed: false });
        });
        for (const dimension of used) {
          const rows = new Map<string, number[]>();
          groups.forEach((original, index) => {
            const rowId = used
              .filter((other) => other !== dimension)
              .map((other) => original.key[other])
              .join('\u0000');
            rows.set(rowId, [...(rows.get(rowId) ?? []), index]);
          });
          for (const row of rows.values()) {
            const hidden = row.filter((index) => result[index]!.suppressed && groups[index]!.n > 0);
            const hiddenResponses = hidden.reduce((sum, index) => sum + groups[index]!.n, 0);
            const shown = row.filter((index) => !result[index]!.suppressed).length;
            // What the row's total minus the shown groups gives away: one group, or fewer responses than the minimum.
            const exposed = hidden.length === 1 || (hidden.length > 1 && hiddenResponses < 10);
            expect(exposed && shown > 0).toBe(false);
          }
        }
      }),
    );
  });
});
