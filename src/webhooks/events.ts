import { z } from 'zod';
import type { TEventPublisher } from '../followups/contract';

/** The events an organisation's systems can subscribe to; the one list the API, CLI and publisher share. */
export const WEBHOOK_EVENTS = ['response.completed', 'callback.requested', 'follow-up.failed'] as const satisfies readonly Parameters<
  TEventPublisher['publish']
>[0][];
export type TWebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const ZWebhookEvent = z.enum(WEBHOOK_EVENTS);

/** Webhook.events is a comma list (the schema has no arrays on SQLite); unknown names read back are ignored. */
export function eventsOf(column: string): TWebhookEvent[] {
  return column
    .split(',')
    .map((name) => name.trim())
    .filter((name): name is TWebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(name));
}
