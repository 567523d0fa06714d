/**
 * Reads a Parquet footer with hyparquet in one ranged read (a prefetched tail), and keeps the tail
 * bytes (footer and page indexes) for the decoder, which parses the same tail once per file.
 */
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { IcebergScanError, asScanError, isIcebergScanError } from '../errors.ts';
import type { InputFile } from '../io/input-file.ts';
import { chunkRange } from './row-group-plan.ts';

/**
 * Bytes read from the end of a file in the first request: 64 KiB holds the footer of typical data
 * files (a few KiB per row group) and their page indexes, so the footer costs one read.
 */
export const DEFAULT_FOOTER_PREFETCH_BYTES = 64 * 1024;

/** A footer together with the file bytes the decoder opens the file from. */
export interface ParquetTail {
  /** The parsed footer. */
  readonly metadata: FileMetaData;
  /** File length in bytes. */
  readonly fileSize: number;
  /** First file offset held in `bytes`. */
  readonly start: number;
  /** File bytes `[start, fileSize)`: footer, footer length, magic and the page indexes. */
  readonly bytes: Uint8Array;
}

/** Options of {@link readParquetTail}. */
export interface ReadParquetTailOptions {
  /** Aborts the reads. */
  readonly signal?: AbortSignal;
  /** Size of the first tail read (default {@link DEFAULT_FOOTER_PREFETCH_BYTES}). */
  readonly prefetchBytes?: number;
  /** The file size when known (e.g. `fileSizeInBytes` from the manifest); saves a length call. */
  readonly fileSize?: number;
}

/**
 * Reads a Parquet footer trusting a recorded size first (the manifest's `file_size_in_bytes`: no
 * length call, which on object stores is a request), and falling back to the file's real length
 * when that size is wrong (some writers record a different size: impala
 * iceberg_v2_delete_positional's delete file is 1581 bytes, its manifest says 1598).
 *
 * @param file The file.
 * @param recordedSize The recorded size; 0 or less means unknown.
 * @param signal Aborts the reads.
 * @throws IcebergScanError `data_invalid` when the file is not Parquet, `io_failed` / `aborted`.
 */
export async function readParquetTailOfSize(file: InputFile, recordedSize: number, signal?: AbortSignal): Promise<ParquetTail> {
  const recorded = recordedSize > 0 ? recordedSize : undefined;
  try {
    return await readParquetTail(file, { ...(signal !== undefined ? { signal } : {}), ...(recorded !== undefined ? { fileSize: recorded } : {}) });
  } catch (error) {
    if (recorded === undefined || (isIcebergScanError(error) && error.code === 'aborted')) throw error;
    const actual = await file.length(signal);
    if (actual === recorded) throw error;
    return readParquetTail(file, { ...(signal !== undefined ? { signal } : {}), fileSize: actual });
  }
}

const MAGIC = 0x31524150; // "PAR1" little-endian

/**
 * Reads and parses the footer of a Parquet file. One read when footer and page indexes fit in the
 * prefetched tail; otherwise one more read for the missing front part.
 *
 * @throws IcebergScanError `data_invalid` when the file is not Parquet, `io_failed` / `aborted` from I/O.
 */
export async function readParquetTail(file: InputFile, options: ReadParquetTailOptions = {}): Promise<ParquetTail> {
  const path = file.location;
  const { signal } = options;
  try {
    const fileSize = options.fileSize ?? (await file.length(signal));
    if (fileSize < 12) throw invalid(path, `file of ${fileSize} bytes is too small`);
    let start = Math.max(0, fileSize - (options.prefetchBytes ?? DEFAULT_FOOTER_PREFETCH_BYTES));
    let bytes = await file.read(start, fileSize, signal);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(bytes.length - 4, true) !== MAGIC) throw invalid(path, 'no PAR1 magic at the end');
    const footerLength = view.getUint32(bytes.length - 8, true);
    const footerStart = fileSize - 8 - footerLength;
    if (footerStart < 4) throw invalid(path, `footer length ${footerLength} exceeds the file`);
    if (footerStart < start) {
      bytes = concat(await file.read(footerStart, start, signal), bytes);
      start = footerStart;
    }
    const metadata = parseFooter(bytes, start, fileSize, path);
    // The decoder reads the column and offset indexes from the tail (page skipping): keep them in it.
    const indexStart = pageIndexStart(metadata);
    const dataEnd = columnDataEnd(metadata);
    if (indexStart !== undefined && (indexStart < dataEnd || indexStart >= footerStart)) {
      throw new IcebergScanError('data_invalid', `page index offset ${indexStart} lies outside [${dataEnd}, ${footerStart})`, {
        path,
        expected: 'page indexes between the column data and the footer (a 32-bit writer past 4 GiB wraps offsets)',
      });
    }
    if (indexStart !== undefined && indexStart < start) {
      bytes = concat(await file.read(indexStart, start, signal), bytes);
      start = indexStart;
    }
    return { metadata, fileSize, start, bytes };
  } catch (error) {
    if (isIcebergScanError(error)) throw error;
    throw asScanError(error, 'data_invalid', path);
  }
}

/**
 * Reads and parses the footer of a Parquet file (see {@link readParquetTail}).
 *
 * @param file The Parquet file.
 * @param signal Aborts the reads.
 * @returns hyparquet's `FileMetaData`.
 */
export async function readParquetFooter(file: InputFile, signal?: AbortSignal): Promise<FileMetaData> {
  return (await readParquetTail(file, { signal })).metadata;
}

function parseFooter(bytes: Uint8Array, start: number, fileSize: number, path: string): FileMetaData {
  const footerBytes = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
  try {
    return parquetMetadata(footerBytes);
  } catch (error) {
    throw new IcebergScanError('data_invalid', `cannot parse Parquet footer: ${(error as Error)?.message ?? error}`, {
      path,
      expected: 'a valid Parquet footer',
      context: { start, fileSize },
      cause: error,
    });
  }
}

function pageIndexStart(metadata: FileMetaData): number | undefined {
  let min: number | undefined;
  for (const rg of metadata.row_groups) {
    for (const c of rg.columns) {
      for (const off of [c.column_index_offset, c.offset_index_offset]) {
        if (off !== undefined && (min === undefined || Number(off) < min)) min = Number(off);
      }
    }
  }
  return min;
}

function columnDataEnd(metadata: FileMetaData): number {
  let end = 4;
  for (const rg of metadata.row_groups) {
    for (const c of rg.columns) {
      const range = chunkRange(c.meta_data);
      if (range !== undefined) end = Math.max(end, range.end);
    }
  }
  return end;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function invalid(path: string, message: string): IcebergScanError {
  return new IcebergScanError('data_invalid', `not a Parquet file: ${message}`, { path, expected: 'a Parquet file ending in PAR1' });
}
