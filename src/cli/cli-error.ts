/**
 * Exit codes of `iceberg-rx` and the usage error that maps to exit code 2.
 */
import { isIcebergScanError } from '../errors.ts';

/** Exit code: the command completed. */
export const EXIT_OK = 0;
/** Exit code: the scan (or load, or plan) failed; the error code and file are printed. */
export const EXIT_FAILED = 1;
/** Exit code: the command line was wrong (unknown option, bad value, missing table). */
export const EXIT_USAGE = 2;

/** A command-line mistake: printed with the command's usage line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The exit code of an error: 2 for usage errors and `invalid_argument`, 1 otherwise. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT_USAGE;
  if (isIcebergScanError(error) && error.code === 'invalid_argument') return EXIT_USAGE;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return EXIT_USAGE;
  return EXIT_FAILED;
}

/** The one-paragraph stderr report of an error: `iceberg-rx: error [code]: message` plus the file. */
export function describeError(error: unknown): string {
  if (isIcebergScanError(error)) {
    const lines = [`iceberg-rx: error [${error.code}]: ${error.message}`];
    if (error.path !== undefined) lines.push(`  file: ${error.path}`);
    const cause = error.cause instanceof Error ? error.cause.message : undefined;
    if (cause !== undefined && !error.message.includes(cause)) lines.push(`  cause: ${cause}`);
    return `${lines.join('\n')}\n`;
  }
  if (error instanceof UsageError) return `iceberg-rx: ${error.message}\n`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    return `iceberg-rx: ${(error as Error).message}\n`;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `iceberg-rx: unexpected error: ${message}\n`;
}
