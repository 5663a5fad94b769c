import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldAllRollupDeltas } from '../../src/scoring/rollups';
import { DirectLineTestClient, startConnectorStub } from '../channels/support';
import { startTestApp, type TTestApp } from '../support/app';
import { TeamsResident, textsOf, questionOf } from '../support/teams';

const PHONE = '06-12345678';
const EMAIL = 'jan.jansen@example.nl';
const BSN = '111222333';
const FREE_TEXT = `Bel mij op ${PHONE} of mail ${EMAIL}, mijn BSN is ${BSN}. Wachten duurde lang.`;

const logLines: string[] = [];
let app: TTestApp;
let connector: Awaited<ReturnType<typeof startConnectorStub>>;

beforeAll(async () => {
  const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => void (logLines.push(String(chunk)), done()) }));
  connector = await startConnectorStub();
  app = await startTestApp({ SERVICE_URL_ALLOWLIST: '127.0.0.1', LOG_LEVEL: 'trace' }, undefined, logger);
});
afterAll(async () => {
  await app.stop();
  await connector.close();
});

/** Every row of every table, as text: what an attacker with a copy of the database would have. */
async function everythingStored(): Promise<string> {
  const { prisma } = app.database;
  const tables = await Promise.all([
    prisma.botState.findMany(),
    prisma.response.findMany(),
    prisma.answer.findMany(),
    prisma.directLineConversation.findMany(),
    prisma.directLineActivity.findMany(),
    prisma.conversationReference.findMany(),
    prisma.rollupCell.findMany(),
    prisma.rollupDay.findMany(),
    prisma.rollupDelta.findMany(),
    prisma.auditLog.findMany(),
    prisma.callback.findMany(),
    prisma.followUp.findMany(),
  ]);
  return JSON.stringify(tables);
}

describe('what a resident types', () => {
  it('is kept nowhere in clear — not in bot state, the Direct Line store, the references or the logs — only scrubbed in the answer', async () => {
    const { chat, survey } = textsOf('nl');
    const webchat = await DirectLineTestClient.start(app.url, { organisation: 'demo', language: 'nl' });
    await webchat.poll();
    await webchat.say(chat.buttons!.yes!);
    // A nonsense answer carrying personal data on a scale question: not understood, never stored.
    await webchat.say(`bel ${PHONE}`);
    let asked = '';
    for (let turn = 0; turn < 30 && asked !== survey.questions!.improvement; turn++) {
      const activities = await webchat.poll();
      const last = activities.filter((activity) => (activity.from as { role?: string }).role === 'bot').at(-1)?.text as string | undefined;
      asked = questionOf(last ?? asked)!;
      if (asked !== survey.questions!.improvement) await webchat.say('3');
    }
    expect(asked).toBe(survey.questions!.improvement);
    await webchat.say(FREE_TEXT);
    const echoes = (await webchat.poll()).filter((activity) => (activity.from as { role?: string }).role === 'user');

    const teams = new TeamsResident(connector, 'nl-NL', 'privacy-teams-user');
    await teams.open(app.url);
    await teams.say(app.url, chat.buttons!.yes!);
    await teams.say(app.url, '4');
    await foldAllRollupDeltas(app.database);

    const answer = await app.database.prisma.answer.findFirstOrThrow({ where: { questionKey: 'improvement' } });
    expect(answer.text).toContain('Wachten duurde lang.');
    expect(echoes.map((echo) => String(echo.text))).toContain(answer.text);

    const stored = await everythingStored();
    const logs = logLines.join('');
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of [PHONE, EMAIL, BSN, teams.user.id, teams.conversation.id]) {
      expect(stored, `database holds ${secret}`).not.toContain(secret);
      expect(logs, `logs hold ${secret}`).not.toContain(secret);
    }
    expect(logs).not.toContain('Wachten duurde lang');
  });
});
