/**
 * The decode worker script: runs parquet-wasm on byte regions sent by the main thread and posts
 * each decoded batch back (copied out of wasm memory, its buffers transferred), at most `credit`
 * batches ahead of the consumer.
 */
import { parentPort } from 'node:worker_threads';
import { MemoryBlob } from '../memory-blob.ts';
import { keptOffsets } from '../../task/row-selection.ts';
import { batchToWire, schemaToWire } from './batch-wire.ts';
import {
  freeWasmBatch,
  openWasmParquetFile,
  streamRowGroup,
  toArrowBatch,
  wasmMemoryBytes,
  type WasmBatchReader,
  type WasmParquetFile,
} from '../parquet-wasm.ts';
import { fileCacheTouch, type DecodeMessage, type FileCacheEntry, type FromWorker, type ToWorker, type WireRegion } from './decode-protocol.ts';

/** An opened file kept across the row groups (slices) of one file. */
interface OpenFile {
  readonly blob: MemoryBlob;
  readonly file: WasmParquetFile;
  busy: boolean;
}

/** A running request. */
interface Job {
  credit: number;
  cancelled: boolean;
  reader: WasmBatchReader | undefined;
  /** Resolves a wait for credit or cancellation. */
  wake: (() => void) | undefined;
}

/** Open files kept after their request ends (few: each holds a parsed footer inside wasm). */
const MAX_CACHED_FILES = 2;

const port = parentPort;
if (port === null) throw new Error('decode-worker.ts must run in a worker thread');
const cache = new Map<string, OpenFile>();
/** Per file: the footer tail and shared bytes (a row group's dictionary pages) kept for later requests. */
const files = new Map<string, FileCacheEntry<readonly WireRegion[], Promise<readonly WireRegion[]>>>();
/**
 * Shared bytes announced by `sharedFollows`, oldest first, each settled by one 'shared' message.
 * Two announcements of one file and key (the entry was evicted in between) await the same bytes,
 * so whichever load arrives first serves the oldest.
 */
const announced = new Map<string, Array<{ resolve: (regions: readonly WireRegion[]) => void; reject: (error: Error) => void }>>();
const jobs = new Map<number, Job>();
/** Serialises wasm calls, so a trap can be blamed on the request that made the call. */
let wasmTurn: Promise<unknown> = Promise.resolve();

const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

port.on('message', (message: ToWorker) => {
  if (message.type === 'forget') {
    files.delete(message.fileKey);
    return;
  }
  if (message.type === 'shared') {
    const id = sharedId(message.fileKey, message.key);
    const queue = announced.get(id);
    const waiting = queue?.shift();
    if (queue?.length === 0) announced.delete(id);
    if (message.regions !== undefined) waiting?.resolve(message.regions);
    else waiting?.reject(new SharedLoadError(message.error ?? 'shared bytes unavailable'));
    return;
  }
  const job = jobs.get(message.id);
  if (message.type === 'decode') {
    const created: Job = { credit: message.credit, cancelled: false, reader: undefined, wake: undefined };
    jobs.set(message.id, created);
    const needs = cacheNeeds(message);
    if (typeof needs === 'string') {
      jobs.delete(message.id);
      post({ type: 'error', id: message.id, message: needs, fatal: false });
      return;
    }
    void run(message, created, needs.tail, needs.shared);
  } else if (job !== undefined && message.type === 'credit') {
    job.credit += message.n;
    job.wake?.();
  } else if (job !== undefined && message.type === 'cancel') {
    job.cancelled = true;
    job.wake?.();
  }
});

/**
 * Applies a decode message to the file cache, at once and in message order (the main thread's
 * mirror assumes so), and takes the cached bytes the request needs before a later message can
 * replace them. Returns a reason instead when the cache lacks them (a protocol bug).
 */
function cacheNeeds(message: DecodeMessage): { tail: readonly WireRegion[]; shared: Promise<readonly WireRegion[]> | undefined } | string {
  const entry = fileCacheTouch(files, message.fileKey);
  if (message.tail !== undefined) entry.tail = [message.tail];
  if (message.keep !== undefined) {
    const kept: WireRegion[] = [];
    for (const range of message.keep.ranges) {
      const from = message.regions.find((r) => r.start <= range.start && range.end <= r.start + r.bytes.byteLength);
      if (from === undefined) return `range [${range.start}, ${range.end}) to keep is in none of the request's regions`;
      kept.push({ start: range.start, bytes: from.bytes.slice(range.start - from.start, range.end - from.start) });
    }
    entry.shared = { key: message.keep.key, bytes: Promise.resolve(kept) };
  }
  if (message.sharedKey !== undefined && message.sharedFollows === true) {
    let resolve!: (regions: readonly WireRegion[]) => void;
    let reject!: (error: Error) => void;
    const bytes = new Promise<readonly WireRegion[]>((ok, fail) => ((resolve = ok), (reject = fail)));
    bytes.catch(() => undefined); // each run that needs the bytes awaits (and reports) a failure
    const id = sharedId(message.fileKey, message.sharedKey);
    announced.set(id, [...(announced.get(id) ?? []), { resolve, reject }]);
    entry.shared = { key: message.sharedKey, bytes };
  }
  if (entry.tail === undefined) return 'the decode worker lacks the footer tail of the file';
  if (message.sharedKey === undefined) return { tail: entry.tail, shared: undefined };
  if (entry.shared?.key !== message.sharedKey) return `the decode worker lacks the cached bytes ${message.sharedKey} of the file`;
  return { tail: entry.tail, shared: entry.shared.bytes };
}

