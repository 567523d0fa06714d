import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEqualityDeleteFile } from '../../../src/deletes/equality-delete-file.ts';
import { applyTaskDeletes, type TaskDeletes } from '../../../src/deletes/task-deletes.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import type { DeleteFile } from '../../../src/metadata/content-file.ts';
import { fakeTask } from '../../helpers/marble-batches.ts';
import { makeTempDir, toParquetBytes, type TempDir } from '../../helpers/parquet-files.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = `${REPO}../shared/fixtures/iceberg`;
const signal = new AbortController().signal;
const io = new LocalFileIO();

/** A column: field id, name, Arrow type and values (null = null). */
type Col = { id: number; name: string; type: arrow.DataType; values: unknown[] };

const bitmap = (values: unknown[]): Uint8Array => {
  const bits = new Uint8Array(Math.ceil(values.length / 8) + 1);
  values.forEach((v, i) => {
    if (v !== null) bits[i >> 3] |= 1 << (i & 7);
  });
  return bits;
};

/** Builds Arrow data for the types vectorFromArray cannot take raw values of. */
function dataOf(c: Col): arrow.Data {
  const n = c.values.length;
  const nullCount = c.values.filter((v) => v === null).length;
  const t = c.type;
  if (arrow.DataType.isDecimal(t)) {
    const words = new Uint32Array(n * 4);
    c.values.forEach((v, i) => {
      const u = BigInt.asUintN(128, BigInt((v as bigint | null) ?? 0n));
      for (let k = 0; k < 4; k++) words[i * 4 + k] = Number((u >> BigInt(32 * k)) & 0xffffffffn);
    });
    return arrow.makeData({ type: t, length: n, nullCount, nullBitmap: bitmap(c.values), data: words });
  }
  if (arrow.DataType.isTimestamp(t)) {
    return arrow.makeData({ type: t, length: n, nullCount, nullBitmap: bitmap(c.values), data: BigInt64Array.from(c.values, (v) => (v as bigint | null) ?? 0n) });
  }
  if (arrow.DataType.isDate(t)) {
    return arrow.makeData({ type: t, length: n, nullCount, nullBitmap: bitmap(c.values), data: Int32Array.from(c.values, (v) => (v as number | null) ?? 0) });
  }
  return arrow.vectorFromArray(c.values, t).data[0]!;
}

function batchOf(cols: readonly Col[]): arrow.RecordBatch {
  const fields = cols.map((c) => new arrow.Field(c.name, c.type, true, new Map([['PARQUET:field_id', String(c.id)]])));
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: cols[0]!.values.length, nullCount: 0, children: cols.map(dataOf) });
  return new arrow.RecordBatch(new arrow.Schema(fields), data);
}

const uuid = (b: number): Uint8Array => Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? b : 0xab));

// Columns of the delete file (the types the file was written with) and of the scan batch (the
// table's current types: int promoted to long, decimal(9,2) to decimal(12,2), float to double).
// Delete rows: A, all-null.  Data rows: A (deleted), B, all-null (deleted), C (near misses).
const COLUMNS: { id: number; name: string; file: arrow.DataType; table: arrow.DataType; a: unknown; b: unknown; c: unknown; aTable?: unknown; bTable?: unknown; cTable?: unknown }[] = [
  { id: 1, name: 'i', file: new arrow.Int32(), table: new arrow.Int64(), a: 7, b: 8, c: -7, aTable: 7n, bTable: 8n, cTable: -7n },
  { id: 2, name: 'dec', file: new arrow.Decimal(2, 9, 128), table: new arrow.Decimal(2, 12, 128), a: 12345n, b: -12345n, c: 12346n },
  { id: 3, name: 'd', file: new arrow.DateDay(), table: new arrow.DateDay(), a: 19000, b: 0, c: 19001 },
  { id: 4, name: 'ts', file: new arrow.Timestamp(arrow.TimeUnit.MICROSECOND), table: new arrow.Timestamp(arrow.TimeUnit.MICROSECOND), a: 1_700_000_000_000_001n, b: 0n, c: 1_700_000_000_000_002n },
  { id: 5, name: 's', file: new arrow.Utf8(), table: new arrow.Utf8(), a: 'héllo', b: '', c: 'hello' },
  { id: 6, name: 'bin', file: new arrow.Binary(), table: new arrow.Binary(), a: Uint8Array.of(0, 255), b: Uint8Array.of(), c: Uint8Array.of(0, 254) },
  { id: 7, name: 'u', file: new arrow.FixedSizeBinary(16), table: new arrow.FixedSizeBinary(16), a: uuid(1), b: uuid(2), c: uuid(3) },
  { id: 8, name: 'dbl', file: new arrow.Float64(), table: new arrow.Float64(), a: Number.NaN, b: 1.5, c: Number.POSITIVE_INFINITY },
  { id: 9, name: 'flt', file: new arrow.Float32(), table: new arrow.Float64(), a: -0, b: 0.5, c: 0 },
  { id: 10, name: 'bool', file: new arrow.Bool(), table: new arrow.Bool(), a: true, b: false, c: false },
];

function dataBatch(): arrow.RecordBatch {
  return batchOf(COLUMNS.map((c) => ({ id: c.id, name: c.name, type: c.table, values: [c.aTable ?? c.a, c.bTable ?? c.b, null, c.cTable ?? c.c] })));
}

