/**
 * Seams of the per-file pipeline: read → deletes → residual filter → drop helper columns. Deletes
 * and filters plug in as `FileStage`s; row-group pruning plugs in as a `RowGroupFilter`.
 */
import type { OperatorFunction } from 'rxjs';
import type { ColumnIndex, FileMetaData, OffsetIndex } from 'hyparquet';
import type { FileIO } from '../io/input-file.ts';
import type { FileBatch } from './file-batch.ts';
import type { FileScanTask } from './file-scan-task.ts';
import type { ScanStats } from './scan-stats.ts';
import type { ProjectionPlanner } from './file-projection.ts';
import type { RowSelectionSlot } from './row-selection.ts';

/** What a stage may use while it processes one file. */
export interface FileStageContext {
  readonly io: FileIO;
  /** Aborts when the scan is unsubscribed or its signal aborts. */
  readonly signal: AbortSignal;
  readonly stats: ScanStats;
  readonly projection: ProjectionPlanner;
  /**
   * This file's hand-off from the delete stage to the reader (absent: nothing is pushed down).
   * See {@link RowSelectionSlot}.
   */
  readonly rowSelection?: RowSelectionSlot;
}

/**
 * A per-file stage: given the task, an operator over that file's batches. Stages may drop rows
 * (never emit empty batches) but must keep each batch's columns as they are.
 */
export type FileStage = (task: FileScanTask, context: FileStageContext) => OperatorFunction<FileBatch, FileBatch>;

/** Decides, from the footer, whether a row group can hold matching rows (false = skip it). */
export type RowGroupFilter = (task: FileScanTask, footer: FileMetaData, rowGroupIndex: number) => boolean;

/** Rows `[start, end)` of a row group (row indices within it). */
export interface RowRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A row group's page indexes, read from the file's tail: per leaf column chunk (its index in the
 * row group's `columns`), the column index (per-page statistics) and the offset index (where each
 * page starts in rows). Undefined where the file has none or it cannot be read.
 */
export interface PageIndexes {
  columnIndex(leaf: number): ColumnIndex | undefined;
  offsetIndex(leaf: number): OffsetIndex | undefined;
}

/**
 * Decides, from the page indexes, which rows of a row group can hold matching rows: the ranges
 * (ascending, disjoint) that might match, or undefined when every row might. Rows outside them are
 * skipped by the decoder (whole pages when the file has an offset index).
 */
export type PageFilter = (task: FileScanTask, footer: FileMetaData, rowGroupIndex: number, pages: PageIndexes) => readonly RowRange[] | undefined;
