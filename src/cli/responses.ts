import { CLI_ACTOR } from '../followups/audit';
import { AnswerStore } from '../scoring/answerStore';
import { HeldBackResponses, ZHeldBackQuery, ZHeldBackSelection } from '../scoring/heldBack';
import type { TCliCommand, TCliContext } from './main';

const review = ({ database }: TCliContext) => new HeldBackResponses(database.prisma, new AnswerStore(database));
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** `responses held | accept | discard`: the review of responses held back by the limit per address. */
export const responseCommands: TCliCommand[] = [
  {
    words: 'responses held',
    usage: '[--organisation SLUG] [--from DAY] [--to DAY]',
    options: { organisation: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
    async run(context, values) {
      const query = ZHeldBackQuery.parse({ organisation: text(values.organisation), from: text(values.from), to: text(values.to) });
      const days = await review(context).list(CLI_ACTOR, query);
      for (const day of days) context.print([day.day, day.organisation, `responses=${day.responses}`, `completed=${day.completed}`].join('\t'));
      if (days.length === 0) context.print('No responses are held back.');
    },
  },
  {
    words: 'responses accept',
    usage: '--organisation SLUG --day DAY',
    options: { organisation: { type: 'string' }, day: { type: 'string' } },
    async run(context, values) {
      const selection = ZHeldBackSelection.parse({ organisation: text(values.organisation), day: text(values.day) });
      const accepted = await review(context).accept(CLI_ACTOR, selection);
      context.print(`Accepted ${accepted} held-back responses of ${selection.organisation} on ${selection.day}; they now count in the figures.`);
    },
  },
  {
    words: 'responses discard',
    usage: '--organisation SLUG --day DAY',
    options: { organisation: { type: 'string' }, day: { type: 'string' } },
    async run(context, values) {
      const selection = ZHeldBackSelection.parse({ organisation: text(values.organisation), day: text(values.day) });
      const discarded = await review(context).discard(CLI_ACTOR, selection);
      context.print(`Discarded ${discarded} held-back responses of ${selection.organisation} on ${selection.day}.`);
    },
  },
];
