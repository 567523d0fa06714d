/**
 * Row selection pushed down into the per-file reader: the delete stage hands the reader a file's
 * deleted positions, and the reader drops those rows while it copies each batch out of the decoder,
 * instead of copying every row and removing the deleted ones in a second pass.
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

/**
 * Offsets (relative to `start`) of the rows in `[start, start + count)` whose `mask` entry is 0,
 * or `undefined` when every row there is kept.
 */
export function keptOffsets(mask: Uint8Array, start: number, count: number): Int32Array | undefined {
  let dropped = 0;
  for (let i = start; i < start + count; i++) dropped += mask[i]!;
  if (dropped === 0) return undefined;
  const kept = new Int32Array(count - dropped);
  for (let i = 0, k = 0; i < count; i++) if (mask[start + i] === 0) kept[k++] = i;
  return kept;
}

/** The deletion mask (1 = drop) of rows `[first, first + count)`, or `undefined` when none is deleted. */
export function deletionMask(deleted: DeletedRows | undefined, first: number, count: number): Uint8Array | undefined {
  if (deleted === undefined || count === 0) return undefined;
  const mask = new Uint8Array(count);
  return deleted.markRange(first, count, mask) === 0 ? undefined : mask;
}

/** The kept offsets of rows `[first, first + count)` of the file, or `undefined` when none is deleted. */
export function keptRowsOf(deleted: DeletedRows | undefined, first: number, count: number): Int32Array | undefined {
  const mask = deletionMask(deleted, first, count);
  return mask === undefined ? undefined : keptOffsets(mask, 0, count);
}
