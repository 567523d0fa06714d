/**
 * Reads a Parquet position delete file (`file_path` 2147483546, `pos` 2147483545, optional `row`
 * ignored) into one {@link PositionSet} per data file path. Footer and statistics come from
 * hyparquet. Files below {@link WASM_MIN_DELETE_ROWS} rows (nearly all delete files) are decoded by
 * hyparquet, which fails cleanly on corrupt pages; larger ones by parquet-wasm, column chunks fetched
 * per row group through the scan's FileIO (10M positions: ~0.8 s of CPU against ~2 s for
 * hyparquet's JS zstd). parquet-wasm panics (an uncatchable process error) on a corrupt page, the
 * same exposure every data file has.
 */
import type { RecordBatch } from 'apache-arrow';
import { parquetRead, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { IcebergScanError, abortedError, asScanError } from '../errors.ts';
import type { FileIO, InputFile } from '../io/input-file.ts';
import { MemoryBlob, fetchRegions } from '../read/memory-blob.ts';
import { freeWasmBatch, openWasmParquetFile, streamRowGroup, useArrowView, type WasmParquetFile } from '../read/parquet-wasm.ts';
import { columnChunkRanges } from '../read/row-group-plan.ts';
import type { DeleteFile } from '../metadata/content-file.ts';
import { findDeleteColumn, readDeleteFileTail, tailBackedBuffer } from './delete-file-buffer.ts';
import { PositionCollector, type NullFilePathPolicy } from './position-collector.ts';
import type { PositionSet } from './position-set.ts';

/** Rows per decoded batch when reading position delete files with parquet-wasm. */
const DELETE_BATCH_ROWS = 1 << 20;
/** From this many rows on, position delete files are decoded by parquet-wasm (speed) instead of hyparquet (safety). */
export const WASM_MIN_DELETE_ROWS = 1_000_000;
/** Reserved field id of `file_path` in position delete files. */
export const DELETE_FILE_PATH_ID = 2147483546;
/** Reserved field id of `pos` in position delete files. */
export const DELETE_POS_ID = 2147483545;

export type { NullFilePathPolicy } from './position-collector.ts';

/** Options of {@link readPositionDeleteFile}. */
export interface ReadPositionDeletesOptions {
  /** Aborts the reads. */
  readonly signal: AbortSignal;
  /**
   * `'error'` (default): a null `file_path` is `data_invalid`, as the spec requires the column.
   * `'skip'`: such rows are ignored (Impala's behaviour: they cannot name any data file).
   */
  readonly nullFilePath?: NullFilePathPolicy;
  /** Row count from which parquet-wasm decodes (default {@link WASM_MIN_DELETE_ROWS}; tests lower it). */
  readonly wasmMinRows?: number;
}

/**
 * Loads a position delete file: every row's position, grouped by the data file path as recorded.
 * Row groups whose `file_path` statistics show a single path skip decoding that column.
 *
 * @returns Data file path → deleted positions of that file.
 * @throws IcebergScanError `data_invalid` for a missing column, a null or negative `pos`, a null
 *   `file_path` (unless skipped) or an undecodable file; `feature_unsupported` for Avro/ORC delete
 *   files; `io_failed` / `aborted` from I/O.
 */
export async function readPositionDeleteFile(
  io: FileIO,
  deleteFile: DeleteFile,
  options: ReadPositionDeletesOptions,
): Promise<Map<string, PositionSet>> {
  const path = deleteFile.path;
  if (deleteFile.format !== 'parquet') {
    throw new IcebergScanError('feature_unsupported', `${deleteFile.format} delete files are not supported`, {
      path,
      expected: 'a parquet delete file (or a puffin deletion vector)',
    });
  }
  const { signal } = options;
  const file = io.newInputFile(path);
  const tail = await readDeleteFileTail(file, deleteFile, signal);
  const metadata = tail.metadata;
  const pathColumn = findDeleteColumn(metadata, DELETE_FILE_PATH_ID, 'file_path');
  const posColumn = findDeleteColumn(metadata, DELETE_POS_ID, 'pos');
  if (pathColumn === undefined || posColumn === undefined || pathColumn.path.length > 1 || posColumn.path.length > 1) {
    throw new IcebergScanError('data_invalid', 'position delete file lacks file_path or pos', {
      path,
      expected: `top-level columns with field ids ${DELETE_FILE_PATH_ID} (file_path) and ${DELETE_POS_ID} (pos)`,
    });
  }
  const collector = new PositionCollector(path, options.nullFilePath ?? 'error');
  const totalRows = metadata.row_groups.reduce((n, g) => n + Number(g.num_rows), 0);
  if (totalRows === 0) return collector.finish();
  if (totalRows < (options.wasmMinRows ?? WASM_MIN_DELETE_ROWS)) {
    await decodeWithHyparquet(tailBackedBuffer(file, tail, signal), metadata, pathColumn.name, posColumn.name, collector, path);
    return collector.finish();
  }
  const blob = new MemoryBlob(tail.fileSize, [{ start: tail.start, bytes: tail.bytes }]);
  let wasmFile: WasmParquetFile;
  try {
    wasmFile = await openWasmParquetFile(blob);
  } catch (error) {
    throw asScanError(error, 'data_invalid', path);
  }
  try {
    let first = 0;
    for (let g = 0; g < metadata.row_groups.length; g++) {
      const rows = Number(metadata.row_groups[g]!.num_rows);
      const singlePath = singlePathOf(metadata, g, pathColumn.name);
      const columns = singlePath === undefined ? [pathColumn.name, posColumn.name] : [posColumn.name];
      const expectedEnd = first + rows;
      await decodeRowGroup(file, blob, wasmFile, metadata, g, columns, signal, path, (batch) => {
        collector.add(batch, posColumn.name, singlePath ?? pathColumn.name, singlePath !== undefined, first);
        first += batch.numRows;
      });
      if (first !== expectedEnd) {
        throw new IcebergScanError('data_invalid', `row group ${g} decoded to ${first - expectedEnd + rows} rows`, { path, expected: `${rows} rows` });
      }
    }
  } finally {
    wasmFile.free();
  }
  return collector.finish();
}

/** Decodes every row group with hyparquet (pure JS: corrupt data becomes an error, never a panic). */
async function decodeWithHyparquet(
  buffer: AsyncBuffer, metadata: FileMetaData, pathName: string, posName: string, collector: PositionCollector, path: string,
): Promise<void> {
  let rowStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const rows = Number(metadata.row_groups[g]!.num_rows);
    const singlePath = singlePathOf(metadata, g, pathName);
    const paths: unknown[] = singlePath === undefined ? new Array(rows) : [];
    const positions: unknown[] = new Array(rows);
    try {
      await parquetRead({
        file: buffer,
        metadata,
        columns: singlePath === undefined ? [pathName, posName] : [posName],
        rowStart,
        rowEnd: rowStart + rows,
        compressors,
        onChunk: ({ columnName, columnData, rowStart: chunkStart }) => {
          const target = columnName === posName ? positions : paths;
          const offset = chunkStart - rowStart;
          for (let i = Math.max(0, -offset); i < Math.min(columnData.length, rows - offset); i++) target[offset + i] = columnData[i];
        },
      });
    } catch (error) {
      throw asScanError(error, 'data_invalid', path);
    }
    collector.addValues(singlePath ?? paths, positions, rowStart);
    rowStart += rows;
  }
}

