import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { parseCsv } from '../../src/scoring/csv';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';

let first: TTestApp;
let second: TTestApp;
const tokens = { admin: '', analyst: '', bonaireAdmin: '' };

beforeAll(async () => {
  first = await startTestApp({ MIN_GROUP_SIZE: '10' });
  second = await startTestApp({ MIN_GROUP_SIZE: '10' }, () => first.database.url);
  const service = new TokenService(first.database.prisma, TEST_SECRETS.HASH_SECRET);
  tokens.admin = (await service.create({ role: 'admin', name: 'cx demo', organisation: 'demo' })).token;
  tokens.analyst = (await service.create({ role: 'analyst', name: 'bi demo', organisation: 'demo' })).token;
  tokens.bonaireAdmin = (await service.create({ role: 'admin', name: 'cx bonaire', organisation: 'bonaire' })).token;
}, 120_000);
afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

interface TCheck {
  severity: string;
  rule: string;
  field: string;
}
interface TView {
  survey: string;
  core: { version: number; questions: Array<{ key: string; text: { nl: string } }> };
  draft: { version: number; questions: unknown[]; checks: TCheck[]; publishable: boolean };
  published: Array<{ version: number; coreVersion: number | null }>;
  newerCoreAvailable: boolean;
  publishedVersion?: number;
  code?: string;
  field?: string;
  current?: { draft: { version: number } };
  questions?: Array<{ key: string; core?: boolean; text?: unknown }>;
}

const textOf = (activity: Record<string, unknown>) => (typeof activity.text === 'string' ? activity.text : '');

