import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TTestApp } from '../support/app';
import { DirectLineTestClient } from '../channels/support';
import { questionTextOf, textOf } from './support';

let service: TTestApp;
beforeAll(async () => {
  service = await startTestApp();
});
afterAll(async () => service?.stop());

/** The bot's replies since the last poll (the resident's own echoes left out). */
async function botSays(client: DirectLineTestClient): Promise<string[]> {
  const activities = await client.poll();
  return activities.filter((a) => (a.from as { role?: string } | undefined)?.role === 'bot').map((a) => String(a.text));
}

describe('the survey over the local Direct Line, as the web chat page runs it', () => {
  it('greets on opening, takes answers and stores them, with keyed hashes in place of channel ids', async () => {
    const client = await DirectLineTestClient.start(service.url, { organisation: 'demo', service: 'afval', language: 'en' });
    expect(await botSays(client)).toEqual([
      textOf('en', { key: 'welcome.service', params: { organisation: 'Municipality of Demo', service: 'waste collection' } }),
      textOf('en', 'privacy.notice'),
      textOf('en', 'consent.question'),
    ]);

    for (const [say, expected] of [
      ['Yes', questionTextOf('en', 'survey:questions.satisfaction', [1, 12])],
      ['4', questionTextOf('en', 'survey:questions.effort', [2, 12])],
      ['English please', textOf('en', 'language.switched')],
    ] as const) {
      expect((await client.say(say)).status).toBe(200);
      expect((await botSays(client))[0]).toBe(expected);
    }

    const responses = await service.database.prisma.response.findMany({ include: { answers: true, service: true } });
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ chatChannel: 'webchat', language: 'en', status: 'in-progress', service: { slug: 'afval' } });
    expect(responses[0]!.answers.map((a) => [a.questionKey, a.value])).toEqual([['satisfaction', 4]]);
    // Keyed hashes only: no Direct Line user or conversation id in the response or the state.
    const state = JSON.stringify(await service.database.prisma.botState.findMany());
    expect(state).not.toContain(client.conversationId);
    expect(responses[0]!.conversationKey).not.toContain(client.conversationId);
  });
});

describe('the language over the local Direct Line', () => {
  it('welcomes in the browser’s language, and starts again in Papiamentu when the first message is "Bon dia"', async () => {
    const client = await DirectLineTestClient.start(service.url, { organisation: 'demo', languageHint: 'nl' });
    expect(await botSays(client)).toEqual([
      textOf('nl', { key: 'welcome.organisation', params: { organisation: 'Gemeente Demo' } }),
      textOf('nl', 'privacy.notice'),
      textOf('nl', 'consent.question'),
    ]);
    await client.say('Bon dia');
    expect(await botSays(client)).toEqual([
      textOf('pap', { key: 'welcome.organisation', params: { organisation: 'Munisipio Demo' } }),
      textOf('pap', 'privacy.notice'),
      textOf('pap', 'consent.question'),
    ]);
    await client.say('si, mi ke');
    expect(await botSays(client)).toEqual([questionTextOf('pap', 'survey:questions.satisfaction', [1, 12])]);
  });
});
