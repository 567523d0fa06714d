/** Table builder: deletion-vector blobs (portable Roaring, CRC) and the Puffin file layout. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deletionVectorBlob, puffinFile } from '../../builder/puffin-file.ts';
import { decodeDeletionVector, puffinFooter } from './read-back.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const javaPuffin = resolve(
  repoRoot,
  '../shared/fixtures/iceberg/apache__impala/iceberg_v3_deletion_vectors/data/00000-9-08e88179-85b6-4635-8b34-94b49abc87d9-00001-deletes.puffin',
);

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => from + i * step);

describe('deletion vector blobs', () => {
  const cases: [string, (number | bigint)[]][] = [
    ['one position', [0]],
    ['a few scattered positions (array container)', [3, 7, 100, 65_535]],
    ['a long run (run container)', range(10, 20_000)],
    ['dense but not contiguous (bitmap container)', range(0, 60_000, 2)],
    ['several containers with runs (offset header)', [...range(0, 100), ...range(70_000, 70_100), ...range(140_000, 140_050), ...range(200_000, 200_010), 300_000]],
    ['positions beyond 2^32 (several 32-bit bitmaps)', [1n, (1n << 32n) + 5n, (3n << 32n) + 0n, (3n << 32n) + 1n]],
  ];
  it.each(cases)('%s round-trips through an independent decoder', (_name, positions) => {
    const blob = deletionVectorBlob(positions);
    const decoded = decodeDeletionVector(blob);
    expect(decoded.positions).toEqual([...positions].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(decoded.storedCrc).toBe(crc32(decoded.body));
  });

  it('picks the smallest container: a run is far smaller than 20k array values', () => {
    expect(deletionVectorBlob(range(0, 20_000)).length).toBeLessThan(64);
    expect(deletionVectorBlob(range(0, 60_000, 2)).length).toBeGreaterThan(8192);
  });

  it('deduplicates and sorts positions', () => {
    expect(decodeDeletionVector(deletionVectorBlob([5, 1, 5, 3])).positions).toEqual([1n, 3n, 5n]);
  });

  it('rejects negative positions with invalid_argument', () => {
    expect(() => deletionVectorBlob([-1])).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it.skipIf(!existsSync(javaPuffin))('is byte-identical to the blob Java writes for position 0', () => {
    const java = readFileSync(javaPuffin).subarray(4, 46);
    expect(Buffer.from(deletionVectorBlob([0])).equals(java)).toBe(true);
  });
});

describe('Puffin files', () => {
  it('places blobs after the magic and describes them in an uncompressed JSON footer', () => {
    const a = deletionVectorBlob([1, 2, 3]);
    const b = deletionVectorBlob([9]);
    const file = puffinFile([
      { type: 'deletion-vector-v1', fields: [2147483645], data: a, properties: { 'referenced-data-file': 'x.parquet', cardinality: '3' } },
      { type: 'deletion-vector-v1', fields: [2147483645], data: b, properties: { 'referenced-data-file': 'y.parquet', cardinality: '1' } },
    ]);
    expect(file.blobs).toEqual([
      { offset: 4, length: a.length },
      { offset: 4 + a.length, length: b.length },
    ]);
    const footer = puffinFooter(file.bytes);
    expect(footer.blobs).toEqual([
      { type: 'deletion-vector-v1', fields: [2147483645], 'snapshot-id': -1, 'sequence-number': -1, offset: 4, length: a.length, properties: { 'referenced-data-file': 'x.parquet', cardinality: '3' } },
      { type: 'deletion-vector-v1', fields: [2147483645], 'snapshot-id': -1, 'sequence-number': -1, offset: 4 + a.length, length: b.length, properties: { 'referenced-data-file': 'y.parquet', cardinality: '1' } },
    ]);
    expect(Buffer.from(file.bytes.subarray(4 + a.length, 4 + a.length + b.length)).equals(Buffer.from(b))).toBe(true);
    expect(file.footerSize).toBe(file.bytes.length - 4 - a.length - b.length);
    expect(footer.properties?.['created-by']).toMatch(/iceberg-rx/);
  });
});
