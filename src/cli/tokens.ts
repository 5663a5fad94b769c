import { TokenService } from '../auth/tokens';
import { CLI_ACTOR } from '../kernel/audit';
import type { TCliCommand, TCliContext } from './command';

const service = ({ database, config }: TCliContext) => new TokenService(database.prisma, config.HASH_SECRET);

export const tokenCommands: TCliCommand[] = [
  {
    words: 'tokens create',
    usage: '--role staff|analyst|admin --name NAME [--organisation SLUG] [--expires-days D]',
    options: { role: { type: 'string' }, name: { type: 'string' }, organisation: { type: 'string' }, 'expires-days': { type: 'string' } },
    async run(context, values) {
      const { id, token } = await service(context).issue(CLI_ACTOR, {
        role: values.role as never,
        name: String(values.name ?? ''),
        organisation: values.organisation as string | undefined,
        expiresDays: values['expires-days'],
      });
      context.print(`Created token ${id} (${String(values.role)}). It is shown only this once:`);
      context.print(token);
    },
  },
  {
    words: 'tokens list',
    usage: '[--organisation SLUG]',
    options: { organisation: { type: 'string' } },
    async run(context, values) {
      for (const token of await service(context).list(CLI_ACTOR, values.organisation as string | undefined)) {
        context.print([token.id, token.role, token.organisation ?? '*', token.state, token.lastUsedAt ?? 'never used', token.name].join('\t'));
      }
    },
  },
  {
    words: 'tokens revoke',
    usage: 'ID',
    options: {},
    async run(context, _values, [id]) {
      if (!id) throw new Error('tokens revoke needs the token id (see tokens list)');
      await service(context).revoke(CLI_ACTOR, id);
      context.print(`Revoked token ${id}.`);
    },
  },
];
