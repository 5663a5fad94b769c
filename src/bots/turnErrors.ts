import { z } from 'zod';

/**
 * An error as a log line may show it: its class, its code (Prisma's P1001, ETag conflicts …) and where it was
 * thrown. Not the message: Prisma puts the query's arguments there, and those can be what the resident typed.
 */
export function describeError(error: unknown): { name: string; code?: string; at: string[] } {
  if (!(error instanceof Error)) return { name: typeof error, at: [] };
  const code = (error as { code?: unknown }).code;
  const at = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
    .map((line) => line.trim());
  return { name: error.name, ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}), at };
}

const ZDialogStack = z.object({
  dialogState: z.object({ dialogStack: z.array(z.object({ id: z.string() })) }),
});

/** The ids on the dialog stack of a conversation state document, outermost first, for the error log. */
export function dialogStackOf(conversationState: unknown): string[] {
  const parsed = ZDialogStack.safeParse(conversationState);
  return parsed.success ? parsed.data.dialogState.dialogStack.map((instance) => instance.id) : [];
}
