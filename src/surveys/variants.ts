import { z } from 'zod';
import type { TDb, TPrisma } from '../db/client';
import type { TI18n } from '../i18n/i18n';
import { LANGUAGES, type TLanguage } from '../i18n/languages';
import { writeAudit, type TActor } from '../kernel/audit';
import { systemClock, type TClock } from '../kernel/clock';
import { AppError, StaleVersionError } from '../kernel/errors';
import { manageableOrganisation } from '../organisations/access';
import { raiseSettingsVersion } from '../organisations/settingsVersion';
import { canonicalJson, parseDefinition, resolveVariant, SURVEY_NAMESPACE, SurveyDefinitionError, surveyHash } from './loader';
import { checkText, type TTextCheck } from './plainLanguage';
import { SHARED_SURVEY, SURVEY_SETTINGS } from './registry';
import {
  QUESTION_TYPES,
  ZAnswerCondition,
  ZMeasure,
  ZQuestionKey,
  ZSurvey,
  type TQuestion,
  type TSurvey,
  type TSurveyDefinition,
  type TSurveyText,
} from './schema';

/** A text while it is being written: each language may still be empty; publishing needs all three. */
export const ZDraftText = z.strictObject({
  nl: z.string().max(600).default(''),
  pap: z.string().max(600).default(''),
  en: z.string().max(600).default(''),
});
export type TDraftText = z.infer<typeof ZDraftText>;

/**
 * A skip condition as the editor writes it: one test on an earlier answer, or all or any of several. (A survey file
 * may nest deeper; an editor's draft does not need to, and its schema stays describable in the API document.)
 */
const ZDraftCondition = z.union([ZAnswerCondition, z.strictObject({ allOf: z.array(ZAnswerCondition).min(1) }), z.strictObject({ anyOf: z.array(ZAnswerCondition).min(1) })]);

/** One of the organisation's own questions, as the editor holds it. */
export const ZDraftQuestion = z.strictObject({
  key: ZQuestionKey,
  type: z.enum(QUESTION_TYPES),
  measures: ZMeasure.optional().describe('A driver or outcome it measures; most own questions measure nothing.'),
  scale: z.enum(['agreement', 'satisfaction']).optional().describe('For scale5: the labels of its five points.'),
  allowDontKnow: z.boolean().default(false),
  showIf: ZDraftCondition.optional().describe('Asked only when this holds for earlier answers.'),
  text: ZDraftText,
  options: z.array(ZQuestionKey).max(20).optional().describe('For choice: the option keys, in order.'),
  optionLabels: z.record(ZQuestionKey, ZDraftText).optional().describe('For choice: each option’s label in nl, pap and en.'),
});
export type TDraftQuestion = z.infer<typeof ZDraftQuestion>;

export const ZDraftSave = z.strictObject({
  version: z.number().int().min(1).describe('The draft version the change is based on.'),
  questions: z.array(ZDraftQuestion).max(40),
});
export type TDraftSave = z.input<typeof ZDraftSave>;

export const ZPublish = z.strictObject({ version: z.number().int().min(1).describe('The draft version to publish, as last read.') });

export interface TCoreQuestionView {
  key: string;
  type: TQuestion['type'];
  measures: string | null;
  text: TSurveyText;
}

export interface TVariantView {
  organisation: string;
  /** The variant's survey id: the one its published versions and its figures carry. */
  survey: string;
  /** The shared core it extends: its newest version, and its questions in their order. */
  core: { survey: string; version: number; questions: TCoreQuestionView[] };
  draft: { version: number; questions: TDraftQuestion[]; updatedAt: string; updatedBy: string; checks: TTextCheck[]; publishable: boolean };
  /** Every published version, newest first, with the core version it was built on. */
  published: Array<{ version: number; coreVersion: number | null; publishedAt: string }>;
  /** The newest published version is built on an older core than the newest: republishing brings the new core. */
  newerCoreAvailable: boolean;
}

