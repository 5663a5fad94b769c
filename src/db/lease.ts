import type { TPrisma } from './client';

/**
 * Runs `work` only if this process holds the named lease, so that with several replicas one of them
 * runs a singleton job at a time. A lease that its holder failed to release expires after `ttlMs`.
 * Returns whether the work ran.
 */
export async function withLease(prisma: TPrisma, name: string, owner: string, ttlMs: number, work: () => Promise<void>): Promise<boolean> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlMs);
  // Ensure the row, then take it over with one conditional UPDATE: both databases serialise that on the row.
  // Two replicas may race to create it; the loser's unique violation is harmless.
  await prisma.jobLease
    .upsert({ where: { name }, create: { name, owner: '', expiresAt: new Date(0) }, update: {} })
    .catch(() => undefined);
  const { count } = await prisma.jobLease.updateMany({
    where: { name, OR: [{ expiresAt: { lt: now } }, { owner }] },
    data: { owner, expiresAt },
  });
  if (count === 0) return false;
  try {
    await work();
  } finally {
    await prisma.jobLease.updateMany({ where: { name, owner }, data: { expiresAt: new Date(0) } }).catch(() => undefined);
  }
  return true;
}
