/**
 * `pollCommits`: the polling loop behind `table.watch(...)`. It looks at a table version, emits
 * every append snapshot committed since the last one it emitted (walking the parent chain, oldest
 * first), waits until the consumer is done with each, then waits `pollInterval`, refreshes the
 * table (retrying failures with backoff) and looks again. Scheduler-driven, so that marble tests
 * run it in virtual time.
 */
import { Observable, asyncScheduler, from, take, type ObservableInput, type SchedulerLike, type Subscription } from 'rxjs';
import { IcebergScanError, abortedError } from '../errors.ts';
import { nonAppendError, rangeSnapshotKind, snapshotsAfter } from '../incremental/append-range.ts';
import { toSnapshotId, type Snapshot, type SnapshotId } from '../metadata/snapshot.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';
import { checkRetryOptions, isRetryableRefreshError, refreshFailedError, refreshRetryDelay, DEFAULT_REFRESH_RETRY, type RefreshRetryOptions } from './refresh-retry.ts';

/** What the loop needs of a table version (a `Table` is one). */
export interface PolledVersion {
  readonly metadata: TableMetadata;
}

/** One newly committed append snapshot. */
export interface PolledCommit<T extends PolledVersion> {
  /** The append snapshot. */
  readonly snapshot: Snapshot;
  /** The table version it was found in. */
  readonly table: T;
  /**
   * Tells the loop the consumer is done with this commit: the next commit (or the error of a
   * non-append one) is emitted, and the next poll scheduled, only after. Idempotent.
   */
  readonly done: () => void;
}

