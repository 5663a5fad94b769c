// The report for the board: one organisation, one month or quarter, on a few A4 pages the browser prints to PDF. Its
// texts come from locales/{lang}/report.json, with the dashboard's for the sign-in and the names of drivers and tests;
// its figures from the KPI API with the analyst's token, as the dashboard shows them. Every text is set with
// textContent and the chart is SVG built node by node: a resident's words never run as markup.
import { analystToken, onTokenEntered } from '../shared/analystSignIn';
import { apiClient, ApiProblem } from '../shared/api';
import { byId, element, fillTable } from '../shared/dom';
import {
  formatNumberIn,
  isShown,
  SIGNIFICANCE_LEVEL,
  type TChange,
  type TComment,
  type TCommentsPage,
  type TKpi,
  type TKpiGroup,
  type TKpiReport,
  type TOptions,
  type TOverview,
  type TSuppressionReason,
  type TThemeLabel,
  type TThemeReport,
} from '../shared/kpis';
import { driverImportance, matrixPoints, placeLabels, quadrantOf, type TMatrixPoint, type TQuadrant } from '../shared/matrix';
import { adjacentPeriod, boardReportHref, reportPeriod, type TReportPeriod } from '../shared/reportPeriod';
import { initialLanguage, languageButtons, PageTexts, readPageConfig, type TLanguage, type TPageConfig } from '../shared/texts';

/** What the server checked in the address (see src/http/reportPage.ts). */
interface TReportConfig extends TPageConfig {
  request: {
    survey: string;
    organisation: { slug: string; names: Record<TLanguage, string> } | null;
    period: string | null;
    problems: ('organisation' | 'period' | 'survey')[];
  };
}

/** The key figures of the report, in the order the board reads them; NPS is the dashboard's, not the board's. */
const KEY_FIGURES = [
  { key: 'csat', decimals: 1, percent: true },
  { key: 'ces', decimals: 2, percent: false },
  { key: 'trust', decimals: 1, percent: true },
  { key: 'humaneness', decimals: 1, percent: true },
] as const;
type TKeyFigure = (typeof KEY_FIGURES)[number];

/** The outcome the priority matrix relates the drivers to: satisfaction, the dashboard's first choice too. */
const MATRIX_OUTCOME = 'satisfaction';
const TOP_THEMES = 5;
/** Of a theme's newest comments, how many to choose the quotes from. */
const QUOTE_CANDIDATES = 20;
const MAX_QUOTES = 3;
const MIN_QUOTES = 2;
/** A quote a board member takes in at a glance: a sentence or a few. */
const CLEAR_LENGTH = { min: 30, max: 280 };
/** The placeholder the scrubber leaves where personal data was (`[NAME]`): a quote with one reads as a gap. */
const SCRUBBED_PLACEHOLDER = /\[[A-Z]+\]/;
const QUADRANT_ORDER: readonly TQuadrant[] = ['improve', 'maintain', 'monitor', 'surplus'];

interface TReportData {
  overview: TOverview;
  /** The previous and this period, each KPI with its change from the one before. */
  trend: TKpiReport;
  /** A few comments per top theme, by theme; null where they are withheld (fewer responses than the minimum). */
  quotes: Record<string, TComment[]> | null;
  madeOn: Date;
}

const config = readPageConfig<TReportConfig>();
const texts = new PageTexts(config);
const t = texts.t.bind(texts);
const { request } = config;
const period = request.period ? reportPeriod(request.period) : null;

const state = {
  token: analystToken.get(),
  report: null as TReportData | null,
  organisations: null as string[] | null,
};
const api = apiClient(() => state.token);

// ---- texts and formatting -----------------------------------------------------------------------------------------

function useLanguage(language: TLanguage): void {
  texts.use(language, 'title');
  byId('languages').replaceChildren(...languageButtons(config.languages, language, (code) => t(`dashboard.languages.${code}`), switchLanguage));
  byId<HTMLAnchorElement>('back').href = `/dashboard?lang=${language}`;
  // The address keeps the language, so a reload or a shared link opens the report as it is read now.
  const address = new URL(location.href);
  address.searchParams.set('lang', language);
  history.replaceState(null, '', address);
}

function switchLanguage(language: TLanguage): void {
  useLanguage(language);
  render();
}

