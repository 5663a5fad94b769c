import { z } from 'zod';
import { PermanentDeliveryError, type TOutgoingSms, type TSmsSender } from '../followups/contract';

/** Enough for CM's answer to one message; anything longer is not an answer of CM's (and is not read further). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * CM's error codes: `errorCode` of the request (1xx, 2xx, 999), `messageErrorCode` of each message (3xx, 4xx).
 * `permanent`: the message or its number is wrong, and sending it again gets the same refusal.
 */
const CM_ERROR_CODES: Record<number, { meaning: string; permanent?: true }> = {
  101: { meaning: 'authentication failed' },
  102: { meaning: 'insufficient balance' },
  103: { meaning: 'product token incorrect' },
  201: { meaning: 'one or more messages refused' },
  202: { meaning: 'malformed request' },
  203: { meaning: 'message list incorrect' },
  301: { meaning: 'invalid sender', permanent: true },
  302: { meaning: 'invalid recipient', permanent: true },
  303: { meaning: 'invalid recipient number', permanent: true },
  304: { meaning: 'invalid body: empty or too many parts', permanent: true },
  305: { meaning: 'invalid field' },
  401: { meaning: 'spam filtered' },
  402: { meaning: 'number blacklisted', permanent: true },
  403: { meaning: 'rejected' },
  500: { meaning: 'internal error' },
  999: { meaning: 'unknown error' },
};

/**
 * CM's answer, as far as it is used: each message also carries `to` (the number, which must never reach an error
 * message or a log), `reference` and `parts`, which are left out here.
 */
const cmAnswerSchema = z.object({
  details: z.string().nullish(),
  errorCode: z.number().int(),
  messages: z
    .array(
      z.object({
        status: z.string(),
        messageDetails: z.string().nullish(),
        messageErrorCode: z.number().int().nullish(),
      }),
    )
    .nullish(),
});

export interface TCmSmsSenderOptions {
  /** SMS_PROVIDER_URL: the gateway, such as https://gw.messaging.cm.com. */
  url: string;
  /** SMS_API_KEY: the account's product token. */
  productToken: string;
  /** SMS_SENDER: the sender the resident sees. */
  sender: string;
  timeoutMs?: number;
  /** A longer text is refused by CM instead of being sent (and billed) as more parts. */
  maxParts?: number;
}

/**
 * Text messages through CM.com's JSON messaging API (POST /v1.0/message), one message to one recipient per request.
 * A refusal of the message itself (a malformed number, a text longer than `maxParts`) rejects with
 * PermanentDeliveryError; everything else (authentication, balance, CM's own errors, no answer) with a plain Error,
 * which the invitations retry. Error messages quote CM's answer without the number or the product token.
 */
export class CmSmsSender implements TSmsSender {
  private readonly endpoint: string;
  private readonly timeoutMs: number;
  private readonly maxParts: number;

  constructor(private readonly options: TCmSmsSenderOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, '')}/v1.0/message`;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxParts = options.maxParts ?? 2;
  }

  async send(sms: TOutgoingSms): Promise<void> {
    if (!/^\+\d+$/.test(sms.to)) throw new PermanentDeliveryError('CM SMS: the recipient is not a number in E.164 (+ and digits)');
    const recipientDigits = sms.to.slice(1);
    const body = JSON.stringify({
      messages: {
        authentication: { productToken: this.options.productToken },
        msg: [
          {
            from: this.options.sender,
            // CM wants the international format with 00 instead of +.
            to: [{ number: `00${recipientDigits}` }],
            body: { type: 'auto', content: sms.text },
            reference: sms.reference,
            minimumNumberOfMessageParts: 1,
            maximumNumberOfMessageParts: this.maxParts,
          },
        ],
      },
    });

    // Node's fetch rather than @cmdotcom/text-sdk: the SDK cannot be pointed at another gateway (its base path lives on an internal generated client), pulls in axios and sets no timeout or part limits.
    let status: number;
    let text: string | null;
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      text = await readAtMost(response, MAX_ANSWER_BYTES);
    } catch (error) {
      throw new Error(`CM SMS gateway ${describeFailure(error, this.timeoutMs)}`, { cause: error });
    }
    if (text === null) throw new Error(`CM SMS gateway answered HTTP ${status} with more than ${MAX_ANSWER_BYTES} bytes`);

    const answer = cmAnswerSchema.safeParse(parseJson(text));
    if (!answer.success) throw new Error(`CM SMS gateway answered HTTP ${status} with an unreadable answer`);
    const { errorCode, details } = answer.data;
    const message = answer.data.messages?.[0];
    if (status === 200 && errorCode === 0 && message?.status.toLowerCase() === 'accepted') return;

    const scrub = (quoted: string) => scrubbed(quoted, recipientDigits, this.options.productToken);
    const parts = [`HTTP ${status}`, `errorCode ${describeCode(errorCode)}${details ? `: ${scrub(details)}` : ''}`];
    if (message) {
      const code = message.messageErrorCode ?? 0;
      parts.push(`message ${scrub(message.status)}, messageErrorCode ${describeCode(code)}${message.messageDetails ? `: ${scrub(message.messageDetails)}` : ''}`);
    }
    const refusal = `CM SMS gateway refused the message (${parts.join('; ')})`;
    const permanent = status < 500 && message?.messageErrorCode != null && CM_ERROR_CODES[message.messageErrorCode]?.permanent === true;
    throw permanent ? new PermanentDeliveryError(refusal) : new Error(refusal);
  }
}

/** The body as text, or null when it is longer than `limit` bytes: reading stops there. */
async function readAtMost(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `did not answer within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  // fetch reports "fetch failed" and keeps what happened (refused, reset, a redirect) in its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `could not be reached: ${message}${cause}`;
}

function describeCode(code: number): string {
  const meaning = CM_ERROR_CODES[code]?.meaning;
  return meaning ? `${code} (${meaning})` : String(code);
}

/** CM's texts may quote the number (in any form) or, conceivably, the token: neither may reach a log. */
function scrubbed(text: string, recipientDigits: string, productToken: string): string {
  const withoutToken = productToken ? text.replaceAll(productToken, '[token]') : text;
  return withoutToken
    .replace(new RegExp(`(?<!\\d)(?:\\+|00)?${recipientDigits}(?!\\d)`, 'g'), '[number]')
    .replace(/\+?\d{7,}/g, '[number]')
    .slice(0, 300);
}
