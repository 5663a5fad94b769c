import { z } from 'zod';

/**
 * An error as a log line may show it: its class, its code (Prisma's P1001, ETag conflicts …) and where it was
 * thrown. Not the message: Prisma puts the query's arguments there, and those can be what the resident typed.
 * botbuilder-dialogs wraps what a dialog threw in a DialogContextError; the code is the wrapped error's.
 */
export function describeError(error: unknown): { name: string; code?: string; wrappedIn?: string; at: string[] } {
  let inner = error;
  const wrappers: string[] = [];
  while (inner instanceof Error && (inner as { error?: unknown }).error instanceof Error && wrappers.length < 3) {
    wrappers.push(inner.name);
    inner = (inner as { error?: unknown }).error;
  }
  if (!(inner instanceof Error)) return { name: typeof inner, at: [] };
  const code = (inner as { code?: unknown }).code;
  const at = (inner.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
    .map((line) => line.trim());
  return {
    name: inner.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    ...(wrappers.length > 0 ? { wrappedIn: wrappers.join(' > ') } : {}),
    at,
  };
}

const ZDialogStack = z.object({
  dialogState: z.object({ dialogStack: z.array(z.object({ id: z.string() })) }),
});

/** The ids on the dialog stack of a conversation state document, outermost first, for the error log. */
export function dialogStackOf(conversationState: unknown): string[] {
  const parsed = ZDialogStack.safeParse(conversationState);
  return parsed.success ? parsed.data.dialogState.dialogStack.map((instance) => instance.id) : [];
}

/**
 * Thrown out of a turn that failed and could not even tell the resident: the channel logs it and answers its
 * caller. It carries the original error's class and code only, never its message (see describeError).
 */
export class SurveyTurnError extends Error {
  override readonly name = 'SurveyTurnError';
  readonly code: string | undefined;

  constructor(original: unknown) {
    const described = describeError(original);
    super(`survey turn failed (${described.name}${described.code ? ` ${described.code}` : ''}) and the resident could not be told`);
    this.code = described.code;
  }
}
