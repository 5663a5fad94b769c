// The staff page: sign in with a staff token, send a follow-up survey, follow the latest requests and the open
// call-back requests. Every text comes from locales/{nl,pap,en}/staff.json (see ../shared/texts.ts); data from the
// API is only ever set as textContent, never as HTML.
import { apiClient, ApiProblem } from '../shared/api';
import { byId, element, show } from '../shared/dom';
import { tabValue } from '../shared/storage';
import { initialLanguage, PageTexts, readPageConfig, type TLanguage, type TPageConfig } from '../shared/texts';

/** Invitations the service sends itself, and may remind once: by e-mail, by text message. */
type TInvitationTarget = 'email' | 'sms';
const INVITATION_TARGETS: readonly TInvitationTarget[] = ['email', 'sms'];

interface TStaffConfig extends TPageConfig {
  contactChannels: string[];
  survey: string;
  /** The invitations the server can send (e-mail with SMTP_URL, text message with SMS_PROVIDER_URL). */
  invitationTargets: TInvitationTarget[];
}

/** How the form sends a follow-up: the radio buttons under "How does the resident get the survey?". */
type TTargetChoice = 'link' | TInvitationTarget | 'teams';

type TNames = Record<TLanguage, string>;
interface TOrganisation {
  slug: string;
  names: TNames;
  services: { slug: string; names: TNames }[];
}
interface TAccepted {
  id: string;
  status: string;
  reason?: string;
  link?: string;
  linkExpiresAt?: string | null;
  nextAttemptAt?: string;
}
interface TFollowUp {
  status: string;
  reason?: string;
  link?: string;
  service: string;
  createdAt: string;
  nextAttemptAt: string | null;
  target: { type: 'conversation' | 'link' } | { type: TInvitationTarget; reminderAt: string | null; remindedAt: string | null };
}
/** What the call is about; only there when the resident agreed to share their answers. */
interface TCallbackContext {
  service: string | null;
  contactChannel: string | null;
  chatChannel: string;
  satisfaction: number | null;
  ownWords: string[];
}
interface TCallback {
  id: string;
  method: 'phone' | 'email';
  contact: string;
  language: TLanguage;
  createdAt: string;
  context: TCallbackContext | null;
}

const config = readPageConfig<TStaffConfig>();
const texts = new PageTexts(config);
const t = texts.t.bind(texts);
const storedToken = tabValue('meethuis.staffToken');

const state = {
  token: null as string | null,
  organisations: [] as TOrganisation[],
  organisation: null as string | null,
  result: null as (TAccepted & { by: TTargetChoice }) | null,
  recent: [] as TFollowUp[],
  callbacks: [] as TCallback[],
  /** Reused when the same form is sent again (a double click, a retry after a network error): one follow-up. */
  idempotencyKey: null as string | null,
};
const api = apiClient(() => state.token);

const input = (id: string) => byId<HTMLInputElement>(id);
const select = (id: string) => byId<HTMLSelectElement>(id);

// ---- texts ----------------------------------------------------------------------------------------------------

/** Dates as numbers only: Papiamentu has no Intl data, and digits read the same in all three languages. */
function formatDateTime(iso: string): string {
  const locale = texts.language === 'en' ? 'en-GB' : 'nl-NL';
  return new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  if (date.toDateString() !== new Date().toDateString()) return formatDateTime(iso);
  return new Intl.DateTimeFormat(texts.language === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' }).format(date);
}

function applyLanguage(language: TLanguage): void {
  texts.use(language, 'page.title');
  for (const button of document.querySelectorAll<HTMLButtonElement>('.languages button')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === language));
  }
  renderChoices();
  renderResult();
  renderRecent();
  renderCallbacks();
}

// ---- what went wrong ------------------------------------------------------------------------------------------

const FIELD_TEXTS: Record<string, string> = {
  service: 'fields.service',
  contactChannel: 'fields.contactChannel',
  language: 'fields.language',
  leadTimeDays: 'fields.leadTimeDays',
  contactCount: 'fields.contactCount',
  'target.userId': 'fields.teamsUser',
  'target.address': 'fields.emailAddress',
  'target.phone': 'fields.smsPhone',
  organisation: 'fields.organisation',
};
const FIELD_INPUTS: Record<string, string> = {
  service: 'service',
  contactChannel: 'contact-channel',
  language: 'resident-language',
  leadTimeDays: 'lead-time',
  contactCount: 'contact-count',
  'target.userId': 'teams-user',
  'target.address': 'email-address',
  'target.phone': 'sms-phone',
};
/** A way of sending the server no longer offers (its setting was taken away since the page loaded), at its radio button. */
const NOT_CONFIGURED: Record<string, { inputId: string; text: string }> = {
  email_not_configured: { inputId: 'target-email', text: 'errors.emailNotConfigured' },
  sms_not_configured: { inputId: 'target-sms', text: 'errors.smsNotConfigured' },
};

