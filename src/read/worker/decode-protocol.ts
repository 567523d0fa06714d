/**
 * The messages exchanged between the main thread and a Parquet decode worker (structured-clone
 * data only; byte buffers are transferred where the sender gives them up).
 */
import type { WireBatch, WireSchema } from './batch-wire.ts';

/** A byte region of a Parquet file as sent to a worker. */
export interface WireRegion {
  /** File offset of `bytes[0]`. */
  readonly start: number;
  readonly bytes: Uint8Array;
}

/** Main → worker: decode one row group (or rows `[offset, offset + limit)` of it). */
export interface DecodeMessage {
  readonly type: 'decode';
  readonly id: number;
  /** Identifies the file within the worker's open-file cache (e.g. its path). */
  readonly fileKey: string;
  readonly fileSize: number;
  /** The footer tail (a copy: the main thread keeps its own for later slices). */
  readonly tail: WireRegion;
  /** Column-chunk (and dictionary page) regions the decode needs. */
  readonly regions: readonly WireRegion[];
  readonly rowGroup: number;
  readonly columns: readonly string[];
  readonly batchSize: number;
  readonly slice?: { readonly offset: number; readonly limit: number };
  /** Batches the worker may post before it waits for more credit. */
  readonly credit: number;
}

/** Main → worker: the consumer took `n` batches; the worker may post `n` more. */
export interface CreditMessage {
  readonly type: 'credit';
  readonly id: number;
  readonly n: number;
}

/** Main → worker: stop request `id` (cancels its parquet-wasm stream). */
export interface CancelMessage {
  readonly type: 'cancel';
  readonly id: number;
}

/** Any main → worker message. */
export type ToWorker = DecodeMessage | CreditMessage | CancelMessage;

/** Worker → main: one decoded batch, its buffers transferred (see `batch-wire.ts`). */
export interface BatchMessage {
  readonly type: 'batch';
  readonly id: number;
  /** The batch's schema (structured-cloned): on a request's first batch only. */
  readonly schema?: WireSchema;
  readonly batch: WireBatch;
}

/** Worker → main: request `id` is about to run wasm code (the culprit if the worker dies now). */
export interface EnterMessage {
  readonly type: 'enter';
  readonly id: number;
}

/** Worker → main: request `id` finished (all batches posted, or cancelled). */
export interface DoneMessage {
  readonly type: 'done';
  readonly id: number;
  /** The worker's parquet-wasm linear memory size after the request (it never shrinks). */
  readonly wasmBytes: number;
}

/** Worker → main: request `id` failed without killing the worker. */
export interface FailMessage {
  readonly type: 'error';
  readonly id: number;
  readonly message: string;
  /** Bytes the decoder asked for that no region covered (a planning bug), if that is the failure. */
  readonly miss?: readonly [number, number];
  /** True when the wasm instance may be corrupt (a trap): the worker exits after this message. */
  readonly fatal: boolean;
}

/** Any worker → main message. */
export type FromWorker = BatchMessage | EnterMessage | DoneMessage | FailMessage;
