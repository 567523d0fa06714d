/**
 * Decompression of Avro container blocks: `null`, `deflate` (node:zlib), `snappy` (hyparquet;
 * the block ends with a CRC32 of the uncompressed bytes) and `zstandard` (hyparquet-compressors).
 */
import { inflateRawSync } from 'node:zlib';
import { snappyUncompress } from 'hyparquet';
import { decompressZstd } from 'hyparquet-compressors';
import { IcebergScanError } from '../../errors.ts';

/** Avro codecs this reader decodes. */
export const AVRO_CODECS = ['null', 'deflate', 'snappy', 'zstandard'] as const;

/** Decompresses one block. */
export type BlockDecompressor = (block: Uint8Array) => Uint8Array;

/** The decompressor of `codec`; throws `feature_unsupported` naming `path` for other codecs. */
export function blockDecompressor(codec: string, path: string): BlockDecompressor {
  switch (codec) {
    case 'null': return (b) => b;
    case 'deflate': return (b) => inflateRawSync(b);
    case 'snappy': return snappyBlock;
    case 'zstandard': return (b) => decompressZstd(b);
    default:
      throw new IcebergScanError('feature_unsupported', `avro data file: codec ${codec}`, { path, expected: `codec ${AVRO_CODECS.join(', ')}` });
  }
}

function snappyBlock(block: Uint8Array): Uint8Array {
  const data = block.subarray(0, block.length - 4); // CRC32 follows (not checked)
  let length = 0;
  let shift = 0;
  for (let i = 0; i < data.length && i < 5; i++) {
    length += (data[i]! & 0x7f) * 2 ** shift;
    shift += 7;
    if ((data[i]! & 0x80) === 0) break;
  }
  const out = new Uint8Array(length);
  snappyUncompress(data, out);
  return out;
}