/** What went wrong, in words a staff member can act on. */
function errorText(failure: unknown): string {
  if (!(failure instanceof ApiProblem)) return t('errors.generic');
  switch (failure.kind) {
    case 'unauthorized':
      return t('errors.unauthorized');
    case 'forbidden':
      return t('errors.forbidden');
    case 'conflict':
      return t('errors.conflict');
    case 'unreachable':
      return t('errors.noConversation');
    case 'rateLimited':
      return t('errors.rateLimited');
    case 'network':
      return t('errors.network');
    case 'invalid': {
      // The number was read in the organisation's region: not a number there, or not a mobile one.
      if (failure.code === 'invalid_phone') return t('errors.smsPhoneInvalid');
      const field = failure.field === undefined ? undefined : FIELD_TEXTS[failure.field];
      return field ? t('errors.field', { field: t(field) }) : t('errors.generic');
    }
    default:
      return t('errors.generic');
  }
}

/** A token that stopped working (revoked, expired) ends the session, with the reason on the sign-in form. */
function handleFailure(failure: unknown, where: HTMLElement): void {
  if (failure instanceof ApiProblem && failure.kind === 'unauthorized') {
    signOut(errorText(failure));
    return;
  }
  show(where, errorText(failure));
}

// ---- signing in -----------------------------------------------------------------------------------------------

async function signIn(token: string, { quiet = false } = {}): Promise<void> {
  state.token = token;
  const button = byId('sign-in-form').querySelector('button')!;
  button.disabled = true;
  try {
    const { organisations } = await api.get<{ organisations: TOrganisation[] }>('/services');
    state.organisations = organisations;
    state.organisation = organisations[0]?.slug ?? null;
    storedToken.set(token);
    input('token').value = '';
    byId('sign-in').hidden = true;
    byId('workspace').hidden = false;
    renderChoices();
    byId('main').focus();
    await Promise.all([loadRecent(), loadCallbacks()]);
  } catch (failure) {
    state.token = null;
    storedToken.clear();
    if (!quiet) {
      show(byId('sign-in-error'), errorText(failure));
      input('token').setAttribute('aria-invalid', 'true');
      input('token').focus();
    }
  } finally {
    button.disabled = false;
  }
}

function signOut(message?: string): void {
  state.token = null;
  state.organisations = [];
  state.result = null;
  forgetRecipient();
  storedToken.clear();
  byId('workspace').hidden = true;
  byId('sign-in').hidden = false;
  show(byId('sign-in-error'), message ?? '');
  input('token').focus();
}

// ---- the form -------------------------------------------------------------------------------------------------

function option(value: string, text: string): HTMLOptionElement {
  const node = element('option', text);
  node.value = value;
  return node;
}

function currentOrganisation(): TOrganisation | null {
  return state.organisations.find((organisation) => organisation.slug === state.organisation) ?? null;
}

function serviceName(slug: string): string {
  const service = currentOrganisation()?.services.find((candidate) => candidate.slug === slug);
  return service ? service.names[texts.language] : slug;
}

/** Fills the selects in the page's language, keeping what was chosen. */
function renderChoices(): void {
  const organisationSelect = select('organisation');
  organisationSelect.replaceChildren(...state.organisations.map((organisation) => option(organisation.slug, organisation.names[texts.language])));
  organisationSelect.value = state.organisation ?? '';
  byId('organisation-choice').hidden = state.organisations.length < 2;

  const service = select('service');
  const chosenService = service.value;
  const organisation = currentOrganisation();
  service.replaceChildren(option('', t('form.chooseService')), ...(organisation?.services ?? []).map((s) => option(s.slug, s.names[texts.language])));
  service.value = organisation?.services.some((s) => s.slug === chosenService) ? chosenService : '';

  const channel = select('contact-channel');
  const chosenChannel = channel.value || config.contactChannels[0] || '';
  channel.replaceChildren(...config.contactChannels.map((name) => option(name, t(`contactChannels.${name}`))));
  channel.value = chosenChannel;

  const language = select('resident-language');
  const chosenLanguage = language.value;
  language.replaceChildren(option('', t('form.languageAny')), ...config.languages.map((code) => option(code, t(`languageNames.${code}`))));
  language.value = chosenLanguage;
}

