/**
 * Splits a row group into row slices decoded one at a time, so parquet-wasm (which collects a whole
 * decode call before its first batch, in memory that never shrinks) only ever holds one slice.
 * Each slice fetches just the pages it needs, found through the Parquet offset index.
 */
import { readOffsetIndex, type FileMetaData } from 'hyparquet';
import { coalesceRanges, type ByteRange } from '../io/coalesce.ts';
import type { ParquetTail } from './parquet-footer.ts';
import { columnChunkRanges } from './row-group-plan.ts';

/**
 * Rows decoded per parquet-wasm call when the file has an offset index: 262144 (256 Ki, two default
 * batches). Measured on 1M-row, ~41 MB row groups with 1 MiB pages (bench/memory.bench.ts): wasm
 * memory falls from ~126 MB (whole row group) to ~40 MB and the streaming peak from ~200 MB to ~72 MB.
 * The price is re-decoding the pages that straddle slice boundaries (throughput.bench.ts compares
 * with whole row groups); smaller slices re-read a larger share of each page.
 */
export const DEFAULT_DECODE_ROWS = 262_144;

/** Rows `[offset, offset + limit)` of a row group and the byte ranges needed to decode them. */
export interface RowGroupSlice {
  /** First row, relative to the row group. */
  readonly offset: number;
  readonly limit: number;
  /** Whether the decoder must be told the slice (false: the whole row group). */
  readonly partial: boolean;
  /** Byte ranges the decoder needs: each column chunk's dictionary page and the slice's data pages. */
  readonly ranges: readonly ByteRange[];
  /**
   * What to read: `ranges` merged where contiguous (gap 0). parquet-wasm asks for exactly these
   * ranges (it merges contiguous ones too), so each read buffer is handed to it whole, uncopied.
   * A partial slice after the row group's first leaves out the dictionary pages requested on
   * their own: they are the same for every slice, so the reader keeps them from the first slice.
   */
  readonly reads: readonly ByteRange[];
  /** The dictionary pages among `ranges` (partial slices only). */
  readonly dictionaries: readonly ByteRange[];
}

/**
 * Plans the slices of one row group; the first slice may be shorter (`firstSliceRows`) so the first
 * batch of a file arrives after decoding one batch, not one slice. Without an offset index for every projected column chunk (or
 * when the row group fits in one slice) the whole row group is one slice with its full chunks.
 */
export function planRowGroupSlices(
  footer: FileMetaData,
  tail: ParquetTail,
  rowGroup: number,
  columns: readonly string[],
  decodeRows: number,
  firstSliceRows = decodeRows,
): RowGroupSlice[] {
  const rows = Number(footer.row_groups[rowGroup]!.num_rows);
  const chunks = columnChunkRanges(footer, rowGroup, columns);
  const whole = [{ offset: 0, limit: rows, partial: false, ranges: chunks, reads: coalesceRanges(chunks, 0), dictionaries: [] }];
  if (rows <= decodeRows) return whole;
  const pages = projectedPages(footer, tail, rowGroup, columns, rows);
  if (pages === undefined) return whole;
  const slices: RowGroupSlice[] = [];
  for (let offset = 0; offset < rows; ) {
    const end = Math.min(rows, offset + (offset === 0 ? firstSliceRows : decodeRows));
    const dictionaries: ByteRange[] = [];
    const data: ByteRange[] = [];
    for (const chunk of pages) {
      if (chunk.dictionary !== undefined) dictionaries.push(chunk.dictionary);
      for (const p of chunk.pages) if (p.firstRow < end && p.endRow > offset) data.push(p.range);
    }
    const ranges = [...dictionaries, ...data];
    // After the first slice, a dictionary page that parquet-wasm asks for on its own is served
    // from the reader's copy; one contiguous with a data page is part of a larger request: read it.
    const isDictionary = (r: ByteRange): boolean => dictionaries.some((d) => d.start === r.start && d.end === r.end);
    const reads = coalesceRanges(ranges, 0).filter((r) => offset === 0 || !isDictionary(r));
    slices.push({ offset, limit: end - offset, partial: true, ranges, reads, dictionaries });
    offset = end;
  }
  return slices;
}

interface ChunkPages {
  readonly dictionary: ByteRange | undefined;
  readonly pages: ReadonlyArray<{ firstRow: number; endRow: number; range: ByteRange }>;
}

function projectedPages(
  footer: FileMetaData,
  tail: ParquetTail,
  rowGroup: number,
  columns: readonly string[],
  rows: number,
): ChunkPages[] | undefined {
  const wanted = columns.map((c) => c.split('.'));
  const out: ChunkPages[] = [];
  const view = new DataView(tail.bytes.buffer, tail.bytes.byteOffset, tail.bytes.byteLength);
  for (const chunk of footer.row_groups[rowGroup]!.columns) {
    const meta = chunk.meta_data;
    if (meta === undefined) return undefined;
    const leaf = meta.path_in_schema;
    if (!wanted.some((w) => w.length <= leaf.length && w.every((name, i) => leaf[i] === name))) continue;
    const at = chunk.offset_index_offset;
    if (at === undefined || chunk.offset_index_length === undefined) return undefined;
    const offset = Number(at) - tail.start;
    if (offset < 0 || offset + chunk.offset_index_length > tail.bytes.byteLength) return undefined;
    let locations;
    try {
      locations = readOffsetIndex({ view, offset }).page_locations;
    } catch {
      return undefined;
    }
    if (locations.length === 0) return undefined;
    const firstPage = Number(locations[0]!.offset);
    const dict = meta.dictionary_page_offset;
    const chunkStart = Number(dict !== undefined && dict > 0n && dict < meta.data_page_offset ? dict : meta.data_page_offset);
    out.push({
      dictionary: firstPage > chunkStart ? { start: chunkStart, end: firstPage } : undefined,
      pages: locations.map((loc, i) => ({
        firstRow: Number(loc.first_row_index),
        endRow: i + 1 < locations.length ? Number(locations[i + 1]!.first_row_index) : rows,
        range: { start: Number(loc.offset), end: Number(loc.offset) + loc.compressed_page_size },
      })),
    });
  }
  return out;
}
