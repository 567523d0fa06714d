/**
 * The projection seam between the per-file reader and the rest of the pipeline: which Parquet columns
 * to decode for a file, and how to turn each decoded batch into the scan's output schema.
 */
import type { RecordBatch, Schema as ArrowSchema } from 'apache-arrow';
import type { FileMetaData } from 'hyparquet';
import type { FileScanTask } from './file-scan-task.ts';

/** How one data file is read and reshaped. */
export interface FileProjection {
  /**
   * Column paths to decode (top-level names or dotted paths of struct/list
   * children; maps are always whole). Empty when no column of the file is needed (only constants
   * and metadata columns): the reader then calls `project(undefined, …)` with row counts only.
   */
  readonly columns: readonly string[];
  /**
   * Reshapes a decoded batch (or, when `columns` is empty, `undefined` plus a row count) into the
   * scan's schema: renames, reorders, promotes types, fills missing columns and metadata columns.
   * The rows are `numRows` consecutive ones from the absolute file position `firstRowPosition`, or,
   * when the reader dropped rows while decoding (pushed-down deletes), those at
   * `firstRowPosition + rowOffsets[i]` (then the batch has `rowOffsets.length` rows).
   */
  project(decoded: RecordBatch | undefined, firstRowPosition: number, numRows: number, rowOffsets?: Int32Array): RecordBatch;
}

/** Plans the projection of every file of one scan. */
export interface ProjectionPlanner {
  /** The Arrow schema of every batch of the scan, helper columns included (see `outputColumns`). */
  readonly schema: ArrowSchema;
  /**
   * Number of leading columns of `schema` the consumer asked for; columns after them are helpers
   * (filter-only or equality-delete columns) that the pipeline drops before emitting.
   */
  readonly outputColumns: number;
  /** Plans the read of one data file from its footer. Throws `IcebergScanError` when it cannot. */
  forFile(task: FileScanTask, footer: FileMetaData): FileProjection;
}
