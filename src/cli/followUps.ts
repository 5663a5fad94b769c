import { z, ZodError } from 'zod';
import { CLI_ACTOR } from '../kernel/audit';
import { ZFollowUpRequest, type TFollowUpView } from '../followups/model';
import { FollowUpService } from '../followups/service';
import { parseQuietHours } from '../followups/time';
import { loadSurveys } from '../surveys/loader';
import { registerSurveys } from '../surveys/registry';
import type { TCliCommand, TCliContext } from './command';

const service = ({ database, config }: TCliContext) =>
  new FollowUpService(database.prisma, {
    hashSecret: config.HASH_SECRET,
    publicUrl: config.PUBLIC_URL,
    fatigueDays: config.FOLLOW_UP_FATIGUE_DAYS,
    quietHours: parseQuietHours(config.QUIET_HOURS),
    linkTtlHours: config.LINK_TTL_HOURS,
    email: config.SMTP_URL !== undefined ? { encryptionKey: config.ENCRYPTION_KEY } : null,
  });

/** Request field → the option that sets it, so an error names what the operator typed. */
const OPTION_OF_FIELD: Record<string, string> = {
  survey: '--survey',
  organisation: '--organisation',
  service: '--service',
  contactChannel: '--contact-channel',
  leadTimeDays: '--lead-time-days',
  contactCount: '--contact-count',
  language: '--language',
  'target.userId': '--teams-user',
  'target.channel': '--channel',
  'target.address': '--email',
  'target.type': '--email',
};

const number = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : undefined);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Lines a script can read: `name<TAB>value`. */
function printFollowUp(print: (line: string) => void, followUp: TFollowUpView): void {
  print(`id\t${followUp.id}`);
  print(`status\t${followUp.status}`);
  if (followUp.reason) print(`reason\t${followUp.reason}`);
  if (followUp.nextAttemptAt && followUp.status === 'deferred') print(`sendsAt\t${followUp.nextAttemptAt}`);
  if (followUp.link) print(`link\t${followUp.link}`);
}

export const followUpCommands: TCliCommand[] = [
  {
    words: 'follow-ups create',
    usage:
      '--survey meethuis --organisation SLUG --service SLUG --contact-channel telefoon|balie|website|chat|email|brief ' +
      '[--lead-time-days N] [--contact-count N] [--language nl|pap|en] (--teams-user ID [--channel msteams|webchat] | --email ADDRESS | --link)',
    options: {
      survey: { type: 'string' },
      organisation: { type: 'string' },
      service: { type: 'string' },
      'contact-channel': { type: 'string' },
      'lead-time-days': { type: 'string' },
      'contact-count': { type: 'string' },
      language: { type: 'string' },
      'teams-user': { type: 'string' },
      channel: { type: 'string' },
      email: { type: 'string' },
      link: { type: 'boolean' },
    },
    async run(context, values) {
      const teamsUser = text(values['teams-user']);
      const email = text(values.email);
      if ([teamsUser !== undefined, email !== undefined, values.link === true].filter(Boolean).length !== 1) {
        throw new Error('name exactly one target: --teams-user ID, --email ADDRESS or --link');
      }
      if (!values.organisation) throw new Error('--organisation: required (the CLI acts for every organisation)');
      let request;
      try {
        request = ZFollowUpRequest.parse({
          survey: text(values.survey),
          organisation: text(values.organisation),
          service: text(values.service),
          contactChannel: text(values['contact-channel']),
          leadTimeDays: number(values['lead-time-days']),
          contactCount: number(values['contact-count']),
          language: text(values.language),
          target:
            teamsUser !== undefined
              ? { type: 'conversation', channel: text(values.channel) ?? 'msteams', userId: teamsUser }
              : email !== undefined
                ? { type: 'email', address: email }
                : { type: 'link' },
        });
      } catch (error) {
        if (!(error instanceof ZodError)) throw error;
        const issue = error.issues[0]!;
        const field = issue.path.map(String).join('.');
        throw new Error(`${OPTION_OF_FIELD[field] ?? (field || 'options')}: ${issue.message}`, { cause: error });
      }
      // As at start-up: the survey files are the truth, and a CLI run may come before the first server start.
      await registerSurveys(context.database.prisma, loadSurveys());
      const { followUp } = await service(context).create(CLI_ACTOR, request);
      printFollowUp(context.print, followUp);
    },
  },
  {
    words: 'follow-ups show',
    usage: 'ID',
    options: {},
    async run(context, _values, [id]) {
      if (!id) throw new Error('follow-ups show needs the follow-up id');
      printFollowUp(context.print, await service(context).get({ organisationId: null }, id));
    },
  },
  {
    words: 'follow-ups list',
    usage: '[--organisation SLUG] [--limit N]',
    options: { organisation: { type: 'string' }, limit: { type: 'string' } },
    async run(context, values) {
      const limit = z.coerce.number().int().min(1).max(1000).default(20).parse(values.limit);
      const organisation = text(values.organisation);
      const list = await service(context).list(CLI_ACTOR, { limit, ...(organisation ? { organisation } : {}) });
      for (const followUp of list) {
        const target = followUp.target.type === 'conversation' ? followUp.target.channel : followUp.target.type;
        context.print([followUp.id, followUp.createdAt, followUp.organisation, followUp.service, target, followUp.status, followUp.reason ?? ''].join('\t'));
      }
    },
  },
];