function clearInvalid(): void {
  for (const field of document.querySelectorAll('#follow-up-form [aria-invalid]')) field.removeAttribute('aria-invalid');
  show(byId('send-error'), '');
}

function markInvalid(inputId: string, message: string): void {
  const field = document.getElementById(inputId);
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-errormessage', 'send-error');
  }
  show(byId('send-error'), message);
  field?.focus();
}

/** crypto.randomUUID needs a secure context; an intranet page on plain http still needs a key. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function targetChoice(): TTargetChoice {
  if (input('target-email').checked) return 'email';
  if (input('target-sms').checked) return 'sms';
  if (input('target-teams').checked) return 'teams';
  return 'link';
}

/** Shows the field the chosen way of sending needs: the Teams user, the e-mail address or the mobile number. */
function renderTargetFields(): void {
  for (const target of INVITATION_TARGETS) byId(`target-${target}-choice`).hidden = !config.invitationTargets.includes(target);
  byId('teams-user-field').hidden = targetChoice() !== 'teams';
  byId('email-address-field').hidden = targetChoice() !== 'email';
  byId('sms-phone-field').hidden = targetChoice() !== 'sms';
}

/** The address or number is handed to the server, not kept on the page, and never shown again. */
function forgetRecipient(): void {
  input('email-address').value = '';
  input('sms-phone').value = '';
}

function targetOf(choice: TTargetChoice): Record<string, string> {
  switch (choice) {
    case 'email':
      return { type: 'email', address: input('email-address').value.trim() };
    case 'sms':
      return { type: 'sms', phone: input('sms-phone').value.trim() };
    case 'teams':
      return { type: 'conversation', channel: 'msteams', userId: input('teams-user').value.trim() };
    case 'link':
      return { type: 'link' };
  }
}

function formBody(): Record<string, unknown> {
  const number = (id: string) => (input(id).value.trim() === '' ? undefined : Number(input(id).value));
  const body: Record<string, unknown> = {
    survey: config.survey,
    organisation: state.organisation,
    service: select('service').value,
    contactChannel: select('contact-channel').value,
    target: targetOf(targetChoice()),
  };
  if (select('resident-language').value) body.language = select('resident-language').value;
  if (number('lead-time') !== undefined) body.leadTimeDays = number('lead-time');
  if (number('contact-count') !== undefined) body.contactCount = number('contact-count');
  return body;
}

async function send(event: Event): Promise<void> {
  event.preventDefault();
  clearInvalid();
  const by = targetChoice();
  if (!select('service').value) return markInvalid('service', t('errors.chooseService'));
  if (by === 'teams' && !input('teams-user').value.trim()) return markInvalid('teams-user', t('errors.teamsUser'));
  const address = input('email-address');
  if (by === 'email' && (!address.value.trim() || address.validity.typeMismatch)) return markInvalid('email-address', t('errors.emailAddress'));
  // Only that there is one: whether it is a mobile number, and of which country, the server decides.
  if (by === 'sms' && !input('sms-phone').value.trim()) return markInvalid('sms-phone', t('errors.smsPhone'));
  const button = byId<HTMLButtonElement>('send-button');
  button.disabled = true;
  button.textContent = t('form.sending');
  state.idempotencyKey ??= newIdempotencyKey();
  try {
    state.result = { ...(await api.post<TAccepted>('/follow-ups', formBody(), { 'Idempotency-Key': state.idempotencyKey })), by };
    state.idempotencyKey = null;
    forgetRecipient();
    renderResult();
    byId('result-heading').focus();
    await loadRecent();
  } catch (failure) {
    const field = failure instanceof ApiProblem && failure.field !== undefined ? FIELD_INPUTS[failure.field] : undefined;
    const notConfigured = failure instanceof ApiProblem && failure.code !== undefined ? NOT_CONFIGURED[failure.code] : undefined;
    if (notConfigured) markInvalid(notConfigured.inputId, t(notConfigured.text));
    else if (failure instanceof ApiProblem && failure.kind === 'invalid' && field) markInvalid(field, errorText(failure));
    else if (failure instanceof ApiProblem && failure.kind === 'unreachable') markInvalid('teams-user', errorText(failure));
    else handleFailure(failure, byId('send-error'));
    // A changed form is a new request; an unchanged one resent after an error keeps its key (see 'input' below).
  } finally {
    button.disabled = false;
    button.textContent = t('form.submit');
  }
}

/** What happens next with a follow-up the service sends (a link is handed over at once instead). */
const QUEUED_TEXTS: Record<TTargetChoice, string> = { teams: 'result.queued', email: 'result.emailQueued', sms: 'result.smsQueued', link: 'result.queued' };

