/**
 * `runScanWorker`: a BullMQ worker that runs the file scan tasks `dispatchScan` enqueued. Each
 * task job is validated with its zod schema, read with the same pipeline as a local scan
 * (`readTask`), and its batches go to the handler: a custom one (an Observable of batches) or the
 * built-in output the dispatcher chose (one Arrow IPC or Parquet file per task, committed
 * atomically). A failed attempt records its error's code and file in the job for the dispatcher;
 * BullMQ retries it until the job's attempt budget is spent. A worker killed mid-task holds its
 * job's lock no more: another worker's stalled-job check puts the job back in the queue.
 */
import { hostname } from 'node:os';
import { Worker, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { RecordBatch, Schema } from 'apache-arrow';
import { from, lastValueFrom, tap, type Observable, type ObservableInput } from 'rxjs';
import { asScanError, isIcebergScanError } from '../errors.ts';
import type { Table } from '../table/table.ts';
import type { BoundFilterPlan } from '../table/scan-plugins.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import { outputFileName } from './job-ids.ts';
import { writeIpcStream } from './ipc-output.ts';
import { openOutputFile } from './output-file.ts';
import { writeParquet } from './parquet-output.ts';
import { redisConnectionOptions, type RedisConnection } from './redis-connection.ts';
import { defaultTableLoader, PromiseCache, type TableLoader } from './table-cache.ts';
import { bindScanFilter, readTask, type TaskReadOptions } from './task-scan.ts';
import {
  SCAN_JOB_NAME, TASK_JOB_NAME, TaskJobData, type OutputSpec, type TaskFailure, type TaskJobResult,
} from './task-job.ts';

/** What a handler knows about the task whose batches it gets. */
export interface ScanTaskContext {
  readonly jobId: string;
  readonly scanId: string;
  /** Position of the task in the plan (0-based) and the number of tasks. */
  readonly taskIndex: number;
  readonly taskCount: number;
  readonly task: FileScanTask;
  /** 1 for the first attempt; a retry after a failure or a stalled (killed) worker counts up. */
  readonly attempt: number;
  /** The output the dispatcher chose, if any. */
  readonly output: OutputSpec | undefined;
  /** The schema of every batch (also when the task has no rows). */
  readonly arrowSchema: Schema;
  /** Aborted when the worker shuts down or the job is cancelled. */
  readonly signal: AbortSignal;
}

/** What a handler may report for a task (default: no location, 0 bytes). */
export interface ScanTaskHandlerResult {
  readonly location?: string;
  readonly bytes?: number;
}

/**
 * A custom task handler: consumes the task's batches (subscribe once; the rows are counted as
 * they pass) and emits or resolves with what to report. Its error fails the attempt (code
 * `io_failed` unless it is an `IcebergScanError`).
 */
export type ScanTaskHandler = (
  batches: Observable<RecordBatch>,
  context: ScanTaskContext,
) => ObservableInput<ScanTaskHandlerResult | void> | void;

/** Options of {@link runScanWorker}. */
export interface ScanWorkerOptions {
  /** Redis: a `redis://host:port` URL or ioredis options. */
  readonly connection: RedisConnection;
  /** The BullMQ queue name (the dispatcher's). */
  readonly queue: string;
  /** Tasks run at once by this worker (default 1). */
  readonly concurrency?: number;
  /** Custom handler; default: the built-in output named by each job. */
  readonly handler?: ScanTaskHandler;
  /** FileIO properties for loading tables and writing `s3://` outputs (credentials stay here). */
  readonly properties?: Readonly<Record<string, string>>;
  /** Loads the table a job names (default `loadTable` with `properties`). */
  readonly loadTable?: TableLoader;
  /** Decode threads and read-ahead of every task. */
  readonly read?: TaskReadOptions;
  /** BullMQ lock of a running job in ms (default 30000): a killed worker's job is retried after it expires. */
  readonly lockDuration?: number;
  /** How often this worker checks for stalled jobs, in ms (default 30000). */
  readonly stalledInterval?: number;
  /** Stalls a job survives before it fails (default 1). */
  readonly maxStalledCount?: number;
  /** BullMQ key prefix (default `bull`). */
  readonly prefix?: string;
  /** Called for each finished attempt (for logs). */
  readonly onTask?: (event: ScanWorkerEvent) => void;
  /** Called on connection and worker errors (default: ignored; BullMQ reconnects). */
  readonly onError?: (error: Error) => void;
}

/** A finished attempt, as `onTask` sees it. */
export type ScanWorkerEvent =
  | { readonly type: 'completed'; readonly jobId: string; readonly result: TaskJobResult }
  | { readonly type: 'failed'; readonly jobId: string; readonly failure: TaskFailure }
  | { readonly type: 'handed-back'; readonly jobId: string };

/** Options of {@link ScanWorker.close}. */
export interface ScanWorkerCloseOptions {
  /**
   * Wait this long (ms) for running tasks to finish, then abort them and hand their jobs back to
   * the queue (not counted as a failed attempt). Default: wait for them to finish.
   */
  readonly handBackAfterMs?: number;
}

/** A running scan worker. */
export interface ScanWorker {
  /** The BullMQ worker. */
  readonly worker: Worker;
  /** Tasks running now. */
  readonly running: number;
  /** Stops taking jobs; resolves when running ones finished or were handed back. */
  close(options?: ScanWorkerCloseOptions): Promise<void>;
}

const WORKER_NAME = `${hostname()}:${process.pid}`;

/**
 * Starts a worker that runs scan task jobs from `queue` until closed.
 *
 * @example
 * ```ts
 * const worker = runScanWorker({ connection: 'redis://127.0.0.1:6379', queue: 'scans', concurrency: 2 });
 * process.once('SIGTERM', () => void worker.close({ handBackAfterMs: 30_000 }));
 * ```
 */
export function runScanWorker(options: ScanWorkerOptions): ScanWorker {
  const tables = new PromiseCache<Table>(8);
  const filters = new PromiseCache<BoundFilterPlan>(32);
  const load = options.loadTable ?? defaultTableLoader(options.properties);
  const active = new Map<string, AbortController>();
  let handingBack = false;

  const runTask = async (job: Job, token: string | undefined, jobSignal: AbortSignal | undefined): Promise<TaskJobResult> => {
    const parsed = TaskJobData.safeParse(job.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UnrecoverableError(`[invalid_argument] job ${job.id} is not a scan task of this version: ${issue.path.join('.') || 'data'}: ${issue.message}`);
    }
    const data = parsed.data;
    const attempt = Math.max(1, job.attemptsStarted);
    const controller = new AbortController();
    const onJobAbort = (): void => controller.abort();
    jobSignal?.addEventListener('abort', onJobAbort, { once: true });
    active.set(job.id!, controller);
    try {
      const table = await tables.get(data.table, () => load(data.table));
      const bound = await filters.get({ table: data.table, scan: data.scan }, async () => bindScanFilter(table, data.scan));
      const read = readTask(table, data.scan, bound, data.task, options.read ?? {}, controller.signal);
      let rows = 0;
      let location: string | undefined;
      let bytes = 0;
      if (options.handler !== undefined) {
        const context: ScanTaskContext = {
          jobId: job.id!, scanId: data.scanId, taskIndex: data.taskIndex, taskCount: data.taskCount, task: data.task,
          attempt, output: data.output, arrowSchema: read.arrowSchema, signal: controller.signal,
        };
        const counted = from(read.batches).pipe(tap((b) => (rows += b.numRows)));
        const out = options.handler(counted, context);
        const reported = out === undefined ? undefined : await lastValueFrom(from(out), { defaultValue: undefined });
        location = reported?.location;
        bytes = reported?.bytes ?? 0;
      } else {
        const output = data.output;
        if (output === undefined) {
          throw new UnrecoverableError('[invalid_argument] the job names no output and this worker has no handler');
        }
        const file = await openOutputFile(
          { location: output.location, ...(options.properties !== undefined ? { properties: options.properties } : {}) },
          outputFileName(data.taskIndex, data.task, output.format === 'arrow' ? 'arrows' : 'parquet'),
        );
        try {
          rows = output.format === 'arrow'
            ? await writeIpcStream(read.batches, read.arrowSchema, file)
            : await writeParquet(read.batches, read.arrowSchema, file, { compression: output.compression ?? 'zstd' });
          const committed = await file.commit();
          location = committed.location;
          bytes = committed.bytes;
        } catch (error) {
          await file.abort();
          throw error;
        }
      }
      const result: TaskJobResult = { rows, bytes, ...(location !== undefined ? { location } : {}), attempt, worker: WORKER_NAME };
      options.onTask?.({ type: 'completed', jobId: job.id!, result });
      return result;
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
      if (handingBack && controller.signal.aborted) {
        await job.moveToWait(token);
        options.onTask?.({ type: 'handed-back', jobId: job.id! });
        throw new WaitingError();
      }
      const e = isIcebergScanError(error) ? error : asScanError(error, 'io_failed', data.task.dataFile.path);
      const path = e.path ?? data.task.dataFile.path;
      const message = e.path !== undefined && e.message.endsWith(` (file: ${e.path})`) ? e.message.slice(0, -` (file: ${e.path})`.length) : e.message;
      const failure: TaskFailure = { code: e.code, message, path, attempt };
      await job.updateData({ ...data, lastFailure: failure }).catch(() => undefined);
      options.onTask?.({ type: 'failed', jobId: job.id!, failure });
      throw new Error(`[${e.code}] ${e.message}`, { cause: error });
    } finally {
      jobSignal?.removeEventListener('abort', onJobAbort);
      active.delete(job.id!);
    }
  };

  const processor = async (job: Job, token?: string, signal?: AbortSignal): Promise<unknown> => {
    if (job.name === TASK_JOB_NAME) return runTask(job, token, signal);
    if (job.name === SCAN_JOB_NAME) {
      // Every child completed: the scan's summary is the parent's return value.
      const values = Object.values(await job.getChildrenValues<TaskJobResult>());
      return { tasks: values.length, rows: values.reduce((n, v) => n + (v?.rows ?? 0), 0), bytes: values.reduce((n, v) => n + (v?.bytes ?? 0), 0) };
    }
    throw new UnrecoverableError(`[invalid_argument] unknown job name ${JSON.stringify(job.name)} (expected ${TASK_JOB_NAME} or ${SCAN_JOB_NAME})`);
  };

  const worker = new Worker(options.queue, processor, {
    connection: redisConnectionOptions(options.connection),
    concurrency: options.concurrency ?? 1,
    ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
    ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
    ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
  });
  // Without a listener an 'error' event (Redis gone) would crash the process; BullMQ reconnects.
  worker.on('error', (error) => options.onError?.(error));

  return {
    worker,
    get running() {
      return active.size;
    },
    async close(closeOptions = {}) {
      const closing = worker.close();
      const after = closeOptions.handBackAfterMs;
      if (after === undefined) return closing;
      const timer = setTimeout(() => {
        handingBack = true;
        for (const c of active.values()) c.abort();
      }, after);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The code and file of a worker's failure text `[code] message`, when it has that form. */
export function parseFailureText(text: string | undefined): { code: string; message: string } | undefined {
  const m = /^\[([a-z_]+)\] ([\s\S]*)$/.exec(text ?? '');
  return m === null ? undefined : { code: m[1]!, message: m[2]! };
}

