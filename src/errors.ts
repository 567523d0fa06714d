/**
 * The one error family of iceberg-rx: every failure a caller can see is an `IcebergScanError`
 * with a stable `code`, the file it concerns and what was expected.
 */

/**
 * Stable error codes. Callers branch on these, never on message text.
 *
 * - `invalid_argument`: a caller-supplied option, filter or selection is wrong.
 * - `data_invalid`: a metadata file, manifest, Parquet, delete or Puffin file is corrupt or breaks the spec.
 * - `not_found`: a referenced file, snapshot, ref, schema or column does not exist.
 * - `io_failed`: reading bytes failed (the cause holds the underlying error).
 * - `aborted`: the scan was cancelled through its `AbortSignal`.
 * - `feature_unsupported`: valid Iceberg that this reader does not implement (e.g. ORC data files).
 * - `path_refused`: a metadata file points outside the table root and no location map covers it.
 * - `type_mismatch`: a file's column cannot be read as the table's type (no allowed promotion).
 * - `unauthorized`: a catalog or object store refused the credentials (HTTP 401), after any refresh.
 * - `forbidden`: the credentials are valid but not allowed this table or namespace (HTTP 403).
 * - `unavailable`: a catalog or service is down or overloaded (refused connection, 5xx) after its retries.
 * - `non_append_snapshot`: an incremental scan or watch met a snapshot that is not an append
 *   (`overwrite`, `delete`, a `replace` that changes data) and was not told to skip it.
 */
export type ErrorCode =
  | 'invalid_argument'
  | 'data_invalid'
  | 'not_found'
  | 'io_failed'
  | 'aborted'
  | 'feature_unsupported'
  | 'path_refused'
  | 'type_mismatch'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'non_append_snapshot';

/** Extra values that locate an error: file path, snapshot id, field id, JSON path... */
export type ErrorContext = Readonly<Record<string, string | number | bigint | boolean | undefined>>;

const BRAND = Symbol.for('iceberg-rx.IcebergScanError');

/** Options of {@link IcebergScanError}. */
export interface IcebergScanErrorOptions {
  /** The file (data, delete, manifest or metadata) the error concerns, when there is one. */
  readonly path?: string;
  /** What was expected instead, in words. */
  readonly expected?: string;
  /** Further locating values. */
  readonly context?: ErrorContext;
  /** The underlying error. */
  readonly cause?: unknown;
}

/** The error class of iceberg-rx. */
export class IcebergScanError extends Error {
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly expected: string | undefined;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: IcebergScanErrorOptions = {}) {
    const where = options.path !== undefined ? ` (file: ${options.path})` : '';
    const want = options.expected !== undefined ? `; expected ${options.expected}` : '';
    super(`${message}${want}${where}`, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'IcebergScanError';
    this.code = code;
    this.path = options.path;
    this.expected = options.expected;
    this.context = options.context ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for any `IcebergScanError`, even one from another copy of this package. */
export function isIcebergScanError(error: unknown): error is IcebergScanError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** The `AbortError` raised when a scan's signal aborts. */
export function abortedError(path?: string): IcebergScanError {
  return new IcebergScanError('aborted', 'scan aborted', { path });
}

/**
 * Wraps any thrown value as an `IcebergScanError`, keeping an existing one unchanged and naming
 * `path` otherwise.
 */
export function asScanError(error: unknown, code: ErrorCode, path?: string): IcebergScanError {
  if (isIcebergScanError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new IcebergScanError(code, message, { path, cause: error });
}

/**
 * The error a file reader reports: an `IcebergScanError` gets `path` when it has none; anything else
 * (a decoder's own exception) becomes `data_invalid` "cannot decode <format> data", expecting a
 * readable file of that format.
 */
export function asFileReadError(error: unknown, path: string, format: string): IcebergScanError {
  if (isIcebergScanError(error)) {
    if (error.path !== undefined) return error;
    return new IcebergScanError(error.code, error.message, { path, expected: error.expected, context: error.context, cause: error });
  }
  return new IcebergScanError('data_invalid', `cannot decode ${format} data: ${(error as Error)?.message ?? error}`, {
    path,
    expected: `a readable ${format} data file`,
    cause: error,
  });
}
