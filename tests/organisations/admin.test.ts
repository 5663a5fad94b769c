import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens';
import { seedOrganisations } from '../../src/db/seed';
import { PlaceDirectory } from '../../src/places/places';
import { AnswerStore } from '../../src/scoring/answerStore';
import { DirectLineTestClient } from '../channels/support';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';

let first: TTestApp;
let second: TTestApp;
const tokens = { demoAdmin: '', bonaireAdmin: '', admin: '', analyst: '' };

beforeAll(async () => {
  first = await startTestApp({ MIN_GROUP_SIZE: '10' });
  // A second replica on the same database: what one saves, the other serves.
  second = await startTestApp({ MIN_GROUP_SIZE: '10' }, () => first.database.url);
  const service = new TokenService(first.database.prisma, TEST_SECRETS.HASH_SECRET);
  tokens.demoAdmin = (await service.create({ role: 'admin', name: 'cx demo', organisation: 'demo' })).token;
  tokens.bonaireAdmin = (await service.create({ role: 'admin', name: 'cx bonaire', organisation: 'bonaire' })).token;
  tokens.admin = (await service.create({ role: 'admin', name: 'operator' })).token;
  tokens.analyst = (await service.create({ role: 'analyst', name: 'bi', organisation: 'demo' })).token;
}, 120_000);
afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

async function call(method: string, path: string, token: string, body?: unknown, base = first.url) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : null) as TBody, type: response.headers.get('content-type') ?? '' };
}

interface TNamed {
  slug: string;
  retired?: boolean;
}
/** The answers as these tests read them; their full shapes are checked by the contract watch against the API document. */
interface TBody {
  [field: string]: unknown;
  version: number;
  contact: string;
  complaints: string;
  timeZone: string;
  phoneRegion: string;
  hasResponses: boolean;
  id: string;
  token: string;
  organisation: string | null;
  lastUsedAt: string | null;
  retired: boolean;
  minGroupSize: number;
  service: string;
  organisations: Array<TNamed & { services: TNamed[] }>;
  services: TNamed[];
  places: TNamed[];
  tokens: Array<{ id: string; name: string; organisation: string | null; lastUsedAt: string | null; yours: boolean }>;
  entries: Array<{ action: string }>;
}

const demo = () => call('GET', '/organisations/demo', tokens.demoAdmin);
const NAMES = { nl: 'Bijzondere bijstand', pap: 'Yudansa spesial', en: 'Special assistance' };

