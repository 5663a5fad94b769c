/**
 * The one table of what may go wrong for a caller, whoever the caller is: the HTTP API answers with the status, the
 * CLI exits with the code (sysexits.h, so scripts can tell bad input from a peer that is down).
 */
export const PROBLEM_KINDS = {
  invalid: { status: 400, exitCode: 65 },
  unauthorized: { status: 401, exitCode: 77 },
  forbidden: { status: 403, exitCode: 77 },
  'not-found': { status: 404, exitCode: 66 },
  'method-not-allowed': { status: 405, exitCode: 64 },
  timeout: { status: 408, exitCode: 75 },
  conflict: { status: 409, exitCode: 65 },
  'too-large': { status: 413, exitCode: 65 },
  'unsupported-media-type': { status: 415, exitCode: 65 },
  unreachable: { status: 422, exitCode: 69 },
  'rate-limited': { status: 429, exitCode: 75 },
  internal: { status: 500, exitCode: 70 },
  failed: { status: 502, exitCode: 69 },
  unavailable: { status: 503, exitCode: 69 },
} as const satisfies Record<string, { status: number; exitCode: number }>;

export type TProblemKind = keyof typeof PROBLEM_KINDS;

/** The kind a bare HTTP status means (restify's own 404 and 405, a peer's status passed on). */
export function problemKindOfStatus(status: number): TProblemKind {
  const kind = (Object.keys(PROBLEM_KINDS) as TProblemKind[]).find((name) => PROBLEM_KINDS[name].status === status);
  return kind ?? (status >= 500 ? 'internal' : 'invalid');
}

/**
 * What a service, a route or the request reader refuses, with a stable code, an English message and, for bad input,
 * the field it concerns. The kind decides how each caller hears it (PROBLEM_KINDS).
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly kind: TProblemKind,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** For `rate-limited` and `unavailable`: when to try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get status(): number {
    return PROBLEM_KINDS[this.kind].status;
  }

  get exitCode(): number {
    return PROBLEM_KINDS[this.kind].exitCode;
  }
}

/** A save based on a version of the record that is no longer current: the answer carries the record as it is now. */
export class StaleVersionError extends AppError {
  override name = 'StaleVersionError';
  constructor(
    message: string,
    readonly current: unknown,
  ) {
    super('conflict', 'stale_version', message, 'version');
  }
}
