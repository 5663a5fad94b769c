// The admin page: an organisation's CX team signs in with an admin token and sets the organisation up — its details,
// services and places, its own survey questions (./surveyEditor.ts), the tokens of its people, its webhooks — and
// reads the audit log. Every text comes from locales/{nl,pap,en}/admin.json (see ../shared/texts.ts); data from the
// API is only ever set as textContent.
import { apiClient, ApiProblem } from '../shared/api';
import { byId, element, show } from '../shared/dom';
import { tabValue } from '../shared/storage';
import { initialLanguage, PageTexts, readPageConfig, type TLanguage, type TPageConfig } from '../shared/texts';
import { createSurveyEditor } from './surveyEditor';

type TRole = 'staff' | 'analyst' | 'admin';

interface TAdminConfig extends TPageConfig {
  roles: TRole[];
  webhookEvents: string[];
  /** MIN_GROUP_SIZE: the service-wide minimum group size an organisation may only raise. */
  minGroupSize: number;
}

type TNames = Record<TLanguage, string>;
interface TService {
  slug: string;
  names: TNames;
  version: number;
  retired: boolean;
}
interface TPlace extends TService {
  name: string;
}
interface TOrganisation {
  slug: string;
  names: TNames;
  timeZone: string;
  contact: string;
  complaints: string;
  minGroupSize: number | null;
  /** The language of an invitation whose request names none. */
  defaultLanguage: TLanguage;
  /** The sender name of its invitation e-mails; null: its own name in the resident's language. */
  mailSenderName: string | null;
  /** Where a phone number written without a country code is from: NL, BQ (Bonaire, Saba, St. Eustatius), … */
  phoneRegion: string;
  effectiveMinGroupSize: number;
  version: number;
  hasResponses: boolean;
  services: TService[];
  places: TPlace[];
}
interface TToken {
  id: string;
  name: string;
  role: TRole;
  organisation: string | null;
  state: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** The code this page is signed in with: marked, and not revoked from here (the service refuses it too). */
  yours: boolean;
}
interface TWebhook {
  id: string;
  organisation: string | null;
  url: string;
  events: string[];
  active: boolean;
  createdAt: string;
}
interface TDelivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
}
interface TAuditEntry {
  at: string;
  actor: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: Record<string, unknown> | null;
}

/** A text's parameters; `{ t: key }` is itself a text, translated when the message is (again) shown. */
type TParam = string | number | { t: string };
type TParams = Record<string, TParam>;

const config = readPageConfig<TAdminConfig>();
const texts = new PageTexts(config);
const t = texts.t.bind(texts);
const storedToken = tabValue('meethuis.adminToken');
const LANGUAGES = config.languages;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const state = {
  token: null as string | null,
  organisations: [] as TOrganisation[],
  /** The organisation being managed, as last read (its services and places are the lists shown). */
  organisation: null as TOrganisation | null,
  /** The organisation as the details form was filled from: its version goes with a save. */
  base: null as TOrganisation | null,
  /** What someone else saved first (409 stale_version), until the admin loads it into the form. */
  stale: null as TOrganisation | null,
  editing: { service: null as string | null, place: null as string | null },
  tokens: [] as TToken[],
  webhooks: [] as TWebhook[],
  deliveries: new Map<string, TDelivery[]>(),
  audit: [] as TAuditEntry[],
  createdToken: null as { name: string; token: string } | null,
};
const api = apiClient(() => state.token);
const surveyEditor = createSurveyEditor({
  api,
  token: () => state.token,
  t,
  language: () => texts.language,
  languages: LANGUAGES,
  say,
  handleFailure,
  confirm: confirmAction,
  formatDateTime,
  changed: () => void loadAudit(),
});

const input = (id: string) => byId<HTMLInputElement>(id);
const select = (id: string) => byId<HTMLSelectElement>(id);
const path = (...parts: string[]) => parts.map((part) => `/${encodeURIComponent(part)}`).join('');
const slugOf = () => state.organisation?.slug ?? '';

// ---- texts ----------------------------------------------------------------------------------------------------

function resolve(params: TParams): Record<string, string | number> {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'object' ? t(value.t) : value]));
}

/**
 * Shows a message (or hides the element when there is none) and remembers its key, so a language switch shows it
 * again in the new language.
 */
function say(target: HTMLElement, key: string | null, params: TParams = {}): void {
  if (key === null) {
    delete target.dataset.text;
    delete target.dataset.params;
    show(target, '');
    if (target.getAttribute('role') === 'status') target.hidden = false;
    return;
  }
  target.dataset.text = key;
  target.dataset.params = JSON.stringify(params);
  show(target, t(key, resolve(params)));
}

function sayAgain(): void {
  for (const target of document.querySelectorAll<HTMLElement>('[data-text]')) {
    target.textContent = t(target.dataset.text ?? '', resolve(JSON.parse(target.dataset.params ?? '{}') as TParams));
  }
}

const locale = () => (texts.language === 'en' ? 'en-GB' : 'nl-NL');

/** Dates as numbers only: Papiamentu has no Intl data, and digits read the same in all three languages. */
function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso));
}

const hasText = (key: string) => t(key) !== key;

function applyLanguage(language: TLanguage): void {
  texts.use(language, 'page.title');
  for (const button of document.querySelectorAll<HTMLButtonElement>('.languages button')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === language));
  }
  sayAgain();
  renderAll();
}

function renderAll(): void {
  renderOrganisationChoice();
  renderDetailsHints();
  renderPhoneRegions(select('org-phone-region').value);
  renderStale();
  renderCatalogue('service');
  renderCatalogue('place');
  renderEditHeading('service');
  renderEditHeading('place');
  renderCreatedToken();
  renderTokens();
  renderWebhooks();
  renderAudit();
  surveyEditor.render();
}

// ---- what went wrong ------------------------------------------------------------------------------------------

interface TFieldError {
  input: string;
  key: string;
  params?: TParams;
}

/** A refusal that is not about one field, in words an admin can act on. */
function problemKey(failure: unknown): string {
  if (!(failure instanceof ApiProblem)) return 'errors.generic';
  switch (failure.kind) {
    case 'unauthorized':
      return 'errors.unauthorized';
    case 'forbidden':
      return 'errors.forbidden';
    case 'notFound':
      return 'errors.notFound';
    case 'network':
      return 'errors.network';
    case 'rateLimited':
      return 'errors.rateLimited';
    case 'invalid':
      return 'errors.check';
    default:
      return 'errors.generic';
  }
}

