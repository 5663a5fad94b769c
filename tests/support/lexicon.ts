import { buildLexicon } from '../../src/dialogs/recognizers';

/** The recogniser data of the project's own locales, built once for the tests that read answers directly. */
export const lexicon = buildLexicon();
