import { keyedHash } from './crypto';

/**
 * The keyed hash that stands for a resident on a channel (Response.residentKey, ConversationReference,
 * follow-up targets). The channel id is part of the hashed value: the same id on two channels is two people.
 */
export function residentKeyOf(hashSecret: string, channelId: string, userId: string): string {
  return keyedHash(hashSecret, `${channelId}:${userId}`);
}

/** The keyed hash of a Teams user's Azure AD object id (staff may name a resident by it); GUIDs compare case-blind. */
export function aadObjectKeyOf(hashSecret: string, aadObjectId: string): string {
  return keyedHash(hashSecret, `aad:${aadObjectId.toLowerCase()}`);
}

/** The keyed hashes that stand for the resident and the conversation of a turn; channel ids never leave the turn. */
export interface TTurnKeys {
  residentKey: string;
  conversationKey: string;
}

/**
 * The resident key is the one the channels use for conversation references and follow-up targets
 * (`residentKeyOf`), so a follow-up found by resident key and a response's resident key agree.
 */
export function turnKeysOf(
  hashSecret: string,
  activity: { channelId?: string; from?: { id?: string }; conversation?: { id?: string } },
): TTurnKeys {
  const channel = activity.channelId ?? '';
  return {
    residentKey: residentKeyOf(hashSecret, channel, activity.from?.id ?? ''),
    conversationKey: conversationKeyOf(hashSecret, channel, activity.conversation?.id ?? ''),
  };
}

/** The kind prefix keeps a conversation id from colliding with a user id that happens to be the same string. */
export function conversationKeyOf(hashSecret: string, channelId: string, conversationId: string): string {
  return keyedHash(hashSecret, `conversation:${channelId}:${conversationId}`);
}
