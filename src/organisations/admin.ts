import type { TDb, TPrisma } from '../db/client';
import { AUDIT_KINDS, writeAudit, type TActor, type TAuditKind } from '../kernel/audit';
import { systemClock, type TClock } from '../kernel/clock';
import { AppError, StaleVersionError } from '../kernel/errors';
import {
  ZLocalisedName,
  ZNewOrganisation,
  ZNewPlace,
  ZNewService,
  ZOrganisationChange,
  ZPlaceChange,
  ZServiceChange,
  placeNames,
  type TAuditView,
  type TNewOrganisation,
  type TNewPlace,
  type TNewService,
  type TOrganisationChange,
  type TOrganisationView,
  type TPlaceChange,
  type TPlaceView,
  type TServiceChange,
  type TServiceView,
} from './model';
import { DIRECTORY_SETTINGS, raiseSettingsVersion } from './settingsVersion';
import { manageableOrganisation } from './access';
import { z } from 'zod';
import { LANGUAGES } from '../i18n/languages';

const ZLanguage = z.enum(LANGUAGES);

export interface TOrganisationAdminOptions {
  /** MIN_GROUP_SIZE: an organisation may only raise it. */
  minGroupSize: number;
  clock?: TClock;
}

type TOrganisationRow = {
  id: string;
  slug: string;
  names: string;
  timeZone: string;
  contact: string;
  complaints: string;
  minGroupSize: number | null;
  defaultLanguage: string;
  mailSenderName: string | null;
  phoneRegion: string;
  version: number;
};

const ORGANISATION_SELECT = {
  id: true,
  slug: true,
  names: true,
  timeZone: true,
  contact: true,
  complaints: true,
  minGroupSize: true,
  defaultLanguage: true,
  mailSenderName: true,
  phoneRegion: true,
  version: true,
} as const;

/**
 * What an organisation's admin sets up in the product: its details, services and places. Every change is checked
 * whole before anything is written, saved in one transaction with its audit line and the settings counter (so every
 * replica serves it within seconds), and refused when it was based on a version that is no longer current.
 */
export class OrganisationAdmin {
  private readonly clock: TClock;

