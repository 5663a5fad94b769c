import { buildPages } from '../../scripts/pages.mjs';

/** vitest globalSetup: the pages' scripts as `npm install` and `npm start` build them. */
export default async function setup(): Promise<void> {
  await buildPages();
}
