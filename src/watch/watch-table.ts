/**
 * `watchTable` (behind `table.watch(...)`): a live tail of a table. Each newly committed append
 * snapshot becomes a `TableCommit` whose rows are read by an incremental scan of that one snapshot
 * when the consumer subscribes to them; the next commit comes once the consumer is done with it.
 */
import { Observable, finalize, map, type SchedulerLike } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import type { Snapshot, SnapshotId } from '../metadata/snapshot.ts';
import type { Table } from '../table/table.ts';
import type { TableScan, TableScanOptions } from '../table/table-scan.ts';
import { pollCommits } from './poll-commits.ts';
import type { RefreshRetryOptions } from './refresh-retry.ts';

/** Default wait between two polls: 1 s. */
export const DEFAULT_POLL_INTERVAL = 1_000;

/** What resumes a watch right after a commit: pass it to `table.watch({ ...checkpoint })`. */
export interface WatchCheckpoint {
  /** The id of the last commit completely consumed. */
  readonly fromSnapshotId: SnapshotId;
}

/** Options of `table.watch(...)`: the scan options of each commit's read, plus the polling. */
export interface WatchOptions
  extends Pick<TableScanOptions, 'select' | 'filter' | 'batchSize' | 'concurrency' | 'planningConcurrency' | 'order' | 'decodeWorkers' | 'readAheadBytes' | 'caseSensitive'> {
  /**
   * Emit the appends committed after this snapshot (a checkpoint). Default: the table's current
   * snapshot, so only commits made after subscribing. `not_found` when the snapshot is expired.
   */
  readonly fromSnapshotId?: number | bigint | string;
  /** Wait between polls in ms (default 1000), counted from when the previous poll's commits were consumed. */
  readonly pollInterval?: number;
  /**
   * Skip `overwrite` and `delete` snapshots (their added files are not read, their deletes not
   * applied) instead of failing with `non_append_snapshot`. `replace` snapshots are always passed over.
   */
  readonly skipNonAppends?: boolean;
  /** Retry budget of each poll's refresh (default 5 attempts, backoff 250 ms doubling, at most 10 s). */
  readonly retry?: RefreshRetryOptions;
  /** Stops the watch; it then errors with `aborted` (unsubscribing stops it silently). */
  readonly signal?: AbortSignal;
  /** Schedules polls and backoff (default `asyncScheduler`; a `TestScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
}

/** One newly committed append snapshot of a watched table and its rows. */
export interface TableCommit {
  /** The append snapshot. */
  readonly snapshot: Snapshot;
  /** Its id. */
  readonly snapshotId: SnapshotId;
  /** Its commit time (epoch ms). */
  readonly timestampMs: number;
  /** Resumes the watch after this commit. */
  readonly checkpoint: WatchCheckpoint;
  /** The table version the commit was found in. */
  readonly table: Table;
  /** The incremental scan of this commit's added rows (`stats` while and after it runs). */
  readonly scan: TableScan;
  /**
   * The commit's rows, read on subscription (cold: each subscription reads them). When a subscription ends (complete,
   * error or unsubscribe) the watch moves on to the next commit.
   */
  readonly batches: Observable<RecordBatch>;
  /** The commit's rows, pulled (bounded read-ahead); the watch moves on when the loop ends. */
  toAsyncIterable(): AsyncIterable<RecordBatch>;
  /** Moves on without reading this commit's rows. */
  skip(): void;
}

/**
 * Tails `table`: emits a `TableCommit` for each append snapshot committed after `fromSnapshotId`
 * (default: the current one), in commit order, none skipped or repeated, also when several land
 * between two polls. It finds commits with `table.refresh()`, so a table from a catalog is polled
 * through its catalog, one from a folder by re-reading its metadata folder; failed refreshes (a
 * metadata file half written or vanished, a network error) are retried with backoff within
 * `retry`'s budget, then the watch errors with the last failure's code.
 *
 * Back-pressure: a commit's files are read only when its `batches` are subscribed (or its
 * iterable pulled), and the next commit is emitted, and the table polled again, only once the
 * consumer is done with the previous commit. Use `concatMap`:
 *
 * ```text
 * commits:  ----a--------------b------   (b committed while a's rows were being written)
 * concatMap(c => c.batches):
 * batches:  -----1-2-|          -3-|     (b is emitted when a's batches complete)
 * ```
 *
 * An `overwrite` / `delete` snapshot errors the watch with `non_append_snapshot` once the commits
 * before it are consumed, unless `skipNonAppends`. Never completes by itself; unsubscribing stops
 * polling and aborts the reads in flight. Save `commit.checkpoint` after a commit's batches
 * complete and pass it back to resume without losing or repeating a row.
 *
 * @param table The table (its `refresh()` finds new versions).
 * @param options Start, interval, non-append handling, retry and per-commit scan options.
 */
export function watchTable(table: Table, options: WatchOptions = {}): Observable<TableCommit> {
  const { fromSnapshotId, pollInterval, skipNonAppends, retry, signal, scheduler, ...scanOptions } = options;
  return pollCommits({
    table,
    tableName: table.source?.name ?? table.metadataLocation,
    refresh: (s) => table.refresh(s),
    pollInterval: pollInterval ?? DEFAULT_POLL_INTERVAL,
    ...(fromSnapshotId !== undefined ? { fromSnapshotId } : {}),
    ...(skipNonAppends !== undefined ? { skipNonAppends } : {}),
    ...(retry !== undefined ? { retry } : {}),
    ...(signal !== undefined ? { signal } : {}),
    ...(scheduler !== undefined ? { scheduler } : {}),
  }).pipe(
    map(({ snapshot, table: version, done }): TableCommit => {
      const parentKnown = snapshot.parentSnapshotId !== undefined && version.metadata.snapshots.some((s) => s.snapshotId === snapshot.parentSnapshotId);
      const scan = version.scan({
        ...scanOptions,
        ...(parentKnown ? { fromSnapshotId: snapshot.parentSnapshotId } : {}),
        toSnapshotId: snapshot.snapshotId,
        ...(signal !== undefined ? { signal } : {}),
      });
      return {
        snapshot,
        snapshotId: snapshot.snapshotId,
        timestampMs: snapshot.timestampMs,
        checkpoint: { fromSnapshotId: snapshot.snapshotId },
        table: version,
        scan,
        batches: scan.batches().pipe(finalize(done)),
        toAsyncIterable: () => releasing(scan.toAsyncIterable(), done),
        skip: done,
      };
    }),
  );
}

async function* releasing<T>(source: AsyncIterable<T>, done: () => void): AsyncIterable<T> {
  try {
    yield* source;
  } finally {
    done();
  }
}
