import type { Request, Response } from 'restify';
import type { TLogger } from '../log';
import { AppError } from '../kernel/errors';

export interface TJsonBodyOptions {
  maxBodyBytes: number;
  /** Deepest nesting of arrays and objects accepted; deeper JSON is a 400 before any schema sees it. */
  maxDepth: number;
  /** A body not complete within this is a 408: a client that never ends its chunked body holds nothing for long. */
  readTimeoutMs: number;
  logger: TLogger;
  /** Answers a refused body the way every other refusal is answered. */
  refuse: (req: Request, res: Response, error: AppError) => void;
  /**
   * Paths (prefixes) that also take an HTML form or a mail client's one-click POST: such a body is read within the
   * same limits and dropped (those routes act on their URL alone).
   */
  formPaths?: readonly string[];
  /** Paths whose bodies may be larger than `maxBodyBytes` (a batch), each with its own limit. */
  largerBodies?: ReadonlyArray<{ path: string; maxBytes: number }>;
}

const FORM_MEDIA_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;.*)?$/i;

/** Only plain JSON in UTF-8: the web chat, the Bot Framework and our API clients send nothing else. */
const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-?8"?\s*)?$/i;

/**
 * The one reader of request bodies, in place of restify's body parser: that parser inflates gzip past the size
 * limit, crashes the process on a bad gzip stream (an unhandled 'error' event) and writes multipart uploads to
 * the temporary directory. Here a body is raw bytes counted against `maxBodyBytes` as they arrive, never
 * decompressed and never written anywhere; the only thing it may become is `req.body`, parsed JSON.
 */
export function jsonBodyReader(options: TJsonBodyOptions) {
  return (req: Request, res: Response, next: (error?: false) => void): void => {
    // A socket fault while the body streams must be this request's problem, never an unhandled 'error' event.
    req.on('error', (error) => options.logger.warn({ err: error, requestId: req.getId() }, 'request stream failed'));
    readJsonBody(req, options).then(
      (body) => {
        req.body = body;
        next();
      },
      (error: unknown) => {
        const refusal = error instanceof AppError ? error : new AppError('invalid', 'unreadable_body', 'The request body could not be read.');
        if (!(error instanceof AppError)) options.logger.warn({ err: error, requestId: req.getId() }, 'request body unreadable');
        // What is left of a refused body is not read: the connection closes after this answer.
        res.header('Connection', 'close');
        options.refuse(req, res, refusal);
        res.once('finish', () => req.destroy());
        next(false);
      },
    );
  };
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

async function readJsonBody(req: Request, options: TJsonBodyOptions): Promise<unknown> {
  const { maxDepth, readTimeoutMs, formPaths = [] } = options;
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    throw new AppError('unsupported-media-type', 'unsupported_content_encoding', 'Request bodies must not be compressed (Content-Encoding: identity only).');
  }
  const type = req.headers['content-type'];
  const path = (req.url ?? '').split('?')[0]!;
  const maxBodyBytes = options.largerBodies?.find((larger) => larger.path === path)?.maxBytes ?? options.maxBodyBytes;
  const form = type !== undefined && FORM_MEDIA_TYPE.test(type) && formPaths.some((prefix) => path.startsWith(prefix));
  if (!hasBody(req)) {
    if (type !== undefined && !form && !JSON_MEDIA_TYPE.test(type) && !['GET', 'HEAD'].includes(req.method ?? '')) throw unsupportedType();
    return undefined;
  }
  if (type === undefined || (!form && !JSON_MEDIA_TYPE.test(type))) throw unsupportedType();
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw tooLarge(maxBodyBytes);

  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error?: AppError) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      req.pause();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBodyBytes) return finish(tooLarge(maxBodyBytes));
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(new AppError('invalid', 'unreadable_body', 'The request body could not be read.'));
    const onAborted = onError;
    const timer = setTimeout(() => finish(new AppError('timeout', 'request_timeout', 'The request body did not arrive in time.')), readTimeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
  if (form || text.trim() === '') return undefined;
  if (nestingDepth(text) > maxDepth) {
    throw new AppError('invalid', 'too_deeply_nested', `The JSON body is nested deeper than ${maxDepth} levels.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('invalid', 'invalid_json', 'The request body is not valid JSON.');
  }
}

/** The deepest nesting of `[` and `{` outside strings: counted on the text, so no parser or schema recurses into it. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c /* \ */) index++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b /* { */ || code === 0x5b /* [ */) deepest = Math.max(deepest, ++depth);
    else if (code === 0x7d /* } */ || code === 0x5d /* ] */) depth--;
  }
  return deepest;
}

const unsupportedType = () => new AppError('unsupported-media-type', 'unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json).');
const tooLarge = (limit: number) => new AppError('too-large', 'payload_too_large', `The request body is larger than ${limit} bytes.`);
