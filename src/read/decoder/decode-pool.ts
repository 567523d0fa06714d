/**
 * A pool of decode workers (the default decoder): each worker runs its own decoder instance on
 * row groups whose column chunks it gets transferred, and sends their batches back transferred,
 * decoding ahead of the consumer by at most `aheadBytes` per job. A trap inside a worker fails
 * that job with `data_invalid` and the worker carries on with a fresh instance.
 */
import type { Worker } from 'node:worker_threads';
import { Schema, type RecordBatch } from 'apache-arrow';
import { IcebergScanError, abortedError } from '../../errors.ts';
import { batchFromWire, schemaFromWire, type WireBatch, type WireSchema } from './batch-wire.ts';
import { decoderModule } from './decoder-module.ts';
import type { FromWorker, ToWorker } from './decode-protocol.ts';
import { decodeFailure, type DecodeJob, type RowGroupDecoder } from './row-group-decoder.ts';
import { startDecodeWorker } from './start-worker.ts';
import type { ByteRegion } from './wasm-decoder.ts';

/**
 * Decoded bytes a job may run ahead of the consumer's pulls: 8 MiB (at least one batch always).
 * A double buffer of typical batches (128 Ki rows of a few columns are 4–8 MiB): enough to keep a
 * worker busy while the consumer handles the previous batch; more only costs memory.
 */
export const DEFAULT_DECODE_AHEAD_BYTES = 8 * 1024 * 1024;

/** Counters of a {@link DecodePool} since it was created (for tests and benches). */
export interface DecodePoolStats {
  /** Workers started (including replacements of ones that exited). */
  spawned: number;
  /** Workers that exited while they had jobs. */
  crashed: number;
  /** Jobs started. */
  jobs: number;
  /** Batches received. */
  batches: number;
  /** Largest decoder memory a worker reported (it never shrinks while the worker lives). */
  maxWasmBytes: number;
}

/** A job as the main thread tracks it. */
interface Pending {
  readonly job: DecodeJob;
  /** Revived on the first batch (a structured clone has no classes). */
  schema: Schema | WireSchema | undefined;
  readonly queue: Array<{ readonly batch: WireBatch; readonly bytes: number }>;
  decoded: boolean;
  error: IcebergScanError | undefined;
  notify: (() => void) | undefined;
}

interface Slot {
  readonly worker: Worker;
  readonly jobs: Map<number, Pending>;
  /** Input bytes of its unfinished jobs: new jobs go to the slot with the fewest. */
  inputBytes: number;
  dead: boolean;
  /** The error the worker died of, reported at its 'exit'. */
  crash: unknown;
}

/** A pool of `size` decode workers, started on first use; idle workers never keep the process alive. */
export class DecodePool implements RowGroupDecoder {
  readonly stats: DecodePoolStats = { spawned: 0, crashed: 0, jobs: 0, batches: 0, maxWasmBytes: 0 };
  private readonly slots: Slot[] = [];
  private nextId = 1;

  /**
   * @param size Worker threads (≥ 1).
   * @param aheadBytes Per-job read-ahead of decoded bytes (default {@link DEFAULT_DECODE_AHEAD_BYTES}).
   */
  constructor(
    readonly size: number,
    private readonly aheadBytes = DEFAULT_DECODE_AHEAD_BYTES,
  ) {}

  /** Workers alive now. */
  get workers(): number {
    return this.slots.length;
  }

  /** Jobs that hold a worker now. */
  get activeJobs(): number {
    return this.slots.reduce((n, s) => n + s.jobs.size, 0);
  }

