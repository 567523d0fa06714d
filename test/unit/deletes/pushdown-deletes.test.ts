/**
 * Position deletes pushed down into the reader: the delete stage hands a file's deleted positions
 * to the Parquet reader, whose decoder skips them (a row selection: deleted rows are never
 * materialized), in decode workers and on the calling thread. Rows, `_pos`, stats and the stage's
 * fallback must all agree.
 */
import * as arrow from 'apache-arrow';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PositionSet } from '../../../src/deletes/position-set.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import { applyDeletes } from '../../../src/operators/apply-deletes.ts';
import { createProjectionPlanner } from '../../../src/projection/create-projection-planner.ts';
import { rowPosition, type FileBatch } from '../../../src/task/file-batch.ts';
import { readDataFile } from '../../../src/read/read-data-file.ts';
import type { ReadDataFileContext } from '../../../src/read/read-context.ts';
import type { FileScanTask } from '../../../src/task/file-scan-task.ts';
import type { DeleteFile } from '../../../src/metadata/content-file.ts';
import { createScanStats } from '../../../src/task/scan-stats.ts';
import { scanTasks } from '../../../src/scan/scan-tasks.ts';
import { DecodePool } from '../../../src/read/decoder/decode-pool.ts';
import { localDecoder } from '../../../src/read/decoder/local-decoder.ts';
import type { Schema } from '../../../src/metadata/schema.ts';
import { deletionVectorBlob, puffinFile } from '../../builder/puffin-file.ts';
import { makeTable, makeTempDir, sequenceTable, toParquetBytes, type TempDir } from '../../helpers/parquet-files.ts';
import { dataTask } from '../../helpers/scan-fixtures.ts';
import { writePositionDeletes } from './delete-test-files.ts';

const ROWS = 1000;
const BATCH = 64;
/** Row group edges (0, 300, 600, 900), a whole batch (128-191), single rows, the last row. */
const DELETED = [0, 5, 6, 7, ...Array.from({ length: 64 }, (_, i) => 128 + i), 299, 300, 301, 640, 898, 899, 900, 999];
const DV_DELETED = [1, 2, 3, 64, 65, ...Array.from({ length: 70 }, (_, i) => 400 + i), 998];

const schema: Schema = {
  type: 'struct', schemaId: 0, identifierFieldIds: [], fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'name', required: false, type: 'string' },
    { id: 3, name: 'x', required: false, type: 'double' },
  ],
};

const ids = (batches: arrow.RecordBatch[], column: string): number[] =>
  batches.flatMap((b) => Array.from(b.getChild(column)!.toArray() as BigInt64Array, Number));

/** Decode workers of each run: two workers, and the calling thread. */
const MODES = [2, 0] as const;
const pools: DecodePool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.terminate()));
});
const decoderOf = (workers: number) => {
  if (workers === 0) return localDecoder;
  const pool = new DecodePool(workers);
  pools.push(pool);
  return pool;
};

