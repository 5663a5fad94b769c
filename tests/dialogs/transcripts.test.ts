import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitValueAsText } from '../../src/bots/adapter';
import type { TPrisma } from '../../src/db/client';
import { createBotWorld, expectReplies, label, play, Resident, type TBotWorld, type TExpected } from './support';

/** A survey question's text, as the bot sends it. */
const q = (key: string): TExpected => `survey:questions.${key}`;

let world: TBotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(async () => world?.destroy());

/** What the database holds for a conversation: its one response and its answers by question. */
async function stored(prisma: TPrisma, conversationKey: string) {
  const response = await prisma.response.findFirstOrThrow({
    where: { conversationKey },
    include: { answers: true, service: { select: { slug: true } }, surveyVersion: { select: { surveyId: true } } },
  });
  const answers = Object.fromEntries(
    response.answers.map((a) => [a.questionKey, { measure: a.measure, value: a.value, text: a.text, dontKnow: a.dontKnow, skipped: a.skipped }]),
  );
  return { response, answers };
}

const value = (measure: string | null, v: number) => ({ measure, value: v, text: null, dontKnow: false, skipped: false });
const dontKnow = (measure: string) => ({ measure, value: null, text: null, dontKnow: true, skipped: false });
const skipped = (measure: string | null) => ({ measure, value: null, text: null, dontKnow: false, skipped: true });

describe('the meethuis survey in Dutch', () => {
  it('runs from greeting to thanks with buttons, digits, number words and labels, re-prompts, a skip after three misses, "weet ik niet" and stop-and-resume', async () => {
    const resident = new Resident(world.bot, {
      locale: 'nl-NL',
      context: { organisation: 'demo', service: 'paspoort', location: 'Utrecht' },
    });
    // The browser's locale settles the language: no language question.
    expectReplies(await resident.open(), 'nl', [
      { key: 'welcome.service', params: { organisation: 'Gemeente Demo', service: 'paspoort of ID-kaart' } },
      'privacy.notice',
      { key: 'consent.question', buttons: ['Ja', 'Nee'] },
    ]);

    await play(resident, 'nl', [
      [label('nl', 'buttons.yes'), [{ key: 'survey:questions.satisfaction', buttons: ['Heel ontevreden', 'Ontevreden', 'Neutraal', 'Tevreden', 'Heel tevreden', 'Overslaan'] }]],
      ['Tevreden', [q('effort')]], // a scale label, as its button sends it
      ['zes', [q('ease')]], // a number word
      ['4', [q('speed')]], // digits
      ['banaan', [{ key: 'reprompt.scale', params: { min: 1, max: 5 }, and: 'reprompt.howToSkip' }]],
      ['Helemaal eens', [q('clarity')]],
      ['Weet ik niet', [q('seriousness')]],
      ['paars', [{ key: 'reprompt.scale', params: { min: 1, max: 5 }, and: 'reprompt.howToSkip' }]],
      ['12', [{ key: 'reprompt.scale', params: { min: 1, max: 5 }, and: 'reprompt.howToSkip' }]],
      ['groen', ['reprompt.skipped', { key: 'survey:questions.empathy', progress: [7, 12] }]], // the third miss skips the question
      ['drie', [q('thinkingAlong')]],
      ['Overslaan', [q('reliability')]],
      ['stop', ['pause.paused']],
    ]);

    // The answers so far are stored; the same conversation comes back, on another replica.
    const { answers: before } = await stored(world.database.prisma, resident.keys.conversationKey);
    expect(Object.keys(before)).toHaveLength(8);
    resident.bot = world.replica();

    await play(resident, 'nl', [
      ['hallo', [{ key: 'resume.offer', buttons: ['Ja', 'Nee'] }]],
      ['ja', ['resume.resumed', q('reliability')]],
      ['Eens', [q('trust')]],
      ['vijf', [q('humaneness')]],
      ['Oneens', [q('improvement')]],
      ['Bel mij op 06-12345678, dan leg ik het uit.', ['closing.thanks']],
      ['nog iets', ['closing.alreadyCompleted']],
    ]);

    const { response, answers } = await stored(world.database.prisma, resident.keys.conversationKey);
    expect(response).toMatchObject({
      status: 'completed',
      language: 'nl',
      chatChannel: 'webchat',
      location: 'Utrecht',
      source: 'self',
      service: { slug: 'paspoort' },
      surveyVersion: { surveyId: 'meethuis' },
    });
    expect(response.completedAt).not.toBeNull();
    expect(answers).toEqual({
      satisfaction: value('satisfaction', 4),
      effort: value('effort', 6),
      ease: value('ease', 4),
      speed: value('speed', 5),
      clarity: dontKnow('clarity'),
      seriousness: skipped('seriousness'),
      empathy: value('empathy', 3),
      thinkingAlong: skipped('thinkingAlong'),
      reliability: value('reliability', 4),
      trust: value('trust', 5),
      humaneness: value('humaneness', 2),
      improvement: { measure: null, value: null, text: 'Bel mij op [PHONE], dan leg ik het uit.', dontKnow: false, skipped: false },
    });
    // Every answer went to the KPI statistics with it.
    expect(await world.database.prisma.rollupDelta.count()).toBeGreaterThan(0);
  });
});

