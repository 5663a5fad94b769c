import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, type TTestApp } from '../support/app';
import { testProvider } from '../support/database';
import { textsOf, questionOf } from '../support/teams';

/** Free text no rule scrubs: whatever of it survives erasure, the search finds. */
const WRITTEN = 'De balie van vleugel Zuid-7 was vol QX7-ERASE-ME-91 maar het ging goed';

let running: TTestApp;
beforeAll(async () => {
  running = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
});
afterAll(() => running.stop());

const isBot = (activity: Record<string, unknown>) => (activity.from as { role?: string }).role === 'bot';

describe('erasure on request', () => {
  it('removes what the resident wrote from the answers, the waiting web chat messages and (SQLite) the file and its WAL', async () => {
    const { chat, survey } = textsOf('en');
    const webchat = await DirectLineTestClient.start(running.url, { organisation: 'demo', language: 'en' });
    await webchat.say(chat.buttons!.yes!);
    let asked = '';
    for (let turn = 0; turn < 30 && asked !== survey.questions!.improvement; turn++) {
      asked = questionOf(((await webchat.poll()).filter(isBot).at(-1)?.text as string | undefined) ?? asked)!;
      if (asked !== survey.questions!.improvement) await webchat.say('4');
    }
    await webchat.say(WRITTEN);
    const { prisma } = running.database;
    expect(await prisma.answer.count({ where: { text: { contains: 'QX7-ERASE-ME-91' } } })).toBe(1);
    expect(await prisma.directLineActivity.count({ where: { activity: { contains: 'QX7-ERASE-ME-91' } } })).toBe(1);

    await webchat.say('delete my answers');
    await webchat.say(chat.buttons!.yes!);
    const replies = (await webchat.poll()).filter(isBot).map((activity) => String(activity.text));
    expect(replies.join('\n')).toContain(String(chat.erase!.done));

    expect(await prisma.response.count()).toBe(0);
    expect(await prisma.answer.count()).toBe(0);
    expect(await prisma.directLineActivity.count({ where: { activity: { contains: 'QX7-ERASE-ME-91' } } })).toBe(0);
    const states = await prisma.botState.findMany({ select: { document: true } });
    expect(JSON.stringify(states)).not.toContain('QX7-ERASE-ME-91');

    if (testProvider() === 'sqlite') {
      const file = new URL(running.database.url).pathname;
      for (const path of [file, `${file}-wal`]) {
        if (existsSync(path)) expect(readFileSync(path).includes('QX7-ERASE-ME-91'), path).toBe(false);
      }
    }
  });
});
