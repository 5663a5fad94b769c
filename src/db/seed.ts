import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LANGUAGES } from '../i18n/languages';
import type { TDb } from './client';
import { ZSlug } from '../kernel/slug';

const SEED_FILE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../prisma/seed/organisations.json');

/** A text in every language a resident may see it in. */
export const ZLocalisedName = z.object(Object.fromEntries(LANGUAGES.map((language) => [language, z.string().min(1)])) as Record<
  (typeof LANGUAGES)[number],
  z.ZodString
>);
export type TLocalisedName = z.infer<typeof ZLocalisedName>;

export const ZOrganisationSeed = z.object({
  slug: ZSlug,
  names: ZLocalisedName,
  timeZone: z.string().refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone'),
  contact: z.string().default(''),
  complaints: z.string().default(''),
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

/** Creates or updates the seeded organisations, their services and places; running it twice changes nothing. */
export async function seedOrganisations(db: TDb, organisations = readOrganisationSeed()): Promise<void> {
  for (const organisation of organisations) {
    const fields = {
      names: JSON.stringify(organisation.names),
      timeZone: organisation.timeZone,
      contact: organisation.contact,
      complaints: organisation.complaints,
    };
    const { id } = await db.organisation.upsert({
      where: { slug: organisation.slug },
      create: { slug: organisation.slug, ...fields },
      update: fields,
      select: { id: true },
    });
    for (const service of organisation.services) {
      const names = JSON.stringify(service.names);
      await db.service.upsert({
        where: { organisationId_slug: { organisationId: id, slug: service.slug } },
        create: { organisationId: id, slug: service.slug, names },
        update: { names },
      });
    }
    for (const place of organisation.places) {
      await db.place.upsert({
        where: { organisationId_slug: { organisationId: id, slug: place.slug } },
        create: { organisationId: id, slug: place.slug, name: place.name },
        update: { name: place.name },
      });
    }
  }
}
