/**
 * `FileBatch`: a record batch of one data file together with where its rows sit in that file.
 * The per-file reader emits these; deletes need the absolute positions, consumers get plain batches.
 */
import type { RecordBatch } from 'apache-arrow';
import type { FileScanTask } from './file-scan-task.ts';

/** A batch of rows of one data file, with their positions in it: what a `FileStage` transforms. */
export interface FileBatch {
  /** The task whose data file these rows come from. */
  readonly task: FileScanTask;
  /** The rows. Its schema is the scan's output schema plus any helper columns still to be dropped. */
  readonly batch: RecordBatch;
  /**
   * Absolute position in the data file of the batch's first row (row-group start + offset). Row
   * `i` sits at `firstRowPosition + (rowOffsets?.[i] ?? i)`.
   */
  readonly firstRowPosition: number;
  /**
   * When rows were removed (by the reader or a stage) and those left are not contiguous: each
   * row's distance from `firstRowPosition` (`rowOffsets[0]` is 0). Absent: contiguous rows.
   */
  readonly rowOffsets?: Int32Array | undefined;
  /**
   * The reader already dropped the file's position-deleted rows (deletion vector or position
   * delete files) handed over by the delete stage.
   */
  readonly positionDeletesApplied?: boolean;
}

/** The absolute position of row `i` of `fb`. */
export function rowPosition(fb: FileBatch, i: number): number {
  return fb.firstRowPosition + (fb.rowOffsets === undefined ? i : fb.rowOffsets[i]!);
}

/**
 * Where the rows `kept` (ascending indices into rows whose positions are `firstRowPosition +
 * (offsets?.[i] ?? i)`) sit: the first one's position, and the others' offsets from it unless they
 * are contiguous (`rowOffsets` undefined then: spread over a batch, it clears the old offsets).
 * The result may share `kept`: neither may be changed afterwards.
 */
export function keptRowPositions(
  firstRowPosition: number, offsets: Int32Array | undefined, kept: Int32Array,
): { firstRowPosition: number; rowOffsets: Int32Array | undefined } {
  const at = (i: number): number => (offsets === undefined ? i : offsets[i]!);
  const n = kept.length;
  if (n === 0) return { firstRowPosition, rowOffsets: undefined };
  const base = at(kept[0]!);
  if (at(kept[n - 1]!) - base === n - 1) return { firstRowPosition: firstRowPosition + base, rowOffsets: undefined };
  // the kept indices themselves when they already count from the first row (no copy)
  if (offsets === undefined && base === 0) return { firstRowPosition, rowOffsets: kept };
  const rowOffsets = new Int32Array(n);
  for (let j = 0; j < n; j++) rowOffsets[j] = at(kept[j]!) - base;
  return { firstRowPosition: firstRowPosition + base, rowOffsets };
}
