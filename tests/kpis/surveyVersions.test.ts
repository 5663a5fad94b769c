import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { parseCsv } from '../../src/scoring/csv';
import { AnswerStore } from '../../src/scoring/answerStore';
import { canonicalJson } from '../../src/surveys/loader';
import { ZSurvey } from '../../src/surveys/schema';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';

// The shared core gained "ervaren menselijkheid" in its second version. Responses given on the first version stay
// pinned to it: a report by version shows both, and humaneness only where the version asked it.
let running: TTestApp;
let token = '';

/** Each resident's answers: satisfaction and trust on every version, humaneness only where the version asks it. */
const V1_ANSWERS = [5, 4, 4, 3, 2, 5, 4, 4, 1, 5, 4, 3];
const V2_ANSWERS: Array<[satisfaction: number, humaneness: number]> = [
  [5, 5], [4, 4], [4, 5], [2, 2], [3, 4], [5, 5], [4, 3], [1, 1], [4, 4], [5, 4], [3, 3], [4, 5], [2, 3], [5, 4], [4, 4],
];

beforeAll(async () => {
  running = await startTestApp({ MIN_GROUP_SIZE: '10' });
  const { prisma } = running.database;
  const current = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' }, orderBy: { version: 'desc' } });
  const currentDefinition = ZSurvey.parse(JSON.parse(current.definition));
  // The first version as it was shipped: the same core without humaneness.
  const firstDefinition = { ...currentDefinition, version: 1, questions: currentDefinition.questions.filter((question) => question.key !== 'humaneness') };
  const first = await prisma.surveyVersion.create({
    data: { surveyId: 'meethuis', version: 1, contentHash: 'first-version', definition: canonicalJson(firstDefinition) },
  });
  const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  let now = new Date('2026-03-02T10:00:00Z');
  const store = new AnswerStore(running.database, () => now);
  let resident = 0;
  const respond = async (surveyVersionId: string, answers: Record<string, number>) => {
    resident++;
    now = new Date(now.getTime() + 3_600_000);
    const response = await store.startResponse({
      surveyVersionId,
      organisationId: demo.id,
      chatChannel: 'webchat',
      language: 'nl',
      source: 'self',
      residentKey: `resident-${resident}`,
      conversationKey: `conversation-${resident}`,
    });
    for (const [measure, value] of Object.entries(answers)) await store.recordAnswer(response.id, { questionKey: measure, measure, value });
    await store.completeResponse(response.id);
  };
  for (const satisfaction of V1_ANSWERS) await respond(first.id, { satisfaction, trust: satisfaction });
  for (const [satisfaction, humaneness] of V2_ANSWERS) await respond(current.id, { satisfaction, trust: satisfaction, humaneness });
  token = (await new TokenService(prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'cx', organisation: 'demo' })).token;
}, 120_000);
afterAll(() => running.stop());

async function get(path: string) {
  const response = await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, text: await response.text() };
}

const topBox = (values: number[]) => Math.round((1000 * values.filter((value) => value >= 4).length) / values.length) / 10;

describe('KPIs of the first and the second version of the survey, side by side', () => {
  it('reports humaneness for the version that asks it, null for the one that did not, and satisfaction for both', async () => {
    const { status, text } = await get('/api/v1/kpis?survey=meethuis&groupBy=surveyVersion');
    expect(status).toBe(200);
    const groups = (JSON.parse(text) as { groups: Array<{ key: { surveyVersion: string }; n: number; kpis: Record<string, unknown> }> }).groups;
    const byVersion = new Map(groups.map((group) => [group.key.surveyVersion, group]));
    expect([...byVersion.keys()].sort()).toEqual(['1', '2']);
    const first = byVersion.get('1')!;
    const second = byVersion.get('2')!;
    expect(first.n).toBe(V1_ANSWERS.length);
    expect(first.kpis.csat).toMatchObject({ value: topBox(V1_ANSWERS), n: V1_ANSWERS.length });
    expect(first.kpis.humaneness).toBeNull();
    const humaneness = V2_ANSWERS.map(([, value]) => value);
    expect(second.kpis.csat).toMatchObject({ value: topBox(V2_ANSWERS.map(([value]) => value)), n: V2_ANSWERS.length });
    expect(second.kpis.humaneness).toMatchObject({ value: topBox(humaneness), n: humaneness.length });
  });

  it('counts humaneness over the responses that were asked it when both versions are together', async () => {
    const { text } = await get('/api/v1/kpis?survey=meethuis');
    const [all] = (JSON.parse(text) as { groups: Array<{ n: number; kpis: Record<string, { n: number }> }> }).groups;
    expect(all!.n).toBe(V1_ANSWERS.length + V2_ANSWERS.length);
    expect(all!.kpis.csat!.n).toBe(V1_ANSWERS.length + V2_ANSWERS.length);
    expect(all!.kpis.humaneness!.n).toBe(V2_ANSWERS.length);
  });

  it('lists humaneness among the outcomes, and carries it in the CSV with an empty cell for the first version', async () => {
    const options = JSON.parse((await get('/api/v1/kpis/options?survey=meethuis')).text) as { outcomes: string[]; values: { surveyVersion: string[] } };
    expect(options.outcomes).toContain('humaneness');
    expect(options.values.surveyVersion).toEqual(['1', '2']);
    const rows: string[][] = [];
    for await (const record of parseCsv([(await get('/api/v1/kpis?survey=meethuis&groupBy=surveyVersion&format=csv')).text])) rows.push(record.fields);
    const [header, ...lines] = rows;
    const column = header!.indexOf('humaneness_value');
    expect(column).toBeGreaterThan(0);
    const version = header!.indexOf('surveyVersion');
    const cells = new Map(lines.map((line) => [line[version], line[column]]));
    expect(cells.get('1')).toBe('');
    expect(Number(cells.get('2'))).toBe(topBox(V2_ANSWERS.map(([, value]) => value)));
  });
});