/** The file an organisation exports and another imports: the shape of `surveys/*.json`, own texts inside. */
export type TVariantFile = TSurveyDefinition;

const ORGANISATION_SELECT = { id: true, slug: true } as const;

/**
 * An organisation's own variant of the shared survey: the core first, unchangeable, then its own questions with their
 * texts in nl, pap and en. The admin edits a draft; publishing checks it as strictly as a survey file and adds a new
 * immutable version, which every replica starts new conversations on within a second or so.
 */
export class SurveyVariants {
  private readonly clock: TClock;

  constructor(
    private readonly prisma: TPrisma,
    private readonly i18n: TI18n,
    clock?: TClock,
  ) {
    this.clock = clock ?? systemClock;
  }

  async get(actor: TActor, organisationSlug: string): Promise<TVariantView> {
    const organisation = await this.organisation(this.prisma, actor, organisationSlug);
    return this.view(this.prisma, organisation, await this.draft(this.prisma, organisation));
  }

  async saveDraft(actor: TActor, organisationSlug: string, input: TDraftSave): Promise<TVariantView> {
    const { version, questions } = ZDraftSave.parse(input);
    return this.prisma.$transaction(async (tx) => {
      const organisation = await this.organisation(tx, actor, organisationSlug);
      const draft = await this.draft(tx, organisation);
      if (draft.version !== version) {
        throw new StaleVersionError(`The draft was saved by ${draft.updatedBy} meanwhile; it is now at version ${draft.version}.`, await this.view(tx, organisation, draft));
      }
      const core = await this.core(tx);
      this.checkStructure(organisation.slug, core, questions);
      const saved = await this.storeDraft(tx, actor, organisation, draft, questions);
      return this.view(tx, organisation, saved);
    });
  }

  /** Publishes the draft as the variant's next version; nothing changes when it equals the newest one. */
  async publish(actor: TActor, organisationSlug: string, input: z.input<typeof ZPublish>): Promise<TVariantView & { publishedVersion: number }> {
    const { version } = ZPublish.parse(input);
    return this.prisma.$transaction(async (tx) => {
      const organisation = await this.organisation(tx, actor, organisationSlug);
      const draft = await this.draft(tx, organisation);
      if (draft.version !== version) {
        throw new StaleVersionError(`The draft was saved by ${draft.updatedBy} meanwhile; it is now at version ${draft.version}.`, await this.view(tx, organisation, draft));
      }
      const core = await this.core(tx);
      const resolved = this.publishable(organisation.slug, draft.surveyId, core, draft.questions, 1);
      const newest = await tx.surveyVersion.findFirst({ where: { surveyId: draft.surveyId }, orderBy: { version: 'desc' }, select: { version: true, definition: true } });
      if (newest && sameQuestions(ZSurvey.parse(JSON.parse(newest.definition)), resolved)) {
        return { ...(await this.view(tx, organisation, draft)), publishedVersion: newest.version };
      }
      const next = (newest?.version ?? 0) + 1;
      const definition: TSurvey = { ...resolved, version: next };
      const at = this.clock();
      await tx.survey.upsert({ where: { id: draft.surveyId }, create: { id: draft.surveyId, organisationId: organisation.id }, update: {} });
      await tx.surveyVersion.create({
        data: { surveyId: draft.surveyId, version: next, contentHash: surveyHash(definition), definition: JSON.stringify(definition), createdAt: at },
      });
      await raiseSettingsVersion(tx, SURVEY_SETTINGS, at);
      await writeAudit(tx, actor, 'survey.publish', { organisationId: organisation.id, subjectType: 'survey', subjectId: draft.surveyId, details: { version: next }, at });
      return { ...(await this.view(tx, organisation, draft)), publishedVersion: next };
    });
  }

