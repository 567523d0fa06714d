/**
 * HTTP(S) behind the `InputFile` seam: ranged `fetch` requests, lengths from `Content-Range` or
 * `HEAD`, and servers that ignore `Range` (200 with the whole body) served from one kept download.
 */
import { IcebergScanError, abortedError, isIcebergScanError } from '../errors.ts';
import type { FileIO, InputFile, ReadObserver } from './input-file.ts';
import { DEFAULT_PART_BYTES, readInParts } from './read-in-parts.ts';
import { DEFAULT_MAX_REQUESTS, RequestLimiter } from './request-limiter.ts';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_STALL_TIMEOUT_MS, TransientReadError, ioFailed, readBody, redactLocation, withRetries } from './read-body.ts';

/**
 * Bytes of whole bodies kept per `HttpFileIO` for servers that ignore `Range`: 64 MiB, so that
 * metadata files and typical data files are downloaded once, not once per range, while memory
 * stays bounded (least recently used bodies are dropped first).
 */
export const DEFAULT_WHOLE_BODY_CACHE_BYTES = 64 * 1024 * 1024;

/** Options of {@link HttpFileIO}. */
export interface HttpFileIOOptions {
  /** Headers sent with every request (e.g. `authorization`). Never shown in errors. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Attempts per request, the first included (default {@link DEFAULT_MAX_ATTEMPTS}). */
  readonly maxAttempts?: number;
  /** Milliseconds without a byte (headers or body) before a response is retried (default {@link DEFAULT_STALL_TIMEOUT_MS}). */
  readonly stallTimeoutMs?: number;
  /** First retry backoff in milliseconds (default 100). */
  readonly retryBaseDelayMs?: number;
  /** Bound of kept whole bodies (default {@link DEFAULT_WHOLE_BODY_CACHE_BYTES}). */
  readonly wholeBodyCacheBytes?: number;
  /** Requests in flight at once across every file of this FileIO (default {@link DEFAULT_MAX_REQUESTS}). */
  readonly maxRequests?: number;
  /** Ranges longer than this many bytes are fetched as parallel parts (default {@link DEFAULT_PART_BYTES}). */
  readonly partBytes?: number;
}

/** The statuses retried: throttling and transient server errors. */
const RETRIED = new Set([408, 429, 500, 502, 503, 504]);

interface HttpState {
  readonly headers: Readonly<Record<string, string>>;
  readonly maxAttempts: number;
  readonly stallTimeoutMs: number;
  readonly retryBaseDelayMs: number;
  readonly cacheBytes: number;
  readonly limiter: RequestLimiter;
  readonly partBytes: number;
  /** Lengths learned from `Content-Range`, `HEAD` or whole bodies. */
  readonly lengths: Map<string, number>;
  /** Objects that answered a ranged GET with 206 (their large reads are split into parts). */
  readonly ranged: Set<string>;
  /** Whole bodies of objects whose server ignored `Range` (insertion order = recency). */
  readonly bodies: Map<string, Uint8Array>;
  keptBytes: number;
}

/** A `FileIO` for `http://` and `https://` locations. */
export class HttpFileIO implements FileIO {
  private readonly state: HttpState;

  constructor(options: HttpFileIOOptions = {}) {
    if (options.partBytes !== undefined && !(Number.isSafeInteger(options.partBytes) && options.partBytes > 0)) {
      throw new IcebergScanError('invalid_argument', `partBytes must be a positive integer, got ${options.partBytes}`);
    }
    this.state = {
      headers: options.headers ?? {},
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 100,
      cacheBytes: options.wholeBodyCacheBytes ?? DEFAULT_WHOLE_BODY_CACHE_BYTES,
      limiter: new RequestLimiter(options.maxRequests ?? DEFAULT_MAX_REQUESTS),
      partBytes: options.partBytes ?? DEFAULT_PART_BYTES,
      lengths: new Map(),
      ranged: new Set(),
      bodies: new Map(),
      keptBytes: 0,
    };
  }

