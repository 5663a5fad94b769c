import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TLanguage } from '../../src/i18n/languages';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, type TTestApp } from '../support/app';
import { textsOf } from '../support/teams';

let running: TTestApp;
beforeAll(async () => {
  running = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
});
afterAll(() => running.stop());

const isBot = (activity: Record<string, unknown>) => (activity.from as { role?: string }).role === 'bot';

/** A question of the meethuis survey (twelve) as the bot asks it: where the resident is, then the question. */
function asked(language: TLanguage, key: string, number: number): string {
  const texts = textsOf(language);
  const progress = (texts.chat.progress as Record<string, string>).question!.replace('{{number}}', String(number)).replace('{{total}}', '12');
  return `${progress}\n\n${texts.survey.questions![key]}`;
}

/** A resident in the web chat who consented and now faces the satisfaction question. */
async function atSatisfaction(language: TLanguage) {
  const texts = textsOf(language);
  const webchat = await DirectLineTestClient.start(running.url, { organisation: 'demo', language });
  await webchat.say(String((texts.chat.buttons as Record<string, string>).yes));
  const first = (await webchat.poll()).filter(isBot).map((activity) => activity.text);
  expect(first.at(-1)).toBe(asked(language, 'satisfaction', 1));
  /** What the bot said to the resident's next message: its texts, and the buttons of the last one. */
  const reply = async (text: string) => {
    await webchat.say(text);
    const said = (await webchat.poll()).filter(isBot);
    const last = said.at(-1) as { text?: string; suggestedActions?: { actions: { title: string }[] } } | undefined;
    return { texts: said.map((activity) => String(activity.text)), buttons: last?.suggestedActions?.actions.map((action) => action.title) ?? [] };
  };
  const labels = (texts.survey as unknown as { scales: Record<string, Record<string, string>> }).scales.satisfaction!;
  return { texts, reply, webchat, labels };
}

const satisfactionAnswers = () =>
  running.database.prisma.answer.findMany({ where: { questionKey: 'satisfaction' }, select: { value: true, skipped: true } });

describe('a plausible answer is offered back, and only a confirmed one is stored', () => {
  it('nl: "prima" → "Bedoelt u ‘Tevreden’?" → "ja" stores 4 and the survey goes on', async () => {
    await running.database.prisma.response.deleteMany();
    const { reply, labels } = await atSatisfaction('nl');
    const offered = await reply('prima');
    expect(offered.texts).toEqual([`Bedoelt u ‘${labels['4']}’?`]);
    expect(offered.buttons.slice(0, 2)).toEqual(['Ja', 'Nee']);
    expect(offered.buttons).toContain(labels['5']);
    expect(await satisfactionAnswers()).toEqual([]);

    const confirmed = await reply('ja hoor');
    expect(confirmed.texts.at(-1)).toBe(asked('nl', 'effort', 2));
    expect(await satisfactionAnswers()).toEqual([{ value: 4, skipped: false }]);
  });

  it('pap: "bastante bon" offered, "nò" asks the question again without a miss, then "mi ta hopi kontentu" stores 5', async () => {
    await running.database.prisma.response.deleteMany();
    const { reply, labels } = await atSatisfaction('pap');
    const offered = await reply('bastante bon');
    expect(offered.texts).toEqual([`Bo ke bisa ‘${labels['4']}’?`]);
    const again = await reply('nò');
    expect(again.texts).toEqual([asked('pap', 'satisfaction', 1)]);
    expect(await satisfactionAnswers()).toEqual([]);
    const sure = await reply('mi ta hopi kontentu');
    expect(sure.texts.at(-1)).toBe(asked('pap', 'effort', 2));
    expect(await satisfactionAnswers()).toEqual([{ value: 5, skipped: false }]);
  });

  it('en: "🙂" offered as ‘Satisfied’, and a different clear answer instead of yes is taken as the answer', async () => {
    await running.database.prisma.response.deleteMany();
    const { reply, labels } = await atSatisfaction('en');
    const offered = await reply('🙂');
    expect(offered.texts).toEqual([`Do you mean ‘${labels['4']}’?`]);
    const other = await reply(labels['5']!);
    expect(other.texts.at(-1)).toBe(asked('en', 'effort', 2));
    expect(await satisfactionAnswers()).toEqual([{ value: 5, skipped: false }]);
  });

  it('en: an unclear answer ("8/10" on five points) is re-prompted, never offered or stored', async () => {
    await running.database.prisma.response.deleteMany();
    const { reply } = await atSatisfaction('en');
    const reprompt = await reply('8/10');
    expect(reprompt.texts.join(' ')).not.toContain('Do you mean');
    expect(await satisfactionAnswers()).toEqual([]);
    const understood = await reply('I am very satisfied');
    expect(understood.texts.join(' ')).not.toContain('Do you mean');
    expect(await satisfactionAnswers()).toEqual([{ value: 5, skipped: false }]);
  });
});