function renderResult(): void {
  const result = state.result;
  byId('result').hidden = !result;
  if (!result) return;
  let message: string;
  if (result.link) message = t('result.linkReady', { expires: result.linkExpiresAt ? formatDateTime(result.linkExpiresAt) : '' });
  else if (result.status === 'skipped') message = t('result.skipped', { reason: t(`reasons.${result.reason ?? ''}`) });
  else if (result.status === 'deferred' && result.nextAttemptAt) message = t('result.deferred', { time: formatTime(result.nextAttemptAt) });
  else message = t(QUEUED_TEXTS[result.by]);
  byId('result-message').textContent = message;
  byId('link-box').hidden = !result.link;
  input('link').value = result.link ?? '';
  byId('copy-status').textContent = '';
}

async function copy(text: string, status: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = t('result.copied');
  } catch {
    // No clipboard permission (an old browser, a locked-down desktop): select it so Ctrl+C works.
    const link = input('link');
    link.value = text;
    byId('link-box').hidden = false;
    link.focus();
    link.select();
    status.textContent = t('result.copyFailed');
  }
}

// ---- the latest requests --------------------------------------------------------------------------------------

async function loadRecent(): Promise<void> {
  show(byId('recent-error'), '');
  try {
    state.recent = (await api.get<{ followUps: TFollowUp[] }>('/follow-ups', { limit: 10, organisation: state.organisation })).followUps;
    renderRecent();
  } catch (failure) {
    handleFailure(failure, byId('recent-error'));
  }
}

/** A table's rows, or the note that there are none. */
function fillRows(tableId: string, emptyId: string, rows: HTMLTableRowElement[]): void {
  const table = byId<HTMLTableElement>(tableId);
  table.tBodies[0]!.replaceChildren(...rows);
  table.hidden = rows.length === 0;
  byId(emptyId).hidden = rows.length !== 0;
}

const TARGET_NAMES: Record<TFollowUp['target']['type'], string> = {
  link: 'recent.viaLink',
  email: 'recent.viaEmail',
  sms: 'recent.viaSms',
  conversation: 'recent.viaTeams',
};
/** A link that was made was not sent to anyone: staff pass it on themselves. */
const SENT_TEXTS: Record<TFollowUp['target']['type'], string> = {
  link: 'statuses.linkMade',
  email: 'statuses.sentByEmail',
  sms: 'statuses.sentBySms',
  conversation: 'statuses.sent',
};

/** How far a follow-up got. */
function statusText(followUp: TFollowUp): string {
  if (followUp.status === 'sent') return t(SENT_TEXTS[followUp.target.type]);
  const status = t(`statuses.${followUp.status}`);
  return followUp.reason ? `${status} – ${t(`reasons.${followUp.reason}`)}` : status;
}

/** When something is still to happen, or last happened: a deferred send, an invitation's one reminder. */
function statusDetail(followUp: TFollowUp): string | null {
  if (followUp.status === 'deferred' && followUp.nextAttemptAt) return t('recent.goesAt', { time: formatTime(followUp.nextAttemptAt) });
  if (!('reminderAt' in followUp.target)) return null;
  if (followUp.target.remindedAt) return t('recent.remindedAt', { time: formatTime(followUp.target.remindedAt) });
  if (followUp.target.reminderAt) return t('recent.reminderAt', { time: formatTime(followUp.target.reminderAt) });
  return null;
}

function renderRecent(): void {
  fillRows(
    'recent-table',
    'recent-empty',
    state.recent.map((followUp) => {
      const row = element('tr');
      const statusCell = element('td', statusText(followUp));
      const detail = statusDetail(followUp);
      if (detail) statusCell.append(element('span', detail, 'hint detail'));
      const link = followUp.link;
      if (link) {
        const button = element('button', t('recent.copyAgain'), 'secondary');
        button.type = 'button';
        const feedback = element('span', null, 'hint');
        feedback.setAttribute('role', 'status');
        button.addEventListener('click', () => void copy(link, feedback));
        statusCell.append(' ', button, ' ', feedback);
      }
      row.append(
        element('td', formatDateTime(followUp.createdAt)),
        element('td', serviceName(followUp.service)),
        element('td', t(TARGET_NAMES[followUp.target.type])),
        statusCell,
      );
      return row;
    }),
  );
}

// ---- call-back requests ---------------------------------------------------------------------------------------

async function loadCallbacks(): Promise<void> {
  show(byId('callbacks-error'), '');
  try {
    state.callbacks = (await api.get<{ callbacks: TCallback[] }>('/callbacks', { organisation: state.organisation })).callbacks;
    renderCallbacks();
  } catch (failure) {
    handleFailure(failure, byId('callbacks-error'));
  }
}

