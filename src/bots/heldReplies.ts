import type { Activity, TurnContext } from 'botbuilder';

export interface THeldReplies {
  /** Sends what the turn said, in order; call it once the turn's state is saved. */
  release(): Promise<void>;
  /** Drops what the turn said: the turn failed, and its replies would describe a state that was not saved. */
  discard(): void;
}

/**
 * Holds a turn's replies until the turn's state is saved. Without it a resident could see the next question
 * while the state still points at the previous one (the save failed): their next answer would then be stored
 * under the wrong question. Held, they see only the kind error and answer the same question again.
 */
export function holdReplies(context: TurnContext): THeldReplies {
  let holding = true;
  const held: Partial<Activity>[] = [];
  context.onSendActivities(async (_context, activities, next) => {
    if (!holding) return next();
    held.push(...activities);
    return activities.map(() => ({ id: '' }));
  });
  return {
    async release() {
      holding = false;
      if (held.length > 0) await context.sendActivities(held.splice(0));
    },
    discard() {
      holding = false;
      held.length = 0;
    },
  };
}