  decode(job: DecodeJob, signal: AbortSignal): AsyncIterator<RecordBatch, undefined> {
    const p: Pending = { job, schema: undefined, queue: [], decoded: false, error: undefined, notify: undefined };
    let slot: Slot | undefined;
    let id = 0;
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      signal.removeEventListener('abort', onAbort);
      if (slot !== undefined && slot.jobs.has(id)) {
        this.send(slot, { kind: 'cancel', id });
        this.finish(slot, id, p);
      }
    };
    const onAbort = (): void => {
      p.error ??= abortedError(job.path);
      close();
      p.notify?.();
    };
    const start = async (): Promise<void> => {
      const module = await decoderModule();
      if (signal.aborted) throw abortedError(job.path);
      signal.addEventListener('abort', onAbort, { once: true });
      slot = this.pick(module);
      id = this.nextId++;
      slot.jobs.set(id, p);
      slot.inputBytes += inputBytes(job);
      slot.worker.ref();
      this.stats.jobs += 1;
      const transfer: ArrayBuffer[] = [];
      this.send(slot, {
        kind: 'open', id, priority: job.priority, fileKey: job.fileKey, fileSize: job.fileSize,
        tail: { start: job.tail.start, bytes: job.tail.bytes },
        rowGroup: job.rowGroup, leaves: job.leaves, regions: job.regions.map((r) => movable(r, transfer)),
        selection: job.selection, batchSize: job.batchSize, aheadBytes: this.aheadBytes,
      }, transfer);
    };
    let started: Promise<void> | undefined;
    return {
      next: async (): Promise<IteratorResult<RecordBatch, undefined>> => {
        try {
          await (started ??= start());
        } catch (error) {
          close();
          throw error;
        }
        for (;;) {
          if (p.error !== undefined) {
            close();
            throw p.error;
          }
          const posted = p.queue.shift();
          if (posted !== undefined) {
            if (!closed && slot!.jobs.has(id)) this.send(slot!, { kind: 'pull', id, bytes: posted.bytes });
            try {
              return { done: false, value: revive(p, posted.batch) };
            } catch (error) {
              close();
              throw error;
            }
          }
          if (p.decoded || closed) {
            close();
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => (p.notify = resolve));
          p.notify = undefined;
        }
      },
      return: async (): Promise<IteratorResult<RecordBatch, undefined>> => {
        close();
        return { done: true, value: undefined };
      },
    };
  }

  forget(fileKey: string): void {
    for (const slot of this.slots) this.send(slot, { kind: 'forget', fileKey });
  }

  /**
   * Starts the workers now (compiling the module if needed), so that their start-up overlaps a
   * scan's planning and footer reads instead of delaying its first batch. Idle workers never keep
   * the process alive.
   */
  warm(): void {
    void decoderModule().then(
      (module) => {
        while (this.slots.length < this.size) this.spawn(module);
      },
      () => undefined, // the first job reports a module that cannot load
    );
  }

  /** Stops every worker; jobs in flight fail with `aborted`. */
  async terminate(): Promise<void> {
    const all = this.slots.splice(0);
    for (const slot of all) {
      slot.dead = true;
      for (const p of slot.jobs.values()) {
        p.error ??= abortedError(p.job.path);
        p.notify?.();
      }
    }
    await Promise.all(all.map((s) => s.worker.terminate()));
  }

  /** An idle worker, a new one while below `size`, else the one with the least input in flight. */
  private pick(module: WebAssembly.Module): Slot {
    const idle = this.slots.find((s) => s.jobs.size === 0);
    if (idle !== undefined) return idle;
    if (this.slots.length < this.size) return this.spawn(module);
    return this.slots.reduce((a, b) => (b.inputBytes < a.inputBytes ? b : a));
  }

  private spawn(module: WebAssembly.Module): Slot {
    const worker = startDecodeWorker();
    const slot: Slot = { worker, jobs: new Map(), inputBytes: 0, dead: false, crash: undefined };
    worker.on('message', (message: FromWorker) => this.receive(slot, message));
    worker.on('error', (error) => (slot.crash ??= error));
    worker.on('exit', (code) => this.exited(slot, slot.crash ?? new Error(`decode worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    this.send(slot, { kind: 'init', module });
    this.slots.push(slot);
    this.stats.spawned += 1;
    return slot;
  }

  private receive(slot: Slot, message: FromWorker): void {
    const p = slot.jobs.get(message.id);
    if (message.kind === 'batch') this.stats.batches += 1;
    if (p === undefined) return; // cancelled meanwhile
    if (message.kind === 'batch') {
      if (message.schema !== undefined) p.schema = message.schema;
      p.queue.push({ batch: message.batch, bytes: message.bytes });
    } else if (message.kind === 'done') {
      this.stats.maxWasmBytes = Math.max(this.stats.maxWasmBytes, message.wasmBytes);
      p.decoded = true;
      this.finish(slot, message.id, p);
    } else {
      p.error = decodeFailure(p.job, message.message, message.trapped);
      this.finish(slot, message.id, p);
    }
    p.notify?.();
  }

  /** The job no longer holds the worker: its input is freed there. */
  private finish(slot: Slot, id: number, p: Pending): void {
    if (!slot.jobs.delete(id)) return;
    slot.inputBytes -= inputBytes(p.job);
    if (slot.jobs.size === 0) slot.worker.unref();
    p.job.onDecoded?.();
  }

  private exited(slot: Slot, error: unknown): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (slot.dead) return; // terminated on purpose
    slot.dead = true;
    if (slot.jobs.size > 0) this.stats.crashed += 1;
    for (const [id, p] of slot.jobs) {
      // The worker died decoding this data (the pool starts a fresh one for the next jobs).
      p.error ??= new IcebergScanError('data_invalid', `the decode worker exited while decoding row group ${p.job.rowGroup}: ${(error as Error)?.message ?? error}`, {
        path: p.job.path,
        expected: 'a readable Parquet file',
        context: { rowGroup: p.job.rowGroup },
        cause: error,
      });
      this.finish(slot, id, p);
      p.notify?.();
    }
  }

  private send(slot: Slot, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!slot.dead) slot.worker.postMessage(message, transfer);
  }
}

/** Bytes a job hands to its worker. */
function inputBytes(job: DecodeJob): number {
  let n = 0;
  for (const r of job.regions) n += r.bytes.byteLength;
  return n;
}

/** A region whose buffer is transferred: its own when it spans the whole buffer, else a copy. */
function movable(region: ByteRegion, transfer: ArrayBuffer[]): ByteRegion {
  const b = region.bytes;
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer && !transfer.includes(b.buffer)) {
    transfer.push(b.buffer);
    return region;
  }
  const copy = b.slice();
  transfer.push(copy.buffer);
  return { start: region.start, bytes: copy };
}

/** A posted batch rebuilt on this thread (its buffers were transferred, not copied). */
function revive(p: Pending, wire: WireBatch): RecordBatch {
  try {
    if (p.schema === undefined) throw new Error('batch posted before its schema');
    if (!(p.schema instanceof Schema)) p.schema = schemaFromWire(p.schema);
    return batchFromWire(p.schema, wire);
  } catch (error) {
    throw decodeFailure(p.job, `bad batch from the decode worker: ${(error as Error)?.message}`, false, error);
  }
}

let shared: DecodePool | undefined;

/**
 * The process-wide decode pool of `size` workers: created on first use, and replaced (after the
 * old one's jobs end) when a scan asks for another size.
 */
export function sharedDecodePool(size: number): DecodePool {
  if (shared === undefined || shared.size !== size) {
    const old = shared;
    shared = new DecodePool(size);
    if (old !== undefined) void retireWhenIdle(old);
  }
  return shared;
}

/** Stops the process-wide pool (idle workers never keep the process alive; this is for tests and benches). */
export async function closeSharedDecodePool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.terminate();
}

async function retireWhenIdle(pool: DecodePool): Promise<void> {
  // Its workers are unref'd once idle; terminate them when no job is left.
  while (pool.activeJobs > 0) await new Promise((r) => setTimeout(r, 100).unref?.());
  await pool.terminate();
}
