/**
 * Whole-file reads for small metadata files (table metadata, manifest lists, manifests), with
 * transparent gzip decompression (`*.gz.metadata.json`).
 */
import { gunzipSync } from 'node:zlib';
import { IcebergScanError, asScanError } from '../errors.ts';
import type { InputFile } from './input-file.ts';

/**
 * Reads all bytes of `file` with one ranged read.
 *
 * @param file The file.
 * @param signal Aborts the read.
 */
export async function readWholeFile(file: InputFile, signal?: AbortSignal): Promise<Uint8Array> {
  try {
    const length = await file.length(signal);
    return await file.read(0, length, signal);
  } catch (error) {
    throw asScanError(error, 'io_failed', file.location);
  }
}

/** True when `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip bytes (when they carry the gzip magic), else returns them unchanged. Throws
 * `IcebergScanError('data_invalid')` naming `path` when the gzip stream is corrupt.
 *
 * @param bytes Possibly gzip-compressed bytes.
 * @param path The file's location, for errors.
 */
export function gunzipIfNeeded(bytes: Uint8Array, path: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new IcebergScanError('data_invalid', `gzip: cannot decompress (${(error as Error).message})`, {
      path,
      expected: 'a valid gzip stream',
      cause: error,
    });
  }
}