function survivors(deletes: TaskDeletes, batch: arrow.RecordBatch): number[] {
  const task = fakeTask('data.parquet');
  const idBatch = batchOf([{ id: 999, name: 'row', type: new arrow.Int32(), values: Array.from({ length: batch.numRows }, (_, i) => i) }]);
  const withRow = new arrow.RecordBatch(
    new arrow.Schema([...batch.schema.fields, idBatch.schema.fields[0]!]),
    arrow.makeData({ type: new arrow.Struct([...batch.schema.fields, idBatch.schema.fields[0]!]), length: batch.numRows, nullCount: 0, children: [...batch.data.children, idBatch.data.children[0]!] }),
  );
  const out = applyTaskDeletes(deletes, { task, batch: withRow, firstRowPosition: 0 }).batch;
  return out === undefined ? [] : Array.from(out.batch.getChild('row')!.toArray() as Int32Array);
}

describe('equality deletes', () => {
  let dir: TempDir;
  let deleteFile: DeleteFile;
  beforeAll(async () => {
    dir = await makeTempDir('iceberg-rx-eq-');
    const table = new arrow.Table(batchOf(COLUMNS.map((c) => ({ id: c.id, name: c.name, type: c.file, values: [c.a, null] }))));
    const bytes = toParquetBytes(table, 100);
    const path = await dir.write('eq.parquet', bytes);
    deleteFile = { content: 'equality_deletes', path, format: 'parquet', recordCount: 2, fileSizeInBytes: bytes.length, specId: 0, partition: {} };
  });
  afterAll(() => dir.cleanup());

  const eqDeletes = async (ids: number[]): Promise<TaskDeletes> => ({
    dataFilePath: 'data.parquet',
    positions: [],
    deletionVector: undefined,
    equality: [await readEqualityDeleteFile(io, { ...deleteFile, equalityIds: ids }, signal)],
  });

  for (const c of COLUMNS) {
    it(`matches ${c.name} (${c.file} in the file, ${c.table} in the table) exactly, null equal to null`, async () => {
      expect(survivors(await eqDeletes([c.id]), dataBatch())).toEqual([1, 3]);
    });
  }

  it('requires equality on all columns of a multi-id delete', async () => {
    expect(survivors(await eqDeletes(COLUMNS.map((c) => c.id)), dataBatch())).toEqual([1, 3]);
    const rows = batchOf([
      { id: 1, name: 'i', type: new arrow.Int64(), values: [7n, 7n, null, null, 7n] },
      { id: 5, name: 's', type: new arrow.Utf8(), values: ['héllo', 'x', null, 'héllo', null] },
    ]);
    // delete rows: (7, 'héllo') and (null, null)
    expect(survivors(await eqDeletes([1, 5]), rows)).toEqual([1, 3, 4]);
  });

  it('finds an equality column nested in a struct by field id', async () => {
    const inner = new arrow.Field('s', new arrow.Utf8(), true, new Map([['PARQUET:field_id', '5']]));
    const st = arrow.vectorFromArray([{ s: 'héllo' }, { s: 'x' }, null, { s: null }], new arrow.Struct([inner]));
    const field = new arrow.Field('st', st.type, true, new Map([['PARQUET:field_id', '50']]));
    const batch = new arrow.RecordBatch(new arrow.Schema([field]), arrow.makeData({ type: new arrow.Struct([field]), length: 4, nullCount: 0, children: [st.data[0]!] }));
    // a null parent struct reads as null, which equals the all-null delete row
    expect(survivors(await eqDeletes([5]), batch)).toEqual([1]);
  });

  it('fails with not_found when the batch lacks an equality column', async () => {
    const batch = batchOf([{ id: 1, name: 'i', type: new arrow.Int64(), values: [1n] }]);
    expect(() => survivors({ dataFilePath: 'd', positions: [], deletionVector: undefined, equality: [{ path: 'e', fieldIds: [5], keys: new Set(['=x']) }] }, batch)).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
  });

  it('reads the file when the manifest records a wrong size', async () => {
    const set = await readEqualityDeleteFile(io, { ...deleteFile, fileSizeInBytes: deleteFile.fileSizeInBytes + 17, equalityIds: [5] }, signal);
    expect([...set.keys].sort()).toEqual(['\u0000null', '=héllo']);
  });

  it('rejects a delete file missing an equality column or without equality ids', async () => {
    await expect(readEqualityDeleteFile(io, { ...deleteFile, equalityIds: [42] }, signal)).rejects.toMatchObject({ code: 'data_invalid' });
    await expect(readEqualityDeleteFile(io, { ...deleteFile, equalityIds: [] }, signal)).rejects.toMatchObject({ code: 'data_invalid' });
  });
});

describe.skipIf(!existsSync(FIXTURES))('equality delete files of the shared fixtures', () => {
  const file = (rel: string, equalityIds: number[]): DeleteFile => {
    const path = `${FIXTURES}/${rel}`;
    return { content: 'equality_deletes', path, format: 'parquet', recordCount: 1, fileSizeInBytes: statSync(path).size, specId: 0, partition: {}, equalityIds };
  };

  it('reads impala iceberg_v2_delete_equality_nulls: a null key and i = 3', async () => {
    const set = await readEqualityDeleteFile(io, file('apache__impala/iceberg_v2_delete_equality_nulls/data/delete-494fbbd4b792bdd2-aabb8e2000000000_1239775374_data.0.parq', [1]), signal);
    const batch = batchOf([{ id: 1, name: 'i', type: new arrow.Int32(), values: [1, 3, null, 4] }]);
    expect(survivors({ dataFilePath: 'd', positions: [], deletionVector: undefined, equality: [set] }, batch)).toEqual([0, 3]);
  });

  it('reads icebird java_bunnies: an equality delete on Breed Name', async () => {
    const set = await readEqualityDeleteFile(io, file('hyparam__icebird/java_bunnies/data/bunnies-eq-delete-new-zealand.parquet', [1]), signal);
    expect([...set.keys]).toEqual(['=New Zealand']);
  });
});
