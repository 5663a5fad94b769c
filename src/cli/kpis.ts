import { kpiReportCsv } from '../scoring/kpiCsv';
import { KpiService } from '../scoring/kpiQuery';
import { KpiQueryError, ZKpiQuery, type TKpiReport } from '../scoring/kpiContract';
import { AppError } from '../kernel/errors';
import { registerSurveyFiles } from './import';
import type { TCliCommand } from './command';

/** CLI option → query field: the same names as the API's, kebab-cased. */
const FILTER_OPTIONS = {
  organisation: 'organisation',
  service: 'service',
  'contact-channel': 'contactChannel',
  'chat-channel': 'chatChannel',
  language: 'language',
  location: 'location',
  island: 'island',
  'survey-version': 'surveyVersion',
  'lead-time-band': 'leadTimeBand',
  'contact-count-band': 'contactCountBand',
} as const;

const OPTION_OF_FIELD: Record<string, string> = {
  survey: 'survey',
  from: 'from',
  to: 'to',
  groupBy: 'group-by',
  ...Object.fromEntries(Object.entries(FILTER_OPTIONS).map(([option, field]) => [field, option])),
};

/** A figure for the table: the headline value, or a dash where it is suppressed or not asked. */
function cell(kpi: unknown): string {
  if (kpi === null || typeof kpi !== 'object' || 'suppressed' in kpi) return '-';
  return String((kpi as { value: number }).value);
}

/** The report as an aligned text table; suppressed groups say so instead of showing numbers. */
export function kpiTable(report: TKpiReport): string[] {
  const header = [...report.groupBy, 'n', 'csat%', 'ces', 'trust%', 'nps', 'humane%', ...report.drivers];
  const rows = report.groups.map((group) => {
    const key = report.groupBy.map((name) => group.key[name] ?? '(none)');
    if (group.suppressed) return [...key, 'suppressed: too few responses'];
    return [
      ...key,
      String(group.n),
      cell(group.kpis.csat),
      cell(group.kpis.ces),
      cell(group.kpis.trust),
      cell(group.kpis.nps),
      cell(group.kpis.humaneness),
      ...report.drivers.map((driver) => cell(group.kpis.drivers[driver])),
    ];
  });
  const widths = header.map((name, index) => Math.max(name.length, ...rows.map((row) => (row.length === header.length ? (row[index] ?? '').length : 0))));
  const format = (row: string[]) => row.map((value, index) => (index === row.length - 1 ? value : value.padEnd(widths[index]!))).join('  ').trimEnd();
  return [
    `survey ${report.survey}, ${report.from ?? 'start'} to ${report.to ?? 'now'}; groups below ${report.minGroupSize} responses are suppressed; '-' = too few answers`,
    format(header),
    ...rows.map(format),
  ];
}

export const kpiCommands: TCliCommand[] = [
  {
    words: 'kpis',
    usage: `--survey SLUG [--group-by language,service,period:month,…] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format table|csv|json] [--${Object.keys(FILTER_OPTIONS).join(' V] [--')} V]`,
    options: {
      survey: { type: 'string' },
      'group-by': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      ...Object.fromEntries(Object.keys(FILTER_OPTIONS).map((option) => [option, { type: 'string' as const }])),
    },
    async run(context, values) {
      const format = String(values.format ?? 'table');
      if (!['table', 'csv', 'json'].includes(format)) throw new Error('--format: must be table, csv or json');
      const input: Record<string, unknown> = { survey: values.survey, from: values.from, to: values.to, groupBy: values['group-by'] };
      for (const [option, field] of Object.entries(FILTER_OPTIONS)) input[field] = values[option];
      const parsed = ZKpiQuery.safeParse(Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = String(issue.path[0] ?? '');
        const option = `--${OPTION_OF_FIELD[field] ?? field}`;
        throw new AppError('invalid', 'invalid_request', `${option}: ${issue.message}`, option);
      }
      await registerSurveyFiles(context.database.prisma);
      const service = new KpiService(context.database.prisma, { minGroupSize: context.config.MIN_GROUP_SIZE, provider: context.database.provider });
      let report: TKpiReport;
      try {
        // The operator's CLI sees every organisation; suppression applies all the same.
        report = await service.kpis(await service.resolve(parsed.data, { organisationId: null }));
      } catch (error) {
        if (error instanceof KpiQueryError) {
          const option = `--${OPTION_OF_FIELD[error.field ?? ''] ?? error.field}`;
          throw new AppError(error.kind, error.code, `${option}: ${error.message.replace(/^\w+: /, '')}`, option);
        }
        throw error;
      }
      if (format === 'json') context.print(JSON.stringify(report, null, 2));
      else if (format === 'csv') for (const line of kpiReportCsv(report)) context.print(line.replace(/\r\n$/, ''));
      else for (const line of kpiTable(report)) context.print(line);
    },
  },
];
