import { z } from 'zod';
import { readSharedLexicon } from './lexicon';
import { ThemeTagger } from './tagger';

/** Where a write path gets the tagger of an organisation's lexicon. */
export interface TThemeTaggers {
  taggerFor(organisationId: string): Promise<ThemeTagger>;
}

/** An answer's stored themes: per theme the terms that matched. */
export const ZThemeMatches = z.record(z.string().min(1), z.array(z.string()));

let shared: ThemeTagger | undefined;

/** The shared lexicon alone, for write paths built without the organisations' lexicons (tools, tests). */
export const SHARED_THEME_TAGGERS: TThemeTaggers = {
  async taggerFor() {
    shared ??= new ThemeTagger(readSharedLexicon());
    return shared;
  },
};