describe('the meethuis survey in Papiamentu', () => {
  it('asks the language when nothing tells it, then understands Papiamentu number words, labels and "mi no sa"', async () => {
    const resident = new Resident(world.bot);
    expectReplies(await resident.open(), 'nl', [
      'welcome.generic',
      { key: 'language.prompt', buttons: ['Nederlands', 'Papiamentu', 'English'] },
    ]);

    await play(resident, 'pap', [
      ['Papiamentu', ['privacy.notice', { key: 'consent.question', buttons: ['Si', 'Nò'] }]],
      ['si', [{ key: 'survey:questions.satisfaction', buttons: ['Hopi deskontentu', 'Deskontentu', 'Neutral', 'Kontentu', 'Hopi kontentu', 'Salta'] }]],
      ['Hopi kontentu', [q('effort')]],
      ['sinku', [q('ease')]],
      ['kuater', [q('speed')]],
      ['Di akuerdo', [q('clarity')]],
      ['mi no sa', [q('seriousness')]],
      ['ku sa', [{ key: 'reprompt.scale', params: { min: 1, max: 5 }, and: 'reprompt.howToSkip' }]],
      ['Totalmente di akuerdo', [q('empathy')]],
      ['dos', [q('thinkingAlong')]],
      ['3', [q('reliability')]],
      ['Neutral', [q('trust')]],
      ['un', [q('humaneness')]],
      ['No di akuerdo', [q('improvement')]],
      ['Mas empleado na lokèt', ['closing.thanks']],
    ]);

    const { response, answers } = await stored(world.database.prisma, resident.keys.conversationKey);
    expect(response).toMatchObject({ status: 'completed', language: 'pap', service: null, location: null });
    expect(answers).toMatchObject({
      satisfaction: value('satisfaction', 5),
      effort: value('effort', 5),
      ease: value('ease', 4),
      speed: value('speed', 4),
      clarity: dontKnow('clarity'),
      seriousness: value('seriousness', 5),
      empathy: value('empathy', 2),
      thinkingAlong: value('thinkingAlong', 3),
      reliability: value('reliability', 3),
      trust: value('trust', 1),
      humaneness: value('humaneness', 2),
      improvement: { text: 'Mas empleado na lokèt' },
    });
  });
});

