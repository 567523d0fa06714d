/**
 * Opens a delete file: its footer (tolerating a wrong recorded size) and, for hyparquet, an
 * `AsyncBuffer` whose slices are ranged reads through the scan's `FileIO`.
 */
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet';
import { IcebergScanError } from '../errors.ts';
import type { FileIO, InputFile } from '../io/input-file.ts';
import { readParquetTailOfSize, type ParquetTail } from '../read/parquet-footer.ts';
import type { DeleteFile } from '../metadata/content-file.ts';

/** A delete file opened for hyparquet. */
export interface OpenedDeleteFile {
  /** Ranged reads through the scan's FileIO (aborted by the scan's signal). */
  readonly buffer: AsyncBuffer;
  /** The Parquet footer. */
  readonly metadata: FileMetaData;
}

/**
 * Reads a delete file's Parquet footer, trusting the manifest's `file_size_in_bytes` first (see
 * {@link readParquetTailOfSize}).
 *
 * @throws IcebergScanError `data_invalid` when the file is not Parquet, `io_failed` / `aborted`.
 */
export function readDeleteFileTail(file: InputFile, deleteFile: DeleteFile, signal: AbortSignal): Promise<ParquetTail> {
  return readParquetTailOfSize(file, deleteFile.fileSizeInBytes, signal);
}

/**
 * Opens a Parquet delete file for hyparquet: the footer (see {@link readDeleteFileTail}) and an
 * `AsyncBuffer` that serves the footer bytes from memory and other ranges through the FileIO.
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
  const tail = await readDeleteFileTail(file, deleteFile, signal);
  return { buffer: tailBackedBuffer(file, tail, signal), metadata: tail.metadata };
}

/** An `AsyncBuffer` serving the footer tail from memory and every other range through `file`. */
export function tailBackedBuffer(file: InputFile, tail: ParquetTail, signal: AbortSignal): AsyncBuffer {
  const byteLength = tail.fileSize;
  return {
    byteLength,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = end ?? byteLength;
      const bytes = start >= tail.start ? tail.bytes.subarray(start - tail.start, stop - tail.start) : await file.read(start, stop, signal);
      return bytes.slice().buffer as ArrayBuffer;
    },
  };
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
