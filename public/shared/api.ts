// The pages' client of the API (/api/v1): the bearer token on every call, JSON in and out, and every refusal as an
// ApiProblem read from the RFC 9457 problem the API answers with.

/** What went wrong, as a page tells a person: by the HTTP status, and `network` when there was no answer at all. */
export type TProblemKind = 'network' | 'invalid' | 'unauthorized' | 'forbidden' | 'notFound' | 'conflict' | 'unreachable' | 'rateLimited' | 'generic';

const KIND_OF_STATUS: Record<number, TProblemKind> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  422: 'unreachable',
  429: 'rateLimited',
};

export class ApiProblem extends Error {
  constructor(
    readonly kind: TProblemKind,
    readonly status: number,
    readonly code?: string,
    readonly field?: string,
    detail?: string,
    /** For a save on an outdated version (409 `stale_version`): the record as it is now. */
    readonly current?: unknown,
  ) {
    super(detail ?? code ?? kind);
  }
}

interface TProblemBody {
  code?: unknown;
  field?: unknown;
  detail?: unknown;
  current?: unknown;
}

type TQuery = Record<string, string | number | undefined | null>;

export interface TApiClient {
  get<T>(path: string, query?: TQuery): Promise<T>;
  /** A file the API answers with (a CSV export), whole. */
  download(path: string, query?: TQuery): Promise<Blob>;
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<void>;
}

/** `token()` is asked on every call, so signing in and out needs no new client. */
export function apiClient(token: () => string | null): TApiClient {
  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`/api/v1${path}`, {
        method,
        credentials: 'omit',
        headers: {
          ...(token() ? { Authorization: `Bearer ${token()}` } : {}),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiProblem('network', 0);
    }
    if (!response.ok) throw await problemOf(response);
    return response;
  }

  async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const text = await (await send(method, path, body, headers)).text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  const withQuery = (path: string, query: TQuery) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
    const search = params.toString();
    return search ? `${path}?${search}` : path;
  };

  return {
    get: <T>(path: string, query: TQuery = {}) => request<T>('GET', withQuery(path, query)),
    download: async (path: string, query: TQuery = {}) => (await send('GET', withQuery(path, query))).blob(),
    post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, body, headers),
    patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
    delete: async (path: string) => {
      await send('DELETE', path);
    },
  };
}

/** A refusal, read from the RFC 9457 problem the API answers with. */
async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text();
  let data: unknown = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    // Not JSON (a proxy's error page): the status alone says what happened.
  }
  const problem = (data ?? {}) as TProblemBody;
  const textOf = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return new ApiProblem(KIND_OF_STATUS[response.status] ?? 'generic', response.status, textOf(problem.code), textOf(problem.field), textOf(problem.detail), problem.current);
}
