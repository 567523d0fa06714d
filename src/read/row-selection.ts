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
  /** The next selected row to hand out: in run `run` (an even index), `into` rows after its start `at`. */
  private run = 0;
  private at = 0;
  private into = 0;
  private taken = 0;

  /**
   * @param rows Rows of the row group.
   * @param skip Nonzero entries are rows not to decode (one entry per row); absent: every row.
   */
  constructor(
    readonly rows: number,
    skip?: Uint8Array,
  ) {
    if (skip === undefined) {
      this.selected = rows;
      this.runs = undefined;
      return;
    }
    // At most one run per row, plus the leading select run.
    const runs = new Uint32Array(rows + 1);
    let n = 0;
    let selected = 0;
    let i = 0;
    while (i < rows) {
      const from = i;
      while (i < rows && skip[i] === 0) i++;
      runs[n++] = i - from;
      selected += i - from;
      const skipFrom = i;
      while (i < rows && skip[i] !== 0) i++;
      if (i > skipFrom) runs[n++] = i - skipFrom;
    }
    this.selected = selected;
    this.runs = selected === rows ? undefined : runs.slice(0, n);
  }

  /** Where the next `n` decoded rows sit (offsets within the row group), in decode order. */
  take(n: number): BatchRows {
    if (this.taken + n > this.selected) throw new RangeError(`the selection holds fewer than ${n} more rows`);
    this.taken += n;
    const runs = this.runs;
    if (runs === undefined) {
      const first = this.at;
      this.at += n;
      return { first };
    }
    // Move to the first select run with rows left.
    this.settle(runs);
    const first = this.at + this.into;
    const left = runs[this.run]! - this.into;
    if (n <= left) {
      this.into += n;
      return { first };
    }
    const offsets = new Int32Array(n);
    for (let k = 0; k < n; ) {
      this.settle(runs);
      const start = this.at + this.into - first;
      const m = Math.min(n - k, runs[this.run]! - this.into);
      for (let j = 0; j < m; j++) offsets[k + j] = start + j;
      k += m;
      this.into += m;
    }
    return { first, offsets };
  }

  /** Skips exhausted select runs and the skip runs after them. */
  private settle(runs: Uint32Array): void {
    while (this.into >= runs[this.run]! && this.run < runs.length) {
      this.at += runs[this.run]! + (runs[this.run + 1] ?? 0);
      this.run += 2;
      this.into = 0;
    }
  }
}