/**
 * A refusal about one field, next to that field: `inputs` maps the API's field (`slug`, `names.pap`) onto the
 * input's id.
 */
function fieldErrorOf(failure: unknown, inputs: Record<string, string>): TFieldError | null {
  if (!(failure instanceof ApiProblem) || failure.field === undefined) return null;
  const field = failure.field;
  const namesField = /^names(?:\.(nl|pap|en))?$/.exec(field);
  const inputId = inputs[field] ?? (namesField ? inputs[`names.${namesField[1] ?? 'nl'}`] : undefined) ?? (field.startsWith('events') ? inputs.events : undefined);
  if (!inputId) return null;
  switch (failure.code) {
    case 'slug_taken':
      return { input: inputId, key: 'errors.slugTaken' };
    case 'name_taken':
      return { input: inputId, key: 'errors.nameTaken' };
    case 'fixed_once_answered':
      return { input: inputId, key: 'errors.fixed' };
    case 'webhook_target_not_allowed':
      return { input: inputId, key: 'errors.urlNotAllowed' };
  }
  if (failure.kind !== 'invalid') return null;
  if (namesField) return { input: inputId, key: 'errors.nameRequired', params: { language: { t: `languageInSentence.${namesField[1] ?? 'nl'}` } } };
  if (field === 'slug') return { input: inputId, key: 'errors.slug' };
  if (field === 'timeZone') return { input: inputId, key: 'errors.timeZone' };
  if (field === 'minGroupSize') return { input: inputId, key: 'errors.minGroupSize', params: { min: config.minGroupSize } };
  if (field === 'url') return { input: inputId, key: 'errors.url' };
  if (field.startsWith('events')) return { input: inputId, key: 'errors.events' };
  if (field === 'contact' || field === 'complaints') return { input: inputId, key: 'errors.tooLong', params: { max: 200 } };
  if (field === 'mailSenderName') return { input: inputId, key: 'errors.senderName', params: { max: MAIL_SENDER_NAME_MAX } };
  if (field === 'phoneRegion') return { input: inputId, key: 'errors.phoneRegion' };
  if (field === 'name') return { input: inputId, key: 'errors.required' };
  return { input: inputId, key: 'errors.field' };
}

function clearErrors(form: HTMLElement): void {
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
  for (const message of form.querySelectorAll<HTMLElement>('.field-error, .message.error')) say(message, null);
}

/** Each message next to its field (described by it, marked invalid); the first wrong field gets the focus. */
function reportFieldErrors(errors: TFieldError[]): void {
  for (const error of errors) {
    const field = byId(error.input);
    // A group is marked on its boxes: aria-invalid belongs to inputs, not to a fieldset.
    const marked = field instanceof HTMLFieldSetElement ? [...field.querySelectorAll('input')] : [field];
    for (const one of marked) one.setAttribute('aria-invalid', 'true');
    say(byId(`${error.input}-error`), error.key, error.params);
  }
  const first = errors[0];
  if (first) {
    const field = byId(first.input);
    // A group of checkboxes takes the focus on its first box.
    (field instanceof HTMLFieldSetElement ? field.querySelector<HTMLInputElement>('input') : field)?.focus();
  }
}

/** A token that stopped working ends the session; anything else is said where the admin is looking. */
function handleFailure(failure: unknown, where: HTMLElement): void {
  if (failure instanceof ApiProblem && failure.kind === 'unauthorized') {
    signOut('errors.unauthorized');
    return;
  }
  say(where, problemKey(failure));
}

/** A save's refusal: next to the field it names, or in the form's own message. */
function reportSaveFailure(failure: unknown, inputs: Record<string, string>, where: HTMLElement): void {
  const fieldError = fieldErrorOf(failure, inputs);
  if (fieldError) reportFieldErrors([fieldError]);
  else handleFailure(failure, where);
}

// ---- checks before sending --------------------------------------------------------------------------------------

function readNames(prefix: string): TNames {
  return Object.fromEntries(LANGUAGES.map((language) => [language, input(`${prefix}-name-${language}`).value.trim()])) as TNames;
}

function fillNames(prefix: string, names: TNames): void {
  for (const language of LANGUAGES) input(`${prefix}-name-${language}`).value = names[language];
}

function checkNames(prefix: string, names: TNames, { optional = false } = {}): TFieldError[] {
  const given = LANGUAGES.filter((language) => names[language] !== '');
  if (optional && given.length === 0) return [];
  return LANGUAGES.flatMap((language): TFieldError[] => {
    const id = `${prefix}-name-${language}`;
    if (names[language] === '') {
      return [optional ? { input: id, key: 'errors.placeNamesAll' } : { input: id, key: 'errors.nameRequired', params: { language: { t: `languageInSentence.${language}` } } }];
    }
    return names[language].length > 120 ? [{ input: id, key: 'errors.tooLong', params: { max: 120 } }] : [];
  });
}

function checkSlug(id: string, slug: string): TFieldError[] {
  if (slug === '') return [{ input: id, key: 'errors.required' }];
  return SLUG.test(slug) && slug.length <= 64 ? [] : [{ input: id, key: 'errors.slug' }];
}

function checkText(id: string, value: string, max: number, { required = false } = {}): TFieldError[] {
  if (required && value === '') return [{ input: id, key: 'errors.required' }];
  return value.length > max ? [{ input: id, key: 'errors.tooLong', params: { max } }] : [];
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

/** What a person types as a short name for a new service or place, from its Dutch name. */
function suggestSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** The fields of a change that differ from what was read; only those are sent. */
function changed<T extends object>(before: T, after: Partial<T>): Partial<T> {
  const difference: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(after[key]) !== JSON.stringify(before[key])) difference[key] = after[key];
  }
  return difference;
}

// ---- signing in -----------------------------------------------------------------------------------------------

async function signIn(token: string, { quiet = false } = {}): Promise<void> {
  state.token = token;
  const button = byId('sign-in-form').querySelector('button')!;
  button.disabled = true;
  try {
    const { organisations } = await api.get<{ organisations: TOrganisation[] }>('/organisations');
    state.organisations = organisations;
    storedToken.set(token);
    input('token').value = '';
    input('token').removeAttribute('aria-invalid');
    say(byId('sign-in-error'), null);
    byId('sign-in').hidden = true;
    byId('workspace').hidden = false;
    byId('main').focus();
    const first = organisations[0];
    if (first) await useOrganisation(first);
    else say(byId('workspace-error'), 'errors.forbidden');
  } catch (failure) {
    state.token = null;
    storedToken.clear();
    if (!quiet) {
      const key = failure instanceof ApiProblem && failure.kind === 'forbidden' ? 'errors.notAdmin' : problemKey(failure);
      say(byId('sign-in-error'), key);
      input('token').setAttribute('aria-invalid', 'true');
      input('token').focus();
    }
  } finally {
    button.disabled = false;
  }
}

