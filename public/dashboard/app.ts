// The analyst dashboard. Every text comes from locales/{lang}/dashboard.json (see ../shared/texts.ts); every figure,
// and the lists of outcomes and periods, from the KPI API with the analyst's own token. Nothing is ever inserted as
// HTML: the DOM is built with textContent, so a location or service name typed somewhere by a resident can never
// run as markup or script.
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import { apiClient, ApiProblem } from '../shared/api';
import { analystToken, onTokenEntered } from '../shared/analystSignIn';
import { byId, element, fillTable } from '../shared/dom';
import {
  formatNumberIn,
  isShown,
  SIGNIFICANCE_LEVEL,
  significantChange,
  type TChange,
  type TComment,
  type TCommentsPage,
  type TDriverReport,
  type TKpi,
  type TKpiGroup,
  type TKpiReport,
  type TOptions,
  type TOverview,
  type TSuppressedGroup,
  type TSuppressionReason,
  type TThemeReport,
} from '../shared/kpis';
import { driverImportance, matrixPoints, placeLabels } from '../shared/matrix';
import { boardReportHref, localDay, reportPeriodOfDay } from '../shared/reportPeriod';
import { initialLanguage, languageButtons, PageTexts, readPageConfig, type TLanguage, type TPageConfig } from '../shared/texts';

Chart.register(...registerables);

// ---- what the page keeps (the API's answers are in ../shared/kpis.ts) -------------------------------------------

interface TFilters {
  survey: string;
  from: string;
  to: string;
  service: string;
  language: string;
  location: string;
  chatChannel: string;
  period: string;
  outcome: string;
}
interface TResults {
  filters: TFilters;
  overall: TKpiReport;
  drivers: TDriverReport;
  trend: TKpiReport;
  byLanguage: TKpiReport;
  byLocation: TKpiReport;
  byService: TKpiReport;
  themes: TThemeReport;
  themeTrend: TThemeReport;
}

/** The comments in view: which theme and search narrow them, and the pages loaded so far. */
interface TCommentsView {
  theme: string | null;
  q: string;
  comments: TComment[];
  page: TCommentsPage | null;
}

const config = readPageConfig<TPageConfig>();
const texts = new PageTexts(config);
const t = texts.t.bind(texts);
const storedToken = analystToken;

const state = {
  token: storedToken.get(),
  options: null as TOptions | null,
  results: null as TResults | null,
  comments: { theme: null, q: '', comments: [], page: null } as TCommentsView,
  held: [] as THeldDay[],
  charts: {} as Record<string, Chart>,
};
const api = apiClient(() => state.token);

// ---- texts --------------------------------------------------------------------------------------------------

function useLanguage(language: TLanguage): void {
  texts.use(language, 'title');
  renderLanguageButtons();
}

function renderLanguageButtons(): void {
  byId('languages').replaceChildren(...languageButtons(config.languages, texts.language, (language) => t(`languages.${language}`), switchLanguage));
}

function switchLanguage(language: TLanguage): void {
  useLanguage(language);
  if (state.options) fillFilterOptions(false);
  if (state.results) render(state.results);
  renderHeldBack();
}

// ---- formatting -------------------------------------------------------------------------------------------------

function formatNumber(value: number, decimals: number): string {
  return formatNumberIn(texts.language, value, decimals);
}

function intervalText(kpi: TKpi | undefined, decimals: number): string {
  if (!isShown(kpi) || kpi.low === null || kpi.high === null) return '';
  return `${formatNumber(kpi.low, decimals)} – ${formatNumber(kpi.high, decimals)}`;
}

function keyLabel(dimension: string, value: string | null | undefined): string {
  if (value === null || value === undefined) return t('notes.unknown');
  if (dimension === 'language') return t(`languages.${value}`);
  return value;
}

// ---- tables (textContent only) ----------------------------------------------------------------------------------

/** Why a figure is not shown, as the analyst reads it: too few responses, or hidden for a smaller group's sake. */
function suppressedText(reason: TSuppressionReason | undefined): string {
  if (reason === 'complementary') return t('notes.suppressedComplementary');
  return t('notes.suppressedSmall', { min: state.results?.overall.minGroupSize ?? '' });
}

/** A figure cell: the number, or why it is withheld. */
function figureCell(kpi: TKpi | null | undefined, decimals: number, testId?: string): HTMLTableCellElement {
  const cell = element('td');
  if (testId) cell.dataset.testid = testId;
  if (kpi === null || kpi === undefined) {
    cell.textContent = '–';
  } else if (!isShown(kpi)) {
    cell.textContent = suppressedText(kpi.reason);
    cell.className = 'suppressed';
  } else {
    cell.textContent = formatNumber(kpi.value, decimals);
    cell.className = 'number';
  }
  return cell;
}