/** A value's name from a group of texts (`chatChannels.msteams`), or the value itself when the page has none for it. */
function nameIn(group: string, value: string): string {
  return texts.keys(group).includes(value) ? t(`${group}.${value}`) : value;
}

/** What the request is about, beside its contact detail: the answers the resident agreed to share, or why there are none. */
function contextRow(callback: TCallback): HTMLTableRowElement {
  const row = element('tr', null, 'callback-context');
  const cell = element('td');
  cell.colSpan = byId<HTMLTableElement>('callbacks-table').tHead?.rows[0]?.cells.length ?? 1;
  row.append(cell);
  const context = callback.context;
  if (!context) {
    cell.append(element('p', t('callbacks.noContext'), 'hint'));
    return row;
  }
  const list = element('dl', null, 'context');
  const entry = (term: string, descriptions: string[], className?: string) => {
    const group = element('div', null, className);
    group.append(element('dt', term), ...descriptions.map((description) => element('dd', description)));
    list.append(group);
  };
  entry(t('callbacks.service'), [context.service ? serviceName(context.service) : t('callbacks.notKnown')]);
  entry(t('callbacks.contactChannel'), [context.contactChannel ? nameIn('contactChannels', context.contactChannel) : t('callbacks.notKnown')]);
  entry(t('callbacks.chatChannel'), [nameIn('chatChannels', context.chatChannel)]);
  entry(t('callbacks.satisfaction'), [
    context.satisfaction === null ? t('callbacks.notAnswered') : `${context.satisfaction} – ${t(`satisfactionScale.${context.satisfaction}`)}`,
  ]);
  entry(t('callbacks.ownWords'), context.ownWords.length > 0 ? context.ownWords : [t('callbacks.nothingWritten')], 'own-words');
  cell.append(list);
  return row;
}

function renderCallbacks(): void {
  fillRows(
    'callbacks-table',
    'callbacks-empty',
    state.callbacks.flatMap((callback) => {
      const row = element('tr', null, 'callback');
      const contact = element('td');
      const link = element('a', callback.contact);
      link.href = callback.method === 'email' ? `mailto:${callback.contact}` : `tel:${callback.contact.replace(/[^\d+]/g, '')}`;
      contact.append(link);
      const action = element('td');
      const button = element('button', t('callbacks.handled'));
      button.type = 'button';
      button.setAttribute('aria-label', t('callbacks.handledLabel', { contact: callback.contact }));
      button.addEventListener('click', () => void markHandled(callback.id, button));
      action.append(button);
      row.append(
        element('td', formatDateTime(callback.createdAt)),
        element('td', t(`callbacks.${callback.method}`)),
        contact,
        element('td', t(`languageNames.${callback.language}`)),
        action,
      );
      return [row, contextRow(callback)];
    }),
  );
}

async function markHandled(id: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  show(byId('callbacks-error'), '');
  try {
    await api.post(`/callbacks/${encodeURIComponent(id)}/handled`);
    state.callbacks = state.callbacks.filter((callback) => callback.id !== id);
    renderCallbacks();
    byId('callbacks-status').textContent = t('callbacks.handledDone');
    byId('callbacks-heading').setAttribute('tabindex', '-1');
    byId('callbacks-heading').focus();
  } catch (failure) {
    button.disabled = false;
    handleFailure(failure, byId('callbacks-error'));
  }
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
    show(byId('sign-in-error'), t('errors.unauthorized'));
    field.setAttribute('aria-invalid', 'true');
    field.focus();
    return;
  }
  show(byId('sign-in-error'), t('signIn.checking'));
  void signIn(token);
});
byId('sign-out').addEventListener('click', () => signOut());
select('organisation').addEventListener('change', () => {
  state.organisation = select('organisation').value;
  state.result = null;
  renderChoices();
  renderResult();
  void loadRecent();
  void loadCallbacks();
});
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="target"]')) {
  radio.addEventListener('change', renderTargetFields);
}
const form = byId('follow-up-form');
form.addEventListener('input', () => {
  state.idempotencyKey = null;
});
form.addEventListener('change', () => {
  state.idempotencyKey = null;
});
form.addEventListener('submit', (event) => void send(event));
byId('copy-link').addEventListener('click', () => void copy(input('link').value, byId('copy-status')));
byId('refresh-recent').addEventListener('click', () => void loadRecent());
byId('refresh-callbacks').addEventListener('click', () => void loadCallbacks());

renderTargetFields();
applyLanguage(initialLanguage(config));
const token = storedToken.get();
if (token) void signIn(token, { quiet: true });
else input('token').focus();
