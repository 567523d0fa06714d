/**
 * Reads a Parquet equality delete file with hyparquet into a hash set of normalised keys over its
 * `equality_ids` columns.
 */
import { parquetReadObjects, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { IcebergScanError, asScanError } from '../errors.ts';
import type { FileIO } from '../io/input-file.ts';
import type { DeleteFile } from '../metadata/content-file.ts';
import { findDeleteColumn, openDeleteFile, type DeleteColumn } from './delete-file-buffer.ts';
import { RAW_PARSERS, isParquetDecimal, joinKey, parquetKeyOf, type KeyPart } from './equality-key.ts';

/** The delete rows of one equality delete file, as a set of keys over `fieldIds`. */
export interface EqualityDeleteSet {
  /** The delete file. */
  readonly path: string;
  /** The equality field ids, in the file's `equality_ids` order. */
  readonly fieldIds: readonly number[];
  /** Keys of the delete rows (see `joinKey`). */
  readonly keys: ReadonlySet<string>;
}

/**
 * Loads an equality delete file.
 *
 * @throws IcebergScanError `data_invalid` when `equality_ids` is empty or a column is missing from
 *   the file, or the file cannot be decoded; `io_failed` / `aborted` from I/O.
 */
export async function readEqualityDeleteFile(io: FileIO, deleteFile: DeleteFile, signal: AbortSignal): Promise<EqualityDeleteSet> {
  const path = deleteFile.path;
  const fieldIds = deleteFile.equalityIds ?? [];
  if (fieldIds.length === 0) {
    throw new IcebergScanError('data_invalid', 'equality delete file without equality_ids', {
      path,
      expected: 'at least one equality field id',
    });
  }
  const { buffer, metadata } = await openDeleteFile(io, deleteFile, signal);
  const columns: DeleteColumn[] = fieldIds.map((id) => {
    const c = findDeleteColumn(metadata, id);
    if (c === undefined) {
      throw new IcebergScanError('data_invalid', `equality delete file has no column with field id ${id}`, {
        path,
        expected: `columns for equality_ids ${fieldIds.join(',')}`,
        context: { fieldId: id },
      });
    }
    return c;
  });
  const keyOf = columns.map((c) => parquetKeyOf(c.element));
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({
      file: buffer,
      metadata: rawDecimals(metadata),
      columns: [...new Set(columns.map((c) => c.name))],
      compressors,
      utf8: false,
      parsers: RAW_PARSERS,
    });
  } catch (error) {
    throw asScanError(error, 'data_invalid', path);
  }
  const keys = new Set<string>();
  const parts: KeyPart[] = new Array(columns.length);
  for (const row of rows) {
    for (let c = 0; c < columns.length; c++) parts[c] = keyOf[c]!(valueAt(row, columns[c]!.path));
    keys.add(joinKey(parts));
  }
  return { path, fieldIds, keys };
}

/** Follows a struct path through an assembled row object; null when a parent struct is null. */
function valueAt(row: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = row;
  for (const name of path) {
    if (v === null || v === undefined) return null;
    v = (v as Record<string, unknown>)[name];
  }
  return v;
}

/** A metadata copy whose decimal leaves lose their annotation, so hyparquet returns raw unscaled values. */
function rawDecimals(metadata: FileMetaData): FileMetaData {
  if (!metadata.schema.some(isParquetDecimal)) return metadata;
  return {
    ...metadata,
    schema: metadata.schema.map((e) => (isParquetDecimal(e) ? { ...e, converted_type: undefined, logical_type: undefined } : e)),
  };
}
