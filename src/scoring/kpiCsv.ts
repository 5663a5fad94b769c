import { csvRow } from './csv';
import type { TKpiReport } from './kpiContract';

/** The figures of a KPI as CSV columns: headline, interval and n, then the extras each KPI carries. */
const KPI_COLUMNS = {
  csat: ['value', 'low', 'high', 'n', 'mean'],
  ces: ['value', 'low', 'high', 'n', 'pctEasy', 'pctEasyLow', 'pctEasyHigh'],
  trust: ['value', 'low', 'high', 'n', 'mean'],
  nps: ['value', 'low', 'high', 'n', 'pctPromoters', 'pctDetractors'],
  humaneness: ['value', 'low', 'high', 'n', 'mean'],
} as const;
const DRIVER_COLUMNS = ['value', 'low', 'high', 'n', 'mean', 'pctAgree'] as const;

function figure(kpi: unknown, field: string): number | null {
  if (kpi === null || typeof kpi !== 'object' || 'suppressed' in kpi) return null;
  const value = (kpi as Record<string, unknown>)[field];
  return typeof value === 'number' ? value : null;
}

/**
 * A KPI report as CSV lines, one per group: the key, n and `suppressed`, then every KPI's figures. A suppressed group
 * has only its key (n and every figure empty); a suppressed KPI of a shown group has empty cells. Suppression is the
 * report's, so the CSV can never show more than the JSON.
 */
export function kpiReportCsv(report: TKpiReport): string[] {
  const header = [
    ...report.groupBy,
    'n',
    'suppressed',
    'completed',
    ...Object.entries(KPI_COLUMNS).flatMap(([kpi, fields]) => fields.map((field) => `${kpi}_${field}`)),
    ...report.drivers.flatMap((driver) => DRIVER_COLUMNS.map((field) => `${driver}_${field}`)),
  ];
  const lines = [csvRow(header)];
  for (const group of report.groups) {
    const key = report.groupBy.map((name) => group.key[name] ?? null);
    if (group.suppressed) {
      lines.push(csvRow([...key, null, true, ...Array.from({ length: header.length - key.length - 2 }, () => null)]));
      continue;
    }
    lines.push(
      csvRow([
        ...key,
        group.n,
        false,
        group.completed,
        ...Object.entries(KPI_COLUMNS).flatMap(([kpi, fields]) => fields.map((field) => figure(group.kpis[kpi as keyof typeof KPI_COLUMNS], field))),
        ...report.drivers.flatMap((driver) => DRIVER_COLUMNS.map((field) => figure(group.kpis.drivers[driver], field))),
      ]),
    );
  }
  return lines;
}