  /** A published version's own questions, for viewing (versions are never edited). */
  async publishedVersion(actor: TActor, organisationSlug: string, version: number): Promise<TVariantFile> {
    const organisation = await this.organisation(this.prisma, actor, organisationSlug);
    const draft = await this.draft(this.prisma, organisation);
    const row = await this.prisma.surveyVersion.findUnique({ where: { surveyId_version: { surveyId: draft.surveyId, version } }, select: { definition: true } });
    if (!row) throw new AppError('not-found', 'not_found', `${organisation.slug} has no published version ${version}.`);
    return this.ownPart(ZSurvey.parse(JSON.parse(row.definition)));
  }

  /** The variant as a file: the newest published version, or the draft (checked as for publishing) when asked. */
  async exportFile(actor: TActor, organisationSlug: string, fromDraft: boolean): Promise<TVariantFile> {
    const organisation = await this.organisation(this.prisma, actor, organisationSlug);
    const draft = await this.draft(this.prisma, organisation);
    if (fromDraft) return this.ownPart(this.publishable(organisation.slug, draft.surveyId, await this.core(this.prisma), draft.questions, draft.version));
    const newest = await this.prisma.surveyVersion.findFirst({ where: { surveyId: draft.surveyId }, orderBy: { version: 'desc' }, select: { definition: true } });
    if (!newest) throw new AppError('not-found', 'not_published', `${organisation.slug} has published no variant yet; export the draft instead.`);
    return this.ownPart(ZSurvey.parse(JSON.parse(newest.definition)));
  }