function signOut(messageKey?: string): void {
  state.token = null;
  state.organisations = [];
  state.organisation = null;
  state.base = null;
  state.stale = null;
  state.tokens = [];
  state.webhooks = [];
  state.audit = [];
  state.createdToken = null;
  surveyEditor.reset();
  storedToken.clear();
  // Secrets shown once leave the page with the session.
  input('token-secret').value = '';
  input('webhook-secret').value = '';
  byId('token-created').hidden = true;
  byId('webhook-created').hidden = true;
  byId('workspace').hidden = true;
  byId('sign-in').hidden = false;
  say(byId('sign-in-error'), messageKey ?? null);
  if (messageKey) input('token').setAttribute('aria-invalid', 'true');
  input('token').focus();
}

function option(value: string, text: string): HTMLOptionElement {
  const node = element('option', text);
  node.value = value;
  return node;
}

function renderOrganisationChoice(): void {
  const organisationSelect = select('organisation');
  organisationSelect.replaceChildren(...state.organisations.map((organisation) => option(organisation.slug, organisation.names[texts.language])));
  organisationSelect.value = slugOf();
  byId('organisation-choice').hidden = state.organisations.length < 2;
  byId('managing').hidden = state.organisations.length >= 2 || !state.organisation;
  byId('managing-name').textContent = state.organisation?.names[texts.language] ?? '';
}

/** Shows one organisation: its details in the form, its lists, and loads its people, webhooks and log. */
async function useOrganisation(organisation: TOrganisation): Promise<void> {
  state.organisation = organisation;
  state.editing = { service: null, place: null };
  state.stale = null;
  // What was shown once for the organisation before stays with it.
  state.createdToken = null;
  input('token-secret').value = '';
  input('webhook-secret').value = '';
  byId('webhook-created').hidden = true;
  for (const status of document.querySelectorAll<HTMLElement>('#workspace [role="status"].status')) say(status, null);
  byId('service-edit-form').hidden = true;
  byId('place-edit-form').hidden = true;
  fillDetails(organisation);
  renderAll();
  await Promise.all([loadTokens(), loadWebhooks(), surveyEditor.load(organisation.slug)]);
  await loadAudit();
}

/** The organisation read again after a change to its services or places; the details form keeps what is typed. */
async function reloadOrganisation(): Promise<void> {
  const current = await api.get<TOrganisation>(path('organisations', slugOf()));
  state.organisation = current;
  state.organisations = state.organisations.map((organisation) => (organisation.slug === current.slug ? current : organisation));
  renderOrganisationChoice();
  renderCatalogue('service');
  renderCatalogue('place');
}

// ---- the organisation's details -------------------------------------------------------------------------------

const DETAIL_INPUTS: Record<string, string> = {
  'names.nl': 'org-name-nl',
  'names.pap': 'org-name-pap',
  'names.en': 'org-name-en',
  slug: 'org-slug',
  contact: 'org-contact',
  complaints: 'org-complaints',
  timeZone: 'org-time-zone',
  minGroupSize: 'org-min-group-size',
  defaultLanguage: 'org-default-language',
  mailSenderName: 'org-mail-sender-name',
  phoneRegion: 'org-phone-region',
};

/** As long as the API allows: the name goes in the From header of every invitation. */
const MAIL_SENDER_NAME_MAX = 80;

function fillDetails(organisation: TOrganisation): void {
  state.base = organisation;
  clearErrors(byId('details-form'));
  byId('details-stale').hidden = true;
  fillNames('org', organisation.names);
  input('org-slug').value = organisation.slug;
  input('org-contact').value = organisation.contact;
  input('org-complaints').value = organisation.complaints;
  input('org-time-zone').value = organisation.timeZone;
  input('org-min-group-size').value = organisation.minGroupSize === null ? '' : String(organisation.minGroupSize);
  select('org-default-language').value = organisation.defaultLanguage;
  input('org-mail-sender-name').value = organisation.mailSenderName ?? '';
  renderPhoneRegions(organisation.phoneRegion);
  // Once responses exist the figures are kept by slug and time zone: shown, not editable.
  for (const [id, fixedId] of [
    ['org-slug', 'org-slug-fixed'],
    ['org-time-zone', 'org-time-zone-fixed'],
  ] as const) {
    input(id).readOnly = organisation.hasResponses;
    byId(fixedId).hidden = !organisation.hasResponses;
  }
  renderDetailsHints();
}

function renderDetailsHints(): void {
  const now = state.base ? ` ${t('details.minGroupSizeNow', { min: state.base.effectiveMinGroupSize })}` : '';
  byId('org-min-group-size-hint').textContent = t('details.minGroupSizeHelp', { min: config.minGroupSize }) + now;
}

interface TDetails {
  names: TNames;
  slug: string;
  contact: string;
  complaints: string;
  timeZone: string;
  minGroupSize: number | null;
  defaultLanguage: TLanguage;
  mailSenderName: string | null;
  phoneRegion: string;
}

function readDetails(): { details: TDetails; errors: TFieldError[] } {
  const minField = input('org-min-group-size');
  const minText = minField.value.trim();
  const details: TDetails = {
    names: readNames('org'),
    slug: input('org-slug').value.trim(),
    contact: input('org-contact').value.trim(),
    complaints: input('org-complaints').value.trim(),
    timeZone: input('org-time-zone').value.trim(),
    minGroupSize: minText === '' ? null : Number(minText),
    defaultLanguage: select('org-default-language').value as TLanguage,
    // Empty: the organisation's own name, in the resident's language.
    mailSenderName: input('org-mail-sender-name').value.trim() || null,
    phoneRegion: select('org-phone-region').value,
  };
  const errors = [
    ...checkNames('org', details.names),
    ...checkSlug('org-slug', details.slug),
    ...checkText('org-contact', details.contact, 200),
    ...checkText('org-complaints', details.complaints, 200),
    ...checkText('org-mail-sender-name', details.mailSenderName ?? '', MAIL_SENDER_NAME_MAX),
    ...(isTimeZone(details.timeZone) ? [] : [{ input: 'org-time-zone', key: 'errors.timeZone' }]),
  ];
  const min = details.minGroupSize;
  // Letters in a number field read as empty: that is a mistake, not "the standard minimum".
  if (minField.validity.badInput || (min !== null && (!Number.isInteger(min) || min <= config.minGroupSize || min > 1000))) {
    errors.push({ input: 'org-min-group-size', key: 'errors.minGroupSize', params: { min: config.minGroupSize } });
  }
  return { details, errors };
}

