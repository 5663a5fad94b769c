import nodemailer, { type Transporter } from 'nodemailer';
import type { TMailer, TOutgoingMail } from '../followups/contract';

/** How long one SMTP conversation may take before it counts as failed (and is retried later). */
const TIMEOUT_MS = 30_000;

/**
 * Mail over SMTP with nodemailer: `SMTP_URL` (smtp:// with STARTTLS where the server offers it, or smtps://, with
 * credentials in the URL) and the sender address `MAIL_FROM`, under the organisation's name.
 */
export class SmtpMailer implements TMailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly fromAddress: string,
    tls: { rejectUnauthorized?: boolean; ca?: string } = {},
  ) {
    const url = new URL(smtpUrl);
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
      tls,
    });
  }

  async send(mail: TOutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: { name: mail.fromName, address: this.fromAddress },
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { ...mail.headers, 'Content-Language': mail.language },
    });
  }

  close(): void {
    this.transport.close();
  }
}