/** Fetches one row group's chunks, decodes them with parquet-wasm and hands over each batch. */
async function decodeRowGroup(
  file: InputFile, blob: MemoryBlob, wasmFile: WasmParquetFile, metadata: FileMetaData, g: number,
  columns: string[], signal: AbortSignal, path: string, onBatch: (batch: RecordBatch) => void,
): Promise<void> {
  const ranges = columnChunkRanges(metadata, g, columns);
  const regions = await fetchRegions(file, ranges, signal);
  if (signal.aborted) throw abortedError(path);
  blob.setChunks(regions);
  try {
    const reader = await streamRowGroup(wasmFile, g, columns, DELETE_BATCH_ROWS);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (blob.misses.length > 0) {
        freeWasmBatch(value);
        throw new IcebergScanError('data_invalid', 'delete file read outside its planned ranges', { path });
      }
      try {
        // read in place: the collector copies what it keeps
        useArrowView(value, onBatch);
      } catch (error) {
        freeWasmBatch(value);
        throw error;
      }
    }
  } catch (error) {
    throw asScanError(error, 'data_invalid', path);
  } finally {
    blob.setChunks([]);
  }
}

/** The one `file_path` of row group `g` when its statistics prove a single non-null value. */
function singlePathOf(metadata: FileMetaData, g: number, column: string): string | undefined {
  const chunk = metadata.row_groups[g]!.columns.find((c) => c.meta_data?.path_in_schema.join('.') === column);
  const stats = chunk?.meta_data?.statistics;
  if (stats === undefined || stats.null_count === undefined || stats.null_count !== 0n) return undefined;
  const min = stats.min_value;
  const max = stats.max_value;
  if (typeof min !== 'string' || min !== max) return undefined;
  if (stats.is_min_value_exact === false || stats.is_max_value_exact === false) return undefined;
  return min;
}

const normalisedIndexes = new WeakMap<Map<string, PositionSet>, Map<string, PositionSet | null>>();

/**
 * The positions a loaded position delete file holds for `dataFilePath`. Exact path match first;
 * otherwise the paths are compared without scheme and authority (`hdfs://nn:8020/w/t/f.parquet`
 * matches `/w/t/f.parquet`), which some writers (Impala's test tables) need since their manifests
 * and delete files spell one location differently. The fallback only matches when it is unambiguous.
 */
export function positionsForDataFile(map: Map<string, PositionSet>, dataFilePath: string): PositionSet | undefined {
  const exact = map.get(dataFilePath);
  if (exact !== undefined || map.size === 0) return exact;
  let index = normalisedIndexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const [p, set] of map) {
      const key = locationKey(p);
      index.set(key, index.has(key) ? null : set);
    }
    normalisedIndexes.set(map, index);
  }
  return index.get(locationKey(dataFilePath)) ?? undefined;
}

/** A location without scheme and authority, with repeated slashes collapsed. */
export function locationKey(location: string): string {
  return location.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^file:/i, '').replace(/\/{2,}/g, '/');
}
