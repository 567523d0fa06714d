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

/** A byte range of the file, `[start, end)`. */
export interface WireRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Main → worker: decode one row group (or rows `[offset, offset + limit)` of it).
 *
 * Bytes that many requests of one file need, the footer tail and a row group's dictionary pages,
 * reach a worker once and stay in its per-file cache: `tail` is omitted when the main thread's
 * mirror of that cache says the worker holds it; `keep` makes the worker copy ranges out of this
 * request's regions into the cache; `sharedKey` names cached bytes the decode also needs (sent
 * later in a {@link SharedMessage} when `sharedFollows`). Both sides apply `fileCacheTouch` to
 * every decode message, in message order, so the mirror stays exact.
 */
export interface DecodeMessage {
  readonly type: 'decode';
  readonly id: number;
  /** Identifies the file within the worker's caches (e.g. its path). */
  readonly fileKey: string;
  readonly fileSize: number;
  /** The footer tail, when the worker's cache lacks it. */
  readonly tail?: WireRegion;
  /** Ranges of `regions` to keep in the file's cache under `key` (e.g. the row group's dictionary pages). */
  readonly keep?: { readonly key: string; readonly ranges: readonly WireRange[] };
  /** Cached bytes this decode also needs. */
  readonly sharedKey?: string;
  /** The worker lacks `sharedKey`'s bytes: a {@link SharedMessage} with them follows. */
  readonly sharedFollows?: boolean;
  /** Column-chunk (and dictionary page) regions of this decode (transferred). */
  readonly regions: readonly WireRegion[];
  readonly rowGroup: number;
  readonly columns: readonly string[];
  readonly batchSize: number;
  readonly slice?: { readonly offset: number; readonly limit: number };
  /**
   * Rows to drop (1) among the slice's rows (one entry per row of the slice): the worker copies
   * only the others out of each batch. Every batch but the last then must hold `batchSize` rows,
   * and a batch whose rows are all dropped is posted empty, so batch `j` covers the slice's rows
   * `[j * batchSize, (j + 1) * batchSize)`.
   */
  readonly deleted?: Uint8Array;
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

/** Main → worker: the bytes announced by `sharedFollows` (or why they could not be read). */
export interface SharedMessage {
  readonly type: 'shared';
  readonly fileKey: string;
  readonly key: string;
  readonly regions?: readonly WireRegion[];
  readonly error?: string;
}

/** Main → worker: the file's reads are over; drop its cache entry. */
export interface ForgetMessage {
  readonly type: 'forget';
  readonly fileKey: string;
}

/** Any main → worker message. */
export type ToWorker = DecodeMessage | CreditMessage | CancelMessage | SharedMessage | ForgetMessage;

/** Files whose tail and shared bytes a worker keeps (the least recently used is dropped beyond this). */
export const FILE_CACHE_ENTRIES = 8;

/**
 * What a worker caches for one file; the main thread mirrors it (`Tail = true`, `Shared = true`).
 */
export interface FileCacheEntry<Tail, Shared> {
  tail: Tail | undefined;
  shared: { readonly key: string; readonly bytes: Shared } | undefined;
}

/**
 * The cache rule both sides apply to each decode message, in message order: the file's entry (new
 * if absent) becomes the most recent, and the least recent beyond {@link FILE_CACHE_ENTRIES} is
 * dropped. The caller then updates the returned entry from the message.
 */
export function fileCacheTouch<Tail, Shared>(cache: Map<string, FileCacheEntry<Tail, Shared>>, fileKey: string): FileCacheEntry<Tail, Shared> {
  const entry = cache.get(fileKey) ?? { tail: undefined, shared: undefined };
  cache.delete(fileKey);
  cache.set(fileKey, entry);
  while (cache.size > FILE_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return entry;
}

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
  /** The failure was reading bytes the decode needed (a failed `shared` load), not decoding. */
  readonly readFailed?: boolean;
}

/** Any worker → main message. */
export type FromWorker = BatchMessage | EnterMessage | DoneMessage | FailMessage;
