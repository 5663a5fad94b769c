import { CLI_ACTOR } from '../kernel/audit';
import { AnswerStore } from '../scoring/answerStore';
import { HeldBackResponses, ZHeldBackQuery, ZHeldBackSelection, type THeldBackSelection } from '../scoring/heldBack';
import type { TCliCommand, TCliContext } from './command';

const review = ({ database }: TCliContext) => new HeldBackResponses(database.prisma, new AnswerStore(database));
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** `responses accept | discard`: one decision over one organisation's held-back responses of one day. */
function decision(
  verb: 'accept' | 'discard',
  decide: (review: HeldBackResponses, selection: THeldBackSelection) => Promise<number>,
  report: (count: number, selection: THeldBackSelection) => string,
): TCliCommand {
  return {
    words: `responses ${verb}`,
    usage: '--organisation SLUG --day DAY',
    options: { organisation: { type: 'string' }, day: { type: 'string' } },
    async run(context, values) {
      const selection = ZHeldBackSelection.parse({ organisation: text(values.organisation), day: text(values.day) });
      context.print(report(await decide(review(context), selection), selection));
    },
  };
}

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
  decision('accept', (review, selection) => review.accept(CLI_ACTOR, selection), (n, { organisation, day }) => `Accepted ${n} held-back responses of ${organisation} on ${day}; they now count in the figures.`),
  decision('discard', (review, selection) => review.discard(CLI_ACTOR, selection), (n, { organisation, day }) => `Discarded ${n} held-back responses of ${organisation} on ${day}.`),
];
