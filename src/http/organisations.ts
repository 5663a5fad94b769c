import { z } from 'zod';
import { AUDIT_KINDS, type TAuditKind } from '../kernel/audit';
import type { OrganisationAdmin } from '../organisations/admin';
import {
  ZLocalisedName,
  ZNewOrganisation,
  ZNewPlace,
  ZNewService,
  ZOrganisationChange,
  ZPhoneRegion,
  ZPlaceChange,
  ZServiceChange,
} from '../organisations/model';
import { ZSlug } from '../kernel/slug';
import { LANGUAGES } from '../i18n/languages';
import { defineRoute, type TApiRoute } from './apiRoute';
import { API_BASE } from './paths';
import { ZInstant } from './followUps';

const ZServiceView = z.object({ slug: z.string(), names: ZLocalisedName, version: z.number().int(), retired: z.boolean() });
const ZPlaceView = z.object({
  slug: z.string(),
  name: z.string().describe('What responses record and analysts see.'),
  names: ZLocalisedName,
  version: z.number().int(),
  retired: z.boolean(),
});
const ZOrganisationView = z.object({
  slug: z.string(),
  names: ZLocalisedName,
  timeZone: z.string(),
  contact: z.string(),
  complaints: z.string(),
  minGroupSize: z.number().int().nullable().describe('Its own, higher minimum group size; null: the service-wide one.'),
  defaultLanguage: z.enum(LANGUAGES).describe('The language of an invitation whose request names none.'),
  mailSenderName: z.string().nullable().describe("The sender name of its invitation e-mails; null: the organisation's own name."),
  phoneRegion: ZPhoneRegion,
  effectiveMinGroupSize: z.number().int(),
  version: z.number().int().describe('Send it back with a change: a change based on an older version is refused (409).'),
  hasResponses: z.boolean().describe('Once true, the slug and the time zone are fixed.'),
  services: z.array(ZServiceView),
  places: z.array(ZPlaceView),
});
const ZAuditView = z.object({
  at: ZInstant,
  actor: z.string().describe("The token's name, or `cli`."),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

const ZOrganisationParams = z.object({ organisation: ZSlug });
const ZServiceParams = ZOrganisationParams.extend({ service: ZSlug });
const ZPlaceParams = ZOrganisationParams.extend({ place: ZSlug });
const ZAuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  kind: z
    .enum(Object.keys(AUDIT_KINDS) as [TAuditKind, ...TAuditKind[]])
    .optional()
    .describe('Only changes to the set-up (`settings`), reads and exports of residents’ data (`dataAccess`), or follow-ups and call-backs (`contact`).'),
});

/** The admin's set-up: organisations, their services and places, and the audit log of what changed. */
export function organisationRoutes(admin: OrganisationAdmin): TApiRoute[] {
  const base = { tag: 'Organisations', role: 'admin' } as const;
  return [
    defineRoute({
      ...base,
      method: 'get',
      path: '/organisations',
      operationId: 'listOrganisations',
      summary: 'The organisations this token may manage',
      description: 'A scoped admin sees its own organisation; an admin of every organisation sees them all.',
      responses: { 200: { description: 'With their services and places.', json: z.object({ organisations: z.array(ZOrganisationView) }) } },
    })(async ({ principal }) => ({ status: 200, json: { organisations: await admin.list(principal) } })),
    defineRoute({
      ...base,
      method: 'post',
      path: '/organisations',
      operationId: 'createOrganisation',
      summary: 'Add an organisation',
      description: 'Only an admin of every organisation may add one.',
      body: ZNewOrganisation,
      responses: { 201: { description: 'Added.', json: ZOrganisationView, headers: { Location: { description: 'Where it can be read.' } } } },
      audits: ['organisation.create'],
    })(async ({ principal, body }) => {
      const created = await admin.create(principal, body);
      return { status: 201, json: created, headers: { Location: `${API_BASE}/organisations/${created.slug}` } };
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/organisations/{organisation}',
      operationId: 'getOrganisation',
      summary: "An organisation's details, services and places",
      params: ZOrganisationParams,
      responses: { 200: { description: 'Retired services and places included, marked as such.', json: ZOrganisationView } },
      refusals: [404],
    })(async ({ principal, params }) => ({ status: 200, json: await admin.get(principal, params.organisation) })),
    defineRoute({
      ...base,
      method: 'patch',
      path: '/organisations/{organisation}',
      operationId: 'updateOrganisation',
      summary: "Change an organisation's details",
      description: 'Only the fields sent change. The slug and the time zone cannot change once responses exist.',
      params: ZOrganisationParams,
      body: ZOrganisationChange,
      responses: { 200: { description: 'As saved.', json: ZOrganisationView } },
      refusals: [404, 409],
      audits: ['organisation.update'],
    })(async ({ principal, params, body }) => ({ status: 200, json: await admin.update(principal, params.organisation, body) })),
    defineRoute({
      ...base,
      method: 'post',
      path: '/organisations/{organisation}/services',
      operationId: 'addService',
      summary: 'Add a service',
      params: ZOrganisationParams,
      body: ZNewService,
      responses: { 201: { description: 'Added: staff can choose it and pages may name it at once.', json: ZServiceView } },
      refusals: [404],
      audits: ['service.create'],
    })(async ({ principal, params, body }) => ({ status: 201, json: await admin.addService(principal, params.organisation, body) })),
    defineRoute({
      ...base,
      method: 'patch',
      path: '/organisations/{organisation}/services/{service}',
      operationId: 'updateService',
      summary: 'Rename, retire or offer again a service',
      params: ZServiceParams,
      body: ZServiceChange,
      responses: { 200: { description: 'As saved.', json: ZServiceView } },
      refusals: [404, 409],
      audits: ['service.update'],
    })(async ({ principal, params, body }) => ({ status: 200, json: await admin.changeService(principal, params.organisation, params.service, body) })),
    defineRoute({
      ...base,
      method: 'post',
      path: '/organisations/{organisation}/places',
      operationId: 'addPlace',
      summary: 'Add a place (an island, municipality or district)',
      params: ZOrganisationParams,
      body: ZNewPlace,
      responses: { 201: { description: 'Added: pages may name it at once.', json: ZPlaceView } },
      refusals: [404],
      audits: ['place.create'],
    })(async ({ principal, params, body }) => ({ status: 201, json: await admin.addPlace(principal, params.organisation, body) })),
    defineRoute({
      ...base,
      method: 'patch',
      path: '/organisations/{organisation}/places/{place}',
      operationId: 'updatePlace',
      summary: 'Rename, retire or accept again a place',
      params: ZPlaceParams,
      body: ZPlaceChange,
      responses: { 200: { description: 'As saved.', json: ZPlaceView } },
      refusals: [404, 409],
      audits: ['place.update'],
    })(async ({ principal, params, body }) => ({ status: 200, json: await admin.changePlace(principal, params.organisation, params.place, body) })),
    defineRoute({
      ...base,
      method: 'get',
      path: '/organisations/{organisation}/audit',
      operationId: 'listAudit',
      summary: "The organisation's audit log",
      description: 'Who changed what, and when, newest first; it holds no personal data.',
      params: ZOrganisationParams,
      query: ZAuditQuery,
      responses: { 200: { description: 'Newest first.', json: z.object({ entries: z.array(ZAuditView) }) } },
      refusals: [404],
    })(async ({ principal, params, query }) => ({ status: 200, json: { entries: await admin.audit(principal, params.organisation, query.limit, query.kind) } })),
  ];
}
