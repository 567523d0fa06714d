/**
 * Response bodies of remote reads: collected into one buffer of exactly the expected length, with a
 * watchdog that fails a body from which no byte arrived for a while (a stalled socket), and
 * retries of transient faults with exponential backoff.
 */
import { IcebergScanError, abortedError, isIcebergScanError } from '../errors.ts';

/**
 * Attempts per request (the first one included) before a transient fault fails the scan. 3, the
 * AWS SDKs' default for their standard retry mode.
 */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Milliseconds without a byte after which a response (headers or body) counts as stalled and is
 * retried. 30 s: long enough for a throttled store under load, short enough that a dead socket
 * does not hold a scan for the OS's TCP timeout (minutes).
 */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** A transient fault of one attempt: retried within the attempt budget. */
export class TransientReadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TransientReadError';
  }
}

/** A body as the SDK (Node `Readable`) or `fetch` (web `ReadableStream`) gives it. */
export type ResponseBody = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

function iteratorOf(body: ResponseBody): { next(): Promise<IteratorResult<Uint8Array>>; cancel(): void } {
  if (typeof (body as ReadableStream).getReader === 'function') {
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    return { next: () => reader.read() as Promise<IteratorResult<Uint8Array>>, cancel: () => void reader.cancel().catch(() => undefined) };
  }
  const it = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const destroy = (body as { destroy?: () => void }).destroy;
  return {
    next: () => it.next(),
    cancel: () => {
      if (typeof destroy === 'function') destroy.call(body);
      else void it.return?.().catch(() => undefined);
    },
  };
}

/** Options of {@link readBody}. */
export interface ReadBodyOptions {
  /** Bytes the body must hold; more or fewer is a (transient) truncation fault. */
  readonly expected: number;
  /** Milliseconds without a byte before the body counts as stalled. */
  readonly stallTimeoutMs: number;
  /** Aborts the read (the body is cancelled, and `aborted` thrown). */
  readonly signal?: AbortSignal;
  /** Used in messages: the object (never a signed URL). */
  readonly what: string;
  /** Read only the first `expected` bytes and cancel the rest (a body longer than asked is then fine). */
  readonly prefix?: boolean;
}

/**
 * Reads `body` into one buffer of `expected` bytes. Cancels the body and throws
 * `TransientReadError` when it ends short, runs long, errors (connection reset) or stalls;
 * `aborted` when `signal` aborts.
 *
 * @param body The response body.
 * @param options Expected length, stall timeout, signal, and the object's name for messages.
 * @returns The bytes.
 */
export async function readBody(body: ResponseBody, options: ReadBodyOptions): Promise<Uint8Array> {
  const { expected, stallTimeoutMs, signal, what } = options;
  const out = new Uint8Array(Buffer.allocUnsafeSlow(expected).buffer);
  const it = iteratorOf(body);
  let done = 0;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortedError(what));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  interrupted.catch(() => undefined);
  try {
    if (signal?.aborted) throw abortedError(what);
    for (;;) {
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TransientReadError(`${what}: no byte for ${stallTimeoutMs} ms after ${done} of ${expected} bytes (stalled)`)), stallTimeoutMs);
      });
      let step: IteratorResult<Uint8Array>;
      try {
        step = await Promise.race([it.next(), stalled, interrupted]);
      } catch (error) {
        if (isIcebergScanError(error) || error instanceof TransientReadError) throw error;
        throw new TransientReadError(`${what}: body failed after ${done} of ${expected} bytes (${(error as Error)?.message ?? error})`);
      } finally {
        clearTimeout(timer);
      }
      if (step.done) break;
      const chunk = step.value;
      if (done + chunk.byteLength > expected) {
        if (options.prefix !== true) throw new TransientReadError(`${what}: body longer than the ${expected} bytes asked for`);
        out.set(chunk.subarray(0, expected - done), done);
        done = expected;
        it.cancel();
        break;
      }
      out.set(chunk, done);
      done += chunk.byteLength;
      if (done === expected && options.prefix === true) {
        it.cancel();
        break;
      }
    }
    if (done !== expected) throw new TransientReadError(`${what}: body ended after ${done} of ${expected} bytes (truncated)`);
    return out;
  } catch (error) {
    it.cancel();
    throw error;
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  readonly signal?: AbortSignal;
  /** First backoff in milliseconds (doubled per retry, with full jitter). Default 100, as the AWS SDK. */
  readonly baseDelayMs?: number;
  /** Called before each retry (after a transient fault, when budget is left). */
  readonly onRetry?: () => void;
  /** Builds the final error from the last transient fault and the attempts made. */
  readonly exhausted: (error: TransientReadError, attempts: number) => IcebergScanError;
}

/**
 * Runs `attempt` until it succeeds, throws a non-transient error, or the attempt budget is spent.
 * `attempt` receives the number of attempts already spent (1 for the first) and returns the
 * result and how many attempts it used itself (the AWS SDK retries inside one call).
 *
 * @param attempt One try.
 * @param options Budget, signal, backoff and the final error.
 * @returns The first successful result.
 */
export async function withRetries<T>(attempt: (spent: number) => Promise<T>, options: RetryOptions): Promise<T> {
  let spent = 0;
  for (;;) {
    if (options.signal?.aborted) throw abortedError();
    spent += 1;
    try {
      return await attempt(spent);
    } catch (error) {
      if (!(error instanceof TransientReadError)) throw error;
      if (spent >= options.maxAttempts) throw options.exhausted(error, spent);
      options.onRetry?.();
      await backoff((options.baseDelayMs ?? 100) * 2 ** (spent - 1), options.signal);
    }
  }
}

function backoff(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, Math.random() * ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(abortedError());
    }
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A location without query string, fragment or user info, safe to put in an error message. */
export function redactLocation(location: string): string {
  return location.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1').replace(/[?#].*$/s, '');
}

/** An `io_failed` error for `what` after `attempts`, with the HTTP status when there was one. */
export function ioFailed(what: string, message: string, context: Record<string, string | number | undefined>, cause?: unknown): IcebergScanError {
  return new IcebergScanError('io_failed', message, { path: what, context, ...(cause !== undefined ? { cause } : {}) });
}
