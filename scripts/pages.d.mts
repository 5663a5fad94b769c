/** The pages' build (scripts/pages.mjs), for the test setup. */
export declare const PAGES_OUT_DIR: string;
export declare function buildPages(): Promise<void>;