/** The main thread could not read kept bytes a request needs. */
class SharedLoadError extends Error {}

function sharedId(fileKey: string, key: string): string {
  return `${key}\u0000${fileKey}`;
}

/** Runs `call` when no other request is inside wasm, after telling the main thread who is. */
function inWasm<T>(id: number, call: () => Promise<T>): Promise<T> {
  const turn = wasmTurn.then(() => {
    post({ type: 'enter', id });
    return call();
  });
  wasmTurn = turn.catch(() => undefined);
  return turn;
}

async function run(request: DecodeMessage, job: Job, tail: readonly WireRegion[], shared: Promise<readonly WireRegion[]> | undefined): Promise<void> {
  const { id } = request;
  let open: OpenFile | undefined;
  let fresh = false;
  try {
    const cached = cache.get(request.fileKey);
    if (cached !== undefined && !cached.busy) {
      open = cached;
      cache.delete(request.fileKey);
    } else {
      const blob = new MemoryBlob(request.fileSize, tail);
      open = { blob, file: await inWasm(id, () => openWasmParquetFile(blob)), busy: false };
      fresh = true;
    }
    open.busy = true;
    open.blob.setChunks([...request.regions, ...(shared === undefined ? [] : await shared)]);
    if (job.cancelled) return;
    const reader = await inWasm(id, () =>
      streamRowGroup(open!.file, request.rowGroup, request.columns, request.batchSize, request.slice),
    );
    job.reader = reader;
    await pump(id, job, reader, open.blob, request.deleted, request.batchSize);
  } catch (error) {
    const fatal = error instanceof WebAssembly.RuntimeError;
    post({ type: 'error', id, message: (error as Error)?.message ?? String(error), fatal, readFailed: error instanceof SharedLoadError });
    if (fatal) process.exit(1);
    if (fresh) open = free(open);
  } finally {
    jobs.delete(id);
    if (open !== undefined) keep(request.fileKey, open);
  }
}

/**
 * Posts the reader's batches, waiting for credit; sends 'done' at the end or on cancel. With
 * `deleted`, each batch keeps only its rows not marked there (see `DecodeMessage.deleted`).
 */
async function pump(id: number, job: Job, reader: WasmBatchReader, blob: MemoryBlob, deleted: Uint8Array | undefined, batchSize: number): Promise<void> {
  let done = false;
  let first = true;
  let row = 0; // slice rows covered by the batches so far
  try {
    while (!job.cancelled) {
      const r = await inWasm(id, () => reader.read());
      // parquet-wasm fetched the whole slice before its first batch: drop the region copies now.
      blob.setChunks([]);
      const miss = blob.misses.shift();
      if (miss !== undefined) {
        freeWasmBatch(r.value);
        post({ type: 'error', id, message: `decoder asked for bytes [${miss[0]}, ${miss[1]}) outside the given regions`, miss, fatal: false });
        return;
      }
      if (r.done) {
        done = true;
        break;
      }
      if (job.cancelled) {
        freeWasmBatch(r.value);
        break;
      }
      let kept: Int32Array | undefined;
      if (deleted !== undefined) {
        const expected = Math.min(batchSize, deleted.length - row);
        if (r.value.numRows !== expected) {
          freeWasmBatch(r.value);
          post({ type: 'error', id, message: `decoder batch of ${r.value.numRows} rows at slice row ${row}, expected ${expected}`, fatal: false });
          return;
        }
        kept = keptOffsets(deleted, row, expected);
        row += expected;
      }
      const batch = toArrowBatch(r.value, kept);
      const transfer = new Set<ArrayBuffer>();
      const wire = batchToWire(batch, transfer);
      job.credit -= 1;
      post({ type: 'batch', id, batch: wire, ...(first ? { schema: schemaToWire(batch.schema) } : {}) }, [...transfer]);
      first = false;
      while (job.credit <= 0 && !job.cancelled) await new Promise<void>((resolve) => (job.wake = resolve));
      job.wake = undefined;
    }
  } finally {
    blob.setChunks([]);
    job.reader = undefined;
    if (!done) await reader.cancel().catch(() => undefined);
  }
  post({ type: 'done', id, wasmBytes: wasmMemoryBytes() });
}

/** Returns an opened file to the cache (evicting the oldest beyond {@link MAX_CACHED_FILES}). */
function keep(key: string, open: OpenFile): void {
  open.busy = false;
  const previous = cache.get(key);
  if (previous !== undefined && previous !== open) free(previous);
  cache.delete(key);
  cache.set(key, open);
  while (cache.size > MAX_CACHED_FILES) {
    const [oldest, entry] = cache.entries().next().value as [string, OpenFile];
    cache.delete(oldest);
    free(entry);
  }
}

function free(open: OpenFile | undefined): undefined {
  try {
    open?.file.free();
  } catch {
    // already freed
  }
  return undefined;
}
