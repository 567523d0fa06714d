/**
 * Reads a Parquet position delete file (`file_path` 2147483546, `pos` 2147483545, optional `row`
 * ignored) into one {@link PositionSet} per data file path. The footer comes from the tail read of
 * the read path; each row group's `file_path` and `pos` chunks are fetched through the scan's FileIO
 * and decoded by the Parquet decoder (a corrupt page is a typed `data_invalid`, never a crash).
 */
import type { FileMetaData } from 'hyparquet';
import { IcebergScanError, abortedError } from '../errors.ts';
import { coalesceRanges } from '../io/coalesce.ts';
import type { FileIO } from '../io/input-file.ts';
import { columnGroups } from '../read/column-groups.ts';
import { localDecoder } from '../read/decoder/local-decoder.ts';
import { fileKeyOf, type RowGroupDecoder } from '../read/decoder/row-group-decoder.ts';
import type { DeleteFile } from '../metadata/content-file.ts';
import { findDeleteColumn, readDeleteFileTail } from './delete-file-buffer.ts';
import { PositionCollector, type NullFilePathPolicy } from './position-collector.ts';
import type { PositionSet } from './position-set.ts';

/** Rows per decoded batch when reading position delete files. */
const DELETE_BATCH_ROWS = 1 << 20;
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
  /** The scan's decoder (default: decode on the calling thread). */
  readonly decoder?: RowGroupDecoder;
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
  const decoder = options.decoder ?? localDecoder;
  const fileKey = fileKeyOf(path, tail.fileSize, tail.bytes);
  try {
    let first = 0;
    for (let g = 0; g < metadata.row_groups.length; g++) {
      const rows = Number(metadata.row_groups[g]!.num_rows);
      if (rows === 0) continue;
      const singlePath = singlePathOf(metadata, g, pathColumn.name);
      const columns = singlePath === undefined ? [pathColumn.name, posColumn.name] : [posColumn.name];
      const [group] = columnGroups(metadata, g, columns, 1);
      if (group === undefined) throw new IcebergScanError('data_invalid', `row group ${g} has no pos column chunk`, { path, expected: 'a pos column chunk in every row group' });
      const regions = await Promise.all(coalesceRanges(group.ranges).map(async (r) => ({ start: r.start, bytes: await file.read(r.start, r.end, signal) })));
      if (signal.aborted) throw abortedError(path);
      const batches = decoder.decode({
        path, fileKey, fileSize: tail.fileSize, tail: { start: tail.start, bytes: tail.bytes },
        rowGroup: g, leaves: group.leaves, regions, batchSize: DELETE_BATCH_ROWS, priority: 0,
      }, signal);
      const end = first + rows;
      try {
        for (let r = await batches.next(); !r.done; r = await batches.next()) {
          collector.add(r.value, posColumn.name, singlePath ?? pathColumn.name, singlePath !== undefined, first);
          first += r.value.numRows;
        }
      } finally {
        await batches.return?.();
      }
      if (first !== end) {
        throw new IcebergScanError('data_invalid', `row group ${g} decoded to ${first - end + rows} rows`, { path, expected: `${rows} rows` });
      }
    }
  } finally {
    decoder.forget(fileKey);
  }
  return collector.finish();
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