async function call(method: string, path: string, body?: unknown, token = tokens.admin) {
  const response = await fetch(`${first.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as TView };
}

const VISIT_REASON = {
  key: 'visitReason',
  type: 'choice',
  showIf: { question: 'satisfaction', lte: 3 },
  text: { nl: 'Waarvoor kwam u bij ons?', pap: 'Pa kiko bo a bin serka nos?', en: 'What did you come to us for?' },
  options: ['appointment', 'question'],
  optionLabels: {
    appointment: { nl: 'Een afspraak', pap: 'Un sita', en: 'An appointment' },
    question: { nl: 'Een vraag', pap: 'Un pregunta', en: 'A question' },
  },
};
const LONG = 'Wij willen graag van u weten wat wij volgens u de volgende keer beter kunnen doen bij het helpen van inwoners die met een vraag bij ons aan de balie komen staan.';
const REMARK = {
  key: 'remark',
  type: 'text',
  text: { nl: 'Indien u nog iets kwijt wilt, schrijf het hier op.', pap: 'Bo tin algu mas pa bisa nos?', en: 'Is there anything else you want to tell us?' },
};

describe('an organisation’s own variant of the survey', () => {
  it('starts on the shared core, which it shows but cannot change, with the shared open question as its own', async () => {
    const { status, json } = await call('GET', '/organisations/demo/survey');
    expect(status).toBe(200);
    expect(json.survey).toBe('demo');
    expect(json.core.questions.map((question) => question.key)).toContain('humaneness');
    expect(json.core.questions[0]!.text.nl).toMatch(/tevreden/i);
    // Publishing the first draft as it is keeps the residents' own words; the organisation may remove the question.
    const surveyTexts = JSON.parse(readFileSync(new URL('../../locales/pap/survey.json', import.meta.url), 'utf8')) as { questions: Record<string, string> };
    expect(json.draft).toMatchObject({ version: 1, questions: [{ key: 'improvement', type: 'text', text: { pap: surveyTexts.questions.improvement } }] });
    expect(json.published).toEqual([]);
  });

  it('refuses a draft whose structure is wrong, naming the field and the rule, and saves nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [[{ ...REMARK, key: 'trust' }], 'questions[0].key'],
      [[{ ...VISIT_REASON, showIf: { question: 'remark', answered: true } }, REMARK], 'questions[0].showIf.question'],
      [[{ ...VISIT_REASON, showIf: { question: 'nothingLikeThis', eq: 1 } }], 'questions[0].showIf.question'],
      [[{ ...VISIT_REASON, options: [] }], 'questions[0].options'],
      [[REMARK, REMARK], 'questions[1].key'],
    ];
    for (const [questions, field] of cases) {
      const refused = await call('PUT', '/organisations/demo/survey/draft', { version: 1, questions });
      expect(refused.status, JSON.stringify(questions)).toBe(400);
      expect(refused.json.field, JSON.stringify(refused.json)).toBe(field);
    }
    expect((await call('GET', '/organisations/demo/survey')).json.draft.version).toBe(1);
  });

  it('checks the texts for plain language while editing; an error blocks publishing until it is fixed', async () => {
    const saved = await call('PUT', '/organisations/demo/survey/draft', { version: 1, questions: [VISIT_REASON, { ...REMARK, text: { ...REMARK.text, nl: `${LONG} ${REMARK.text.nl}`, pap: '' } }] });
    expect(saved.status).toBe(200);
    const checks = saved.json.draft.checks;
    expect(checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: 'error', rule: 'sentence_too_long', field: 'questions[1].text.nl' }),
        expect.objectContaining({ severity: 'error', rule: 'missing_text', field: 'questions[1].text.pap' }),
        expect.objectContaining({ severity: 'warning', rule: 'officialese', field: 'questions[1].text.nl' }),
      ]),
    );
    expect(saved.json.draft.publishable).toBe(false);
    const refused = await call('POST', '/organisations/demo/survey/publish', { version: 2 });
    expect(refused).toMatchObject({ status: 400, json: { code: 'not_publishable' } });
    expect(refused.json.field).toMatch(/^questions\[1\]\.text\.(nl|pap)$/);

    const stale = await call('PUT', '/organisations/demo/survey/draft', { version: 1, questions: [] });
    expect(stale).toMatchObject({ status: 409, json: { code: 'stale_version', current: { draft: { version: 2 } } } });

    const fixed = await call('PUT', '/organisations/demo/survey/draft', { version: 2, questions: [VISIT_REASON, REMARK] });
    expect(fixed.json.draft.checks.filter((check) => check.severity === 'error')).toEqual([]);
    expect(fixed.json.draft.checks).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'officialese' })]));
    const published = await call('POST', '/organisations/demo/survey/publish', { version: 3 });
    expect(published).toMatchObject({ status: 200, json: { publishedVersion: 1, newerCoreAvailable: false } });
    expect(published.json.published[0]).toMatchObject({ version: 1, coreVersion: published.json.core.version });
    // Publishing the same again adds no version.
    expect((await call('POST', '/organisations/demo/survey/publish', { version: 3 })).json.publishedVersion).toBe(1);
  });

  it('serves the new version on the other replica: a resident types an option label in Papiamentu and is understood', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const resident = await DirectLineTestClient.start(second.url, { organisation: 'demo', language: 'pap' });
    let said: string[] = (await resident.poll()).map((activity) => textOf(activity));
    const reply = async (text: string) => {
      await resident.say(text);
      for (let attempt = 0; attempt < 40; attempt++) {
        const activities = await resident.poll();
        if (activities.some((activity) => (activity.from as { role?: string }).role === 'bot')) {
          said = activities.filter((activity) => (activity.from as { role?: string }).role === 'bot').map((activity) => textOf(activity));
          return said.join('\n');
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no answer to "${text}"`);
    };
    let last = await reply('si');
    let sawChoice = false;
    for (let turn = 0; turn < 20 && !last.includes(REMARK.text.pap); turn++) {
      if (last.includes(VISIT_REASON.text.pap)) {
        sawChoice = true;
        expect(last).toMatch(/di 13/);
        last = await reply('un sita');
      } else {
        last = await reply('2');
      }
    }
    expect(sawChoice).toBe(true);
    expect(last).toContain(REMARK.text.pap);
    await reply('Mas tempu pa papia');

    const { prisma } = first.database;
    const answers = await prisma.answer.findMany({ where: { questionKey: { in: ['visitReason', 'remark'] } } });
    expect(answers.map((answer) => [answer.questionKey, answer.text ?? answer.value])).toEqual(
      expect.arrayContaining([['visitReason', 'appointment'], ['remark', 'Mas tempu pa papia']]),
    );
    const response = await prisma.response.findFirstOrThrow({ where: { id: answers[0]!.responseId }, include: { surveyVersion: true } });
    expect(response.surveyVersion).toMatchObject({ surveyId: 'demo', version: 1 });

    const exported = await fetch(`${first.url}/api/v1/responses/export?survey=demo`, { headers: { authorization: `Bearer ${tokens.analyst}` } });
    const rows: string[][] = [];
    for await (const record of parseCsv([await exported.text()])) rows.push(record.fields);
    expect(rows.flat()).toEqual(expect.arrayContaining(['visitReason', 'appointment']));
  });

  it('previews the draft with the real bot, in a conversation that stores no response or answer', async () => {
    const current = (await call('GET', '/organisations/demo/survey')).json;
    const draftOnly = { key: 'draftOnly', type: 'yesno', text: { nl: 'Komt u nog eens terug?', pap: '', en: 'Will you come again?' } };
    await call('PUT', '/organisations/demo/survey/draft', { version: current.draft.version, questions: [VISIT_REASON, REMARK, draftOnly] });
    const { prisma } = first.database;
    const before = { responses: await prisma.response.count(), answers: await prisma.answer.count(), cells: await prisma.rollupCell.count() };

    const refused = await fetch(`${first.url}/api/v1/organisations/demo/survey/preview`, { method: 'POST', headers: { authorization: `Bearer ${tokens.analyst}`, 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(403);
    const granted = await fetch(`${first.url}/api/v1/organisations/demo/survey/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'nl' }),
    });
    expect(granted.status).toBe(201);
    const grant = (await granted.json()) as { token: string; conversationId: string };
    // A page cannot ask for a preview itself: the flag is the server's.
    const asked = await fetch(`${second.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: { organisation: 'demo', language: 'nl', preview: true } }) });
    expect(asked.status).toBe(200);
    const ordinary = new DirectLineTestClient(second.url, String(((await asked.json()) as { token: string }).token));
    const opened = await ordinary.request('POST', '/v3/directline/conversations', {});
    ordinary.conversationId = String(opened.body.conversationId);
    ordinary.token = String(opened.body.token);
    // Its answers are stored like any resident's: the page's "preview" was dropped.
    const answersBefore = await prisma.answer.count();
    await ordinary.say('ja');
    await ordinary.say('4');
    await expect.poll(() => prisma.response.count(), { timeout: 5_000 }).toBe(before.responses + 1);
    await expect.poll(() => prisma.answer.count(), { timeout: 5_000 }).toBe(answersBefore + 1);
    before.responses = await prisma.response.count();
    before.answers = await prisma.answer.count();
    before.cells = await prisma.rollupCell.count();

    const admin = new DirectLineTestClient(second.url, grant.token);
    const started = await admin.request('POST', '/v3/directline/conversations', {});
    admin.conversationId = String(started.body.conversationId);
    admin.token = String(started.body.token);
    await admin.poll();
    let last = '';
    const reply = async (text: string) => {
      await admin.say(text);
      for (let attempt = 0; attempt < 40; attempt++) {
        const bot = (await admin.poll()).filter((activity) => (activity.from as { role?: string }).role === 'bot');
        if (bot.length > 0) return (last = bot.map((activity) => textOf(activity)).join('\n'));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no answer to "${text}"`);
    };
    await reply('ja');
    for (let turn = 0; turn < 20 && !last.includes('draftOnly') && !last.includes('Komt u nog eens terug?'); turn++) {
      if (last.includes(VISIT_REASON.text.nl)) await reply('een vraag');
      else if (last.includes(REMARK.text.nl)) await reply('Niets');
      else await reply('4');
    }
    expect(last).toContain('Komt u nog eens terug?');
    await reply('ja');
    expect({ responses: await prisma.response.count(), answers: await prisma.answer.count(), cells: await prisma.rollupCell.count() }).toEqual(before);
  });

  it('exports the variant as a file with its own texts inside, which another organisation imports and publishes', async () => {
    const exported = await call('GET', '/organisations/demo/survey/export');
    expect(exported.status).toBe(200);
    expect(exported.json.questions!.map((question) => question.key)).toEqual(['visitReason', 'remark']);
    expect(exported.json.questions![0]!.text).toEqual(VISIT_REASON.text);

    const bonaire = (await call('GET', '/organisations/bonaire/survey', undefined, tokens.bonaireAdmin)).json;
    const withCore = { ...exported.json, questions: [{ key: 'trust', type: 'scale5', core: true, text: VISIT_REASON.text }, ...exported.json.questions!] };
    const refused = await call('POST', '/organisations/bonaire/survey/import', { version: bonaire.draft.version, survey: withCore }, tokens.bonaireAdmin);
    expect(refused).toMatchObject({ status: 400, json: { code: 'changes_core', field: 'survey.questions.0.core' } });
    const untranslated = { ...exported.json, questions: [{ ...VISIT_REASON, text: { ...VISIT_REASON.text, en: '' } }] };
    const incomplete = await call('POST', '/organisations/bonaire/survey/import', { version: bonaire.draft.version, survey: untranslated }, tokens.bonaireAdmin);
    expect(incomplete).toMatchObject({ status: 400, json: { code: 'not_publishable', field: 'survey.questions[0].text.en' } });

    const imported = await call('POST', '/organisations/bonaire/survey/import', { version: bonaire.draft.version, survey: exported.json }, tokens.bonaireAdmin);
    expect(imported.status).toBe(200);
    expect(imported.json.survey).toBe('bonaire');
    const published = await call('POST', '/organisations/bonaire/survey/publish', { version: imported.json.draft.version }, tokens.bonaireAdmin);
    expect(published.json.publishedVersion).toBe(3);
    // A scoped admin of Bonaire cannot touch Demo's variant.
    expect((await call('GET', '/organisations/demo/survey', undefined, tokens.bonaireAdmin)).status).toBe(403);
  });
});
