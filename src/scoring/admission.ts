import type { TPrisma } from '../db/client';
import { countInWindow } from '../db/windowCounter';
import type { TResponseAdmission } from './answerStore';

const HOUR_MS = 60 * 60_000;

/**
 * MAX_NEW_RESPONSES_PER_ADDRESS_PER_HOUR: every self-started response from a web chat counts against the address it
 * was opened from (partial ones too, since the figures count those), in clock-hour windows shared by all replicas.
 * Beyond the limit a response is still taken and thanked — the resident may be one of many behind one address —
 * but held back from the figures until an analyst accepts it.
 */
export function hourlyResponseLimit(prisma: TPrisma, perHour: number): TResponseAdmission {
  return {
    async isOverLimit(addressKey, now) {
      const { count } = await countInWindow(prisma, `responses:${addressKey}`, HOUR_MS, now);
      return count > perHour;
    },
  };
}
