import { z } from 'zod';
import { AppError, StaleVersionError } from '../kernel/errors';

/** RFC 9457's media type: every error this service answers with, outside the chat protocols. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** A problem type is named by its code; a URN, since no document lives at a fixed address for every install. */
export const PROBLEM_TYPE_PREFIX = 'urn:meethuis-chat:problem:';

/** The error body (RFC 9457), with the stable `code` and, for bad input, the `field` it concerns. */
export const ZProblem = z
  .object({
    type: z.string().regex(new RegExp(`^${PROBLEM_TYPE_PREFIX}[a-z0-9_]+$`)).describe('Identifies the kind of problem; ends in `code`.'),
    title: z.string().describe('A short summary of the kind of problem, the same for every occurrence.'),
    status: z.number().int().min(400).max(599).describe('The HTTP status of this answer.'),
    detail: z.string().describe('What went wrong this time, in English.'),
    code: z
      .string()
      .regex(/^[a-z0-9_]+$/)
      .describe('A stable, machine-readable code, such as `invalid_request` or `rate_limited`.'),
    field: z.string().optional().describe('For bad input: the path of the field (`target.userId`), parameter or header concerned.'),
    current: z.unknown().optional().describe('For a save on a version that is no longer current (409 `stale_version`): the record as it is now.'),
  })
  .meta({
    description: 'An error, as RFC 9457 problem details.',
    examples: [
      {
        type: `${PROBLEM_TYPE_PREFIX}invalid_request`,
        title: 'Invalid request',
        status: 400,
        detail: 'limit: Too big: expected number to be <=100',
        code: 'invalid_request',
        field: 'limit',
      },
    ],
  });
export type TProblem = z.infer<typeof ZProblem>;

/** `no_conversation` → `No conversation`: the title stays the same for every occurrence of the code. */
function titleOf(code: string): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The problem body; `status` differs from the kind's only for restify's own rarer answers (406 and the like). */
export function problemOf(error: AppError, status: number = error.status): TProblem {
  return {
    type: `${PROBLEM_TYPE_PREFIX}${error.code}`,
    title: titleOf(error.code),
    status,
    detail: error.message,
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
    ...(error instanceof StaleVersionError ? { current: error.current } : {}),
  };
}

/** The error body of the chat protocols (Direct Line, Bot Framework), which keep their own shape. */
export function protocolErrorOf(error: AppError) {
  return { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
}

/** Headers a refusal carries: how to authenticate, when to try again. */
export function problemHeaders(error: AppError): Record<string, string> {
  return {
    ...(error.kind === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer' } : {}),
    ...(error.retryAfterSeconds !== undefined ? { 'Retry-After': String(error.retryAfterSeconds) } : {}),
  };
}

/** Whatever was thrown, as a refusal: our own as they are, anything else as an internal error that says nothing. */
export function appErrorOf(thrown: unknown): AppError {
  if (thrown instanceof AppError) return thrown;
  return new AppError('internal', 'internal_error', 'Something went wrong on our side.');
}

/** `idempotency-key` → `Idempotency-Key`: a header as it is documented, whatever case the client sent. */
export function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** The first problem zod found, as a 400 naming the field by its path (`target.userId`) or the header. */
export function validationError(error: z.ZodError, where: 'body' | 'query' | 'params' | 'headers' = 'body'): AppError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  const field = where === 'headers' ? headerName(path) : path;
  return new AppError('invalid', 'invalid_request', `${field || where}: ${issue.message}`, field || undefined);
}

/** Parses input at an HTTP boundary; failure becomes a 400 that names the field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: 'body' | 'query' | 'params' | 'headers' = 'body'): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, where);
  return parsed.data;
}