  constructor(
    private readonly prisma: TPrisma,
    private readonly options: TOrganisationAdminOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** The organisations the admin may manage: its own, or every one for an admin of every organisation. */
  async list(actor: TActor): Promise<TOrganisationView[]> {
    const rows = await this.prisma.organisation.findMany({
      where: actor.organisationId === null ? {} : { id: actor.organisationId },
      orderBy: { slug: 'asc' },
      select: ORGANISATION_SELECT,
    });
    return Promise.all(rows.map((row) => this.view(this.prisma, row)));
  }

  async get(actor: TActor, slug: string): Promise<TOrganisationView> {
    return this.view(this.prisma, await this.organisation(this.prisma, actor, slug));
  }

  /** A new organisation; only an admin of every organisation may add one. */
  async create(actor: TActor, input: TNewOrganisation): Promise<TOrganisationView> {
    if (actor.organisationId !== null) throw new AppError('forbidden', 'forbidden', 'Only an admin of every organisation may add an organisation.');
    const organisation = ZNewOrganisation.parse(input);
    this.checkMinimum(organisation.minGroupSize);
    return this.change(async (tx, at) => {
      if (await tx.organisation.findUnique({ where: { slug: organisation.slug }, select: { id: true } })) {
        throw new AppError('invalid', 'slug_taken', `slug: "${organisation.slug}" is already an organisation`, 'slug');
      }
      const row = await tx.organisation.create({
        data: { ...organisation, names: JSON.stringify(organisation.names), createdAt: at },
        select: ORGANISATION_SELECT,
      });
      await writeAudit(tx, actor, 'organisation.create', { organisationId: row.id, subjectType: 'organisation', subjectId: row.slug, at });
      return this.view(tx, row);
    });
  }

  async update(actor: TActor, slug: string, input: TOrganisationChange): Promise<TOrganisationView> {
    const change = ZOrganisationChange.parse(input);
    if (change.minGroupSize !== undefined) this.checkMinimum(change.minGroupSize);
    return this.change(async (tx, at) => {
      const row = await this.organisation(tx, actor, slug);
      if (row.version !== change.version) throw await this.stale(tx, 'organisation', row);
      const { version: _based, names, ...rest } = change;
      const fields = { ...rest, ...(names ? { names: JSON.stringify(names) } : {}) };
      const changed = changedFields(row, fields);
      if ((changed.includes('slug') || changed.includes('timeZone')) && (await this.hasResponses(tx, row.id))) {
        const field = changed.includes('slug') ? 'slug' : 'timeZone';
        throw new AppError('conflict', 'fixed_once_answered', `${field}: cannot change once responses exist (the figures are kept by it)`, field);
      }
      if (changed.includes('slug') && (await tx.organisation.findUnique({ where: { slug: fields.slug! }, select: { id: true } }))) {
        throw new AppError('invalid', 'slug_taken', `slug: "${fields.slug}" is already an organisation`, 'slug');
      }
      if (changed.length === 0) return this.view(tx, row);
      const updated = await tx.organisation.update({
        where: { id: row.id },
        data: { ...fields, version: { increment: 1 } },
        select: ORGANISATION_SELECT,
      });
      await writeAudit(tx, actor, 'organisation.update', { organisationId: row.id, subjectType: 'organisation', subjectId: updated.slug, details: { fields: changed }, at });
      return this.view(tx, updated);
    });
  }

  async addService(actor: TActor, organisationSlug: string, input: TNewService): Promise<TServiceView> {
    const service = ZNewService.parse(input);
    return this.change(async (tx, at) => {
      const organisation = await this.organisation(tx, actor, organisationSlug);
      const taken = await tx.service.findUnique({ where: { organisationId_slug: { organisationId: organisation.id, slug: service.slug } }, select: { id: true } });
      if (taken) throw new AppError('invalid', 'slug_taken', `slug: "${service.slug}" is already a service of ${organisation.slug}`, 'slug');
      const row = await tx.service.create({
        data: { organisationId: organisation.id, slug: service.slug, names: JSON.stringify(service.names), createdAt: at },
        select: SERVICE_SELECT,
      });
      await writeAudit(tx, actor, 'service.create', { organisationId: organisation.id, subjectType: 'service', subjectId: row.slug, at });
      return serviceView(row);
    });
  }

  async changeService(actor: TActor, organisationSlug: string, serviceSlug: string, input: TServiceChange): Promise<TServiceView> {
    const change = ZServiceChange.parse(input);
    return this.change(async (tx, at) => {
      const organisation = await this.organisation(tx, actor, organisationSlug);
      const row = await tx.service.findUnique({ where: { organisationId_slug: { organisationId: organisation.id, slug: serviceSlug } }, select: { id: true, ...SERVICE_SELECT } });
      if (!row) throw new AppError('not-found', 'not_found', `${organisation.slug} has no service "${serviceSlug}".`);
      if (row.version !== change.version) throw new StaleVersionError(`This service was changed meanwhile; it is now at version ${row.version}.`, serviceView(row));
      const { version: _based, retired, ...fields } = change;
      const changed = changedFields(row, { ...fields, names: fields.names && JSON.stringify(fields.names) });
      if (retired !== undefined && retired !== (row.retiredAt !== null)) changed.push(retired ? 'retired' : 'offered');
      if (changed.includes('slug')) {
        const answered = await tx.response.count({ where: { serviceId: row.id } });
        if (answered > 0) throw new AppError('conflict', 'fixed_once_answered', 'slug: cannot change once responses name the service (the figures are kept by it)', 'slug');
        const taken = await tx.service.findUnique({ where: { organisationId_slug: { organisationId: organisation.id, slug: fields.slug! } }, select: { id: true } });
        if (taken) throw new AppError('invalid', 'slug_taken', `slug: "${fields.slug}" is already a service of ${organisation.slug}`, 'slug');
      }
      if (changed.length === 0) return serviceView(row);
      const updated = await tx.service.update({
        where: { id: row.id },
        data: {
          ...(fields.slug !== undefined ? { slug: fields.slug } : {}),
          ...(fields.names ? { names: JSON.stringify(fields.names) } : {}),
          ...(retired !== undefined ? { retiredAt: retired ? (row.retiredAt ?? at) : null } : {}),
          version: { increment: 1 },
        },
        select: SERVICE_SELECT,
      });
      await writeAudit(tx, actor, 'service.update', { organisationId: organisation.id, subjectType: 'service', subjectId: updated.slug, details: { fields: changed }, at });
      return serviceView(updated);
    });
  }

  async addPlace(actor: TActor, organisationSlug: string, input: TNewPlace): Promise<TPlaceView> {
    const place = ZNewPlace.parse(input);
    return this.change(async (tx, at) => {
      const organisation = await this.organisation(tx, actor, organisationSlug);
      await this.checkPlaceFree(tx, organisation, { slug: place.slug, name: place.name });
      const row = await tx.place.create({
        data: { organisationId: organisation.id, slug: place.slug, name: place.name, names: place.names ? JSON.stringify(place.names) : '', createdAt: at },
        select: PLACE_SELECT,
      });
      await writeAudit(tx, actor, 'place.create', { organisationId: organisation.id, subjectType: 'place', subjectId: row.slug, at });
      return placeView(row);
    });
  }

  async changePlace(actor: TActor, organisationSlug: string, placeSlug: string, input: TPlaceChange): Promise<TPlaceView> {
    const change = ZPlaceChange.parse(input);
    return this.change(async (tx, at) => {
      const organisation = await this.organisation(tx, actor, organisationSlug);
      const row = await tx.place.findUnique({ where: { organisationId_slug: { organisationId: organisation.id, slug: placeSlug } }, select: { id: true, ...PLACE_SELECT } });
      if (!row) throw new AppError('not-found', 'not_found', `${organisation.slug} has no place "${placeSlug}".`);
      if (row.version !== change.version) throw new StaleVersionError(`This place was changed meanwhile; it is now at version ${row.version}.`, placeView(row));
      const { version: _based, retired, ...fields } = change;
      const changed = changedFields(row, { ...fields, names: fields.names && JSON.stringify(fields.names) });
      if (retired !== undefined && retired !== (row.retiredAt !== null)) changed.push(retired ? 'retired' : 'offered');
      if (changed.includes('slug') || changed.includes('name')) {
        const answered = await tx.response.count({ where: { organisationId: organisation.id, location: row.name } });
        const field = changed.includes('name') ? 'name' : 'slug';
        if (answered > 0) throw new AppError('conflict', 'fixed_once_answered', `${field}: cannot change once responses name the place (the figures are kept by it); change its names instead`, field);
        await this.checkPlaceFree(tx, organisation, { slug: changed.includes('slug') ? fields.slug : undefined, name: changed.includes('name') ? fields.name : undefined });
      }
      if (changed.length === 0) return placeView(row);
      const updated = await tx.place.update({
        where: { id: row.id },
        data: {
          ...(fields.slug !== undefined ? { slug: fields.slug } : {}),
          ...(fields.name !== undefined ? { name: fields.name } : {}),
          ...(fields.names ? { names: JSON.stringify(fields.names) } : {}),
          ...(retired !== undefined ? { retiredAt: retired ? (row.retiredAt ?? at) : null } : {}),
          version: { increment: 1 },
        },
        select: PLACE_SELECT,
      });
      await writeAudit(tx, actor, 'place.update', { organisationId: organisation.id, subjectType: 'place', subjectId: updated.slug, details: { fields: changed }, at });
      return placeView(updated);
    });
  }

  /** The organisation's audit log, newest first: who did what, when; never personal data. */
  /** The organisation's audit log, newest first; only one kind of action when asked (AUDIT_KINDS). */
  async audit(actor: TActor, organisationSlug: string, limit: number, kind?: TAuditKind): Promise<TAuditView[]> {
    const organisation = await this.organisation(this.prisma, actor, organisationSlug);
    // An entry is of a kind by its whole action (comments.read) or its first word (token.revoke → token).
    const ofKind = kind ? { OR: AUDIT_KINDS[kind].flatMap((action) => [{ action }, { action: { startsWith: `${action}.` } }]) } : {};
    const rows = await this.prisma.auditLog.findMany({
      where: { organisationId: organisation.id, ...ofKind },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { at: true, actor: true, action: true, subjectType: true, subjectId: true, details: true },
    });
    return rows.map((row) => ({ ...row, at: row.at.toISOString(), details: parseDetails(row.details) }));
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async change<T>(work: (tx: TDb, at: Date) => Promise<T>): Promise<T> {
    const at = this.clock();
    return this.prisma.$transaction(async (tx) => {
      const result = await work(tx, at);
      await raiseSettingsVersion(tx, DIRECTORY_SETTINGS, at);
      return result;
    });
  }

  private organisation(db: TDb, actor: TActor, slug: string): Promise<TOrganisationRow> {
    return manageableOrganisation(actor, slug, (wanted) => db.organisation.findUnique({ where: { slug: wanted }, select: ORGANISATION_SELECT }));
  }

  private checkMinimum(minGroupSize: number | null): void {
    if (minGroupSize !== null && minGroupSize <= this.options.minGroupSize) {
      throw new AppError('invalid', 'invalid_request', `minGroupSize: may only raise the minimum of ${this.options.minGroupSize} (or be null)`, 'minGroupSize');
    }
  }

  private async checkPlaceFree(tx: TDb, organisation: TOrganisationRow, wanted: { slug?: string | undefined; name?: string | undefined }): Promise<void> {
    const places = await tx.place.findMany({ where: { organisationId: organisation.id }, select: { slug: true, name: true } });
    if (wanted.slug !== undefined && places.some((place) => place.slug === wanted.slug)) {
      throw new AppError('invalid', 'slug_taken', `slug: "${wanted.slug}" is already a place of ${organisation.slug}`, 'slug');
    }
    const name = wanted.name?.toLocaleLowerCase('nl');
    if (name !== undefined && places.some((place) => place.name.toLocaleLowerCase('nl') === name)) {
      throw new AppError('invalid', 'name_taken', `name: "${wanted.name}" is already a place of ${organisation.slug}`, 'name');
    }
  }

  private hasResponses(db: TDb, organisationId: string): Promise<boolean> {
    return db.response.findFirst({ where: { organisationId }, select: { id: true } }).then((found) => found !== null);
  }

  private async stale(db: TDb, kind: string, row: TOrganisationRow): Promise<StaleVersionError> {
    return new StaleVersionError(`This ${kind} was changed meanwhile; it is now at version ${row.version}.`, await this.view(db, row));
  }

  private async view(db: TDb, row: TOrganisationRow): Promise<TOrganisationView> {
    const [services, places, hasResponses] = await Promise.all([
      db.service.findMany({ where: { organisationId: row.id }, orderBy: { slug: 'asc' }, select: SERVICE_SELECT }),
      db.place.findMany({ where: { organisationId: row.id }, orderBy: { slug: 'asc' }, select: PLACE_SELECT }),
      this.hasResponses(db, row.id),
    ]);
    return {
      slug: row.slug,
      names: ZLocalisedName.parse(JSON.parse(row.names)),
      timeZone: row.timeZone,
      contact: row.contact,
      complaints: row.complaints,
      minGroupSize: row.minGroupSize,
      defaultLanguage: ZLanguage.parse(row.defaultLanguage),
      mailSenderName: row.mailSenderName,
      phoneRegion: row.phoneRegion,
      effectiveMinGroupSize: Math.max(this.options.minGroupSize, row.minGroupSize ?? 0),
      version: row.version,
      hasResponses,
      services: services.map(serviceView),
      places: places.map(placeView),
    };
  }
}

const SERVICE_SELECT = { slug: true, names: true, version: true, retiredAt: true } as const;
const PLACE_SELECT = { slug: true, name: true, names: true, version: true, retiredAt: true } as const;

function serviceView(row: { slug: string; names: string; version: number; retiredAt: Date | null }): TServiceView {
  return { slug: row.slug, names: ZLocalisedName.parse(JSON.parse(row.names)), version: row.version, retired: row.retiredAt !== null };
}

function placeView(row: { slug: string; name: string; names: string; version: number; retiredAt: Date | null }): TPlaceView {
  return { slug: row.slug, name: row.name, names: placeNames(row), version: row.version, retired: row.retiredAt !== null };
}

/** The fields of a change that differ from the row (undefined: not part of the change). */
function changedFields(row: Record<string, unknown>, change: Record<string, unknown>): string[] {
  return Object.entries(change)
    .filter(([field, value]) => value !== undefined && value !== row[field])
    .map(([field]) => field);
}

function parseDetails(details: string | null): Record<string, unknown> | null {
  if (details === null) return null;
  try {
    const parsed: unknown = JSON.parse(details);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
