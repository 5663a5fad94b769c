import { systemClock, type TClock } from '../kernel/clock';
import { randomUUID } from 'node:crypto';
import { TurnContext, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { TDatabase, TPrisma } from '../db/client';
import type { TSql } from '../db/sql';
import { decryptJson, encryptJson } from '../privacy/crypto';
import { turnKeysOfContext } from '../dialogs/turnKeys';
import { aadObjectKeyOf, residentKeyOf } from '../privacy/residentKeys';

/** What a proactive message needs back; read from the decrypted column and checked like any JSON read back. */
const ZStoredReference = z.looseObject({
  channelId: z.string().min(1),
  serviceUrl: z.string().min(1),
  conversation: z.looseObject({ id: z.string().min(1) }),
  user: z.looseObject({ id: z.string().min(1) }).optional(),
  bot: z.looseObject({ id: z.string() }).optional(),
  locale: z.string().optional(),
});

/** How long a remembered reference is not written again when nothing in it changed (a write saved per turn). */
const REMEMBER_AGAIN_AFTER_MS = 10 * 60_000;
const REMEMBERED_MAX = 10_000;

/**
 * Conversation references for proactive messages (follow-ups in Teams): encrypted at rest with
 * ENCRYPTION_KEY, found by the keyed hash of the channel user id or of the Teams AAD object id.
 */
export class ConversationReferenceStore {
  /** Per-process memory of what was written lately; only an optimisation, the database is the truth. */
  private readonly remembered = new Map<string, { fingerprint: string; at: number }>();

  private readonly prisma: TPrisma;
  private readonly sql: TSql;

  constructor(
    database: Pick<TDatabase, 'prisma' | 'sql'>,
    private readonly hashSecret: string,
    private readonly encryptionKey: string,
    private readonly clock: TClock = systemClock,
  ) {
    this.prisma = database.prisma;
    this.sql = database.sql;
  }

  /** Stores (or refreshes) the reference of the resident who sent this turn. */
  async rememberTurn(context: TurnContext): Promise<void> {
    const { activity } = context;
    const reference = TurnContext.getConversationReference(activity);
    const channel = reference.channelId;
    if (!channel || !reference.user?.id || !reference.conversation?.id || !reference.serviceUrl) return;
    // The turn's own keys: hashed once per turn, shared with the survey session.
    const { residentKey } = turnKeysOfContext(this.hashSecret, context);
    const aadObjectId = typeof activity.from?.aadObjectId === 'string' ? activity.from.aadObjectId : undefined;
    const aadObjectKey = aadObjectId ? aadObjectKeyOf(this.hashSecret, aadObjectId) : null;
    const memoryKey = `${channel}:${residentKey}`;
    const fingerprint = `${reference.serviceUrl}|${reference.conversation.id}|${aadObjectKey ?? ''}|${reference.locale ?? ''}`;
    const now = this.clock().getTime();
    const last = this.remembered.get(memoryKey);
    if (last && last.fingerprint === fingerprint && now - last.at < REMEMBER_AGAIN_AFTER_MS) return;

    // The activity id would point proactive messages at an old message as a reply; a fresh message is wanted.
    const { activityId: _activityId, ...stored } = reference;
    const encryptedReference = encryptJson(this.encryptionKey, stored);
    // Written at the start of every conversation: plain SQL rather than a Prisma upsert (src/db/sql.ts).
    await this.sql.execute(
      `INSERT INTO "ConversationReference" ("id", "channel", "residentKey", "aadObjectKey", "encryptedReference", "updatedAt")
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT ("channel", "residentKey") DO UPDATE SET "encryptedReference" = excluded."encryptedReference",
         "aadObjectKey" = COALESCE(excluded."aadObjectKey", "ConversationReference"."aadObjectKey"), "updatedAt" = excluded."updatedAt"`,
      [randomUUID(), channel, residentKey, aadObjectKey, encryptedReference, this.clock()],
    );
    this.remembered.delete(memoryKey);
    this.remembered.set(memoryKey, { fingerprint, at: now });
    if (this.remembered.size > REMEMBERED_MAX) this.remembered.delete(this.remembered.keys().next().value!);
  }

  /** The reference for a resident named by their channel user id (Teams `29:…`) or their AAD object id. */
  async findByUserId(channel: string, userId: string): Promise<Partial<ConversationReference> | null> {
    const byUser = await this.findByResidentKey(channel, residentKeyOf(this.hashSecret, channel, userId));
    if (byUser) return byUser;
    const row = await this.prisma.conversationReference.findFirst({
      where: { channel, aadObjectKey: aadObjectKeyOf(this.hashSecret, userId) },
      orderBy: { updatedAt: 'desc' },
      select: { encryptedReference: true },
    });
    return row ? this.decrypt(row.encryptedReference) : null;
  }

  async findByResidentKey(channel: string, residentKey: string): Promise<Partial<ConversationReference> | null> {
    const row = await this.prisma.conversationReference.findUnique({
      where: { channel_residentKey: { channel, residentKey } },
      select: { encryptedReference: true },
    });
    return row ? this.decrypt(row.encryptedReference) : null;
  }

  private decrypt(encrypted: string): Partial<ConversationReference> {
    // Checked for what a proactive turn needs; the rest is the reference as botbuilder wrote it.
    return ZStoredReference.parse(decryptJson(this.encryptionKey, encrypted)) as unknown as Partial<ConversationReference>;
  }
}
