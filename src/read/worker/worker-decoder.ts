/**
 * A pool of Parquet decode workers: each row-group decode runs parquet-wasm in a worker thread, so
 * a wasm panic on corrupt data kills one worker (replaced on demand) instead of the process.
 */
import type { Worker } from 'node:worker_threads';
import { Observable } from 'rxjs';
import { Schema, type RecordBatch } from 'apache-arrow';
import { IcebergScanError, abortedError } from '../../errors.ts';
import type { ByteRegion } from '../memory-blob.ts';
import { batchFromWire, schemaFromWire, type WireBatch, type WireSchema } from './batch-wire.ts';
import type { ByteRange } from '../../io/coalesce.ts';
import { fileCacheTouch, type DecodeMessage, type FileCacheEntry, type FromWorker, type ToWorker } from './decode-protocol.ts';
import { owned, startWorker, whole } from './start-decode-worker.ts';

/** One row group (or slice of one) to decode in a worker. */
export interface IsolatedDecodeRequest {
  /** The data file's path, named in errors; also the worker's open-file cache key. */
  readonly path: string;
  readonly fileSize: number;
  /** The footer tail (copied to the worker; the caller keeps it). */
  readonly tail: ByteRegion;
  /** Column-chunk regions the caller gives up: their buffers are transferred (detached) when whole. */
  readonly regions: readonly ByteRegion[];
  /**
   * Byte ranges inside `regions` for the worker to keep under `key` for later requests of the same
   * file (e.g. a row group's dictionary pages on its first slice).
   */
  readonly keep?: { readonly key: string; readonly ranges: readonly ByteRange[] };
  /**
   * Kept bytes this decode also needs (e.g. the dictionary pages, on a row group's later slices).
   * `load` supplies them when the worker that gets the request does not hold them (a replaced
   * worker, an evicted cache entry); it is not called otherwise.
   */
  readonly shared?: { readonly key: string; readonly load: () => Promise<readonly ByteRegion[]> };
  readonly rowGroup: number;
  /** Validated column paths (an unknown path panics inside wasm). */
  readonly columns: readonly string[];
  readonly batchSize: number;
  /** Rows `[offset, offset + limit)` of the row group, or the whole row group. */
  readonly slice?: { readonly offset: number; readonly limit: number };
  /**
   * Rows of the slice to drop (1), one entry per row: batch `j` then covers the slice's rows
   * `[j * batchSize, (j + 1) * batchSize)` and holds only the kept ones (possibly none).
   */
  readonly deleted?: Uint8Array;
}

/** Options of {@link createWorkerDecoder}. */
export interface WorkerDecoderOptions {
  /**
   * Worker threads (default 1). Each holds its own wasm instance (≈ 50+ MB) and starts in ≈ 25 ms;
   * on a 2-core machine the main thread and GC need the other core, so more workers gain little.
   */
  readonly size?: number;
  /** Batches a worker may decode ahead of the consumer, per request (default 2). */
  readonly credit?: number;
  /** An idle worker whose wasm memory exceeds this is retired (wasm memory never shrinks; default 512 MiB). */
  readonly maxWasmBytes?: number;
}

/** A pool of decode workers. */
export interface WorkerDecoder {
  /** Cold Observable of the decoded batches; unsubscribing or aborting cancels the worker's stream. */
  decodeRowGroup(request: IsolatedDecodeRequest, signal?: AbortSignal): Observable<RecordBatch>;
  /** The same as a pull-based async iterable: each pull grants the worker one more batch. */
  decodeRowGroupBatches(request: IsolatedDecodeRequest, signal?: AbortSignal): AsyncIterable<RecordBatch>;
  /** Workers currently alive. */
  readonly workers: number;
  /** Counters since creation (for tests and benches). */
  readonly stats: WorkerDecoderStats;
  /** Drops what the workers keep for `path` (call when the file's reads are over). */
  forget(path: string): void;
  /** Stops all workers; requests in flight fail with `aborted`. */
  terminate(): Promise<void>;
}

