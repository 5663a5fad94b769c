// The analyst dashboard. Every text comes from /dashboard/locales/{lang}.json; every figure from the KPI API with
// the analyst's own token. Nothing is ever inserted as HTML: the DOM is built with textContent, so a location or
// service name typed somewhere by a resident can never run as markup or script.
'use strict';

(function dashboard() {
  const LANGUAGES = ['nl', 'pap', 'en'];
  // Number formatting only; Intl has no Papiamentu data and the islands write decimals with a comma, as in Dutch.
  const NUMBER_LOCALES = { nl: 'nl-NL', pap: 'nl-NL', en: 'en-GB' };
  const TOKEN_KEY = 'meethuis.dashboard.token';
  const LANGUAGE_KEY = 'meethuis.dashboard.language';
  const DRIVER_ORDER = ['ease', 'speed', 'clarity', 'seriousness', 'empathy', 'thinkingAlong', 'reliability'];
  const OUTCOMES = ['satisfaction', 'trust', 'effort', 'recommend', 'humaneness'];
  const PERIODS = ['month', 'week', 'day'];

  const state = {
    language: initialLanguage(),
    texts: {},
    token: sessionStorage.getItem(TOKEN_KEY),
    options: null,
    results: null,
    charts: {},
  };

  const $ = (id) => document.getElementById(id);

  function initialLanguage() {
    const stored = sessionStorage.getItem(LANGUAGE_KEY);
    if (LANGUAGES.includes(stored)) return stored;
    const asked = new URLSearchParams(location.search).get('lang');
    if (LANGUAGES.includes(asked)) return asked;
    const browser = (navigator.language || 'nl').toLowerCase().split('-')[0];
    return LANGUAGES.includes(browser) ? browser : 'nl';
  }

  // ---------------------------------------------------------------------------------------------------------
  // Texts.

  function t(key, values) {
    let node = state.texts;
    for (const part of key.split('.')) node = node && typeof node === 'object' ? node[part] : undefined;
    if (typeof node !== 'string') return key;
    return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => (values && name in values ? String(values[name]) : ''));
  }

  async function loadTexts(language) {
    const response = await fetch(`/dashboard/locales/${language}.json`);
    if (!response.ok) throw new Error(`texts for ${language}: ${response.status}`);
    state.texts = await response.json();
    state.language = language;
    sessionStorage.setItem(LANGUAGE_KEY, language);
    document.documentElement.lang = language;
    document.title = t('title');
    for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
    for (const element of document.querySelectorAll('[data-i18n-aria]')) element.setAttribute('aria-label', t(element.dataset.i18nAria));
    renderLanguageButtons();
  }

  function renderLanguageButtons() {
    const nav = $('languages');
    nav.replaceChildren(
      ...LANGUAGES.map((language) => {
        const button = element('button', t(`languages.${language}`));
        button.type = 'button';
        button.lang = language;
        button.dataset.language = language;
        button.setAttribute('aria-pressed', String(language === state.language));
        button.addEventListener('click', () => switchLanguage(language));
        return button;
      }),
    );
  }

  async function switchLanguage(language) {
    await loadTexts(language);
    if (state.options) fillFilterOptions(false);
    if (state.results) render(state.results);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Formatting.

  function formatNumber(value, decimals) {
    return new Intl.NumberFormat(NUMBER_LOCALES[state.language], { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
  }

  const isShown = (kpi) => kpi && typeof kpi === 'object' && !kpi.suppressed;

  function intervalText(kpi, decimals) {
    if (!isShown(kpi) || kpi.low === null || kpi.high === null) return '';
    return `${formatNumber(kpi.low, decimals)} – ${formatNumber(kpi.high, decimals)}`;
  }

  function keyLabel(dimension, value) {
    if (value === null || value === undefined) return t('notes.unknown');
    if (dimension === 'language') return t(`languages.${value}`);
    return String(value);
  }

  // ---------------------------------------------------------------------------------------------------------
  // DOM helpers (textContent only).

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  /** A figure cell: the number, or "too few responses" where it is suppressed. */
  function figureCell(kpi, decimals, testId) {
    const cell = element('td');
    if (testId) cell.dataset.testid = testId;
    if (kpi === null || kpi === undefined) {
      cell.textContent = '–';
    } else if (!isShown(kpi)) {
      cell.textContent = t('notes.suppressed');
      cell.className = 'suppressed';
    } else {
      cell.textContent = formatNumber(kpi.value, decimals);
      cell.className = 'number';
    }
    return cell;
  }

  function fillTable(table, headers, rows) {
    const head = element('thead');
    const headRow = element('tr');
    for (const header of headers) headRow.append(element('th', header));
    head.append(headRow);
    const body = element('tbody');
    for (const row of rows) body.append(row);
    table.replaceChildren(head, body);
  }

  function suppressedRow(label, columns, testId) {
    const row = element('tr');
    row.append(element('td', label));
    const cell = element('td', t('notes.suppressed'), 'suppressed');
    cell.colSpan = columns - 1;
    if (testId) cell.dataset.testid = testId;
    row.append(cell);
    return row;
  }

  // ---------------------------------------------------------------------------------------------------------
  // API.

  class ApiFailure extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path, params) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') query.set(name, value);
    const response = await fetch(`${path}?${query}`, { headers: { authorization: `Bearer ${state.token}` } });
    if (response.ok) return response.json();
    const body = await response.json().catch(() => null);
    // A problem (RFC 9457): `detail` says what went wrong.
    throw new ApiFailure(response.status, (body && body.detail) || String(response.status));
  }

  function filterValues() {
    const form = $('filters');
    const value = (name) => form.elements[name].value;
    return {
      survey: value('survey'),
      from: value('from'),
      to: value('to'),
      service: value('service'),
      language: value('language'),
      location: value('location'),
      chatChannel: value('chatChannel'),
      period: value('period') || 'month',
      outcome: value('outcome') || 'satisfaction',
    };
  }

  async function refresh() {
    const filters = filterValues();
    const { period, outcome, ...common } = filters;
    $('status').textContent = t('notes.loading');
    try {
      const [overall, drivers, trend, byLanguage, byLocation, byService] = await Promise.all([
        api('/api/v1/kpis', common),
        api('/api/v1/kpis/drivers', { ...common, outcome }),
        api('/api/v1/kpis', { ...common, groupBy: `period:${period}` }),
        api('/api/v1/kpis', { ...common, groupBy: 'language' }),
        api('/api/v1/kpis', { ...common, groupBy: 'location' }),
        api('/api/v1/kpis', { ...common, groupBy: 'service' }),
      ]);
      state.results = { filters, overall, drivers, trend, byLanguage, byLocation, byService };
      $('status').textContent = '';
      render(state.results);
    } catch (error) {
      handleFailure(error);
    }
  }

  function handleFailure(error) {
    if (error instanceof ApiFailure && (error.status === 401 || error.status === 403)) {
      signOut(t(error.status === 401 ? 'auth.unauthorized' : 'auth.forbidden'));
      return;
    }
    $('status').textContent = t('notes.error', { message: error.message });
  }

  // ---------------------------------------------------------------------------------------------------------
  // Filters.

  async function loadOptions(survey) {
    state.options = await api('/api/v1/kpis/options', survey ? { survey } : {});
    fillFilterOptions(true);
  }

  function fillSelect(select, values, label, keep) {
    const previous = keep ? select.value : '';
    select.replaceChildren(
      ...values.map(([value, text]) => {
        const option = element('option', text);
        option.value = value;
        return option;
      }),
    );
    if (label) select.setAttribute('aria-label', label);
    if (values.some(([value]) => value === previous)) select.value = previous;
  }

  function fillFilterOptions(keepSurvey) {
    const form = $('filters');
    const surveys = state.options.surveys;
    const previous = form.elements.survey.value;
    fillSelect(form.elements.survey, surveys.map((survey) => [survey, survey]), null, false);
    form.elements.survey.value = keepSurvey && surveys.includes(previous) ? previous : surveys.includes('meethuis') ? 'meethuis' : surveys[0] || '';
    for (const select of form.querySelectorAll('select[data-dimension]')) {
      const dimension = select.dataset.dimension;
      const values = (state.options.values[dimension] || []).filter((value) => value !== null);
      fillSelect(select, [['', t('filters.all')], ...values.map((value) => [value, keyLabel(dimension, value)])], null, true);
    }
    fillSelect(form.elements.period, PERIODS.map((period) => [period, t(`periods.${period}`)]), null, true);
    fillSelect(form.elements.outcome, OUTCOMES.map((outcome) => [outcome, t(`outcomes.${outcome}`)]), null, true);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Rendering.

  function render(results) {
    $('suppressed-help').textContent = t('notes.suppressedHelp', { min: results.overall.minGroupSize });
    renderSummary(results.overall);
    renderDrivers(results.overall);
    renderTrend(results.trend);
    renderMatrix(results.drivers, results.filters.outcome);
    renderBreakdown($('by-language'), results.byLanguage, 'language');
    renderBreakdown($('by-location'), results.byLocation, 'location');
    renderBreakdown($('by-service'), results.byService, 'service');
  }

  function renderSummary(report) {
    const container = $('summary');
    const group = report.groups[0];
    if (!group) {
      container.replaceChildren(element('p', t('notes.noData'), 'hint'));
      return;
    }
    if (group.suppressed) {
      container.replaceChildren(element('p', t('notes.suppressed'), 'suppressed'));
      container.firstChild.dataset.testid = 'summary-suppressed';
      return;
    }
    const card = (key, kpi, decimals, suffix) => {
      const node = element('div', undefined, 'card');
      node.append(element('div', t(`kpis.${key}`), 'label'));
      const value = element('div', isShown(kpi) ? formatNumber(kpi.value, decimals) + suffix : t('notes.suppressed'), isShown(kpi) ? 'value' : 'value suppressed');
      value.dataset.testid = `summary-${key}`;
      node.append(value);
      if (isShown(kpi)) node.append(element('div', `${intervalText(kpi, decimals)} · n = ${kpi.n}`, 'detail'));
      return node;
    };
    const cards = [
      card('csat', group.kpis.csat, 1, '%'),
      card('ces', group.kpis.ces, 2, ''),
      card('trust', group.kpis.trust, 1, '%'),
    ];
    if (group.kpis.nps !== null) cards.push(card('nps', group.kpis.nps, 1, ''));
    const responses = element('div', undefined, 'card');
    responses.append(element('div', t('kpis.n'), 'label'));
    const count = element('div', String(group.n), 'value');
    count.dataset.testid = 'summary-n';
    responses.append(count);
    cards.push(responses);
    container.replaceChildren(...cards);
  }

  function drawChart(name, canvasId, config) {
    if (state.charts[name]) state.charts[name].destroy();
    if (typeof Chart === 'undefined') return;
    state.charts[name] = new Chart($(canvasId), config);
  }

  /** Draws each bar's 95% interval as a whisker: Chart.js has no error bars of its own. */
  const intervalPlugin = {
    id: 'intervals',
    afterDatasetsDraw(chart, _args, options) {
      const ranges = options.ranges || [];
      const meta = chart.getDatasetMeta(0);
      const { ctx } = chart;
      const x = chart.scales.x;
      ctx.save();
      ctx.strokeStyle = '#1b2a3a';
      ctx.lineWidth = 1.5;
      meta.data.forEach((bar, index) => {
        const range = ranges[index];
        if (!range) return;
        const y = bar.y;
        const left = x.getPixelForValue(range[0]);
        const right = x.getPixelForValue(range[1]);
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(right, y);
        ctx.moveTo(left, y - 5);
        ctx.lineTo(left, y + 5);
        ctx.moveTo(right, y - 5);
        ctx.lineTo(right, y + 5);
        ctx.stroke();
      });
      ctx.restore();
    },
  };

  function driverKeys(report) {
    const reported = report.drivers || DRIVER_ORDER;
    return DRIVER_ORDER.filter((key) => reported.includes(key)).concat(reported.filter((key) => !DRIVER_ORDER.includes(key)));
  }

  function renderDrivers(report) {
    const group = report.groups[0];
    const keys = driverKeys(report);
    const kpis = group && !group.suppressed ? group.kpis.drivers : {};
    const rows = keys.map((key) => {
      const kpi = kpis[key];
      const row = element('tr');
      row.append(element('td', t(`drivers.${key}`)));
      row.append(figureCell(group && !group.suppressed ? kpi : { suppressed: true }, 1, `driver-${key}-score`));
      row.append(element('td', intervalText(kpi, 1), 'number'));
      const n = element('td', isShown(kpi) ? String(kpi.n) : '', 'number');
      n.dataset.testid = `driver-${key}-n`;
      row.append(n);
      return row;
    });
    fillTable($('drivers-table'), [t('table.driver'), t('table.score'), t('table.interval'), t('table.n')], rows);
    drawChart('drivers', 'drivers-chart', {
      type: 'bar',
      data: {
        labels: keys.map((key) => t(`drivers.${key}`)),
        datasets: [{ label: t('table.score'), data: keys.map((key) => (isShown(kpis[key]) ? kpis[key].value : null)), backgroundColor: '#8fb3d9' }],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { min: 0, max: 100 } },
        plugins: {
          legend: { display: false },
          intervals: { ranges: keys.map((key) => (isShown(kpis[key]) && kpis[key].low !== null ? [kpis[key].low, kpis[key].high] : null)) },
        },
      },
      plugins: [intervalPlugin],
    });
  }

  function renderTrend(report) {
    const groups = report.groups;
    const periods = groups.map((group) => group.key.period);
    const series = (kpi) => groups.map((group) => (!group.suppressed && isShown(group.kpis[kpi]) ? group.kpis[kpi].value : null));
    const rows = groups.map((group) => {
      if (group.suppressed) return suppressedRow(group.key.period, 5, `trend-${group.key.period}-suppressed`);
      const row = element('tr');
      row.append(element('td', group.key.period));
      const n = element('td', String(group.n), 'number');
      n.dataset.testid = `trend-${group.key.period}-n`;
      row.append(n);
      row.append(figureCell(group.kpis.csat, 1, `trend-${group.key.period}-csat`));
      row.append(figureCell(group.kpis.ces, 2, `trend-${group.key.period}-ces`));
      row.append(figureCell(group.kpis.trust, 1, `trend-${group.key.period}-trust`));
      return row;
    });
    fillTable($('trend-table'), [t('table.period'), t('table.n'), t('kpis.csat'), t('kpis.ces'), t('kpis.trust')], rows);
    drawChart('trend', 'trend-chart', {
      type: 'line',
      data: {
        labels: periods,
        datasets: [
          { label: t('kpis.csat'), data: series('csat'), borderColor: '#154273', yAxisID: 'percent', spanGaps: false },
          { label: t('kpis.trust'), data: series('trust'), borderColor: '#39870c', yAxisID: 'percent', spanGaps: false },
          { label: t('kpis.ces'), data: series('ces'), borderColor: '#e17000', yAxisID: 'ces', spanGaps: false },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { percent: { position: 'left', min: 0, max: 100 }, ces: { position: 'right', min: 1, max: 7, grid: { drawOnChartArea: false } } },
      },
    });
  }

  /** Labels each point of the matrix with its driver and draws the quadrant lines at the averages. */
  const matrixPlugin = {
    id: 'matrix',
    afterDatasetsDraw(chart, _args, options) {
      const { ctx, chartArea } = chart;
      const meta = chart.getDatasetMeta(0);
      ctx.save();
      ctx.fillStyle = '#1b2a3a';
      ctx.font = '12px system-ui, sans-serif';
      meta.data.forEach((point, index) => {
        const label = (options.labels || [])[index];
        if (label) ctx.fillText(label, point.x + 7, point.y - 7);
      });
      if (options.centre) {
        const x = chart.scales.x.getPixelForValue(options.centre.x);
        const y = chart.scales.y.getPixelForValue(options.centre.y);
        ctx.strokeStyle = '#9aa8b5';
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.moveTo(chartArea.left, y);
        ctx.lineTo(chartArea.right, y);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = '#5b6b7b';
        ctx.fillText(options.quadrants.improve, Math.min(x + 6, chartArea.right - 120), chartArea.bottom - 8);
        ctx.fillText(options.quadrants.maintain, Math.min(x + 6, chartArea.right - 120), chartArea.top + 14);
        ctx.fillText(options.quadrants.monitor, chartArea.left + 6, chartArea.bottom - 8);
        ctx.fillText(options.quadrants.surplus, chartArea.left + 6, chartArea.top + 14);
      }
      ctx.restore();
    },
  };

  function renderMatrix(report, outcome) {
    const group = report.groups[0];
    const keys = driverKeys(report).filter((key) => key !== outcome);
    const drivers = group && !group.suppressed ? group.drivers : {};
    const rows = keys.map((key) => {
      const figures = drivers[key];
      const row = element('tr');
      row.append(element('td', t(`drivers.${key}`)));
      const importance = figures && isShown(figures.importance) && figures.importance.r !== null ? figures.importance : null;
      const r = element('td', importance ? formatNumber(importance.r, 3) : t('notes.suppressed'), importance ? 'number' : 'suppressed');
      r.dataset.testid = `matrix-${key}-r`;
      row.append(r);
      row.append(element('td', importance && importance.low !== null ? `${formatNumber(importance.low, 3)} – ${formatNumber(importance.high, 3)}` : '', 'number'));
      row.append(figureCell(figures ? figures.performance : { suppressed: true }, 1, `matrix-${key}-performance`));
      const weight = element('td', figures && figures.relativeWeight ? formatNumber(figures.relativeWeight.pct, 1) : '', 'number');
      weight.dataset.testid = `matrix-${key}-weight`;
      row.append(weight);
      return row;
    });
    fillTable($('matrix-table'), [t('table.driver'), t('table.importance'), t('table.interval'), t('table.performance'), t('table.weight')], rows);
    $('weights-note').textContent = group && !group.suppressed && group.relativeWeights ? '' : t('notes.weightsMissing');

    const points = keys
      .map((key) => ({ key, figures: drivers[key] }))
      .filter(({ figures }) => figures && isShown(figures.importance) && figures.importance.r !== null && isShown(figures.performance));
    const centre = points.length
      ? {
          x: points.reduce((total, point) => total + point.figures.importance.r, 0) / points.length,
          y: points.reduce((total, point) => total + point.figures.performance.value, 0) / points.length,
        }
      : null;
    drawChart('matrix', 'matrix-chart', {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: t('sections.matrix'),
            data: points.map(({ figures }) => ({ x: figures.importance.r, y: figures.performance.value })),
            backgroundColor: '#154273',
            pointRadius: 5,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        // Room on the right for the label of the most important driver.
        layout: { padding: { right: 90 } },
        scales: {
          x: { title: { display: true, text: t('matrix.xAxis', { outcome: t(`outcomes.${outcome}`) }) } },
          y: { title: { display: true, text: t('matrix.yAxis') }, min: 0, max: 100 },
        },
        plugins: {
          legend: { display: false },
          matrix: {
            labels: points.map(({ key }) => t(`drivers.${key}`)),
            centre,
            quadrants: { improve: t('matrix.improve'), maintain: t('matrix.maintain'), monitor: t('matrix.monitor'), surplus: t('matrix.surplus') },
          },
        },
      },
      plugins: [matrixPlugin],
    });
  }

  function renderBreakdown(table, report, dimension) {
    const headers = [t('table.group'), t('table.n'), t('kpis.csat'), t('kpis.ces'), t('kpis.trust'), t('kpis.nps')];
    const rows = report.groups.map((group) => {
      const value = group.key[dimension];
      const label = keyLabel(dimension, value);
      const id = `${dimension}-${value === null ? 'unknown' : value}`;
      if (group.suppressed) return suppressedRow(label, headers.length, `${id}-suppressed`);
      const row = element('tr');
      row.append(element('td', label));
      const n = element('td', String(group.n), 'number');
      n.dataset.testid = `${id}-n`;
      row.append(n);
      row.append(figureCell(group.kpis.csat, 1, `${id}-csat`));
      row.append(figureCell(group.kpis.ces, 2, `${id}-ces`));
      row.append(figureCell(group.kpis.trust, 1, `${id}-trust`));
      row.append(figureCell(group.kpis.nps, 1, `${id}-nps`));
      return row;
    });
    if (rows.length === 0) {
      const row = element('tr');
      const cell = element('td', t('notes.noData'), 'hint');
      cell.colSpan = headers.length;
      row.append(cell);
      rows.push(row);
    }
    fillTable(table, headers, rows);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Sign in and out.

  function showDashboard(signedIn) {
    $('sign-in').hidden = signedIn;
    $('dashboard').hidden = !signedIn;
    $('sign-out').hidden = !signedIn;
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.options = null;
    state.results = null;
    for (const chart of Object.values(state.charts)) chart.destroy();
    state.charts = {};
    showDashboard(false);
    $('auth-error').textContent = message || '';
  }

  async function signIn(token) {
    state.token = token;
    try {
      await loadOptions();
      sessionStorage.setItem(TOKEN_KEY, token);
      $('auth-error').textContent = '';
      showDashboard(true);
      await refresh();
    } catch (error) {
      handleFailure(error);
    }
  }

  async function start() {
    await loadTexts(state.language);
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = $('token');
      const token = input.value.trim();
      input.value = '';
      if (token) void signIn(token);
    });
    $('sign-out').addEventListener('click', () => signOut());
    $('filters').addEventListener('submit', (event) => {
      event.preventDefault();
      void refresh();
    });
    $('filters').elements.survey.addEventListener('change', async (event) => {
      try {
        await loadOptions(event.target.value);
      } catch (error) {
        handleFailure(error);
      }
    });
    if (state.token) await signIn(state.token);
    else showDashboard(false);
  }

  void start();
})();