async function saveDetails(event: Event): Promise<void> {
  event.preventDefault();
  const form = byId('details-form');
  const base = state.base;
  if (!base) return;
  clearErrors(form);
  byId('details-stale').hidden = true;
  say(byId('details-status'), null);
  const { details, errors } = readDetails();
  if (errors.length > 0) return reportFieldErrors(errors);
  const change = changed<TDetails>(base, details);
  if (base.hasResponses) {
    delete change.slug;
    delete change.timeZone;
  }
  if (Object.keys(change).length === 0) return say(byId('details-status'), 'details.unchanged');
  const button = byId<HTMLButtonElement>('details-save');
  button.disabled = true;
  button.textContent = t('details.saving');
  try {
    const saved = await api.patch<TOrganisation>(path('organisations', base.slug), { version: base.version, ...change });
    state.organisations = state.organisations.map((organisation) => (organisation.slug === base.slug ? saved : organisation));
    state.organisation = saved;
    fillDetails(saved);
    renderOrganisationChoice();
    say(byId('details-status'), 'details.saved');
    void loadAudit();
  } catch (failure) {
    if (failure instanceof ApiProblem && failure.code === 'stale_version' && failure.current) {
      // Someone else saved first: nothing of this save was written. Say so, and offer what is there now.
      state.stale = failure.current as TOrganisation;
      renderStale();
      byId('details-stale').hidden = false;
      byId('details-stale-load').focus();
    } else {
      reportSaveFailure(failure, DETAIL_INPUTS, byId('details-error'));
    }
  } finally {
    button.disabled = false;
    button.textContent = t('details.submit');
  }
}

/** Which of the details someone else changed, named as the log names them. */
function renderStale(): void {
  const { stale, base } = state;
  const fields = stale && base ? (['names', 'slug', 'contact', 'complaints', 'timeZone', 'minGroupSize', 'defaultLanguage', 'mailSenderName', 'phoneRegion'] as const).filter((field) => JSON.stringify(stale[field]) !== JSON.stringify(base[field])) : [];
  show(byId('details-stale-fields'), fields.length > 0 ? t('details.staleFields', { fields: fields.map((field) => t(`audit.fields.${field}`)).join(', ') }) : '');
}

function loadStale(): void {
  const current = state.stale;
  if (!current) return;
  state.stale = null;
  state.organisation = current;
  state.organisations = state.organisations.map((organisation) => (organisation.slug === state.base?.slug ? current : organisation));
  fillDetails(current);
  renderAll();
  say(byId('details-status'), 'details.staleLoaded');
  input('org-name-nl').focus();
}

// ---- services and places --------------------------------------------------------------------------------------

type TKind = 'service' | 'place';
/** The locale group and the API's collection of each kind. */
const KINDS = {
  service: { texts: 'services', collection: 'services', section: 'services' },
  place: { texts: 'places', collection: 'places', section: 'places' },
} as const;

function itemsOf(kind: TKind): (TService | TPlace)[] {
  const organisation = state.organisation;
  if (!organisation) return [];
  return kind === 'service' ? organisation.services : organisation.places;
}

/** How the page names a service or place to the admin: in the page's language (a place: its recorded name). */
function itemName(kind: TKind, item: TService | TPlace): string {
  return kind === 'place' ? (item as TPlace).name : item.names[texts.language];
}

function namesList(names: TNames): HTMLElement {
  const list = element('dl', null, 'names');
  for (const language of LANGUAGES) {
    const value = element('dd', names[language]);
    value.lang = language;
    list.append(element('dt', t(`languageInSentence.${language}`)), value);
  }
  return list;
}

/** A button whose accessible name says what it acts on, while it shows the short verb. */
function actionButton(label: string, subject: string, className?: string): HTMLButtonElement {
  const button = element('button', label, className);
  button.type = 'button';
  button.append(element('span', ` – ${subject}`, 'visually-hidden'));
  return button;
}

function cell(label: string, ...content: (Node | string)[]): HTMLTableCellElement {
  const node = element('td');
  node.dataset.label = label;
  node.append(...content);
  return node;
}

function fillRows(tableId: string, emptyId: string, rows: HTMLTableRowElement[]): void {
  const table = byId<HTMLTableElement>(tableId);
  table.tBodies[0]!.replaceChildren(...rows);
  table.hidden = rows.length === 0;
  byId(emptyId).hidden = rows.length !== 0;
}

function renderCatalogue(kind: TKind): void {
  const group = KINDS[kind].texts;
  // Offered first, retired below; each in the API's order (by short name).
  const items = [...itemsOf(kind)].sort((a, b) => Number(a.retired) - Number(b.retired));
  fillRows(
    `${group}-table`,
    `${group}-empty`,
    items.map((item) => {
      const name = itemName(kind, item);
      const row = element('tr');
      if (item.retired) row.className = 'retired';
      const edit = actionButton(t(`${group}.edit`), name, 'secondary');
      edit.dataset.action = 'edit';
      edit.dataset.slug = item.slug;
      edit.addEventListener('click', () => startEdit(kind, item.slug));
      const toggle = actionButton(t(item.retired ? `${group}.offer` : `${group}.retire`), name, 'secondary');
      toggle.dataset.action = 'toggle';
      toggle.dataset.slug = item.slug;
      toggle.addEventListener('click', () => void toggleRetired(kind, item.slug, toggle));
      const status = element('span', t(item.retired ? `${group}.retired` : `${group}.active`), `badge ${item.retired ? 'off' : 'on'}`);
      const actions = element('div', null, 'row-actions');
      actions.append(edit, toggle);
      const cells: HTMLTableCellElement[] = [];
      if (kind === 'service') {
        cells.push(cell(t('services.name'), namesList(item.names)));
      } else {
        const place = item as TPlace;
        const same = LANGUAGES.every((language) => place.names[language] === place.name);
        cells.push(cell(t('places.name'), element('strong', place.name)), cell(t('places.residentNames'), same ? element('span', '—', 'muted') : namesList(place.names)));
      }
      cells.push(cell(t(`${group}.slug`), element('code', item.slug)), cell(t(`${group}.status`), status), cell(t(`${group}.actions`), actions));
      row.append(...cells);
      return row;
    }),
  );
}