function suppressedRow(label: string, reason: TSuppressionReason, columns: number, testId?: string): HTMLTableRowElement {
  const row = element('tr');
  row.append(element('td', label));
  const cell = element('td', suppressedText(reason), 'suppressed');
  cell.colSpan = columns - 1;
  if (testId) cell.dataset.testid = testId;
  row.append(cell);
  return row;
}

function numberCell(value: string, testId: string): HTMLTableCellElement {
  const cell = element('td', value, 'number');
  cell.dataset.testid = testId;
  return cell;
}

// ---- the residents' own words --------------------------------------------------------------------------------

function themeLabel(key: string): string {
  const theme = state.results?.themes.themes.find((candidate) => candidate.key === key);
  return theme ? theme.labels[texts.language] : key;
}

function renderThemes(report: TThemeReport, trend: TThemeReport): void {
  const group = report.groups[0];
  const note = byId('themes-note');
  const counts = group && !group.suppressed && !('suppressed' in group.comments) ? group.comments : null;
  if (!counts) {
    const reason = !group ? undefined : group.suppressed ? group.reason : 'suppressed' in group.comments ? group.comments.reason : undefined;
    note.textContent = group ? t('words.themesWithheld', { reason: suppressedText(reason) }) : t('notes.noData');
    fillTable(byId('themes-table'), [], []);
    return;
  }
  note.textContent = t('words.themesIntro', { n: formatNumber(counts.n, 0) });
  const periods = trend.groups.slice(-4);
  const ranked = report.themes.filter(({ key }) => (counts.themes[key]?.count ?? 0) > 0).sort((a, b) => counts.themes[b.key]!.count - counts.themes[a.key]!.count);
  const rows = ranked.map(({ key, labels }) => {
    const { count, pct } = counts.themes[key]!;
    const row = element('tr');
    row.append(element('td', labels[texts.language]));
    row.append(numberCell(`${formatNumber(pct, 1)}%`, `theme-${key}-pct`));
    row.append(numberCell(String(count), `theme-${key}-count`));
    const perPeriod = periods.map((period) => {
      const figures = !period.suppressed && !('suppressed' in period.comments) ? period.comments.themes[key] : undefined;
      return `${period.key.period ?? ''}: ${figures ? `${formatNumber(figures.pct, 0)}%` : '–'}`;
    });
    // Each period's figure stays on one line: "2026-12: 5%" never breaks at its hyphen.
    const trendCell = element('td', undefined, 'hint');
    perPeriod.forEach((text, index) => trendCell.append(...(index > 0 ? [' · '] : []), element('span', text, 'nowrap')));
    row.append(trendCell);
    const show = element('button', t('words.show'), 'secondary');
    show.type = 'button';
    show.dataset.theme = key;
    show.setAttribute('aria-pressed', String(state.comments.theme === key));
    show.addEventListener('click', () => void loadComments({ theme: state.comments.theme === key ? null : key, q: state.comments.q }));
    const action = element('td');
    action.append(show);
    row.append(action);
    return row;
  });
  fillTable(byId('themes-table'), [t('words.theme'), t('words.pct'), t('words.count'), t('words.trend'), ''], rows);
}

/** Loads the first page of comments for a theme and search (and writes the view to the audit log, server-side). */
async function loadComments(view: { theme: string | null; q: string }, more = false): Promise<void> {
  const filters = state.results?.filters;
  if (!filters) return;
  const { period: _period, outcome: _outcome, ...common } = filters;
  const offset = more && state.comments.page && !state.comments.page.suppressed ? (state.comments.page.nextOffset ?? 0) : 0;
  byId('comments-status').textContent = t('notes.loading');
  try {
    const page = await api.get<TCommentsPage>('/comments', { ...common, theme: view.theme ?? undefined, q: view.q || undefined, offset: offset || undefined });
    state.comments = { ...view, page, comments: more && !page.suppressed ? [...state.comments.comments, ...page.comments] : page.suppressed ? [] : page.comments };
    renderComments();
    if (state.results) renderThemes(state.results.themes, state.results.themeTrend);
  } catch (error) {
    if (error instanceof ApiProblem && error.kind === 'invalid') byId('comments-status').textContent = error.message;
    else handleFailure(error);
  }
}

