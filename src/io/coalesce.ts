/**
 * Byte-range coalescing: merges neighbouring ranges so one row group's column chunks are fetched
 * with few read calls.
 */

/** A byte range `[start, end)` (end exclusive). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Ranges whose gap is at most this many bytes are fetched as one read. 1 MiB, as arrow-rs's
 * object-store reader (`OBJECT_STORE_COALESCE_DEFAULT`) uses: one extra MiB costs less than a
 * second request's latency on object stores, and column chunks of one row group are adjacent anyway.
 */
export const DEFAULT_RANGE_COALESCE_BYTES = 1024 * 1024;

/**
 * Sorts `ranges` and merges those that overlap or lie at most `maxGap` bytes apart.
 * Empty ranges are dropped. The input is not modified.
 *
 * @param ranges Byte ranges, in any order.
 * @param maxGap Largest gap (bytes) bridged by one read.
 * @returns Disjoint ranges in ascending order that cover every input range.
 */
export function coalesceRanges(ranges: readonly ByteRange[], maxGap = DEFAULT_RANGE_COALESCE_BYTES): ByteRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.start - last.end <= maxGap) {
      if (r.end > last.end) out[out.length - 1] = { start: last.start, end: r.end };
    } else {
      out.push({ start: r.start, end: r.end });
    }
  }
  return out;
}