const formatNumber = (value: number, decimals: number) => formatNumberIn(texts.language, value, decimals);

function periodName(of: TReportPeriod): string {
  const month = (number: number) => t(`months.${number}`);
  return of.unit === 'month'
    ? t('periodNames.month', { month: month(of.firstMonth), year: of.year })
    : t('periodNames.quarter', { first: month(of.firstMonth), last: month(of.lastMonth), year: of.year });
}

function dateName(date: Date): string {
  return t('cover.date', { day: date.getDate(), month: t(`months.${date.getMonth() + 1}`), year: date.getFullYear() });
}

/** Why a figure is not shown, in the dashboard's words. */
function suppressedText(reason: TSuppressionReason, minGroupSize: number): string {
  return reason === 'complementary' ? t('dashboard.notes.suppressedComplementary') : t('dashboard.notes.suppressedSmall', { min: minGroupSize });
}

// ---- loading ------------------------------------------------------------------------------------------------------

function handleFailure(error: unknown): void {
  if (error instanceof ApiProblem && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
    signOut(t(error.kind === 'unauthorized' ? 'dashboard.auth.unauthorized' : 'dashboard.auth.forbidden'));
    return;
  }
  byId('status').textContent = t('error', { message: error instanceof Error ? error.message : String(error) });
}

function signOut(message: string): void {
  analystToken.clear();
  state.token = null;
  state.report = null;
  showSignIn(true);
  byId('auth-error').textContent = message;
}

function showSignIn(visible: boolean): void {
  byId('sign-in').hidden = !visible;
  if (visible) {
    byId('report').hidden = true;
    byId('choose').hidden = true;
    byId('print').hidden = true;
  }
}

async function signIn(token: string): Promise<void> {
  state.token = token;
  showSignIn(false);
  byId('status').textContent = t('loading');
  try {
    if (request.organisation && period) state.report = await loadReport(request.organisation.slug, period);
    else state.organisations = await loadOrganisations();
    analystToken.set(token);
    byId('auth-error').textContent = '';
    byId('status').textContent = '';
    render();
  } catch (error) {
    handleFailure(error);
  }
}

/** The organisations the token sees figures of, for a report asked for without one. */
async function loadOrganisations(): Promise<string[]> {
  const options = await api.get<TOptions>('/kpis/options', { survey: request.survey });
  return (options.values.organisation ?? []).filter((slug): slug is string => slug !== null);
}

async function loadReport(organisation: string, of: TReportPeriod): Promise<TReportData> {
  const selection = { survey: request.survey, organisation };
  const previous = adjacentPeriod(of, -1);
  const [overview, trend] = await Promise.all([
    api.get<TOverview>('/kpis/overview', { ...selection, from: of.from, to: of.to, period: of.unit, outcome: MATRIX_OUTCOME }),
    api.get<TKpiReport>('/kpis', { ...selection, from: previous.from, to: of.to, groupBy: `period:${of.unit}` }),
  ]);
  const group = overview.kpis.groups[0];
  const quotes = group && !group.suppressed ? await loadQuotes(overview.themes, { ...selection, from: of.from, to: of.to }) : null;
  return { overview, trend, quotes, madeOn: new Date() };
}

/** The themes found most often in the open answers, with their share; none where the counts are withheld. */
function topThemes(report: TThemeReport): { theme: TThemeLabel; pct: number }[] {
  const group = report.groups[0];
  const counts = group && !group.suppressed && !('suppressed' in group.comments) ? group.comments : null;
  if (!counts) return [];
  const countOf = (key: string) => counts.themes[key]?.count ?? 0;
  return report.themes
    .filter(({ key }) => countOf(key) > 0)
    .sort((a, b) => countOf(b.key) - countOf(a.key))
    .slice(0, TOP_THEMES)
    .map((theme) => ({ theme, pct: counts.themes[theme.key]!.pct }));
}

