import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SegmentedMessage } from 'sms-segments-calculator';

/** A message the stand-in accepted, as CM would send it. */
export interface TCmReceivedSms {
  from: string;
  /** As sent: international format with 00. */
  number: string;
  content: string;
  reference: string | null;
  parts: number;
  encoding: 'GSM-7' | 'UCS-2';
  /** The whole request as JSON. */
  raw: unknown;
}

/** Every request, answered or not. */
export interface TCmRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

/**
 * How the next requests fail: CM's own failures (`http-500`: errorCode 999; `balance`: errorCode 102; `drop`: the
 * connection closes without an answer) and answers no CM sends but a client must survive (`redirect`: a 307 to the same
 * address; `huge`: a 200 whose body does not end).
 */
export type TCmFailure = 'http-500' | 'balance' | 'blacklisted' | 'drop' | 'redirect' | 'huge';

export interface TCmStandIn {
  /** The gateway's base, as SMS_PROVIDER_URL: http://127.0.0.1:PORT. */
  url: string;
  received: TCmReceivedSms[];
  requests: TCmRequest[];
  failNext(count: number, how: TCmFailure): void;
  /** The next request is answered after `ms`. */
  delayNext(ms: number): void;
  close(): Promise<void>;
}

interface TCmMessageResult {
  to: string;
  status: 'Accepted' | 'Rejected';
  reference: string | null;
  parts: number;
  messageDetails: string | null;
  messageErrorCode: number;
}

const PRODUCT_TOKEN = '00000000-0000-4000-8000-000000000000';
/** CM's default when a message names no maximum. */
const DEFAULT_MAX_PARTS = 8;
/** Where an endless answer gives up, should a client read on regardless. */
const HUGE_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * A local stand-in for CM.com's JSON messaging API (POST /v1.0/message) that answers as CM documents it: the request
 * and message error codes, per-message results with status, parts and details, and CM's HTTP statuses.
 */
