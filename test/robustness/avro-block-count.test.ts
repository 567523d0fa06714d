/**
 * Targeted corruption found by the mutation test: an Avro data block's object count that does not
 * match the block. A container block holds exactly `count` objects in exactly `size` bytes, and
 * the count is never negative (negative counts are a datum-level array/map encoding, not a block
 * header), so a count that is negative or smaller than the block's records is corrupt — yet today
 * the records it does not count are silently dropped: a manifest list loses manifests, a scan
 * returns fewer rows (0 when the count is negative) and no error.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../src/errors.ts';
import { decodeAvroFile } from '../../src/metadata/avro-file.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { buildTable } from '../builder/build-table.ts';
import type { BuiltTable } from '../builder/table-description.ts';
import { firstAvroBlock, writeZigzag } from './mutations.ts';

let root: string;
let table: BuiltTable;
let manifestList: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'iceberg-rx-avro-count-'));
  table = await buildTable(join(root, 'table'), {
    location: '/warehouse/avro-count', manifestCodec: 'null', seed: 3,
    schema: [{ id: 1, name: 'id', type: 'long', required: true }],
    steps: [
      { append: [{ name: 'a', columns: { id: BigInt64Array.of(1n, 2n, 3n) } }], manifestPerFile: true },
      { append: [{ name: 'b', columns: { id: BigInt64Array.of(4n, 5n) } }], manifestPerFile: true },
    ],
  });
  manifestList = relative(table.location, table.snapshots.at(-1)!.manifestList);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The table copied with its current manifest list's first block count set to `count`. */
function withCount(count: number): { dir: string; bytes: Uint8Array; records: number } {
  const dir = mkdtempSync(join(root, 'case-'));
  cpSync(table.dir, dir, { recursive: true });
  const bytes = new Uint8Array(readFileSync(join(dir, manifestList)));
  const block = firstAvroBlock(bytes);
  expect(writeZigzag(bytes, block.count.at, block.count.bytes, count)).toBe(count);
  writeFileSync(join(dir, manifestList), bytes);
  return { dir, bytes, records: block.count.value };
}

describe('an Avro block count that does not match its block', () => {
  it('the manifest list has one block of 2 manifests (the precondition)', () => {
    const { bytes, records } = withCount(2);
    expect(records).toBe(2);
    expect(decodeAvroFile(bytes, manifestList).records).toHaveLength(2);
  });

  it.each([1, -2])('count %i is data_invalid, not a manifest list with fewer manifests', (count) => {
    const { bytes } = withCount(count);
    let thrown: unknown;
    let records: number | undefined;
    try {
      records = decodeAvroFile(bytes, manifestList).records.length;
    } catch (error) {
      thrown = error;
    }
    expect(records, 'decoded without an error').toBeUndefined();
    expect(isIcebergScanError(thrown) && thrown.code).toBe('data_invalid');
  });

  it('a scan of the table fails instead of returning fewer rows', async () => {
    const { dir } = withCount(-2);
    const scan = loadTable(dir).then((t) => t.scan({ decodeWorkers: 0 }).toTable());
    await expect(scan).rejects.toMatchObject({ code: 'data_invalid' });
  });
});
