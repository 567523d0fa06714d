/**
 * `dispatchScan`: plans a scan once and enqueues it as a BullMQ flow — a parent job for the scan
 * and one child job per file scan task, with ids derived from the scan and the task, so
 * dispatching the same scan again adds nothing and reports the results already there — then
 * follows the jobs (queue events, plus a periodic sweep that also covers events missed across a
 * Redis restart) and emits one result per task.
 */
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import { Observable, lastValueFrom, toArray } from 'rxjs';
import { IcebergScanError, type ErrorCode } from '../errors.ts';
import type { TableScan } from '../table/table-scan.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import { scanJobId, taskJobId } from './job-ids.ts';
import { redisConnectionOptions, type RedisConnection } from './redis-connection.ts';
import { parseFailureText } from './scan-worker.ts';
import {
  JOB_DATA_VERSION, SCAN_JOB_NAME, TASK_JOB_NAME, TaskFailure, TaskJobResult,
  type OutputSpec, type ScanJobData, type ScanSpec, type TableReference, type TaskJobData,
} from './task-job.ts';

/** Where the built-in outputs write (`format` default `arrow`). */
export interface DispatchOutput {
  readonly format?: 'arrow' | 'parquet';
  /** A local folder (shared by the workers) or an `s3://bucket/prefix`. */
  readonly location: string;
  /** Parquet compression (default zstd). */
  readonly compression?: 'zstd' | 'snappy' | 'none';
}

/** Options of {@link dispatchScan}. */
export interface DispatchScanOptions {
  /** Redis: a `redis://host:port` URL or ioredis options. */
  readonly connection: RedisConnection;
  /** The BullMQ queue the workers listen on. */
  readonly queue: string;
  /** The built-in output; absent: the workers' custom handler decides. */
  readonly output?: DispatchOutput;
  /**
   * How the workers find the table (default: the scanned table's metadata file). Location maps and
   * allowed locations are not recoverable from a loaded table: give them here when the table needs them.
   */
  readonly table?: {
    readonly location?: string;
    readonly locationMap?: Readonly<Record<string, string>>;
    readonly allowedLocations?: readonly string[] | '*';
  };
  /** Attempts per task before the scan fails (default 3). */
  readonly attempts?: number;
  /** First retry delay in ms, doubling after each failure (default 1000). */
  readonly backoffMs?: number;
  /** How often to sweep the jobs' states besides listening to events, in ms (default 2000). */
  readonly pollIntervalMs?: number;
  /** BullMQ key prefix (default `bull`). */
  readonly prefix?: string;
  /** How long to wait for Redis when starting, in ms (default 10000; afterwards it waits through restarts). */
  readonly connectTimeoutMs?: number;
  /** Called once the flow is in Redis, with the scan id and the number of tasks. */
  readonly onDispatched?: (info: { readonly scanId: string; readonly tasks: number }) => void;
}

/** One finished task, as {@link dispatchScan} emits it. */
export interface ScanTaskResult {
  readonly scanId: string;
  readonly jobId: string;
  readonly task: FileScanTask;
  /** Position of the task in the plan (0-based) and the number of tasks. */
  readonly taskIndex: number;
  readonly taskCount: number;
  /** Rows the task produced (after deletes and filter). */
  readonly rows: number;
  /** Bytes written by the output (0 when the handler reports none). */
  readonly bytes: number;
  /** The output file or object, when there is one. */
  readonly location?: string;
  /** The attempt that succeeded (1 = first). */
  readonly attempt: number;
  /** The worker that ran it (`host:pid`). */
  readonly worker: string;
}

