import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { Observable, lastValueFrom, take, toArray } from 'rxjs';
import { makeTempDir, sequenceTable, toParquetBytes, type TempDir } from '../helpers/parquet-files.ts';
import { simpleProjection } from '../helpers/simple-projection.ts';
import { columnValues, dataTask, sleep } from '../helpers/scan-fixtures.ts';
import { scanTasks, scanTasksIterable } from '../../src/scan/scan-tasks.ts';
import { readParquetTail } from '../../src/read/parquet-footer.ts';
import { projectedCompressedBytes } from '../../src/read/row-group-plan.ts';
import { CountingFileIO } from '../../src/io/input-file.ts';
import { LocalFileIO } from '../../src/io/local-file-io.ts';
import { createScanStats } from '../../src/task/scan-stats.ts';
import { IcebergScanError } from '../../src/errors.ts';
import type { FileScanTask } from '../../src/task/file-scan-task.ts';

const idOnly = simpleProjection([{ id: 1, name: 'id', type: new arrow.Int64() }]);
const RG = 5000;
const FILE_ROWS = 20_000;

let dir: TempDir;
const tasks: FileScanTask[] = [];

beforeAll(async () => {
  dir = await makeTempDir();
  for (let f = 0; f < 4; f++) {
    const bytes = toParquetBytes(sequenceTable(FILE_ROWS, f * FILE_ROWS), RG);
    tasks.push(dataTask(await dir.write(`f${f}.parquet`, bytes), bytes.length, FILE_ROWS));
  }
});
afterAll(() => dir.cleanup());

const ids = (batches: readonly arrow.RecordBatch[]) => columnValues(batches, 'id') as number[];
const all = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('scanTasks over real Parquet files', () => {
  it('emits every row in task order and fills the stats', async () => {
    const stats = createScanStats();
    const out = await lastValueFrom(scanTasks(tasks, { io: new LocalFileIO(), projection: idOnly, batchSize: 3000, concurrency: 3, stats }).pipe(toArray()));
    expect(ids(out)).toEqual(all(4 * FILE_ROWS));
    expect(stats).toMatchObject({ rows: 80_000, batches: out.length, files: 4, rowGroupsRead: 16, rowGroupsSkipped: 0 });
    expect(stats.bytesRead).toBeGreaterThan(0);
    expect(Object.keys(stats.perFile)).toHaveLength(4);
    expect(stats.readCalls).toBe(Object.values(stats.perFile).reduce((n, s) => n + s.reads, 0));
    expect(stats.seconds).toBeGreaterThan(0);
  });

  it("order 'arrival' emits the same rows (as a set)", async () => {
    const out = await lastValueFrom(scanTasks(tasks, { io: new LocalFileIO(), projection: idOnly, order: 'arrival', concurrency: 4 }).pipe(toArray()));
    expect(ids(out).sort((a, b) => a - b)).toEqual(all(4 * FILE_ROWS));
  });

  it('accepts an async iterable and an Observable of tasks, and JSON round-tripped tasks', async () => {
    const json = JSON.parse(JSON.stringify(tasks)) as FileScanTask[];
    async function* gen() { yield* json; }
    const fromGen = await lastValueFrom(scanTasks(gen(), { io: new LocalFileIO(), projection: idOnly }).pipe(toArray()));
    const fromObs = await lastValueFrom(scanTasks(new Observable<FileScanTask>((s) => { json.forEach((t) => s.next(t)); s.complete(); }), { io: new LocalFileIO(), projection: idOnly }).pipe(toArray()));
    expect(ids(fromGen)).toEqual(all(4 * FILE_ROWS));
    expect(ids(fromObs)).toEqual(all(4 * FILE_ROWS));
  });

  it('limit: 10 reads the footer and at most one row group of projected chunks', async () => {
    const io = new CountingFileIO(new LocalFileIO());
    const out = await lastValueFrom(scanTasks([tasks[0]!], { io, projection: idOnly, limit: 10 }).pipe(toArray()));
    expect(ids(out)).toEqual(all(10));
    const tail = await readParquetTail(new LocalFileIO().newInputFile(tasks[0]!.dataFile.path));
    const oneRowGroup = projectedCompressedBytes(tail.metadata, 0, ['id']);
    expect(io.totalBytes).toBeLessThanOrEqual(tail.bytes.length + oneRowGroup);
    expect(io.totalReads).toBe(2);
    expect(tail.bytes.length + oneRowGroup).toBeLessThan(tasks[0]!.dataFile.fileSizeInBytes);
  });

  it('limit slices across files and stops them', async () => {
    const out = await lastValueFrom(scanTasks(tasks, { io: new LocalFileIO(), projection: idOnly, limit: 25_003, batchSize: 4000 }).pipe(toArray()));
    expect(ids(out)).toEqual(all(25_003));
  });

  it('starts no read after unsubscribe', async () => {
    const io = new CountingFileIO(new LocalFileIO());
    let unsubscribed = false;
    const late: string[] = [];
    io.onRead = (location) => { if (unsubscribed) late.push(location); };
    await new Promise<void>((resolve) => {
      const sub = scanTasks(tasks, { io, projection: idOnly, batchSize: 1000, concurrency: 3 }).subscribe(() => {
        unsubscribed = true;
        sub?.unsubscribe();
        resolve();
      });
    });
    const readsAtUnsubscribe = io.totalReads;
    await sleep(200);
    expect(late).toEqual([]);
    expect(io.totalReads).toBe(readsAtUnsubscribe);
  });

  it('an io error in one file reaches the subscriber with that path and stops the others', async () => {
    const broken = { ...tasks[2]!, dataFile: { ...tasks[2]!.dataFile, path: `${dir.path}/nope.parquet` } };
    const err = await lastValueFrom(scanTasks([tasks[0]!, tasks[1]!, broken, tasks[3]!], { io: new LocalFileIO(), projection: idOnly, concurrency: 4 }).pipe(toArray())).catch((e: unknown) => e);
    expect((err as IcebergScanError).code).toBe('not_found');
    expect((err as IcebergScanError).path).toBe(broken.dataFile.path);
  });

  it('rejects a malformed task with invalid_argument', async () => {
    const bad = { dataFile: { ...tasks[0]!.dataFile, recordCount: -1 } };
    const err = await lastValueFrom(scanTasks([bad], { io: new LocalFileIO(), projection: idOnly })).catch((e: unknown) => e);
    expect((err as IcebergScanError).code).toBe('invalid_argument');
  });

  it('errors with aborted when the signal aborts', async () => {
    const controller = new AbortController();
    const scan = scanTasks(tasks, { io: new LocalFileIO(), projection: idOnly, signal: controller.signal, batchSize: 1000 });
    const err = lastValueFrom(scan.pipe(toArray())).catch((e: unknown) => e);
    controller.abort();
    expect((await err as IcebergScanError).code).toBe('aborted');
    const already = await lastValueFrom(scan).catch((e: unknown) => e);
    expect((already as IcebergScanError).code).toBe('aborted');
  });

  it.each([
    ['batchSize', { batchSize: 0 }],
    ['concurrency', { concurrency: 1.5 }],
    ['limit', { limit: -1 }],
    ['order', { order: 'random' }],
    ['highWaterMark', { highWaterMark: 0 }],
    ['signal', { signal: 'x' }],
  ])('names the bad option %s', (name, bad) => {
    try {
      scanTasks(tasks, { io: new LocalFileIO(), projection: idOnly, ...(bad as object) });
      expect.unreachable();
    } catch (e) {
      expect((e as IcebergScanError).code).toBe('invalid_argument');
      expect((e as IcebergScanError).context.option).toBe(name);
    }
  });
});