  /**
   * Makes another organisation's file (or an earlier export) the draft, checked as strictly as publishing: its own
   * questions only, with every text, on the shared core unchanged. It is published like any draft.
   */
  async importFile(actor: TActor, organisationSlug: string, draftVersion: number, file: unknown): Promise<TVariantView> {
    const parsed = ZVariantFile.safeParse(file);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = ['survey', ...issue.path.map(String)].join('.');
      throw new AppError('invalid', 'invalid_survey_file', `${field}: ${issue.message}`, field);
    }
    const questions = parsed.data.questions.map((question, index) => {
      if (question.core === true) {
        throw new AppError('invalid', 'changes_core', `survey.questions.${index}.core: the core is shared and cannot come from a file`, `survey.questions.${index}.core`);
      }
      const { core: _core, textKey: _textKey, ...rest } = question;
      const draft = ZDraftQuestion.safeParse(rest);
      if (!draft.success) {
        const issue = draft.error.issues[0]!;
        const field = ['survey', 'questions', index, ...issue.path].map(String).join('.');
        throw new AppError('invalid', 'invalid_survey_file', `${field}: ${issue.message}`, field);
      }
      return draft.data;
    });
    return this.prisma.$transaction(async (tx) => {
      const organisation = await this.organisation(tx, actor, organisationSlug);
      const draft = await this.draft(tx, organisation);
      if (draft.version !== draftVersion) {
        throw new StaleVersionError(`The draft was saved by ${draft.updatedBy} meanwhile; it is now at version ${draft.version}.`, await this.view(tx, organisation, draft));
      }
      const core = await this.core(tx);
      const clash = questions.findIndex((question) => core.questions.some((coreQuestion) => coreQuestion.key === question.key));
      if (clash >= 0) {
        throw new AppError('invalid', 'changes_core', `survey.questions.${clash}.key: "${questions[clash]!.key}" is a core question; the core is shared and cannot be changed`, `survey.questions.${clash}.key`);
      }
      this.publishable(organisation.slug, draft.surveyId, core, questions, 1, 'survey.');
      const saved = await this.storeDraft(tx, actor, organisation, draft, questions, 'survey.import');
      return this.view(tx, organisation, saved);
    });
  }

  /** Whether the admin may preview this organisation's draft, and its structure lets it run; the organisation's slug. */
  async checkPreview(actor: TActor, organisationSlug: string): Promise<string> {
    const organisation = await this.organisation(this.prisma, actor, organisationSlug);
    await this.draftSurvey(organisation.id);
    return organisation.slug;
  }

  /**
   * The draft as a survey of its own, for the preview: never registered, never answered into the figures. Texts still
   * empty read as the question's key, so a half-written draft can be tried.
   */
  async draftSurvey(organisationId: string): Promise<TSurvey> {
    const organisation = await this.prisma.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: ORGANISATION_SELECT });
    const draft = await this.draft(this.prisma, organisation);
    const core = await this.core(this.prisma);
    const filled = draft.questions.map((question) => fillTexts(question, question.key));
    return resolveOrRefuse(() => resolveVariant(this.definitionOf(organisation.slug, draft.surveyId, core, filled, draft.version), core, 'preview'));
  }

  // ---------------------------------------------------------------------------------------------------------------

  private organisation(db: TDb, actor: TActor, slug: string) {
    return manageableOrganisation(actor, slug, (wanted) => db.organisation.findUnique({ where: { slug: wanted }, select: ORGANISATION_SELECT }));
  }

  /** The newest version of the shared core. */
  private async core(db: TDb): Promise<TSurvey> {
    const row = await db.surveyVersion.findFirst({ where: { surveyId: SHARED_SURVEY }, orderBy: { version: 'desc' }, select: { definition: true } });
    if (!row) throw new Error(`the shared survey "${SHARED_SURVEY}" is not registered`);
    return ZSurvey.parse(JSON.parse(row.definition));
  }

  /**
   * The organisation's draft; the first time, made from its newest published variant, or else from the shared
   * survey's own questions beyond the core (the open question): a first variant keeps the residents' own words
   * unless the organisation removes the question itself.
   */
  private async draft(db: TDb, organisation: { id: string; slug: string }) {
    const row = await db.surveyDraft.findUnique({ where: { organisationId: organisation.id } });
    if (row) return { ...row, questions: z.array(ZDraftQuestion).parse(JSON.parse(row.questions)) };
    const existing = await this.existingVariant(db, organisation.id);
    const surveyId = existing?.id ?? (await this.freeSurveyId(db, organisation.slug));
    const startingPoint = existing?.survey ?? (await this.core(db));
    const questions = startingPoint.questions.filter((question) => !question.core).map((question) => this.draftOfPublished(question));
    return { id: '', surveyId, organisationId: organisation.id, questions, version: 1, updatedAt: new Date(0), updatedBy: '' };
  }

  private async storeDraft(
    db: TDb,
    actor: TActor,
    organisation: { id: string },
    draft: { id: string; surveyId: string; version: number },
    questions: TDraftQuestion[],
    action = 'survey.draft',
  ) {
    const at = this.clock();
    const data = { questions: JSON.stringify(questions), updatedAt: at, updatedBy: actor.name };
    const saved = draft.id
      ? await db.surveyDraft.update({ where: { id: draft.id }, data: { ...data, version: { increment: 1 } } })
      : await db.surveyDraft.create({ data: { ...data, surveyId: draft.surveyId, organisationId: organisation.id, version: 2 } });
    await writeAudit(db, actor, action, { organisationId: organisation.id, subjectType: 'survey', subjectId: draft.surveyId, details: { questions: questions.length }, at });
    return { ...saved, questions };
  }

  /** The organisation's published variant (a survey of its own that extends another), newest version. */
  private async existingVariant(db: TDb, organisationId: string): Promise<{ id: string; survey: TSurvey } | undefined> {
    const surveys = await db.survey.findMany({
      where: { organisationId },
      select: { id: true, versions: { orderBy: { version: 'desc' }, take: 1, select: { definition: true } } },
    });
    for (const survey of surveys) {
      const definition = survey.versions[0] ? ZSurvey.parse(JSON.parse(survey.versions[0].definition)) : undefined;
      if (definition?.extends) return { id: survey.id, survey: definition };
    }
    return undefined;
  }

  private async freeSurveyId(db: TDb, slug: string): Promise<string> {
    const taken = await db.survey.findUnique({ where: { id: slug }, select: { id: true } });
    return taken ? `${slug}-variant` : slug;
  }

  /** A question of a published variant as the editor holds it: texts from `locales/` where the file named them. */
  private draftOfPublished(question: TQuestion): TDraftQuestion {
    const text = (key: string): TDraftText => Object.fromEntries(LANGUAGES.map((language) => [language, this.coreText(language, key)])) as TDraftText;
    return draftQuestionOf({
      ...question,
      text: question.text ?? text(question.textKey ?? ''),
      ...(question.type === 'choice'
        ? { optionLabels: Object.fromEntries(question.options.map((option) => [option, question.optionLabels?.[option] ?? text(`options.${option}`)])) }
        : {}),
    });
  }

  private coreText(language: TLanguage, key: string): string {
    return this.i18n.translatorFor(language, SURVEY_NAMESPACE)(key);
  }

  /** The structure (keys, types, conditions, options) as publishing will check it, texts aside. */
  private checkStructure(organisation: string, core: TSurvey, questions: readonly TDraftQuestion[]): void {
    const filled = questions.map((question) => fillTexts(question, '…'));
    resolveOrRefuse(() => resolveVariant(this.definitionOf(organisation, 'draft', core, filled, 1), core, 'draft'));
  }

  /** The resolved survey a draft publishes as; refused (400, naming the field and the rule) while any check is an error. */
  private publishable(organisation: string, surveyId: string, core: TSurvey, questions: readonly TDraftQuestion[], version: number, prefix = ''): TSurvey {
    const error = textChecksOf(questions).find((check) => check.severity === 'error');
    if (error) throw new AppError('invalid', 'not_publishable', `${prefix}${error.field}: ${error.message} (${error.rule})`, `${prefix}${error.field}`);
    return resolveOrRefuse(() => resolveVariant(this.definitionOf(organisation, surveyId, core, questions, version), core, 'draft'), prefix);
  }

  private definitionOf(organisation: string, surveyId: string, core: TSurvey, questions: readonly TDraftQuestion[], version: number): TSurveyDefinition {
    const definition = { id: surveyId, version, organisation, extends: core.id, questions: questions.map(ownQuestionOf) };
    return parseDefinition(JSON.stringify(definition), 'draft');
  }

  /** The variant's own part, as a file: what `surveys/*.json` holds for a variant, own texts inside. */
  private ownPart(survey: TSurvey): TVariantFile {
    return { ...survey, questions: survey.questions.filter((question) => !question.core) };
  }

  private async view(db: TDb, organisation: { id: string; slug: string }, draft: Awaited<ReturnType<SurveyVariants['draft']>>): Promise<TVariantView> {
    const core = await this.core(db);
    const coreVersions = await db.surveyVersion.findMany({ where: { surveyId: core.id }, select: { version: true, definition: true } });
    const corePrefixes = coreVersions.map((row) => ({ version: row.version, core: canonicalJson(ZSurvey.parse(JSON.parse(row.definition)).questions.filter((q) => q.core)) }));
    const coreVersionOf = (survey: TSurvey) => corePrefixes.find((candidate) => candidate.core === canonicalJson(survey.questions.filter((q) => q.core)))?.version ?? null;
    const published = await db.surveyVersion.findMany({ where: { surveyId: draft.surveyId }, orderBy: { version: 'desc' }, select: { version: true, definition: true, createdAt: true } });
    const versions = published.map((row) => ({ version: row.version, coreVersion: coreVersionOf(ZSurvey.parse(JSON.parse(row.definition))), publishedAt: row.createdAt.toISOString() }));
    const checks = textChecksOf(draft.questions);
    let structureError: string | undefined;
    try {
      this.checkStructure(organisation.slug, core, draft.questions);
    } catch (error) {
      structureError = error instanceof Error ? error.message : String(error);
    }
    return {
      organisation: organisation.slug,
      survey: draft.surveyId,
      core: {
        survey: core.id,
        version: core.version,
        questions: core.questions
          .filter((question) => question.core)
          .map((question) => ({
            key: question.key,
            type: question.type,
            measures: question.measures ?? null,
            text: question.text ?? (Object.fromEntries(LANGUAGES.map((language) => [language, this.coreText(language, question.textKey ?? '')])) as TSurveyText),
          })),
      },
      draft: {
        version: draft.version,
        questions: draft.questions,
        updatedAt: draft.updatedAt.toISOString(),
        updatedBy: draft.updatedBy,
        checks,
        publishable: structureError === undefined && !checks.some((check) => check.severity === 'error'),
      },
      published: versions,
      newerCoreAvailable: versions[0] !== undefined && versions[0].coreVersion !== core.version,
    };
  }
}

