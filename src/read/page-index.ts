/**
 * A row group's page indexes (column index and offset index per column chunk), parsed on demand
 * from the file tail that `readParquetTail` keeps, which holds them when the file has them.
 */
import { readColumnIndex, readOffsetIndex, type ColumnIndex, type OffsetIndex } from 'hyparquet';
import type { PageIndexes, RowRange } from '../task/file-stage.ts';
import type { ParquetTail } from './parquet-footer.ts';

/** The page indexes of row group `rowGroup`, read from `tail` (undefined where absent or unreadable). */
export function pageIndexesOf(tail: ParquetTail, rowGroup: number): PageIndexes {
  const columns = tail.metadata.row_groups[rowGroup]?.columns ?? [];
  const view = new DataView(tail.bytes.buffer, tail.bytes.byteOffset, tail.bytes.byteLength);
  const columnIndexes = new Map<number, ColumnIndex | undefined>();
  const offsetIndexes = new Map<number, OffsetIndex | undefined>();
  const at = (offset: bigint | undefined, length: number | undefined): { view: DataView; offset: number } | undefined => {
    if (offset === undefined || length === undefined) return undefined;
    const start = Number(offset) - tail.start;
    if (!(start >= 0 && start + length <= tail.bytes.length)) return undefined;
    return { view: new DataView(view.buffer, view.byteOffset + start, length), offset: 0 };
  };
  const parsed = <T>(cache: Map<number, T | undefined>, leaf: number, parse: () => T | undefined): T | undefined => {
    if (!cache.has(leaf)) {
      let value: T | undefined;
      try {
        value = parse();
      } catch {
        value = undefined; // an unreadable index is no evidence: the pages are read
      }
      cache.set(leaf, value);
    }
    return cache.get(leaf);
  };
  return {
    columnIndex: (leaf) => parsed(columnIndexes, leaf, () => {
      const chunk = columns[leaf];
      const reader = at(chunk?.column_index_offset, chunk?.column_index_length);
      const element = chunk?.meta_data && elementOf(tail, chunk.meta_data.path_in_schema);
      return reader && element ? readColumnIndex(reader, element) : undefined;
    }),
    offsetIndex: (leaf) => parsed(offsetIndexes, leaf, () => {
      const chunk = columns[leaf];
      const reader = at(chunk?.offset_index_offset, chunk?.offset_index_length);
      return reader ? readOffsetIndex(reader) : undefined;
    }),
  };
}

/** The schema element of a leaf column by its path. */
function elementOf(tail: ParquetTail, path: readonly string[]): import('hyparquet').SchemaElement | undefined {
  const schema = tail.metadata.schema;
  let i = 1;
  let found: import('hyparquet').SchemaElement | undefined;
  const walk = (count: number, depth: number, matching: boolean): void => {
    for (let c = 0; c < count && found === undefined; c++) {
      const el = schema[i++];
      if (el === undefined) return;
      const match = matching && el.name === path[depth];
      if (el.num_children) walk(el.num_children, depth + 1, match);
      else if (match && depth === path.length - 1) found = el;
    }
  };
  walk(schema[0]?.num_children ?? 0, 0, true);
  return found;
}

/**
 * Pages of the column chunks `leaves` whose rows are all skipped by `runs` (a row selection: run
 * lengths select, skip, select, … over the row group's `rows`): the pages the decoder does not
 * read, counted from the offset indexes (0 for chunks without one).
 */
export function skippedPages(pages: PageIndexes, leaves: Iterable<number>, runs: Uint32Array, rows: number): number {
  let n = 0;
  for (const leaf of leaves) {
    const locations = pages.offsetIndex(leaf)?.page_locations;
    if (locations === undefined) continue;
    // One pass over pages and runs together: `r` is the run holding row `at`..`at + runs[r]`.
    let r = 0;
    let at = 0;
    for (let p = 0; p < locations.length; p++) {
      const start = Number(locations[p]!.first_row_index);
      const end = p + 1 < locations.length ? Number(locations[p + 1]!.first_row_index) : rows;
      if (end <= start) continue;
      while (r < runs.length && at + runs[r]! <= start) at += runs[r++]!;
      // from the run holding `start`, is any select run (even index, non-empty) overlapping [start, end)?
      let selected = false;
      for (let q = r, qa = at; q < runs.length && qa < end; qa += runs[q++]!) {
        if (q % 2 === 0 && runs[q]! > 0) {
          selected = true;
          break;
        }
      }
      if (!selected) n++;
    }
  }
  return n;
}

/** Marks (sets to 1) the rows of `mask` outside `keep`; returns how many it newly marked. */
export function markOutside(keep: readonly RowRange[], mask: Uint8Array): number {
  let marked = 0;
  let from = 0;
  const mark = (start: number, end: number): void => {
    for (let r = start; r < end; r++) {
      if (mask[r] === 0) {
        mask[r] = 1;
        marked++;
      }
    }
  };
  for (const r of keep) {
    mark(from, Math.min(r.start, mask.length));
    from = Math.max(from, r.end);
  }
  mark(from, mask.length);
  return marked;
}
