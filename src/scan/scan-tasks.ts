/**
 * The scan pipeline: file scan tasks → bounded-concurrency per-file reads → deletes → residual
 * filter → helper columns dropped → `limitRows` → record batches, as an Observable or a pull-based
 * AsyncIterable sharing the same core.
 */
import { setMaxListeners } from 'node:events';
import { Observable, defer, filter, finalize, from, identity, map, mergeMap, tap, type ObservableInput } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { IcebergScanError, abortedError } from '../errors.ts';
import { CountingFileIO } from '../io/input-file.ts';
import { limitRows } from '../operators/limit-rows.ts';
import { mergeMapInOrder } from '../operators/merge-map-in-order.ts';
import { combinePacers, type Pacer, type ReadDataFileContext } from '../read/read-context.ts';
import { readDataFile } from '../read/read-data-file.ts';
import { ReadAhead } from '../read/read-ahead.ts';
import { localDecoder } from '../read/decoder/local-decoder.ts';
import { DecodePool, sharedDecodePool } from '../read/decoder/decode-pool.ts';
import { pacedAsyncIterable } from '../consumers/paced-async-iterable.ts';
import { FileScanTask, type FileScanTaskInput } from '../task/file-scan-task.ts';
import { resolveScanTasksOptions, type ResolvedScanTasksOptions, type ScanTasksOptions } from './scan-options.ts';
import { createScanStats, type ScanStats } from '../task/scan-stats.ts';

/** Where tasks come from: an array, any (async) iterable, or an Observable (e.g. `planFiles`). */
export type ScanTaskSource =
  | Iterable<FileScanTaskInput>
  | AsyncIterable<FileScanTaskInput>
  | ObservableInput<FileScanTaskInput>;

/**
 * Scans file scan tasks into Arrow record batches.
 *
 * Cold: each subscription runs the scan anew (with fresh stats unless `options.stats` is given).
 * At most `concurrency` files are read at once; in `task` order (default) batches come in task
 * order, then file order, and read-ahead files hold at most one pending batch each. A synchronous
 * subscriber therefore bounds memory; asynchronous consumers should use {@link scanTasksIterable}.
 * Unsubscribing (or `limit` being reached) aborts in-flight reads and cancels decoding; no read
 * starts afterwards. The first error (an `IcebergScanError` naming the file) tears down every
 * other file and reaches the subscriber.
 *
 * @param tasks The tasks; each is validated by the `FileScanTask` schema.
 * @param options FileIO, projection and tunables (validated; see `ScanTasksOptions`).
 * @returns Record batches with the projection's output schema; never empty ones.
 * @throws IcebergScanError `invalid_argument` (synchronously) for bad options.
 */
export function scanTasks(tasks: ScanTaskSource, options: ScanTasksOptions): Observable<RecordBatch> {
  return buildScan(tasks, resolveScanTasksOptions(options), undefined);
}

/**
 * Scans file scan tasks into a pull-based `AsyncIterable` of record batches. Reading runs at most
 * `highWaterMark` batches (plus one per open file) ahead of the consumer, so a slow `for await`
 * loop keeps memory flat; `break` cancels every read.
 *
 * @param tasks The tasks; each is validated by the `FileScanTask` schema.
 * @param options As for {@link scanTasks}, plus `highWaterMark`.
 * @returns An async iterable of record batches (each iteration runs the scan anew).
 * @throws IcebergScanError `invalid_argument` (synchronously) for bad options.
 */
export function scanTasksIterable(tasks: ScanTaskSource, options: ScanTasksOptions): AsyncIterable<RecordBatch> {
  const resolved = resolveScanTasksOptions(options);
  return pacedAsyncIterable((pace) => buildScan(tasks, resolved, pace), resolved.highWaterMark);
}

