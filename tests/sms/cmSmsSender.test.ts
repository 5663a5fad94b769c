import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, type TOutgoingSms } from '../../src/followups/contract';
import { CmSmsSender, type TCmSmsSenderOptions } from '../../src/sms/cmSmsSender';
import { startCmStandIn, type TCmStandIn } from '../support/cmStandIn';

/**
 * The CM.com adapter against a local stand-in that speaks CM's JSON messaging API: what CM receives, and how each of
 * CM's answers reaches the invitations (sent; refused for good; try again later), never quoting the number or the token.
 */

const TOKEN = '3f2a9c1e-7b4d-4e8f-9a6b-2c5d8e1f4a7b';
const NUMBER = '+5997001234';
const sms = (overrides: Partial<TOutgoingSms> = {}): TOutgoingSms => ({
  to: NUMBER,
  text: 'Bon dia! Kon bo a eksperensia nos servisio? Kontesta 3 pregunta.',
  reference: 'fu_01HZX3',
  ...overrides,
});

/** The error a send rejected with. */
async function refusalOf(sending: Promise<void>): Promise<Error> {
  try {
    await sending;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('the send resolved');
}

function expectNoSecrets(error: Error, number = NUMBER): void {
  const digits = number.slice(1);
  for (const form of [number, `00${digits}`, digits]) expect(error.message).not.toContain(form);
  expect(error.message).not.toContain(TOKEN);
}

describe('CM.com SMS adapter', () => {
  let standIn: TCmStandIn;
  const senderFor = (options: Partial<TCmSmsSenderOptions> = {}) => new CmSmsSender({ url: standIn.url, productToken: TOKEN, sender: 'Gemeente', ...options });

  beforeEach(async () => {
    standIn = await startCmStandIn({ productToken: TOKEN });
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('posts CM’s JSON to /v1.0/message: token, sender, the number with 00, the text, our reference and the part limits', async () => {
    await senderFor({ url: `${standIn.url}/` }).send(sms());

    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]).toMatchObject({ method: 'POST', path: '/v1.0/message', contentType: 'application/json' });
    expect(standIn.received).toEqual([
      {
        from: 'Gemeente',
        number: '005997001234',
        content: sms().text,
        reference: 'fu_01HZX3',
        parts: 1,
        encoding: 'GSM-7',
        raw: {
          messages: {
            authentication: { productToken: TOKEN },
            msg: [
              {
                from: 'Gemeente',
                to: [{ number: '005997001234' }],
                body: { type: 'auto', content: sms().text },
                reference: 'fu_01HZX3',
                minimumNumberOfMessageParts: 1,
                maximumNumberOfMessageParts: 2,
              },
            ],
          },
        },
      },
    ]);
  });

  it('sends a text of two parts, and one that needs Unicode, within the default limit of two parts', async () => {
    const sender = senderFor();
    await sender.send(sms({ text: 'Hoe tevreden bent u? '.repeat(10) }));
    await sender.send(sms({ text: 'Wat vond u van ons loket in Curaçao? Geef een cijfer: één tot vijf.' }));

    expect(standIn.received.map(({ parts, encoding }) => ({ parts, encoding }))).toEqual([
      { parts: 2, encoding: 'GSM-7' },
      { parts: 1, encoding: 'UCS-2' },
    ]);
  });

  it('refuses for good a text longer than maxParts, and sends nothing', async () => {
    const error = await refusalOf(senderFor({ maxParts: 2 }).send(sms({ text: 'x'.repeat(153 * 2 + 1) })));

    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/messageErrorCode 304 \(invalid body: empty or too many parts\): The message needs 3 parts/);
    expectNoSecrets(error);
    expect(standIn.received).toEqual([]);
  });

  it('allows more parts when maxParts says so', async () => {
    await senderFor({ maxParts: 3 }).send(sms({ text: 'x'.repeat(153 * 2 + 1) }));

    expect(standIn.received.map((message) => message.parts)).toEqual([3]);
  });

  it('refuses for good a number CM calls malformed, without quoting it', async () => {
    const short = await refusalOf(senderFor().send(sms({ to: '+12' })));
    expect(short).toBeInstanceOf(PermanentDeliveryError);
    expect(short.message).toMatch(/^CM SMS gateway refused the message \(HTTP 400; errorCode 201 .*messageErrorCode 303 \(invalid recipient number\): Gsm '\[number\]' is not a valid number\)$/);
    expect(short.message).not.toMatch(/(?<!\d)(?:\+|00)?12(?!\d)/);

    const tooLong = '+5997001234567890';
    const long = await refusalOf(senderFor().send(sms({ to: tooLong })));
    expect(long).toBeInstanceOf(PermanentDeliveryError);
    expectNoSecrets(long, tooLong);
    expect(standIn.received).toEqual([]);
  });

  it('refuses for good, without asking CM, a number that is not E.164', async () => {
    const error = await refusalOf(senderFor().send(sms({ to: '0612345678' })));

    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).not.toContain('0612345678');
    expect(standIn.requests).toEqual([]);
  });

  it('rejects a wrong product token as worth retrying, naming the authentication, quoting neither token nor number', async () => {
    const error = await refusalOf(
      new CmSmsSender({ url: standIn.url, productToken: 'a-token-cm-does-not-know', sender: 'Gemeente' }).send(sms()),
    );

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toBe('CM SMS gateway refused the message (HTTP 400; errorCode 101 (authentication failed): Authentication of the request failed)');
    expect(error.message).not.toContain('a-token-cm-does-not-know');
    expectNoSecrets(error);
  });

  it('accepts the token under CM’s other spelling, authentication.producttoken (stand-in check)', async () => {
    const body = { messages: { authentication: { producttoken: TOKEN }, msg: [{ from: 'Gemeente', to: [{ number: '005997001234' }], body: { type: 'auto', content: 'Hoi' } }] } };
    const response = await fetch(`${standIn.url}/v1.0/message`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      details: 'Created 1 message(s)',
      errorCode: 0,
      messages: [{ to: '005997001234', status: 'Accepted', reference: null, parts: 1, messageDetails: null, messageErrorCode: 0 }],
    });
  });

  it('rejects insufficient balance as worth retrying', async () => {
    standIn.failNext(1, 'balance');
    const error = await refusalOf(senderFor().send(sms()));

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/HTTP 400; errorCode 102 \(insufficient balance\)/);
  });

  it('rejects CM’s server errors and a dropped connection as worth retrying, and sends once CM is back', async () => {
    const sender = senderFor();
    standIn.failNext(1, 'http-500');
    standIn.failNext(1, 'drop');

    const serverError = await refusalOf(sender.send(sms()));
    expect(serverError).not.toBeInstanceOf(PermanentDeliveryError);
    expect(serverError.message).toMatch(/^CM SMS gateway refused the message \(HTTP 500; errorCode 999 \(unknown error\)/);

    const dropped = await refusalOf(sender.send(sms()));
    expect(dropped).not.toBeInstanceOf(PermanentDeliveryError);
    expect(dropped.message).toMatch(/^CM SMS gateway could not be reached: fetch failed/);
    expectNoSecrets(dropped);

    await sender.send(sms());
    expect(standIn.received).toHaveLength(1);
  });

  it('gives up on a gateway slower than timeoutMs', async () => {
    standIn.delayNext(5_000);
    const started = Date.now();
    const error = await refusalOf(senderFor({ timeoutMs: 200 }).send(sms()));

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toBe('CM SMS gateway did not answer within 200 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not follow a redirect: the token goes to the configured gateway only', async () => {
    standIn.failNext(1, 'redirect');
    const error = await refusalOf(senderFor().send(sms()));

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/^CM SMS gateway could not be reached: fetch failed: .*redirect/);
    expect(standIn.requests).toHaveLength(1);
  });

  it('stops reading an answer that does not end, after 64 kB', async () => {
    standIn.failNext(1, 'huge');
    const error = await refusalOf(senderFor().send(sms()));

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toBe('CM SMS gateway answered HTTP 200 with more than 65536 bytes');
  });

  it('rejects an answer that is not CM’s JSON as worth retrying', async () => {
    const error = await refusalOf(senderFor({ url: `${standIn.url}/elsewhere` }).send(sms()));

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toBe('CM SMS gateway answered HTTP 404 with an unreadable answer');
  });
});
