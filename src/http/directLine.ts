import { z } from 'zod';
import { ZRequestedContext } from '../dialogs/conversationContext';
import { ZClientActivity, type DirectLineChannel, type TCaller } from '../channels/directline/channel';
import { AppError } from '../kernel/errors';
import { parseInput } from './errors';
import { DEFAULT_ORGANISATION } from '../dialogs/surveyConversation';
import type { PlaceDirectory } from '../places/places';
import { keyedHash } from '../privacy/crypto';
import { clientAddressOf, limitSubjectOf } from './clientAddress';
import type { TRateLimiter } from './rateLimit';
import { DIRECTLINE_PREFIX } from './paths';
import type { Request, Response, THttpServer } from './server';


export interface TDirectLineRouteOptions {
  channel: DirectLineChannel;
  rateLimiter?: TRateLimiter;
  /** Requests per minute per client address on the routes that mint tokens or start conversations. */
  perAddressPerMinute: number;
  /** Messages per minute per client address; over it the resident is asked to wait instead of being answered. */
  messagesPerAddressPerMinute: number;
  /** Requests per minute per conversation on posting activities. */
  perConversationPerMinute: number;
  /** Polls per minute per client address: a budget of their own, since every open chat polls about once a second. */
  pollsPerAddressPerMinute: number;
  /** HASH_SECRET: the conversation carries the client's address only as a keyed hash. */
  hashSecret: string;
  /** RESPONSE_LIMIT_EXEMPT: chats opened from these addresses never have their responses held back. */
  isExemptFromResponseLimit: (address: string) => boolean;
  /** A page's `location` must name one of the organisation's places. */
  places: Pick<PlaceDirectory, 'resolve'>;
}

/** tokens/generate takes the page's context; Web Chat's own fields (`user`, `trustedOrigins`) are ignored. */
const ZGenerateBody = z.object({ context: ZRequestedContext.default({}) }).default({ context: {} });
const ZConversationParams = z.object({ conversationId: z.string().min(1).max(64) });
/** directlinejs sends `watermark=` (empty) before it has one. */
const ZWatermarkQuery = z.object({
  watermark: z
    .union([z.literal(''), z.string().regex(/^\d{1,15}$/, 'must be a number')])
    .optional()
    .transform((value) => (value ? Number(value) : 0)),
});

/**
 * The local Direct Line 3.0 routes, shaped as botframework-directlinejs expects them (polling, no streamUrl).
 * Tokens travel only in the Authorization header, and every answer is `no-store`: a token must not sit in a cache.
 */
export function registerDirectLineRoutes({ route }: THttpServer, options: TDirectLineRouteOptions): void {
  const { channel, rateLimiter } = options;
  const limitAddress = async (req: Request) => rateLimiter?.hit(`directline:${limitSubjectOf(req)}`, options.perAddressPerMinute);
  /** Where the limit on new responses counts this chat, unless the address is exempt (or a server holds the secret). */
  const addressKeyOf = (req: Request): { addressKey?: string } =>
    options.isExemptFromResponseLimit(clientAddressOf(req)) ? {} : { addressKey: keyedHash(options.hashSecret, `address:${limitSubjectOf(req)}`) };
  const caller = (req: Request): Promise<TCaller> => channel.authenticate(req.header('authorization'));
  /** An open channel ignores whatever else a page sends in Authorization, as it always has. */
  const presentsSecret = async (req: Request): Promise<boolean> => {
    try {
      return (await caller(req)).kind === 'secret';
    } catch {
      return false;
    }
  };
  const reply = (res: Response, status: number, body: unknown) => {
    res.header('Cache-Control', 'no-store');
    res.send(status, body);
  };

  route('post', `${DIRECTLINE_PREFIX}/tokens/generate`, async (req, res) => {
    await limitAddress(req);
    const bySecret = channel.isOpen ? await presentsSecret(req) : (await caller(req)).kind === 'secret';
    if (!channel.isOpen && !bySecret) throw new AppError('forbidden', 'forbidden', 'Generating a token needs the Direct Line secret.');
    const { context: { location, linkHolder, ...context } } = parseInput(ZGenerateBody, req.body ?? undefined);
    // Free text from a page is never stored: a location that is no place of the organisation is dropped, and the
    // integrator is told why (the page logs it); the resident simply chats.
    const place = location === undefined ? undefined : await options.places.resolve(context.organisation ?? DEFAULT_ORGANISATION, location);
    const warnings = location !== undefined && place === undefined ? [`context.location: not one of the organisation's places; ignored`] : [];
    // A server with the secret speaks for many residents from one address: counting it would hold them all back.
    const grant = await channel.generateToken({
      ...context,
      ...(place ? { location: place } : {}),
      ...(bySecret ? {} : addressKeyOf(req)),
      // Only its keyed hash travels on: the secret itself is never stored, not even in the token.
      ...(linkHolder && context.followUpLink ? { linkHolderKey: keyedHash(options.hashSecret, `link-holder:${linkHolder}`) } : {}),
    });
    reply(res, 200, warnings.length > 0 ? { ...grant, warnings } : grant);
  });

  route('post', `${DIRECTLINE_PREFIX}/tokens/refresh`, async (req, res) => {
    reply(res, 200, await channel.refreshToken(await caller(req)));
  });

  route('post', `${DIRECTLINE_PREFIX}/conversations`, async (req, res) => {
    await limitAddress(req);
    const grant = await channel.startConversation(await caller(req));
    reply(res, 201, grant);
  });

  route('get', `${DIRECTLINE_PREFIX}/conversations/:conversationId`, async (req, res) => {
    const { conversationId } = parseInput(ZConversationParams, req.params, 'params');
    reply(res, 200, await channel.reconnect(await caller(req), conversationId));
  });

  route('post', `${DIRECTLINE_PREFIX}/conversations/:conversationId/activities`, async (req, res) => {
    const { conversationId } = parseInput(ZConversationParams, req.params, 'params');
    const who = await caller(req);
    await rateLimiter?.hit(`directline-conversation:${conversationId}`, options.perConversationPerMinute);
    const activity = parseInput(ZClientActivity, req.body);
    try {
      await rateLimiter?.hit(`directline-post:${limitSubjectOf(req)}`, options.messagesPerAddressPerMinute);
    } catch (error) {
      if (!(error instanceof AppError && error.kind === 'rate-limited')) throw error;
      reply(res, 200, await channel.slowDown(who, conversationId));
      return;
    }
    reply(res, 200, await channel.postActivity(who, conversationId, activity));
  });

  route('get', `${DIRECTLINE_PREFIX}/conversations/:conversationId/activities`, async (req, res) => {
    const { conversationId } = parseInput(ZConversationParams, req.params, 'params');
    const who = await caller(req);
    await rateLimiter?.hit(`directline-poll:${limitSubjectOf(req)}`, options.pollsPerAddressPerMinute);
    const { watermark } = parseInput(ZWatermarkQuery, req.query ?? {}, 'query');
    const page = await channel.getActivities(who, conversationId, watermark);
    reply(res, 200, { activities: page.activities, watermark: String(page.watermark) });
  });

  route('post', `${DIRECTLINE_PREFIX}/conversations/:conversationId/upload`, async () => {
    // The survey asks for no files, and a file is personal data we would have to scrub and could not.
    throw new AppError('unsupported-media-type', 'attachments_not_supported', 'This chat does not accept files.');
  });
}