/** A few comments of each top theme, each quoted once where a theme has enough; null where the comments are withheld. */
async function loadQuotes(themes: TThemeReport, selection: Record<string, string>): Promise<Record<string, TComment[]> | null> {
  const top = topThemes(themes);
  // One call per theme: each is written to the audit log, as every reading of residents' words is.
  const pages = await Promise.all(top.map(({ theme }) => api.get<TCommentsPage>('/comments', { ...selection, theme: theme.key, limit: QUOTE_CANDIDATES })));
  const quotes: Record<string, TComment[]> = {};
  const quoted = new Set<string>();
  for (const [index, page] of pages.entries()) {
    if (page.suppressed) return null;
    const fresh = chooseQuotes(page.comments.filter((comment) => !quoted.has(wording(comment))));
    // A comment quoted under a theme above is better than none under this one.
    const chosen = fresh.length >= MIN_QUOTES ? fresh : chooseQuotes(page.comments);
    for (const comment of chosen) quoted.add(wording(comment));
    quotes[top[index]!.theme.key] = chosen;
  }
  return quotes;
}

const readsClearly = (comment: TComment) =>
  comment.text.length >= CLEAR_LENGTH.min && comment.text.length <= CLEAR_LENGTH.max && !SCRUBBED_PLACEHOLDER.test(comment.text);

/** Residents often write the same few words ("Te lang gewacht."): a quote says them once. */
const wording = (comment: TComment) => comment.text.trim().toLowerCase();

/**
 * Two or three of a theme's comments (newest first, as the API sends them), no two alike: the clear ones, topped up
 * with the others where fewer than two are clear — a theme is better shown in a short or long comment than in none.
 */
function chooseQuotes(candidates: TComment[]): TComment[] {
  const comments = candidates.filter((comment, index) => candidates.findIndex((other) => wording(other) === wording(comment)) === index);
  const clear = comments.filter(readsClearly).slice(0, MAX_QUOTES);
  if (clear.length >= MIN_QUOTES) return clear;
  const others = comments.filter((comment) => !readsClearly(comment));
  return [...clear, ...others.slice(0, MIN_QUOTES - clear.length)].sort((a, b) => comments.indexOf(a) - comments.indexOf(b));
}

// ---- rendering ----------------------------------------------------------------------------------------------------

function render(): void {
  renderProblems();
  if (request.problems.length > 0) return;
  if (state.organisations && period) renderChoice(state.organisations, period);
  if (state.report && request.organisation && period) renderReport(state.report, request.organisation.names[texts.language], period);
}

function renderProblems(): void {
  const box = byId('problems');
  box.replaceChildren(...request.problems.map((problem) => element('p', t(`problems.${problem}`))));
  box.hidden = request.problems.length === 0;
}

function renderChoice(organisations: string[], of: TReportPeriod): void {
  byId('choose').hidden = false;
  const list = byId('organisations');
  if (organisations.length === 0) {
    list.replaceChildren(element('li', t('choose.none')));
    return;
  }
  list.replaceChildren(
    ...organisations.map((slug) => {
      const link = element('a', slug);
      link.href = boardReportHref({ survey: request.survey, organisation: slug, period: of.key, language: texts.language });
      const item = element('li');
      item.append(link);
      return item;
    }),
  );
}

function renderReport(data: TReportData, organisationName: string, of: TReportPeriod): void {
  byId('report').hidden = false;
  byId('print').hidden = false;
  document.title = [t('title'), organisationName, periodName(of)].join(' – ');
  byId('organisation-name').textContent = organisationName;
  byId('period-name').textContent = periodName(of);
  byId('made-on').textContent = t('cover.made', { date: dateName(data.madeOn) });
  renderPeriodLinks(of);

  const { kpis } = data.overview;
  const group = kpis.groups[0];
  byId('rule').textContent = t('about.rule', { n: kpis.minGroupSize });
  const shown = group && !group.suppressed ? group : null;
  byId('responses').textContent = !group ? t('figures.none') : shown ? t('figures.responses', { n: formatNumber(shown.n, 0) }) : t('figures.tooFew');
  byId('priorities').hidden = !shown;
  byId('themes').hidden = !shown;
  if (!shown) {
    byId('figures').replaceChildren();
    byId('footnotes').replaceChildren();
    return;
  }
  renderKeyFigures(shown, data.trend, of, kpis.minGroupSize);
  renderMatrix(data.overview, kpis.minGroupSize);
  renderThemes(data.overview.themes, data.quotes);
}