function findItem(kind: TKind, slug: string | null): TService | TPlace | undefined {
  return itemsOf(kind).find((item) => item.slug === slug);
}

function renderEditHeading(kind: TKind): void {
  const item = findItem(kind, state.editing[kind]);
  byId(`${kind}-edit-heading`).textContent = item ? t(`${KINDS[kind].texts}.editHeading`, { name: itemName(kind, item) }) : '';
}

function startEdit(kind: TKind, slug: string): void {
  const item = findItem(kind, slug);
  if (!item) return;
  state.editing[kind] = slug;
  const form = byId(`${kind}-edit-form`);
  clearErrors(form);
  fillNames(`${kind}-edit`, item.names);
  input(`${kind}-edit-slug`).value = item.slug;
  if (kind === 'place') input('place-edit-name').value = (item as TPlace).name;
  renderEditHeading(kind);
  form.hidden = false;
  byId(`${kind}-edit-heading`).focus();
}

/** Back to the list, with the focus on the row the admin came from. */
function endEdit(kind: TKind, slug: string | null): void {
  state.editing[kind] = null;
  byId(`${kind}-edit-form`).hidden = true;
  focusRowButton(kind, slug, 'edit');
}

function focusRowButton(kind: TKind, slug: string | null, action: string): void {
  const table = byId(`${KINDS[kind].texts}-table`);
  const button = [...table.querySelectorAll<HTMLButtonElement>(`button[data-action="${action}"]`)].find((candidate) => candidate.dataset.slug === slug);
  (button ?? byId(`${KINDS[kind].texts}-heading`)).focus();
}

function itemInputs(prefix: string): Record<string, string> {
  return {
    slug: `${prefix}-slug`,
    name: `${prefix}-name`,
    'names.nl': `${prefix}-name-nl`,
    'names.pap': `${prefix}-name-pap`,
    'names.en': `${prefix}-name-en`,
  };
}

/** The fields of the add or edit form of a kind, checked; a place's names may be left out all three. */
function readItem(kind: TKind, prefix: string): { body: { slug: string; names?: TNames; name?: string }; errors: TFieldError[] } {
  const slug = input(`${prefix}-slug`).value.trim();
  const names = readNames(prefix);
  if (kind === 'service') return { body: { slug, names }, errors: [...checkNames(prefix, names), ...checkSlug(`${prefix}-slug`, slug)] };
  const name = input(`${prefix}-name`).value.trim();
  const anyName = LANGUAGES.some((language) => names[language] !== '');
  return {
    body: { slug, name, ...(anyName ? { names } : {}) },
    errors: [...checkText(`${prefix}-name`, name, 80, { required: true }), ...checkNames(prefix, names, { optional: true }), ...checkSlug(`${prefix}-slug`, slug)],
  };
}

async function addItem(kind: TKind, event: Event): Promise<void> {
  event.preventDefault();
  const prefix = `${kind}-add`;
  const form = byId<HTMLFormElement>(`${prefix}-form`);
  const group = KINDS[kind].texts;
  clearErrors(form);
  say(byId(`${prefix}-status`), null);
  const { body, errors } = readItem(kind, prefix);
  if (errors.length > 0) return reportFieldErrors(errors);
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  button.disabled = true;
  try {
    const added = await api.post<TService | TPlace>(path('organisations', slugOf(), KINDS[kind].collection), body);
    form.reset();
    delete input(`${prefix}-slug`).dataset.touched;
    await reloadOrganisation();
    say(byId(`${prefix}-status`), `${group}.added`, { name: itemName(kind, added) });
    input(kind === 'service' ? `${prefix}-name-nl` : `${prefix}-name`).focus();
    void loadAudit();
  } catch (failure) {
    reportSaveFailure(failure, itemInputs(prefix), byId(`${prefix}-error`));
  } finally {
    button.disabled = false;
  }
}

async function saveItem(kind: TKind, event: Event): Promise<void> {
  event.preventDefault();
  const prefix = `${kind}-edit`;
  const group = KINDS[kind].texts;
  const item = findItem(kind, state.editing[kind]);
  if (!item) return;
  clearErrors(byId(`${prefix}-form`));
  say(byId(`${group}-status`), null);
  const { body, errors } = readItem(kind, prefix);
  if (errors.length > 0) return reportFieldErrors(errors);
  const before = kind === 'place' ? { slug: item.slug, name: (item as TPlace).name, names: item.names } : { slug: item.slug, names: item.names };
  // A place whose names were all emptied keeps its names: leaving them out changes nothing.
  const change = changed(before, body);
  if (Object.keys(change).length === 0) return endEdit(kind, item.slug);
  try {
    const saved = await api.patch<TService | TPlace>(path('organisations', slugOf(), KINDS[kind].collection, item.slug), { version: item.version, ...change });
    await reloadOrganisation();
    say(byId(`${group}-status`), `${group}.saved`, { name: itemName(kind, saved) });
    endEdit(kind, saved.slug);
    void loadAudit();
  } catch (failure) {
    if (failure instanceof ApiProblem && failure.code === 'stale_version') {
      await refreshAfterStale(kind, byId(`${prefix}-error`));
      const current = findItem(kind, item.slug);
      if (current) startEdit(kind, current.slug);
      say(byId(`${prefix}-error`), `${group}.stale`);
    } else {
      reportSaveFailure(failure, itemInputs(prefix), byId(`${prefix}-error`));
    }
  }
}

async function refreshAfterStale(kind: TKind, where: HTMLElement): Promise<void> {
  try {
    await reloadOrganisation();
  } catch (failure) {
    handleFailure(failure, where);
  }
  say(where, `${KINDS[kind].texts}.stale`);
}

async function toggleRetired(kind: TKind, slug: string, button: HTMLButtonElement): Promise<void> {
  const item = findItem(kind, slug);
  if (!item) return;
  const group = KINDS[kind].texts;
  say(byId(`${group}-status`), null);
  say(byId(`${group}-error`), null);
  button.disabled = true;
  try {
    const saved = await api.patch<TService | TPlace>(path('organisations', slugOf(), KINDS[kind].collection, slug), { version: item.version, retired: !item.retired });
    await reloadOrganisation();
    say(byId(`${group}-status`), saved.retired ? `${group}.retiredDone` : `${group}.offeredDone`, { name: itemName(kind, saved) });
    focusRowButton(kind, slug, 'toggle');
    void loadAudit();
  } catch (failure) {
    button.disabled = false;
    if (failure instanceof ApiProblem && failure.code === 'stale_version') await refreshAfterStale(kind, byId(`${group}-error`));
    else handleFailure(failure, byId(`${group}-error`));
  }
}