function buildScan(tasks: ScanTaskSource, options: ResolvedScanTasksOptions, demand: Pacer | undefined): Observable<RecordBatch> {
  const { signal, limit, concurrency } = options;
  // Helper columns (e.g. equality-delete keys) sit after the output columns and are dropped.
  const outputIndexes = range(options.projection.outputColumns);
  return new Observable<RecordBatch>((subscriber) => {
    if (signal?.aborted) {
      subscriber.error(abortedError());
      return undefined;
    }
    const onAbort = (): void => subscriber.error(abortedError());
    signal?.addEventListener('abort', onAbort, { once: true });
    const controller = new AbortController();
    // Every read in flight, and every request waiting for a slot of a remote FileIO, listens to it.
    setMaxListeners(0, controller.signal);
    const stats = options.stats ?? createScanStats();
    const io = new CountingFileIO(options.io);
    const started = performance.now();
    const syncStats = ioStatsCopier(io, stats);

    const decoder = options.decodeWorkers === 0 ? localDecoder : sharedDecodePool(options.decodeWorkers);
    if (decoder instanceof DecodePool) decoder.warm();
    const readAhead = new ReadAhead(options.readAheadBytes, limit);
    const perFile = (task: FileScanTask, taskIndex: number, pace: Pacer | undefined): Observable<RecordBatch> => {
      const ctx: ReadDataFileContext = {
        io,
        signal: controller.signal,
        stats,
        projection: options.projection,
        batchSize: options.batchSize,
        decoder,
        decodeParallelism: Math.max(1, options.decodeWorkers),
        readAhead,
        taskIndex,
        rowGroupFilter: options.rowGroupFilter,
        pageFilter: options.pageFilter,
        pace: combinePacers(pace, demand),
        rowSelection: {},
      };
      let read = 0;
      const opened = defer(() => {
        readAhead.openTask(taskIndex);
        return (options.readFile ?? readDataFile)(task, ctx);
      }).pipe(finalize(() => readAhead.closeTask(taskIndex)));
      return opened.pipe(
        tap((fb) => (read += fb.batch.numRows)),
        options.deletes ? options.deletes(task, ctx) : identity,
        options.filter ? options.filter(task, ctx) : identity,
        // Rows the stages removed: the limit may need row groups it held back.
        tap((fb) => {
          readAhead.dropped(read - fb.batch.numRows);
          read = 0;
        }),
        map((fb) => (fb.batch.numCols > outputIndexes.length ? fb.batch.selectAt(outputIndexes) : fb.batch)),
        filter((batch) => batch.numRows > 0),
      );
    };

    const tasks$ = from(tasks as ObservableInput<FileScanTaskInput>).pipe(map(parseTask));
    const batches$ =
      options.order === 'arrival'
        ? tasks$.pipe(mergeMap((task, i) => perFile(task, i, undefined), concurrency))
        : tasks$.pipe(mergeMapInOrder((task: FileScanTask, i: number, pace: Pacer) => perFile(task, i, pace), concurrency));
    const subscription = batches$
      .pipe(
        limit === undefined ? identity : limitRows(limit),
        tap((batch) => {
          stats.rows += batch.numRows;
          stats.batches += 1;
          syncStats();
        }),
        finalize(() => {
          syncStats();
          stats.seconds = (performance.now() - started) / 1000;
        }),
      )
      .subscribe(subscriber);
    return () => {
      signal?.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      controller.abort();
    };
  });
}

function parseTask(input: FileScanTaskInput): FileScanTask {
  const parsed = FileScanTask.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = typeof input?.dataFile?.path === 'string' ? input.dataFile.path : undefined;
  throw new IcebergScanError('invalid_argument', `bad file scan task at ${issue.path.join('.') || 'task'}: ${issue.message}`, {
    path,
    expected: 'a FileScanTask',
    cause: parsed.error,
  });
}

/**
 * Copies the I/O counters into `stats` (called per batch, so O(1) unless files were opened since
 * the last call): totals by value, per-file counters as shared live objects.
 */
function ioStatsCopier(io: CountingFileIO, stats: ScanStats): () => void {
  let knownFiles = 0;
  return () => {
    stats.bytesRead = io.totalBytes;
    stats.readCalls = io.totalReads;
    stats.retries = io.totalRetries;
    if (io.perFile.size === knownFiles) return;
    for (const [location, s] of io.perFile) stats.perFile[location] ??= s;
    knownFiles = io.perFile.size;
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
