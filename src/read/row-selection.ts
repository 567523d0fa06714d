/**
 * The rows of one row group the decoder materializes: built from a mask of rows to skip (deleted
 * positions, pages the page index rules out), handed to the decoder as run lengths, and walked
 * batch by batch to tell where each decoded row sits in the file.
 */

/** Offsets within the row group of the rows of one batch: `first`, then `offsets` when not contiguous. */
export interface BatchRows {
  /** Offset (within the row group) of the batch's first row. */
  readonly first: number;
  /** Each row's distance from `first` (`offsets[0]` is 0), absent when the rows are contiguous. */
  readonly offsets?: Int32Array | undefined;
}

/** Which rows of a row group are decoded, and where each decoded row sits. */
export class RowGroupSelection {
  /** Rows the decoder materializes. */
  readonly selected: number;
  /** Run lengths select, skip, select, … over the row group's rows (the decoder's form); absent: every row. */
  readonly runs: Uint32Array | undefined;
  private cursor = 0;

  /**
   * @param rows Rows of the row group.
   * @param skip Nonzero entries are rows not to decode (one entry per row); absent: every row.
   */
  constructor(
    readonly rows: number,
    private readonly skip?: Uint8Array,
  ) {
    if (skip === undefined) {
      this.selected = rows;
      this.runs = undefined;
      return;
    }
    const runs: number[] = [];
    let selected = 0;
    let i = 0;
    while (i < rows) {
      const from = i;
      while (i < rows && skip[i] === 0) i++;
      runs.push(i - from);
      selected += i - from;
      const skipFrom = i;
      while (i < rows && skip[i] !== 0) i++;
      if (i > skipFrom) runs.push(i - skipFrom);
    }
    this.selected = selected;
    this.runs = selected === rows ? undefined : Uint32Array.from(runs);
  }

  /** Where the next `n` decoded rows sit (offsets within the row group), in decode order. */
  take(n: number): BatchRows {
    const skip = this.skip;
    if (skip === undefined || this.runs === undefined) {
      if (this.cursor + n > this.rows) throw new RangeError(`the selection holds fewer than ${n} more rows`);
      const first = this.cursor;
      this.cursor += n;
      return { first };
    }
    const rows = this.rows;
    let i = this.cursor;
    while (i < rows && skip[i] !== 0) i++;
    const first = i;
    let offsets: Int32Array | undefined;
    for (let k = 0; k < n; k++, i++) {
      while (i < rows && skip[i] !== 0) i++;
      if (i >= rows) throw new RangeError(`the selection holds fewer than ${n} more rows`);
      // the first gap: rows so far were contiguous, record every offset from here on
      if (offsets === undefined && i - first !== k) offsets = Int32Array.from({ length: n }, (_, j) => j);
      if (offsets !== undefined) offsets[k] = i - first;
    }
    this.cursor = i;
    return offsets === undefined ? { first } : { first, offsets };
  }
}
