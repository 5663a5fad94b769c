import { z } from 'zod';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { isPhoneRegion } from '../kernel/phoneNumbers';
import { ZSlug } from '../kernel/slug';

/** A text in every language a resident may see it in; each one given, none blank. */
export const ZLocalisedName = z.strictObject(
  Object.fromEntries(LANGUAGES.map((language) => [language, z.string().trim().min(1, 'must not be empty').max(120)])) as Record<
    (typeof LANGUAGES)[number],
    z.ZodString
  >,
);
export type TLocalisedName = z.infer<typeof ZLocalisedName>;

/** A place's names in every language; a place given only its name (seeded, or from before names) reads it in each. */
export function placeNames(row: { name: string; names: string }): TLocalisedName {
  return row.names === '' ? { nl: row.name, pap: row.name, en: row.name } : ZLocalisedName.parse(JSON.parse(row.names));
}

export const ZTimeZone = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return zone.includes('/') || zone === 'UTC';
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Amsterdam');

/** How a resident reaches a person, or where to complain: a phone number, an address or a URL, as `help` says it. */
const ZContactLine = z.string().trim().max(200);
/** The record's version as the editor read it: a save on an older one is refused instead of overwriting. */
const ZVersion = z.number().int().min(1).describe('The version the change is based on (from the last read).');

/** The name an organisation's invitation e-mails come from; no line breaks, quotes or angle brackets in a header. */
const ZMailSenderName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  // eslint-disable-next-line no-control-regex -- control characters (a header's line breaks) are exactly what this refuses
  .regex(/^[^\u0000-\u001f"<>\\]+$/, 'must be a name without quotes, angle brackets or line breaks');
const ZDefaultLanguage = z.enum(LANGUAGES).describe('The language of an invitation whose request names none.');

const PHONE_REGION_MESSAGE = 'must be a region code such as NL, or BQ for Bonaire, Saba and St. Eustatius';
/** A region, not a calling code: Bonaire (BQ) and Curaçao (CW) share +599 but not their numbers. The pattern is for the API document. */
export const ZPhoneRegion = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: PHONE_REGION_MESSAGE, abort: true })
  .refine(isPhoneRegion, PHONE_REGION_MESSAGE)
  .describe('Where a phone number written without a country code is from: an ISO 3166 region, NL, or BQ for Bonaire, Saba and St. Eustatius.');

export const ZNewOrganisation = z.strictObject({
  slug: ZSlug,
  names: ZLocalisedName,
  timeZone: ZTimeZone,
  contact: ZContactLine.default(''),
  complaints: ZContactLine.default(''),
  minGroupSize: z.number().int().min(1).max(1000).nullable().default(null),
  defaultLanguage: ZDefaultLanguage.default('nl'),
  mailSenderName: ZMailSenderName.nullable().default(null).describe("The sender name of its invitation e-mails; null: the organisation's own name."),
  phoneRegion: ZPhoneRegion.default('NL'),
});
export type TNewOrganisation = z.input<typeof ZNewOrganisation>;

export const ZOrganisationChange = z.strictObject({
  version: ZVersion,
  slug: ZSlug.optional(),
  names: ZLocalisedName.optional(),
  timeZone: ZTimeZone.optional(),
  contact: ZContactLine.optional(),
  complaints: ZContactLine.optional(),
  minGroupSize: z.number().int().min(1).max(1000).nullable().optional().describe('Null: the service-wide minimum.'),
  defaultLanguage: ZDefaultLanguage.optional(),
  mailSenderName: ZMailSenderName.nullable().optional(),
  phoneRegion: ZPhoneRegion.optional(),
});
export type TOrganisationChange = z.input<typeof ZOrganisationChange>;

export const ZNewService = z.strictObject({ slug: ZSlug, names: ZLocalisedName });
export type TNewService = z.input<typeof ZNewService>;

export const ZServiceChange = z.strictObject({
  version: ZVersion,
  slug: ZSlug.optional(),
  names: ZLocalisedName.optional(),
  retired: z.boolean().optional().describe('True retires it (its history stays); false offers it again.'),
});
export type TServiceChange = z.input<typeof ZServiceChange>;

const ZPlaceName = z.string().trim().min(1, 'must not be empty').max(80);

export const ZNewPlace = z.strictObject({
  slug: ZSlug,
  name: ZPlaceName.describe('What responses record and analysts see; fixed once responses name it.'),
  names: ZLocalisedName.optional().describe('As residents read it in each language; the name in every language if left out.'),
});
export type TNewPlace = z.input<typeof ZNewPlace>;

export const ZPlaceChange = z.strictObject({
  version: ZVersion,
  slug: ZSlug.optional(),
  name: ZPlaceName.optional(),
  names: ZLocalisedName.optional(),
  retired: z.boolean().optional(),
});
export type TPlaceChange = z.input<typeof ZPlaceChange>;

export interface TServiceView {
  slug: string;
  names: TLocalisedName;
  version: number;
  retired: boolean;
}

export interface TPlaceView {
  slug: string;
  name: string;
  names: TLocalisedName;
  version: number;
  retired: boolean;
}

export interface TOrganisationView {
  slug: string;
  names: TLocalisedName;
  timeZone: string;
  contact: string;
  complaints: string;
  minGroupSize: number | null;
  defaultLanguage: TLanguage;
  mailSenderName: string | null;
  /** Where a phone number written without a country code is from (NL; BQ for Bonaire, Saba and St. Eustatius). */
  phoneRegion: string;
  /** The minimum group size the organisation's figures are protected by: its own, or the service-wide one. */
  effectiveMinGroupSize: number;
  version: number;
  /** Whether responses exist: then the slug and the time zone are fixed (the figures are keyed on them). */
  hasResponses: boolean;
  services: TServiceView[];
  places: TPlaceView[];
}

export interface TAuditView {
  at: string;
  actor: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: Record<string, unknown> | null;
}