/** The period before and after, to page through; not printed. */
function renderPeriodLinks(of: TReportPeriod): void {
  const organisation = request.organisation?.slug ?? null;
  const link = (to: TReportPeriod, key: string) => {
    const anchor = element('a', t(key, { period: periodName(to) }));
    anchor.href = boardReportHref({ survey: request.survey, organisation, period: to.key, language: texts.language });
    return anchor;
  };
  byId('periods').replaceChildren(link(adjacentPeriod(of, -1), 'cover.previous'), ' ', link(adjacentPeriod(of, 1), 'cover.next'));
}

function renderKeyFigures(group: TKpiGroup, trend: TKpiReport, of: TReportPeriod, minGroupSize: number): void {
  const previousPeriod = adjacentPeriod(of, -1);
  const inTrend = (key: string) => {
    const found = trend.groups.find((candidate) => candidate.key.period === key);
    return found && !found.suppressed ? found : null;
  };
  const current = inTrend(of.key);
  const previous = inTrend(previousPeriod.key);
  const tests: TChange['test'][] = [];
  const cards = KEY_FIGURES.flatMap((figure) => {
    const kpi = group.kpis[figure.key];
    // Humaneness is null where the survey did not ask it: no card rather than an empty one.
    if (kpi === null) return [];
    const card = element('div', undefined, 'figure');
    card.dataset.figure = figure.key;
    card.append(element('h3', t(`figures.${figure.key}`)), element('p', t(`figures.${figure.key}Help`), 'help'));
    if (!isShown(kpi)) {
      card.append(element('p', suppressedText(kpi.reason, minGroupSize), 'value suppressed'));
      return [card];
    }
    const value = element('p', valueText(figure, kpi.value), 'value');
    value.dataset.testid = `figure-${figure.key}`;
    card.append(value);
    if (kpi.low !== null && kpi.high !== null) {
      card.append(element('p', t('figures.interval', { low: numberText(figure, kpi.low), high: numberText(figure, kpi.high) }), 'interval'));
    }
    card.append(changeLine(figure, current?.kpis[figure.key] ?? null, previous?.kpis[figure.key] ?? null, previousPeriod, tests));
    return [card];
  });
  byId('figures').replaceChildren(...cards);
  byId('footnotes').replaceChildren(
    ...tests.map((test) => element('li', t('figures.footnote', { level: `${formatNumber(SIGNIFICANCE_LEVEL * 100, 0)}%`, test: t(`dashboard.change.tests.${test}`) }))),
  );
}

/** A figure as a number: with its % where it is one; effort's scale is named only beside the figure itself. */
function numberText(figure: TKeyFigure, value: number): string {
  const number = formatNumber(value, figure.decimals);
  return figure.percent ? `${number}%` : number;
}

function valueText(figure: TKeyFigure, value: number): string {
  return figure.percent ? numberText(figure, value) : t('figures.cesValue', { value: numberText(figure, value) });
}

/**
 * How the figure compares with the period before: an arrow and words, and whether the test calls the change real
 * (p below the level) — with a footnote number naming the test — or chance.
 */
function changeLine(figure: TKeyFigure, current: TKpi | null, previous: TKpi | null, previousPeriod: TReportPeriod, tests: TChange['test'][]): HTMLElement {
  const line = element('p', undefined, 'change');
  const change = isShown(current) ? current.change : null;
  if (!change || !isShown(previous)) {
    line.textContent = t('figures.noComparison', { period: periodName(previousPeriod) });
    return line;
  }
  const direction = change.difference > 0 ? 'higher' : change.difference < 0 ? 'lower' : 'same';
  const arrow = element('span', { higher: '▲', lower: '▼', same: '=' }[direction], 'arrow');
  arrow.setAttribute('aria-hidden', 'true');
  line.append(arrow, ' ', t(`figures.${direction}`, { period: periodName(previousPeriod), previous: numberText(figure, previous.value) }), ' ');
  if (change.p < SIGNIFICANCE_LEVEL) {
    if (!tests.includes(change.test)) tests.push(change.test);
    line.append(element('strong', t('figures.real')), element('sup', String(tests.indexOf(change.test) + 1)));
  } else {
    line.append(t('figures.chance'));
  }
  return line;
}

