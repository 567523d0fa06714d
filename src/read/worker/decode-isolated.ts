/**
 * The reader's entry point to isolated decoding: one process-wide decode worker pool, created on
 * first use, and the call `read-data-file.ts` makes per row-group slice.
 */
import type { RecordBatch } from 'apache-arrow';
import { createWorkerDecoder, type IsolatedDecodeRequest, type WorkerDecoder, type WorkerDecoderOptions } from './worker-decoder.ts';

let shared: WorkerDecoder | undefined;
let sharedOptions: WorkerDecoderOptions = {};

/**
 * Sets the options of the process-wide pool (size, credit, wasm ceiling). Takes effect for the
 * next pool: call before the first decode, or after {@link closeSharedWorkerDecoder}.
 */
export function configureSharedWorkerDecoder(options: WorkerDecoderOptions): void {
  sharedOptions = { ...options };
}

/** The process-wide decode worker pool (default size 1), created on first use. */
export function sharedWorkerDecoder(): WorkerDecoder {
  shared ??= createWorkerDecoder(sharedOptions);
  return shared;
}

/** Terminates the process-wide pool (idle workers never keep the process alive; this is for tests). */
export async function closeSharedWorkerDecoder(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.terminate();
}

/**
 * Decodes one row group (or slice of one) in a decode worker: pull-based, so the worker decodes
 * at most a couple of batches ahead of the loop that iterates. Breaking out of the loop or
 * aborting `signal` cancels the worker's stream. A wasm panic on corrupt data fails the iteration
 * with `IcebergScanError('data_invalid')` naming `request.path`; the process and the pool survive.
 *
 * The buffers of `request.regions` are transferred (detached) when each spans a whole buffer.
 *
 * @example
 * for await (const batch of decodeRowGroupIsolated({ path, fileSize, tail, regions, rowGroup: 0, columns, batchSize }, signal)) {
 *   use(batch);
 * }
 */
export function decodeRowGroupIsolated(request: IsolatedDecodeRequest, signal?: AbortSignal): AsyncIterable<RecordBatch> {
  return sharedWorkerDecoder().decodeRowGroupBatches(request, signal);
}

/** Drops what the decode workers cache for `path` (its footer tail, dictionary pages). */
export function forgetIsolatedFile(path: string): void {
  shared?.forget(path);
}
