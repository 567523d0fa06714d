import { existsSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeDeletionVector, readDeletionVector } from '../../../src/deletes/deletion-vector.ts';
import { decodeRoaring64 } from '../../../src/deletes/roaring64.ts';
import { CountingFileIO } from '../../../src/io/input-file.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import type { DeleteFile } from '../../../src/metadata/content-file.ts';
import { deletionVectorBlob, puffinFile, serializeRoaring32 } from '../../builder/puffin-file.ts';
import { makeTempDir, type TempDir } from '../../helpers/parquet-files.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = `${REPO}../shared/fixtures/iceberg`;

const decode = (positions: readonly (number | bigint)[]): number[] => decodeDeletionVector(deletionVectorBlob(positions), 'dv').toArray();

/** Re-frames a vector body (magic + roaring64) with length and CRC, as a writer would. */
function frame(body: Uint8Array, { crc = crc32(body) >>> 0, length = body.length } = {}): Uint8Array {
  const out = new Uint8Array(body.length + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, length, false);
  out.set(body, 4);
  view.setUint32(4 + body.length, crc, false);
  return out;
}

describe('decodeDeletionVector', () => {
  it('decodes array containers', () => {
    expect(decode([0, 3, 7, 65535, 65536, 70000])).toEqual([0, 3, 7, 65535, 65536, 70000]);
  });

  it('decodes bitmap containers (more than 4096 scattered values)', () => {
    const positions = Array.from({ length: 5000 }, (_, i) => i * 3);
    expect(decode(positions)).toEqual(positions);
  });

  it('decodes run containers', () => {
    const positions = [...Array.from({ length: 10000 }, (_, i) => 100 + i), 200_000];
    expect(decode(positions)).toEqual(positions);
  });

  it('decodes several high-32 buckets (positions beyond 2^32)', () => {
    const positions = [5, 2 ** 32 + 1, 2 ** 32 + 65537, 3 * 2 ** 32 + 9];
    expect(decode(positions)).toEqual(positions);
  });

  it('decodes many containers with offsets (run cookie, >= 4 containers)', () => {
    const positions = [1, 2, 3, 65536 * 1 + 5, 65536 * 2 + 6, 65536 * 3 + 7, 65536 * 4 + 8];
    expect(decode(positions)).toEqual(positions);
  });

  it('decodes a bitmap without run containers (no-run cookie with offsets)', () => {
    const low = [1, 9, 65536 + 2];
    const body = new Uint8Array([0xd1, 0xd3, 0x39, 0x64, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...serializeRoaring32(low, false)]);
    expect(decodeDeletionVector(frame(body), 'dv').toArray()).toEqual(low);
  });

  it('decodes an empty vector', () => {
    expect(decode([])).toEqual([]);
  });

  it('rejects a CRC mismatch', () => {
    const blob = deletionVectorBlob([1, 2, 3]);
    blob[blob.length - 1] ^= 0xff;
    expect(() => decodeDeletionVector(blob, 'dv')).toThrow(expect.objectContaining({ code: 'data_invalid', path: 'dv' }));
  });

  it('rejects a flipped bitmap byte (CRC catches it)', () => {
    const blob = deletionVectorBlob([1, 2, 3]);
    blob[20] ^= 0x01;
    expect(() => decodeDeletionVector(blob, 'dv')).toThrow(expect.objectContaining({ code: 'data_invalid' }));
  });

  it('rejects bad magic even with a matching CRC', () => {
    const blob = deletionVectorBlob([1]);
    const body = blob.slice(4, blob.length - 4);
    body[0] = 0x50;
    expect(() => decodeDeletionVector(frame(body), 'dv')).toThrow(expect.objectContaining({ code: 'data_invalid' }));
  });

  it('rejects a length field that does not match the blob size', () => {
    const blob = deletionVectorBlob([1]);
    const body = blob.slice(4, blob.length - 4);
    expect(() => decodeDeletionVector(frame(body, { length: body.length + 1 }), 'dv')).toThrow(expect.objectContaining({ code: 'data_invalid' }));
    expect(() => decodeDeletionVector(blob.subarray(0, blob.length - 1), 'dv')).toThrow(expect.objectContaining({ code: 'data_invalid' }));
  });

  it('rejects a truncated bitmap with valid framing', () => {
    const blob = deletionVectorBlob([1, 2, 3]);
    const body = blob.slice(4, blob.length - 6); // drop the last array value
    expect(() => decodeDeletionVector(frame(body), 'dv')).toThrow(expect.objectContaining({ code: 'data_invalid' }));
  });

  it('rejects trailing bytes after the bitmap', () => {
    const blob = deletionVectorBlob([1]);
    const body = new Uint8Array([...blob.slice(4, blob.length - 4), 0, 0]);
    expect(() => decodeDeletionVector(frame(body), 'dv')).toThrow(expect.objectContaining({ code: 'data_invalid' }));
  });

  it('rejects bucket keys out of order', () => {
    const r1 = serializeRoaring32([1]);
    const bytes = new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, ...r1, 4, 0, 0, 0, ...r1]);
    expect(() => decodeRoaring64(bytes, 'dv')).toThrow(expect.objectContaining({ code: 'data_invalid' }));
  });

  it('round-trips any set of positions (property)', () => {
    const position = fc.oneof(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 0, max: 2 ** 40 }));
    fc.assert(
      fc.property(fc.uniqueArray(position, { maxLength: 300 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 34 }), fc.integer({ min: 1, max: 5000 })), { maxLength: 3 }), (points, runs) => {
        const all = new Set(points);
        for (const [s, len] of runs) for (let i = 0; i < len; i++) all.add(s + i);
        const expected = [...all].sort((a, b) => a - b);
        expect(decode(expected)).toEqual(expected);
      }),
      { numRuns: 100, seed: 42 },
    );
  });
});