// ---- people: tokens -------------------------------------------------------------------------------------------

async function loadTokens(): Promise<void> {
  say(byId('tokens-error'), null);
  const slug = slugOf();
  try {
    const { tokens } = await api.get<{ tokens: TToken[] }>('/tokens', { organisation: slug });
    // Another organisation was chosen meanwhile: its own list is on its way.
    if (slug !== slugOf()) return;
    state.tokens = tokens;
    renderTokens();
  } catch (failure) {
    handleFailure(failure, byId('tokens-error'));
  }
}

function renderTokens(): void {
  // Working codes first, the newest on top; revoked and expired ones below.
  const order = { active: 0, expired: 1, revoked: 2 };
  const tokens = [...state.tokens].sort((a, b) => order[a.state] - order[b.state] || b.createdAt.localeCompare(a.createdAt));
  fillRows(
    'tokens-table',
    'tokens-empty',
    tokens.map((token) => {
      const row = element('tr');
      const actions = element('div', null, 'row-actions');
      if (token.yours) actions.append(element('span', t('people.yoursHelp'), 'hint'));
      else if (token.state === 'active') {
        const revoke = actionButton(t('people.revoke'), token.name, 'secondary danger-text');
        revoke.addEventListener('click', () => void revokeToken(token));
        actions.append(revoke);
      }
      const name = element('strong', token.name);
      row.append(
        cell(t('people.columnName'), name, ...(token.yours ? [' ', element('span', t('people.yours'), 'badge on')] : [])),
        cell(t('people.columnRole'), t(`people.roles.${token.role}`)),
        cell(t('people.columnState'), element('span', t(`people.states.${token.state}`), `badge ${token.state === 'active' ? 'on' : 'off'}`)),
        cell(t('people.columnExpires'), token.expiresAt ? formatDate(token.expiresAt) : t('people.noExpiry')),
        cell(t('people.columnLastUsed'), token.lastUsedAt ? formatDateTime(token.lastUsedAt) : t('people.never')),
        cell(t('services.actions'), actions),
      );
      return row;
    }),
  );
}

function renderCreatedToken(): void {
  const created = state.createdToken;
  byId('token-created').hidden = !created;
  if (!created) return;
  byId('token-created-text').textContent = t('people.createdText', { name: created.name });
  byId('token-secret-label').textContent = t('people.tokenLabel', { name: created.name });
}

async function createToken(event: Event): Promise<void> {
  event.preventDefault();
  const form = byId<HTMLFormElement>('token-form');
  clearErrors(form);
  say(byId('people-status'), null);
  const name = input('token-name').value.trim();
  const errors = checkText('token-name', name, 100, { required: true });
  if (errors.length > 0) return reportFieldErrors(errors);
  const role = form.querySelector<HTMLInputElement>('input[name="role"]:checked')?.value ?? 'staff';
  const expiresDays = select('token-expiry').value;
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  button.disabled = true;
  try {
    const created = await api.post<TToken & { token: string }>('/tokens', {
      role,
      name,
      organisation: slugOf(),
      ...(expiresDays ? { expiresDays: Number(expiresDays) } : {}),
    });
    state.createdToken = { name: created.name, token: created.token };
    input('token-secret').value = created.token;
    say(byId('token-copy-status'), null);
    renderCreatedToken();
    input('token-name').value = '';
    byId('token-created-heading').focus();
    await loadTokens();
    void loadAudit();
  } catch (failure) {
    reportSaveFailure(failure, { name: 'token-name' }, byId('token-error'));
  } finally {
    button.disabled = false;
  }
}

function forgetCreatedToken(): void {
  state.createdToken = null;
  input('token-secret').value = '';
  renderCreatedToken();
  byId('tokens-heading').focus();
}

async function revokeToken(token: TToken): Promise<void> {
  say(byId('people-status'), null);
  const sure = await confirmAction(t('people.confirmHeading'), t('people.confirmText', { name: token.name }), t('people.confirmYes'));
  if (!sure) return;
  try {
    await api.delete(path('tokens', token.id));
    await loadTokens();
    say(byId('people-status'), 'people.revoked', { name: token.name });
    byId('tokens-heading').focus();
    void loadAudit();
  } catch (failure) {
    handleFailure(failure, byId('tokens-error'));
  }
}

// ---- webhooks -------------------------------------------------------------------------------------------------

async function loadWebhooks(): Promise<void> {
  say(byId('webhooks-error'), null);
  const slug = slugOf();
  try {
    const { webhooks } = await api.get<{ webhooks: TWebhook[] }>('/webhooks', { organisation: slug });
    const deliveries = await Promise.all(
      webhooks.map(async (webhook) => [webhook.id, (await api.get<{ deliveries: TDelivery[] }>(path('webhooks', webhook.id, 'deliveries'), { limit: 5 })).deliveries] as const),
    );
    // Another organisation was chosen meanwhile: its own list is on its way.
    if (slug !== slugOf()) return;
    state.webhooks = webhooks;
    state.deliveries = new Map(deliveries);
    renderWebhooks();
  } catch (failure) {
    handleFailure(failure, byId('webhooks-error'));
  }
}

const eventName = (event: string) => {
  const key = `webhooks.eventNames.${event.replace(/\./g, '-')}`;
  return hasText(key) ? t(key) : event;
};

function renderWebhooks(): void {
  const list = byId('webhooks-list');
  list.replaceChildren(
    ...state.webhooks.map((webhook) => {
      const item = element('li', null, 'card');
      const head = element('div', null, 'card-head');
      const title = element('h4', webhook.url, 'url');
      const remove = actionButton(t('webhooks.delete'), webhook.url, 'secondary danger-text');
      remove.addEventListener('click', () => void deleteWebhook(webhook));
      head.append(title, remove);
      const meta = element('p', t('webhooks.since', { date: formatDate(webhook.createdAt) }), 'hint');
      if (!webhook.active) meta.append(' ', element('span', t('webhooks.inactive'), 'badge off'));
      const events = element('ul', null, 'events');
      events.append(...webhook.events.map((event) => element('li', eventName(event))));
      item.append(head, meta, events, deliveriesOf(webhook));
      return item;
    }),
  );
  list.hidden = state.webhooks.length === 0;
  byId('webhooks-empty').hidden = state.webhooks.length !== 0;
}

