/**
 * Throughput benchmark: full-scan rows/s of `scanTasks` against parquet-wasm's own `readParquet`
 * on the same file in the same process (alternating runs, median of each).
 * Usage: `node --expose-gc --import tsx bench/throughput.bench.ts [--size 256MB] [--runs 3]`.
 * The last printed line is one JSON object.
 */
import { readFile, stat } from 'node:fs/promises';
import * as pw from 'parquet-wasm';
import { lastValueFrom, toArray } from 'rxjs';
import { LocalFileIO } from '../src/io/local-file-io.ts';
import { scanTasks } from '../src/scan/scan-tasks.ts';
import { DEFAULT_BATCH_SIZE } from '../src/scan/scan-options.ts';
import { toArrowBatch } from '../src/read/parquet-wasm.ts';
import type { FileScanTask } from '../src/scan/file-scan-task.ts';
import { BENCH_SCHEMA, ensureBenchFile, ensureWarmupFile, parseSize } from './lib/bench-table.ts';
import { passThroughProjection } from './lib/pass-through-projection.ts';
import { argValue } from './lib/child-process.ts';

const projection = passThroughProjection(BENCH_SCHEMA);
const WHOLE_ROW_GROUPS = 2 ** 31 - 1;

async function taskFor(path: string): Promise<FileScanTask> {
  const size = (await stat(path)).size;
  return { dataFile: { content: 'data', path, format: 'parquet', recordCount: 0, fileSizeInBytes: size, specId: 0, partition: {} }, deletes: [] };
}

/** Full scan through iceberg-rx (I/O included); returns [rows, seconds]. */
async function scanOnce(task: FileScanTask, decodeRows?: number): Promise<[number, number]> {
  const t = performance.now();
  let rows = 0;
  await new Promise<void>((resolve, reject) =>
    scanTasks([task], { io: new LocalFileIO(), projection, batchSize: DEFAULT_BATCH_SIZE, decodeRows }).subscribe({
      next: (b) => (rows += b.numRows),
      error: reject,
      complete: resolve,
    }),
  );
  return [rows, (performance.now() - t) / 1000];
}

/** parquet-wasm `readParquet` on bytes already in memory; optionally also converting to apache-arrow. */
function readParquetOnce(bytes: Uint8Array, convert: boolean, started = performance.now()): [number, number] {
  const t = started;
  const table = pw.readParquet(bytes, { batchSize: DEFAULT_BATCH_SIZE });
  let rows = 0;
  if (convert) {
    for (const b of table.recordBatches()) rows += toArrowBatch(b).numRows;
  } else {
    for (const b of table.recordBatches()) {
      rows += b.numRows;
      b.free();
    }
  }
  table.free();
  return [rows, (performance.now() - t) / 1000];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const sizeArg = argValue('size', '256MB')!;
  const runs = Number(argValue('runs', '3'));
  const path = await ensureBenchFile(parseSize(sizeArg), (s) => console.log(s));
  const task = await taskFor(path);
  const bytes = new Uint8Array(await readFile(path));
  await lastValueFrom(scanTasks([await taskFor(await ensureWarmupFile())], { io: new LocalFileIO(), projection }).pipe(toArray()));
  const ours: number[] = [];
  const oursWhole: number[] = [];
  const theirs: number[] = [];
  const theirsConverted: number[] = [];
  const theirsWithFileRead: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const [r1, s1] = await scanOnce(task);
    const [r2, s2] = readParquetOnce(bytes, false);
    const [r3, s3] = readParquetOnce(bytes, true);
    // readParquet needs the whole file in memory: here the file read is timed too, as in a scan.
    const readStarted = performance.now();
    const [r5, s5] = readParquetOnce(new Uint8Array(await readFile(path)), false, readStarted);
    if (r5 !== r1) throw new Error(`row counts differ: ${r5} ${r1}`);
    theirsWithFileRead.push(r5 / s5);
    // Whole row groups per decode call (no slicing): faster, but decoder memory = one row group.
    const [r4, s4] = await scanOnce(task, WHOLE_ROW_GROUPS);
    if (r1 !== r2 || r2 !== r3 || r3 !== r4) throw new Error(`row counts differ: ${r1} ${r2} ${r3} ${r4}`);
    oursWhole.push(r4 / s4);
    rows = r1;
    ours.push(r1 / s1);
    theirs.push(r2 / s2);
    theirsConverted.push(r3 / s3);
    console.log(`run ${i + 1}: scanTasks ${(r1 / s1 / 1e6).toFixed(2)} M rows/s, readParquet ${(r2 / s2 / 1e6).toFixed(2)} M rows/s, readParquet+ffi ${(r3 / s3 / 1e6).toFixed(2)} M rows/s, scanTasks whole row groups ${(r4 / s4 / 1e6).toFixed(2)} M rows/s, readFile+readParquet ${(r5 / s5 / 1e6).toFixed(2)} M rows/s`);
  }
  const result = {
    size: sizeArg,
    fileSize: bytes.length,
    rows,
    runs,
    batchSize: DEFAULT_BATCH_SIZE,
    scanTasksRowsPerSecond: median(ours),
    readParquetRowsPerSecond: median(theirs),
    readParquetWithArrowRowsPerSecond: median(theirsConverted),
    ratioVsReadParquet: median(ours) / median(theirs),
    ratioVsReadParquetWithArrow: median(ours) / median(theirsConverted),
    readParquetWithFileReadRowsPerSecond: median(theirsWithFileRead),
    ratioVsReadParquetWithFileRead: median(ours) / median(theirsWithFileRead),
    wholeRowGroupsRowsPerSecond: median(oursWhole),
    wholeRowGroupsRatioVsReadParquet: median(oursWhole) / median(theirs),
    loadAverage: (await import('node:os')).loadavg()[0],
  };
  console.log(JSON.stringify(result));
}

await main();
