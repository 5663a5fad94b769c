import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkTokenHashOf } from '../../src/followups/links';
import { decryptJson } from '../../src/privacy/crypto';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { TEST_SECRETS } from '../support/app';
import { runCli } from '../support/cli';
import { createTestDatabase, type TTestDatabase } from '../support/database';
import { seedOrganisations } from '../../src/db/seed';
import { storeTeamsReference } from './support';

let database: TTestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedOrganisations(database.prisma);
});
afterAll(() => database.destroy());

const cli = (...args: string[]) => runCli(database.url, args, { PUBLIC_URL: 'https://enkete.example.nl', QUIET_HOURS: 'off' });

const fields = (stdout: string) => Object.fromEntries(stdout.trim().split('\n').map((line) => line.split('\t') as [string, string]));

// Each command is a process of its own (start-up, migrations check): slower than an in-process test.
describe('npm run cli -- follow-ups', { timeout: 90_000 }, () => {
  it('creates a one-time link and prints id, status and link', async () => {
    const { code, stdout } = await cli('follow-ups', 'create', '--survey', 'meethuis', '--organisation', 'demo', '--service', 'paspoort', '--contact-channel', 'telefoon', '--lead-time-days', '5', '--contact-count', '2', '--language', 'pap', '--link');
    expect(code).toBe(0);
    const printed = fields(stdout);
    expect(printed).toMatchObject({ id: expect.any(String), status: 'sent', link: expect.stringMatching(/^https:\/\/enkete\.example\.nl\/\?link=/) });
    const row = await database.prisma.followUp.findUniqueOrThrow({ where: { id: printed.id } });
    expect(row).toMatchObject({ contactChannel: 'telefoon', leadTimeDays: 5, contactCount: 2, language: 'pap', linkTokenHash: linkTokenHashOf(TEST_SECRETS.HASH_SECRET, new URL(printed.link!).searchParams.get('link')!) });
    expect(await database.prisma.auditLog.count({ where: { actor: 'cli', action: 'follow-up.create', subjectId: printed.id } })).toBe(1);

    const shown = await cli('follow-ups', 'show', printed.id!);
    expect(fields(shown.stdout)).toMatchObject({ id: printed.id, status: 'sent', link: printed.link });
  });

  it('queues one for a Teams user the bot knows', async () => {
    await storeTeamsReference(database.prisma, '29:cli-user');
    const { code, stdout } = await cli('follow-ups', 'create', '--survey', 'meethuis', '--organisation', 'demo', '--service', 'rijbewijs', '--contact-channel', 'balie', '--teams-user', '29:cli-user');
    expect(code).toBe(0);
    expect(fields(stdout)).toMatchObject({ status: 'queued' });
    expect(fields(stdout).link).toBeUndefined();
  });

  it('queues a text message for a number written as on the island, keeping it only encrypted', async () => {
    const sms = { SMS_PROVIDER_URL: 'http://127.0.0.1:9', SMS_API_KEY: 'cm-product-token', SMS_SENDER: 'Boneiru' };
    const create = (phone: string) =>
      runCli(database.url, ['follow-ups', 'create', '--survey', 'meethuis', '--organisation', 'bonaire', '--service', 'paspoort', '--contact-channel', 'balie', '--sms', phone], {
        PUBLIC_URL: 'https://enkete.example.nl',
        QUIET_HOURS: 'off',
        ...sms,
      });
    const { code, stdout } = await create('700 1234');
    expect(code).toBe(0);
    const printed = fields(stdout);
    expect(printed).toMatchObject({ status: 'queued' });
    expect(printed.link).toBeUndefined();
    const row = await database.prisma.followUp.findUniqueOrThrow({ where: { id: printed.id } });
    expect(row.targetType).toBe('sms');
    // Bonaire reads numbers as BQ (+599): kept encrypted, in E.164, until the text message went out.
    expect(decryptJson(TEST_SECRETS.ENCRYPTION_KEY, row.encryptedAddress!)).toEqual({ address: '+5997001234' });
    expect(JSON.stringify(row)).not.toContain('7001234');
    const landline = await create('717 1234');
    expect(landline.code).not.toBe(0);
    expect(landline.stderr).toContain('not a mobile number');
  });

  it('says which option is wrong, on standard error, with a non-zero exit', async () => {
    const wrong = await cli('follow-ups', 'create', '--survey', 'meethuis', '--organisation', 'demo', '--service', 'paspoort', '--contact-channel', 'fax', '--link');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('--contact-channel');
    expect(wrong.stdout).toBe('');
    const both = await cli('follow-ups', 'create', '--survey', 'meethuis', '--organisation', 'demo', '--service', 'paspoort', '--contact-channel', 'telefoon');
    expect(both.stderr).toContain('--teams-user ID, --email ADDRESS, --sms NUMBER or --link');
    const service = await cli('follow-ups', 'create', '--survey', 'meethuis', '--organisation', 'demo', '--service', 'hond', '--contact-channel', 'telefoon', '--link');
    expect(service.stderr).toMatch(/service: "hond" is not a service of demo/);
  });
});

