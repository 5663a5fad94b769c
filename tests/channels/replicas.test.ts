import { questionOf } from '../support/teams';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TTestApp } from '../support/app';
import { DirectLineTestClient } from './support';

const survey = JSON.parse(readFileSync(new URL('../../locales/nl/survey.json', import.meta.url), 'utf8')) as { questions: Record<string, string> };
const chat = JSON.parse(readFileSync(new URL('../../locales/nl/chat.json', import.meta.url), 'utf8')) as { buttons: Record<string, string> };

const running: TTestApp[] = [];
afterEach(async () => {
  // The second replica first: the first one owns the shared database.
  for (const app of running.splice(0).reverse()) await app.stop();
});

describe('the local Direct Line channel on two replicas', () => {
  it('carries one survey whose messages are posted to one replica and polled from the other, each answer stored once', async () => {
    const first = await startTestApp();
    running.push(first);
    const second = await startTestApp({}, () => first.database.url);
    running.push(second);

    const onFirst = await DirectLineTestClient.start(first.url, { organisation: 'demo', service: 'paspoort', language: 'nl' });
    const onSecond = new DirectLineTestClient(second.url, onFirst.token);
    onSecond.conversationId = onFirst.conversationId;
    const clients = [onFirst, onSecond];
    const texts: string[] = [];
    const pollOther = async (index: number) => {
      const activities = await clients[(index + 1) % 2]!.poll();
      clients[index % 2]!.watermark = clients[(index + 1) % 2]!.watermark;
      texts.push(...activities.filter((activity) => (activity.from as { role?: string }).role === 'bot').map((activity) => questionOf(String(activity.text))!));
    };

    await pollOther(1);
    const answers = [chat.buttons.yes!, '4', '5', '3'];
    for (const [index, answer] of answers.entries()) {
      const posted = await clients[index % 2]!.say(answer);
      expect(posted.status).toBe(200);
      await pollOther(index);
    }
    expect(texts).toEqual(expect.arrayContaining([survey.questions.satisfaction, survey.questions.effort, survey.questions.ease, survey.questions.speed]));

    const rows = await first.database.prisma.answer.findMany({ orderBy: { answeredAt: 'asc' } });
    expect(rows.map((row) => [row.questionKey, row.value])).toEqual([
      ['satisfaction', 4],
      ['effort', 5],
      ['ease', 3],
    ]);
    expect(await first.database.prisma.response.count()).toBe(1);
  });
});
