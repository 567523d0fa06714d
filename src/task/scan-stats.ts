/**
 * Scan statistics: what a scan read, skipped and deleted. One mutable object per scan, filled by
 * every stage as it runs, readable at any time and final when the scan completes.
 */

export interface ScanStats {
  /** Rows emitted to the consumer (after deletes, filter and limit). */
  rows: number;
  /** Batches emitted to the consumer. */
  batches: number;
  /** Data files opened. */
  files: number;
  /** Row groups decoded / skipped (by split, statistics or limit). */
  rowGroupsRead: number;
  rowGroupsSkipped: number;
  /** Bytes and read calls through the scan's FileIO, in total and per file location. */
  bytesRead: number;
  readCalls: number;
  perFile: Record<string, { bytes: number; reads: number }>;
  /**
   * Remote requests retried for this scan's reads (throttling, 5xx, resets, truncated or stalled
   * bodies), the AWS SDK's own retries included; 0 for local files.
   */
  retries: number;
  /** Delete files loaded, and rows removed by each kind of delete. */
  deleteFilesRead: number;
  rowsDeleted: { position: number; equality: number; deletionVector: number };
  /** What pruning removed at each level. */
  pruned: { manifests: number; dataFiles: number; deleteFiles: number; rowGroups: number };
  /** Data files a `count()` answered from their manifest record count, without reading them. */
  filesCountedFromMetadata: number;
  /** Rows removed by the residual row filter. */
  rowsFiltered: number;
  /**
   * Rows the page indexes proved cannot match the filter: never decoded (they are not in
   * `rowsFiltered`).
   */
  rowsSkipped: number;
  /**
   * Pages of projected column chunks the decoder skipped without reading them, because every row
   * in them was deleted or ruled out by the page indexes (counted from the offset indexes).
   */
  pagesSkipped: number;
  /** Wall-clock seconds from subscribe to completion (0 while running). */
  seconds: number;
}

/** A fresh, zeroed stats object. */
export function createScanStats(): ScanStats {
  return {
    rows: 0,
    batches: 0,
    files: 0,
    rowGroupsRead: 0,
    rowGroupsSkipped: 0,
    bytesRead: 0,
    readCalls: 0,
    perFile: {},
    retries: 0,
    deleteFilesRead: 0,
    rowsDeleted: { position: 0, equality: 0, deletionVector: 0 },
    pruned: { manifests: 0, dataFiles: 0, deleteFiles: 0, rowGroups: 0 },
    filesCountedFromMetadata: 0,
    rowsFiltered: 0,
    rowsSkipped: 0,
    pagesSkipped: 0,
    seconds: 0,
  };
}
