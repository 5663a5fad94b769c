import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, type TTestApp } from '../support/app';
import { botSays, call, createToken, followUpBody } from './support';

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

  it('lets the browser that opened it continue in a new chat, where it was, until the link expires; no other browser', async () => {
    const { id, token } = await newLink('en');
    const holder = 'a1'.repeat(16);
    const first = await DirectLineTestClient.start(running.url, { followUpLink: token, linkHolder: holder });
    await botSays(first);
    await first.say('yes');
    await first.say('4');
    await botSays(first);

    // The tab was closed; the same browser opens the link again: the same response goes on at the next question.
    const again = await DirectLineTestClient.start(running.url, { followUpLink: token, linkHolder: holder });
    expect(await botSays(again)).toEqual([chat('en').resume!.offer]);
    await again.say('yes');
    const [resumed, next] = await botSays(again);
    expect(resumed).toBe(chat('en').resume!.resumed);
    expect(next).toMatch(/^Question 2 of 12\n\n/);
    const responses = await running.database.prisma.response.findMany({ where: { followUpId: id }, include: { answers: true } });
    expect(responses).toHaveLength(1);
    expect(responses[0]!.answers.map((answer) => [answer.questionKey, answer.value])).toEqual([['satisfaction', 4]]);

    // Another browser, with the link but not its secret, is refused.
    const stranger = await DirectLineTestClient.start(running.url, { followUpLink: token, linkHolder: 'b2'.repeat(16), language: 'en' });
    expect(await botSays(stranger)).toEqual([chat('en').link!.expired]);

    // Past its time the link opens for nobody, and the unfinished follow-up reads expired.
    await running.database.prisma.followUp.update({ where: { id }, data: { linkExpiresAt: new Date(Date.now() - 1000) } });
    const late = await DirectLineTestClient.start(running.url, { followUpLink: token, linkHolder: holder, language: 'en' });
    expect(await botSays(late)).toEqual([chat('en').link!.expired]);
    expect((await call(running.url, 'GET', `/api/follow-ups/${id}`, { token: staff })).body).toMatchObject({ status: 'expired' });

    // The response now belongs to the new chat: "delete my answers" there erases it.
    await again.say('delete my answers');
    await again.say('yes');
    expect(await botSays(again)).toContain(chat('en').erase!.done);
    expect(await running.database.prisma.response.count({ where: { followUpId: id } })).toBe(0);
  });

  it('never stores the link holder’s secret, only its keyed hash', async () => {
    const { id, token } = await newLink('nl');
    const holder = 'c3'.repeat(16);
    const client = await DirectLineTestClient.start(running.url, { followUpLink: token, linkHolder: holder });
    await botSays(client);
    const row = await running.database.prisma.followUp.findUniqueOrThrow({ where: { id } });
    expect(row.linkHolderKey).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify([row, await running.database.prisma.directLineConversation.findMany()]);
    expect(everything).not.toContain(holder);
  });
});

