import type { TI18n } from '../i18n/i18n';
import type { TLanguage } from '../i18n/languages';
import { escapeHtml } from '../kernel/html';
import type { TMailer, TOutgoingMail } from './contract';
import type { TInvitation, TInvitationChannel } from './invitations';

/**
 * How the link's last moment is written: in words in Dutch and English; in digits in Papiamentu, which has no Intl
 * data of its own — Dutch words ("december", "om") would stand in a Papiamentu sentence.
 */
const DATE_FORMATS: Record<TLanguage, { locale: string; options: Intl.DateTimeFormatOptions }> = {
  nl: { locale: 'nl-NL', options: { dateStyle: 'long', timeStyle: 'short' } },
  pap: { locale: 'nl-NL', options: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' } },
  en: { locale: 'en-GB', options: { dateStyle: 'long', timeStyle: 'short' } },
};

/**
 * An invitation (or its one reminder) as a multipart mail: plain text, and accessible HTML — real headings, the link
 * as a button with its own text, no images, the language set — in B1 Dutch, Papiamentu or English from
 * `locales/<language>/mail.json`. Every value is escaped into the HTML: an organisation's name is text, not markup.
 */
export function invitationMail(i18n: TI18n, content: TInvitation, to: string): TOutgoingMail {
  const t = i18n.translatorFor(content.language, 'mail');
  const names = { organisation: content.organisation, service: content.service };
  const { locale, options } = DATE_FORMATS[content.language];
  const date = new Intl.DateTimeFormat(locale, { ...options, timeZone: content.timeZone }).format(content.expiresAt);
  const subject = t(`${content.kind}.subject`, names);
  const lines = {
    greeting: t('greeting'),
    intro: t(`${content.kind}.intro`, names),
    duration: t('duration'),
    button: t('button'),
    linkFallback: t('linkFallback'),
    validUntil: t('validUntil', { date }),
    sentFor: t('sentFor', names),
    stop: t('stop'),
    stopLink: t('stopLink'),
  };
  const text = [
    lines.greeting,
    '',
    lines.intro,
    lines.duration,
    '',
    `${lines.button}: ${content.link}`,
    lines.validUntil,
    '',
    '--',
    lines.sentFor,
    `${lines.stop} ${lines.stopLink}: ${content.stopUrl}`,
    '',
  ].join('\n');
  const html = `<!doctype html>
<html lang="${content.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f5f7f9;">
<div role="article" aria-label="${escapeHtml(subject)}" lang="${content.language}" style="max-width:36rem;margin:0 auto;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:17px;line-height:1.5;color:#1b2a3a;background:#ffffff;">
<h1 style="font-size:22px;line-height:1.3;margin:0 0 16px;color:#154273;">${escapeHtml(subject)}</h1>
<p style="margin:0 0 12px;">${escapeHtml(lines.greeting)}</p>
<p style="margin:0 0 12px;">${escapeHtml(lines.intro)}</p>
<p style="margin:0 0 20px;">${escapeHtml(lines.duration)}</p>
<p style="margin:0 0 20px;"><a href="${escapeHtml(content.link)}" style="display:inline-block;padding:12px 20px;background:#154273;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;">${escapeHtml(lines.button)}</a></p>
<p style="margin:0 0 4px;font-size:15px;">${escapeHtml(lines.linkFallback)}</p>
<p style="margin:0 0 12px;font-size:15px;word-break:break-all;"><a href="${escapeHtml(content.link)}" style="color:#154273;">${escapeHtml(content.link)}</a></p>
<p style="margin:0 0 24px;font-size:15px;">${escapeHtml(lines.validUntil)}</p>
<hr style="border:0;border-top:1px solid #d5dde5;margin:0 0 12px;">
<p style="margin:0 0 8px;font-size:14px;color:#3d4b59;">${escapeHtml(lines.sentFor)}</p>
<p style="margin:0;font-size:14px;color:#3d4b59;">${escapeHtml(lines.stop)} <a href="${escapeHtml(content.stopUrl)}" style="color:#154273;">${escapeHtml(lines.stopLink)}</a></p>
</div>
</body>
</html>
`;
  return {
    to,
    fromName: content.senderName,
    subject,
    text,
    html,
    language: content.language,
    headers: { 'List-Unsubscribe': `<${content.stopUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** Invitations by e-mail: worded here, sent over SMTP. */
export function mailInvitations(mailer: TMailer, i18n: TI18n): TInvitationChannel {
  return { targetType: 'email', send: (invitation, address) => mailer.send(invitationMail(i18n, invitation, address)) };
}
