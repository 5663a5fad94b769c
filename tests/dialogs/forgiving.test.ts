import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TLanguage } from '../../src/i18n/languages';
import { createBotWorld, label, play, Resident, type TBotWorld, type TExpected } from './support';

let world: TBotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(async () => world?.destroy());

const question = (key: string, number: number, total: number): TExpected => ({ key: `survey:questions.${key}`, progress: [number, total] });
const scaleReprompt: TExpected = { key: 'reprompt.scale', params: { min: 1, max: 5 }, and: 'reprompt.howToSkip' };

async function skippedOf(resident: Resident): Promise<Record<string, boolean>> {
  const answers = await world.database.prisma.answer.findMany({ where: { response: { conversationKey: resident.keys.conversationKey } } });
  return Object.fromEntries(answers.map((answer) => [answer.questionKey, answer.skipped]));
}

describe.each([
  ['nl', 'banaan', 'paars', 'groen', 'overslaan'],
  ['pap', 'banana', 'kolo', 'bèrdè', 'salta'],
  ['en', 'banana', 'purple', 'green', 'skip'],
] as const)('a question is skipped only when the resident says so, or after three misses (%s)', (language: TLanguage, first, second, third, skip) => {
  it('re-asks twice, saying how to skip, then skips plainly on the third miss; the resident’s own skip is at once', async () => {
    const resident = new Resident(world.bot, { context: { organisation: 'demo', language } });
    await resident.open();
    await play(resident, language, [
      [label(language, 'buttons.yes'), [question('satisfaction', 1, 12)]],
      [first, [scaleReprompt]],
      [second, [scaleReprompt]],
      [third, ['reprompt.skipped', question('effort', 2, 12)]],
      [skip, [question('ease', 3, 12)]],
      ['4', [question('speed', 4, 12)]],
    ]);
    expect(await skippedOf(resident)).toEqual({ satisfaction: true, effort: true, ease: false });
  });
});

describe('where the resident is, with skip logic (the Bonaire variant)', () => {
  const bonaire = (language: TLanguage) => new Resident(world.bot, { context: { organisation: 'bonaire', language } });
  const core = ['ease', 'speed', 'clarity', 'seriousness', 'empathy', 'thinkingAlong', 'reliability', 'trust', 'humaneness', 'contactChannel'];

  it('counts the question that depends on satisfaction until satisfaction rules it out, then never more', async () => {
    const resident = bonaire('en');
    await resident.open();
    await play(resident, 'en', [
      ['yes', [question('satisfaction', 1, 15)]],
      ['5', [question('effort', 2, 14)]], // satisfied: "what went wrong most of all" will not be asked
      ...core.map((key, index): [string, TExpected[]] => ['skip', [question(key, index + 3, 14)]]),
      ['skip', [question('ownLanguage', 13, 14)]],
      ['yes', [question('improvement', 14, 14)]],
    ]);
  });

  it('keeps it in the count when satisfaction asks for it', async () => {
    const resident = bonaire('pap');
    await resident.open();
    await play(resident, 'pap', [
      ['si', [question('satisfaction', 1, 15)]],
      ['1', [question('effort', 2, 15)]],
      ...core.map((key, index): [string, TExpected[]] => ['salta', [question(key, index + 3, 15)]]),
      ['salta', [question('ownLanguage', 13, 15)]],
      ['si', [question('mainProblem', 14, 15)]],
      ['salta', [question('improvement', 15, 15)]],
    ]);
  });
});