function deliveriesOf(webhook: TWebhook): HTMLElement {
  const box = element('div', null, 'deliveries');
  const deliveries = state.deliveries.get(webhook.id) ?? [];
  box.append(element('h5', t('webhooks.deliveries')));
  if (deliveries.length === 0) {
    box.append(element('p', t('webhooks.noDeliveries'), 'hint'));
    return box;
  }
  const table = element('table', null, 'compact');
  const caption = element('caption', `${t('webhooks.deliveries')} – ${webhook.url}`, 'visually-hidden');
  const head = element('thead');
  const headRow = element('tr');
  for (const key of ['deliveryWhen', 'deliveryEvent', 'deliveryStatus', 'deliveryAttempts', 'deliveryAnswer']) {
    const th = element('th', t(`webhooks.${key}`));
    th.scope = 'col';
    headRow.append(th);
  }
  head.append(headRow);
  const body = element('tbody');
  for (const delivery of deliveries) {
    const row = element('tr');
    const statusKey = `webhooks.statuses.${delivery.status}`;
    const answer = delivery.responseStatus !== null ? `HTTP ${delivery.responseStatus}` : (delivery.lastError ?? '—');
    row.append(
      cell(t('webhooks.deliveryWhen'), formatDateTime(delivery.createdAt)),
      cell(t('webhooks.deliveryEvent'), eventName(delivery.event)),
      cell(t('webhooks.deliveryStatus'), element('span', hasText(statusKey) ? t(statusKey) : delivery.status, `badge ${delivery.status === 'delivered' ? 'on' : delivery.status === 'failed' ? 'bad' : 'off'}`)),
      cell(t('webhooks.deliveryAttempts'), String(delivery.attempts)),
      cell(t('webhooks.deliveryAnswer'), answer),
    );
    body.append(row);
  }
  table.append(caption, head, body);
  box.append(table);
  return box;
}

async function createWebhook(event: Event): Promise<void> {
  event.preventDefault();
  const form = byId<HTMLFormElement>('webhook-form');
  clearErrors(form);
  say(byId('webhooks-status'), null);
  const url = input('webhook-url').value.trim();
  const events = [...form.querySelectorAll<HTMLInputElement>('input[name="events"]:checked')].map((box) => box.value);
  const errors: TFieldError[] = [];
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // not an address at all
  }
  if (!parsed || !['https:', 'http:'].includes(parsed.protocol)) errors.push({ input: 'webhook-url', key: url === '' ? 'errors.required' : 'errors.url' });
  if (events.length === 0) errors.push({ input: 'webhook-events', key: 'errors.events' });
  if (errors.length > 0) return reportFieldErrors(errors);
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  button.disabled = true;
  try {
    const created = await api.post<TWebhook & { secret: string }>('/webhooks', { organisation: slugOf(), url, events });
    input('webhook-secret').value = created.secret;
    say(byId('webhook-copy-status'), null);
    byId('webhook-created').hidden = false;
    form.reset();
    byId('webhook-created-heading').focus();
    await loadWebhooks();
    void loadAudit();
  } catch (failure) {
    reportSaveFailure(failure, { url: 'webhook-url', events: 'webhook-events' }, byId('webhook-error'));
  } finally {
    button.disabled = false;
  }
}

function forgetWebhookSecret(): void {
  input('webhook-secret').value = '';
  byId('webhook-created').hidden = true;
  byId('webhooks-list-heading').focus();
}

async function deleteWebhook(webhook: TWebhook): Promise<void> {
  say(byId('webhooks-status'), null);
  const sure = await confirmAction(t('webhooks.confirmHeading'), t('webhooks.confirmText', { url: webhook.url }), t('webhooks.confirmYes'));
  if (!sure) return;
  try {
    await api.delete(path('webhooks', webhook.id));
    await loadWebhooks();
    say(byId('webhooks-status'), 'webhooks.deleted');
    byId('webhooks-list-heading').focus();
    void loadAudit();
  } catch (failure) {
    handleFailure(failure, byId('webhooks-error'));
  }
}

// ---- the audit log --------------------------------------------------------------------------------------------

async function loadAudit(): Promise<void> {
  say(byId('audit-error'), null);
  const slug = slugOf();
  try {
    const kind = select('audit-kind').value;
    const { entries } = await api.get<{ entries: TAuditEntry[] }>(path('organisations', slug, 'audit'), { limit: 100, ...(kind ? { kind } : {}) });
    // Another organisation was chosen meanwhile: its own log is on its way.
    if (slug !== slugOf()) return;
    state.audit = entries;
    renderAudit();
  } catch (failure) {
    handleFailure(failure, byId('audit-error'));
  }
}

/** One line of the log as a sentence in the page's language: what was done, to what, which fields. */
function describe(entry: TAuditEntry): string {
  const key = `audit.actions.${entry.action.replace(/\./g, '-')}`;
  if (!hasText(key)) return entry.action;
  const subjectId = entry.subjectId ?? '';
  let subject = subjectId;
  if (entry.subjectType === 'service') {
    const service = state.organisation?.services.find((candidate) => candidate.slug === subjectId);
    subject = service ? service.names[texts.language] : subjectId;
  } else if (entry.subjectType === 'place') {
    subject = state.organisation?.places.find((candidate) => candidate.slug === subjectId)?.name ?? subjectId;
  } else if (entry.subjectType === 'token') {
    subject = state.tokens.find((token) => token.id === subjectId)?.name ?? t('audit.unknownToken');
  }
  const fields = Array.isArray(entry.details?.fields)
    ? (entry.details.fields as unknown[])
        .map((field) => String(field))
        .map((field) => (hasText(`audit.fields.${field}`) ? t(`audit.fields.${field}`) : field))
        .join(', ')
    : '';
  const role = typeof entry.details?.role === 'string' && hasText(`people.roles.${entry.details.role}`) ? t(`people.roles.${entry.details.role}`).toLowerCase() : '';
  const version = typeof entry.details?.version === 'number' ? entry.details.version : '';
  return t(key, { subject, fields, role, version });
}

