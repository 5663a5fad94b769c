import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, type TTestApp } from '../support/app';
import { call, createToken, followUpBody } from './support';

const chat = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/chat.json`, import.meta.url), 'utf8')) as Record<string, Record<string, string>>;

let running: TTestApp;
let staff: string;
beforeAll(async () => {
  running = await startTestApp({ QUIET_HOURS: 'off' });
  staff = await createToken(running.database.prisma, 'staff', 'demo');
});
afterAll(() => running?.stop());

async function newLink(language: string): Promise<{ id: string; token: string }> {
  const created = await call(running.url, 'POST', '/api/follow-ups', { token: staff, body: followUpBody({ language }) });
  expect(created.status).toBe(202);
  return { id: String(created.body.id), token: new URL(String(created.body.link)).searchParams.get('link')! };
}

/** The bot's messages since the last poll (the resident's own echoes left out). */
async function botSays(client: DirectLineTestClient): Promise<string[]> {
  const activities = await client.poll();
  return activities.filter((activity) => (activity.from as { role?: string } | undefined)?.role === 'bot').map((activity) => String(activity.text));
}

/**
 * The one-time link through the real service, as the web chat page hands it over (`/?link=…` → the conversation's
 * context): the first resident gets the survey with the service named in the follow-up's language; a second
 * opening, or an expired link, gets a kind sentence in the resident's language instead of the survey.
 */
describe('a one-time link in the web chat', () => {
  it('opens the survey once, then tells the next visitor kindly that it no longer works', async () => {
    const { id, token } = await newLink('pap');
    const first = await DirectLineTestClient.start(running.url, { followUpLink: token, language: 'nl' });
    const invitation = chat('pap').followUp!.invitation!.replace('{{service}}', 'pasaporte òf karchi di identidat');
    expect(await botSays(first)).toContain(invitation);
    expect((await first.say('si')).status).toBe(200);
    expect((await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body).toMatchObject({ status: 'started' });
    // The link is no longer offered to staff once claimed.
    expect((await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body.link).toBeUndefined();

    const second = await DirectLineTestClient.start(running.url, { followUpLink: token, language: 'en' });
    expect(await botSays(second)).toEqual([chat('en').link!.expired]);
  });

  it('tells a resident whose link expired, in their language, and the follow-up reads expired', async () => {
    const { id, token } = await newLink('nl');
    await running.database.prisma.followUp.update({ where: { id }, data: { linkExpiresAt: new Date(Date.now() - 1000) } });
    const client = await DirectLineTestClient.start(running.url, { followUpLink: token, language: 'pap' });
    // A rejected link reveals nothing of its follow-up (not even its language): the page's language is used.
    expect(await botSays(client)).toEqual([chat('pap').link!.expired]);
    expect((await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body).toMatchObject({ status: 'expired' });
  });
});
