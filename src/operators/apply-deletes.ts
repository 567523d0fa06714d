/**
 * `applyDeletes`: the delete stage of the per-file pipeline: loads a file's deletes when the file
 * is about to be read and removes deleted rows from each of its batches as they stream.
 */
import { catchError, defer, filter, from, identity, map, switchMap, throwError, type ObservableInput } from 'rxjs';
import { asScanError } from '../errors.ts';
import { DeleteLoader } from '../deletes/delete-loader.ts';
import type { NullFilePathPolicy } from '../deletes/position-delete-file.ts';
import { applyTaskDeletes, deletedRowsOf, type TaskDeletes } from '../deletes/task-deletes.ts';
import type { FileBatch } from '../task/file-batch.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import type { FileStage, FileStageContext } from '../task/file-stage.ts';
import type { ScanStats } from '../task/scan-stats.ts';

/** Options of {@link applyDeletes}. */
export interface ApplyDeletesOptions {
  /** Null `file_path` in position delete files: `'error'` (default, the spec forbids it) or `'skip'`. */
  readonly nullFilePath?: NullFilePathPolicy;
  /** Replaces the loader (tests inject in-memory deletes); default: a scan-wide cached loader. */
  readonly load?: (task: FileScanTask, context: FileStageContext) => ObservableInput<TaskDeletes>;
}

/**
 * The delete stage: removes position-deleted, DV-deleted and equality-deleted rows of each file.
 *
 * A file without deletes passes through untouched, without waiting for anything. For a file with
 * deletes, subscribing starts loading them (each delete file once per scan, shared by every task it
 * applies to; concurrent loads share one read); the file's batches are subscribed to when the
 * deletes are loaded, so no batch is buffered meanwhile. Each batch then loses its deleted rows
 * (by absolute position `firstRowPosition + i`, then by equality key); batches left empty are
 * dropped. Position deletes and deletion vectors are handed to the reader first
 * (`context.rowSelection`): a Parquet reader drops those rows while it copies each batch out of the
 * decoder, which saves a second copy, and marks the batch `positionDeletesApplied`; this stage
 * removes them from any batch that is not marked. `stats.deleteFilesRead` and
 * `stats.rowsDeleted.{position,deletionVector,equality}` count as it goes.
 *
 *     load(task):    ----(d|)           d: positions 1 and 5 of the file are deleted
 *     source:            --a--b--|      a: rows 0-3, b: rows 4-5 (subscribed once d arrived)
 *     applyDeletes:  ------a--b--|      a: rows 0, 2, 3   b: row 4
 *     load subs:     ^---!
 *     source subs:   ----^-------!
 *
 * Errors (a corrupt delete file, an equality column missing from the batch) are
 * `IcebergScanError`s and end the file's stream. Unsubscribing stops the source; the scan's
 * signal aborts delete-file reads still in flight.
 *
 * @example
 * ```ts
 * const batches$ = scanTasks(tasks, { io, projection, deletes: applyDeletes() });
 * batches$.subscribe((b) => console.log(b.numRows));
 * // Logs (one file of 6 rows, positions 1 and 5 deleted): 4
 * ```
 * @param options Null-`file_path` policy; a loader override for tests.
 * @returns A {@link FileStage}. One instance may serve many scans: each scan (told apart by its
 *   `stats` object) gets its own delete-file cache, released with the scan.
 */
export function applyDeletes(options: ApplyDeletesOptions = {}): FileStage {
  const loaders = new WeakMap<ScanStats, DeleteLoader>();
  const defaultLoad = (task: FileScanTask, context: FileStageContext): Promise<TaskDeletes> => {
    let loader = loaders.get(context.stats);
    if (loader === undefined) {
      loader = new DeleteLoader({ io: context.io, signal: context.signal, stats: context.stats, nullFilePath: options.nullFilePath });
      loaders.set(context.stats, loader);
    }
    return loader.load(task);
  };
  const load = options.load ?? defaultLoad;
  return (task, context) => {
    if (task.deletes.length === 0) return identity;
    const { stats } = context;
    return (source) =>
      defer(() => from(load(task, context))).pipe(
        catchError((error: unknown) => throwError(() => asScanError(error, 'data_invalid', task.dataFile.path))),
        switchMap((deletes) => {
          if (isEmpty(deletes)) return source;
          // The reader drops position-deleted rows while decoding when it can (and marks those batches).
          if (context.rowSelection !== undefined) context.rowSelection.deleted = deletedRowsOf(deletes);
          return source.pipe(
            map((input: FileBatch) => {
              const { batch, deleted } = applyTaskDeletes(deletes, input);
              stats.rowsDeleted.position += deleted.position;
              stats.rowsDeleted.deletionVector += deleted.deletionVector;
              stats.rowsDeleted.equality += deleted.equality;
              return batch;
            }),
            filter((batch): batch is FileBatch => batch !== undefined),
          );
        }),
      );
  };
}

/** True when none of a task's delete files names a row of its data file. */
function isEmpty(deletes: TaskDeletes): boolean {
  return deletes.deletionVector === undefined && deletes.positions.length === 0 && deletes.equality.length === 0;
}