/** Counters of a {@link WorkerDecoder}. */
export interface WorkerDecoderStats {
  /** Workers started (including replacements). */
  spawned: number;
  /** Workers that died unexpectedly (e.g. a wasm panic). */
  crashed: number;
  /** Workers retired past the wasm memory ceiling. */
  retired: number;
  /** Batches posted by workers. */
  batchesReceived: number;
  /** Requests a worker reported finished (completed or cancelled). */
  requestsDone: number;
  /** Footer tails sent to workers (once per worker and file while cached). */
  tailsSent: number;
  /** Times `shared.load` was called because the chosen worker did not hold the bytes. */
  sharedLoads: number;
  /** Largest parquet-wasm linear memory a worker reported (it never shrinks while the worker lives). */
  maxWasmBytes: number;
}

/** A request in flight, as the main thread tracks it. */
interface Pending {
  readonly path: string;
  /** The schema posted with the request's first batch; an apache-arrow `Schema` once revived (a clone has no class). */
  schema: Schema | WireSchema | undefined;
  readonly posted: WireBatch[];
  finished: boolean;
  error: IcebergScanError | undefined;
  notify: (() => void) | undefined;
}

/** A posted batch rebuilt on this thread (its buffers were transferred, not copied). */
function received(p: Pending, wire: WireBatch): RecordBatch {
  try {
    if (p.schema === undefined) throw new Error('batch posted before its schema');
    if (!(p.schema instanceof Schema)) p.schema = schemaFromWire(p.schema);
    return batchFromWire(p.schema, wire);
  } catch (error) {
    throw new IcebergScanError('data_invalid', `bad batch from the decode worker: ${(error as Error)?.message}`, { path: p.path, cause: error });
  }
}

/** One worker and its requests. */
interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** The request that last entered wasm: the culprit if the worker dies. */
  entered: number | undefined;
  dead: boolean;
  /** Past its wasm memory ceiling: terminated once idle, no new requests. */
  retiring: boolean;
  /** Mirror of the worker's per-file cache: what it holds, not the bytes. */
  readonly files: Map<string, FileCacheEntry<true, true>>;
  /** The uncaught error the worker died of, reported at its 'exit'. */
  crash: unknown;
}

/**
 * Creates a pool of decode workers (started on first use, replaced on demand after a crash). Idle
 * workers are unref'd and never keep the process alive.
 *
 * A worker that dies (a wasm trap on corrupt data) fails the request that was inside wasm with
 * `data_invalid` naming its file; other requests on that worker fail with `io_failed` (their input
 * bytes were handed over and are gone; retrying them is the caller's choice).
 *
 * @param options Pool size, per-request credit window, wasm memory ceiling.
 * @returns The pool.
 */
