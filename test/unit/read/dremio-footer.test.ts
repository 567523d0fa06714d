/**
 * Files whose footer an old parquet-mr fork wrote (Dremio 24/25): a `ColumnMetaData` field 15 that
 * is a list, where Parquet now defines `bloom_filter_length: i32`. arrow-rs ≥ 48 refuses such a
 * footer ("Expected list element type of I64 but got I16"); the decoder drops the field and reads
 * the file. The JS footer model (hyparquet) reads it as it is.
 */
import * as arrow from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import { DecodePool } from '../../../src/read/decoder/decode-pool.ts';
import { localDecoder } from '../../../src/read/decoder/local-decoder.ts';
import { readDataFile } from '../../../src/read/read-data-file.ts';
import { withDremioFooter } from '../../helpers/dremio-footer.ts';
import { makeTable, makeTempDir, toParquetBytes, type TempDir } from '../../helpers/parquet-files.ts';
import { dataTask, readContext } from '../../helpers/scan-fixtures.ts';
import { simpleProjection } from '../../helpers/simple-projection.ts';

const ROWS = 5000;
let dir: TempDir;
let plain: Uint8Array;
let dremio: Uint8Array;
const pool = new DecodePool(2);

beforeAll(async () => {
  dir = await makeTempDir('iceberg-rx-dremio-');
  plain = toParquetBytes(makeTable([
    { name: 'id', fieldId: 1, vector: arrow.vectorFromArray(Array.from({ length: ROWS }, (_, i) => BigInt(i)), new arrow.Int64()) },
    { name: 's', fieldId: 2, vector: arrow.vectorFromArray(Array.from({ length: ROWS }, (_, i) => `v${i % 97}`), new arrow.Utf8()) },
  ]), 2000);
  dremio = withDremioFooter(plain);
});
afterAll(async () => {
  await pool.terminate();
  await dir.cleanup();
});

const projection = simpleProjection([{ id: 1, name: 'id', type: new arrow.Int64() }, { id: 2, name: 's', type: new arrow.Utf8() }]);

async function rows(bytes: Uint8Array, name: string, decoder: typeof localDecoder) {
  const path = await dir.write(name, bytes);
  const batches = await lastValueFrom(readDataFile(dataTask(path, bytes.length, ROWS), { ...readContext(new LocalFileIO(), projection, 1024), decoder }).pipe(toArray()));
  return batches.flatMap((b) => b.batch.toArray().map((r) => `${r.id}:${r.s}`));
}

describe('a Dremio-written footer (ColumnMetaData field 15 a list)', () => {
  it('is what the helper forges: every column chunk carries field 15 as a list, the rest unchanged', () => {
    expect(dremio.length).toBeGreaterThan(plain.length);
    const forged = parquetMetadata(dremio.buffer.slice(dremio.byteOffset, dremio.byteOffset + dremio.byteLength) as ArrayBuffer);
    const original = parquetMetadata(plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength) as ArrayBuffer);
    expect(forged.row_groups.map((g) => g.num_rows)).toEqual(original.row_groups.map((g) => g.num_rows));
    expect(forged.row_groups.length).toBe(3);
    // field 15 of every ColumnMetaData is the list (as hyparquet reads it: bloom_filter_length)
    const field15 = forged.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.bloom_filter_length as unknown));
    expect(field15).toEqual(Array.from({ length: 6 }, () => [1n, 2n]));
    expect(original.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.bloom_filter_length))).toEqual(Array.from({ length: 6 }, () => undefined));
  });

  it.each([
    ['the calling thread', () => localDecoder],
    ['decode workers', () => pool],
  ])('reads with the same rows as the original file (%s)', async (_where, decoder) => {
    const expected = await rows(plain, 'plain.parquet', decoder());
    expect(expected).toHaveLength(ROWS);
    expect(await rows(dremio, 'dremio.parquet', decoder())).toEqual(expected);
  });
});