// ---- the priority matrix, in SVG so that it prints sharp ----------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHART = { width: 640, height: 360, left: 56, right: 624, top: 12, bottom: 312 };
const CHART_FONT = '12px system-ui, sans-serif';
const POINT_RADIUS = 5;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The width a text takes in the chart's font, measured once on a canvas that is never shown. */
const measureText = (() => {
  const context = document.createElement('canvas').getContext('2d');
  if (context) context.font = CHART_FONT;
  // Without a canvas (never in a browser that runs this page), an average glyph width keeps the labels apart.
  return (text: string) => context?.measureText(text).width ?? text.length * 7;
})();

function renderMatrix(overview: TOverview, minGroupSize: number): void {
  const group = overview.drivers.groups[0];
  const drivers = group && !group.suppressed ? group.drivers : {};
  const keys = overview.drivers.drivers.filter((key) => key !== MATRIX_OUTCOME);
  const { points, centre } = matrixPoints(keys, drivers);
  const container = byId('matrix');
  if (!centre) {
    container.replaceChildren(element('p', t('priorities.tooFew'), 'suppressed'));
    fillTable(byId('matrix-table'), [], []);
    return;
  }
  container.replaceChildren(matrixChart(points, centre));

  const quadrants = new Map(points.map((point) => [point.key, quadrantOf(point, centre)]));
  const rank = (key: string) => {
    const quadrant = quadrants.get(key);
    return quadrant ? QUADRANT_ORDER.indexOf(quadrant) : QUADRANT_ORDER.length;
  };
  const importance = (key: string) => driverImportance(drivers[key])?.r ?? -Infinity;
  // The table reads as advice: what to improve first at the top, the most important first within each.
  const ordered = [...keys].sort((a, b) => rank(a) - rank(b) || importance(b) - importance(a));
  const rows = ordered.map((key) => {
    const figures = drivers[key];
    const row = element('tr');
    row.dataset.driver = key;
    row.append(element('td', t(`dashboard.drivers.${key}`)));
    const performance = figures?.performance;
    row.append(
      isShown(performance)
        ? element('td', formatNumber(performance.value, 1), 'number')
        : element('td', suppressedText(performance?.reason ?? 'small', minGroupSize), 'suppressed'),
    );
    const r = driverImportance(figures);
    const withheld = figures && 'suppressed' in figures.importance ? figures.importance.reason : 'small';
    row.append(r ? element('td', formatNumber(r.r, 2), 'number') : element('td', suppressedText(withheld, minGroupSize), 'suppressed'));
    const quadrant = quadrants.get(key);
    row.append(element('td', quadrant ? t(`dashboard.matrix.${quadrant}`) : '–'));
    return row;
  });
  fillTable(byId('matrix-table'), [t('priorities.driver'), t('dashboard.table.score'), t('dashboard.table.importance'), t('priorities.advice')], rows);
}

