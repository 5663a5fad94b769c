// The KPI API's answers as the analyst pages read them (the dashboard and the board report), and what both do alike
// with a figure: format it, tell whether it is shown, and whether its change from the period before is real.
import type { TLanguage } from './texts';

/** In a trend: how a figure differs from the previous period, and the test that says whether that can be chance. */
export interface TChange {
  vs: string;
  difference: number;
  p: number;
  test: 'two-proportion-z' | 'welch-t';
}
export interface TEstimate {
  value: number;
  low: number | null;
  high: number | null;
  n: number;
  change?: TChange | null;
}
export type TSuppressionReason = 'small' | 'complementary';
export type TKpi = TEstimate | { suppressed: true; reason: TSuppressionReason };
export type TGroupKey = Record<string, string | null>;
export interface TSuppressedGroup {
  key: TGroupKey;
  n: null;
  suppressed: true;
  reason: TSuppressionReason;
}
export interface TKpiGroup {
  key: TGroupKey;
  n: number;
  suppressed: false;
  kpis: { csat: TKpi; ces: TKpi; trust: TKpi; nps: TKpi | null; humaneness: TKpi | null; drivers: Record<string, TKpi> };
}
export interface TKpiReport {
  minGroupSize: number;
  drivers: string[];
  groups: (TKpiGroup | TSuppressedGroup)[];
}
export interface TDriverFigures {
  performance: TKpi;
  importance: { r: number | null; low: number | null; high: number | null; n: number } | { suppressed: true; reason: TSuppressionReason };
  relativeWeight: { raw: number; pct: number } | null;
}
export interface TDriverReport {
  drivers: string[];
  groups: ({ key: TGroupKey; n: number; suppressed: false; drivers: Record<string, TDriverFigures>; relativeWeights: object | null } | TSuppressedGroup)[];
}
export interface TThemeLabel {
  key: string;
  labels: Record<TLanguage, string>;
  own: boolean;
}
export interface TThemeCounts {
  n: number;
  themes: Record<string, { count: number; pct: number }>;
}
export interface TThemeReport {
  minGroupSize: number;
  themes: TThemeLabel[];
  groups: ({ key: TGroupKey; n: number; suppressed: false; comments: TThemeCounts | { suppressed: true; reason: TSuppressionReason } } | TSuppressedGroup)[];
}
export interface TOverview {
  kpis: TKpiReport;
  trend: TKpiReport;
  drivers: TDriverReport;
  breakdowns: { service: TKpiReport; language: TKpiReport; location: TKpiReport };
  themes: TThemeReport;
  themeTrend: TThemeReport;
}
export interface TComment {
  day: string;
  language: string;
  service: string | null;
  themes: Record<string, string[]>;
  text: string;
}
export type TCommentsPage =
  | { suppressed: false; n: number; total: number; matchedTerms: { term: string; count: number }[] | null; comments: TComment[]; nextOffset: number | null }
  | { suppressed: true; minGroupSize: number; n: null };
export interface TOptions {
  surveys: string[];
  values: Record<string, (string | null)[]>;
  outcomes: string[];
  periods: string[];
  demoResponses: number;
}

// Number formatting only; Intl has no Papiamentu data and the islands write decimals with a comma, as in Dutch.
const NUMBER_LOCALES: Record<TLanguage, string> = { nl: 'nl-NL', pap: 'nl-NL', en: 'en-GB' };

export function formatNumberIn(language: TLanguage, value: number, decimals: number): string {
  return new Intl.NumberFormat(NUMBER_LOCALES[language], { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

export const isShown = (kpi: TKpi | null | undefined): kpi is TEstimate => !!kpi && !('suppressed' in kpi);

/** A change is significant, "real", below this p. */
export const SIGNIFICANCE_LEVEL = 0.05;

/** The figure's change from the previous period where its test calls it real; null where it may be chance. */
export function significantChange(kpi: TKpi | null | undefined): TChange | null {
  const change = isShown(kpi) ? kpi.change : null;
  return change && change.p < SIGNIFICANCE_LEVEL ? change : null;
}
