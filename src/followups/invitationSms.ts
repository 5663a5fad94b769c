import { SegmentedMessage } from 'sms-segments-calculator';
import type { TI18n } from '../i18n/i18n';
import type { TSmsSender } from './contract';
import type { TInvitation, TInvitationChannel } from './invitations';

/** What a text fills on a phone: its parts and whether it fits GSM-7 (160 characters a part) or needs UCS-2 (70). */
export interface TSmsSize {
  characters: number;
  parts: number;
  encoding: 'GSM-7' | 'UCS-2';
}

/**
 * The most parts an invitation may take. Each language's text takes two GSM-7 parts with a usual name and address
 * (docs/sms.md); the third is room for a long organisation name or PUBLIC_URL, and the provider refuses anything longer
 * rather than bill for it.
 */
export const MAX_SMS_PARTS = 3;

export function smsSizeOf(text: string): TSmsSize {
  const message = new SegmentedMessage(text);
  return { characters: message.numberOfCharacters, parts: message.segmentsCount, encoding: message.encodingName };
}

/**
 * An invitation (or its one reminder) by text message, from `locales/<language>/sms.json`: the organisation, the
 * one-time link, and that a reply is not read and how to stop. The texts are written in GSM-7 letters only, so one
 * accented letter does not turn the message into UCS-2 (70 characters a part instead of 160).
 */
export function invitationSms(i18n: TI18n, content: Pick<TInvitation, 'kind' | 'language' | 'organisation' | 'link'>): string {
  const t = i18n.translatorFor(content.language, 'sms');
  return t(content.kind, { organisation: inGsm7Letters(content.organisation), link: content.link });
}

/**
 * A name in the letters GSM-7 has: a letter it lacks is written without its accent (Públiko → Publiko), as phones
 * would otherwise send the whole text in UCS-2 and a Papiamentu invitation would take three parts instead of two.
 */
export function inGsm7Letters(name: string): string {
  return [...name]
    .map((letter) => (smsSizeOf(letter).encoding === 'GSM-7' ? letter : letter.normalize('NFD').replace(/\p{M}/gu, '')))
    .join('');
}

/** Invitations by text message: worded here, sent through the SMS provider; the reference is the follow-up, never the number. */
export function smsInvitations(sender: TSmsSender, i18n: TI18n): TInvitationChannel {
  return { targetType: 'sms', send: (invitation, number) => sender.send({ to: number, text: invitationSms(i18n, invitation), reference: invitation.followUpId }) };
}
