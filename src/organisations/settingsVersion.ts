import type { TDb, TPrisma } from '../db/client';
import { systemClock, type TClock } from '../kernel/clock';

/** The counter raised by every change to organisations, services and places. */
export const DIRECTORY_SETTINGS = 'directory';

/** Raises the counter inside the change's own transaction, so a reader never sees the change without the new count. */
export async function raiseSettingsVersion(db: TDb, id: string, at: Date): Promise<void> {
  await db.settingsVersion.upsert({ where: { id }, create: { id, version: 1, updatedAt: at }, update: { version: { increment: 1 }, updatedAt: at } });
}

/**
 * What a replica has cached is current while the counter has not moved. The counter is read at most once per
 * `checkEveryMs`, so a change saved on any replica is seen by every other one within that time (plus one read),
 * without a query per turn.
 */
export class SettingsWatch {
  private known: number | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<boolean> | undefined;

  constructor(
    private readonly prisma: TPrisma,
    private readonly id: string,
    private readonly checkEveryMs = 1_000,
    private readonly clock: TClock = systemClock,
  ) {}

  /** True when the settings changed since the last call that returned (or since this watch was made). */
  async changed(): Promise<boolean> {
    const now = this.clock().getTime();
    if (now - this.checkedAt < this.checkEveryMs) return false;
    // Concurrent turns share one read instead of each asking the database.
    this.pending ??= this.read(now).finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async read(now: number): Promise<boolean> {
    const row = await this.prisma.settingsVersion.findUnique({ where: { id: this.id }, select: { version: true } });
    this.checkedAt = now;
    const version = row?.version ?? 0;
    const changed = this.known !== undefined && version !== this.known;
    this.known = version;
    return changed;
  }
}
