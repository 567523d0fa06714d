/**
 * Reads one deletion vector (a `deletion-vector-v1` Puffin blob) by its byte range alone and checks
 * its framing: length, magic and CRC-32.
 */
import { crc32 } from 'node:zlib';
import { IcebergScanError, asScanError } from '../errors.ts';
import type { FileIO } from '../io/input-file.ts';
import type { DeleteFile } from '../metadata/content-file.ts';
import { decodeRoaring64 } from './roaring64.ts';
import type { PositionSet } from './position-set.ts';

/** The magic bytes that open the vector of a `deletion-vector-v1` blob. */
export const DELETION_VECTOR_MAGIC = Uint8Array.of(0xd1, 0xd3, 0x39, 0x64);
/** A Puffin file opens with the 4-byte magic `PFA1`, so no blob starts before this offset. */
const PUFFIN_MAGIC_LENGTH = 4;
/** The smallest Puffin footer: magic, payload size, flags and magic (an empty payload). */
const PUFFIN_MIN_FOOTER = 16;
/** Length field + magic + empty roaring64 (8 bytes) + CRC. */
const MIN_BLOB = 4 + 4 + 8 + 4;

/**
 * Decodes a `deletion-vector-v1` blob: u32 big-endian length of magic + vector, magic
 * `D1 D3 39 64`, the portable roaring64 vector, u32 big-endian CRC-32 of magic + vector.
 *
 * @param blob The blob bytes, exactly `content_size_in_bytes` long.
 * @param path The Puffin file, named in errors.
 * @returns The deleted positions.
 * @throws IcebergScanError `data_invalid` on a length mismatch, bad magic, CRC mismatch or a
 *   malformed bitmap.
 */
export function decodeDeletionVector(blob: Uint8Array, path: string): PositionSet {
  const fail = (message: string, expected: string): IcebergScanError =>
    new IcebergScanError('data_invalid', `deletion vector: ${message}`, { path, expected });
  if (blob.length < MIN_BLOB) throw fail(`blob of ${blob.length} bytes is too short`, `at least ${MIN_BLOB} bytes`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const length = view.getUint32(0, false);
  if (length !== blob.length - 8) {
    throw fail(`length field says ${length} bytes`, `${blob.length - 8} (blob size minus length and CRC fields)`);
  }
  for (let i = 0; i < 4; i++) {
    if (blob[4 + i] !== DELETION_VECTOR_MAGIC[i]) {
      throw fail(`bad magic ${Array.from(blob.subarray(4, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}`, 'magic d1 d3 39 64');
    }
  }
  const body = blob.subarray(4, 4 + length);
  const expectedCrc = view.getUint32(4 + length, false);
  const actualCrc = crc32(body) >>> 0;
  if (actualCrc !== expectedCrc) {
    throw fail(`CRC-32 ${actualCrc.toString(16)} does not match stored ${expectedCrc.toString(16)}`, 'a matching CRC-32 of magic and vector');
  }
  return decodeRoaring64(body.subarray(4), path);
}

/**
 * Reads a deletion vector through `io`: only the bytes `[content_offset, content_offset +
 * content_size_in_bytes)` of the Puffin file (one ranged read; the Puffin footer is not read).
 *
 * @param io The scan's file IO.
 * @param deleteFile The DV's manifest entry (format `puffin`, with content offset and size).
 * @param signal Aborts the read.
 * @returns The deleted positions of `deleteFile.referencedDataFile`.
 * @throws IcebergScanError `data_invalid` when offset/size are missing or cannot lie inside a Puffin
 *   file (e.g. a bare blob at offset 0 without the Puffin container) or the blob is malformed;
 *   `io_failed` / `aborted` from the read.
 */
export async function readDeletionVector(io: FileIO, deleteFile: DeleteFile, signal?: AbortSignal): Promise<PositionSet> {
  const path = deleteFile.path;
  const { contentOffset: offset, contentSizeInBytes: size } = deleteFile;
  if (offset === undefined || size === undefined) {
    throw new IcebergScanError('data_invalid', 'deletion vector without content_offset / content_size_in_bytes', {
      path,
      expected: 'both set for a puffin delete file',
    });
  }
  if (offset < PUFFIN_MAGIC_LENGTH) {
    throw new IcebergScanError('data_invalid', `deletion vector blob at offset ${offset} is not inside a Puffin file`, {
      path,
      expected: `content_offset >= ${PUFFIN_MAGIC_LENGTH} (after the PFA1 magic)`,
    });
  }
  const fileSize = deleteFile.fileSizeInBytes;
  if (fileSize > 0 && offset + size > fileSize - PUFFIN_MIN_FOOTER) {
    throw new IcebergScanError('data_invalid', `deletion vector blob [${offset}, ${offset + size}) overlaps the Puffin footer`, {
      path,
      expected: `a blob ending before byte ${fileSize - PUFFIN_MIN_FOOTER} of a ${fileSize}-byte file`,
    });
  }
  let blob: Uint8Array;
  try {
    blob = await io.newInputFile(path).read(offset, offset + size, signal);
  } catch (error) {
    throw asScanError(error, 'io_failed', path);
  }
  return decodeDeletionVector(blob, path);
}
