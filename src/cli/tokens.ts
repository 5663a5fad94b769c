import { TokenService } from '../auth/tokens';
import type { TCliCommand, TCliContext } from './command';

const service = ({ database, config }: TCliContext) => new TokenService(database.prisma, config.HASH_SECRET);

export const tokenCommands: TCliCommand[] = [
  {
    words: 'tokens create',
    usage: '--role staff|analyst|admin --name NAME [--organisation SLUG] [--expires-days D]',
    options: { role: { type: 'string' }, name: { type: 'string' }, organisation: { type: 'string' }, 'expires-days': { type: 'string' } },
    async run(context, values) {
      const { id, token } = await service(context).create({
        role: values.role as never,
        name: String(values.name ?? ''),
        organisation: values.organisation as string | undefined,
        expiresDays: values['expires-days'],
      });
      await context.database.prisma.auditLog.create({ data: { actor: 'cli', action: 'token.create', subjectType: 'token', subjectId: id } });
      context.print(`Created token ${id} (${String(values.role)}). It is shown only this once:`);
      context.print(token);
    },
  },
  {
    words: 'tokens list',
    usage: '',
    options: {},
    async run(context) {
      for (const token of await service(context).list()) {
        const state = token.revokedAt ? 'revoked' : token.expiresAt && token.expiresAt < new Date() ? 'expired' : 'active';
        context.print([token.id, token.role, token.organisation ?? '*', state, token.name].join('\t'));
      }
    },
  },
  {
    words: 'tokens revoke',
    usage: 'ID',
    options: {},
    async run(context, _values, [id]) {
      if (!id) throw new Error('tokens revoke needs the token id (see tokens list)');
      await service(context).revoke(id);
      await context.database.prisma.auditLog.create({ data: { actor: 'cli', action: 'token.revoke', subjectType: 'token', subjectId: id } });
      context.print(`Revoked token ${id}.`);
    },
  },
];