function renderComments(): void {
  const { page, comments, theme } = state.comments;
  const status = byId('comments-status');
  const list = byId('comments-list');
  const terms = byId('theme-terms');
  const more = byId<HTMLButtonElement>('comments-more');
  terms.hidden = true;
  more.hidden = true;
  if (!page) {
    status.textContent = '';
    list.replaceChildren();
    return;
  }
  if (page.suppressed) {
    status.textContent = t('words.commentsWithheld', { min: page.minGroupSize });
    list.replaceChildren();
    return;
  }
  const scope = theme ? t('words.aboutTheme', { theme: themeLabel(theme) }) : '';
  status.textContent = comments.length === 0 ? t('words.none') : t('words.shown', { shown: comments.length, total: page.total }) + scope;
  if (theme && page.matchedTerms && page.matchedTerms.length > 0) {
    terms.hidden = false;
    terms.textContent = t('words.matched', { theme: themeLabel(theme), terms: page.matchedTerms.map(({ term, count }) => `${term} (${count})`).join(', ') });
  }
  list.replaceChildren(
    ...comments.map((comment) => {
      const item = element('li', undefined, 'comment');
      const quote = element('blockquote', comment.text);
      // The resident's own language, so a screen reader reads it as written.
      quote.lang = comment.language;
      item.append(quote);
      const meta = [comment.day, t(`languages.${comment.language}`), comment.service ? keyLabel('service', comment.service) : null].filter(Boolean).join(' · ');
      item.append(element('div', meta, 'hint'));
      const tags = Object.entries(comment.themes);
      if (tags.length > 0) {
        item.append(element('div', tags.map(([key, words]) => `${themeLabel(key)}: ${words.join(', ')}`).join(' · '), 'tags'));
      }
      return item;
    }),
  );
  more.hidden = page.nextOffset === null;
}

// ---- loading ----------------------------------------------------------------------------------------------------

function form(): HTMLFormElement {
  return byId<HTMLFormElement>('filters');
}

function field(name: string): HTMLSelectElement | HTMLInputElement {
  return form().elements.namedItem(name) as HTMLSelectElement | HTMLInputElement;
}

function filterValues(): TFilters {
  const value = (name: string) => field(name).value;
  return {
    survey: value('survey'),
    from: value('from'),
    to: value('to'),
    service: value('service'),
    language: value('language'),
    location: value('location'),
    chatChannel: value('chatChannel'),
    period: value('period') || state.options?.periods[0] || 'month',
    outcome: value('outcome') || state.options?.outcomes[0] || 'satisfaction',
  };
}

async function refresh(): Promise<void> {
  const filters = filterValues();
  const { period, outcome, ...common } = filters;
  byId('status').textContent = t('notes.loading');
  try {
    // One read of the figures for every panel; the comments come apart, as they are read (and audited) on their own.
    const overview = await api.get<TOverview>('/kpis/overview', { ...common, period, outcome });
    state.results = {
      filters,
      overall: overview.kpis,
      drivers: overview.drivers,
      trend: overview.trend,
      byLanguage: overview.breakdowns.language,
      byLocation: overview.breakdowns.location,
      byService: overview.breakdowns.service,
      themes: overview.themes,
      themeTrend: overview.themeTrend,
    };
    byId('status').textContent = '';
    render(state.results);
    await loadComments({ theme: state.comments.theme, q: state.comments.q });
    // Invitations know the survey, its days and the service, not a resident's language or place.
    renderResponseRate(await api.get<TResponseRateReport>('/kpis/response-rate', { survey: filters.survey, from: filters.from, to: filters.to, service: filters.service }));
  } catch (error) {
    handleFailure(error);
  }
}

interface TResponseRateReport {
  groups: Array<
    | { key: { channel: string }; suppressed: false; sent: number; started: number; completed: number; responseRate: TKpi }
    | { key: { channel: string }; suppressed: true; reason: TSuppressionReason }
  >;
}

/** Invitations per delivery channel: how many went out, were started and completed, and the response rate. */
function renderResponseRate(report: TResponseRateReport): void {
  const rows = report.groups.map((group) => {
    const row = element('tr');
    const channel = group.key.channel;
    row.append(element('td', t(`responseRate.channels.${channel}`)));
    if (group.suppressed) {
      const cell = element('td', suppressedText(group.reason), 'suppressed');
      cell.colSpan = 5;
      row.append(cell);
      return row;
    }
    row.append(numberCell(String(group.sent), `rate-${channel}-sent`), numberCell(String(group.started), `rate-${channel}-started`), numberCell(String(group.completed), `rate-${channel}-completed`));
    row.append(figureCell(group.responseRate, 1, `rate-${channel}-rate`));
    row.append(element('td', intervalText(group.responseRate, 1), 'number'));
    return row;
  });
  byId('response-rate-note').textContent = report.groups.length === 0 ? t('responseRate.none') : '';
  fillTable(
    byId('response-rate'),
    rows.length === 0 ? [] : [t('responseRate.channel'), t('responseRate.sent'), t('responseRate.started'), t('responseRate.completed'), t('responseRate.rate'), t('table.interval')],
    rows,
  );
}

