/**
 * Which refresh failures a watch retries, how long it waits between attempts, and the error it
 * ends with when the budget is spent.
 */
import { IcebergScanError, isIcebergScanError, type ErrorCode } from '../errors.ts';

/** Retry budget of one poll's refresh. */
export interface RefreshRetryOptions {
  /** Attempts per poll, the first included (default 5). */
  readonly attempts?: number;
  /** Wait before the second attempt in ms; doubled for each further one (default 250). */
  readonly initialDelay?: number;
  /** Longest wait between attempts in ms (default 10 000). */
  readonly maxDelay?: number;
}

/** The defaults of {@link RefreshRetryOptions}. */
export const DEFAULT_REFRESH_RETRY = { attempts: 5, initialDelay: 250, maxDelay: 10_000 } as const;

/**
 * Codes that no retry can cure: the caller's own mistake, a refusal, a cancellation. Everything
 * else is retried: a metadata file still being written (`data_invalid`) or vanished between listing
 * and reading (`not_found`), I/O and service failures, and errors that are not `IcebergScanError`s.
 */
const PERMANENT: ReadonlySet<ErrorCode> = new Set(['aborted', 'invalid_argument', 'path_refused', 'unauthorized', 'forbidden', 'feature_unsupported', 'type_mismatch']);

/** True when a refresh that failed with `error` is worth another attempt. */
export function isRetryableRefreshError(error: unknown): boolean {
  return !isIcebergScanError(error) || !PERMANENT.has(error.code);
}

/** The wait before attempt `attempt + 1` after `attempt` failed (exponential, capped). */
export function refreshRetryDelay(attempt: number, options: RefreshRetryOptions = {}): number {
  const initial = options.initialDelay ?? DEFAULT_REFRESH_RETRY.initialDelay;
  const max = options.maxDelay ?? DEFAULT_REFRESH_RETRY.maxDelay;
  return Math.min(max, initial * 2 ** (attempt - 1));
}

/**
 * The error a watch ends with after `attempts` failed refreshes: the last failure's code (or
 * `io_failed` for a foreign error), naming the table and the attempts; the failure is the cause.
 */
export function refreshFailedError(error: unknown, attempts: number, tableName: string): IcebergScanError {
  const code: ErrorCode = isIcebergScanError(error) ? error.code : 'io_failed';
  if (isIcebergScanError(error) && !isRetryableRefreshError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new IcebergScanError(code, `watch: refreshing ${tableName} failed ${attempts} time${attempts === 1 ? '' : 's'}: ${message}`, {
    ...(isIcebergScanError(error) && error.path !== undefined ? { path: error.path } : {}),
    context: { attempts, table: tableName },
    cause: error,
  });
}

/** Validates the retry options (`invalid_argument` for a non-positive or non-finite value). */
export function checkRetryOptions(options: RefreshRetryOptions | undefined): void {
  if (options === undefined) return;
  const bad = (name: string, v: number | undefined, min: number) => v !== undefined && (!Number.isFinite(v) || v < min || (name === 'attempts' && !Number.isInteger(v)));
  for (const [name, v, min] of [['attempts', options.attempts, 1], ['initialDelay', options.initialDelay, 0], ['maxDelay', options.maxDelay, 0]] as const) {
    if (bad(name, v, min)) throw new IcebergScanError('invalid_argument', `watch retry.${name} is ${String(v)}`, { expected: `a number >= ${min}` });
  }
}
