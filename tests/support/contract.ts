import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { API_DOCS_PATHS } from '../../src/http/apiDocs';
import { isApiPath } from '../../src/http/paths';

type TSchema = Record<string, unknown>;
interface TResponseObject {
  content?: Record<string, { schema?: TSchema }>;
}
interface TOperation {
  responses: Record<string, TResponseObject>;
}
export interface TOpenApiDocument {
  info: { version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, TOperation>>;
  components: { schemas: Record<string, TSchema> };
}

/** The API's paths that describe the API (the document and its reference page), not part of it. */
const describesTheApi = (path: string) => API_DOCS_PATHS.some((docs) => path === docs || path.startsWith(`${docs}/`));

interface TOperationMatcher {
  method: string;
  pattern: RegExp;
  operation: TOperation;
}

/**
 * Checks every answer the service gives under /api against its own OpenAPI document, as the answer leaves the
 * server: whoever asked (a test's fetch, the staff page in Chromium, a fuzzer), the status must be documented for
 * the operation (or be a problem), the media type one the document names, the body valid against its schema, and
 * the API-Version header there. Violations are collected; the test app's stop() fails on any.
 */
export class ContractWatch {
  readonly violations: string[] = [];
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false });
  private readonly operations: TOperationMatcher[];
  private readonly problem: ValidateFunction;
  private readonly compiled = new Map<TSchema, ValidateFunction>();

  constructor(private readonly document: TOpenApiDocument) {
    addFormats(this.ajv);
    this.problem = this.ajv.compile(document.components.schemas.Problem!);
    this.operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
        operation,
      })),
    );
  }

  observe(server: Server): void {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '') || '/';
      if (!isApiPath(path) || describesTheApi(path)) return;
      const chunks: Buffer[] = [];
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      const keep = (chunk: unknown) => {
        const type = String(res.getHeader('content-type') ?? '');
        if (chunk !== undefined && chunk !== null && typeof chunk !== 'function' && !type.startsWith('text/csv')) {
          chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
        }
      };
      res.write = ((...args: unknown[]) => {
        keep(args[0]);
        return write(...args);
      }) as typeof res.write;
      res.end = ((...args: unknown[]) => {
        keep(args[0]);
        return end(...args);
      }) as typeof res.end;
      res.once('finish', () => this.check(req.method ?? 'GET', path, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  private check(method: string, path: string, res: ServerResponse, text: string): void {
    const where = `${method} ${path} → ${res.statusCode}`;
    const fail = (what: string): void => {
      this.violations.push(`${where}: ${what}`);
    };
    if (res.getHeader('api-version') !== this.document.info.version) fail(`API-Version is ${String(res.getHeader('api-version'))}`);
    const type = String(res.getHeader('content-type') ?? '').split(';')[0]!.trim();
    const apiPath = path.replace(/^\/api(\/v1)?(?=\/)/, '');
    const matched = this.operations.find((candidate) => candidate.method === method && candidate.pattern.test(apiPath));
    const declared = matched?.operation.responses[String(res.statusCode)] ?? matched?.operation.responses.default;
    if (res.statusCode >= 400) {
      if (matched && !matched.operation.responses[String(res.statusCode)]) fail('status not documented for this operation');
      if (type !== 'application/problem+json') return fail(`an error as ${type}, not a problem`);
      return this.validate(this.problem, text, fail);
    }
    if (!matched || !declared) return fail('no documented operation answers this');
    if (!declared.content) {
      if (text !== '') fail('a body where none is documented');
      return;
    }
    const media = declared.content[type];
    if (!media) return fail(`media type ${type} not documented (${Object.keys(declared.content).join(', ')})`);
    if (type === 'application/json' && media.schema) this.validate(this.compile(media.schema), text, fail);
  }

  private compile(schema: TSchema): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  private validate(validate: ValidateFunction, text: string, fail: (what: string) => void): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return fail(`not JSON: ${text.slice(0, 80)}`);
    }
    if (!validate(body)) fail(`${this.ajv.errorsText(validate.errors)} in ${text.slice(0, 300)}`);
  }
}