/** A variant file: `surveys/*.json`'s shape, its own questions with their texts inside. */
const ZVariantFile = z.object({
  id: z.string().optional(),
  version: z.number().int().optional(),
  organisation: z.string().optional(),
  extends: z.literal(SHARED_SURVEY, { error: `must be "${SHARED_SURVEY}": a variant extends the shared core` }),
  questions: z.array(z.looseObject({ core: z.boolean().optional() })).max(40),
});

/** The plain-language checks of every own text: the questions' and the options'. */
export function textChecksOf(questions: readonly TDraftQuestion[]): TTextCheck[] {
  return questions.flatMap((question, index) => [
    ...checkText(question.text, `questions[${index}].text`, 'question'),
    ...(question.type === 'choice' ? (question.options ?? []).flatMap((option) => checkText(question.optionLabels?.[option], `questions[${index}].optionLabels.${option}`, 'label')) : []),
  ]);
}

/** A question as a survey definition writes it: its own text, its type's fields only. */
function ownQuestionOf(question: TDraftQuestion): unknown {
  return {
    key: question.key,
    type: question.type,
    core: false,
    text: question.text,
    allowDontKnow: question.allowDontKnow,
    ...(question.measures ? { measures: question.measures } : {}),
    ...(question.showIf ? { showIf: question.showIf } : {}),
    ...(question.type === 'scale5' ? { scale: question.scale ?? 'agreement' } : {}),
    ...(question.type === 'choice' ? { options: question.options ?? [], optionLabels: question.optionLabels ?? {} } : {}),
  };
}