/** Options of {@link pollCommits}. */
export interface PollCommitsOptions<T extends PolledVersion> {
  /** The version to look at first (at subscription). */
  readonly table: T;
  /** Loads the current version; its signal aborts when the loop is unsubscribed. */
  readonly refresh: (signal: AbortSignal) => ObservableInput<T>;
  /** For messages: what the table is known by. */
  readonly tableName?: string;
  /**
   * Emit the appends after this snapshot (exclusive). Default: the current snapshot of `table`,
   * so only commits made after subscribing are emitted. Must be in `table`'s metadata
   * (`not_found` otherwise: expired or unknown).
   */
  readonly fromSnapshotId?: number | bigint | string;
  /** Wait between polls in ms (after the consumer is done with the previous poll's commits). */
  readonly pollInterval: number;
  /** Skip `overwrite` / `delete` snapshots instead of failing with `non_append_snapshot`. */
  readonly skipNonAppends?: boolean;
  /** Retry budget of each poll's refresh. */
  readonly retry?: RefreshRetryOptions;
  /** Aborts the loop (it then errors with `aborted`). */
  readonly signal?: AbortSignal;
  /** Schedules the waits (default `asyncScheduler`; a `TestScheduler` in marble tests). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Polls a table for new append snapshots and emits each once, in commit order, one at a time.
 * `replace` snapshots are passed over; `overwrite` / `delete` fail with `non_append_snapshot`
 * (after the commits before them were done) unless `skipNonAppends`. A refresh that fails is
 * retried with exponential backoff; when a poll's budget is spent, or the failure cannot be
 * retried (`unauthorized`, `forbidden`, ...), the loop errors with it. A current snapshot that is
 * not a descendant of the last emitted one (a rollback) fails with `invalid_argument`. It never
 * completes by itself; unsubscribing stops the timer and aborts the refresh in flight.
 *
 * ```text
 * pollInterval 3; each refresh answers one frame after it is asked; done() called at once
 * in hand at subscription: s1 current (nothing to emit)
 * refresh asked:   ---x---x---x          answers: v2 (s2, s3 new), v3 (unchanged), v4 (s4 new)
 * output:          ----(ab)---c          a = s2, b = s3 (at frame 4), c = s4 (at frame 12)
 * failed refresh:  ---#-x                (retried after retry.initialDelay, then doubling)
 * ```
 *
 * @param options The starting version, how to refresh, interval, retry and scheduler.
 * @returns The commits; each must be `done()` before the next arrives.
 */
export function pollCommits<T extends PolledVersion>(options: PollCommitsOptions<T>): Observable<PolledCommit<T>> {
  return new Observable<PolledCommit<T>>((subscriber) => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const attempts = options.retry?.attempts ?? DEFAULT_REFRESH_RETRY.attempts;
    const name = options.tableName ?? 'the table';
    let closed = false;
    let timer: Subscription | undefined;
    let refreshing: Subscription | undefined;
    let controller: AbortController | undefined;
    let last: SnapshotId | undefined;
    let queue: Snapshot[] = [];
    let version: T = options.table;

    const fail = (error: unknown): void => {
      if (closed) return;
      closed = true;
      subscriber.error(error);
    };
    const schedule = (work: () => void, delay: number): void => {
      timer?.unsubscribe();
      timer = scheduler.schedule(() => {
        if (!closed) work();
      }, delay);
    };

    /** Emits the next queued append, or schedules the next poll when the queue is empty. */
    const drain = (): void => {
      while (!closed) {
        const s = queue.shift();
        if (s === undefined) {
          schedule(() => refresh(1), options.pollInterval);
          return;
        }
        const kind = rangeSnapshotKind(s);
        if (kind === 'append') {
          let released = false;
          const done = (): void => {
            if (released) return;
            released = true;
            last = s.snapshotId;
            // Asynchronously (same virtual frame): a consumer calling done() inside next() does not recurse.
            schedule(drain, 0);
          };
          subscriber.next({ snapshot: s, table: version, done });
          return;
        }
        if (kind === 'non_append' && options.skipNonAppends !== true) return fail(nonAppendError(s));
        last = s.snapshotId;
      }
    };

    /** Queues the snapshots `table` has after the last one handled. */
    const look = (table: T, first: boolean): void => {
      version = table;
      const currentId = table.metadata.currentSnapshotId;
      if (currentId === undefined || currentId === last) return drain();
      const current = table.metadata.snapshots.find((s) => s.snapshotId === currentId);
      if (current === undefined) {
        return fail(new IcebergScanError('data_invalid', `current-snapshot-id ${currentId} is not among the snapshots`, { context: { snapshotId: currentId } }));
      }
      try {
        queue = snapshotsAfter(table.metadata, last, current, !first);
      } catch (error) {
        return fail(error);
      }
      drain();
    };

    const refresh = (attempt: number): void => {
      controller = new AbortController();
      let got: T | undefined;
      let ended = false;
      const end = (): void => {
        ended = true;
        refreshing = undefined;
        controller = undefined;
      };
      refreshing = from(options.refresh(controller.signal)).pipe(take(1)).subscribe({
        next: (t) => (got = t),
        error: (error: unknown) => {
          end();
          if (closed) return;
          if (attempt >= attempts || !isRetryableRefreshError(error)) return fail(refreshFailedError(error, attempt, name));
          schedule(() => refresh(attempt + 1), refreshRetryDelay(attempt, options.retry));
        },
        complete: () => {
          end();
          if (closed) return;
          if (got === undefined) return fail(new IcebergScanError('data_invalid', `watch: refreshing ${name} gave no table`));
          look(got, false);
        },
      });
      if (ended) refreshing = undefined;
    };

    const onAbort = (): void => {
      teardown();
      fail(abortedError());
    };
    const teardown = (): void => {
      timer?.unsubscribe();
      refreshing?.unsubscribe();
      controller?.abort();
      options.signal?.removeEventListener('abort', onAbort);
    };

    try {
      checkRetryOptions(options.retry);
      if (!(options.pollInterval >= 0) || !Number.isFinite(options.pollInterval)) {
        throw new IcebergScanError('invalid_argument', `watch pollInterval is ${String(options.pollInterval)}`, { expected: 'milliseconds >= 0' });
      }
      if (options.fromSnapshotId !== undefined) {
        const id = toSnapshotId(options.fromSnapshotId);
        if (id === undefined) throw new IcebergScanError('invalid_argument', `fromSnapshotId ${String(options.fromSnapshotId)} is not an integer`);
        if (!options.table.metadata.snapshots.some((s) => s.snapshotId === id)) {
          throw new IcebergScanError('not_found', `fromSnapshotId: snapshot ${id} does not exist (expired, or never of this table)`, {
            expected: 'a snapshot still in the table metadata',
            context: { fromSnapshotId: id },
          });
        }
        last = id;
      } else {
        last = options.table.metadata.currentSnapshotId;
      }
    } catch (error) {
      fail(error);
      return undefined;
    }
    if (options.signal?.aborted) {
      fail(abortedError());
      return undefined;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    look(options.table, true);
    return () => {
      closed = true;
      teardown();
    };
  });
}
