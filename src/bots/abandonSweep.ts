import { systemClock, type TClock } from '../kernel/clock';
import type { TPrisma } from '../db/client';
import { withLease } from '../db/lease';
import type { TJob } from '../jobs';
import type { AnswerStore } from '../scoring/answerStore';

const ABANDON_SWEEP_LEASE = 'abandon-sweep';

/**
 * Marks responses idle for longer than ABANDON_AFTER_HOURS as abandoned, on one replica at a time. Their answers
 * keep counting as a partial response; a resident who comes back is offered to continue and the response is in
 * progress again (README, "Coming back").
 */
export function abandonSweepJob(
  prisma: TPrisma,
  answers: Pick<AnswerStore, 'markAbandoned'>,
  abandonAfterHours: number,
  replicaId: string,
  clock: TClock = systemClock,
): TJob {
  return {
    name: ABANDON_SWEEP_LEASE,
    // Ten minutes is fine-grained enough for a cut-off counted in hours, and one cheap indexed update.
    everyMs: 10 * 60_000,
    run: async () => {
      await withLease(prisma, ABANDON_SWEEP_LEASE, replicaId, 5 * 60_000, async () => {
        await answers.markAbandoned(new Date(clock().getTime() - abandonAfterHours * 3_600_000));
      });
    },
  };
}