describe('the meethuis survey in English', () => {
  it('takes the page language over the channel locale, accepts a Teams card submit, and switches to Dutch half-way', async () => {
    const resident = new Resident(world.bot, {
      channelId: 'msteams',
      locale: 'nl-NL',
      context: { language: 'en' },
      middleware: [submitValueAsText()],
    });
    await play(resident, 'en', [
      ['hello', ['welcome.generic', 'privacy.notice', { key: 'consent.question', buttons: ['Yes', 'No'] }]],
      ['yes please', [q('satisfaction')]],
      ['Very satisfied', [q('effort')]],
      ['seven', [q('ease')]],
      ['I don’t know', [q('speed')]],
      ['Agree', [q('clarity')]],
      ['Nederlands', ['language.switched', q('clarity')], 'nl'],
      ['twee', [q('seriousness')]],
    ]);
    // A card's Action.Submit arrives with no text and `value: { answer }`.
    expectReplies(await resident.say('', { value: { answer: '4' } }), 'nl', [q('empathy')]);
    await play(resident, 'nl', [
      ['5', [q('thinkingAlong')]],
      ['5', [q('reliability')]],
      ['5', [q('trust')]],
      ['5', [q('humaneness')]],
      ['4', [q('improvement')]],
      ['Niets, het ging goed.', ['closing.thanks']],
    ]);

    const { response, answers } = await stored(world.database.prisma, resident.keys.conversationKey);
    // The language is a KPI dimension: the response moved with the resident's choice.
    expect(response).toMatchObject({ status: 'completed', language: 'nl', chatChannel: 'msteams' });
    expect(answers).toMatchObject({
      satisfaction: value('satisfaction', 5),
      effort: value('effort', 7),
      ease: dontKnow('ease'),
      speed: value('speed', 4),
      clarity: value('clarity', 2),
      seriousness: value('seriousness', 4),
      empathy: value('empathy', 5),
      humaneness: value('humaneness', 4),
    });
  });
});

describe('nothing the resident typed is kept in bot state', () => {
  it('keeps only keys, ids and counters in the state documents, and no channel ids in their keys', async () => {
    const resident = new Resident(world.bot, { locale: 'en', userId: 'user-secret-id', conversationId: 'conversation-secret-id' });
    await resident.open();
    await play(resident, 'en', [
      ['yes', [q('satisfaction')]],
      ['my BSN is 111222333 and I am angry', [{ key: 'reprompt.scale', params: { min: 1, max: 5 }, and: 'reprompt.howToSkip' }]],
    ]);
    const documents = await world.database.prisma.botState.findMany();
    const all = JSON.stringify(documents);
    expect(all).not.toContain('111222333');
    expect(all).not.toContain('angry');
    expect(all).not.toContain('user-secret-id');
    expect(all).not.toContain('conversation-secret-id');
    // A resident's own document is only written once they choose a language themselves.
    const keys = documents.map((d) => d.key);
    expect(keys).toContain(`conversation/${resident.keys.conversationKey}`);
    expect(keys).not.toContain(`resident/${resident.keys.residentKey}`);
  });
});

describe('the conversation context', () => {
  it('falls back to the default organisation and no service when the context names unknown ones', async () => {
    const resident = new Resident(world.bot, { locale: 'nl', context: { organisation: 'nergens', service: 'onbekend', location: 'Saba' } });
    expectReplies(await resident.open(), 'nl', ['welcome.generic', 'privacy.notice', 'consent.question']);
    await play(resident, 'nl', [['ja', [q('satisfaction')]]]);
    const response = await world.database.prisma.response.findFirstOrThrow({
      where: { conversationKey: resident.keys.conversationKey },
      include: { organisation: true },
    });
    expect(response).toMatchObject({ serviceId: null, location: 'Saba', source: 'self', organisation: { slug: 'demo' } });
  });

  it('names a known service of the organisation but ignores one of another organisation', async () => {
    const resident = new Resident(world.bot, { locale: 'en', context: { organisation: 'bonaire', service: 'parkeren' } });
    expectReplies(await resident.open(), 'en', [
      { key: 'welcome.organisation', params: { organisation: 'Public Entity Bonaire' } },
      'privacy.notice',
      'consent.question',
    ]);
  });
});
