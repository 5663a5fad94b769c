import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FollowUpGateway } from '../../src/followups/gateway';
import { MAX_TEXT_LENGTH } from '../../src/surveys/schema';
import { TEST_SECRETS } from '../support/app';
import { createBotWorld, expectReplies, play, Resident, type TBotWorld, type TExpected } from './support';

const q = (key: string): TExpected => `survey:questions.${key}`;

let world: TBotWorld;
beforeAll(async () => {
  world = await createBotWorld();
  world.bot = world.replica({ followUps: new FollowUpGateway(world.database, { hashSecret: TEST_SECRETS.HASH_SECRET, linkTtlHours: 168 }) });
});
afterAll(async () => world?.destroy());

async function startedInDutch(): Promise<Resident> {
  const resident = new Resident(world.bot, { locale: 'nl' });
  await resident.open();
  await play(resident, 'nl', [['ja', [q('satisfaction')]]]);
  return resident;
}

describe('erasing one’s answers', () => {
  it('asks for confirmation, keeps everything on "nee", and erases the resident’s responses and their share of the figures on "ja"', async () => {
    const resident = await startedInDutch();
    await play(resident, 'nl', [
      ['4', [q('effort')]],
      ['5', [q('ease')]],
      ['verwijder mijn antwoorden', [{ key: 'erase.confirm', buttons: ['Ja', 'Nee'] }]],
      ['nee', ['erase.cancelled', q('ease')]],
    ]);
    const { prisma } = world.database;
    const { residentKey } = resident.keys;
    expect(await prisma.answer.count({ where: { response: { residentKey } } })).toBe(2);
    const deltasBefore = await prisma.rollupDelta.count();

    await play(resident, 'nl', [
      ['wis mijn antwoorden', ['erase.confirm']],
      ['banaan', ['reprompt.yesno']],
      ['Ja', ['erase.done']],
    ]);
    expect(await prisma.response.count({ where: { residentKey } })).toBe(0);
    expect(await prisma.answer.count({ where: { response: { residentKey } } })).toBe(0);
    // The erased contribution is subtracted from the rollups, not left in them.
    expect(await prisma.rollupDelta.count()).toBeGreaterThan(deltasBefore);

    // A later message starts afresh.
    await play(resident, 'nl', [['hallo', ['welcome.generic', 'privacy.notice', 'consent.question']]]);
  });

  it('says there is nothing to erase before any answer, and goes on where the resident was', async () => {
    const resident = new Resident(world.bot, { locale: 'en-GB' });
    await resident.open();
    await play(resident, 'en', [
      ['delete my answers', ['erase.confirm']],
      ['yes', ['erase.nothing', 'consent.question']],
    ]);
  });
});

describe('help', () => {
  it('explains how to answer and names the organisation’s contact and complaints, then asks the question again', async () => {
    const resident = new Resident(world.bot, { context: { organisation: 'bonaire', language: 'pap' } });
    await resident.open();
    await play(resident, 'pap', [
      ['si', [q('satisfaction')]],
      [
        'yudansa',
        [
          'help.answering',
          'help.commands',
          'help.erase',
          'help.optOut',
          { key: 'help.person', params: { contact: '+599 715 5330' } },
          { key: 'help.complaints', params: { complaints: 'https://bonairegov.com/klachten' } },
          q('satisfaction'),
        ],
      ],
    ]);
  });
});

describe('switching language', () => {
  it('asks the current question again in the new language, from a button value or a name', async () => {
    const resident = await startedInDutch();
    await play(resident, 'nl', [
      ['language:pap', ['language.switched', q('satisfaction')], 'pap'],
      ['ingles', ['language.switched', q('satisfaction')], 'en'],
      ['in het Nederlands', ['language.switched', q('satisfaction')], 'nl'],
    ]);
  });

  it('greets in the chosen language when the switch is the first thing the resident says', async () => {
    const resident = new Resident(world.bot, { locale: 'nl-NL' });
    await play(resident, 'en', [['English', ['welcome.generic', 'privacy.notice', 'consent.question']]]);
    // The explicit choice beats the channel's locale in later conversations of the same resident too.
    const again = new Resident(world.bot, { locale: 'nl-NL', userId: resident.userId });
    expectReplies(await again.open(), 'en', ['welcome.generic', 'privacy.notice', 'consent.question']);
  });
});

describe('stop', () => {
  it('pauses before the survey starts too, and a later message begins it', async () => {
    const resident = new Resident(world.bot, { locale: 'nl' });
    await resident.open();
    await play(resident, 'nl', [
      ['stop', ['pause.paused']],
      ['hallo', ['welcome.generic', 'privacy.notice', 'consent.question']],
      ['nee', ['consent.declined']],
    ]);
    expect(await world.database.prisma.response.count({ where: { conversationKey: resident.keys.conversationKey } })).toBe(0);
  });
});

describe('opting out of invitations', () => {
  it('records the wish by keyed hash and goes on with the question', async () => {
    const resident = await startedInDutch();
    await play(resident, 'nl', [['geen uitnodigingen meer', ['optOut.confirmed', q('satisfaction')]]]);
    expect(await world.database.prisma.followUpOptOut.findUnique({ where: { residentKey: resident.keys.residentKey } })).not.toBeNull();
  });
});

describe('long messages', () => {
  it(`refuses more than ${MAX_TEXT_LENGTH} characters kindly, without counting a miss, and takes a shorter answer`, async () => {
    const resident = await startedInDutch();
    const long = 'heel lang verhaal '.repeat(60);
    await play(resident, 'nl', [
      [long, [{ key: 'text.tooLong', params: { max: MAX_TEXT_LENGTH } }]],
      ['onzin', [{ key: 'reprompt.scale', params: { min: 1, max: 5 }, and: 'reprompt.howToSkip' }]],
      [long, [{ key: 'text.tooLong', params: { max: MAX_TEXT_LENGTH } }]],
      ['3', [q('effort')]],
    ]);
    const answers = await world.database.prisma.answer.findMany({ where: { response: { conversationKey: resident.keys.conversationKey } } });
    expect(answers.map((a) => [a.questionKey, a.value])).toEqual([['satisfaction', 3]]);
  });
});
