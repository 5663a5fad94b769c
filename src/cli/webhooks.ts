import { z } from 'zod';
import { CLI_ACTOR } from '../kernel/audit';
import { WebhookService, ZNewWebhook } from '../webhooks/service';
import { webhookTargetsOf } from '../webhooks/targets';
import type { TCliCommand, TCliContext } from './command';

const service = ({ database, config }: TCliContext) => new WebhookService(database.prisma, config.ENCRYPTION_KEY, webhookTargetsOf(config));
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export const webhookCommands: TCliCommand[] = [
  {
    words: 'webhooks create',
    usage: "--organisation SLUG|'*' --url https://… --events response.completed,callback.requested,follow-up.failed",
    options: { organisation: { type: 'string' }, url: { type: 'string' }, events: { type: 'string' } },
    async run(context, values) {
      const events = (text(values.events) ?? '')
        .split(',')
        .map((event) => event.trim())
        .filter(Boolean);
      // Parsed here so that a wrong value is reported by its option (`--url: …`, `--events.0: …`).
      const input = ZNewWebhook.parse({ organisation: text(values.organisation), url: text(values.url) ?? '', events });
      const created = await service(context).create(CLI_ACTOR, input);
      context.print(`Created webhook ${created.id} for ${created.organisation ?? 'every organisation'}: ${created.events.join(',')} → ${created.url}`);
      context.print('Its signing secret (X-Meethuis-Signature: sha256=HMAC of the body) is shown only this once:');
      context.print(created.secret);
    },
  },
  {
    words: 'webhooks list',
    usage: "[--organisation SLUG|'*']",
    options: { organisation: { type: 'string' } },
    async run(context, values) {
      for (const hook of await service(context).list(CLI_ACTOR, text(values.organisation))) {
        context.print([hook.id, hook.organisation ?? '*', hook.active ? 'active' : 'inactive', hook.events.join(','), hook.url].join('\t'));
      }
    },
  },
  {
    words: 'webhooks delete',
    usage: 'ID',
    options: {},
    async run(context, _values, [id]) {
      if (!id) throw new Error('webhooks delete needs the webhook id (see webhooks list)');
      await service(context).remove(CLI_ACTOR, id);
      context.print(`Deleted webhook ${id}.`);
    },
  },
  {
    words: 'webhooks deliveries',
    usage: 'ID [--limit N]',
    options: { limit: { type: 'string' } },
    async run(context, values, [id]) {
      if (!id) throw new Error('webhooks deliveries needs the webhook id (see webhooks list)');
      const limit = z.coerce.number().int().min(1).max(1000).default(50).parse(values.limit);
      for (const delivery of await service(context).deliveries(CLI_ACTOR, id, limit)) {
        context.print([delivery.id, delivery.createdAt, delivery.event, delivery.status, `attempts=${delivery.attempts}`, delivery.responseStatus ?? '-', delivery.lastError ?? ''].join('\t'));
      }
    },
  },
];