describe('an organisation sets itself up', () => {
  it('shows a scoped admin its own organisation only, and refuses another one and other roles', async () => {
    const list = await call('GET', '/organisations', tokens.demoAdmin);
    expect(list.json.organisations.map((organisation) => organisation.slug)).toEqual(['demo']);
    expect((await call('GET', '/organisations', tokens.admin)).json.organisations.map((organisation) => organisation.slug)).toEqual(
      expect.arrayContaining(['demo', 'bonaire']),
    );
    const other = await call('GET', '/organisations/bonaire', tokens.demoAdmin);
    expect(other.status).toBe(403);
    expect(other.json).toMatchObject({ code: 'forbidden', field: 'organisation' });
    expect((await call('PATCH', '/organisations/bonaire/services/paspoort', tokens.demoAdmin, { version: 1, names: NAMES })).status).toBe(403);
    expect((await call('GET', '/organisations/demo', tokens.analyst)).status).toBe(403);
    expect((await call('POST', '/organisations', tokens.demoAdmin, { slug: 'saba', names: NAMES, timeZone: 'America/Kralendijk' })).status).toBe(403);
  });

  it('changes the contact number, and a new resident on the other replica hears it in help within seconds', async () => {
    // The other replica has served the organisation already, so it has it cached.
    const before = await DirectLineTestClient.start(second.url, { organisation: 'demo', language: 'nl' });
    await before.poll();
    const { json: current } = await demo();
    const saved = await call('PATCH', '/organisations/demo', tokens.demoAdmin, { version: current.version, contact: '14 020 (kies 3)' });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ contact: '14 020 (kies 3)', version: current.version + 1 });

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const resident = await DirectLineTestClient.start(second.url, { organisation: 'demo', language: 'nl' });
    await resident.poll();
    await resident.say('help');
    let replies: string[] = [];
    for (let attempt = 0; attempt < 20 && !replies.some((text) => text.includes('kies 3')); attempt++) {
      replies = replies.concat((await resident.poll()).map((activity) => (typeof activity.text === 'string' ? activity.text : '')));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(replies.join('\n')).toContain('14 020 (kies 3)');

    const audit = await call('GET', '/organisations/demo/audit', tokens.demoAdmin);
    expect(audit.json.entries[0]).toMatchObject({ actor: 'cx demo', action: 'organisation.update', details: { fields: ['contact'] } });
  });

  it('refuses a save based on an older version with 409 and the record as it is now', async () => {
    const { json: current } = await demo();
    expect((await call('PATCH', '/organisations/demo', tokens.demoAdmin, { version: current.version, complaints: 'https://demo.example.nl/klachten' })).status).toBe(200);
    const late = await call('PATCH', '/organisations/demo', tokens.demoAdmin, { version: current.version, complaints: 'https://other.example.nl' });
    expect(late.status).toBe(409);
    expect(late.type).toContain('application/problem+json');
    expect(late.json).toMatchObject({ code: 'stale_version', field: 'version', current: { complaints: 'https://demo.example.nl/klachten', version: current.version + 1 } });
    expect((await demo()).json.complaints).toBe('https://demo.example.nl/klachten');
  });

  it('names the field of bad input and saves nothing of it', async () => {
    const { json: current } = await demo();
    const cases: Array<[string, string, unknown, number, string]> = [
      ['PATCH', '/organisations/demo', { version: current.version, contact: 'nieuw', timeZone: 'Europe/Atlantis' }, 400, 'timeZone'],
      ['PATCH', '/organisations/demo', { version: current.version, names: { nl: 'Gemeente Demo', en: 'Demo' } }, 400, 'names.pap'],
      ['PATCH', '/organisations/demo', { version: current.version, minGroupSize: 10 }, 400, 'minGroupSize'],
      ...['XX', 'nl', ''].map((phoneRegion): [string, string, unknown, number, string] => ['PATCH', '/organisations/demo', { version: current.version, contact: 'nieuw', phoneRegion }, 400, 'phoneRegion']),
      ['POST', '/organisations/demo/services', { slug: 'paspoort', names: NAMES }, 400, 'slug'],
      ['POST', '/organisations/demo/services', { slug: 'Bijstand!', names: NAMES }, 400, 'slug'],
      ['POST', '/organisations/demo/places', { slug: 'noord', name: 'Noord' }, 400, 'slug'],
      ['POST', '/organisations/demo/places', { slug: 'noorderkwartier', name: 'noord' }, 400, 'name'],
      ['POST', '/organisations', { slug: 'demo', names: NAMES, timeZone: 'Europe/Amsterdam' }, 400, 'slug'],
    ];
    for (const [method, path, body, status, field] of cases) {
      const answer = await call(method, path, method === 'POST' && path === '/organisations' ? tokens.admin : tokens.demoAdmin, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(answer.json.field, `${method} ${path}`).toBe(field);
    }
    const after = (await demo()).json;
    expect(after).toMatchObject({ version: current.version, contact: current.contact, timeZone: current.timeZone, phoneRegion: current.phoneRegion });
    expect(after.services).toHaveLength(current.services.length);
    expect(after.places).toHaveLength(current.places.length);
  });

  it('reads numbers without a country code in its phone region: NL unless set, BQ for Bonaire as seeded', async () => {
    const { json: current } = await demo();
    expect(current.phoneRegion).toBe('NL');
    expect((await call('GET', '/organisations/bonaire', tokens.bonaireAdmin)).json.phoneRegion).toBe('BQ');

    const saved = await call('PATCH', '/organisations/demo', tokens.demoAdmin, { version: current.version, phoneRegion: 'BQ' });
    expect(saved).toMatchObject({ status: 200, json: { phoneRegion: 'BQ', version: current.version + 1 } });
    expect((await call('GET', '/organisations/demo/audit', tokens.demoAdmin)).json.entries[0]).toMatchObject({ action: 'organisation.update', details: { fields: ['phoneRegion'] } });
    expect((await call('PATCH', '/organisations/demo', tokens.demoAdmin, { version: current.version + 1, phoneRegion: 'NL' })).json.phoneRegion).toBe('NL');

    const saba = await call('POST', '/organisations', tokens.admin, { slug: 'saba', names: { nl: 'Openbaar Lichaam Saba', pap: 'Entidat Públiko Saba', en: 'Public Entity Saba' }, timeZone: 'America/Kralendijk', phoneRegion: 'BQ' });
    expect(saba).toMatchObject({ status: 201, json: { slug: 'saba', phoneRegion: 'BQ' } });
  });

  it('adds a service that staff can choose and a page can name at once; retired, it leaves both and keeps its history', async () => {
    const added = await call('POST', '/organisations/demo/services', tokens.demoAdmin, { slug: 'bijstand', names: NAMES });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ slug: 'bijstand', names: NAMES, version: 1, retired: false });
    const staff = (await new TokenService(first.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'staff', name: 'kcc', organisation: 'demo' })).token;
    const offered = async () =>
      (await call('GET', '/services', staff, undefined, second.url)).json.organisations[0]!.services.map((service) => service.slug);
    expect(await offered()).toContain('bijstand');
    const sent = await call('POST', '/follow-ups', staff, { survey: 'meethuis', service: 'bijstand', contactChannel: 'telefoon', target: { type: 'link' } });
    expect(sent.status).toBe(202);

    const retired = await call('PATCH', '/organisations/demo/services/bijstand', tokens.demoAdmin, { version: 1, retired: true });
    expect(retired.json).toMatchObject({ retired: true, version: 2 });
    expect(await offered()).not.toContain('bijstand');
    const refused = await call('POST', '/follow-ups', staff, { survey: 'meethuis', service: 'bijstand', contactChannel: 'telefoon', target: { type: 'link' } });
    expect(refused).toMatchObject({ status: 400, json: { code: 'unknown_service', field: 'service' } });
    // Its history stays: the follow-up sent before still names it.
    expect((await call('GET', `/follow-ups/${sent.json.id}`, staff)).json.service).toBe('bijstand');
    expect((await demo()).json.services).toEqual(expect.arrayContaining([expect.objectContaining({ slug: 'bijstand', retired: true })]));
    expect((await call('PATCH', '/organisations/demo/services/bijstand', tokens.demoAdmin, { version: 2, retired: false })).json.retired).toBe(false);
  });

  it('adds and names a place in three languages; a page may use any of its names; retired, pages may not', async () => {
    const places = new PlaceDirectory(first.database.prisma);
    const added = await call('POST', '/organisations/demo/places', tokens.demoAdmin, { slug: 'haven', name: 'Haven', names: { nl: 'Haven', pap: 'Haf', en: 'Harbour' } });
    expect(added.status).toBe(201);
    expect(await places.resolve('demo', 'harbour')).toBe('Haven');
    expect(await places.resolve('demo', 'Haf')).toBe('Haven');
    expect((await call('PATCH', '/organisations/demo/places/haven', tokens.demoAdmin, { version: 1, retired: true })).status).toBe(200);
    expect(await places.resolve('demo', 'Haven')).toBeUndefined();
  });

  it('keeps the slug, the time zone and a place’s recorded name once responses exist', async () => {
    const { prisma } = first.database;
    const organisation = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'bonaire' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'bonaire' } });
    await new AnswerStore(first.database).startResponse({
      surveyVersionId: version.id,
      organisationId: organisation.id,
      chatChannel: 'webchat',
      language: 'pap',
      location: 'Rincon',
      source: 'self',
      residentKey: 'resident',
      conversationKey: 'conversation',
    });
    const { json: current } = await call('GET', '/organisations/bonaire', tokens.bonaireAdmin);
    expect(current.hasResponses).toBe(true);
    for (const [change, field] of [
      [{ slug: 'boneiru' }, 'slug'],
      [{ timeZone: 'America/Curacao' }, 'timeZone'],
    ] as const) {
      const refused = await call('PATCH', '/organisations/bonaire', tokens.bonaireAdmin, { version: current.version, ...change });
      expect(refused).toMatchObject({ status: 409, json: { code: 'fixed_once_answered', field } });
    }
    const place = await call('PATCH', '/organisations/bonaire/places/rincon', tokens.bonaireAdmin, { version: 1, name: 'Rincón' });
    expect(place).toMatchObject({ status: 409, json: { code: 'fixed_once_answered', field: 'name' } });
    // Its names as residents read them may change.
    const renamed = await call('PATCH', '/organisations/bonaire/places/rincon', tokens.bonaireAdmin, { version: 1, names: { nl: 'Rincon', pap: 'Rincon', en: 'Rincon village' } });
    expect(renamed).toMatchObject({ status: 200, json: { name: 'Rincon', names: { en: 'Rincon village' } } });
  });

  it('raises an organisation’s minimum group size, which its reports and a benchmark then use', async () => {
    const { json: current } = await call('GET', '/organisations/bonaire', tokens.bonaireAdmin);
    const raised = await call('PATCH', '/organisations/bonaire', tokens.bonaireAdmin, { version: current.version, minGroupSize: 25 });
    expect(raised.json).toMatchObject({ minGroupSize: 25, effectiveMinGroupSize: 25 });
    const analyst = (await new TokenService(first.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'a', organisation: 'demo' })).token;
    const own = await call('GET', '/kpis?survey=meethuis', analyst);
    expect(own.json.minGroupSize).toBe(10);
    const benchmark = await call('GET', '/kpis/benchmark?survey=meethuis', analyst);
    expect(benchmark.json.minGroupSize).toBe(25);
    const bonaireAnalyst = (await new TokenService(first.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'b', organisation: 'bonaire' })).token;
    expect((await call('GET', '/kpis?survey=bonaire', bonaireAnalyst)).json.minGroupSize).toBe(25);
  });

  it('is the source of truth: the seed adds what is missing and never overwrites an admin’s change', async () => {
    const before = (await demo()).json;
    await seedOrganisations(first.database.prisma);
    const after = (await demo()).json;
    expect(after.contact).toBe(before.contact);
    expect(after.contact).not.toBe('14 020');
    expect(after.services.find((service) => service.slug === 'bijstand')).toBeDefined();
  });
});

