import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackService } from '../../src/followups/callbacks';
import { decryptJson } from '../../src/privacy/crypto';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { TEST_SECRETS } from '../support/app';
import { createBotWorld, expectReplies, play, Resident, type TBotWorld, type TExpected, type TRow } from './support';

const q = (key: string): TExpected => `survey:questions.${key}`;

let world: TBotWorld;
beforeAll(async () => {
  world = await createBotWorld();
  const events = new WebhookPublisher(world.database.prisma);
  world.bot = world.replica({ events, callbacks: new CallbackService(world.database.prisma, TEST_SECRETS.ENCRYPTION_KEY, events) });
});
afterAll(async () => world?.destroy());

function bonaireResident(language: 'pap' | 'en' = 'pap') {
  return new Resident(world.bot, { context: { organisation: 'bonaire', service: 'rijbewijs', location: 'Bonaire', language } });
}

/** The eleven core questions, answered after satisfaction (effort … humaneness). */
const coreAfterSatisfaction = (answer: string): TRow[] =>
  (['effort', 'ease', 'speed', 'clarity', 'seriousness', 'empathy', 'thinkingAlong', 'reliability', 'trust', 'humaneness', 'contactChannel'] as const).map(
    (next) => [answer, [q(next)]],
  );

/** Consent, a low satisfaction, everything else skipped: the survey thanks the resident and offers a call-back. */
const untilCallbackOffer = (satisfaction: string): TRow[] => [
  ['yes', [q('satisfaction')]],
  [satisfaction, [q('effort')]],
  ...coreAfterSatisfaction('skip').slice(1),
  ['skip', [q('ownLanguage')]],
  ['skip', [q('mainProblem')]],
  ['skip', [q('improvement')]],
  ['skip', ['closing.thanks', 'closeLoop.offer']],
];

describe('the Bonaire variant', () => {
  it('asks the shared core, then its own questions, shows the follow-up question on low satisfaction, and closes the loop by phone', async () => {
    const resident = bonaireResident();
    expectReplies(await resident.open(), 'pap', [
      { key: 'welcome.service', params: { organisation: 'Entidat Públiko Boneiru', service: 'reibewijs' } },
      'privacy.notice',
      'consent.question',
    ]);
    await play(resident, 'pap', [
      ['si', [q('satisfaction')]],
      ['Deskontentu', [q('effort')]],
      ...coreAfterSatisfaction('3').slice(1),
      ['kiko?', [{ key: 'reprompt.choice', params: { options: 'Na lokèt, Telefòn, E-mail, Website, Otro' }, and: 'reprompt.howToSkip' }]],
      ['Telefòn', [{ key: 'survey:questions.ownLanguage', buttons: ['Si', 'Nò', 'Salta'] }]],
      ['si', [q('mainProblem')]], // shown because satisfaction was 2
      ['Mi mester a warda hopi', [q('improvement')]],
      ['Salta', ['closing.thanks', { key: 'closeLoop.offer', buttons: ['Si', 'Nò'] }]],
      ['si', [{ key: 'closeLoop.how', buttons: ['Telefòn', 'E-mail'] }]],
      ['Telefòn', ['closeLoop.askPhone']],
      ['mi no sa', ['closeLoop.invalidPhone']],
      ['+599 717 1234', ['closeLoop.stored']],
    ]);

    const { prisma } = world.database;
    const response = await prisma.response.findFirstOrThrow({
      where: { conversationKey: resident.keys.conversationKey },
      include: { answers: true, organisation: true, surveyVersion: true, callbacks: true },
    });
    expect(response).toMatchObject({ status: 'completed', language: 'pap', location: 'Bonaire', organisation: { slug: 'bonaire' }, surveyVersion: { surveyId: 'bonaire' } });
    const byKey = Object.fromEntries(response.answers.map((a) => [a.questionKey, a]));
    expect(byKey.satisfaction).toMatchObject({ measure: 'satisfaction', value: 2 });
    expect(byKey.humaneness).toMatchObject({ measure: 'humaneness', value: 3 });
    expect(byKey.contactChannel).toMatchObject({ measure: null, value: null, text: 'phone' });
    expect(byKey.ownLanguage).toMatchObject({ text: 'yes' });
    expect(byKey.mainProblem).toMatchObject({ text: 'waiting' });
    expect(byKey.improvement).toMatchObject({ skipped: true });
    expect(response.answers).toHaveLength(15);

    // The call-back is stored apart from the answers, encrypted; the detail is nowhere else.
    expect(response.callbacks).toHaveLength(1);
    const [callback] = response.callbacks;
    expect(callback).toMatchObject({ method: 'phone', language: 'pap', organisationId: response.organisationId, status: 'open' });
    expect(decryptJson(TEST_SECRETS.ENCRYPTION_KEY, callback!.encryptedContact)).toEqual({ method: 'phone', contact: '+5997171234' });
    const everywhere = JSON.stringify([await prisma.botState.findMany(), await prisma.answer.findMany(), await prisma.webhookDelivery.findMany()]);
    expect(everywhere).not.toMatch(/717\s?1234|5997171234/);
  });

  it('skips the follow-up question and offers no call-back when satisfaction is good', async () => {
    const resident = bonaireResident('en');
    await resident.open();
    await play(resident, 'en', [
      ['yes', [q('satisfaction')]],
      ['4', [q('effort')]],
      ...coreAfterSatisfaction('4').slice(1),
      ['At the counter', [q('ownLanguage')]],
      ['no', [q('improvement')]], // no mainProblem: satisfaction was 4
      ['Nothing', ['closing.thanks']],
    ]);
    const answers = await world.database.prisma.answer.findMany({ where: { response: { conversationKey: resident.keys.conversationKey } } });
    expect(answers.map((a) => a.questionKey)).not.toContain('mainProblem');
    expect(answers.find((a) => a.questionKey === 'humaneness')).toMatchObject({ measure: 'humaneness', value: 4 });
  });

  it('contacts nobody without an explicit yes', async () => {
    const resident = bonaireResident('en');
    await resident.open();
    await play(resident, 'en', [
      ...untilCallbackOffer('Very dissatisfied'),
      ['hmm', ['reprompt.yesno']],
      ['no thanks', ['closeLoop.declined']],
    ]);
    const response = await world.database.prisma.response.findFirstOrThrow({
      where: { conversationKey: resident.keys.conversationKey },
      include: { callbacks: true },
    });
    expect(response.callbacks).toEqual([]);
  });

  it('takes an e-mail address, asks once more for an invalid one, then gives up kindly', async () => {
    const resident = bonaireResident('en');
    await resident.open();
    await play(resident, 'en', [
      ...untilCallbackOffer('1'),
      ['yes', ['closeLoop.how']],
      ['by email', ['closeLoop.askEmail']],
      ['not an address', ['closeLoop.invalidEmail']],
      ['still not', ['closeLoop.gaveUp']],
    ]);
    const again = bonaireResident('en');
    await again.open();
    await play(again, 'en', [
      ...untilCallbackOffer('2'),
      ['yes', ['closeLoop.how']],
      ['E-mail', ['closeLoop.askEmail']],
      ['resident@example.org', ['closeLoop.stored']],
    ]);
    const callbacks = await world.database.prisma.callback.findMany({ where: { response: { conversationKey: again.keys.conversationKey } } });
    expect(callbacks.map((c) => decryptJson(TEST_SECRETS.ENCRYPTION_KEY, c.encryptedContact))).toEqual([{ method: 'email', contact: 'resident@example.org' }]);
  });
});
