/**
 * What a service may refuse, whatever the caller: the HTTP layer turns the kind into a status, the CLI into a line
 * for the operator. A stable code, an English message and, for bad input, the field it concerns.
 */
export const REFUSAL_KINDS = ['invalid', 'unauthorized', 'forbidden', 'not-found', 'conflict', 'unreachable', 'failed'] as const;
export type TRefusalKind = (typeof REFUSAL_KINDS)[number];

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: TRefusalKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
