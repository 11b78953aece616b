import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { mintToken, type TokenRequest } from '../../local/stack/token-issuer.js';

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A caller of the local stack's API with its own identity: every request goes over HTTP. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    readonly userId: string,
  ) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    const h = init.headers as Record<string, string>;
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}/api/${path.replace(/^\//, '')}`, init);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the test reads `text`
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = Record<string, unknown>>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  put<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
  patch<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  delete<T = Record<string, unknown>>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
}

export function localCloud() {
  return inject('localCloud');
}

/** A client acting as a fresh user (unique id per call unless given). */
export async function clientFor(request: Partial<TokenRequest> = {}): Promise<ApiClient> {
  const cloud = localCloud();
  const userId = request.userId ?? `user-${randomUUID().slice(0, 8)}`;
  const token = await mintToken(cloud.issuer, { ...request, userId });
  return new ApiClient(cloud.baseUrl, token, userId);
}

export function anonymousClient(): ApiClient {
  return new ApiClient(localCloud().baseUrl, undefined, 'anonymous');
}