function handleFailure(error: unknown): void {
  if (error instanceof ApiProblem && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
    signOut(t(error.kind === 'unauthorized' ? 'auth.unauthorized' : 'auth.forbidden'));
    return;
  }
  byId('status').textContent = t('notes.error', { message: error instanceof Error ? error.message : String(error) });
}

// ---- filters ----------------------------------------------------------------------------------------------------

async function loadOptions(survey?: string): Promise<void> {
  state.options = await api.get<TOptions>('/kpis/options', { survey });
  fillFilterOptions(true);
}

function fillSelect(select: HTMLSelectElement, values: [string, string][], keep: boolean): void {
  const previous = keep ? select.value : '';
  select.replaceChildren(
    ...values.map(([value, text]) => {
      const option = element('option', text);
      option.value = value;
      return option;
    }),
  );
  if (values.some(([value]) => value === previous)) select.value = previous;
}

function fillFilterOptions(keepSurvey: boolean): void {
  const options = state.options;
  if (!options) return;
  const survey = field('survey') as HTMLSelectElement;
  const previous = survey.value;
  fillSelect(
    survey,
    options.surveys.map((name) => [name, name]),
    false,
  );
  survey.value = keepSurvey && options.surveys.includes(previous) ? previous : options.surveys.includes('meethuis') ? 'meethuis' : (options.surveys[0] ?? '');
  for (const select of form().querySelectorAll<HTMLSelectElement>('select[data-dimension]')) {
    const dimension = select.dataset.dimension ?? '';
    const values = (options.values[dimension] ?? []).filter((value): value is string => value !== null);
    fillSelect(select, [['', t('filters.all')], ...values.map((value): [string, string] => [value, keyLabel(dimension, value)])], true);
  }
  fillSelect(
    field('period') as HTMLSelectElement,
    options.periods.map((period) => [period, t(`periods.${period}`)]),
    true,
  );
  fillSelect(
    field('outcome') as HTMLSelectElement,
    options.outcomes.map((outcome) => [outcome, t(`outcomes.${outcome}`)]),
    true,
  );
}

// ---- rendering --------------------------------------------------------------------------------------------------

/** Whether some version of the survey in view asks the outcome (NPS needs `recommend`). */
const measures = (outcome: string) => state.options?.outcomes.includes(outcome) ?? false;

function renderNotMeasured(): void {
  const missing = texts.keys('outcomes').filter((outcome) => !measures(outcome));
  const note = byId('not-measured');
  note.hidden = missing.length === 0;
  note.textContent = missing.length === 0 ? '' : t('notes.notMeasured', { outcomes: missing.map((outcome) => t(`outcomes.${outcome}`).toLowerCase()).join(', ') });
}

function render(results: TResults): void {
  renderNotMeasured();
  const demo = state.options?.demoResponses ?? 0;
  const banner = byId('demo-banner');
  banner.hidden = demo === 0;
  banner.textContent = demo === 0 ? '' : t('notes.demo', { count: formatNumber(demo, 0) });
  byId('suppressed-help').textContent = t('notes.suppressedHelp', { min: results.overall.minGroupSize });
  renderBoardReportLink(results.filters);
  renderSummary(results.overall);
  renderDrivers(results.overall);
  renderTrend(results.trend);
  renderMatrix(results.drivers, results.filters.outcome);
  renderBreakdown(byId('by-language'), results.byLanguage, 'language');
  renderBreakdown(byId('by-location'), results.byLocation, 'location');
  renderBreakdown(byId('by-service'), results.byService, 'service');
  renderThemes(results.themes, results.themeTrend);
  renderComments();
}

/** The board report of the organisation and period in view, in this tab (it holds the token) and language. */
function renderBoardReportLink(filters: TFilters): void {
  const organisations = (state.options?.values.organisation ?? []).filter((slug) => slug !== null);
  byId<HTMLAnchorElement>('board-report').href = boardReportHref({
    survey: filters.survey,
    // With several organisations in view (a token for all of them) the report asks which one.
    organisation: organisations.length === 1 ? organisations[0]! : null,
    period: reportPeriodOfDay(filters.to || filters.from || localDay(new Date()), filters.period === 'quarter' ? 'quarter' : 'month').key,
    language: texts.language,
  });
}