describe('readDeletionVector', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await makeTempDir('iceberg-rx-dv-');
  });
  afterAll(() => dir.cleanup());

  const dvFile = (path: string, offset: number | undefined, size: number | undefined, fileSizeInBytes: number): DeleteFile => ({
    content: 'position_deletes', path, format: 'puffin', recordCount: 1, fileSizeInBytes, specId: 0, partition: {},
    contentOffset: offset, contentSizeInBytes: size,
  });

  it('reads only the blob range of a multi-blob Puffin file', async () => {
    const puffin = puffinFile([
      { type: 'deletion-vector-v1', fields: [2147483645], data: deletionVectorBlob([1, 2]) },
      { type: 'deletion-vector-v1', fields: [2147483645], data: deletionVectorBlob([7, 2 ** 33]) },
    ]);
    const path = await dir.write('two.puffin', puffin.bytes);
    const io = new CountingFileIO(new LocalFileIO());
    const ranges: [number, number][] = [];
    io.onRead = (_l, s, e) => ranges.push([s, e]);
    const { offset, length } = puffin.blobs[1]!;
    const set = await readDeletionVector(io, dvFile(path, offset, length, puffin.bytes.length));
    expect(set.toArray()).toEqual([7, 2 ** 33]);
    expect(ranges).toEqual([[offset, offset + length]]);
  });

  it('rejects missing offsets, a blob at offset 0 and a blob overlapping the footer', async () => {
    const puffin = puffinFile([{ type: 'deletion-vector-v1', fields: [], data: deletionVectorBlob([1]) }]);
    const path = await dir.write('one.puffin', puffin.bytes);
    const io = new LocalFileIO();
    const { offset, length } = puffin.blobs[0]!;
    await expect(readDeletionVector(io, dvFile(path, undefined, length, puffin.bytes.length))).rejects.toMatchObject({ code: 'data_invalid' });
    await expect(readDeletionVector(io, dvFile(path, 0, length, puffin.bytes.length))).rejects.toMatchObject({ code: 'data_invalid' });
    await expect(readDeletionVector(io, dvFile(path, offset, puffin.bytes.length - offset, puffin.bytes.length))).rejects.toMatchObject({ code: 'data_invalid' });
    await expect(readDeletionVector(io, dvFile(path, offset + 1, length, puffin.bytes.length))).rejects.toMatchObject({ code: 'data_invalid' });
  });

  it('reports an aborted read as aborted', async () => {
    const puffin = puffinFile([{ type: 'deletion-vector-v1', fields: [], data: deletionVectorBlob([1]) }]);
    const path = await dir.write('abort.puffin', puffin.bytes);
    const { offset, length } = puffin.blobs[0]!;
    const ac = new AbortController();
    ac.abort();
    await expect(readDeletionVector(new LocalFileIO(), dvFile(path, offset, length, puffin.bytes.length), ac.signal)).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe.skipIf(!existsSync(FIXTURES))('deletion vectors of the shared fixtures', () => {
  const io = new LocalFileIO();
  it('decodes the Spark 4 / Iceberg 1.10 DVs of impala iceberg_v3_deletion_vectors (position 0 of two files)', async () => {
    const path = `${FIXTURES}/apache__impala/iceberg_v3_deletion_vectors/data/00000-9-08e88179-85b6-4635-8b34-94b49abc87d9-00001-deletes.puffin`;
    for (const offset of [4, 46]) {
      const set = await readDeletionVector(io, {
        content: 'position_deletes', path, format: 'puffin', recordCount: 1, fileSizeInBytes: 824, specId: 0, partition: {},
        contentOffset: offset, contentSizeInBytes: 42,
      });
      expect(set.toArray()).toEqual([0]);
    }
  });

  it('rejects the bare DV of duckdb legacy_bare_deletion_vector (no Puffin container)', async () => {
    const path = `${FIXTURES}/duckdb__duckdb-iceberg/legacy_bare_deletion_vector__warehouse__default__legacy_bare_deletion_vector/data/legacy-bare-deletion-vector.puffin`;
    await expect(readDeletionVector(io, {
      content: 'position_deletes', path, format: 'puffin', recordCount: 1, fileSizeInBytes: 42, specId: 0, partition: {},
      contentOffset: 0, contentSizeInBytes: 42,
    })).rejects.toMatchObject({ code: 'data_invalid', path });
  });
});