export function createWorkerDecoder(options: WorkerDecoderOptions = {}): WorkerDecoder {
  const size = Math.max(1, Math.floor(options.size ?? 1));
  const credit = Math.max(1, Math.floor(options.credit ?? 2));
  const maxWasmBytes = options.maxWasmBytes ?? 512 * 1024 * 1024;
  const slots: Slot[] = [];
  let nextId = 1;
  const stats: WorkerDecoderStats = { spawned: 0, crashed: 0, retired: 0, batchesReceived: 0, requestsDone: 0, tailsSent: 0, sharedLoads: 0, maxWasmBytes: 0 };

  const spawn = (): Slot => {
    const worker = startWorker();
    const slot: Slot = { worker, pending: new Map(), entered: undefined, dead: false, retiring: false, files: new Map(), crash: undefined };
    worker.unref();
    worker.on('message', (message: FromWorker) => onMessage(slot, message));
    // Blame is assigned on 'exit', the last event: every message the worker posted (its 'enter'
    // and 'error' reports) is emitted before it, while 'error' can overtake them.
    worker.on('error', (error) => (slot.crash ??= error));
    worker.on('exit', (code) => die(slot, slot.crash ?? new Error(`decode worker exited with code ${code}`)));
    slots.push(slot);
    stats.spawned += 1;
    return slot;
  };

  const onMessage = (slot: Slot, message: FromWorker): void => {
    if (message.type === 'enter') {
      slot.entered = message.id;
      return;
    }
    const p = slot.pending.get(message.id);
    if (message.type === 'batch') stats.batchesReceived += 1;
    if (message.type === 'done') {
      stats.requestsDone += 1;
      stats.maxWasmBytes = Math.max(stats.maxWasmBytes, message.wasmBytes);
    }
    if (message.type === 'done' && message.wasmBytes > maxWasmBytes) slot.retiring = true;
    if (slot.retiring && slot.pending.size === 0 && !slot.dead) retire(slot);
    if (p === undefined) return;
    if (message.type === 'batch') {
      if (message.schema !== undefined) p.schema = message.schema;
      p.posted.push(message.batch);
    } else if (message.type === 'done') {
      p.finished = true;
      release(slot, message.id);
    } else {
      p.error = message.readFailed === true
        ? new IcebergScanError('io_failed', `cannot read bytes the decoder needs: ${message.message}`, { path: p.path })
        : new IcebergScanError('data_invalid', `cannot decode Parquet data: ${message.message}`, {
          path: p.path,
          expected: message.miss ? 'column chunks within the ranges given by the footer' : 'a readable Parquet data file',
        });
      release(slot, message.id);
    }
    p.notify?.();
  };

  const release = (slot: Slot, id: number): void => {
    slot.pending.delete(id);
    if (slot.pending.size > 0 || slot.dead) return;
    if (slot.retiring) retire(slot);
    else slot.worker.unref();
  };

  const retire = (slot: Slot): void => {
    stats.retired += 1;
    remove(slot);
    slot.dead = true;
    void slot.worker.terminate();
  };

  const remove = (slot: Slot): void => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
  };

  const die = (slot: Slot, error: unknown): void => {
    remove(slot);
    const wasDead = slot.dead;
    if (!wasDead) stats.crashed += 1;
    slot.dead = true;
    const culprit = slot.entered === undefined ? undefined : slot.pending.get(slot.entered);
    for (const [id, p] of slot.pending) {
      p.error = wasDead
        ? abortedError(p.path)
        : p === culprit
          ? new IcebergScanError('data_invalid', `parquet decoder crashed: ${(error as Error)?.message ?? error}`, {
              path: p.path,
              expected: 'a readable Parquet data file',
              cause: error,
            })
          : new IcebergScanError('io_failed', 'parquet decoder worker crashed while decoding another file', {
              path: p.path,
              context: { crashedOn: culprit?.path },
              cause: error,
            });
      slot.pending.delete(id);
      p.notify?.();
    }
  };

  const pick = (): Slot => {
    const live = slots.filter((s) => !s.dead && !s.retiring);
    const idle = live.find((s) => s.pending.size === 0);
    if (idle !== undefined) return idle;
    if (live.length < size) return spawn();
    return live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  };

  const send = (slot: Slot, message: ToWorker, transfer: ArrayBuffer[] = []): void => {
    if (!slot.dead) slot.worker.postMessage(message, transfer);
  };

  /** Loads kept bytes a worker lacks and sends them (or the failure, which fails the requests that wait). */
  const sendShared = (slot: Slot, path: string, shared: NonNullable<IsolatedDecodeRequest['shared']>): void => {
    stats.sharedLoads += 1;
    const key = shared.key;
    Promise.resolve()
      .then(() => shared.load())
      .then(
        (regions) => {
          const transfer: ArrayBuffer[] = [];
          send(slot, { type: 'shared', fileKey: path, key, regions: regions.map((r) => whole(r, transfer)) }, transfer);
        },
        (error: unknown) => send(slot, { type: 'shared', fileKey: path, key, error: (error as Error)?.message ?? String(error) }),
      );
  };

  /** Starts a request; returns the iterator that pulls its batches. */
  const start = (request: IsolatedDecodeRequest, signal: AbortSignal | undefined): AsyncIterator<RecordBatch> => {
    const path = request.path;
    const p: Pending = { path, schema: undefined, posted: [], finished: false, error: undefined, notify: undefined };
    let slot: Slot | undefined;
    let id = 0;
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      signal?.removeEventListener('abort', onAbort);
      if (slot !== undefined && slot.pending.has(id)) {
        send(slot, { type: 'cancel', id });
        // Finished from the consumer's side; the worker's 'done' is then ignored.
        release(slot, id);
      }
    };
    const onAbort = (): void => {
      p.error ??= abortedError(path);
      close();
      p.notify?.();
    };
    const begin = (): void => {
      if (signal?.aborted) throw abortedError(path);
      signal?.addEventListener('abort', onAbort, { once: true });
      slot = pick();
      id = nextId++;
      slot.pending.set(id, p);
      slot.worker.ref();
      const transfer: ArrayBuffer[] = [];
      // The worker's cache, as the mirror says it will be once it has read this message.
      const held = fileCacheTouch(slot.files, path);
      const sendTail = held.tail === undefined;
      held.tail = true;
      if (request.keep !== undefined) held.shared = { key: request.keep.key, bytes: true };
      const sharedKey = request.shared?.key;
      const sharedFollows = sharedKey !== undefined && held.shared?.key !== sharedKey;
      if (sharedFollows) held.shared = { key: sharedKey, bytes: true };
      if (sendTail) stats.tailsSent += 1;
      const message: DecodeMessage = {
        type: 'decode',
        id,
        fileKey: path,
        fileSize: request.fileSize,
        ...(sendTail ? { tail: owned(request.tail, transfer) } : {}),
        ...(request.keep !== undefined ? { keep: { key: request.keep.key, ranges: request.keep.ranges.map((r) => ({ start: r.start, end: r.end })) } } : {}),
        ...(sharedKey !== undefined ? { sharedKey, sharedFollows } : {}),
        regions: request.regions.map((r) => whole(r, transfer)),
        rowGroup: request.rowGroup,
        columns: [...request.columns],
        batchSize: request.batchSize,
        ...(request.slice ? { slice: { offset: request.slice.offset, limit: request.slice.limit } } : {}),
        ...(request.deleted ? { deleted: request.deleted } : {}),
        credit,
      };
      send(slot, message, transfer);
      if (sharedFollows) sendShared(slot, path, request.shared!);
    };
    return {
      next: async (): Promise<IteratorResult<RecordBatch>> => {
        if (slot === undefined && !closed) begin();
        for (;;) {
          if (p.error !== undefined) {
            close();
            throw p.error;
          }
          const wire = p.posted.shift();
          if (wire !== undefined) {
            if (!closed) send(slot!, { type: 'credit', id, n: 1 });
            try {
              return { done: false, value: received(p, wire) };
            } catch (error) {
              close();
              throw error;
            }
          }
          if (p.finished || closed) {
            close();
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => (p.notify = resolve));
          p.notify = undefined;
        }
      },
      return: async (): Promise<IteratorResult<RecordBatch>> => {
        close();
        return { done: true, value: undefined };
      },
    };
  };

  return {
    decodeRowGroupBatches: (request, signal) => ({ [Symbol.asyncIterator]: () => start(request, signal) }),
    decodeRowGroup: (request, signal) =>
      new Observable<RecordBatch>((subscriber) => {
        const it = start(request, signal);
        const loop = async (): Promise<void> => {
          while (!subscriber.closed) {
            const r = await it.next();
            if (r.done) return subscriber.complete();
            subscriber.next(r.value);
          }
        };
        loop().catch((error: unknown) => subscriber.error(error));
        return () => void it.return?.();
      }),
    stats,
    forget: (path) => {
      for (const slot of slots) if (!slot.dead && slot.files.delete(path)) send(slot, { type: 'forget', fileKey: path });
    },
    get workers() {
      return slots.filter((s) => !s.dead).length;
    },
    terminate: async () => {
      const all = slots.splice(0);
      for (const s of all) {
        s.dead = true;
        for (const p of s.pending.values()) {
          p.error = abortedError(p.path);
          p.notify?.();
        }
        s.pending.clear();
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
