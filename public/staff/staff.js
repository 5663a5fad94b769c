// The staff page: sign in with a staff token, send a follow-up survey, follow the latest requests and the open
// call-back requests. Plain browser JavaScript (no build step); every text comes from locales/{nl,pap,en}/staff.json,
// handed over by the server in #staff-config. Data from the API is only ever set as textContent, never as HTML.
(() => {
  'use strict';

  const TOKEN_KEY = 'meethuis.staffToken';
  const LANGUAGE_KEY = 'meethuis.staffLanguage';
  const config = JSON.parse(document.getElementById('staff-config').textContent);
  const $ = (id) => document.getElementById(id);

  const state = {
    language: config.language,
    token: null,
    organisations: [],
    organisation: null,
    result: null,
    recent: [],
    callbacks: [],
    /** Reused when the same form is sent again (a double click, a retry after a network error): one follow-up. */
    idempotencyKey: null,
  };

  // ---- texts --------------------------------------------------------------------------------------------------

  function t(key, params) {
    let node = config.texts[state.language];
    for (const part of key.split('.')) node = node && typeof node === 'object' ? node[part] : undefined;
    const text = typeof node === 'string' ? node : key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => (params && params[name] !== undefined ? String(params[name]) : ''));
  }

  /** Dates as numbers only: Papiamentu has no Intl data, and digits read the same in all three languages. */
  function formatDateTime(iso) {
    const locale = state.language === 'en' ? 'en-GB' : 'nl-NL';
    return new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
  }

  function formatTime(iso) {
    const date = new Date(iso);
    const sameDay = date.toDateString() === new Date().toDateString();
    if (!sameDay) return formatDateTime(iso);
    return new Intl.DateTimeFormat(state.language === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' }).format(date);
  }

  function applyLanguage(language) {
    state.language = language;
    try {
      localStorage.setItem(LANGUAGE_KEY, language);
    } catch {
      /* storage may be off; the choice then lasts this page */
    }
    document.documentElement.lang = language;
    for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
    document.title = t('page.title');
    for (const button of document.querySelectorAll('.languages button')) {
      button.setAttribute('aria-pressed', String(button.dataset.language === language));
    }
    renderChoices();
    renderResult();
    renderRecent();
    renderCallbacks();
  }

  // ---- the API ------------------------------------------------------------------------------------------------

  class ApiFailure extends Error {
    constructor(kind, code, field) {
      super(code || kind);
      this.kind = kind;
      this.code = code;
      this.field = field;
    }
  }

  async function api(method, path, body, headers) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          Authorization: `Bearer ${state.token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(headers || {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiFailure('network');
    }
    const text = await response.text();
    let data;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      data = {};
    }
    if (response.ok) return { status: response.status, data };
    // The API answers with RFC 9457 problem details: a stable `code`, and `field` for bad input.
    const kind = { 401: 'unauthorized', 403: 'forbidden', 409: 'conflict', 422: 'unreachable', 429: 'rateLimited' }[response.status] || (response.status === 400 ? 'invalid' : 'generic');
    throw new ApiFailure(kind, data.code, data.field);
  }

  const FIELD_TEXTS = {
    service: 'fields.service',
    contactChannel: 'fields.contactChannel',
    language: 'fields.language',
    leadTimeDays: 'fields.leadTimeDays',
    contactCount: 'fields.contactCount',
    'target.userId': 'fields.teamsUser',
    organisation: 'fields.organisation',
  };
  const FIELD_INPUTS = { service: 'service', contactChannel: 'contact-channel', language: 'resident-language', leadTimeDays: 'lead-time', contactCount: 'contact-count', 'target.userId': 'teams-user' };

  /** What went wrong, in words a staff member can act on. */
  function errorText(failure) {
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
      case 'invalid':
        return FIELD_TEXTS[failure.field] ? t('errors.field', { field: t(FIELD_TEXTS[failure.field]) }) : t('errors.generic');
      default:
        return t('errors.generic');
    }
  }

  function show(element, text) {
    element.textContent = text || '';
    element.hidden = !text;
  }

  /** A token that stopped working (revoked, expired) ends the session, with the reason on the sign-in form. */
  function handleFailure(failure, where) {
    if (failure.kind === 'unauthorized') {
      signOut(errorText(failure));
      return;
    }
    show(where, errorText(failure));
  }

  // ---- signing in -----------------------------------------------------------------------------------------------

  async function signIn(token, { quiet } = {}) {
    state.token = token;
    const button = $('sign-in-form').querySelector('button');
    button.disabled = true;
    show($('sign-in-error'), quiet ? '' : '');
    try {
      const { data } = await api('GET', '/api/v1/services');
      state.organisations = data.organisations || [];
      state.organisation = state.organisations[0] ? state.organisations[0].slug : null;
      sessionStorage.setItem(TOKEN_KEY, token);
      $('token').value = '';
      $('sign-in').hidden = true;
      $('workspace').hidden = false;
      renderChoices();
      $('main').focus();
      await Promise.all([loadRecent(), loadCallbacks()]);
    } catch (failure) {
      state.token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      if (!quiet) {
        show($('sign-in-error'), errorText(failure));
        $('token').setAttribute('aria-invalid', 'true');
        $('token').focus();
      }
    } finally {
      button.disabled = false;
    }
  }

  function signOut(message) {
    state.token = null;
    state.organisations = [];
    state.result = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('workspace').hidden = true;
    $('sign-in').hidden = false;
    show($('sign-in-error'), message || '');
    $('token').focus();
  }

  // ---- the form -----------------------------------------------------------------------------------------------

  function option(value, text) {
    const element = document.createElement('option');
    element.value = value;
    element.textContent = text;
    return element;
  }

  function currentOrganisation() {
    return state.organisations.find((organisation) => organisation.slug === state.organisation) || null;
  }

  function serviceName(slug) {
    const organisation = currentOrganisation();
    const service = organisation && organisation.services.find((candidate) => candidate.slug === slug);
    return service ? service.names[state.language] : slug;
  }

  /** Fills the selects in the page's language, keeping what was chosen. */
  function renderChoices() {
    const organisationSelect = $('organisation');
    organisationSelect.replaceChildren(...state.organisations.map((organisation) => option(organisation.slug, organisation.names[state.language])));
    organisationSelect.value = state.organisation || '';
    $('organisation-choice').hidden = state.organisations.length < 2;

    const service = $('service');
    const chosenService = service.value;
    const organisation = currentOrganisation();
    service.replaceChildren(option('', t('form.chooseService')), ...(organisation ? organisation.services.map((s) => option(s.slug, s.names[state.language])) : []));
    service.value = organisation && organisation.services.some((s) => s.slug === chosenService) ? chosenService : '';

    const channel = $('contact-channel');
    const chosenChannel = channel.value || config.contactChannels[0];
    channel.replaceChildren(...config.contactChannels.map((name) => option(name, t(`contactChannels.${name}`))));
    channel.value = chosenChannel;

    const language = $('resident-language');
    const chosenLanguage = language.value;
    language.replaceChildren(option('', t('form.languageAny')), ...config.languages.map((code) => option(code, t(`languageNames.${code}`))));
    language.value = chosenLanguage;
  }

  function clearInvalid() {
    for (const element of document.querySelectorAll('#follow-up-form [aria-invalid]')) element.removeAttribute('aria-invalid');
    show($('send-error'), '');
  }

  function markInvalid(inputId, message) {
    const input = $(inputId);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', 'send-error');
    }
    show($('send-error'), message);
    if (input) input.focus();
  }

  function formBody() {
    const teams = $('target-teams').checked;
    const number = (id) => ($(id).value.trim() === '' ? undefined : Number($(id).value));
    const body = {
      survey: config.survey,
      organisation: state.organisation,
      service: $('service').value,
      contactChannel: $('contact-channel').value,
      target: teams ? { type: 'conversation', channel: 'msteams', userId: $('teams-user').value.trim() } : { type: 'link' },
    };
    if ($('resident-language').value) body.language = $('resident-language').value;
    if (number('lead-time') !== undefined) body.leadTimeDays = number('lead-time');
    if (number('contact-count') !== undefined) body.contactCount = number('contact-count');
    return body;
  }

  async function send(event) {
    event.preventDefault();
    clearInvalid();
    if (!$('service').value) return markInvalid('service', t('errors.chooseService'));
    if ($('target-teams').checked && !$('teams-user').value.trim()) return markInvalid('teams-user', t('errors.teamsUser'));
    const button = $('send-button');
    button.disabled = true;
    button.textContent = t('form.sending');
    state.idempotencyKey = state.idempotencyKey || (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
    try {
      const { data } = await api('POST', '/api/v1/follow-ups', formBody(), { 'Idempotency-Key': state.idempotencyKey });
      state.idempotencyKey = null;
      state.result = data;
      renderResult();
      $('result-heading').focus();
      await loadRecent();
    } catch (failure) {
      if (failure.kind === 'invalid' && FIELD_INPUTS[failure.field]) markInvalid(FIELD_INPUTS[failure.field], errorText(failure));
      else if (failure.kind === 'unreachable') markInvalid('teams-user', errorText(failure));
      else handleFailure(failure, $('send-error'));
      // A changed form is a new request; an unchanged one resent after an error keeps its key (see 'input' below).
    } finally {
      button.disabled = false;
      button.textContent = t('form.submit');
    }
  }

  function renderResult() {
    const result = state.result;
    $('result').hidden = !result;
    if (!result) return;
    let message;
    if (result.link) message = t('result.linkReady', { expires: result.linkExpiresAt ? formatDateTime(result.linkExpiresAt) : '' });
    else if (result.status === 'skipped') message = t('result.skipped', { reason: t(`reasons.${result.reason}`) });
    else if (result.status === 'deferred') message = t('result.deferred', { time: formatTime(result.nextAttemptAt) });
    else message = t('result.queued');
    $('result-message').textContent = message;
    $('link-box').hidden = !result.link;
    $('link').value = result.link || '';
    $('copy-status').textContent = '';
  }

  async function copy(text, status) {
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = t('result.copied');
    } catch {
      // No clipboard permission (an old browser, a locked-down desktop): select it so Ctrl+C works.
      const input = $('link');
      input.value = text;
      $('link-box').hidden = false;
      input.focus();
      input.select();
      status.textContent = t('result.copyFailed');
    }
  }

  // ---- the latest requests ------------------------------------------------------------------------------------

  async function loadRecent() {
    show($('recent-error'), '');
    try {
      const { data } = await api('GET', `/api/v1/follow-ups?limit=10&organisation=${encodeURIComponent(state.organisation || '')}`);
      state.recent = data.followUps || [];
      renderRecent();
    } catch (failure) {
      handleFailure(failure, $('recent-error'));
    }
  }

  function cell(text) {
    const element = document.createElement('td');
    element.textContent = text;
    return element;
  }

  function renderRecent() {
    const body = $('recent-table').querySelector('tbody');
    body.replaceChildren(
      ...state.recent.map((followUp) => {
        const row = document.createElement('tr');
        const status = t(`statuses.${followUp.status}`) + (followUp.reason ? ` – ${t(`reasons.${followUp.reason}`)}` : '');
        const statusCell = cell(status);
        if (followUp.link) {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'secondary';
          button.textContent = t('recent.copyAgain');
          const feedback = document.createElement('span');
          feedback.setAttribute('role', 'status');
          feedback.className = 'hint';
          button.addEventListener('click', () => copy(followUp.link, feedback));
          statusCell.append(' ', button, ' ', feedback);
        }
        row.append(
          cell(formatDateTime(followUp.createdAt)),
          cell(serviceName(followUp.service)),
          cell(followUp.target.type === 'link' ? t('recent.viaLink') : t('recent.viaTeams')),
          statusCell,
        );
        return row;
      }),
    );
    $('recent-table').hidden = state.recent.length === 0;
    $('recent-empty').hidden = state.recent.length !== 0;
  }

  // ---- call-back requests -------------------------------------------------------------------------------------

  async function loadCallbacks() {
    show($('callbacks-error'), '');
    try {
      const { data } = await api('GET', `/api/v1/callbacks?organisation=${encodeURIComponent(state.organisation || '')}`);
      state.callbacks = data.callbacks || [];
      renderCallbacks();
    } catch (failure) {
      handleFailure(failure, $('callbacks-error'));
    }
  }

  function renderCallbacks() {
    const body = $('callbacks-table').querySelector('tbody');
    body.replaceChildren(
      ...state.callbacks.map((callback) => {
        const row = document.createElement('tr');
        const contact = document.createElement('td');
        const link = document.createElement('a');
        link.textContent = callback.contact;
        link.href = callback.method === 'email' ? `mailto:${callback.contact}` : `tel:${callback.contact.replace(/[^\d+]/g, '')}`;
        contact.append(link);
        const action = document.createElement('td');
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = t('callbacks.handled');
        button.setAttribute('aria-label', t('callbacks.handledLabel', { contact: callback.contact }));
        button.addEventListener('click', () => markHandled(callback.id, button));
        action.append(button);
        row.append(cell(formatDateTime(callback.createdAt)), cell(t(`callbacks.${callback.method}`)), contact, cell(t(`languageNames.${callback.language}`)), action);
        return row;
      }),
    );
    $('callbacks-table').hidden = state.callbacks.length === 0;
    $('callbacks-empty').hidden = state.callbacks.length !== 0;
  }

  async function markHandled(id, button) {
    button.disabled = true;
    show($('callbacks-error'), '');
    try {
      await api('POST', `/api/v1/callbacks/${encodeURIComponent(id)}/handled`);
      state.callbacks = state.callbacks.filter((callback) => callback.id !== id);
      renderCallbacks();
      $('callbacks-status').textContent = t('callbacks.handledDone');
      $('callbacks-heading').setAttribute('tabindex', '-1');
      $('callbacks-heading').focus();
    } catch (failure) {
      button.disabled = false;
      handleFailure(failure, $('callbacks-error'));
    }
  }

  // ---- wiring -------------------------------------------------------------------------------------------------

  for (const button of document.querySelectorAll('.languages button')) {
    button.addEventListener('click', () => applyLanguage(button.dataset.language));
  }
  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    $('token').removeAttribute('aria-invalid');
    const token = $('token').value.trim();
    if (!token) {
      show($('sign-in-error'), t('errors.unauthorized'));
      $('token').setAttribute('aria-invalid', 'true');
      $('token').focus();
      return;
    }
    show($('sign-in-error'), t('signIn.checking'));
    void signIn(token);
  });
  $('sign-out').addEventListener('click', () => signOut());
  $('organisation').addEventListener('change', () => {
    state.organisation = $('organisation').value;
    state.result = null;
    renderChoices();
    renderResult();
    void loadRecent();
    void loadCallbacks();
  });
  for (const radio of document.querySelectorAll('input[name="target"]')) {
    radio.addEventListener('change', () => {
      $('teams-user-field').hidden = !$('target-teams').checked;
    });
  }
  $('follow-up-form').addEventListener('input', () => {
    state.idempotencyKey = null;
  });
  $('follow-up-form').addEventListener('change', () => {
    state.idempotencyKey = null;
  });
  $('follow-up-form').addEventListener('submit', send);
  $('copy-link').addEventListener('click', () => copy($('link').value, $('copy-status')));
  $('refresh-recent').addEventListener('click', () => void loadRecent());
  $('refresh-callbacks').addEventListener('click', () => void loadCallbacks());

  let stored;
  try {
    stored = localStorage.getItem(LANGUAGE_KEY);
  } catch {
    stored = null;
  }
  // An explicit ?lang= wins over the remembered choice; otherwise the remembered one over the browser's.
  const asked = new URLSearchParams(location.search).get('lang');
  applyLanguage(!asked && stored && config.languages.includes(stored) ? stored : config.language);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) void signIn(token, { quiet: true });
  else $('token').focus();
})();