export async function startCmStandIn(options: { productToken?: string } = {}): Promise<TCmStandIn> {
  const productToken = options.productToken ?? PRODUCT_TOKEN;
  const received: TCmReceivedSms[] = [];
  const requests: TCmRequest[] = [];
  const failures: TCmFailure[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let nextDelayMs = 0;

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      requests.push({ method: request.method ?? '', path: request.url ?? '', contentType: request.headers['content-type'], body });
      const delayMs = nextDelayMs;
      nextDelayMs = 0;
      if (delayMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, delayMs);
          timers.add(timer);
        });
      }
      if (response.destroyed) return;
      if (request.method !== 'POST' || request.url !== '/v1.0/message') {
        response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        response.end('Not found');
        return;
      }
      const failure = failures.shift();
      if (failure) return fail(request, response, failure, body);
      const { status, json } = handleMessages(body, productToken, received);
      answer(response, status, json);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function fail(request: IncomingMessage, response: ServerResponse, how: TCmFailure, body: string): void {
    switch (how) {
      case 'http-500':
        return answer(response, 500, { details: 'Unknown error, please contact CM support', errorCode: 999, messages: [] });
      case 'balance':
        return answer(response, 400, { details: 'The account using this authentication has insufficient balance', errorCode: 102, messages: [] });
      case 'blacklisted': {
        // The number refused for good (the resident blocked the sender), quoted in the details as CM does.
        const recipients = field(field(field(safeJson(body), 'messages'), 'msg'), '0');
        const number = numberOf(Array.isArray(field(recipients, 'to')) ? (field(recipients, 'to') as unknown[])[0] : undefined);
        const message = { to: number, status: 'Rejected', reference: null, parts: 0, messageDetails: `Gsm '${number}' is blacklisted`, messageErrorCode: 402 };
        return answer(response, 400, { details: 'Created 0 message(s)', errorCode: 201, messages: [message] });
      }
      case 'drop':
        request.socket.destroy();
        return;
      case 'redirect':
        response.writeHead(307, { Location: `${url}/v1.0/message` });
        response.end();
        return;
      case 'huge':
        return streamEndlessly(response);
    }
  }

  return {
    url,
    received,
    requests,
    failNext(count, how) {
      for (let index = 0; index < count; index++) failures.push(how);
    },
    delayNext(ms) {
      nextDelayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function handleMessages(body: string, productToken: string, received: TCmReceivedSms[]): { status: number; json: unknown } {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return requestError(202, 'This request is malformed, please confirm the JSON and that the correct data types are used');
  }
  const messages = field(raw, 'messages');
  const authentication = field(messages, 'authentication');
  const token = field(authentication, 'productToken') ?? field(authentication, 'producttoken');
  if (token !== productToken) return requestError(101, 'Authentication of the request failed');
  const msgs = field(messages, 'msg');
  if (!Array.isArray(msgs) || msgs.length === 0) return requestError(203, "The request's MSG array is incorrect");

  const results: TCmMessageResult[] = [];
  const accepted: TCmReceivedSms[] = [];
  for (const msg of msgs as unknown[]) {
    const from = field(msg, 'from');
    const recipients = field(msg, 'to');
    const content = field(field(msg, 'body'), 'content');
    const referenceField = field(msg, 'reference');
    const reference = typeof referenceField === 'string' ? referenceField : null;
    const maxPartsField = field(msg, 'maximumNumberOfMessageParts');
    const maxParts = typeof maxPartsField === 'number' ? maxPartsField : DEFAULT_MAX_PARTS;
    const recipientList = Array.isArray(recipients) ? (recipients as unknown[]) : [];
    const rejectAll = (messageErrorCode: number, messageDetails: string) => {
      const numbers = recipientList.length > 0 ? recipientList.map(numberOf) : [''];
      for (const number of numbers) results.push({ to: number, status: 'Rejected', reference, parts: 0, messageDetails, messageErrorCode });
    };

    if (typeof from !== 'string' || !/^(?:[A-Za-z0-9 ]{1,11}|\d{1,16})$/.test(from)) {
      rejectAll(301, `Invalid sender ${JSON.stringify(from ?? null)}: use up to 11 letters and digits or up to 16 digits`);
      continue;
    }
    if (recipientList.length === 0) {
      rejectAll(302, 'No recipients in the To field');
      continue;
    }
    if (typeof content !== 'string' || content.length === 0) {
      rejectAll(304, 'A body without content was found');
      continue;
    }
    const segmented = new SegmentedMessage(content);
    if (segmented.segmentsCount > maxParts) {
      rejectAll(304, `The message needs ${segmented.segmentsCount} parts (${segmented.encodingName}), more than the maximum of ${maxParts}`);
      continue;
    }
    for (const recipient of recipientList) {
      const number = numberOf(recipient);
      if (!/^00[1-9]\d{6,14}$/.test(number)) {
        results.push({ to: number, status: 'Rejected', reference, parts: 0, messageDetails: `Gsm '${number}' is not a valid number`, messageErrorCode: 303 });
        continue;
      }
      results.push({ to: number, status: 'Accepted', reference, parts: segmented.segmentsCount, messageDetails: null, messageErrorCode: 0 });
      accepted.push({ from, number, content, reference, parts: segmented.segmentsCount, encoding: segmented.encodingName, raw });
    }
  }

  received.push(...accepted);
  const details = `Created ${accepted.length} message(s)`;
  if (results.some((result) => result.status === 'Rejected')) return { status: 400, json: { details, errorCode: 201, messages: results } };
  return { status: 200, json: { details, errorCode: 0, messages: results } };
}

function requestError(errorCode: number, details: string): { status: number; json: unknown } {
  return { status: 400, json: { details, errorCode, messages: [] } };
}

function numberOf(recipient: unknown): string {
  const number = field(recipient, 'number');
  return typeof number === 'string' ? number : '';
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// writeHead and end apart: restify, loaded in the same test process, replaces writeHead with one that returns nothing.
function answer(response: ServerResponse, status: number, json: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(json));
}

/** A 200 whose JSON never ends, written as fast as the client reads, until it hangs up. */
function streamEndlessly(response: ServerResponse): void {
  response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
  response.write('{"details":"');
  const chunk = 'x'.repeat(16 * 1024);
  let written = 0;
  const writeMore = () => {
    while (!response.destroyed && written < HUGE_ANSWER_BYTES) {
      written += chunk.length;
      if (!response.write(chunk)) return void response.once('drain', writeMore);
    }
    if (!response.destroyed) response.end('","errorCode":0,"messages":[]}');
  };
  writeMore();
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