  newInputFile(location: string): InputFile {
    return new HttpInputFile(location, this.state);
  }
}

/** One attempt's response, its per-attempt controller (aborting it closes the connection). */
interface Attempt {
  readonly response: Response;
  readonly controller: AbortController;
}

class HttpInputFile implements InputFile {
  private readonly what: string;

  constructor(
    readonly location: string,
    private readonly state: HttpState,
  ) {
    this.what = redactLocation(location);
  }

  async length(signal?: AbortSignal): Promise<number> {
    const known = this.state.lengths.get(this.location);
    if (known !== undefined) return known;
    const length = await this.retried(signal, undefined, async () => {
      const { response, controller } = await this.request('HEAD', undefined, signal);
      controller.abort();
      const n = Number(response.headers.get('content-length') ?? Number.NaN);
      if (response.ok && Number.isSafeInteger(n)) return n;
      if (response.ok || response.status === 405 || response.status === 501) return undefined;
      throw this.statusError(response.status, 'HEAD');
    });
    if (length !== undefined) {
      this.state.lengths.set(this.location, length);
      return length;
    }
    // No usable HEAD: one byte's Content-Range names the length (or the server sends it all).
    await this.read(0, 1, signal);
    const learned = this.state.lengths.get(this.location);
    if (learned === undefined) throw ioFailed(this.what, 'http: the server tells no length (no Content-Length on HEAD, no Content-Range)', {});
    return learned;
  }

