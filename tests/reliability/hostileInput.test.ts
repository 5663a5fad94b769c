import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { parseCsv } from '../../src/scoring/csv';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { textsOf, questionOf } from '../support/teams';

/** What residents paste: control characters, emoji, right-to-left text, SQL and markup — all of it plain text to us. */
const HOSTILE = "Tab\there\u0007 bell 🙂👍🏽 \u202eright-to-left\u202c مرحبا '; DROP TABLE \"Answer\"; -- <script>alert('x')</script> &amp;";

let app: TTestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

async function answerOpenQuestion(text: string): Promise<DirectLineTestClient> {
  const { chat, survey } = textsOf('en');
  const webchat = await DirectLineTestClient.start(app.url, { organisation: 'demo', language: 'en' });
  await webchat.say(chat.buttons!.yes!);
  let asked = '';
  for (let turn = 0; turn < 30 && asked !== survey.questions!.improvement; turn++) {
    const bot = (await webchat.poll()).filter((activity) => (activity.from as { role?: string }).role === 'bot');
    asked = questionOf((bot.at(-1)?.text as string | undefined) ?? asked)!;
    if (asked !== survey.questions!.improvement) await webchat.say('4');
  }
  await webchat.say(text);
  return webchat;
}

describe('hostile resident text', () => {
  it('is stored as the plain text typed, echoed as data and exported as one CSV cell that reads back the same', async () => {
    const webchat = await answerOpenQuestion(HOSTILE);
    const echo = (await webchat.poll()).find((activity) => (activity.from as { role?: string }).role === 'user');
    expect(echo?.text).toBe(HOSTILE);

    const stored = await app.database.prisma.answer.findFirstOrThrow({ where: { questionKey: 'improvement' } });
    expect(stored.text).toBe(HOSTILE);
    expect(await app.database.prisma.answer.count()).toBeGreaterThan(1);

    const { token } = await new TokenService(app.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'export' });
    const response = await fetch(`${app.url}/api/responses/export?survey=meethuis`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const rows: string[][] = [];
    for await (const record of parseCsv([await response.text()])) rows.push(record.fields);
    expect(rows.flat()).toContain(HOSTILE);
  });
});

describe('rate limits over HTTP', () => {
  let limited: TTestApp;
  beforeAll(async () => {
    limited = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => limited.stop());

  it('answer a client that asks for Direct Line tokens too often with 429, Retry-After and a JSON error', async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const response = await fetch(`${limited.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(statuses).toContain(429);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused!.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });
});
