/**
 * Splits a row group into row slices decoded one at a time, so parquet-wasm (which collects a whole
 * decode call before its first batch, in memory that never shrinks) only ever holds one slice.
 * Each slice fetches just the pages it needs, found through the Parquet offset index.
 */
import { readOffsetIndex, type FileMetaData } from 'hyparquet';
import { coalesceRanges, type ByteRange } from '../io/coalesce.ts';
import type { ParquetTail } from './parquet-footer.ts';
import { chunkRange, columnChunkRanges, selectsLeaf, wantedPaths } from './row-group-plan.ts';

/**
 * Rows decoded per parquet-wasm call when the file has an offset index: 262144 (256 Ki, two default
 * batches). Measured on the bench file (1M-row, ~41 MB row groups, 1 MiB dictionary pages, batches
 * of 100k rows, peak RSS above a baseline taken after wasm compilation): 200k-row slices peak at
 * +108 MiB with ~38 MiB of wasm memory; 300k at +144..156 MiB; 500k at +184..208 MiB (67 MiB wasm).
 * The price is throughput: every call re-decompresses the row group's dictionary pages (~11 ms per
 * call for the bench file's five columns, ~10% of decoding a whole row group), so whole row groups
 * decode ~1.3-1.4x faster than 256 Ki slices (bench/throughput.bench.ts prints both).
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
   * What to read: `ranges` coalesced (`coalesceRanges`, 1 MiB gaps). parquet-wasm merges nearby
   * ranges into one request too (seen: gaps of a few hundred bytes after a chunk's last page), so
   * the gaps must be read, never exact page ranges only. After a row group's first slice, a
   * dictionary page that stays alone after coalescing is left out: it is the same for every
   * slice, and the reader keeps a copy from the first slice.
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
  const whole = [{ offset: 0, limit: rows, partial: false, ranges: chunks, reads: coalesceRanges(chunks), dictionaries: [] }];
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
    // After the first slice, a dictionary page that is alone after coalescing (parquet-wasm asks
    // for it on its own) is served from the reader's copy; one merged with data pages is read.
    const isDictionary = (r: ByteRange): boolean => dictionaries.some((d) => d.start === r.start && d.end === r.end);
    const reads = coalesceRanges(ranges).filter((r) => offset === 0 || !isDictionary(r));
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
  const wanted = wantedPaths(columns);
  const out: ChunkPages[] = [];
  const view = new DataView(tail.bytes.buffer, tail.bytes.byteOffset, tail.bytes.byteLength);
  for (const chunk of footer.row_groups[rowGroup]!.columns) {
    const meta = chunk.meta_data;
    if (meta === undefined) return undefined;
    if (!selectsLeaf(wanted, meta.path_in_schema)) continue;
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
    const chunkStart = chunkRange(meta)!.start;
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