// This machine resolves no outside name, so public address literals stand for the receivers (never called here).
describe('npm run cli -- webhooks', { timeout: 90_000 }, () => {
  it('creates a webhook and prints the signing secret alone on the last line, once', async () => {
    const { code, stdout } = await cli('webhooks', 'create', '--organisation', 'demo', '--url', 'https://93.184.215.14/meethuis', '--events', 'response.completed,callback.requested');
    expect(code).toBe(0);
    const secret = stdout.trim().split('\n').at(-1)!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const hook = await database.prisma.webhook.findFirstOrThrow({ where: { url: 'https://93.184.215.14/meethuis' } });
    expect(hook.events).toBe('response.completed,callback.requested');

    // The secret printed is the one deliveries are signed with (kept encrypted, since signing needs it back).
    expect(decryptJson(TEST_SECRETS.ENCRYPTION_KEY, hook.encryptedSecret)).toBe(secret);
    await new WebhookPublisher(database.prisma).publish('callback.requested', hook.organisationId!, { callbackId: 'c' });

    const list = await cli('webhooks', 'list');
    expect(list.stdout).toContain(hook.id);
    expect(list.stdout).not.toContain(secret);
    const log = await cli('webhooks', 'deliveries', hook.id);
    expect(log.stdout).toContain('callback.requested\tpending');
    expect((await cli('webhooks', 'delete', hook.id)).code).toBe(0);
    expect(await database.prisma.webhook.count({ where: { id: hook.id } })).toBe(0);
  });

  it("registers a webhook for every organisation with --organisation '*', and lists those apart", async () => {
    const { code, stdout } = await cli('webhooks', 'create', '--organisation', '*', '--url', 'https://93.184.215.15/meethuis', '--events', 'response.completed');
    expect(code).toBe(0);
    expect(stdout).toContain('for every organisation');
    const hook = await database.prisma.webhook.findFirstOrThrow({ where: { url: 'https://93.184.215.15/meethuis' } });
    expect(hook.organisationId).toBeNull();
    const list = await cli('webhooks', 'list', '--organisation', '*');
    expect(list.stdout.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^${hook.id}\t\\*\tactive\tresponse\\.completed\t`))]);
    expect((await cli('webhooks', 'list', '--organisation', 'demo')).stdout).not.toContain(hook.id);
    expect((await cli('webhooks', 'delete', hook.id)).code).toBe(0);
  });

  it('refuses a URL that is not http(s)', async () => {
    const { code, stderr } = await cli('webhooks', 'create', '--organisation', 'demo', '--url', 'file:///etc/passwd', '--events', 'response.completed');
    expect(code).not.toBe(0);
    expect(stderr).toContain('--url');
  });

  it('refuses a target inside the network, naming the rule', async () => {
    const { code, stderr } = await cli('webhooks', 'create', '--organisation', 'demo', '--url', 'https://169.254.169.254/latest/meta-data', '--events', 'response.completed');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/169\.254\.169\.254 is not a public address.*private-address/);
    expect(await database.prisma.webhook.count({ where: { url: { contains: '169.254' } } })).toBe(0);
  });
});
