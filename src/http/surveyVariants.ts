import { z } from 'zod';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { ZSlug } from '../kernel/slug';
import { QUESTION_TYPES, ZSurveyText } from '../surveys/schema';
import { ZDraftQuestion, ZDraftSave, ZPublish, type SurveyVariants } from '../surveys/variants';
import { defineRoute, type TApiRoute } from './apiRoute';
import { ZInstant } from './followUps';

const ZCheck = z.object({
  severity: z.enum(['error', 'warning']).describe('Errors block publishing; warnings are advice.'),
  rule: z.string().describe('missing_text, two_questions, sentence_too_long, long_sentence, officialese, passive, length_mismatch'),
  field: z.string(),
  message: z.string(),
  detail: z.string().optional(),
});
const ZVariantView = z.object({
  organisation: z.string(),
  survey: z.string().describe("The variant's survey id, as its versions and figures carry it."),
  core: z.object({
    survey: z.string(),
    version: z.number().int(),
    questions: z.array(z.object({ key: z.string(), type: z.enum(QUESTION_TYPES), measures: z.string().nullable(), text: ZSurveyText })),
  }),
  draft: z.object({
    version: z.number().int(),
    questions: z.array(ZDraftQuestion),
    updatedAt: ZInstant,
    updatedBy: z.string(),
    checks: z.array(ZCheck),
    publishable: z.boolean(),
  }),
  published: z.array(z.object({ version: z.number().int(), coreVersion: z.number().int().nullable(), publishedAt: ZInstant })),
  newerCoreAvailable: z.boolean(),
});
const ZVariantFile = z.looseObject({ extends: z.string().optional(), questions: z.array(z.looseObject({})) }).describe('The shape of a file under surveys/: the variant’s own questions, with their texts.');
const ZParams = z.object({ organisation: ZSlug });
const ZVersionParams = ZParams.extend({ version: z.coerce.number().int().min(1) });
const ZExportQuery = z.strictObject({ draft: z.enum(['true', 'false']).optional().describe('true: the draft (checked as for publishing) instead of the newest published version.') });
const ZImport = z.strictObject({ version: z.number().int().min(1).describe('The draft version the import replaces.'), survey: z.unknown() });

/** A Direct Line token for a conversation that runs the organisation's draft and stores nothing. */
export type TPreviewGrant = (organisation: string, language: TLanguage | undefined) => Promise<{ token: string; conversationId: string; expires_in: number }>;

const ZPreviewBody = z.strictObject({ language: z.enum(LANGUAGES).optional().describe('The language the preview starts in.') });
const ZPreviewGrant = z.object({
  token: z.string().describe('For the local Direct Line channel (`/v3/directline`), as the web chat uses it.'),
  conversationId: z.string(),
  expires_in: z.number().int(),
});

/** The survey editor's API: the draft with its checks, publishing, published versions, export, import and preview. */
export function surveyVariantRoutes(variants: SurveyVariants, previewGrant: TPreviewGrant): TApiRoute[] {
  const base = { tag: 'Surveys', role: 'admin' } as const;
  return [
    defineRoute({
      ...base,
      method: 'get',
      path: '/organisations/{organisation}/survey',
      operationId: 'getSurveyVariant',
      summary: "The organisation's variant: the core, the draft with its checks, the published versions",
      params: ZParams,
      responses: { 200: { description: 'As the editor shows it.', json: ZVariantView } },
      refusals: [404],
    })(async ({ principal, params }) => ({ status: 200, json: await variants.get(principal, params.organisation) })),
    defineRoute({
      ...base,
      method: 'put',
      path: '/organisations/{organisation}/survey/draft',
      operationId: 'saveSurveyDraft',
      summary: 'Save the draft',
      description: 'The structure is checked at once (keys, conditions pointing back, options); texts may be unfinished, the checks say what is missing.',
      params: ZParams,
      body: ZDraftSave,
      responses: { 200: { description: 'Saved, with its checks.', json: ZVariantView } },
      refusals: [404, 409],
      audits: ['survey.draft'],
    })(async ({ principal, params, body }) => ({ status: 200, json: await variants.saveDraft(principal, params.organisation, body) })),
    defineRoute({
      ...base,
      method: 'post',
      path: '/organisations/{organisation}/survey/publish',
      operationId: 'publishSurveyVariant',
      summary: 'Publish the draft as a new version',
      description: 'New conversations get it within seconds; residents who already started finish the version they began. Refused while a check is an error.',
      params: ZParams,
      body: ZPublish,
      responses: { 200: { description: 'Published (or equal to the newest version: then nothing changed).', json: ZVariantView.extend({ publishedVersion: z.number().int() }) } },
      refusals: [404, 409],
      audits: ['survey.publish'],
    })(async ({ principal, params, body }) => ({ status: 200, json: await variants.publish(principal, params.organisation, body) })),
    defineRoute({
      ...base,
      method: 'get',
      path: '/organisations/{organisation}/survey/versions/{version}',
      operationId: 'getSurveyVariantVersion',
      summary: 'A published version (read only)',
      params: ZVersionParams,
      responses: { 200: { description: 'Its own questions, with their texts.', json: ZVariantFile } },
      refusals: [404],
    })(async ({ principal, params }) => ({ status: 200, json: await variants.publishedVersion(principal, params.organisation, params.version) })),
    defineRoute({
      ...base,
      method: 'get',
      path: '/organisations/{organisation}/survey/export',
      operationId: 'exportSurveyVariant',
      summary: 'The variant as a file another organisation can import',
      params: ZParams,
      query: ZExportQuery,
      responses: { 200: { description: 'The shape of a file under surveys/.', json: ZVariantFile } },
      refusals: [404],
    })(async ({ principal, params, query }) => ({ status: 200, json: await variants.exportFile(principal, params.organisation, query.draft === 'true') })),
    defineRoute({
      ...base,
      method: 'post',
      path: '/organisations/{organisation}/survey/import',
      operationId: 'importSurveyVariant',
      summary: "Make a variant file the draft",
      description: 'Checked as strictly as publishing; a file that names or changes a core question is refused. Publish it afterwards.',
      params: ZParams,
      body: ZImport,
      responses: { 200: { description: 'The new draft.', json: ZVariantView } },
      refusals: [404, 409],
      audits: ['survey.import'],
    })(async ({ principal, params, body }) => ({ status: 200, json: await variants.importFile(principal, params.organisation, body.version, body.survey) })),
    defineRoute({
      ...base,
      method: 'post',
      path: '/organisations/{organisation}/survey/preview',
      operationId: 'previewSurveyDraft',
      summary: 'A chat that runs the draft, for trying it',
      description:
        'A Direct Line token for a conversation with the real bot on the current draft (empty texts read as the question key). It keeps its conversation state like any conversation but stores no response, answer or figure.',
      params: ZParams,
      body: ZPreviewBody,
      responses: { 201: { description: 'The conversation to open in Web Chat.', json: ZPreviewGrant } },
      refusals: [404],
    })(async ({ principal, params, body }) => {
      const organisation = await variants.checkPreview(principal, params.organisation);
      const grant = await previewGrant(organisation, body.language);
      return { status: 201, json: { token: grant.token, conversationId: grant.conversationId, expires_in: grant.expires_in } };
    }),
  ];
}