function renderAudit(): void {
  fillRows(
    'audit-table',
    'audit-empty',
    state.audit.map((entry) => {
      const row = element('tr');
      row.append(
        cell(t('audit.when'), formatDateTime(entry.at)),
        cell(t('audit.who'), entry.actor === 'cli' ? t('audit.operator') : entry.actor),
        cell(t('audit.what'), describe(entry)),
      );
      return row;
    }),
  );
}

// ---- confirming, copying ----------------------------------------------------------------------------------------

/** Asks before something that cannot be undone; "no" has the focus, Escape means no. */
function confirmAction(heading: string, text: string, yes: string, tone: 'danger' | 'plain' = 'danger'): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm');
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  byId('confirm-heading').textContent = heading;
  byId('confirm-text').textContent = text;
  byId('confirm-yes').textContent = yes;
  byId('confirm-yes').className = tone === 'danger' ? 'danger' : '';
  dialog.returnValue = '';
  dialog.showModal();
  byId('confirm-no').focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        const sure = dialog.returnValue === 'yes';
        if (!sure) opener?.focus();
        resolve(sure);
      },
      { once: true },
    );
  });
}

async function copy(field: HTMLInputElement, status: HTMLElement, group: 'people' | 'webhooks'): Promise<void> {
  try {
    await navigator.clipboard.writeText(field.value);
    say(status, `${group}.copied`);
  } catch {
    // No clipboard permission (an old browser, a locked-down desktop): select it so Ctrl+C works.
    field.focus();
    field.select();
    say(status, `${group}.copyFailed`);
  }
}

/** The time zones to choose from: the likely ones first, then every one the browser knows. */
function fillTimeZones(): void {
  const likely = ['Europe/Amsterdam', 'America/Kralendijk', 'America/Curacao', 'America/Aruba', 'America/Lower_Princes'];
  let known: string[] = [];
  try {
    known = Intl.supportedValuesOf('timeZone');
  } catch {
    // An older browser: the likely ones are enough, anything else can be typed.
  }
  const zones = [...new Set([...likely, ...known])];
  byId('time-zones').replaceChildren(...zones.map((zone) => option(zone, zone)));
}

/** Each language by its own name, as the language buttons name them. */
function fillInvitationLanguages(): void {
  select('org-default-language').replaceChildren(...LANGUAGES.map((language) => Object.assign(option(language, t(`languageNames.${language}`)), { lang: language })));
}

/**
 * The regions the page has names for, in the page's language, and the organisation's own even when it has no name
 * for it (the API or the CLI may set any region): it shows as its code, and a save of other details keeps it.
 */
function renderPhoneRegions(chosen: string): void {
  const named = texts.keys('phoneRegionNames');
  const own = state.base?.phoneRegion;
  const regions = own === undefined || named.includes(own) ? named : [...named, own];
  const field = select('org-phone-region');
  field.replaceChildren(...regions.map((region) => option(region, named.includes(region) ? t(`phoneRegionNames.${region}`) : region)));
  field.value = chosen;
}

// ---- wiring ---------------------------------------------------------------------------------------------------

for (const button of document.querySelectorAll<HTMLButtonElement>('.languages button')) {
  button.addEventListener('click', () => applyLanguage(button.dataset.language as TLanguage));
}
byId('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const field = input('token');
  field.removeAttribute('aria-invalid');
  const token = field.value.trim();
  if (!token) {
    say(byId('sign-in-error'), 'errors.unauthorized');
    field.setAttribute('aria-invalid', 'true');
    field.focus();
    return;
  }
  say(byId('sign-in-error'), 'signIn.checking');
  void signIn(token);
});
byId('sign-out').addEventListener('click', () => {
  // Unsaved survey questions are not dropped without asking.
  if (!surveyEditor.isDirty()) return signOut();
  void confirmAction(t('survey.leave.heading'), t('survey.leave.text'), t('survey.leave.yes')).then((sure) => sure && signOut());
});
select('organisation').addEventListener('change', () => void chooseOrganisation());

/** Another organisation; unsaved survey questions of this one are not dropped without asking. */
async function chooseOrganisation(): Promise<void> {
  const chosen = state.organisations.find((organisation) => organisation.slug === select('organisation').value);
  if (!chosen) return;
  if (surveyEditor.isDirty() && !(await confirmAction(t('survey.leave.heading'), t('survey.leave.text'), t('survey.leave.yes')))) {
    select('organisation').value = slugOf();
    return;
  }
  await useOrganisation(chosen);
}

byId('details-form').addEventListener('submit', (event) => void saveDetails(event));
byId('details-stale-load').addEventListener('click', loadStale);

for (const kind of ['service', 'place'] as const) {
  byId(`${kind}-add-form`).addEventListener('submit', (event) => void addItem(kind, event));
  byId(`${kind}-edit-form`).addEventListener('submit', (event) => void saveItem(kind, event));
  byId(`${kind}-edit-cancel`).addEventListener('click', () => endEdit(kind, state.editing[kind]));
  // A new one's short name follows its Dutch name until the admin types one of their own.
  const slug = input(`${kind}-add-slug`);
  slug.addEventListener('input', () => {
    slug.dataset.touched = slug.value === '' ? '' : 'yes';
  });
  const source = input(kind === 'service' ? 'service-add-name-nl' : 'place-add-name');
  source.addEventListener('input', () => {
    if (slug.dataset.touched !== 'yes') slug.value = suggestSlug(source.value);
  });
}

byId('token-form').addEventListener('submit', (event) => void createToken(event));
byId('token-copy').addEventListener('click', () => void copy(input('token-secret'), byId('token-copy-status'), 'people'));
byId('token-done').addEventListener('click', forgetCreatedToken);

byId('webhook-form').addEventListener('submit', (event) => void createWebhook(event));
byId('webhook-copy').addEventListener('click', () => void copy(input('webhook-secret'), byId('webhook-copy-status'), 'webhooks'));
byId('webhook-done').addEventListener('click', forgetWebhookSecret);
byId('webhooks-refresh').addEventListener('click', () => void loadWebhooks());
byId('audit-refresh').addEventListener('click', () => void loadAudit());
select('audit-kind').addEventListener('change', () => void loadAudit());

byId('confirm-yes').addEventListener('click', () => byId<HTMLDialogElement>('confirm').close('yes'));
byId('confirm-no').addEventListener('click', () => byId<HTMLDialogElement>('confirm').close('no'));

fillTimeZones();
fillInvitationLanguages();
applyLanguage(initialLanguage(config));
const token = storedToken.get();
if (token) void signIn(token, { quiet: true });
else input('token').focus();