function matrixChart(points: TMatrixPoint[], centre: { x: number; y: number }): SVGSVGElement {
  const { width, height, left, right, top, bottom } = CHART;
  // Importance on a scale of tenths around the points; performance always 0–100, so reports can be compared.
  const lowest = Math.floor(Math.min(...points.map((point) => point.x)) * 10 - 0.5) / 10;
  const highest = Math.ceil(Math.max(...points.map((point) => point.x)) * 10 + 0.5) / 10;
  const xOf = (r: number) => left + ((r - lowest) / (highest - lowest)) * (right - left);
  const yOf = (score: number) => bottom - (score / 100) * (bottom - top);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'matrix', 'font-family': 'system-ui, sans-serif', 'font-size': 12 });
  chart.append(svg('title', {}, t('priorities.heading')));
  for (const score of [0, 25, 50, 75, 100]) {
    chart.append(svg('line', { x1: left, x2: right, y1: yOf(score), y2: yOf(score), class: 'grid' }));
    chart.append(svg('text', { x: left - 6, y: yOf(score) + 4, 'text-anchor': 'end' }, formatNumber(score, 0)));
  }
  const steps = Math.round((highest - lowest) * 10);
  for (let step = 0; step <= steps; step++) {
    const r = lowest + step / 10;
    chart.append(svg('line', { x1: xOf(r), x2: xOf(r), y1: bottom, y2: bottom + 4, class: 'axis' }));
    chart.append(svg('text', { x: xOf(r), y: bottom + 16, 'text-anchor': 'middle' }, formatNumber(r, 1)));
  }
  chart.append(svg('rect', { x: left, y: top, width: right - left, height: bottom - top, class: 'frame' }));
  chart.append(svg('text', { x: (left + right) / 2, y: height - 8, 'text-anchor': 'middle' }, t('dashboard.matrix.xAxis', { outcome: t(`dashboard.outcomes.${MATRIX_OUTCOME}`) })));
  chart.append(svg('text', { x: 14, y: (top + bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${(top + bottom) / 2})` }, t('dashboard.matrix.yAxis')));
  chart.append(svg('line', { x1: xOf(centre.x), x2: xOf(centre.x), y1: top, y2: bottom, class: 'centre' }));
  chart.append(svg('line', { x1: left, x2: right, y1: yOf(centre.y), y2: yOf(centre.y), class: 'centre' }));
  // The quadrants' names in the plot's corners, as on the dashboard; the drivers' names are placed around them.
  const corners: { quadrant: TQuadrant; x: number; y: number; anchor: 'start' | 'end' }[] = [
    { quadrant: 'improve', x: right - 6, y: bottom - 8, anchor: 'end' },
    { quadrant: 'maintain', x: right - 6, y: top + 16, anchor: 'end' },
    { quadrant: 'monitor', x: left + 6, y: bottom - 8, anchor: 'start' },
    { quadrant: 'surplus', x: left + 6, y: top + 16, anchor: 'start' },
  ];
  const taken = corners.map(({ quadrant, x, y, anchor }) => {
    const text = t(`dashboard.matrix.${quadrant}`);
    const width = measureText(text);
    chart.append(svg('text', { x, y, 'text-anchor': anchor, class: 'quadrant' }, text));
    const start = anchor === 'start' ? x : x - width;
    return { left: start, right: start + width, top: y - 12, bottom: y + 2 };
  });
  const placed = points.map((point) => ({ x: xOf(point.x), y: yOf(point.y), text: t(`dashboard.drivers.${point.key}`) }));
  for (const point of placed) chart.append(svg('circle', { cx: point.x, cy: point.y, r: POINT_RADIUS, class: 'point' }));
  // No name covers another driver's point either.
  const dots = placed.map(({ x, y }) => ({ left: x - POINT_RADIUS, right: x + POINT_RADIUS, top: y - POINT_RADIUS, bottom: y + POINT_RADIUS }));
  for (const label of placeLabels(measureText, placed, { left, top, right, bottom }, [...taken, ...dots])) {
    chart.append(svg('text', { x: label.left, y: label.baseline, class: 'label' }, label.text));
  }
  return chart;
}

// ---- what residents write about -----------------------------------------------------------------------------------

function renderThemes(report: TThemeReport, quotes: Record<string, TComment[]> | null): void {
  const group = report.groups[0];
  const counts = group && !group.suppressed && !('suppressed' in group.comments) ? group.comments : null;
  const top = topThemes(report);
  const intro = !counts
    ? t('themes.tooFew')
    : counts.n === 0
      ? t('themes.none')
      : t(top.length === 0 ? 'themes.noThemes' : 'themes.intro', { n: formatNumber(counts.n, 0) });
  byId('themes-intro').textContent = intro;
  byId('scrubbed').hidden = quotes === null || top.length === 0;
  byId('theme-list').replaceChildren(
    ...top.map(({ theme, pct }) => {
      const block = element('section', undefined, 'theme');
      block.dataset.theme = theme.key;
      const heading = element('h3', theme.labels[texts.language]);
      heading.append(' ', element('span', t('themes.share', { pct: formatNumber(pct, 0) }), 'share'));
      block.append(heading);
      const chosen = quotes?.[theme.key] ?? [];
      if (quotes === null) block.append(element('p', t('themes.commentsWithheld', { min: report.minGroupSize }), 'hint'));
      else if (chosen.length === 0) block.append(element('p', t('themes.noComments'), 'hint'));
      for (const quote of chosen) {
        const text = element('blockquote', quote.text);
        // The resident's own language, so a screen reader reads it as written.
        text.lang = quote.language;
        block.append(text);
      }
      return block;
    }),
  );
}

// ---- start --------------------------------------------------------------------------------------------------------

useLanguage(initialLanguage(config));
onTokenEntered((token) => void signIn(token));
byId('print').addEventListener('click', () => window.print());
if (request.problems.length > 0) render();
else if (state.token) void signIn(state.token);
else showSignIn(true);