  async read(start: number, end: number, signal?: AbortSignal, observer?: ReadObserver): Promise<Uint8Array> {
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end >= start)) {
      throw new IcebergScanError('invalid_argument', `bad byte range [${start}, ${end})`, { path: this.what });
    }
    if (signal?.aborted) throw abortedError(this.what);
    if (end === start) return new Uint8Array(0);
    const kept = this.state.bodies.get(this.location);
    if (kept !== undefined) {
      // Refresh its recency.
      this.state.bodies.delete(this.location);
      this.state.bodies.set(this.location, kept);
      return this.slice(kept, start, end);
    }
    // Split only once this object answered a range with 206: from a server that ignores Range,
    // every part would download the whole body.
    const partBytes = this.state.ranged.has(this.location) ? this.state.partBytes : Number.POSITIVE_INFINITY;
    return readInParts(start, end, partBytes, signal, (s, e, partSignal) => this.readPart(s, e, partSignal, observer));
  }

  /** One ranged GET, retried within the attempt budget. */
  private readPart(start: number, end: number, signal: AbortSignal | undefined, observer: ReadObserver | undefined): Promise<Uint8Array> {
    const kept = this.state.bodies.get(this.location);
    if (kept !== undefined) return Promise.resolve(this.slice(kept, start, end));
    const range = `bytes=${start}-${end - 1}`;
    return this.retried(signal, observer, async () => {
      const { response, controller } = await this.request('GET', range, signal);
      const what = `${this.what} ${range}`;
      try {
        if (response.status === 206) {
          const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
          if (m === null || Number(m[1]) !== start) throw ioFailed(this.what, `http GET ${range}: 206 with Content-Range ${response.headers.get('content-range') ?? 'missing'}`, { status: 206 });
          if (m[3] !== '*') this.state.lengths.set(this.location, Number(m[3]));
          this.state.ranged.add(this.location);
          if (Number(m[2]) + 1 < end) throw ioFailed(this.what, `http GET ${range}: object ends at byte ${Number(m[2]) + 1} (read past end)`, { status: 206 });
          return await readBody(response.body!, { expected: end - start, stallTimeoutMs: this.state.stallTimeoutMs, signal, what });
        }
        if (response.status === 200) return await this.wholeBody(response, start, end, signal);
        if (response.status === 416) throw ioFailed(this.what, `http GET ${range}: HTTP 416 (read past end)`, { status: 416 });
        throw this.statusError(response.status, `GET ${range}`);
      } finally {
        controller.abort();
      }
    });
  }

  /**
   * A 200 answer to a ranged request: the server ignores `Range`. A body within the cache bound is
   * kept, so later ranges of this object are served from it; a larger one is read up to `end` only.
   */
  private async wholeBody(response: Response, start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    const n = Number(response.headers.get('content-length') ?? Number.NaN);
    const what = `${this.what} (server ignored Range)`;
    if (Number.isSafeInteger(n) && n <= this.state.cacheBytes) {
      const bytes = await readBody(response.body!, { expected: n, stallTimeoutMs: this.state.stallTimeoutMs, signal, what });
      this.keep(bytes);
      return this.slice(bytes, start, end);
    }
    const prefix = await readBody(response.body!, { expected: end, stallTimeoutMs: this.state.stallTimeoutMs, signal, what, prefix: true });
    return prefix.subarray(start, end);
  }

  private keep(bytes: Uint8Array): void {
    const { bodies, lengths } = this.state;
    lengths.set(this.location, bytes.byteLength);
    if (bodies.has(this.location) || bytes.byteLength > this.state.cacheBytes) return;
    bodies.set(this.location, bytes);
    this.state.keptBytes += bytes.byteLength;
    for (const [location, kept] of bodies) {
      if (this.state.keptBytes <= this.state.cacheBytes) break;
      bodies.delete(location);
      this.state.keptBytes -= kept.byteLength;
    }
  }

  private slice(bytes: Uint8Array, start: number, end: number): Uint8Array {
    if (end > bytes.byteLength) throw ioFailed(this.what, `http: read [${start}, ${end}) past the end of a ${bytes.byteLength}-byte object`, {});
    return bytes.subarray(start, end);
  }

  /** Runs `attempt` (one request, its body read) holding a request slot, retried within the budget. */
  private retried<T>(signal: AbortSignal | undefined, observer: ReadObserver | undefined, attempt: () => Promise<T>): Promise<T> {
    return withRetries(() => this.state.limiter.run(attempt, signal), {
      maxAttempts: this.state.maxAttempts,
      baseDelayMs: this.state.retryBaseDelayMs,
      ...(signal !== undefined ? { signal } : {}),
      ...(observer?.onRetry !== undefined ? { onRetry: () => observer.onRetry?.() } : {}),
      exhausted: (error, attempts) =>
        ioFailed(this.what, `http ${error.message.replace(`${this.what} `, '')} (after ${attempts} attempts)`, { attempts, ...(error.status !== undefined ? { status: error.status } : {}) }, error),
    });
  }

  /**
   * Sends one request with its own controller, aborted by the scan's signal and by a stall timer
   * until the headers arrive. Network faults and retried statuses throw `TransientReadError`.
   */
  private async request(method: 'GET' | 'HEAD', range: string | undefined, signal?: AbortSignal): Promise<Attempt> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let stalled = false;
    const timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, this.state.stallTimeoutMs);
    try {
      const response = await fetch(this.location, {
        method,
        headers: { ...this.state.headers, ...(range !== undefined ? { range } : {}) },
        signal: controller.signal,
      });
      if (RETRIED.has(response.status)) {
        controller.abort();
        throw new TransientReadError(`${method} ${range ?? ''}: HTTP ${response.status}`.replace('  ', ' '), response.status);
      }
      return { response, controller };
    } catch (error) {
      if (signal?.aborted) throw abortedError(this.what);
      if (error instanceof TransientReadError || isIcebergScanError(error)) throw error;
      if (stalled) throw new TransientReadError(`${method}: no response for ${this.state.stallTimeoutMs} ms (stalled)`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new TransientReadError(`${method}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private statusError(status: number, operation: string): IcebergScanError {
    if (status === 404 || status === 410) return new IcebergScanError('not_found', `http ${operation}: HTTP ${status}`, { path: this.what, context: { status } });
    return ioFailed(this.what, `http ${operation}: HTTP ${status}`, { status });
  }
}
