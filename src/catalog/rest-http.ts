/**
 * The HTTP exchange of the REST catalog client: one request with its headers and authorization,
 * retried on connection faults, timeouts, 429 and 502/503/504 (honouring `Retry-After`) within an
 * attempt count and a time budget, then failing with a typed error (`unavailable` when the
 * catalog stayed down). A 401 makes the auth session refresh its token once and the request go again.
 */
import { IcebergScanError, abortedError } from '../errors.ts';
import { errorOfResponse, isRetryableStatus, unreachableError, type RequestSubject } from './rest-errors.ts';

/** Retry policy of catalog requests. */
export interface RestRetryOptions {
  /** Attempts per request, the first included (default 4). */
  readonly maxAttempts?: number;
  /** First backoff in milliseconds, doubled per retry, with jitter (default 200). */
  readonly baseDelayMs?: number;
  /**
   * Milliseconds a request may spend waiting between attempts in all (default 30 000). A
   * `Retry-After` longer than what is left fails at once with `unavailable`.
   */
  readonly budgetMs?: number;
}

/** Where the `Authorization` header comes from. */
export interface AuthSession {
  /** The header value for the next request (`Bearer …`), or undefined for none. */
  authorization(signal?: AbortSignal): Promise<string | undefined>;
  /** After a 401: gets a new token and returns true, or returns false when it cannot. */
  refreshAfterRefusal(signal?: AbortSignal): Promise<boolean>;
}

/** No authorization header. */
export const NO_AUTH: AuthSession = { authorization: async () => undefined, refreshAfterRefusal: async () => false };

/** Options of {@link RestHttp}. */
export interface RestHttpOptions {
  /** Headers on every request (from `header.*` properties). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly retry?: RestRetryOptions;
  /** Milliseconds before one attempt is abandoned as timed out (default 30 000). */
  readonly requestTimeoutMs?: number;
  /** The `fetch` to use (default the global one). */
  readonly fetch?: typeof fetch;
}

/** One request. */
export interface RestRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly subject: RequestSubject;
  readonly headers?: Readonly<Record<string, string>>;
  /** A form or JSON body (POST). */
  readonly body?: string;
  /** Skips the auth session (the token request itself). */
  readonly noAuth?: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** A 2xx response: status and body text. */
export interface RestResponse {
  readonly status: number;
  readonly text: string;
}

/** Sends catalog requests with retries and authorization. */
export class RestHttp {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly budgetMs: number;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private headers: Readonly<Record<string, string>>;

  constructor(
    private auth: AuthSession,
    private readonly options: RestHttpOptions = {},
  ) {
    this.maxAttempts = options.retry?.maxAttempts ?? 4;
    this.baseDelayMs = options.retry?.baseDelayMs ?? 200;
    this.budgetMs = options.retry?.budgetMs ?? 30_000;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.headers = options.headers ?? {};
    if (!Number.isSafeInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new IcebergScanError('invalid_argument', `retry.maxAttempts must be a positive integer, got ${this.maxAttempts}`);
    }
  }

  /** Replaces the headers sent on every request (after the config response merged in `header.*` properties). */
  setHeaders(headers: Readonly<Record<string, string>>): void {
    this.headers = headers;
  }

  /** Replaces the auth session. */
  setAuth(auth: AuthSession): void {
    this.auth = auth;
  }

  /**
   * Sends `request`; resolves with a 2xx response, else throws the typed error of its status
   * (after retries for retryable ones, and one token refresh for a 401).
   */
  async send(request: RestRequest): Promise<RestResponse> {
    let refreshed = false;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      if (request.signal?.aborted) throw abortedError();
      const headers: Record<string, string> = { Accept: 'application/json', ...this.headers, ...request.headers };
      if (!request.noAuth) {
        const authorization = await this.auth.authorization(request.signal);
        if (authorization !== undefined) headers.Authorization = authorization;
      }
      let response: Response;
      let text: string;
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = request.signal !== undefined ? AbortSignal.any([request.signal, timeout]) : timeout;
      try {
        response = await this.fetchFn(request.url, { method: request.method, headers, ...(request.body !== undefined ? { body: request.body } : {}), signal, redirect: 'follow' });
        text = await response.text();
      } catch (error) {
        if (request.signal?.aborted) throw abortedError();
        const delay = this.backoff(attempt);
        if (attempt >= this.maxAttempts || waited + delay > this.budgetMs) throw unreachableError(request.subject, request.url, timeout.aborted ? new Error(`timed out after ${this.timeoutMs} ms`) : error, attempt);
        waited += delay;
        await sleep(delay, request.signal);
        continue;
      }
      if (response.ok) return { status: response.status, text };
      if (response.status === 401 && !request.noAuth && !refreshed) {
        refreshed = true;
        if (await this.auth.refreshAfterRefusal(request.signal)) {
          attempt -= 1; // the refusal does not count against the retry budget
          continue;
        }
      }
      if (isRetryableStatus(response.status)) {
        const retryAfter = retryAfterMs(response.headers.get('retry-after'));
        const delay = Math.max(retryAfter ?? 0, this.backoff(attempt));
        if (attempt >= this.maxAttempts) throw errorOfResponse(request.subject, response.status, text, ` after ${attempt} attempts`);
        if (waited + delay > this.budgetMs) {
          throw errorOfResponse(request.subject, response.status, text, `; Retry-After ${Math.ceil(delay / 1000)} s exceeds the retry budget of ${Math.round(this.budgetMs / 1000)} s`);
        }
        waited += delay;
        await sleep(delay, request.signal);
        continue;
      }
      throw errorOfResponse(request.subject, response.status, text);
    }
  }

  private backoff(attempt: number): number {
    const base = this.baseDelayMs * 2 ** (attempt - 1);
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }
}

/** `Retry-After` (seconds, or an HTTP date) in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
