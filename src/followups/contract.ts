import type { TDb } from '../db/client';
import type { TLanguage } from '../i18n/languages';

/**
 * What the survey bot needs to know to open a survey a staff member sent: the follow-up and its process
 * data, which the response then carries so KPIs can be broken down by them.
 */
export interface TFollowUpStart {
  followUpId: string;
  surveyId: string;
  organisationId: string;
  serviceId: string;
  serviceSlug: string;
  contactChannel: string;
  leadTimeDays: number | null;
  contactCount: number | null;
  language: TLanguage | null;
}

export type TLinkClaim = { ok: true; followUp: TFollowUpStart } | { ok: false; reason: 'unknown' | 'expired' | 'used' };

/**
 * The follow-up side as the survey bot sees it (implemented in src/followups/). The bot never imports
 * the queue, the API or the worker; they never import botbuilder dialogs.
 */
export interface TFollowUpGateway {
  /**
   * A one-time link's token, presented by the web chat page: claims it for this resident, once. `holderKey` (the keyed
   * hash of the secret the first browser to open it keeps) lets that browser open it again, in a new chat, until it
   * expires.
   */
  claimLink(token: string, residentKey: string, holderKey?: string): Promise<TLinkClaim>;
  /** The follow-up a proactive message opened in this resident's conversation, if one is waiting. */
  pendingFor(channel: string, residentKey: string): Promise<TFollowUpStart | null>;
  markStarted(followUpId: string, responseId: string): Promise<void>;
  markCompleted(followUpId: string): Promise<void>;
  /** The resident asked never to be invited again. */
  optOut(residentKey: string): Promise<void>;
}

/** Sends the opening message of a follow-up into an existing conversation (Teams), implemented by the channels. */
export interface TProactiveSender {
  /** Resolves when the channel accepted the message; rejects when it failed (the queue retries with back-off). */
  sendFollowUp(channel: string, residentKey: string, followUp: TFollowUpStart): Promise<void>;
}

/** Stores a resident's request to be contacted, apart from the answers and encrypted (src/followups/callbacks). */
export interface TCallbackRequests {
  /** `answersShared`: the resident agreed that whoever contacts them sees their answers to this survey. */
  request(input: { organisationId: string; responseId: string; method: 'phone' | 'email'; contact: string; language: TLanguage; answersShared: boolean }): Promise<void>;
}

/** Events for the organisation's own systems (webhooks), queued in the database. */
export interface TEventPublisher {
  publish(event: 'response.completed' | 'callback.requested' | 'follow-up.failed', organisationId: string, payload: Record<string, unknown>): Promise<void>;
}

/** A publisher whose events can be written in the same transaction as the change they report (the webhook outbox). */
export interface TTransactionalEventPublisher extends TEventPublisher {
  within(db: TDb): TEventPublisher;
}

/** A mail as the invitations hand it over: the mailer adds the sender address (MAIL_FROM) to `fromName`. */
export interface TOutgoingMail {
  to: string;
  fromName: string;
  subject: string;
  text: string;
  html: string;
  language: string;
  headers: Record<string, string>;
}

/** Sends one mail; rejects when the server refused it or could not be reached (the caller retries or fails it). */
export interface TMailer {
  send(mail: TOutgoingMail): Promise<void>;
}

/** A text message as the invitations hand it over: the sender adds SMS_SENDER and the account's key. */
export interface TOutgoingSms {
  /** The number in E.164 (+31612345678). */
  to: string;
  text: string;
  /** Ours, for the provider's reports: the follow-up's id, never the number. */
  reference: string;
}

/** Sends one text message; rejects when the provider refused it or could not be reached (the caller retries or fails it). */
export interface TSmsSender {
  send(sms: TOutgoingSms): Promise<void>;
}

/**
 * A refusal that will not change by trying again (a number the provider says does not exist): the invitation fails at
 * once instead of after every retry.
 */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}
