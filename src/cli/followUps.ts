import { z, ZodError } from 'zod';
import { CLI_ACTOR } from '../kernel/audit';
import { createReadStream } from 'node:fs';
import { MAX_BATCH_ITEMS, ZFollowUpRequest, type TFollowUpView } from '../followups/model';
import { parseCsv } from '../scoring/csv';
import { addressKeyOf, FollowUpService, hashRequest } from '../followups/service';
import { parseQuietHours } from '../followups/time';
import { loadSurveys } from '../surveys/loader';
import { registerSurveys } from '../surveys/registry';
import type { TCliCommand, TCliContext } from './command';
import { invitationTargetsOf } from '../config';

const service = ({ database, config }: TCliContext) =>
  new FollowUpService(database.prisma, {
    hashSecret: config.HASH_SECRET,
    publicUrl: config.PUBLIC_URL,
    fatigueDays: config.FOLLOW_UP_FATIGUE_DAYS,
    quietHours: parseQuietHours(config.QUIET_HOURS),
    linkTtlHours: config.LINK_TTL_HOURS,
    invitations: { encryptionKey: config.ENCRYPTION_KEY, targets: invitationTargetsOf(config) },
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
  'target.phone': '--sms',
  'target.type': '--email',
};

/** The CLI acting for the contact centre's list: its own name, so a line's key finds what the same file sent before. */
const IMPORTING_ACTOR = { ...CLI_ACTOR, tokenId: 'cli' };

const BATCH_COLUMNS = ['target', 'service', 'contactChannel', 'language', 'leadTimeDays', 'contactCount'] as const;

/** A refused field of a line, named by its column. */
const OPTION_OF_COLUMN: Record<string, string> = {
  service: 'service',
  contactChannel: 'contactChannel',
  language: 'language',
  leadTimeDays: 'leadTimeDays',
  contactCount: 'contactCount',
  'target.address': 'target',
  'target.phone': 'target',
  'target.type': 'target',
};

/** The lines of a contact centre's CSV as batch items; a line that cannot be one is refused with its line number. */
async function batchItemsOf(file: string, organisation: string, survey: string, hashSecret: string) {
  const items: Array<{ line: number; key: string; request: Record<string, unknown> }> = [];
  const refused: Array<{ line: number; text: string; ok: false }> = [];
  let header: string[] | null = null;
  for await (const record of parseCsv(createReadStream(file))) {
    if (!header) {
      header = record.fields.map((name) => name.trim());
      const unknown = header.find((name) => !(BATCH_COLUMNS as readonly string[]).includes(name));
      if (unknown !== undefined) throw new Error(`line ${record.line}: "${unknown}" is not a column (${BATCH_COLUMNS.join(', ')})`);
      continue;
    }
    if (items.length + refused.length >= MAX_IMPORT_LINES) throw new Error(`line ${record.line}: a file holds at most ${MAX_IMPORT_LINES} lines`);
    const cell = (name: string) => record.fields[header!.indexOf(name)]?.trim() || undefined;
    const target = cell('target');
    if (!target) {
      refused.push({ line: record.line, text: 'target: an e-mail address, a mobile number or link', ok: false });
      continue;
    }
    const request = {
      survey,
      organisation,
      service: cell('service'),
      contactChannel: cell('contactChannel'),
      language: cell('language'),
      leadTimeDays: number(cell('leadTimeDays')),
      contactCount: number(cell('contactCount')),
      target: target.toLowerCase() === 'link' ? { type: 'link' } : target.includes('@') ? { type: 'email', address: target } : { type: 'sms', phone: target },
    };
    // Two lines asking the same of one address or number are one follow-up; the key holds its keyed hash only. Links
    // are told apart by their line (two contacts may look alike).
    const key = `csv:${hashRequest({ ...request, target: target.toLowerCase() === 'link' ? `link:${record.line}` : addressKeyOf(hashSecret, target) })}`;
    items.push({ line: record.line, key, request });
  }
  return { items, refused };
}

/** One request per line of the contact centre's list, as the API's batch takes it. */
const MAX_IMPORT_LINES = MAX_BATCH_ITEMS;

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
      '[--lead-time-days N] [--contact-count N] [--language nl|pap|en] (--teams-user ID [--channel msteams|webchat] | --email ADDRESS | --sms NUMBER | --link)',
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
      sms: { type: 'string' },
      link: { type: 'boolean' },
    },
    async run(context, values) {
      const teamsUser = text(values['teams-user']);
      const email = text(values.email);
      const sms = text(values.sms);
      if ([teamsUser !== undefined, email !== undefined, sms !== undefined, values.link === true].filter(Boolean).length !== 1) {
        throw new Error('name exactly one target: --teams-user ID, --email ADDRESS, --sms NUMBER or --link');
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
                : sms !== undefined
                  ? { type: 'sms', phone: sms }
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
    words: 'follow-ups import',
    usage: 'FILE.csv --organisation SLUG [--survey meethuis]   (columns: target,service,contactChannel[,language][,leadTimeDays][,contactCount]; target is an e-mail address or link)',
    options: { organisation: { type: 'string' }, survey: { type: 'string' } },
    async run(context, values, [file]) {
      if (!file) throw new Error('follow-ups import needs the CSV file');
      const organisation = text(values.organisation);
      if (!organisation) throw new Error('--organisation: required (the CLI acts for every organisation)');
      await registerSurveys(context.database.prisma, loadSurveys());
      const { items, refused } = await batchItemsOf(file, organisation, text(values.survey) ?? 'meethuis', context.config.HASH_SECRET);
      // The key of a line is what it asks for: the same file again sends nothing twice, whatever order it comes in.
      const results = items.length > 0 ? await service(context).createBatch(IMPORTING_ACTOR, items.map(({ key, request }) => ({ key, request }))) : [];
      const lines = new Map(items.map((item) => [item.key, item.line]));
      const report = [
        ...refused,
        ...results.map((result) => ({
          line: lines.get(result.key)!,
          text:
            result.outcome === 'refused'
              ? `${OPTION_OF_COLUMN[result.error.field ?? ''] ?? result.error.field ?? 'line'}: ${result.error.detail}`
              : `${result.outcome === 'replayed' ? 'already sent' : result.followUp.status} ${result.followUp.id}${result.followUp.reason ? ` (${result.followUp.reason})` : ''}`,
          ok: result.outcome !== 'refused',
        })),
      ].sort((a, b) => a.line - b.line);
      for (const entry of report) context.print(`line ${entry.line}: ${entry.text}`);
      const accepted = results.filter((result) => result.outcome === 'accepted').length;
      const replayed = results.filter((result) => result.outcome === 'replayed').length;
      const failed = report.filter((entry) => !entry.ok).length;
      context.print(`${accepted} accepted, ${replayed} already sent before, ${failed} refused`);
      // As the answers' import does: the run fails (exit 1) when any line was refused.
      if (failed > 0) throw new Error(`${failed} lines refused`);
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
