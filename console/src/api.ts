import { problemOf, type ProblemView } from './problem.js';

/** An answer of the API that is not 2xx, carrying its problem+json. */
export class ApiError extends Error {
  constructor(readonly problem: ProblemView) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
  }
}

export interface ApiResult<T> {
  status: number;
  body: T | undefined;
  etag: string | undefined;
}

/** The API at `../` of the console (`/api/console/` → `/api/`), with the session's bearer token. */
export class ApiClient {
  readonly #base = new URL('../', location.href);

  constructor(private readonly token: () => Promise<string>) {}

  async request<T>(method: string, path: string, options: { body?: unknown; ifNoneMatch?: string; ifMatch?: string } = {}): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    const response = await fetch(new URL(path.replace(/^\//, ''), this.#base), {
      method,
      headers,
      cache: 'no-store',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const etag = response.headers.get('etag') ?? undefined;
    if (response.status === 304) return { status: 304, body: undefined, etag };
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw new ApiError(problemOf(response.status, parsed, response.statusText));
    return { status: response.status, body: parsed as T, etag };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).body as T;
  }

  async send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, ifMatch?: string): Promise<T> {
    return (await this.request<T>(method, path, { body, ...(ifMatch ? { ifMatch } : {}) })).body as T;
  }
}
