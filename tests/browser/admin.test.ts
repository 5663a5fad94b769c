import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, TokenService } from '../../src/auth/tokens';
import { createI18n } from '../../src/i18n/i18n';
import { LANGUAGES } from '../../src/i18n/languages';
import { isPhoneRegion } from '../../src/kernel/phoneNumbers';
import { WEBHOOK_EVENTS } from '../../src/webhooks/events';
import { WebhookPublisher } from '../../src/webhooks/publisher';
import { startTestApp, TEST_SECRETS, type TTestApp } from '../support/app';
import { makeNewResponse } from '../support/fixtures';
import { HAS_CHROMIUM, SKIP_REASON, launchChromium, screenshot, watchProblems } from './browser';

type TTexts = Record<string, Record<string, unknown>>;
const texts = (language: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/admin.json`, import.meta.url), 'utf8')) as TTexts;
const nl = texts('nl');
const pap = texts('pap');

/** A text at a dotted key, `{{name}}` filled in. */
function text(of: TTexts, key: string, params: Record<string, string | number> = {}): string {
  let node: unknown = of;
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'string') throw new Error(`no text ${key}`);
  return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => String(params[name] ?? ''));
}

/** The README's screenshots are the page as this test leaves it. */
const README_IMAGES = join(process.cwd(), 'docs', 'images');

/** A picture for the README: the window (from the top) or one part of the page, without a pointer or focus ring. */
async function readmeImage(page: Page, name: string, part?: Locator): Promise<void> {
  mkdirSync(README_IMAGES, { recursive: true });
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  if (part) {
    // The part with a margin of page around it, wherever it is on the page.
    const box = await part.boundingBox();
    if (!box) throw new Error(`${name}: nothing to show`);
    const margin = 16;
    const scrolled = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
    const clip = { x: Math.max(0, box.x + scrolled.x - margin), y: Math.max(0, box.y + scrolled.y - margin), width: box.width + 2 * margin, height: box.height + 2 * margin };
    await page.screenshot({ path: join(README_IMAGES, `${name}.png`), animations: 'disabled', fullPage: true, clip });
    return;
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(README_IMAGES, `${name}.png`), animations: 'disabled' });
}

if (!HAS_CHROMIUM) console.warn(SKIP_REASON);

/** Every action the service writes to the audit log, as the API routes declare them (`audits: [...]`). */
function auditedActions(): string[] {
  const dir = new URL('../../src/http/', import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .flatMap((name) => [...readFileSync(new URL(name, dir), 'utf8').matchAll(/audits: \[([^\]]+)\]/g)].flatMap((match) => [...match[1]!.matchAll(/'([\w.-]+)'/g)].map((action) => action[1]!)));
}

/** Runs without a browser: the page names no text that is missing, and has one for every value the API can send. */
describe('the admin page texts', () => {
  const i18n = createI18n({ strict: true });
  const html = readFileSync(new URL('../../public/admin/index.html', import.meta.url), 'utf8');
  // The page's script and its survey editor.
  const script = ['admin.ts', 'surveyEditor.ts'].map((name) => readFileSync(new URL(`../../public/admin/${name}`, import.meta.url), 'utf8')).join('\n');

  it('has every text the page and its script name, in every language', () => {
    const named = new Set([
      ...[...html.matchAll(/data-i18n="([^"]+)"/g)].map((match) => match[1]!),
      ...[...html.matchAll(/\{\{(?:t|names:[\w-]+):([\w.:-]+)\}\}/g)].flatMap((match) => match[1]!.split(':')),
      ...[...script.matchAll(/'((?:page|signIn|details|services|places|survey|people|webhooks|audit|confirm|errors)\.[\w.-]+)'/g)].map((match) => match[1]!),
    ]);
    expect(named.size).toBeGreaterThan(100);
    for (const language of LANGUAGES) for (const key of named) expect(i18n.hasText(language, 'admin', key), `${language}: admin:${key}`).toBe(true);
  });

  it('has a text for every role, token state, webhook event, delivery status and audited action', () => {
    const actions = auditedActions();
    expect(actions).toEqual(expect.arrayContaining(['organisation.update', 'service.create', 'token.revoke', 'webhook.delete']));
    const keys = [
      ...ROLES.flatMap((role) => [`people.roles.${role}`, `people.roleHelp.${role}`]),
      ...['active', 'expired', 'revoked'].map((state) => `people.states.${state}`),
      ...WEBHOOK_EVENTS.map((event) => `webhooks.eventNames.${event.replace(/\./g, '-')}`),
      ...['pending', 'delivered', 'failed'].map((status) => `webhooks.statuses.${status}`),
      ...actions.map((action) => `audit.actions.${action.replace(/\./g, '-')}`),
      ...['names', 'name', 'slug', 'contact', 'complaints', 'timeZone', 'minGroupSize', 'defaultLanguage', 'mailSenderName', 'phoneRegion', 'retired', 'offered'].map((field) => `audit.fields.${field}`),
      ...LANGUAGES.flatMap((language) => [`nameIn.${language}`, `languageInSentence.${language}`, `languageNames.${language}`]),
    ];
    for (const language of LANGUAGES) for (const key of keys) expect(i18n.hasText(language, 'admin', key), `${language}: admin:${key}`).toBe(true);
  });

  it('offers only phone regions the service accepts, the Caribbean Netherlands among them', () => {
    for (const language of LANGUAGES) {
      const regions = Object.keys(texts(language).phoneRegionNames!);
      expect(regions, language).toEqual(expect.arrayContaining(['NL', 'BQ']));
      expect(regions.filter((region) => !isPhoneRegion(region)), language).toEqual([]);
    }
  });
});

/** The organisation's own system: a loopback receiver that answers every delivery with 204. */
async function startReceiver() {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/meethuis/events`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The admin page in a real browser against the real service: the CX team of `demo` signs in with its admin token,
 * adds a service and a place, changes the contact line, gives a colleague a staff token (which then works), registers
 * a webhook and sees its delivery, and reads it all back in the audit log — in Dutch and Papiamentu, under the page's
 * own Content-Security-Policy, with wrong input said next to the field and a save on outdated data refused plainly.
 */
describe.skipIf(!HAS_CHROMIUM)('the admin page in Chromium', () => {
  let browser: Browser;
  let running: TTestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let context: BrowserContext | undefined;
  let adminToken: string;

  beforeAll(async () => {
    browser = await launchChromium();
    receiver = await startReceiver();
    // The organisation's system is a receiver on this machine, over plain http: the operator allows exactly that.
    running = await startTestApp({ WEBHOOK_ALLOW_HTTP: '127.0.0.1', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', QUIET_HOURS: 'off' });
    adminToken = (await new TokenService(running.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'admin', name: 'cx', organisation: 'demo' })).token;
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await receiver?.close();
    await running?.stop();
  });

  async function openPage(language: string, viewport = { width: 1280, height: 1000 }): Promise<{ page: Page; problems: ReturnType<typeof watchProblems> }> {
    await context?.close();
    context = await browser.newContext({ locale: 'nl-NL', viewport });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.url });
    const page = await context.newPage();
    const problems = watchProblems(page);
    const response = await page.goto(`${running.url}/admin?lang=${language}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response?.headers()['x-frame-options']).toBe('DENY');
    return { page, problems };
  }

  async function signIn(page: Page, of: TTexts, token = adminToken): Promise<void> {
    await page.getByLabel(text(of, 'signIn.tokenLabel')).fill(token);
    await page.getByRole('button', { name: text(of, 'signIn.submit') }).click();
  }

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${running.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const raw = await response.text();
    return { status: response.status, body: (raw ? JSON.parse(raw) : {}) as Record<string, unknown> };
  };

  /** What the page said about a field: the message next to it, that it is marked wrong, and that it has the focus. */
  async function fieldError(page: Page, id: string) {
    return {
      message: await page.locator(`#${id}-error`).textContent(),
      invalid: await page.locator(`#${id}`).getAttribute('aria-invalid'),
      describedBy: (await page.locator(`#${id}`).getAttribute('aria-describedby'))?.split(' ').includes(`${id}-error`),
      focused: await page.evaluate(() => document.activeElement?.id),
    };
  }

  it('tells someone with a token that is not an admin’s, in plain words, that it cannot manage an organisation', async () => {
    const staff = (await new TokenService(running.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'staff', name: 'kcc', organisation: 'demo' })).token;
    const { page, problems } = await openPage('nl');
    await signIn(page, nl, staff);
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toBe(text(nl, 'errors.notAdmin'));
    expect(await page.getByLabel(text(nl, 'signIn.tokenLabel')).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#workspace').isHidden()).toBe(true);

    await signIn(page, nl, 'mh_not-a-token-at-all');
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toBe(text(nl, 'errors.unauthorized'));
    expect(problems.errors.filter((error) => !/40[13]/.test(error))).toEqual([]);
  });

  it('sets up the organisation: a service, a place, the contact line, a staff token and a webhook', async () => {
    const { prisma } = running.database;
    const { page, problems } = await openPage('nl');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(text(nl, 'page.heading'));
    await signIn(page, nl);
    await expect.poll(() => page.locator('#org-name-nl').inputValue()).toBe('Gemeente Demo');
    expect(await page.evaluate(() => sessionStorage.getItem('meethuis.adminToken'))).toBe(adminToken);
    expect(await page.locator('#managing-name').textContent()).toBe('Gemeente Demo');
    // No responses yet: the short name and the time zone can still change.
    expect(await page.locator('#org-slug').getAttribute('readonly')).toBeNull();
    await expect.poll(() => page.locator('#services-table tbody tr').count()).toBe(6);

    // A service: its short name follows the Dutch name.
    const addService = page.locator('#service-add-form');
    await addService.getByLabel(text(nl, 'nameIn.nl')).fill('Bouwvergunning');
    await addService.getByLabel(text(nl, 'nameIn.pap')).fill('Pèrmit di konstrukshon');
    await addService.getByLabel(text(nl, 'nameIn.en')).fill('Building permit');
    expect(await addService.getByLabel(text(nl, 'services.slug')).inputValue()).toBe('bouwvergunning');
    await addService.getByRole('button', { name: text(nl, 'services.add') }).click();
    await expect.poll(() => page.locator('#service-add-status').textContent()).toBe(text(nl, 'services.added', { name: 'Bouwvergunning' }));
    await expect.poll(() => page.locator('#services-table tbody tr').count()).toBe(7);
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const service = await prisma.service.findUniqueOrThrow({ where: { organisationId_slug: { organisationId: demo.id, slug: 'bouwvergunning' } } });
    expect(JSON.parse(service.names)).toEqual({ nl: 'Bouwvergunning', pap: 'Pèrmit di konstrukshon', en: 'Building permit' });

    // A place, with its names for residents.
    const addPlace = page.locator('#place-add-form');
    await addPlace.getByLabel(text(nl, 'places.name'), { exact: true }).fill('Binnenstad');
    await addPlace.getByLabel(text(nl, 'nameIn.nl')).fill('Binnenstad');
    await addPlace.getByLabel(text(nl, 'nameIn.pap')).fill('Sentro di siudat');
    await addPlace.getByLabel(text(nl, 'nameIn.en')).fill('City centre');
    expect(await addPlace.getByLabel(text(nl, 'places.slug')).inputValue()).toBe('binnenstad');
    await addPlace.getByRole('button', { name: text(nl, 'places.add') }).click();
    await expect.poll(() => page.locator('#place-add-status').textContent()).toBe(text(nl, 'places.added', { name: 'Binnenstad' }));
    expect(await prisma.place.count({ where: { organisationId: demo.id, slug: 'binnenstad', name: 'Binnenstad' } })).toBe(1);

    // The contact line residents read in the chat.
    await page.getByLabel(text(nl, 'details.contact')).fill('14 020 (ma–vr 8.30–17.00 uur)');
    await page.getByRole('button', { name: text(nl, 'details.submit') }).click();
    await expect.poll(() => page.locator('#details-status').textContent()).toBe(text(nl, 'details.saved'));
    expect((await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).contact).toBe('14 020 (ma–vr 8.30–17.00 uur)');

    // A colleague's staff token: shown once, copied, and it works.
    const tokenForm = page.locator('#token-form');
    await tokenForm.getByLabel(text(nl, 'people.name')).fill('KCC Demo');
    await tokenForm.getByLabel(text(nl, 'people.roles.staff'), { exact: true }).check();
    await tokenForm.getByLabel(text(nl, 'people.expires')).selectOption('90');
    await tokenForm.getByRole('button', { name: text(nl, 'people.add') }).click();
    const secret = page.getByLabel(text(nl, 'people.tokenLabel', { name: 'KCC Demo' }));
    await expect.poll(() => secret.inputValue()).toMatch(/^mh_/);
    const staffToken = await secret.inputValue();
    expect(await page.locator('#token-created-text').textContent()).toBe(text(nl, 'people.createdText', { name: 'KCC Demo' }));
    await page.getByRole('button', { name: text(nl, 'people.copy') }).click();
    await expect.poll(() => page.locator('#token-copy-status').textContent()).toBe(text(nl, 'people.copied'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(staffToken);
    await expect.poll(() => page.locator('#tokens-table tbody tr').filter({ hasText: 'KCC Demo' }).count()).toBe(1);
    await readmeImage(page, 'admin-people-nl', page.locator('#people'));
    const services = await api('GET', '/services', staffToken);
    expect(services.status).toBe(200);
    expect(JSON.stringify(services.body)).toContain('bouwvergunning');
    await expect.poll(() => page.locator('#tokens-table tbody tr').filter({ hasText: 'KCC Demo' }).count()).toBe(1);
    expect(await page.locator('#tokens-table tbody tr').filter({ hasText: 'KCC Demo' }).textContent()).toContain(text(nl, 'people.states.active'));
    // The code this page is signed in with is marked as the admin's own and cannot be revoked from here.
    const own = page.locator('#tokens-table tbody tr').filter({ hasText: text(nl, 'people.yours') });
    expect(await own.count()).toBe(1);
    expect(await own.locator('strong').textContent()).toBe('cx');
    expect(await own.textContent()).toContain(text(nl, 'people.yoursHelp'));
    expect(await own.getByRole('button', { name: text(nl, 'people.revoke') }).count()).toBe(0);

    // A webhook to the organisation's system: its secret shown once; its first delivery listed.
    const webhookForm = page.locator('#webhook-form');
    await webhookForm.getByLabel(text(nl, 'webhooks.url')).fill(receiver.url);
    await webhookForm.getByLabel(text(nl, 'webhooks.eventNames.response-completed')).check();
    await webhookForm.getByLabel(text(nl, 'webhooks.eventNames.callback-requested')).check();
    await webhookForm.getByRole('button', { name: text(nl, 'webhooks.add') }).click();
    await expect.poll(() => page.getByLabel(text(nl, 'webhooks.secretLabel')).inputValue()).toMatch(/^whsec_/);
    await expect.poll(() => page.locator('#webhooks-list .card').count()).toBe(1);
    expect(await page.locator('#webhooks-list .card').textContent()).toContain(receiver.url);
    const hook = await prisma.webhook.findFirstOrThrow({ where: { organisationId: demo.id } });
    expect(hook.events).toBe('response.completed,callback.requested');
    await new WebhookPublisher(prisma).publish('response.completed', demo.id, { responseId: 'r-1', survey: 'meethuis' });
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(1);
    await expect
      .poll(
        async () => {
          await page.locator('#webhooks-refresh').click();
          return page.locator('#webhooks-list .deliveries tbody tr').first().textContent({ timeout: 1_000 }).catch(() => '');
        },
        { timeout: 15_000 },
      )
      .toContain(text(nl, 'webhooks.statuses.delivered'));
    await readmeImage(page, 'admin-webhooks-nl', page.locator('#webhooks'));
    await page.getByRole('button', { name: text(nl, 'webhooks.done') }).click();
    expect(await page.locator('#webhook-created').isHidden()).toBe(true);
    await page.getByRole('button', { name: text(nl, 'people.done') }).click();

    // The audit log says who did what, in the page's language.
    await page.locator('#audit-refresh').click();
    const audit = page.locator('#audit-table tbody');
    await expect.poll(() => audit.textContent()).toContain(text(nl, 'audit.actions.service-create', { subject: 'Bouwvergunning' }));
    const log = (await audit.textContent()) ?? '';
    expect(log).toContain(text(nl, 'audit.actions.place-create', { subject: 'Binnenstad' }));
    expect(log).toContain(text(nl, 'audit.actions.organisation-update', { fields: text(nl, 'audit.fields.contact') }));
    expect(log).toContain(text(nl, 'audit.actions.token-create', { subject: 'KCC Demo', role: text(nl, 'people.roles.staff').toLowerCase() }));
    expect(log).toContain(text(nl, 'audit.actions.webhook-create'));
    expect(log).toContain('cx');
    // Only the contact centre's work: none yet on this organisation, so the log says it is empty; then everything again.
    await page.getByLabel(text(nl, 'audit.kind')).selectOption('contact');
    await expect.poll(() => page.locator('#audit-empty').isVisible()).toBe(true);
    await page.getByLabel(text(nl, 'audit.kind')).selectOption('');
    await expect.poll(() => audit.textContent()).toContain(text(nl, 'audit.actions.webhook-create'));

    // Accessible: no serious or critical violation on the signed-in page with every list filled.
    await expectNoSeriousViolations(page);
    await readmeImage(page, 'admin-desktop-nl');
    await readmeImage(page, 'admin-services-nl', page.locator('#services'));
    await readmeImage(page, 'admin-audit-nl', page.locator('#audit'));

    // Only the refusals the page asked for (none here) may show up as failed requests.
    expect(problems.errors).toEqual([]);
  });

  it('says a wrong field next to that field, and plainly when someone else saved first', async () => {
    const colleague = await new TokenService(running.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'analyst', name: 'Analista Demo', organisation: 'demo' });
    const { page, problems } = await openPage('pap');
    await signIn(page, pap);
    await expect.poll(() => page.locator('#org-name-nl').inputValue()).toBe('Gemeente Demo');
    expect(await page.getAttribute('html', 'lang')).toBe('pap');

    // A short name another service has: the API's refusal, next to the short name, which gets the focus.
    const addService = page.locator('#service-add-form');
    await addService.getByLabel(text(pap, 'nameIn.nl')).fill('Paspoort');
    await addService.getByLabel(text(pap, 'nameIn.pap')).fill('Pasaporte');
    await addService.getByLabel(text(pap, 'nameIn.en')).fill('Passport');
    await addService.getByLabel(text(pap, 'services.slug')).fill('paspoort');
    await addService.getByRole('button', { name: text(pap, 'services.add') }).click();
    await expect.poll(() => fieldError(page, 'service-add-slug')).toEqual({ message: text(pap, 'errors.slugTaken'), invalid: 'true', describedBy: true, focused: 'service-add-slug' });

    // No Papiamentu name: said next to that name, before anything is sent.
    await addService.getByLabel(text(pap, 'services.slug')).fill('pasaporte-nobo');
    await addService.getByLabel(text(pap, 'nameIn.pap')).fill('');
    await addService.getByRole('button', { name: text(pap, 'services.add') }).click();
    await expect
      .poll(() => fieldError(page, 'service-add-name-pap'))
      .toEqual({ message: text(pap, 'errors.nameRequired', { language: text(pap, 'languageInSentence.pap') }), invalid: 'true', describedBy: true, focused: 'service-add-name-pap' });
    expect(await page.locator('#service-add-slug').getAttribute('aria-invalid')).toBeNull();
    await readmeImage(page, 'admin-error-pap', addService);

    // A minimum group size at or below the service-wide one.
    await page.getByLabel(text(pap, 'details.minGroupSize')).fill(String(running.config.MIN_GROUP_SIZE));
    await page.getByRole('button', { name: text(pap, 'details.submit') }).click();
    await expect
      .poll(() => fieldError(page, 'org-min-group-size'))
      .toEqual({ message: text(pap, 'errors.minGroupSize', { min: running.config.MIN_GROUP_SIZE }), invalid: 'true', describedBy: true, focused: 'org-min-group-size' });
    await page.getByLabel(text(pap, 'details.minGroupSize')).fill('');

    // Someone else saves the organisation meanwhile; this save is refused, said plainly, and the new values offered.
    const current = await api('GET', '/organisations/demo', adminToken);
    const elsewhere = await api('PATCH', '/organisations/demo', adminToken, { version: current.body.version, complaints: 'https://demo.example.nl/klachten-nieuw' });
    expect(elsewhere.status).toBe(200);
    await page.getByLabel(text(pap, 'details.contact')).fill('+599 717 8000');
    await page.getByRole('button', { name: text(pap, 'details.submit') }).click();
    await expect.poll(() => page.locator('#details-stale').isVisible()).toBe(true);
    expect(await page.locator('#details-stale-text').textContent()).toBe(text(pap, 'details.stale'));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('details-stale-load');
    expect(await page.locator('#details-stale-fields').textContent()).toBe(text(pap, 'details.staleFields', { fields: text(pap, 'audit.fields.complaints') }));
    expect((await running.database.prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).contact).not.toBe('+599 717 8000');
    await readmeImage(page, 'admin-stale-pap', page.locator('#details-form'));
    await page.getByRole('button', { name: text(pap, 'details.staleLoad') }).click();
    expect(await page.getByLabel(text(pap, 'details.complaints')).inputValue()).toBe('https://demo.example.nl/klachten-nieuw');
    expect(await page.locator('#details-status').textContent()).toBe(text(pap, 'details.staleLoaded'));
    await page.getByLabel(text(pap, 'details.contact')).fill('+599 717 8000');
    await page.getByRole('button', { name: text(pap, 'details.submit') }).click();
    await expect.poll(() => page.locator('#details-status').textContent()).toBe(text(pap, 'details.saved'));
    expect((await running.database.prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).contact).toBe('+599 717 8000');

    // A service retired, then offered again.
    const row = page.locator('#services-table tbody tr').filter({ hasText: 'rijbewijs' });
    await row.getByRole('button', { name: text(pap, 'services.retire') }).click();
    await expect.poll(() => page.locator('#services-status').textContent()).toBe(text(pap, 'services.retiredDone', { name: 'reibewijs' }));
    const retiredRow = page.locator('#services-table tbody tr').filter({ hasText: 'rijbewijs' });
    expect(await retiredRow.textContent()).toContain(text(pap, 'services.retired'));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain(text(pap, 'services.offer'));

    // Revoking a token asks first; "no" (Escape) changes nothing, "yes" makes it stop working at once.
    await expect.poll(() => page.locator('#tokens-table tbody tr').filter({ hasText: 'Analista Demo' }).count()).toBe(1);
    const revoke = page.locator('#tokens-table tbody tr').filter({ hasText: 'Analista Demo' }).getByRole('button', { name: text(pap, 'people.revoke') });
    await revoke.click();
    const dialog = page.getByRole('dialog', { name: text(pap, 'people.confirmHeading') });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(text(pap, 'people.confirmText', { name: 'Analista Demo' }));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await running.database.prisma.apiToken.findUniqueOrThrow({ where: { id: colleague.id } })).revokedAt).toBeNull();
    await revoke.click();
    await dialog.getByRole('button', { name: text(pap, 'people.confirmYes') }).click();
    await expect.poll(() => page.locator('#people-status').textContent()).toBe(text(pap, 'people.revoked', { name: 'Analista Demo' }));
    expect(await page.locator('#tokens-table tbody tr').filter({ hasText: 'Analista Demo' }).textContent()).toContain(text(pap, 'people.states.revoked'));
    expect((await api('GET', '/services', colleague.token)).status).toBe(401);

    await expectNoSeriousViolations(page);
    await screenshot(page, 'admin-pap');
    await readmeImage(page, 'admin-desktop-pap');
    // The refusals this test asked for: the taken short name (400) and the outdated save (409).
    expect(problems.errors.filter((error) => !/\b(400|409)\b/.test(error))).toEqual([]);
  });

  it('fits a phone, in Papiamentu and Dutch', async () => {
    for (const [language, of] of [
      ['pap', pap],
      ['nl', nl],
    ] as const) {
      const { page, problems } = await openPage(language, { width: 390, height: 844 });
      await signIn(page, of);
      await expect.poll(() => page.locator('#org-name-nl').inputValue()).toBe('Gemeente Demo');
      await expect.poll(() => page.locator('#webhooks-list .card').count()).toBe(1);
      await expect.poll(() => page.locator('#audit-table tbody tr').count()).toBeGreaterThan(5);
      // Nothing wider than the screen: no sideways scrolling.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await expectNoSeriousViolations(page);
      await screenshot(page, `admin-phone-${language}`);
      await readmeImage(page, `admin-phone-${language}`);
      expect(problems.errors).toEqual([]);
    }
  });

  it('shows the short name and the time zone as fixed once responses exist, and switches language without a reload', async () => {
    const { prisma } = running.database;
    const demo = await prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    const version = await prisma.surveyVersion.findFirstOrThrow({ where: { surveyId: 'meethuis' } });
    await prisma.response.create({ data: { ...makeNewResponse({ organisationId: demo.id, surveyVersionId: version.id }), status: 'completed' } });
    const { page, problems } = await openPage('nl');
    await signIn(page, nl);
    await expect.poll(() => page.locator('#org-slug').getAttribute('readonly')).toBe('');
    expect(await page.locator('#org-time-zone').getAttribute('readonly')).toBe('');
    expect(await page.locator('#org-slug-fixed').textContent()).toBe(text(nl, 'details.fixed'));
    expect(await page.locator('#org-slug').getAttribute('aria-describedby')).toContain('org-slug-fixed');
    // Saving other details still works; the fixed ones are not sent.
    await page.getByLabel(text(nl, 'details.complaints')).fill('https://demo.example.nl/klachtenformulier');
    await page.getByRole('button', { name: text(nl, 'details.submit') }).click();
    await expect.poll(() => page.locator('#details-status').textContent()).toBe(text(nl, 'details.saved'));

    // By keyboard alone: rename a service and come back to where one was.
    const edit = page.locator('#services-table tbody tr').filter({ hasText: 'afval' }).getByRole('button', { name: text(nl, 'services.edit') });
    await edit.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('service-edit-heading');
    expect(await page.locator('#service-edit-heading').textContent()).toBe(text(nl, 'services.editHeading', { name: 'afval' }));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('service-edit-name-en');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Waste and recycling');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#services-status').textContent()).toBe(text(nl, 'services.saved', { name: 'afval' }));
    expect(await page.locator('#service-edit-form').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.closest('tr')?.textContent)).toContain('Waste and recycling');

    // Another language: every text, the lists and the message just shown, without a reload.
    await page.getByRole('button', { name: 'English', exact: true }).click();
    const en = texts('en');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.title()).toBe(text(en, 'page.title'));
    expect(await page.locator('#details-status').textContent()).toBe(text(en, 'details.saved'));
    expect(await page.locator('#services-table thead').textContent()).toContain(text(en, 'services.slug'));
    expect(await page.locator('#org-slug-fixed').textContent()).toBe(text(en, 'details.fixed'));
    expect(await page.evaluate(() => localStorage.getItem('meethuis.language'))).toBe('en');
    expect(problems.errors).toEqual([]);
  });

  it('lets an admin of every organisation choose the organisation to manage', async () => {
    const everyOrganisation = (await new TokenService(running.database.prisma, TEST_SECRETS.HASH_SECRET).create({ role: 'admin', name: 'beheer' })).token;
    const { page, problems } = await openPage('nl');
    await signIn(page, nl, everyOrganisation);
    const choice = page.getByLabel(text(nl, 'signIn.organisation'), { exact: true });
    await expect.poll(() => choice.locator('option').allTextContents()).toEqual(['Openbaar Lichaam Bonaire', 'Gemeente Demo']);
    expect(await page.locator('#managing').isHidden()).toBe(true);
    await choice.selectOption('demo');
    await expect.poll(() => page.locator('#org-name-nl').inputValue()).toBe('Gemeente Demo');
    await choice.selectOption('bonaire');
    await expect.poll(() => page.locator('#org-name-nl').inputValue()).toBe('Openbaar Lichaam Bonaire');
    await expect.poll(() => page.locator('#places-table tbody tr').count()).toBe(12);
    expect(await page.locator('#places-table tbody').textContent()).toContain('Noord Saliña');
    // Bonaire's people and webhooks, not demo's.
    await expect.poll(() => page.locator('#tokens-table tbody').textContent()).not.toContain('KCC Demo');
    await expect.poll(() => page.locator('#webhooks-empty').isVisible()).toBe(true);
    expect(problems.errors).toEqual([]);
  });

  it('saves the language and the sender name of invitation e-mails and the phone region with the details; an empty name means the organisation’s own', async () => {
    const stored = () =>
      running.database.prisma.organisation.findUniqueOrThrow({ where: { slug: 'demo' }, select: { defaultLanguage: true, mailSenderName: true, phoneRegion: true } });
    // A region the page has no name for, set through the API: it stays chosen while other details are saved.
    const current = await api('GET', '/organisations/demo', adminToken);
    expect((await api('PATCH', '/organisations/demo', adminToken, { version: current.body.version, phoneRegion: 'FR' })).status).toBe(200);
    const { page, problems } = await openPage('nl');
    await signIn(page, nl);
    const language = page.getByLabel(text(nl, 'details.defaultLanguage'));
    const sender = page.getByLabel(text(nl, 'details.mailSenderName'));
    const region = page.getByLabel(text(nl, 'details.phoneRegion'));
    await expect.poll(() => region.inputValue()).toBe('FR');
    expect(await language.inputValue()).toBe('nl');
    expect(await region.locator('option').allTextContents()).toEqual(expect.arrayContaining([text(nl, 'phoneRegionNames.NL'), text(nl, 'phoneRegionNames.BQ'), 'FR']));
    await language.selectOption({ label: 'Papiamentu' });
    await sender.fill('Klantcontact Gemeente Demo');
    await page.getByRole('button', { name: text(nl, 'details.submit') }).click();
    await expect.poll(() => page.locator('#details-status').textContent()).toBe(text(nl, 'details.saved'));
    expect(await stored()).toEqual({ defaultLanguage: 'pap', mailSenderName: 'Klantcontact Gemeente Demo', phoneRegion: 'FR' });

    await sender.fill('');
    await region.selectOption({ label: text(nl, 'phoneRegionNames.BQ') });
    await page.getByRole('button', { name: text(nl, 'details.submit') }).click();
    // The row changes before the page hears the answer: wait for both.
    await expect.poll(async () => (await stored()).mailSenderName).toBeNull();
    expect((await stored()).phoneRegion).toBe('BQ');
    await expect.poll(() => page.locator('#details-status').textContent()).toBe(text(nl, 'details.saved'));
    expect(problems.errors).toEqual([]);
  });
});

/** axe-core on the page as it is: no serious or critical violation. */
async function expectNoSeriousViolations(page: Page): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(axe.source);
  const { violations, rulesPassed } = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return {
      rulesPassed: result.passes.length,
      violations: result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5) })),
    };
  });
  // axe really looked: a page of forms and tables passes dozens of its rules.
  expect(rulesPassed).toBeGreaterThan(20);
  expect(violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')).toEqual([]);
}
