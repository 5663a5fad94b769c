import { AppError } from '../kernel/errors';
import { z } from 'zod';
import { LANGUAGES, type TLanguage } from '../i18n/languages';

/** The follow-up statuses (README, "Follow-ups for contact-centre staff"); the one list the API, the worker and the staff page use. */
export const FOLLOW_UP_STATUSES = ['queued', 'deferred', 'sent', 'started', 'completed', 'failed', 'expired', 'skipped'] as const;
export type TFollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** Statuses still waiting for the worker to send the proactive message. */
export const WAITING_STATUSES = ['queued', 'deferred'] as const satisfies readonly TFollowUpStatus[];

/**
 * Statuses that count as "recently asked" for survey fatigue: everything that reached, or is about to reach,
 * the resident. `skipped`, `failed` and `expired` did not bother anyone.
 */
export const FATIGUE_STATUSES = ['queued', 'deferred', 'sent', 'started', 'completed'] as const satisfies readonly TFollowUpStatus[];

/** Targets whose invitation the service sends itself and may remind once: an address or number is kept until then. */
export const INVITATION_TARGETS = ['email', 'sms'] as const;
export type TInvitationTarget = (typeof INVITATION_TARGETS)[number];

/** Why a request was not sent (status `skipped` or `failed`), as a stable code the staff page translates. */
export const FOLLOW_UP_REASONS = ['recently-surveyed', 'opted-out', 'channel-failed'] as const;
export type TFollowUpReason = (typeof FOLLOW_UP_REASONS)[number];

/** How the resident was in contact with the organisation (process data, Meethuis). */
export const CONTACT_CHANNELS = ['telefoon', 'balie', 'website', 'chat', 'email', 'brief'] as const;
export type TContactChannel = (typeof CONTACT_CHANNELS)[number];

/** Chat channels a proactive follow-up can go to (Teams, or a web chat conversation that still has a reference). */
export const TARGET_CHANNELS = ['msteams', 'webchat'] as const;

const ZSlug = z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case name such as paspoort');

export const ZFollowUpTarget = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('conversation'),
    channel: z.enum(TARGET_CHANNELS),
    // Teams ids (`29:…`, AAD GUIDs) are short; the limit keeps junk out of the hash and the logs.
    userId: z.string().trim().min(1).max(200),
  }),
  z.strictObject({ type: z.literal('link') }),
  z.strictObject({
    type: z.literal('email'),
    // RFC 5321's limit; the address is kept only until the invitation (and its reminder) went out.
    address: z.string().trim().max(254).pipe(z.email('must be an e-mail address')),
  }),
  z.strictObject({
    type: z.literal('sms'),
    // As staff type it; read in the organisation's region and kept, in E.164, only until the text message went out.
    phone: z
      .string()
      .trim()
      .min(3)
      .max(40)
      .regex(/^[0-9+()\-.\s/]+$/, 'must be a phone number such as 06 12345678 or +599 700 1234'),
  }),
]);
export type TFollowUpTarget = z.infer<typeof ZFollowUpTarget>;

/** The body of `POST /api/follow-ups`, also what the CLI builds from its options. */
export const ZFollowUpRequest = z.strictObject({
  survey: ZSlug,
  organisation: ZSlug.optional(),
  service: ZSlug,
  contactChannel: z.enum(CONTACT_CHANNELS),
  leadTimeDays: z.number().int().min(0).max(3650).optional(),
  contactCount: z.number().int().min(1).max(1000).optional(),
  language: z.enum(LANGUAGES).optional(),
  target: ZFollowUpTarget,
});
export type TFollowUpRequest = z.infer<typeof ZFollowUpRequest>;

/** Follow-ups sent at once from the contact centre's own list: each with its own idempotency key and result. */
export const MAX_BATCH_ITEMS = 200;
/** The most one item of a batch may take as JSON (a request with the longest address is well under it). */
export const MAX_BATCH_ITEM_BYTES = 1_000;

export const ZFollowUpBatch = z.strictObject({
  items: z
    .array(
      z.strictObject({
        key: z.string().trim().min(1).max(200).describe("This item's idempotency key: the same key again returns the earlier result."),
        // Checked item by item, so that one bad line refuses that line only.
        request: z.unknown().describe('A follow-up request, as POST /follow-ups takes it.'),
      }),
    )
    .min(1)
    .max(MAX_BATCH_ITEMS),
});

/** What happened to one item of a batch. */
export type TBatchResult =
  | { key: string; outcome: 'accepted' | 'replayed'; followUp: TFollowUpView }
  | { key: string; outcome: 'refused'; error: { code: string; field: string | null; detail: string } };

/** A follow-up as staff see it (API, CLI, staff page). `link` only while the one-time link can still be used. */
export interface TFollowUpView {
  id: string;
  status: TFollowUpStatus;
  reason?: string;
  link?: string;
  organisation: string;
  survey: string;
  service: string;
  contactChannel: string;
  leadTimeDays: number | null;
  contactCount: number | null;
  language: TLanguage | null;
  target:
    | { type: 'conversation'; channel: string }
    | { type: 'link'; expiresAt: string | null }
    | { type: 'email' | 'sms'; expiresAt: string | null; reminderAt: string | null; remindedAt: string | null };
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  sentAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

/** A refusal about follow-ups, call-backs or webhooks that the caller can act on. */
export class FollowUpError extends AppError {
  override name = 'FollowUpError';
}

export function isFollowUpStatus(value: string): value is TFollowUpStatus {
  return (FOLLOW_UP_STATUSES as readonly string[]).includes(value);
}
