import type { TClock } from '../kernel/clock';

/** A row a worker holds: when it claimed it, and until when no other replica may take it. */
export interface TQueueClaim {
  claimedAt: Date;
  lockedUntil: Date;
}

/** The rows no replica holds at `at`: never locked, or whose lock has run out. */
export function unlockedAt(at: Date): { OR: [{ lockedUntil: null }, { lockedUntil: { lt: Date } }] } {
  return { OR: [{ lockedUntil: null }, { lockedUntil: { lt: at } }] };
}

/**
 * The claim every queue worker makes before it acts on a due row (follow-ups, webhook deliveries): `update` is one
 * conditional UPDATE setting `lockedUntil` where the row is still due and `unlockedAt(claimedAt)`. Of two replicas
 * that read the same row, only one UPDATE matches; the other gets null and leaves the row alone.
 */
export async function claimQueueRow(clock: TClock, lockMs: number, update: (claim: TQueueClaim) => Promise<{ count: number }>): Promise<TQueueClaim | null> {
  const claimedAt = clock();
  const claim = { claimedAt, lockedUntil: new Date(claimedAt.getTime() + lockMs) };
  return (await update(claim)).count === 1 ? claim : null;
}