describe('the people of an organisation: tokens', () => {
  it('lets a scoped admin give a token for its own organisation only, shows the secret once, lists last use, and revokes', async () => {
    const created = await call('POST', '/tokens', tokens.demoAdmin, { role: 'staff', name: 'Anna (KCC)', expiresDays: 30 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ role: 'staff', organisation: 'demo', state: 'active', lastUsedAt: null });
    expect(created.json.token).toMatch(/^mh_/);
    expect((await call('GET', '/services', created.json.token)).status).toBe(200);

    const listed = await call('GET', '/tokens', tokens.demoAdmin);
    const mine = listed.json.tokens.find((token) => token.id === created.json.id);
    expect(mine?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.json)).not.toContain(created.json.token);
    expect(listed.json.tokens.every((token) => token.organisation === 'demo')).toBe(true);

    const forOther = await call('POST', '/tokens', tokens.demoAdmin, { role: 'admin', name: 'x', organisation: 'bonaire' });
    expect(forOther).toMatchObject({ status: 403, json: { field: 'organisation' } });
    const bonaireToken = (await call('POST', '/tokens', tokens.bonaireAdmin, { role: 'staff', name: 'y' })).json;
    expect((await call('DELETE', `/tokens/${bonaireToken.id}`, tokens.demoAdmin)).status).toBe(404);
    expect((await call('GET', '/services', bonaireToken.token)).status).toBe(200);

    expect((await call('DELETE', `/tokens/${created.json.id}`, tokens.demoAdmin)).status).toBe(204);
    expect((await call('GET', '/services', created.json.token)).status).toBe(401);
    const audit = (await call('GET', '/organisations/demo/audit', tokens.demoAdmin)).json.entries.map((entry) => entry.action);
    expect(audit).toEqual(expect.arrayContaining(['token.create', 'token.revoke']));
  });

  it('marks the admin’s own token and refuses to revoke it: an admin cannot lock themselves out', async () => {
    const listed = (await call('GET', '/tokens', tokens.demoAdmin)).json.tokens;
    const own = listed.filter((token) => token.yours);
    expect(own.map((token) => token.name)).toEqual(['cx demo']);
    const refused = await call('DELETE', `/tokens/${own[0]!.id}`, tokens.demoAdmin);
    expect(refused).toMatchObject({ status: 409, json: { code: 'own_token' } });
    expect((await call('GET', '/tokens', tokens.demoAdmin)).status).toBe(200);
    // Another admin of the organisation may.
    const colleague = (await call('POST', '/tokens', tokens.demoAdmin, { role: 'admin', name: 'cx collega' })).json;
    expect((await call('GET', '/tokens', colleague.token)).json.tokens.find((token) => token.yours)?.id).toBe(colleague.id);
    expect((await call('DELETE', `/tokens/${colleague.id}`, tokens.demoAdmin)).status).toBe(204);
  });

  it('shows one kind of action in the audit log when asked: the set-up, reads of residents’ data, or contact work', async () => {
    // A read of residents' own words, by an analyst of the organisation.
    const analyst = (await call('POST', '/tokens', tokens.demoAdmin, { role: 'analyst', name: 'analist' })).json.token;
    expect((await call('GET', '/comments?survey=meethuis', analyst)).status).toBe(200);
    const of = async (kind: string) => (await call('GET', `/organisations/demo/audit?kind=${kind}`, tokens.demoAdmin)).json.entries.map((entry) => entry.action);
    const settings = await of('settings');
    expect(settings).toContain('token.create');
    expect(settings.every((action) => /^(organisation|service|place|survey|themes|token|webhook)\./.test(action))).toBe(true);
    expect(await of('dataAccess')).toContain('comments.read');
    expect((await of('dataAccess')).every((action) => ['callbacks.read', 'comments.read'].includes(action) || action.startsWith('responses.'))).toBe(true);
    const all = (await call('GET', '/organisations/demo/audit', tokens.demoAdmin)).json.entries.map((entry) => entry.action);
    expect(all).toEqual(expect.arrayContaining(['token.create', 'comments.read']));
    expect(await call('GET', '/organisations/demo/audit?kind=everything', tokens.demoAdmin)).toMatchObject({ status: 400, json: { field: 'kind' } });
  });

  it('gives a token for every organisation only to an admin of every organisation', async () => {
    const everyOrganisation = await call('POST', '/tokens', tokens.admin, { role: 'analyst', name: 'ministry' });
    expect(everyOrganisation.json.organisation).toBeNull();
    const unknown = await call('POST', '/tokens', tokens.admin, { role: 'analyst', name: 'x', organisation: 'atlantis' });
    expect(unknown).toMatchObject({ status: 400, json: { code: 'unknown_organisation', field: 'organisation' } });
  });
});
