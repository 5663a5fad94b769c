import { z } from 'zod';
import { LANGUAGES } from '../i18n/languages';
import { ZSlug } from '../kernel/slug';

/**
 * What a channel knows about a conversation before the resident says anything: the embed snippet's
 * organisation, service and location, the page's language, or a follow-up link. The channel attaches it
 * server-side to every incoming activity as `channelData.meethuisContext`; a client cannot set it.
 */
export const ZConversationContext = z.object({
  organisation: ZSlug.optional(),
  service: ZSlug.optional(),
  location: z.string().min(1).max(80).optional(),
  /** The language the page was asked for (`?lang`, or the resident chose it there): the resident's own choice. */
  language: z.enum(LANGUAGES).optional(),
  /** The browser's language, a guess: the conversation's locale, which the resident's first message may correct. */
  languageHint: z.enum(LANGUAGES).optional(),
  /** The one-time token of a follow-up link (`/?link=…`). */
  followUpLink: z.string().min(16).max(200).optional(),
  /**
   * Set by the server, never by the page: the keyed hash of the client address the chat was opened from, which the
   * limit on new responses per address counts. Absent where no limit applies (an exempt address, the channel secret).
   */
  addressKey: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /**
   * Set by the server from the page's `linkHolder` (a random secret the browser that first opened a follow-up link
   * keeps): its keyed hash, which lets that browser, and no other, open the link again and continue.
   */
  linkHolderKey: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** Set by the server for an admin's preview of the organisation's draft survey: nothing of it is stored. */
  preview: z.boolean().optional(),
});
export type TConversationContext = z.infer<typeof ZConversationContext>;

/** The context as a page may ask for it: everything but what only the server decides, and the link holder's secret. */
export const ZRequestedContext = ZConversationContext.omit({ addressKey: true, linkHolderKey: true, preview: true }).extend({
  linkHolder: z.string().regex(/^[0-9a-f]{32}$/).optional(),
});

export const CONTEXT_CHANNEL_DATA_KEY = 'meethuisContext';

/** The event a channel raises instead of a resident's message that went over its address's limit. */
export const SLOW_DOWN_EVENT = 'meethuis/slowDown';

/** The context a channel attached to an activity, or an empty one when it is absent or malformed. */
export function conversationContextOf(channelData: unknown): TConversationContext {
  const candidate = (channelData as Record<string, unknown> | undefined)?.[CONTEXT_CHANNEL_DATA_KEY];
  const parsed = ZConversationContext.safeParse(candidate ?? {});
  return parsed.success ? parsed.data : {};
}
