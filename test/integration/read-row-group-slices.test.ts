import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { lastValueFrom, toArray } from 'rxjs';
import { makeTempDir, sequenceTable, toParquetBytes, type TempDir } from '../helpers/parquet-files.ts';
import { simpleProjection } from '../helpers/simple-projection.ts';
import { columnValues, dataTask, readContext } from '../helpers/scan-fixtures.ts';
import { readDataFile } from '../../src/read/read-data-file.ts';
import { readParquetTail } from '../../src/read/parquet-footer.ts';
import { planRowGroupSlices } from '../../src/read/row-group-slices.ts';
import { projectedCompressedBytes } from '../../src/read/row-group-plan.ts';
import { coalesceRanges } from '../../src/io/coalesce.ts';
import { CountingFileIO } from '../../src/io/input-file.ts';
import { LocalFileIO } from '../../src/io/local-file-io.ts';
import { scanTasks } from '../../src/scan/scan-tasks.ts';
import { sharedWorkerDecoder } from '../../src/read/worker/decode-isolated.ts';
import * as pw from 'parquet-wasm';
import { makeTable } from '../helpers/parquet-files.ts';

const ROWS = 2000;
const projection = simpleProjection([
  { id: 1, name: 'id', type: new arrow.Int64() },
  { id: 2, name: 'label', type: new arrow.Utf8() },
]);
let dir: TempDir;
let path: string;
let size: number;

beforeAll(async () => {
  dir = await makeTempDir();
  const bytes = toParquetBytes(sequenceTable(ROWS), 1000, 64); // 2 row groups, pages of ~64 rows
  size = bytes.length;
  path = await dir.write('paged.parquet', bytes);
});
afterAll(() => dir.cleanup());

describe('row-group slices (offset index)', () => {
  it('plans slices that fetch only the pages they need', async () => {
    const tail = await readParquetTail(new LocalFileIO().newInputFile(path));
    const slices = planRowGroupSlices(tail.metadata, tail, 1, ['id'], 300);
    expect(slices.map((s) => [s.offset, s.limit, s.partial])).toEqual([[0, 300, true], [300, 300, true], [600, 300, true], [900, 100, true]]);
    const first = slices[0]!.ranges.reduce((n, r) => n + r.end - r.start, 0);
    expect(first).toBeLessThan(projectedCompressedBytes(tail.metadata, 1, ['id']) / 2);
    // A row group that fits in one slice is read whole.
    expect(planRowGroupSlices(tail.metadata, tail, 1, ['id'], 5000).map((s) => s.partial)).toEqual([false]);
  });

  it('decodes sliced row groups to the same rows and positions as whole ones', async () => {
    const whole = await lastValueFrom(readDataFile(dataTask(path, size, ROWS), readContext(new LocalFileIO(), projection, 100)).pipe(toArray()));
    const ctx = { ...readContext(new LocalFileIO(), projection, 100), decodeRows: 250 };
    const sliced = await lastValueFrom(readDataFile(dataTask(path, size, ROWS), ctx).pipe(toArray()));
    expect(columnValues(sliced.map((f) => f.batch), 'id')).toEqual(columnValues(whole.map((f) => f.batch), 'id'));
    expect(columnValues(sliced.map((f) => f.batch), 'label')).toEqual(columnValues(whole.map((f) => f.batch), 'label'));
    expect(sliced.map((f) => f.firstRowPosition)).toEqual(whole.map((f) => f.firstRowPosition));
    expect(sliced.map((f) => f.batch.numRows).every((n) => n === 100)).toBe(true);
    expect(ctx.stats.rowGroupsRead).toBe(2);
  });

  it('limit 10 with slicing reads the footer and only the first slice of pages', async () => {
    const io = new CountingFileIO(new LocalFileIO());
    const out = await lastValueFrom(scanTasks([dataTask(path, size, ROWS)], { io, projection, limit: 10, batchSize: 100, decodeRows: 100 }).pipe(toArray()));
    expect(columnValues(out, 'id')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const tail = await readParquetTail(new LocalFileIO().newInputFile(path));
    const firstSlice = coalesceRanges(planRowGroupSlices(tail.metadata, tail, 0, ['id', 'name'], 100)[0]!.ranges);
    expect(io.totalBytes).toBe(tail.bytes.length + firstSlice.reduce((n, r) => n + r.end - r.start, 0));
    expect(io.totalBytes - tail.bytes.length).toBeLessThan(projectedCompressedBytes(tail.metadata, 0, ['id', 'name']));
  });

  it('reads a dictionary page once per row group and reuses it for later slices', async () => {
    // 600k ids: a ~1 MiB dictionary page, then plain pages, so later slices' pages lie > 1 MiB
    // past the dictionary and parquet-wasm asks for the dictionary on its own.
    const n = 600_000;
    const table = makeTable([{ name: 'id', fieldId: 1, vector: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(i))), nullable: false }]);
    const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), new pw.WriterPropertiesBuilder().setMaxRowGroupSize(n).build());
    const dictPath = await dir.write('dictionary.parquet', bytes);
    const tail = await readParquetTail(new LocalFileIO().newInputFile(dictPath));
    const slices = planRowGroupSlices(tail.metadata, tail, 0, ['id'], 100_000, 50_000);
    const dict = slices[0]!.dictionaries[0]!;
    expect(slices.every((s) => s.dictionaries.length === 1 && s.partial)).toBe(true);
    const holdsDict = (s: (typeof slices)[number]): boolean => s.reads.some((r) => r.start <= dict.start && dict.end <= r.end);
    expect(holdsDict(slices[0]!)).toBe(true);
    const reused = slices.filter((s) => !holdsDict(s));
    expect(reused.length).toBeGreaterThan(1);

    const io = new CountingFileIO(new LocalFileIO());
    const idOnly = simpleProjection([{ id: 1, name: 'id', type: new arrow.Int64() }]);
    const ctx = { ...readContext(io, idOnly, 50_000), decodeRows: 100_000 };
    const pool = sharedWorkerDecoder().stats;
    const before = { tails: pool.tailsSent, loads: pool.sharedLoads, requests: pool.requestsDone };
    const out = await lastValueFrom(readDataFile(dataTask(dictPath, bytes.length, n), ctx).pipe(toArray()));
    // The decode worker got the tail once and kept the dictionary page from the first slice.
    expect(pool.requestsDone - before.requests).toBe(slices.length);
    expect(pool.tailsSent - before.tails).toBe(1);
    expect(pool.sharedLoads - before.loads).toBe(0);
    expect(columnValues(out.map((f) => f.batch), 'id')).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(out.map((f) => f.firstRowPosition)).toEqual(Array.from({ length: n / 50_000 }, (_, i) => i * 50_000));
    const sum = (rs: readonly { start: number; end: number }[]): number => rs.reduce((t, r) => t + r.end - r.start, 0);
    expect(io.totalBytes).toBe(tail.bytes.length + sum(slices.flatMap((s) => s.reads)));
    expect(io.totalBytes).toBeLessThan(tail.bytes.length + sum(slices.flatMap((s) => coalesceRanges(s.ranges))) - (reused.length - 1) * (dict.end - dict.start));
  });
});
