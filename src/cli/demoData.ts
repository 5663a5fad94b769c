import { ZSlug } from '../kernel/slug';
import { AnswerStore } from '../scoring/answerStore';
import { demoSurvey, removeDemoData, writeDemoData } from '../scoring/demoData';
import { registerSurveyFiles } from './import';
import type { TCliCommand } from './command';

/** `demo-data [--organisation SLUG] [--remove]`: a year of sample responses for an organisation, or away with them. */
export const demoDataCommands: TCliCommand[] = [
  {
    words: 'demo-data',
    usage: '[--organisation demo] [--remove]',
    options: { organisation: { type: 'string' }, remove: { type: 'boolean' } },
    async run(context, values) {
      const organisation = ZSlug.parse(typeof values.organisation === 'string' ? values.organisation : 'demo');
      if (values.remove === true) {
        const removed = await removeDemoData(context.database, new AnswerStore(context.database), organisation);
        context.print(`Removed ${removed} sample responses of ${organisation}, with their share of the figures. They will not be written again.`);
        return;
      }
      await registerSurveyFiles(context.database.prisma);
      const written = await writeDemoData(context.database, { organisation, survey: await demoSurvey(context.database), today: new Date() });
      context.print(
        written > 0
          ? `Wrote ${written} sample responses for ${organisation} over the past year; remove them with: npm run cli -- demo-data --organisation ${organisation} --remove`
          : `Sample responses for ${organisation} were written before (and perhaps removed since); nothing written.`,
      );
    },
  },
];
