import type { TPrisma } from '../db/client';
import { startOfDayAfterIn, startOfDayIn } from '../kernel/calendar';
import type { TKpiSelection, TSuppressedGroup } from './kpiContract';
import { responseRateKpi, type TKpi } from './kpis';
import { suppressSmallGroups } from './suppression';

/** How an invitation reached the resident: a link staff passed on, an e-mail, a text message, or a chat (Teams, web chat). */
export const DELIVERY_CHANNELS = ['link', 'email', 'sms', 'msteams', 'webchat'] as const;
export type TDeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/** Statuses of an invitation that reached the resident (or, for a link, was handed to staff to pass on). */
const DELIVERED = ['sent', 'started', 'completed', 'expired'];

export interface TResponseRateGroup {
  key: { channel: TDeliveryChannel };
  n: number;
  suppressed: false;
  sent: number;
  started: number;
  completed: number;
  /** Of those sent, % that started the survey, and % that completed it (Wilson intervals). */
  startRate: TKpi;
  responseRate: TKpi;
}

export interface TResponseRateReport {
  survey: string;
  minGroupSize: number;
  from: string | null;
  to: string | null;
  groups: Array<TResponseRateGroup | TSuppressedGroup>;
}

/**
 * The response rate of follow-up invitations per delivery channel: sent, started and completed, for the
 * organisations, services and days of a KPI question (days by when the invitation was made, in each organisation's
 * zone). A channel with fewer invitations than the minimum group size is withheld, and another beside it where that
 * one could be worked out from the total.
 */
export class ResponseRates {
  constructor(private readonly prisma: TPrisma) {}

  async rates(selection: TKpiSelection): Promise<TResponseRateReport> {
    const organisations = await this.prisma.organisation.findMany({
      where: selection.filters.organisation ? { id: { in: [...selection.filters.organisation] } } : {},
      select: { id: true, timeZone: true },
    });
    const rows = await this.prisma.followUp.findMany({
      where: {
        surveyId: { in: [...selection.surveyIds] },
        status: { in: DELIVERED },
        ...(selection.filters.service ? { service: { slug: { in: [...selection.filters.service] } } } : {}),
        OR: organisations.map(({ id, timeZone }) => ({
          organisationId: id,
          ...(selection.from || selection.to
            ? {
                createdAt: {
                  ...(selection.from ? { gte: startOfDayIn(selection.from, timeZone) } : {}),
                  ...(selection.to ? { lt: startOfDayAfterIn(selection.to, timeZone) } : {}),
                },
              }
            : {}),
        })),
      },
      select: { targetType: true, targetChannel: true, startedAt: true, completedAt: true },
    });
    const counts = new Map<TDeliveryChannel, { sent: number; started: number; completed: number }>();
    for (const row of rows) {
      const channel = channelOf(row.targetType, row.targetChannel);
      if (!channel) continue;
      const count = counts.get(channel) ?? { sent: 0, started: 0, completed: 0 };
      count.sent += 1;
      if (row.startedAt || row.completedAt) count.started += 1;
      if (row.completedAt) count.completed += 1;
      counts.set(channel, count);
    }
    const present = DELIVERY_CHANNELS.filter((channel) => counts.has(channel));
    const table = present.map((channel) => ({ key: { channel }, n: counts.get(channel)!.sent }));
    const options = { minGroupSize: selection.minGroupSize };
    const groups = suppressSmallGroups(table, ['channel'], selection.minGroupSize).map((result): TResponseRateGroup | TSuppressedGroup => {
      if (result.suppressed) return { key: result.key, n: null, suppressed: true, reason: result.reason };
      const { sent, started, completed } = counts.get(result.key.channel)!;
      return {
        key: result.key,
        n: sent,
        suppressed: false,
        sent,
        started,
        completed,
        startRate: responseRateKpi(started, sent, options),
        responseRate: responseRateKpi(completed, sent, options),
      };
    });
    return { survey: selection.surveyIds[0]!, minGroupSize: selection.minGroupSize, from: selection.from, to: selection.to, groups };
  }
}

function channelOf(targetType: string, targetChannel: string | null): TDeliveryChannel | null {
  if (targetType === 'link' || targetType === 'email' || targetType === 'sms') return targetType;
  return targetChannel === 'msteams' || targetChannel === 'webchat' ? targetChannel : null;
}
