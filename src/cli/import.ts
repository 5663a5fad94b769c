import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { TPrisma } from '../db/client';
import { importResponses } from '../scoring/importCsv';
import { loadSurveys } from '../surveys/loader';
import { registerSurveys } from '../surveys/registry';
import type { TCliCommand } from './command';

/** At most this many refused lines are listed one by one; the count says how many there were in all. */
const LISTED_REFUSALS = 100;

/** Registers the survey files as start-up does, so an import into a fresh installation finds its survey. */
export async function registerSurveyFiles(prisma: TPrisma): Promise<void> {
  await registerSurveys(prisma, loadSurveys());
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const importCommands: TCliCommand[] = [
  {
    words: 'import',
    usage: '--survey SLUG FILE.csv [--batch-size N] [--again]',
    options: { survey: { type: 'string' }, 'batch-size': { type: 'string' }, again: { type: 'boolean' } },
    async run(context, values, positionals) {
      const survey = typeof values.survey === 'string' ? values.survey : '';
      if (!survey) throw new Error('--survey: name the survey the answers belong to');
      const [file, ...extra] = positionals;
      if (!file || extra.length > 0) throw new Error('import needs exactly one CSV file');
      const batchSize = Number(values['batch-size'] ?? 500);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) throw new Error('--batch-size: must be a whole number from 1 to 5000');
      const { prisma } = context.database;
      await registerSurveyFiles(prisma);

      // The same file twice would count every response twice.
      const hash = await fileHash(file);
      const earlier = await prisma.auditLog.findFirst({ where: { action: 'responses.import', subjectId: hash }, select: { at: true } });
      if (earlier && values.again !== true) {
        throw new Error(`this file was imported before (${earlier.at.toISOString().slice(0, 10)}); pass --again to import it once more`);
      }
      const report = await importResponses(context.database, survey, createReadStream(file, { encoding: 'utf8' }), {
        batchSize,
        onProgress: (imported) => context.logger.info({ imported }, 'import progress'),
      });
      await prisma.auditLog.create({
        data: {
          actor: 'cli',
          action: 'responses.import',
          subjectType: 'file',
          subjectId: hash,
          details: JSON.stringify({ survey, imported: report.imported, refused: report.refused.length }),
        },
      });
      for (const refusal of report.refused.slice(0, LISTED_REFUSALS)) context.print(refusal.message);
      if (report.refused.length > LISTED_REFUSALS) context.print(`… and ${report.refused.length - LISTED_REFUSALS} more refused lines`);
      context.print(`Imported ${report.imported} of ${report.lines} responses into survey ${survey}; ${report.refused.length} lines refused (nothing of them stored).`);
      // A non-zero exit tells a script that not every line made it, though the valid ones are stored.
      if (report.refused.length > 0) throw new Error(`${report.refused.length} lines refused`);
    },
  },
];
