/**
 * `FileBatch`: a record batch of one data file together with where its rows sit in that file.
 * The per-file reader emits these; deletes need the absolute positions, consumers get plain batches.
 */
import type { RecordBatch } from 'apache-arrow';
import type { FileScanTask } from '../scan/file-scan-task.ts';

export interface FileBatch {
  /** The task whose data file these rows come from. */
  readonly task: FileScanTask;
  /** The rows. Its schema is the scan's output schema plus any helper columns still to be dropped. */
  readonly batch: RecordBatch;
  /**
   * Absolute position in the data file of the batch's first row (row-group start + offset).
   * Rows of one batch are contiguous positions until the delete stage has run, unless
   * `positionDeletesApplied` is set.
   */
  readonly firstRowPosition: number;
  /**
   * The reader already dropped the file's position-deleted rows (deletion vector or position
   * delete files) handed over by the delete stage, so the batch's rows may not be contiguous.
   */
  readonly positionDeletesApplied?: boolean;
}
