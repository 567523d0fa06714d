/**
 * A bound on the requests a remote FileIO has in flight: each request (headers and body) holds one
 * slot, and further requests wait in arrival order until a slot frees.
 */
import { IcebergScanError, abortedError } from '../errors.ts';

/**
 * Requests in flight per remote FileIO. 16: enough parallel ranged GETs to fill a link whose
 * single-stream throughput is latency-bound (the AWS performance guidelines suggest one request
 * per 85–90 MB/s wanted), while staying well below the SDK's default socket pool of 50 and S3's
 * per-prefix request rates.
 */
export const DEFAULT_MAX_REQUESTS = 16;

/** A counting semaphore for requests; waiting requests leave the queue when their signal aborts. */
export class RequestLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  /**
   * @param maxRequests Slots; a positive safe integer.
   */
  constructor(readonly maxRequests: number = DEFAULT_MAX_REQUESTS) {
    if (!Number.isSafeInteger(maxRequests) || maxRequests < 1) {
      throw new IcebergScanError('invalid_argument', `maxRequests must be a positive integer, got ${maxRequests}`);
    }
  }

  /**
   * Runs `request` once a slot is free, and frees the slot when it settles.
   *
   * @param request One request, its body read in full.
   * @param signal Aborts the wait (rejecting with `aborted`); the request itself handles it too.
   * @returns What `request` returns.
   */
  async run<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await request();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortedError());
    if (this.active < this.maxRequests) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.active += 1;
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortedError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }
}
