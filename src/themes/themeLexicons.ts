import { z } from 'zod';
import type { TDb, TPrisma } from '../db/client';
import type { TLanguage } from '../i18n/languages';
import { writeAudit, type TActor } from '../kernel/audit';
import { systemClock, type TClock } from '../kernel/clock';
import { AppError, StaleVersionError } from '../kernel/errors';
import { manageableOrganisation } from '../organisations/access';
import { raiseSettingsVersion, SettingsWatch } from '../organisations/settingsVersion';
import { mergeLexicon, ownThemeIssues, readSharedLexicon, ZOwnThemes, type TOwnThemes, type TThemeDefinition, type TThemeLabels } from './lexicon';
import { ThemeTagger } from './tagger';
import type { TThemeTaggers } from './taggers';

/** The counter raised by every change to an organisation's theme lexicon. */
export const THEME_SETTINGS = 'themes';

/** One theme as an admin sees it: the shared terms apart from the organisation's own. */
export interface TThemeView {
  key: string;
  labels: TThemeLabels;
  own: boolean;
  sharedTerms: Record<TLanguage, string[]>;
  ownTerms: Record<TLanguage, string[]>;
}

export interface TLexiconView {
  organisation: string;
  /** 0 until the organisation saved additions; a save names the version it was based on. */
  version: number;
  themes: TThemeView[];
}

export const ZLexiconSave = z.strictObject({
  version: z.number().int().min(0),
  themes: ZOwnThemes,
});

const NO_TERMS = { nl: [], pap: [], en: [] };
const ORGANISATION_SELECT = { id: true, slug: true } as const;

/**
 * The shared theme lexicon and every organisation's additions. Taggers are cached per organisation and dropped when
 * any replica saves a lexicon (the settings counter), so an answer is tagged with the words saved a moment ago.
 */
export class ThemeLexicons implements TThemeTaggers {
  readonly shared: readonly TThemeDefinition[];
  private readonly taggers = new Map<string, Promise<ThemeTagger>>();
  private readonly watch: SettingsWatch;

  constructor(
    private readonly prisma: TPrisma,
    options: { localesDir?: string; clock?: TClock } = {},
  ) {
    this.shared = readSharedLexicon(options.localesDir);
    this.clock = options.clock ?? systemClock;
    this.watch = new SettingsWatch(prisma, THEME_SETTINGS, 1_000, this.clock);
  }

  private readonly clock: TClock;

  /** The organisation's lexicon as the tagger uses it: shared themes with its terms added, then its own themes. */
  async taggerFor(organisationId: string): Promise<ThemeTagger> {
    if (await this.watch.changed()) this.taggers.clear();
    let tagger = this.taggers.get(organisationId);
    if (!tagger) {
      tagger = this.ownThemes(this.prisma, organisationId).then(({ themes }) => new ThemeTagger(mergeLexicon(this.shared, themes)));
      // A failed read is not remembered: the next answer tries again.
      tagger.catch(() => this.taggers.delete(organisationId));
      this.taggers.set(organisationId, tagger);
    }
    return tagger;
  }

  async view(actor: TActor, organisationSlug: string): Promise<TLexiconView> {
    const organisation = await this.organisation(this.prisma, actor, organisationSlug);
    return this.viewOf(organisation, await this.ownThemes(this.prisma, organisation.id));
  }

  /** Saves an organisation's additions, based on the version the admin read; an older base is refused (409). */
  async save(actor: TActor, organisationSlug: string, input: z.input<typeof ZLexiconSave>): Promise<TLexiconView> {
    const { version, themes } = ZLexiconSave.parse(input);
    const [issue] = ownThemeIssues(this.shared, themes);
    if (issue) {
      const field = ['themes', ...issue.path].join('.');
      throw new AppError('invalid', 'invalid_request', `${field}: ${issue.message}`, field);
    }
    return this.prisma.$transaction(async (tx) => {
      const organisation = await this.organisation(tx, actor, organisationSlug);
      const current = await this.ownThemes(tx, organisation.id);
      if (current.version !== version) {
        throw new StaleVersionError(`The theme lexicon was saved meanwhile; it is now at version ${current.version}.`, this.viewOf(organisation, current));
      }
      const at = this.clock();
      const next = version + 1;
      const document = JSON.stringify(themes);
      await tx.themeLexicon.upsert({
        where: { organisationId: organisation.id },
        create: { organisationId: organisation.id, themes: document, version: next, updatedAt: at, updatedBy: actor.name },
        update: { themes: document, version: next, updatedAt: at, updatedBy: actor.name },
      });
      await raiseSettingsVersion(tx, THEME_SETTINGS, at);
      await writeAudit(tx, actor, 'themes.update', { organisationId: organisation.id, subjectType: 'organisation', subjectId: organisation.id, details: { version: next, themes: Object.keys(themes).length }, at });
      return this.viewOf(organisation, { version: next, themes });
    });
  }

  /** Labels of every theme an organisation's answers can carry (shared and own), for reports. */
  async labelsOf(organisationIds: readonly string[] | null): Promise<Array<{ key: string; labels: TThemeLabels; own: boolean }>> {
    const rows = await this.prisma.themeLexicon.findMany({ where: organisationIds ? { organisationId: { in: [...organisationIds] } } : {}, select: { themes: true } });
    const themes: Array<{ key: string; labels: TThemeLabels; own: boolean }> = this.shared.map(({ key, labels }) => ({ key, labels, own: false }));
    for (const row of rows) {
      for (const [key, theme] of Object.entries(ZOwnThemes.parse(JSON.parse(row.themes)))) {
        if (theme.labels && !themes.some((known) => known.key === key)) themes.push({ key, labels: theme.labels, own: true });
      }
    }
    return themes;
  }

  /** The organisation an admin names, by slug, if they may manage it (a 403 or 404 otherwise). */
  organisation(db: TDb, actor: TActor, slug: string): Promise<{ id: string; slug: string }> {
    return manageableOrganisation(actor, slug, (wanted) => db.organisation.findUnique({ where: { slug: wanted }, select: ORGANISATION_SELECT }));
  }

  private async ownThemes(db: TDb, organisationId: string): Promise<{ version: number; themes: TOwnThemes }> {
    const row = await db.themeLexicon.findUnique({ where: { organisationId }, select: { themes: true, version: true } });
    if (!row) return { version: 0, themes: {} };
    const parsed = ZOwnThemes.safeParse(JSON.parse(row.themes));
    if (!parsed.success) throw new AppError('internal', 'internal', `the stored theme lexicon of organisation ${organisationId} is malformed`);
    return { version: row.version, themes: parsed.data };
  }

  private viewOf(organisation: { slug: string }, { version, themes }: { version: number; themes: TOwnThemes }): TLexiconView {
    return {
      organisation: organisation.slug,
      version,
      themes: mergeLexicon(this.shared, themes).map((theme) => ({
        key: theme.key,
        labels: theme.labels,
        own: theme.own,
        sharedTerms: theme.own ? NO_TERMS : (this.shared.find((shared) => shared.key === theme.key)?.terms ?? NO_TERMS),
        ownTerms: themes[theme.key]?.terms ?? NO_TERMS,
      })),
    };
  }
}
