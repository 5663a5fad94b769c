import { z } from 'zod';
import { DomainError, type TRefusalKind } from '../kernel/errors';

/** An error a caller may see: a stable code, an English message and, for bad input, the field it concerns. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

const STATUS_OF: Record<TRefusalKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unreachable: 422,
  failed: 502,
};

/** The one place a service's refusal becomes an HTTP answer: its kind decides the status, its field stays named. */
export function apiErrorOf(error: DomainError): ApiError {
  const headers: Record<string, string> = error.kind === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer' } : {};
  return new ApiError(STATUS_OF[error.kind], error.code, error.message, error.field, headers);
}

/** The first problem zod found, as a 400 naming the field by its path (`target.userId`). */
export function validationError(error: z.ZodError, where: 'body' | 'query' | 'params' = 'body'): ApiError {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join('.');
  return new ApiError(400, 'invalid_request', `${field || where}: ${issue.message}`, field || undefined);
}

/** Parses input at an HTTP boundary; failure becomes a 400 that names the field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: 'body' | 'query' | 'params' = 'body'): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, where);
  return parsed.data;
}