describe('scanTasksIterable', () => {
  it('yields every row with for await', async () => {
    const out: arrow.RecordBatch[] = [];
    for await (const b of scanTasksIterable(tasks, { io: new LocalFileIO(), projection: idOnly, batchSize: 5000 })) out.push(b);
    expect(ids(out)).toEqual(all(4 * FILE_ROWS));
  });

  it('keeps read-ahead bounded for a slow consumer, and break cancels reading', async () => {
    const io = new CountingFileIO(new LocalFileIO());
    // One file, 4 row groups, one batch per row group: each batch needs one chunk read.
    let seen = 0;
    for await (const _ of scanTasksIterable([tasks[0]!], { io, projection: idOnly, batchSize: RG, highWaterMark: 1 })) {
      seen += 1;
      await sleep(50);
      // footer + the consumed row group + one queued + one held at the pace check
      expect(io.totalReads).toBeLessThanOrEqual(1 + seen + 2);
      if (seen === 1) break;
    }
    const after = io.totalReads;
    await sleep(100);
    expect(io.totalReads).toBe(after);
    expect(after).toBeLessThan(5);
  });

  it('throws the scan error from next()', async () => {
    const broken = { ...tasks[0]!, dataFile: { ...tasks[0]!.dataFile, path: `${dir.path}/nope.parquet` } };
    const consume = async () => { for await (const _ of scanTasksIterable([broken], { io: new LocalFileIO(), projection: idOnly })) void _; };
    const err = await consume().catch((e: unknown) => e);
    expect((err as IcebergScanError).code).toBe('not_found');
  });
});

describe('scanTasks with a take(1) consumer', () => {
  it('completes after the first batch', async () => {
    const first = await lastValueFrom(scanTasks(tasks, { io: new LocalFileIO(), projection: idOnly, batchSize: 7 }).pipe(take(1)));
    expect(first.numRows).toBe(7);
  });
});
