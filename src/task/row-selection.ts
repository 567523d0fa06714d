/**
 * Row selection pushed down into the per-file reader: the delete stage hands the reader a file's
 * deleted positions, and the reader has the decoder skip those rows, so they are never
 * materialized (instead of decoding every row and removing the deleted ones afterwards).
 */

/** Positions of one data file the reader may drop while decoding. */
export interface DeletedRows {
  /** What deleted them, for `stats.rowsDeleted` (a deletion vector replaces position delete files). */
  readonly kind: 'position' | 'deletionVector';
  /**
   * Sets `mask[i] = 1` for each deleted position `first + i` (0 <= i < count); returns how many
   * entries changed from 0 to 1.
   */
  markRange(first: number, count: number, mask: Uint8Array): number;
}

/**
 * A per-file hand-off from the delete stage to the reader. The stage sets `deleted` before it
 * subscribes to the file's batches; a reader that honours it drops those rows and marks its
 * batches `positionDeletesApplied`. A reader that ignores it (the Avro reader, a custom reader)
 * leaves its batches unmarked, and the stage removes the rows itself.
 */
export interface RowSelectionSlot {
  deleted?: DeletedRows;
}
