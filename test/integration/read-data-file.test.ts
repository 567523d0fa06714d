import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { lastValueFrom, toArray } from 'rxjs';
import { makeTempDir, sequenceTable, toParquetBytes, type TempDir } from '../helpers/parquet-files.ts';
import { simpleProjection } from '../helpers/simple-projection.ts';
import { columnValues, dataTask, readContext } from '../helpers/scan-fixtures.ts';
import { readDataFile } from '../../src/read/read-data-file.ts';
import { readParquetFooter } from '../../src/read/parquet-footer.ts';
import { rowGroupExtent } from '../../src/read/row-group-plan.ts';
import { CountingFileIO, type FileIO } from '../../src/io/input-file.ts';
import { LocalFileIO } from '../../src/io/local-file-io.ts';
import { IcebergScanError } from '../../src/errors.ts';
import type { FileProjection } from '../../src/task/file-projection.ts';

const ROWS = 1000;
const RG = 300; // row groups of 300, 300, 300, 100 rows
const projection = simpleProjection([
  { id: 1, name: 'id', type: new arrow.Int64() },
  { id: 2, name: 'label', type: new arrow.Utf8() },
  { id: 3, name: 'x', type: new arrow.Float64() },
]);

let dir: TempDir;
let path: string;
let size: number;

beforeAll(async () => {
  dir = await makeTempDir();
  const bytes = toParquetBytes(sequenceTable(ROWS), RG);
  size = bytes.length;
  path = await dir.write('seq.parquet', bytes);
});
afterAll(() => dir.cleanup());

const read = (task = dataTask(path, size, ROWS), io: FileIO = new LocalFileIO(), batchSize = 128) => {
  const ctx = readContext(io, projection, batchSize);
  return { ctx, batches: lastValueFrom(readDataFile(task, ctx).pipe(toArray())) };
};

describe('readDataFile', () => {
  it('decodes every row with values renamed by field id, in batches of batchSize per row group', async () => {
    const { ctx, batches } = read();
    const fbs = await batches;
    const rbs = fbs.map((f) => f.batch);
    expect(columnValues(rbs, 'id')).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    expect(columnValues(rbs, 'label').slice(0, 3)).toEqual(['name-0', 'name-1', 'name-2']);
    expect(columnValues(rbs, 'x')[999]).toBe(499.5);
    expect(rbs.map((b) => b.numRows)).toEqual([128, 128, 44, 128, 128, 44, 128, 128, 44, 100]);
    expect(ctx.stats.rowGroupsRead).toBe(4);
    expect(ctx.stats.files).toBe(1);
  });

  it('gives every batch the absolute position of its first row', async () => {
    const fbs = await read().batches;
    for (const fb of fbs) expect(fb.firstRowPosition).toBe(Number(fb.batch.getChild('id')!.get(0)));
  });

  it('reads each row group in exactly one split (midpoint rule)', async () => {
    const footer = await readParquetFooter(new LocalFileIO().newInputFile(path));
    const rg2 = rowGroupExtent(footer.row_groups[2]!);
    const first = await read(dataTask(path, size, ROWS, { start: 0, length: rg2.start })).batches;
    const second = await read(dataTask(path, size, ROWS, { start: rg2.start, length: size - rg2.start })).batches;
    expect(columnValues(first.map((f) => f.batch), 'id')).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(columnValues(second.map((f) => f.batch), 'id')).toEqual(Array.from({ length: 400 }, (_, i) => 600 + i));
    expect(second[0]!.firstRowPosition).toBe(600);
    // A split that holds no midpoint reads no row group.
    const none = await read(dataTask(path, size, ROWS, { start: rg2.start + 1, length: 2 })).batches;
    expect(none).toEqual([]);
  });

  it('skips row groups rejected by the rowGroupFilter and counts them', async () => {
    const ctx = { ...readContext(new LocalFileIO(), projection, 1000), rowGroupFilter: (_t: unknown, _f: unknown, k: number) => k !== 1 };
    const fbs = await lastValueFrom(readDataFile(dataTask(path, size, ROWS), ctx).pipe(toArray()));
    expect(fbs.map((f) => f.firstRowPosition)).toEqual([0, 600, 900]);
    expect(ctx.stats.rowGroupsSkipped).toBe(1);
    expect(ctx.stats.pruned.rowGroups).toBe(1);
    expect(ctx.stats.rowGroupsRead).toBe(3);
  });

  it('emits row-count-only batches without decoding when no column is needed', async () => {
    const io = new CountingFileIO(new LocalFileIO());
    const constOnly = simpleProjection([{ id: 99, name: 'missing', type: new arrow.Int32() }]);
    const ctx = readContext(io, constOnly, 256);
    const fbs = await lastValueFrom(readDataFile(dataTask(path, size, ROWS), ctx).pipe(toArray()));
    expect(fbs.map((f) => f.batch.numRows)).toEqual([256, 44, 256, 44, 256, 44, 100]);
    expect(fbs.map((f) => f.firstRowPosition)).toEqual([0, 256, 300, 556, 600, 856, 900]);
    expect(fbs[0]!.batch.getChild('missing')!.get(0)).toBeNull();
    expect(io.totalReads).toBe(1); // the footer tail only
  });

  it('fails with data_invalid naming the file for a column the file lacks, without hanging', async () => {
    const bad = {
      ...projection,
      forFile: (): FileProjection => ({ columns: ['nope'], project: () => { throw new Error('unreachable'); } }),
    };
    const ctx = readContext(new LocalFileIO(), bad, 100);
    const err = await lastValueFrom(readDataFile(dataTask(path, size, ROWS), ctx)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IcebergScanError);
    expect((err as IcebergScanError).code).toBe('data_invalid');
    expect((err as IcebergScanError).path).toBe(path);
  });

  it('reports a missing file as not_found with its path', async () => {
    const missing = `${dir.path}/missing.parquet`;
    const err = await read(dataTask(missing, 10, 1)).batches.catch((e: unknown) => e);
    expect((err as IcebergScanError).code).toBe('not_found');
    expect((err as IcebergScanError).path).toBe(missing);
  });

  it('turns a failing chunk read into io_failed naming the file (no wasm hang)', async () => {
    const local = new LocalFileIO();
    const failing: FileIO = {
      newInputFile(location) {
        const f = local.newInputFile(location);
        let reads = 0;
        return {
          location,
          length: (s) => f.length(s),
          read: async (start, end, s) => {
            reads += 1;
            if (reads > 1) throw new IcebergScanError('io_failed', 'simulated 503', { path: location });
            return f.read(start, end, s);
          },
        };
      },
    };
    const big = toParquetBytes(sequenceTable(20_000), 5000); // larger than the footer prefetch
    const bigPath = await dir.write('big.parquet', big);
    const err = await read(dataTask(bigPath, big.length, 20_000), failing).batches.catch((e: unknown) => e);
    expect((err as IcebergScanError).code).toBe('io_failed');
    expect((err as IcebergScanError).path).toBe(bigPath);
  });

  it('rejects a file that is not Parquet with data_invalid', async () => {
    const junk = await dir.write('junk.parquet', new TextEncoder().encode('this is not a parquet file at all'));
    const err = await read(dataTask(junk, 33, 1)).batches.catch((e: unknown) => e);
    expect((err as IcebergScanError).code).toBe('data_invalid');
    expect((err as IcebergScanError).path).toBe(junk);
  });
});
