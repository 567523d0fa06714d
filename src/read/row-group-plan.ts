/**
 * Row-group planning from a hyparquet footer: which row groups a task's byte split owns (midpoint
 * rule), where each row group starts in row positions, and the byte ranges of projected column chunks.
 */
import type { FileMetaData, RowGroup } from 'hyparquet';
import type { ByteRange } from '../io/coalesce.ts';

/** Byte extent of a row group: from its first column chunk's first page to its last chunk's end. */
export function rowGroupExtent(rowGroup: RowGroup): ByteRange {
  let start = Infinity;
  let end = 0;
  for (const chunk of rowGroup.columns) {
    const r = chunkRange(chunk.meta_data);
    if (r === undefined) continue;
    start = Math.min(start, r.start);
    end = Math.max(end, r.end);
  }
  if (start === Infinity) {
    const offset = Number(rowGroup.file_offset ?? 0n);
    return { start: offset, end: offset + Number(rowGroup.total_compressed_size ?? 0n) };
  }
  return { start, end };
}

/**
 * Indexes of the row groups a split owns: those whose byte midpoint lies in
 * `[start, start + length)`. Without a split every row group is owned.
 */
export function selectRowGroups(footer: FileMetaData, start?: number, length?: number): number[] {
  const all = footer.row_groups.map((_, i) => i);
  if (start === undefined && length === undefined) return all;
  const from = start ?? 0;
  const to = length === undefined ? Infinity : from + length;
  return all.filter((i) => {
    const { start: s, end: e } = rowGroupExtent(footer.row_groups[i]!);
    const mid = s + Math.floor((e - s) / 2);
    return mid >= from && mid < to;
  });
}

/** Absolute position (row index in the file) of each row group's first row. */
export function rowGroupFirstRows(footer: FileMetaData): number[] {
  const out: number[] = [];
  let n = 0;
  for (const rg of footer.row_groups) {
    out.push(n);
    n += Number(rg.num_rows);
  }
  return out;
}

/**
 * Byte ranges of the column chunks of `rowGroup` that the projected `columns` (top-level names or
 * dotted paths) need. A column selects every leaf chunk whose path starts with its path.
 */
export function columnChunkRanges(footer: FileMetaData, rowGroup: number, columns: readonly string[]): ByteRange[] {
  const wanted = wantedPaths(columns);
  const ranges: ByteRange[] = [];
  for (const chunk of footer.row_groups[rowGroup]!.columns) {
    const meta = chunk.meta_data;
    if (meta === undefined) continue;
    if (!selectsLeaf(wanted, meta.path_in_schema)) continue;
    const r = chunkRange(meta);
    if (r !== undefined) ranges.push(r);
  }
  return ranges;
}

/** Sum of the projected chunks' compressed sizes in one row group (bytes). */
export function projectedCompressedBytes(footer: FileMetaData, rowGroup: number, columns: readonly string[]): number {
  return columnChunkRanges(footer, rowGroup, columns).reduce((n, r) => n + (r.end - r.start), 0);
}

/** Projected column paths (top-level names or dotted paths) split for {@link selectsLeaf}. */
export function wantedPaths(columns: readonly string[]): string[][] {
  return columns.map((c) => c.split('.'));
}

/** Whether a leaf column chunk (`path_in_schema`) belongs to one of the `wanted` column paths. */
export function selectsLeaf(wanted: readonly string[][], leaf: readonly string[]): boolean {
  return wanted.some((w) => w.length <= leaf.length && w.every((name, i) => leaf[i] === name));
}

/** Byte range of a column chunk: from its dictionary page (when before the data pages) to its end. */
export function chunkRange(meta: RowGroup['columns'][number]['meta_data']): ByteRange | undefined {
  if (meta === undefined) return undefined;
  // Some writers record a file_offset of 0: plan from the page offsets instead.
  const dict = meta.dictionary_page_offset;
  const data = meta.data_page_offset;
  const start = Number(dict !== undefined && dict > 0n && dict < data ? dict : data);
  return { start, end: start + Number(meta.total_compressed_size) };
}
