import { readFile, writeFile } from 'node:fs/promises';
import { createI18n } from '../i18n/i18n';
import { CLI_ACTOR } from '../kernel/audit';
import { loadSurveys } from '../surveys/loader';
import { registerSurveys } from '../surveys/registry';
import { SurveyVariants, type TVariantView } from '../surveys/variants';
import type { TCliCommand, TCliContext } from './command';

/** The service as the running one has it: the survey files registered (as start-up does; doing it twice changes nothing). */
async function variants({ database }: TCliContext): Promise<SurveyVariants> {
  const i18n = createI18n();
  await registerSurveys(database.prisma, loadSurveys(undefined, { i18n }));
  return new SurveyVariants(database.prisma, i18n);
}
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function printVariant(print: (line: string) => void, view: TVariantView): void {
  print(`survey\t${view.survey} (extends ${view.core.survey} v${view.core.version}${view.newerCoreAvailable ? '; a newer core is available: publish again to use it' : ''})`);
  for (const version of view.published) print(`published\tv${version.version}\ton core v${version.coreVersion ?? '?'}\t${version.publishedAt}`);
  print(`draft\tversion ${view.draft.version}\t${view.draft.questions.length} own questions\t${view.draft.publishable ? 'publishable' : 'not publishable yet'}`);
  view.draft.questions.forEach((question, index) => print(`question\t${index}\t${question.key}\t${question.type}\t${question.text.nl}`));
  for (const check of view.draft.checks) print(`${check.severity}\t${check.field}\t${check.rule}\t${check.message}`);
}

/** An organisation's own survey variant for the operator at the server: the same service as the admin page. */
export const surveyCommands: TCliCommand[] = [
  {
    words: 'survey show',
    usage: 'ORGANISATION',
    options: {},
    async run(context, _values, [organisation]) {
      if (!organisation) throw new Error('survey show needs the organisation');
      printVariant(context.print, await (await variants(context)).get(CLI_ACTOR, organisation));
    },
  },
  {
    words: 'survey export',
    usage: 'ORGANISATION [--draft] [--out FILE]',
    options: { draft: { type: 'boolean' }, out: { type: 'string' } },
    async run(context, values, [organisation]) {
      if (!organisation) throw new Error('survey export needs the organisation');
      const file = `${JSON.stringify(await (await variants(context)).exportFile(CLI_ACTOR, organisation, values.draft === true), null, 2)}\n`;
      const out = text(values.out);
      if (out) await writeFile(out, file, 'utf8');
      else context.print(file.trimEnd());
    },
  },
  {
    words: 'survey import',
    usage: 'ORGANISATION FILE [--publish]',
    options: { publish: { type: 'boolean' } },
    async run(context, values, [organisation, path]) {
      if (!organisation || !path) throw new Error('survey import needs the organisation and the file');
      let file: unknown;
      try {
        file = JSON.parse(await readFile(path, 'utf8'));
      } catch (error) {
        throw new Error(`${path}: not a JSON file (${error instanceof Error ? error.message : String(error)})`, { cause: error });
      }
      const service = await variants(context);
      const current = await service.get(CLI_ACTOR, organisation);
      const imported = await service.importFile(CLI_ACTOR, organisation, current.draft.version, file);
      if (values.publish === true) {
        const published = await service.publish(CLI_ACTOR, organisation, { version: imported.draft.version });
        context.print(`Imported and published ${published.survey} v${published.publishedVersion}.`);
      } else {
        printVariant(context.print, imported);
      }
    },
  },
  {
    words: 'survey publish',
    usage: 'ORGANISATION',
    options: {},
    async run(context, _values, [organisation]) {
      if (!organisation) throw new Error('survey publish needs the organisation');
      const service = await variants(context);
      const current = await service.get(CLI_ACTOR, organisation);
      const published = await service.publish(CLI_ACTOR, organisation, { version: current.draft.version });
      context.print(`Published ${published.survey} v${published.publishedVersion}; new conversations get it within seconds.`);
    },
  },
];
