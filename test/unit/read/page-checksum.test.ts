/**
 * Page checksums: a page whose CRC is present and wrong is `data_invalid` naming the file and the
 * row group, on the calling thread and in decode workers; the same file with its bytes intact reads.
 * The file is written by pyarrow (`write_page_checksum=True`) from the PyIceberg virtualenv, since
 * the test writer (parquet-wasm) writes no checksums.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import { DecodePool } from '../../../src/read/decoder/decode-pool.ts';
import { localDecoder } from '../../../src/read/decoder/local-decoder.ts';
import type { RowGroupDecoder } from '../../../src/read/decoder/row-group-decoder.ts';
import { readDataFile } from '../../../src/read/read-data-file.ts';
import { makeTempDir, type TempDir } from '../../helpers/parquet-files.ts';
import { dataTask, readContext } from '../../helpers/scan-fixtures.ts';
import { simpleProjection } from '../../helpers/simple-projection.ts';
import { PYTHON_ENV, VENV_PYTHON, pyicebergAvailability } from '../../pyiceberg/pyiceberg-env.ts';

const availability = pyicebergAvailability();
const ROWS = 1000;
/** A value written once, its 8 little-endian bytes found in the (uncompressed, plain) data page. */
const MARKER = 0x0123456789abcdefn;

let dir: TempDir;
let good: string;
let bad: string;
const pool = new DecodePool(2);

beforeAll(async () => {
  if (!availability.available) return;
  dir = await makeTempDir('iceberg-rx-crc-');
  good = `${dir.path}/good.parquet`;
  const script = [
    'import sys, pyarrow as pa, pyarrow.parquet as pq',
    `values = list(range(${ROWS})); values[500] = ${MARKER}`,
    "schema = pa.schema([pa.field('x', pa.int64(), metadata={'PARQUET:field_id': '1'})])",
    "pq.write_table(pa.table({'x': pa.array(values, pa.int64())}, schema=schema), sys.argv[1], compression='none', use_dictionary=False, write_statistics=False, write_page_checksum=True)",
  ].join('\n');
  const r = spawnSync(VENV_PYTHON, ['-c', script, good], { encoding: 'utf8', env: PYTHON_ENV });
  if (r.status !== 0) throw new Error(`pyarrow could not write the file: ${r.stderr}`);
  const bytes = readFileSync(good);
  const marker = Buffer.alloc(8);
  marker.writeBigUInt64LE(MARKER);
  const at = bytes.indexOf(marker);
  if (at < 0 || bytes.indexOf(marker, at + 1) >= 0) throw new Error('the marker value is not in the file exactly once');
  const flipped = Buffer.from(bytes);
  flipped[at + 3]! ^= 0x10; // one bit of a value: the page still decodes, only its CRC tells
  bad = `${dir.path}/bad.parquet`;
  writeFileSync(bad, flipped);
});
afterAll(async () => {
  await pool.terminate();
  await dir?.cleanup();
});

const projection = simpleProjection([{ id: 1, name: 'x', type: new arrow.Int64() }]);
const read = (path: string, decoder: RowGroupDecoder) =>
  lastValueFrom(readDataFile(dataTask(path, readFileSync(path).length, ROWS), { ...readContext(new LocalFileIO(), projection, 256), decoder }).pipe(toArray()));

describe.skipIf(!availability.available)(`page checksums${availability.available ? '' : ` (skipped: ${availability.reason})`}`, () => {
  it.each([
    ['the calling thread', () => localDecoder],
    ['decode workers', () => pool],
  ])('a wrong CRC is data_invalid naming file and row group; the intact file reads (%s)', async (_where, decoder) => {
    const rows = (await read(good, decoder())).flatMap((b) => Array.from(b.batch.getChild('x')!.toArray() as BigInt64Array));
    expect(rows).toHaveLength(ROWS);
    expect(rows[500]).toBe(BigInt.asIntN(64, MARKER));
    await expect(read(bad, decoder())).rejects.toMatchObject({
      code: 'data_invalid',
      path: bad,
      context: { rowGroup: 0 },
      message: expect.stringMatching(/crc|checksum/i),
    });
  });
});