function renderSummary(report: TKpiReport): void {
  const container = byId('summary');
  const group = report.groups[0];
  if (!group) {
    container.replaceChildren(element('p', t('notes.noData'), 'hint'));
    return;
  }
  if (group.suppressed) {
    const note = element('p', suppressedText(group.reason), 'suppressed');
    note.dataset.testid = 'summary-suppressed';
    container.replaceChildren(note);
    return;
  }
  const card = (key: string, kpi: TKpi, decimals: number, suffix: string) => {
    const node = element('div', undefined, 'card');
    node.append(element('div', t(`kpis.${key}`), 'label'));
    const value = element('div', isShown(kpi) ? formatNumber(kpi.value, decimals) + suffix : suppressedText(kpi.reason), isShown(kpi) ? 'value' : 'value suppressed');
    value.dataset.testid = `summary-${key}`;
    node.append(value);
    if (isShown(kpi)) node.append(element('div', `${intervalText(kpi, decimals)} · n = ${kpi.n}`, 'detail'));
    return node;
  };
  const cards = [card('csat', group.kpis.csat, 1, '%'), card('ces', group.kpis.ces, 2, ''), card('trust', group.kpis.trust, 1, '%')];
  if (group.kpis.humaneness !== null) cards.push(card('humaneness', group.kpis.humaneness, 1, '%'));
  if (group.kpis.nps !== null) cards.push(card('nps', group.kpis.nps, 1, ''));
  const responses = element('div', undefined, 'card');
  responses.append(element('div', t('kpis.n'), 'label'));
  const count = element('div', String(group.n), 'value');
  count.dataset.testid = 'summary-n';
  responses.append(count);
  cards.push(responses);
  container.replaceChildren(...cards);
}

function drawChart(name: string, canvasId: string, chart: ChartConfiguration): void {
  state.charts[name]?.destroy();
  state.charts[name] = new Chart(byId<HTMLCanvasElement>(canvasId), chart);
}

interface TIntervalOptions {
  ranges?: ([number, number] | null)[];
}

