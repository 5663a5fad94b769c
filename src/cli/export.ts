import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { CLI_ACTOR } from '../kernel/audit';
import { AppError } from '../kernel/errors';
import { ResponseExports, ZExportQuery } from '../scoring/responseExport';
import type { TCliCommand } from './command';

/** CLI option → query field, as `kpis` names them. */
const OPTIONS = { survey: 'survey', from: 'from', to: 'to', organisation: 'organisation', service: 'service', language: 'language', location: 'location', island: 'island' } as const;

/**
 * `export --survey SLUG [filters] [--out FILE]`: every response, one row each, as CSV — the same file as the API's
 * `GET /api/v1/responses/export`, streamed, written to the audit log as the operator's.
 */
export const exportCommands: TCliCommand[] = [
  {
    words: 'export',
    usage: '--survey SLUG [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--organisation S] [--service S] [--language L] [--location L] [--out FILE]',
    options: { ...Object.fromEntries(Object.keys(OPTIONS).map((option) => [option, { type: 'string' as const }])), out: { type: 'string' } },
    async run(context, values) {
      const input = Object.fromEntries(Object.keys(OPTIONS).flatMap((option) => (typeof values[option] === 'string' ? [[option, values[option]]] : [])));
      const parsed = ZExportQuery.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const option = `--${String(issue.path[0] ?? 'survey')}`;
        throw new AppError('invalid', 'invalid_request', `${option}: ${issue.message}`, option);
      }
      const chunks = await new ResponseExports(context.database.prisma).start(CLI_ACTOR, parsed.data);
      const out = typeof values.out === 'string' ? createWriteStream(values.out) : process.stdout;
      for await (const chunk of chunks) {
        // Backpressure: a slow disk or pipe holds the reading, so memory stays at one batch.
        if (!out.write(chunk)) await once(out, 'drain');
      }
      if (out !== process.stdout) {
        out.end();
        await once(out, 'finish');
      }
    },
  },
];
