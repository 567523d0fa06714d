/**
 * What a decode worker does, independent of the thread API: it receives jobs (row groups' column
 * chunks, transferred), decodes them one batch at a time on its own decoder instance, and posts
 * each batch back with its buffers transferred, never more than a job's `aheadBytes` beyond what
 * the consumer has pulled. Among jobs with room to go ahead, the lowest priority (the scan's order)
 * decodes first.
 */
import type { RecordBatch } from 'apache-arrow';
import { batchToWire, schemaToWire } from './batch-wire.ts';
import { DecoderHost, type HostedRowGroup } from './decoder-host.ts';
import type { FromWorker, ToWorker } from './decode-protocol.ts';
import { DecoderError } from './wasm-decoder.ts';

/** The side of a message channel a worker talks through (Node's `parentPort`, a browser worker's `self`). */
export interface WorkerPort {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
}

/**
 * Runs `f` after the messages already queued (Node: `setImmediate`; browsers: a message on a
 * `MessageChannel`, since nested zero timeouts are clamped to 4 ms there).
 */
const soon: (f: () => void) => void = typeof setImmediate === 'function' ? (f) => void setImmediate(f) : channelTask();

/** A macrotask scheduler over a `MessageChannel` (browsers), in first-come order. */
function channelTask(): (f: () => void) => void {
  const queue: Array<() => void> = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => queue.shift()?.();
  return (f) => {
    queue.push(f);
    channel.port2.postMessage(null);
  };
}

/**
 * Jobs open (their column chunks copied into the decoder's memory) at once per worker: 2. A job
 * opens when it is about to decode, not when it arrives, so the decoder's memory, which never
 * shrinks, holds the chunks of few row-group parts; the second lets the worker go on while the
 * consumer has not yet pulled the first one's batches. A job earlier in scan order than every open
 * one opens regardless (see `earlierThanOpen`).
 */
const OPEN_JOBS = 2;

interface Job {
  readonly id: number;
  readonly priority: number;
  readonly aheadBytes: number;
  /** The job as it arrived, until it opens (its chunk bytes are dropped then). */
  request: Extract<ToWorker, { kind: 'open' }> | undefined;
  rowGroup: HostedRowGroup | undefined;
  /** Bytes posted and not yet pulled. */
  unpulled: number;
  /** Batches posted and not yet pulled. */
  unpulledBatches: number;
  schemaSent: boolean;
}

/**
 * Serves decode jobs: returns the handler for the messages that arrive on `port`.
 *
 * @param port Where batches and results are posted.
 */
export function serveDecodeJobs(port: WorkerPort): (message: ToWorker) => void {
  let host: DecoderHost | undefined;
  const jobs = new Map<number, Job>();
  let scheduled = false;

  const post = (message: FromWorker, transfer: Transferable[] = []): void => port.postMessage(message, transfer);

  const fail = (id: number, error: unknown): void => {
    const job = jobs.get(id);
    if (job !== undefined) {
      try {
        close(job);
      } catch {
        jobs.delete(id); // a trapped instance cannot close anything
      }
    }
    const trapped = error instanceof DecoderError && error.trapped;
    post({ kind: 'error', id, message: (error as Error)?.message ?? String(error), trapped });
    if (trapped) {
      // Every open job was inside the instance that trapped: their state is gone. Jobs not yet
      // open start on the fresh instance.
      for (const other of [...jobs.values()]) {
        if (other.rowGroup !== undefined) fail(other.id, new DecoderError('the decoder was reset after a trap while decoding another row group', false));
      }
    }
  };

  let open = 0;

  /**
   * A job may decode another batch when the consumer has pulled all but `aheadBytes` of its
   * batches; a job not yet open may start while fewer than {@link OPEN_JOBS} are open.
   */
  const runnable = (job: Job): boolean =>
    job.rowGroup === undefined ? open < OPEN_JOBS || earlierThanOpen(job) : job.unpulledBatches === 0 || job.unpulled < job.aheadBytes;

  /**
   * A job earlier in scan order than every open one always opens: the consumer waits for it, and
   * the open ones may wait for the consumer (their batches unpulled), which would deadlock.
   */
  const earlierThanOpen = (job: Job): boolean => {
    for (const other of jobs.values()) if (other.rowGroup !== undefined && other.priority <= job.priority) return false;
    return true;
  };

  const close = (job: Job): void => {
    if (job.rowGroup !== undefined) {
      job.rowGroup.close();
      open -= 1;
    }
    job.rowGroup = undefined;
    job.request = undefined;
    jobs.delete(job.id);
  };

  const step = (): void => {
    scheduled = false;
    let next: Job | undefined;
    for (const job of jobs.values()) if (runnable(job) && (next === undefined || job.priority < next.priority)) next = job;
    if (next === undefined) return;
    let batch: RecordBatch | undefined;
    try {
      if (next.rowGroup === undefined) {
        if (host === undefined) throw new DecoderError('decode worker received a job before its module', false);
        next.rowGroup = host.open(next.request!);
        next.request = undefined; // the chunk bytes are in the decoder's memory now
        open += 1;
      }
      batch = next.rowGroup.next();
    } catch (error) {
      fail(next.id, error);
      schedule();
      return;
    }
    if (batch === undefined) {
      close(next);
      post({ kind: 'done', id: next.id, wasmBytes: host!.memoryBytes });
    } else {
      const transfer = new Set<ArrayBuffer>();
      const wire = batchToWire(batch, transfer);
      let bytes = 0;
      for (const b of transfer) bytes += b.byteLength;
      next.unpulled += bytes;
      next.unpulledBatches += 1;
      const schema = next.schemaSent ? {} : { schema: schemaToWire(batch.schema) };
      next.schemaSent = true;
      post({ kind: 'batch', id: next.id, batch: wire, bytes, ...schema }, [...transfer]);
    }
    schedule();
  };

  /** Decodes the next batch after pending messages (pulls, cancels) have been handled. */
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    soon(step);
  };

  return (message: ToWorker): void => {
    switch (message.kind) {
      case 'init':
        host = new DecoderHost(message.module);
        return;
      case 'open': {
        jobs.set(message.id, {
          id: message.id, priority: message.priority, aheadBytes: message.aheadBytes, request: message, rowGroup: undefined,
          unpulled: 0, unpulledBatches: 0, schemaSent: false,
        });
        schedule();
        return;
      }
      case 'pull': {
        const job = jobs.get(message.id);
        if (job === undefined) return;
        job.unpulled -= message.bytes;
        job.unpulledBatches -= 1;
        schedule();
        return;
      }
      case 'cancel': {
        const job = jobs.get(message.id);
        if (job !== undefined) close(job);
        schedule();
        return;
      }
      case 'forget':
        host?.forget(message.fileKey);
        return;
    }
  };
}
