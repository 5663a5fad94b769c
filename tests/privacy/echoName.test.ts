import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, type TTestApp } from '../support/app';
import { textsOf, questionOf } from '../support/teams';

let app: TTestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.stop());

/** Posts a message as Web Chat does when the embedding page passes the resident's name as the user's name. */
function sayAsJan(client: DirectLineTestClient, text: string) {
  return client.post({ type: 'message', text, from: { id: 'u', name: 'Jan Jansen', role: 'user' }, locale: 'nl' });
}

type TFrom = { role?: string; name?: string };
const echoesIn = (activities: Record<string, unknown>[]) => activities.filter((activity) => (activity.from as TFrom).role === 'user');

describe('the web chat echo of what a resident typed', () => {
  it('carries neither the name the client put in from.name nor the name in the text, and neither is stored', async () => {
    const { chat, survey } = textsOf('nl');
    const webchat = await DirectLineTestClient.start(app.url, { organisation: 'demo', language: 'nl' });
    await webchat.poll();

    expect((await sayAsJan(webchat, 'ik ben Jan de Vries')).status).toBe(200);
    const [introduction] = echoesIn(await webchat.poll());
    expect(introduction).toMatchObject({ text: 'ik ben [NAME]' });
    expect((introduction!.from as TFrom).name ?? '').toBe('');

    await webchat.say(chat.buttons!.yes!);
    let asked = '';
    for (let turn = 0; turn < 30 && asked !== survey.questions!.improvement; turn++) {
      const activities = await webchat.poll();
      const last = activities.filter((activity) => (activity.from as TFrom).role === 'bot').at(-1)?.text as string | undefined;
      asked = questionOf(last ?? asked)!;
      if (asked !== survey.questions!.improvement) await webchat.say('3');
    }
    expect(asked).toBe(survey.questions!.improvement);

    expect((await sayAsJan(webchat, 'ik ben Jan de Vries, en mevrouw Bakker hielp mij goed')).status).toBe(200);
    const echoes = echoesIn(await webchat.poll());
    expect(echoes.map((echo) => echo.text)).toEqual(['ik ben [NAME], en mevrouw [NAME] hielp mij goed']);
    expect((echoes[0]!.from as TFrom).name ?? '').toBe('');

    const answer = await app.database.prisma.answer.findFirstOrThrow({ where: { questionKey: 'improvement' } });
    expect(answer.text).toBe('ik ben [NAME], en mevrouw [NAME] hielp mij goed');
    const stored = JSON.stringify(await app.database.prisma.directLineActivity.findMany());
    for (const name of ['Jan', 'Jansen', 'Vries', 'Bakker']) expect(stored).not.toContain(name);
  });
});
