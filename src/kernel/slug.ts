import { z } from 'zod';

/**
 * The name of an organisation, service, place or survey in URLs, embed snippets and files: lower-case letters and
 * digits in dash-separated words, at most 64 characters ("demo", "paspoort", "noord-salina").
 */
export const ZSlug = z
  .string()
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lower-case name such as demo');
