/**
 * The decode seam of the per-file reader: one row group's projected column chunks in, its record
 * batches out, pulled one at a time. Two implementations: on the calling thread
 * (`decodeWorkers: 0`) and in a pool of decode workers (the default).
 */
import type { RecordBatch } from 'apache-arrow';
import { IcebergScanError, isIcebergScanError } from '../../errors.ts';
import type { HostedJob } from './decoder-host.ts';
import { DecoderError } from './wasm-decoder.ts';

/** One row group (or the part of its columns one worker decodes) to decode, in a named file. */
export interface DecodeJob extends HostedJob {
  /** The data or delete file, named in errors. */
  readonly path: string;
  /** Lower decodes first when a decoder has several jobs with room to go ahead (the scan's order). */
  readonly priority: number;
  /** Called once the decoder has decoded the last batch or given up (its input bytes are freed then). */
  readonly onDecoded?: () => void;
}

/**
 * Decodes row groups. `decode` returns a pull-based iterator: the decoder runs at most a bounded
 * number of bytes ahead of the pulls; `return()` (or aborting `signal`) cancels the job and frees
 * its memory. Failures are `IcebergScanError`s: `data_invalid` naming the file and row group.
 */
export interface RowGroupDecoder {
  decode(job: DecodeJob, signal: AbortSignal): AsyncIterator<RecordBatch, undefined>;
  /** Drops what the decoder keeps for `fileKey` (call when the file's reads are over). */
  forget(fileKey: string): void;
}

/**
 * The key under which decoders keep a file's parsed footer: its path, size and a hash of the tail
 * bytes, so a rewritten file at the same path is never decoded with a stale footer.
 */
export function fileKeyOf(path: string, fileSize: number, tail: Uint8Array): string {
  let h = 0x811c9dc5; // FNV-1a over the tail: microseconds for a footer
  for (let i = 0; i < tail.length; i++) h = Math.imul(h ^ tail[i]!, 0x01000193);
  return `${path}\u0000${fileSize}\u0000${(h >>> 0).toString(16)}`;
}

/** The typed error for a decoder failure in `job`. */
export function decodeFailure(job: Pick<DecodeJob, 'path' | 'rowGroup'>, message: string, trapped: boolean, cause?: unknown): IcebergScanError {
  const what = trapped ? 'the Parquet decoder trapped' : 'cannot decode Parquet data';
  return new IcebergScanError('data_invalid', `${what} in row group ${job.rowGroup}: ${message}`, {
    path: job.path,
    expected: 'a readable Parquet file',
    context: { rowGroup: job.rowGroup },
    cause,
  });
}

/** {@link decodeFailure} for a thrown value (a `DecoderError` or anything else). */
export function asDecodeFailure(job: Pick<DecodeJob, 'path' | 'rowGroup'>, error: unknown): IcebergScanError {
  if (isIcebergScanError(error)) return error;
  const trapped = error instanceof DecoderError ? error.trapped : true;
  return decodeFailure(job, (error as Error)?.message ?? String(error), trapped, error);
}