/** Expression JSON or filter text as plain JSON (bigints as decimal strings). */
function filterJson(filter: unknown): unknown {
  if (filter === undefined || typeof filter === 'string') return filter;
  return JSON.parse(JSON.stringify(filter, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/**
 * Plans `scan` and runs its tasks on the workers of `queue` ({@link runScanWorker}).
 *
 * Cold: each subscription dispatches (an identical scan already in Redis is not added again; its
 * finished tasks are reported at once). Emits one {@link ScanTaskResult} per task as tasks finish
 * (in any order), completes when every task has, and errors when a task failed permanently — an
 * `IcebergScanError` with the task's error code and file (`context`: job id, task index, attempts).
 * Unsubscribing stops following the jobs; it does not cancel them.
 * The jobs stay in Redis (so a second dispatch is free); a permanently failed scan reports the same
 * failure when dispatched again until its jobs are removed.
 *
 * @param scan A described scan (`table.scan({...})`); `limit` cannot be distributed (`invalid_argument`).
 * @param options Redis connection, queue, output and retry budget.
 */
export function dispatchScan(scan: TableScan, options: DispatchScanOptions): Observable<ScanTaskResult> {
  return new Observable<ScanTaskResult>((subscriber) => {
    let closed = false;
    const closers: (() => Promise<unknown>)[] = [];
    let timer: ReturnType<typeof setInterval> | undefined;

    const run = async (): Promise<void> => {
      if (scan.options.limit !== undefined) {
        throw new IcebergScanError('invalid_argument', 'a scan with a limit cannot be dispatched (the limit spans tasks)', { expected: 'a scan without limit' });
      }
      const metadataLocation = (scan.table as { metadataLocation?: string }).metadataLocation ?? options.table?.location;
      if (metadataLocation === undefined) {
        throw new IcebergScanError('invalid_argument', 'the scanned table has no metadata location for the workers to load', { expected: 'a table from loadTable, or options.table.location' });
      }
      const table: TableReference = {
        location: options.table?.location ?? metadataLocation,
        ...(options.table?.locationMap !== undefined ? { locationMap: { ...options.table.locationMap } } : {}),
        ...(options.table?.allowedLocations !== undefined ? { allowedLocations: options.table.allowedLocations === '*' ? '*' : [...options.table.allowedLocations] } : {}),
      };
      const spec: ScanSpec = {
        schemaId: scan.schema.schemaId,
        ...(scan.options.select !== undefined ? { select: [...scan.options.select] } : {}),
        ...(scan.options.filter !== undefined ? { filter: filterJson(scan.options.filter) } : {}),
        caseSensitive: scan.options.caseSensitive ?? true,
        ...(scan.options.batchSize !== undefined ? { batchSize: scan.options.batchSize } : {}),
      };
      const output: OutputSpec | undefined = options.output === undefined ? undefined : {
        format: options.output.format ?? 'arrow',
        location: options.output.location,
        ...(options.output.compression !== undefined ? { compression: options.output.compression } : {}),
      };
      const tasks = await lastValueFrom(scan.planFiles().pipe(toArray()));
      if (closed) return;
      const scanId = scanJobId(table, spec, output);
      const connection = redisConnectionOptions(options.connection);
      const base = { connection, ...(options.prefix !== undefined ? { prefix: options.prefix } : {}) };
      const queue = new Queue(options.queue, base);
      const events = new QueueEvents(options.queue, base);
      const flows = new FlowProducer(base);
      closers.push(() => events.close(), () => flows.close(), () => queue.close());
      // Connection errors are retried by ioredis; without listeners they would crash the process.
      queue.on('error', () => undefined);
      events.on('error', () => undefined);
      flows.on('error', () => undefined);
      const timeoutMs = options.connectTimeoutMs ?? 10_000;
      let timeout: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all([events.waitUntilReady(), queue.waitUntilReady()]),
        new Promise((_, reject) => {
          timeout = setTimeout(() => reject(new IcebergScanError('unavailable', `cannot reach Redis within ${timeoutMs} ms`, {
            expected: 'a running Redis server at the connection given',
            context: { queue: options.queue },
          })), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timeout));

      const ids = tasks.map((task) => taskJobId(scanId, task));
      const pending = new Map(ids.map((id, i) => [id, i]));
      options.onDispatched?.({ scanId, tasks: tasks.length });
      if (tasks.length === 0) {
        subscriber.complete();
        return;
      }
      const attempts = options.attempts ?? 3;
      const parent: ScanJobData = { version: JOB_DATA_VERSION, scanId, taskCount: tasks.length, table };
      await flows.add({
        name: SCAN_JOB_NAME,
        queueName: options.queue,
        data: parent,
        opts: { jobId: scanId },
        children: tasks.map((task, taskIndex) => {
          const data: TaskJobData = { version: JOB_DATA_VERSION, scanId, taskIndex, taskCount: tasks.length, table, scan: spec, task, ...(output !== undefined ? { output } : {}) };
          return {
            name: TASK_JOB_NAME,
            queueName: options.queue,
            data,
            opts: { jobId: ids[taskIndex]!, attempts, backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 }, failParentOnFailure: true },
          };
        }),
      });
      if (closed) return;

      const checking = new Set<string>();
      const check = async (id: string): Promise<void> => {
        if (closed || !pending.has(id) || checking.has(id)) return;
        checking.add(id);
        try {
          // The state first: a job read after it completed holds its return value.
          const state = await queue.getJobState(id);
          if (state !== 'completed' && state !== 'failed') return;
          const job = await Job.fromId(queue, id);
          if (job === undefined || closed || !pending.has(id)) return;
          const taskIndex = pending.get(id)!;
          if (state === 'completed') {
            if (job.returnvalue === null || job.returnvalue === undefined) return; // read again by the next sweep
            const parsed = TaskJobResult.safeParse(job.returnvalue);
            if (!parsed.success) {
              subscriber.error(new IcebergScanError('data_invalid', `job ${id} completed with a return value that is no task result`, {
                path: tasks[taskIndex]!.dataFile.path,
                expected: 'a worker of this version (runScanWorker)',
                context: { jobId: id },
              }));
              return;
            }
            const result = parsed.data;
            pending.delete(id);
            subscriber.next({ scanId, jobId: id, task: tasks[taskIndex]!, taskIndex, taskCount: tasks.length, ...result });
            if (pending.size === 0) subscriber.complete();
          } else if (state === 'failed') {
            subscriber.error(taskError(job, tasks[taskIndex]!, taskIndex, tasks.length, scanId));
          }
        } finally {
          checking.delete(id);
        }
      };
      // A check that fails (Redis went away meanwhile) is repeated by the next sweep.
      const ignore = (): undefined => undefined;
      events.on('completed', ({ jobId }) => void check(jobId).catch(ignore));
      events.on('failed', ({ jobId }) => void check(jobId).catch(ignore));
      const sweep = (): void => {
        for (const id of [...pending.keys()]) void check(id).catch(ignore);
      };
      timer = setInterval(sweep, options.pollIntervalMs ?? 2000);
      sweep();
    };

    run().catch((error: unknown) => {
      if (!closed) subscriber.error(error);
    });
    return () => {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      for (const close of closers) void close().catch(() => undefined);
    };
  });
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_argument', 'data_invalid', 'not_found', 'io_failed', 'aborted', 'feature_unsupported', 'path_refused',
  'type_mismatch', 'unauthorized', 'forbidden', 'unavailable', 'non_append_snapshot',
]);

/** The error of a permanently failed task job: the worker's recorded failure, else its failed reason. */
function taskError(job: Job, task: FileScanTask, taskIndex: number, taskCount: number, scanId: string): IcebergScanError {
  const recorded = TaskFailure.safeParse((job.data as { lastFailure?: unknown } | undefined)?.lastFailure);
  const fromText = parseFailureText(job.failedReason);
  // A job that stalled too often (its workers kept dying) has no recorded failure of its own.
  const failure = recorded.success && fromText !== undefined ? recorded.data : undefined;
  const code = (failure?.code ?? fromText?.code ?? 'unavailable') as string;
  const message = failure?.message ?? fromText?.message ?? job.failedReason ?? 'unknown failure';
  return new IcebergScanError(
    (ERROR_CODES.has(code) ? code : 'unavailable') as ErrorCode,
    `task ${taskIndex + 1} of ${taskCount} failed after ${job.attemptsMade} attempt(s): ${message}`,
    {
      path: failure?.path ?? task.dataFile.path,
      context: { scanId, jobId: job.id, taskIndex, attempts: job.attemptsMade, dataFile: task.dataFile.path },
    },
  );
}