describe.each(MODES)('deletes pushed into the reader (decodeWorkers: %i)', (decodeWorkers) => {
  let dir: TempDir;
  /** One file in row groups of 300 rows; a second, paged copy that the reader decodes in slices. */
  let plain: FileScanTask;
  let paged: FileScanTask;
  let posFile: DeleteFile;
  let pagedPosFile: DeleteFile;
  let dvFile: DeleteFile;
  let eqFile: DeleteFile;
  beforeAll(async () => {
    dir = await makeTempDir('iceberg-rx-pushdown-');
    const bytes = toParquetBytes(sequenceTable(ROWS), 300);
    const path = await dir.write('data.parquet', bytes);
    plain = dataTask(path, bytes.length, ROWS);
    const pagedBytes = toParquetBytes(sequenceTable(ROWS), 1000, 32);
    const pagedPath = await dir.write('paged.parquet', pagedBytes);
    paged = dataTask(pagedPath, pagedBytes.length, ROWS);
    posFile = await writePositionDeletes(dir, 'pos.parquet', DELETED.map((p) => [path, BigInt(p)] as const));
    pagedPosFile = await writePositionDeletes(dir, 'paged-pos.parquet', DELETED.map((p) => [pagedPath, BigInt(p)] as const));
    const puffin = puffinFile([{ type: 'deletion-vector-v1', fields: [2147483645], data: deletionVectorBlob(DV_DELETED) }]);
    dvFile = {
      content: 'position_deletes', path: await dir.write('dv.puffin', puffin.bytes), format: 'puffin', recordCount: DV_DELETED.length,
      fileSizeInBytes: puffin.bytes.length, specId: 0, partition: {}, referencedDataFile: path,
      contentOffset: puffin.blobs[0]!.offset, contentSizeInBytes: puffin.blobs[0]!.length,
    };
    const eqBytes = toParquetBytes(makeTable([{ name: 'name', fieldId: 2, vector: arrow.vectorFromArray(['name-500', 'name-7', 'name-801'], new arrow.Utf8()) }]), 10);
    eqFile = {
      content: 'equality_deletes', path: await dir.write('eq.parquet', eqBytes), format: 'parquet', recordCount: 3,
      fileSizeInBytes: eqBytes.length, specId: 0, partition: {}, equalityIds: [2],
    };
  });
  afterAll(() => dir.cleanup());

  const scan = async (task: FileScanTask, select: string[], extra: { readFile?: typeof readDataFile; extraFieldIds?: number[] } = {}) => {
    const stats = createScanStats();
    const projection = createProjectionPlanner({ schema, select, extraFieldIds: extra.extraFieldIds });
    const batches = await lastValueFrom(
      scanTasks([task], {
        io: new LocalFileIO(), projection, batchSize: BATCH, decodeWorkers, deletes: applyDeletes(), stats,
        readFile: extra.readFile,
      }).pipe(toArray()),
    );
    expect(batches.every((b) => b.numRows > 0)).toBe(true);
    return { batches, stats };
  };
  const survivors = (deleted: readonly number[]) => Array.from({ length: ROWS }, (_, i) => i).filter((i) => !deleted.includes(i));

  it('drops position-deleted rows; _pos stays the absolute position of each surviving row', async () => {
    const { batches, stats } = await scan({ ...plain, deletes: [posFile] }, ['id', '_pos', 'name']);
    expect(ids(batches, 'id')).toEqual(survivors(DELETED));
    // id i sits at position i in the file
    expect(ids(batches, '_pos')).toEqual(survivors(DELETED));
    expect(batches.flatMap((b) => b.getChild('name')!.toArray())).toEqual(survivors(DELETED).map((i) => `name-${i}`));
    expect(stats.rowsDeleted).toEqual({ position: DELETED.length, deletionVector: 0, equality: 0 });
  });

  it('drops deletion-vector rows and counts them as such', async () => {
    const { batches, stats } = await scan({ ...plain, deletes: [dvFile] }, ['_pos', 'x']);
    expect(ids(batches, '_pos')).toEqual(survivors(DV_DELETED));
    expect(batches.flatMap((b) => Array.from(b.getChild('x')!.toArray() as Float64Array))).toEqual(survivors(DV_DELETED).map((i) => i / 2));
    expect(stats.rowsDeleted).toEqual({ position: 0, deletionVector: DV_DELETED.length, equality: 0 });
  });

  it('applies equality deletes after the pushed-down positions', async () => {
    const { batches, stats } = await scan({ ...plain, deletes: [dvFile, eqFile] }, ['id'], { extraFieldIds: [2] });
    expect(ids(batches, 'id')).toEqual(survivors([...DV_DELETED, 500, 7, 801]));
    expect(stats.rowsDeleted).toEqual({ position: 0, deletionVector: DV_DELETED.length, equality: 3 });
  });

  it('drops rows in row groups of many small pages (skipped through the offset index)', async () => {
    const { batches, stats } = await scan({ ...paged, deletes: [pagedPosFile] }, ['id', '_pos']);
    expect(ids(batches, 'id')).toEqual(survivors(DELETED));
    expect(ids(batches, '_pos')).toEqual(survivors(DELETED));
    expect(stats.rowsDeleted.position).toBe(DELETED.length);
  });

  it('drops rows when no column is decoded (only metadata columns selected)', async () => {
    const { batches } = await scan({ ...plain, deletes: [posFile] }, ['_pos']);
    expect(ids(batches, '_pos')).toEqual(survivors(DELETED));
  });

  it('removes the rows in the stage when the reader does not take the hand-off', async () => {
    const ignoring: typeof readDataFile = (task, ctx) => readDataFile(task, { ...ctx, rowSelection: undefined });
    const { batches, stats } = await scan({ ...plain, deletes: [posFile] }, ['id', '_pos'], { readFile: ignoring });
    expect(ids(batches, 'id')).toEqual(survivors(DELETED));
    expect(ids(batches, '_pos')).toEqual(survivors(DELETED));
    expect(stats.rowsDeleted.position).toBe(DELETED.length);
  });

  it('the reader marks its batches and positions each one at its first surviving row', async () => {
    const deleted = PositionSet.fromSorted(Float64Array.from(DELETED));
    const stats = createScanStats();
    const ctx: ReadDataFileContext = {
      io: new LocalFileIO(), projection: createProjectionPlanner({ schema, select: ['id'] }), batchSize: BATCH, decoder: decoderOf(decodeWorkers),
      signal: new AbortController().signal, stats,
      rowSelection: { deleted: { kind: 'position', markRange: (first, count, mask) => deleted.markRange(first, count, mask) } },
    };
    const out: FileBatch[] = await lastValueFrom(readDataFile(plain, ctx).pipe(toArray()));
    expect(out.every((b) => b.positionDeletesApplied === true)).toBe(true);
    // row i of a batch sits at rowPosition(b, i), and id i was written at position i
    for (const b of out) {
      const ids = Array.from(b.batch.getChild('id')!.toArray() as BigInt64Array, Number);
      expect(ids.map((_id, i) => rowPosition(b, i))).toEqual(ids);
    }
    expect(out.some((b) => b.rowOffsets !== undefined)).toBe(true);
    // the decoder fills batches with surviving rows: every batch but a row group's last is full
    expect(out.filter((b) => b.batch.numRows < BATCH)).toHaveLength(4);
    expect(out.flatMap((b) => Array.from(b.batch.getChild('id')!.toArray() as BigInt64Array, Number)).filter((i) => DELETED.includes(i))).toEqual([]);
    expect(stats.rowsDeleted.position).toBe(DELETED.length);
  });
});

