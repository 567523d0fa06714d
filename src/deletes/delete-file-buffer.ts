/**
 * Opens a delete file for hyparquet: an `AsyncBuffer` whose slices are ranged reads through the
 * scan's `FileIO`, plus the parsed footer.
 */
import { parquetMetadataAsync, type AsyncBuffer, type FileMetaData, type SchemaElement } from 'hyparquet';
import { IcebergScanError, asScanError, isIcebergScanError } from '../errors.ts';
import type { FileIO } from '../io/input-file.ts';
import type { DeleteFile } from '../scan/file-scan-task.ts';

/** A delete file opened for hyparquet. */
export interface OpenedDeleteFile {
  /** Ranged reads through the scan's FileIO (aborted by the scan's signal). */
  readonly buffer: AsyncBuffer;
  /** The Parquet footer. */
  readonly metadata: FileMetaData;
}

/**
 * Opens a Parquet delete file: one length call when the manifest has no size, then the footer.
 *
 * @throws IcebergScanError `feature_unsupported` for Avro/ORC delete files, `data_invalid` when the
 *   file is not Parquet, `io_failed` / `aborted` from I/O.
 */
export async function openDeleteFile(io: FileIO, deleteFile: DeleteFile, signal: AbortSignal): Promise<OpenedDeleteFile> {
  const path = deleteFile.path;
  if (deleteFile.format !== 'parquet') {
    throw new IcebergScanError('feature_unsupported', `${deleteFile.format} delete files are not supported`, {
      path,
      expected: 'a parquet delete file (or a puffin deletion vector)',
    });
  }
  const file = io.newInputFile(path);
  const byteLength = deleteFile.fileSizeInBytes > 0 ? deleteFile.fileSizeInBytes : await file.length(signal);
  const buffer: AsyncBuffer = {
    byteLength,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const bytes = await file.read(start, end ?? byteLength, signal);
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? (bytes.buffer as ArrayBuffer)
        : (bytes.slice().buffer as ArrayBuffer);
    },
  };
  try {
    return { buffer, metadata: await parquetMetadataAsync(buffer) };
  } catch (error) {
    if (isIcebergScanError(error)) throw error;
    throw new IcebergScanError('data_invalid', `delete file footer: ${String((error as Error)?.message ?? error)}`, {
      path,
      expected: 'a Parquet file',
      cause: error,
    });
  }
}

/** Maps a hyparquet failure while decoding rows to `data_invalid` (I/O errors keep their code). */
export function decodeError(error: unknown, path: string): IcebergScanError {
  return isIcebergScanError(error) ? error : asScanError(error, 'data_invalid', path);
}

/** A top-level column of the delete file located by field id (falling back to its name). */
export interface DeleteColumn {
  /** Top-level column name (what hyparquet's `columns` option takes). */
  readonly name: string;
  /** Path of names from the top-level column down to the leaf (length 1 for top-level leaves). */
  readonly path: readonly string[];
  /** The leaf's schema element. */
  readonly element: SchemaElement;
}

/**
 * Finds the column with Iceberg field id `fieldId` in a delete file's Parquet schema, descending
 * into structs; when the file has no field ids at all, matches `fallbackName` at the top level.
 */
export function findDeleteColumn(metadata: FileMetaData, fieldId: number, fallbackName?: string): DeleteColumn | undefined {
  const schema = metadata.schema;
  const hasIds = schema.some((e, i) => i > 0 && e.field_id !== undefined);
  let found: DeleteColumn | undefined;
  let i = 1;
  const walk = (count: number, path: string[]): void => {
    for (let c = 0; c < count && i < schema.length; c++) {
      const e = schema[i++]!;
      const here = [...path, e.name];
      const matches = hasIds ? e.field_id === fieldId : path.length === 0 && e.name === fallbackName;
      if (matches && found === undefined && !e.num_children) found = { name: here[0]!, path: here, element: e };
      if (e.num_children) walk(e.num_children, e.repetition_type === 'REPEATED' || e.converted_type === 'LIST' || e.converted_type === 'MAP' ? ['\u0000'] : here);
    }
  };
  walk(schema[0]?.num_children ?? 0, []);
  if (found?.path.includes('\u0000')) return undefined;
  return found;
}