/** Draws each bar's 95% interval as a whisker: Chart.js has no error bars of its own. */
const intervalPlugin: Plugin<'bar', TIntervalOptions> = {
  id: 'intervals',
  afterDatasetsDraw(chart, _args, options) {
    const ranges = options.ranges ?? [];
    const meta = chart.getDatasetMeta(0);
    const { ctx } = chart;
    const x = chart.scales.x!;
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

function renderDrivers(report: TKpiReport): void {
  const group = report.groups[0];
  const shown = group && !group.suppressed ? group : null;
  // The API sends the drivers in the order to show them.
  const keys = report.drivers;
  const kpis = shown ? shown.kpis.drivers : {};
  const rows = keys.map((key) => {
    const kpi = kpis[key];
    const row = element('tr');
    row.append(element('td', t(`drivers.${key}`)));
    row.append(figureCell(shown ? kpi : { suppressed: true, reason: group?.suppressed ? group.reason : 'small' }, 1, `driver-${key}-score`));
    row.append(element('td', intervalText(kpi, 1), 'number'));
    row.append(numberCell(isShown(kpi) ? String(kpi.n) : '', `driver-${key}-n`));
    return row;
  });
  fillTable(byId('drivers-table'), [t('table.driver'), t('table.score'), t('table.interval'), t('table.n')], rows);
  const estimate = (key: string) => {
    const kpi = kpis[key];
    return isShown(kpi) ? kpi : null;
  };
  drawChart('drivers', 'drivers-chart', {
    type: 'bar',
    data: {
      labels: keys.map((key) => t(`drivers.${key}`)),
      datasets: [{ label: t('table.score'), data: keys.map((key) => estimate(key)?.value ?? null), backgroundColor: '#8fb3d9' }],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { min: 0, max: 100 } },
      plugins: {
        legend: { display: false },
        // @ts-expect-error -- the options of our own plugin, which Chart.js's option types cannot know
        intervals: {
          ranges: keys.map((key) => {
            const kpi = estimate(key);
            return kpi && kpi.low !== null && kpi.high !== null ? [kpi.low, kpi.high] : null;
          }),
        },
      },
    },
    plugins: [intervalPlugin],
  });
}

/** The tooltip of a real change: against which period, by how much, by which test, with which p. */
function changeTitle(change: TChange, decimals: number): string {
  const p = change.p < 0.001 ? t('change.pBelow', { p: formatNumber(0.001, 3) }) : t('change.p', { p: formatNumber(change.p, 3) });
  const difference = `${change.difference > 0 ? '+' : ''}${formatNumber(change.difference, decimals)}`;
  return t('change.title', { period: change.vs, difference, test: t(`change.tests.${change.test}`), p });
}

/**
 * A trend figure; where it changed for real, an arrow beside it, a text a screen reader reads instead of the arrow
 * and a tooltip. The figure alone keeps the test id, so it still reads as the number the API sent.
 */
function trendCell(kpi: TKpi, decimals: number, testId: string): HTMLTableCellElement {
  const change = significantChange(kpi);
  const cell = figureCell(kpi, decimals, change ? undefined : testId);
  if (!change) return cell;
  const figure = element('span', cell.textContent);
  figure.dataset.testid = testId;
  const direction = change.difference > 0 ? 'higher' : 'lower';
  const arrow = element('span', direction === 'higher' ? '▲' : '▼', `change ${direction}`);
  arrow.setAttribute('aria-hidden', 'true');
  // The arrow goes before the figure, so the figures of the column stay aligned on their right.
  cell.replaceChildren(arrow, ' ', figure, element('span', ` ${t(`change.${direction}`, { period: change.vs })}`, 'visually-hidden'));
  cell.title = changeTitle(change, decimals);
  return cell;
}

/** Where a line's figure changed for real, its point is a larger, filled triangle pointing the way it went. */
function changePoints(kpis: (TKpi | null)[], colour: string) {
  const changes = kpis.map(significantChange);
  return {
    borderColor: colour,
    pointStyle: changes.map((change) => (change ? 'triangle' : 'circle')),
    pointRotation: changes.map((change) => (change && change.difference < 0 ? 180 : 0)),
    pointRadius: changes.map((change) => (change ? 7 : 3)),
    pointBackgroundColor: changes.map((change) => (change ? colour : '#fff')),
    // A marked point on the edge of the plot (a fall to 0%) is drawn whole, not cut in half.
    clip: false as const,
  };
}

function renderTrend(report: TKpiReport): void {
  const groups = report.groups;
  const periodOf = (group: TKpiGroup | TSuppressedGroup) => group.key.period ?? '';
  const kpisOf = (name: 'csat' | 'ces' | 'trust') => groups.map((group) => (group.suppressed ? null : group.kpis[name]));
  const series = (name: 'csat' | 'ces' | 'trust') => kpisOf(name).map((kpi) => (isShown(kpi) ? kpi.value : null));
  const rows = groups.map((group) => {
    const period = periodOf(group);
    if (group.suppressed) return suppressedRow(period, group.reason, 5, `trend-${period}-suppressed`);
    const row = element('tr');
    row.append(element('td', period));
    row.append(numberCell(String(group.n), `trend-${period}-n`));
    row.append(trendCell(group.kpis.csat, 1, `trend-${period}-csat`));
    row.append(trendCell(group.kpis.ces, 2, `trend-${period}-ces`));
    row.append(trendCell(group.kpis.trust, 1, `trend-${period}-trust`));
    return row;
  });
  const table = byId('trend-table');
  fillTable(table, [t('table.period'), t('table.n'), t('kpis.csat'), t('kpis.ces'), t('kpis.trust')], rows);
  table.prepend(element('caption', t('change.legend', { level: formatNumber(SIGNIFICANCE_LEVEL, 2) })));
  drawChart('trend', 'trend-chart', {
    type: 'line',
    data: {
      labels: groups.map(periodOf),
      datasets: [
        { label: t('kpis.csat'), data: series('csat'), yAxisID: 'percent', spanGaps: false, ...changePoints(kpisOf('csat'), '#154273') },
        { label: t('kpis.trust'), data: series('trust'), yAxisID: 'percent', spanGaps: false, ...changePoints(kpisOf('trust'), '#39870c') },
        { label: t('kpis.ces'), data: series('ces'), yAxisID: 'ces', spanGaps: false, ...changePoints(kpisOf('ces'), '#e17000') },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { percent: { position: 'left', min: 0, max: 100 }, ces: { position: 'right', min: 1, max: 7, grid: { drawOnChartArea: false } } },
    },
  });
}

interface TMatrixOptions {
  labels?: string[];
  centre?: { x: number; y: number } | null;
  quadrants?: { improve: string; maintain: string; monitor: string; surplus: string };
}

/** Labels each point of the matrix with its driver and draws the quadrant lines at the averages. */
const matrixPlugin: Plugin<'scatter', TMatrixOptions> = {
  id: 'matrix',
  afterDatasetsDraw(chart, _args, options) {
    const { ctx, chartArea } = chart;
    const meta = chart.getDatasetMeta(0);
    ctx.save();
    ctx.fillStyle = '#1b2a3a';
    ctx.font = '12px system-ui, sans-serif';
    const placed = placeLabels(
      (text) => ctx.measureText(text).width,
      meta.data.map((point, index) => ({ x: point.x, y: point.y, text: (options.labels ?? [])[index] ?? '' })),
      chartArea,
    );
    for (const label of placed) ctx.fillText(label.text, label.left, label.baseline);
    if (options.centre) {
      const x = chart.scales.x!.getPixelForValue(options.centre.x);
      const y = chart.scales.y!.getPixelForValue(options.centre.y);
      ctx.strokeStyle = '#9aa8b5';
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.moveTo(chartArea.left, y);
      ctx.lineTo(chartArea.right, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (options.centre && options.quadrants) {
      const x = chart.scales.x!.getPixelForValue(options.centre.x);
      ctx.fillStyle = '#5b6b7b';
      ctx.fillText(options.quadrants.improve, Math.min(x + 6, chartArea.right - 120), chartArea.bottom - 8);
      ctx.fillText(options.quadrants.maintain, Math.min(x + 6, chartArea.right - 120), chartArea.top + 14);
      ctx.fillText(options.quadrants.monitor, chartArea.left + 6, chartArea.bottom - 8);
      ctx.fillText(options.quadrants.surplus, chartArea.left + 6, chartArea.top + 14);
    }
    ctx.restore();
  },
};

function renderMatrix(report: TDriverReport, outcome: string): void {
  const group = report.groups[0];
  const shown = group && !group.suppressed ? group : null;
  const keys = report.drivers.filter((key) => key !== outcome);
  const drivers = shown ? shown.drivers : {};
  const rows = keys.map((key) => {
    const figures = drivers[key];
    const row = element('tr');
    row.append(element('td', t(`drivers.${key}`)));
    const importance = driverImportance(figures);
    const r = element('td', importance ? formatNumber(importance.r, 3) : suppressedText(figures && 'suppressed' in figures.importance ? figures.importance.reason : 'small'), importance ? 'number' : 'suppressed');
    r.dataset.testid = `matrix-${key}-r`;
    row.append(r);
    row.append(
      element('td', importance && importance.low !== null && importance.high !== null ? `${formatNumber(importance.low, 3)} – ${formatNumber(importance.high, 3)}` : '', 'number'),
    );
    row.append(figureCell(figures ? figures.performance : { suppressed: true, reason: 'small' }, 1, `matrix-${key}-performance`));
    row.append(numberCell(figures?.relativeWeight ? formatNumber(figures.relativeWeight.pct, 1) : '', `matrix-${key}-weight`));
    return row;
  });
  fillTable(byId('matrix-table'), [t('table.driver'), t('table.importance'), t('table.interval'), t('table.performance'), t('table.weight')], rows);
  byId('weights-note').textContent = shown?.relativeWeights ? '' : t('notes.weightsMissing');

  const { points, centre } = matrixPoints(keys, drivers);
  // On a phone the plot is too narrow for names: the points carry numbers, listed under the chart.
  const narrow = byId('matrix-chart').clientWidth < 480;
  const names = points.map(({ key }) => t(`drivers.${key}`));
  const legend = byId('matrix-legend');
  legend.hidden = !narrow || points.length === 0;
  legend.textContent = narrow ? names.map((name, index) => `${index + 1} ${name}`).join(' · ') : '';
  drawChart('matrix', 'matrix-chart', {
    type: 'scatter',
    data: { datasets: [{ label: t('sections.matrix'), data: points.map(({ x, y }) => ({ x, y })), backgroundColor: '#154273', pointRadius: 5 }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      // Room on the right for the label of the most important driver.
      layout: { padding: { right: narrow ? 12 : 90 } },
      scales: {
        x: { title: { display: true, text: t('matrix.xAxis', { outcome: t(`outcomes.${outcome}`) }) } },
        y: { title: { display: true, text: t('matrix.yAxis') }, min: 0, max: 100 },
      },
      plugins: {
        legend: { display: false },
        // @ts-expect-error -- the options of our own plugin, which Chart.js's option types cannot know
        matrix: {
          labels: narrow ? names.map((_name, index) => String(index + 1)) : names,
          centre,
          // The text under the chart says what the quadrants mean where there is no room to write it in them.
          quadrants: narrow ? undefined : { improve: t('matrix.improve'), maintain: t('matrix.maintain'), monitor: t('matrix.monitor'), surplus: t('matrix.surplus') },
        },
      },
    },
    plugins: [matrixPlugin],
  });
}

function renderBreakdown(table: HTMLElement, report: TKpiReport, dimension: string): void {
  const withHumaneness = measures('humaneness');
  const withNps = measures('recommend');
  const headers = [
    t('table.group'),
    t('table.n'),
    t('kpis.csat'),
    t('kpis.ces'),
    t('kpis.trust'),
    ...(withHumaneness ? [t('kpis.humaneness')] : []),
    ...(withNps ? [t('kpis.nps')] : []),
  ];
  const rows = report.groups.map((group) => {
    const value = group.key[dimension];
    const label = keyLabel(dimension, value);
    const id = `${dimension}-${value ?? 'unknown'}`;
    if (group.suppressed) return suppressedRow(label, group.reason, headers.length, `${id}-suppressed`);
    const row = element('tr');
    row.append(element('td', label));
    row.append(numberCell(String(group.n), `${id}-n`));
    row.append(figureCell(group.kpis.csat, 1, `${id}-csat`));
    row.append(figureCell(group.kpis.ces, 2, `${id}-ces`));
    row.append(figureCell(group.kpis.trust, 1, `${id}-trust`));
    if (withHumaneness) row.append(figureCell(group.kpis.humaneness, 1, `${id}-humaneness`));
    if (withNps) row.append(figureCell(group.kpis.nps, 1, `${id}-nps`));
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

// ---- responses held back by the limit per address ----------------------------------------------------------------

interface THeldDay {
  organisation: string;
  day: string;
  responses: number;
  completed: number;
}

/** The held-back days in the caller's scope: a line under the key figures, and the review below. */
async function loadHeldBack(): Promise<void> {
  const { held } = await api.get<{ held: THeldDay[] }>('/responses/held');
  state.held = held;
  renderHeldBack();
}

function renderHeldBack(): void {
  const total = state.held.reduce((sum, day) => sum + day.responses, 0);
  byId('held-line').hidden = total === 0;
  byId('held-count').textContent = total === 0 ? '' : t('held.line', { count: formatNumber(total, 0) });
  byId('held-back').hidden = total === 0 && byId('held-status').textContent === '';
  const rows = state.held.map((held) => {
    const row = element('tr');
    row.append(element('td', held.day), element('td', held.organisation), element('td', String(held.responses), 'number'), element('td', String(held.completed), 'number'));
    const actions = element('td');
    for (const decision of ['accept', 'discard'] as const) {
      const button = element('button', t(`held.${decision}`), decision === 'accept' ? 'primary' : 'secondary');
      button.type = 'button';
      button.setAttribute('aria-label', `${t(`held.${decision}`)}: ${held.organisation} ${held.day}`);
      button.addEventListener('click', () => void decide(decision, held, button));
      actions.append(button, ' ');
    }
    row.append(actions);
    return row;
  });
  fillTable(byId('held-table'), [t('held.day'), t('held.organisation'), t('held.responses'), t('held.completed'), ''], rows);
}

/** Accept (the responses enter the figures on their own day) or discard (they are deleted) one organisation's day. */
async function decide(decision: 'accept' | 'discard', held: THeldDay, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const answer = await api.post<{ accepted?: number; discarded?: number }>(`/responses/held/${decision}`, { organisation: held.organisation, day: held.day });
    byId('held-status').textContent = t(decision === 'accept' ? 'held.accepted' : 'held.discarded', { count: answer.accepted ?? answer.discarded ?? 0 });
    await loadHeldBack();
    if (decision === 'accept') await refresh();
  } catch (error) {
    button.disabled = false;
    handleFailure(error);
  }
}

// ---- the row-level export ----------------------------------------------------------------------------------------

/** The responses under the filters in view, as the CSV file the API streams (the download carries the token). */
async function downloadExport(): Promise<void> {
  const { survey, from, to, service, language, location } = filterValues();
  const status = byId('export-status');
  status.textContent = t('filters.exporting');
  try {
    const file = await api.download('/responses/export', { survey, from, to, service, language, location });
    const link = element('a');
    link.href = URL.createObjectURL(file);
    link.download = `responses-${survey}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(link.href);
    status.textContent = '';
  } catch (error) {
    status.textContent = '';
    handleFailure(error);
  }
}

// ---- signing in and out -----------------------------------------------------------------------------------------

function showDashboard(signedIn: boolean): void {
  byId('sign-in').hidden = signedIn;
  byId('dashboard').hidden = !signedIn;
  byId('sign-out').hidden = !signedIn;
}

function signOut(message?: string): void {
  storedToken.clear();
  state.token = null;
  state.options = null;
  state.results = null;
  state.held = [];
  for (const chart of Object.values(state.charts)) chart.destroy();
  state.charts = {};
  showDashboard(false);
  byId('auth-error').textContent = message ?? '';
}

async function signIn(token: string): Promise<void> {
  state.token = token;
  try {
    await loadOptions();
    storedToken.set(token);
    byId('auth-error').textContent = '';
    showDashboard(true);
    await Promise.all([refresh(), loadHeldBack()]);
  } catch (error) {
    handleFailure(error);
  }
}

useLanguage(initialLanguage(config));
byId('comment-search').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = (byId<HTMLInputElement>('comment-q').value ?? '').trim();
  void loadComments({ theme: state.comments.theme, q });
});
byId('comments-more').addEventListener('click', () => void loadComments({ theme: state.comments.theme, q: state.comments.q }, true));
onTokenEntered((token) => void signIn(token));
byId('sign-out').addEventListener('click', () => signOut());
byId('export').addEventListener('click', () => void downloadExport());
form().addEventListener('submit', (event) => {
  event.preventDefault();
  void refresh();
});
field('survey').addEventListener('change', (event) => {
  loadOptions((event.target as HTMLSelectElement).value).catch(handleFailure);
});
if (state.token) void signIn(state.token);
else showDashboard(false);