describe.each(MODES)('pushed-down deletes keep every column type intact (decodeWorkers: %i)', (decodeWorkers) => {
  const N = 300;
  const idx = Array.from({ length: N }, (_, i) => i);
  /** Every third row, a run of 40 and the last row: gathers, block copies and a contiguous batch. */
  const dropped = idx.filter((i) => i % 3 === 1 || (i >= 100 && i < 140) || i === N - 1);
  let dir: TempDir;
  let task: FileScanTask;
  beforeAll(async () => {
    dir = await makeTempDir('iceberg-rx-pushdown-types-');
    const dec = (scale: number, precision: number, words: (i: number) => number[]) =>
      arrow.makeVector(arrow.makeData({ type: new arrow.Decimal(scale, precision, 128), length: N, data: Uint32Array.from(idx.flatMap(words)) }));
    const table = makeTable([
      { name: 'i8', fieldId: 1, vector: arrow.vectorFromArray(idx.map((i) => (i % 5 === 0 ? null : (i % 200) - 100)), new arrow.Int8()) },
      { name: 'i16', fieldId: 2, vector: arrow.vectorFromArray(idx.map((i) => i * 100 - 15000), new arrow.Int16()) },
      { name: 'i32', fieldId: 3, vector: arrow.vectorFromArray(idx.map((i) => (i % 7 === 0 ? null : i * 1000)), new arrow.Int32()) },
      { name: 'i64', fieldId: 4, vector: arrow.vectorFromArray(idx.map((i) => BigInt(i) * 10_000_000_019n - 2n ** 62n), new arrow.Int64()) },
      { name: 'f32', fieldId: 5, vector: arrow.vectorFromArray(idx.map((i) => i / 4), new arrow.Float32()) },
      { name: 'f64', fieldId: 6, vector: arrow.vectorFromArray(idx.map((i) => (i % 11 === 0 ? null : i / 3)), new arrow.Float64()) },
      { name: 'bool', fieldId: 7, vector: arrow.vectorFromArray(idx.map((i) => (i % 4 === 0 ? null : i % 3 === 0)), new arrow.Bool()) },
      { name: 'str', fieldId: 8, vector: arrow.vectorFromArray(idx.map((i) => (i % 9 === 0 ? null : `s${i}-${'é'.repeat(i % 13)}`)), new arrow.Utf8()) },
      { name: 'bin', fieldId: 9, vector: arrow.vectorFromArray(idx.map((i) => Uint8Array.from({ length: i % 6 }, (_, k) => (i + k) & 255)), new arrow.Binary()) },
      { name: 'fixed', fieldId: 10, vector: arrow.vectorFromArray(idx.map((i) => Uint8Array.from({ length: 16 }, (_, k) => (i * 3 + k) & 255)), new arrow.FixedSizeBinary(16)) },
      { name: 'dec9', fieldId: 11, vector: dec(2, 9, (i) => [i * 12345, 0, 0, 0]) },
      { name: 'dec38', fieldId: 12, vector: dec(10, 38, (i) => [i * 7, i, i % 3 === 0 ? 0xffffffff : 1, i % 3 === 0 ? 0xffffffff : 0]) },
      { name: 'date', fieldId: 13, vector: arrow.vectorFromArray(idx.map((i) => new Date(i * 86_400_000)), new arrow.DateDay()) },
      { name: 'time', fieldId: 14, vector: arrow.makeVector(arrow.makeData({ type: new arrow.TimeMicrosecond(), length: N, data: BigInt64Array.from(idx, (i) => BigInt(i) * 1_000_001n) })) },
      { name: 'ts', fieldId: 15, vector: arrow.makeVector(arrow.makeData({ type: new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC'), length: N, data: BigInt64Array.from(idx, (i) => BigInt(i) * 3_600_000_000n) })) },
      { name: 'list', fieldId: 16, vector: arrow.vectorFromArray(idx.map((i) => (i % 8 === 0 ? null : Array.from({ length: i % 4 }, (_, k) => i * 10 + k))), new arrow.List(new arrow.Field('element', new arrow.Int32(), true))) },
      { name: 'st', fieldId: 17, vector: arrow.vectorFromArray(idx.map((i) => (i % 10 === 0 ? null : { a: BigInt(i), b: `b${i}` })), new arrow.Struct([new arrow.Field('a', new arrow.Int64(), true), new arrow.Field('b', new arrow.Utf8(), true)])) },
    ]);
    const bytes = toParquetBytes(table, N);
    task = dataTask(await dir.write('types.parquet', bytes), bytes.length, N);
  });
  afterAll(() => dir.cleanup());

  /** Hands decoded batches through unchanged (every top-level column). */
  const passThrough = (names: string[]): ReadDataFileContext['projection'] => ({
    schema: new arrow.Schema([]),
    outputColumns: names.length,
    forFile: () => ({ columns: names, project: (decoded) => decoded! }),
  });
  const rows = (batches: FileBatch[]): unknown[] =>
    batches.flatMap((b) => b.batch.toArray().map((r) => JSON.stringify(r.toJSON(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v))));

  it('equals the rows read without deletes, minus the deleted ones', async () => {
    const names = ['i8', 'i16', 'i32', 'i64', 'f32', 'f64', 'bool', 'str', 'bin', 'fixed', 'dec9', 'dec38', 'date', 'time', 'ts', 'list', 'st'];
    const read = (rowSelection?: ReadDataFileContext['rowSelection']) => lastValueFrom(readDataFile(task, {
      io: new LocalFileIO(), projection: passThrough(names), batchSize: 64, decoder: decoderOf(decodeWorkers), signal: new AbortController().signal, stats: createScanStats(), rowSelection,
    }).pipe(toArray()));
    const all = rows(await read());
    expect(all).toHaveLength(N);
    const set = PositionSet.fromSorted(Float64Array.from(dropped));
    const kept = await read({ deleted: { kind: 'position', markRange: (first, count, mask) => set.markRange(first, count, mask) } });
    expect(kept.every((b) => b.positionDeletesApplied === true)).toBe(true);
    expect(rows(kept)).toEqual(all.filter((_r, i) => !dropped.includes(i)));
  });
});

