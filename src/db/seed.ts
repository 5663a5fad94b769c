import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { TDb } from './client';
import { ZSlug } from '../kernel/slug';
import { LANGUAGES } from '../i18n/languages';
import { ZLocalisedName, ZPhoneRegion, ZTimeZone } from '../organisations/model';

const SEED_FILE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../prisma/seed/organisations.json');

export const ZOrganisationSeed = z.object({
  slug: ZSlug,
  names: ZLocalisedName,
  timeZone: ZTimeZone,
  contact: z.string().default(''),
  complaints: z.string().default(''),
  defaultLanguage: z.enum(LANGUAGES).default('nl'),
  phoneRegion: ZPhoneRegion.default('NL'),
  services: z.array(z.object({ slug: ZSlug, names: ZLocalisedName })).min(1),
  /** Islands, municipalities or districts: the only values a page's `location` may take. */
  places: z.array(z.object({ slug: ZSlug, name: z.string().trim().min(1).max(80) })).default([]),
});
export type TOrganisationSeed = z.infer<typeof ZOrganisationSeed>;

export function readOrganisationSeed(file = SEED_FILE): TOrganisationSeed[] {
  const parsed = z.array(ZOrganisationSeed).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Creates the seeded organisations, services and places that do not exist yet. What exists is left as it is: from
 * the first start on, the database is where an organisation is kept, and an admin's change must survive a restart.
 * Running it twice changes nothing.
 */
export async function seedOrganisations(db: TDb, organisations = readOrganisationSeed()): Promise<void> {
  for (const organisation of organisations) {
    const { id } = await db.organisation.upsert({
      where: { slug: organisation.slug },
      create: {
        slug: organisation.slug,
        names: JSON.stringify(organisation.names),
        timeZone: organisation.timeZone,
        contact: organisation.contact,
        complaints: organisation.complaints,
        defaultLanguage: organisation.defaultLanguage,
        phoneRegion: organisation.phoneRegion,
      },
      update: {},
      select: { id: true },
    });
    for (const service of organisation.services) {
      await db.service.upsert({
        where: { organisationId_slug: { organisationId: id, slug: service.slug } },
        create: { organisationId: id, slug: service.slug, names: JSON.stringify(service.names) },
        update: {},
      });
    }
    for (const place of organisation.places) {
      await db.place.upsert({
        where: { organisationId_slug: { organisationId: id, slug: place.slug } },
        create: { organisationId: id, slug: place.slug, name: place.name },
        update: {},
      });
    }
  }
}
