import { CLI_ACTOR } from '../kernel/audit';
import { OrganisationAdmin } from '../organisations/admin';
import type { TLocalisedName, TOrganisationChange, TOrganisationView } from '../organisations/model';
import type { TCliCommand, TCliContext } from './command';

const admin = ({ database, config }: TCliContext) => new OrganisationAdmin(database.prisma, { minGroupSize: config.MIN_GROUP_SIZE });
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

const NAME_OPTIONS = { 'name-nl': { type: 'string' }, 'name-pap': { type: 'string' }, 'name-en': { type: 'string' } } as const;
const NAME_USAGE = '--name-nl TEXT --name-pap TEXT --name-en TEXT';

/** The three names from --name-nl/--name-pap/--name-en; undefined when none is given (a change leaves them). */
function namesOf(values: Record<string, unknown>, fallback?: TLocalisedName): TLocalisedName | undefined {
  const given = { nl: text(values['name-nl']), pap: text(values['name-pap']), en: text(values['name-en']) };
  if (given.nl === undefined && given.pap === undefined && given.en === undefined) return undefined;
  // A change may give one language; the others stay. A new record needs all three (the schema says which is missing).
  return { ...fallback, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) } as TLocalisedName;
}

function required(values: Record<string, unknown>, name: string): string {
  const value = text(values[name]);
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

function minimumOf(value: unknown): number | null | undefined {
  const given = text(value);
  if (given === undefined) return undefined;
  return given === 'default' ? null : Number(given);
}

function printOrganisation(print: (line: string) => void, organisation: TOrganisationView): void {
  print(`${organisation.slug}\t${organisation.names.nl} / ${organisation.names.pap} / ${organisation.names.en}`);
  print(`time zone\t${organisation.timeZone}${organisation.hasResponses ? ' (fixed: responses exist)' : ''}`);
  print(`contact\t${organisation.contact || '-'}`);
  print(`complaints\t${organisation.complaints || '-'}`);
  print(`minimum group size\t${organisation.effectiveMinGroupSize}${organisation.minGroupSize === null ? ' (the default)' : ''}`);
  print(`invitation language\t${organisation.defaultLanguage}`);
  print(`mail sender name\t${organisation.mailSenderName ?? '-'}`);
  print(`phone region\t${organisation.phoneRegion}`);
  print(`version\t${organisation.version}`);
  for (const service of organisation.services) print(`service\t${service.slug}\t${service.retired ? 'retired' : 'offered'}\t${service.names.nl} / ${service.names.pap} / ${service.names.en}`);
  for (const place of organisation.places) print(`place\t${place.slug}\t${place.retired ? 'retired' : 'accepted'}\t${place.name}`);
}

/** The set-up an admin does on the admin page, for the operator at the server: the same service, the same checks. */
/** What `add` and `set` both take; `set` also the settings an organisation starts without. */
const DETAIL_OPTIONS = {
  slug: { type: 'string' },
  ...NAME_OPTIONS,
  'time-zone': { type: 'string' },
  contact: { type: 'string' },
  complaints: { type: 'string' },
  'min-group-size': { type: 'string' },
  'phone-region': { type: 'string' },
} as const;

export const organisationCommands: TCliCommand[] = [
  {
    words: 'organisations list',
    usage: '',
    options: {},
    async run(context) {
      for (const organisation of await admin(context).list(CLI_ACTOR)) {
        context.print([organisation.slug, organisation.timeZone, `${organisation.services.length} services`, `${organisation.places.length} places`, organisation.names.nl].join('\t'));
      }
    },
  },
  {
    words: 'organisations show',
    usage: 'SLUG',
    options: {},
    async run(context, _values, [slug]) {
      if (!slug) throw new Error('organisations show needs the organisation (see organisations list)');
      printOrganisation(context.print, await admin(context).get(CLI_ACTOR, slug));
    },
  },
  {
    words: 'organisations add',
    usage: `--slug SLUG ${NAME_USAGE} --time-zone ZONE [--contact TEXT] [--complaints TEXT] [--min-group-size N] [--phone-region NL|BQ|…]`,
    options: DETAIL_OPTIONS,
    async run(context, values) {
      const created = await admin(context).create(CLI_ACTOR, {
        slug: required(values, 'slug'),
        names: namesOf(values) ?? ({} as TLocalisedName),
        timeZone: required(values, 'time-zone'),
        contact: text(values.contact),
        complaints: text(values.complaints),
        minGroupSize: minimumOf(values['min-group-size']) ?? null,
        phoneRegion: text(values['phone-region']),
      });
      context.print(`Added organisation ${created.slug}.`);
    },
  },
  {
    words: 'organisations set',
    usage: `SLUG [${NAME_USAGE}] [--time-zone ZONE] [--contact TEXT] [--complaints TEXT] [--min-group-size N|default] [--language nl|pap|en] [--mail-sender NAME|default] [--phone-region NL|BQ|…] [--slug NEW]`,
    options: { ...DETAIL_OPTIONS, language: { type: 'string' }, 'mail-sender': { type: 'string' } },
    async run(context, values, [slug]) {
      if (!slug) throw new Error('organisations set needs the organisation (see organisations list)');
      const service = admin(context);
      const current = await service.get(CLI_ACTOR, slug);
      const saved = await service.update(CLI_ACTOR, slug, {
        version: current.version,
        slug: text(values.slug),
        names: namesOf(values, current.names),
        timeZone: text(values['time-zone']),
        contact: text(values.contact),
        complaints: text(values.complaints),
        minGroupSize: minimumOf(values['min-group-size']),
        defaultLanguage: text(values.language) as TOrganisationChange['defaultLanguage'],
        mailSenderName: text(values['mail-sender']) === 'default' ? null : text(values['mail-sender']),
        phoneRegion: text(values['phone-region']),
      });
      printOrganisation(context.print, saved);
    },
  },
  {
    words: 'services add',
    usage: `ORGANISATION --slug SLUG ${NAME_USAGE}`,
    options: { slug: { type: 'string' }, ...NAME_OPTIONS },
    async run(context, values, [organisation]) {
      if (!organisation) throw new Error('services add needs the organisation');
      const added = await admin(context).addService(CLI_ACTOR, organisation, { slug: required(values, 'slug'), names: namesOf(values) ?? ({} as TLocalisedName) });
      context.print(`Added service ${added.slug} to ${organisation}.`);
    },
  },
  {
    words: 'services set',
    usage: `ORGANISATION SERVICE [${NAME_USAGE}] [--slug NEW] [--retire | --offer]`,
    options: { slug: { type: 'string' }, ...NAME_OPTIONS, retire: { type: 'boolean' }, offer: { type: 'boolean' } },
    async run(context, values, [organisation, slug]) {
      if (!organisation || !slug) throw new Error('services set needs the organisation and the service');
      const service = admin(context);
      const current = (await service.get(CLI_ACTOR, organisation)).services.find((candidate) => candidate.slug === slug);
      const saved = await service.changeService(CLI_ACTOR, organisation, slug, {
        version: current?.version ?? 1,
        slug: text(values.slug),
        names: namesOf(values, current?.names),
        retired: values.retire === true ? true : values.offer === true ? false : undefined,
      });
      context.print(`Service ${saved.slug} of ${organisation}: ${saved.retired ? 'retired' : 'offered'}, ${saved.names.nl} / ${saved.names.pap} / ${saved.names.en}.`);
    },
  },
  {
    words: 'places add',
    usage: `ORGANISATION --slug SLUG --name NAME [${NAME_USAGE}]`,
    options: { slug: { type: 'string' }, name: { type: 'string' }, ...NAME_OPTIONS },
    async run(context, values, [organisation]) {
      if (!organisation) throw new Error('places add needs the organisation');
      const added = await admin(context).addPlace(CLI_ACTOR, organisation, { slug: required(values, 'slug'), name: required(values, 'name'), names: namesOf(values) });
      context.print(`Added place ${added.slug} (${added.name}) to ${organisation}.`);
    },
  },
  {
    words: 'places set',
    usage: `ORGANISATION PLACE [--name NAME] [${NAME_USAGE}] [--slug NEW] [--retire | --accept]`,
    options: { slug: { type: 'string' }, name: { type: 'string' }, ...NAME_OPTIONS, retire: { type: 'boolean' }, accept: { type: 'boolean' } },
    async run(context, values, [organisation, slug]) {
      if (!organisation || !slug) throw new Error('places set needs the organisation and the place');
      const service = admin(context);
      const current = (await service.get(CLI_ACTOR, organisation)).places.find((candidate) => candidate.slug === slug);
      const saved = await service.changePlace(CLI_ACTOR, organisation, slug, {
        version: current?.version ?? 1,
        slug: text(values.slug),
        name: text(values.name),
        names: namesOf(values, current?.names),
        retired: values.retire === true ? true : values.accept === true ? false : undefined,
      });
      context.print(`Place ${saved.slug} of ${organisation}: ${saved.retired ? 'retired' : 'accepted'}, ${saved.name}.`);
    },
  },
  {
    words: 'audit',
    usage: 'ORGANISATION [--limit N]',
    options: { limit: { type: 'string' } },
    async run(context, values, [organisation]) {
      if (!organisation) throw new Error('audit needs the organisation');
      const limit = Number(text(values.limit) ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error('--limit must be a whole number from 1 to 500');
      for (const entry of await admin(context).audit(CLI_ACTOR, organisation, limit)) {
        context.print([entry.at, entry.actor, entry.action, entry.subjectId ?? '', entry.details ? JSON.stringify(entry.details) : ''].join('\t'));
      }
    },
  },
];