function draftQuestionOf(question: Record<string, unknown>): TDraftQuestion {
  const { core: _core, textKey: _textKey, ...rest } = question;
  return ZDraftQuestion.parse(rest);
}

/** Every empty text filled, so the structure can be checked (or previewed) before the texts are written. */
function fillTexts(question: TDraftQuestion, filler: string): TDraftQuestion {
  const fill = (text: TDraftText | undefined): TDraftText =>
    Object.fromEntries(LANGUAGES.map((language) => [language, text?.[language]?.trim() ? text[language] : filler])) as TDraftText;
  return {
    ...question,
    text: fill(question.text),
    ...(question.type === 'choice' ? { optionLabels: Object.fromEntries((question.options ?? []).map((option) => [option, fill(question.optionLabels?.[option])])) } : {}),
  };
}

/** A survey definition error as a 400 naming the field (`questions[2].showIf.question`) and the rule it broke. */
function resolveOrRefuse<T>(work: () => T, prefix = ''): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof SurveyDefinitionError)) throw error;
    // The draft holds only the own questions: its paths are the editor's.
    const field = `${prefix}${error.path}`;
    throw new AppError('invalid', 'invalid_question', `${field}: ${error.reason.replace(/\s+/g, ' ')}`, field);
  }
}

function sameQuestions(a: TSurvey, b: TSurvey): boolean {
  return canonicalJson({ ...a, version: 0 }) === canonicalJson({ ...b, version: 0 });
}
