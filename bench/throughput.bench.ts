/**
 * Throughput benchmark: full-scan rows/s of `scanTasks` against parquet-wasm's own `readParquet`
 * on the same file in the same run (each pass in its own process, methods alternating, medians).
 * parquet-wasm was the previous decoder (src/ now has its own, decoder/); it stays here as the
 * baseline. `parquetWasmStream` is its streaming API alone (one `stream()` per row group, batches
 * freed, nothing converted). `scanTasksCallingThread` is the scan with `decodeWorkers: 0`.
 * Usage: `node --expose-gc --import tsx bench/throughput.bench.ts [--size 256MB] [--runs 3] [--passes 3]
 * [--decode-workers N]` (the `scanTasks` method: default the library's, one worker per core)
 * (`runs` rounds of one child process per method; each child times the median of `passes` passes).
 * The last printed line is one JSON object.
 */
import { readFile, stat } from 'node:fs/promises';
import { LocalFileIO } from '../src/io/local-file-io.ts';
import { scanTasks } from '../src/scan/scan-tasks.ts';
import { DEFAULT_BATCH_SIZE } from '../src/scan/scan-options.ts';
import type { FileScanTask } from '../src/task/file-scan-task.ts';
import { BENCH_SCHEMA, ensureBenchFile, parseSize } from './lib/bench-table.ts';
import { passThroughProjection } from './lib/pass-through-projection.ts';
import { parquetWasmStreamRows, readParquetRows } from './lib/parquet-wasm-baselines.ts';
import { argValue, runChild } from './lib/child-process.ts';
import { loadavg } from 'node:os';

const projection = passThroughProjection(BENCH_SCHEMA);
/** `decodeWorkers` of the `scanTasks` method (`--decode-workers`; default the library's). */
const DECODE_WORKERS = argValue('decode-workers') === undefined ? undefined : Number(argValue('decode-workers'));

async function taskFor(path: string): Promise<FileScanTask> {
  const size = (await stat(path)).size;
  return { dataFile: { content: 'data', path, format: 'parquet', recordCount: 0, fileSizeInBytes: size, specId: 0, partition: {} }, deletes: [] };
}

/** Full scan through iceberg-rx (I/O included); returns [rows, seconds]. */
async function scanOnce(task: FileScanTask, decodeWorkers: number | undefined): Promise<[number, number]> {
  const t = performance.now();
  let rows = 0;
  await new Promise<void>((resolve, reject) =>
    scanTasks([task], { io: new LocalFileIO(), projection, batchSize: DEFAULT_BATCH_SIZE, ...(decodeWorkers !== undefined ? { decodeWorkers } : {}) }).subscribe({
      next: (b) => (rows += b.numRows),
      error: reject,
      complete: resolve,
    }),
  );
  return [rows, (performance.now() - t) / 1000];
}

/** parquet-wasm `readParquet` on bytes already in memory (optionally converting), timed from `started`. */
function readParquetOnce(bytes: Uint8Array, convert: boolean, started = performance.now()): [number, number] {
  const rows = readParquetRows(bytes, convert);
  return [rows, (performance.now() - started) / 1000];
}

/** parquet-wasm's streaming reader on bytes in memory, timed. */
async function parquetWasmStreamOnce(bytes: Uint8Array): Promise<[number, number]> {
  const t = performance.now();
  const rows = await parquetWasmStreamRows(bytes);
  return [rows, (performance.now() - t) / 1000];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Method = 'scanTasks' | 'scanTasksCallingThread' | 'readParquet' | 'readParquetWithArrow' | 'readFileAndReadParquet' | 'parquetWasmStream';
const METHODS: readonly Method[] = ['scanTasks', 'readParquet', 'scanTasksCallingThread', 'readParquetWithArrow', 'readFileAndReadParquet', 'parquetWasmStream'];

/**
 * The median of `passes` timed passes of `method` after one untimed warm-up pass (V8 tiers wasm up
 * once it is hot).
 */
async function childPass(method: Method, path: string, passes: number): Promise<{ rows: number; seconds: number }> {
  const task = await taskFor(path);
  const bytes = method.startsWith('readParquet') || method === 'parquetWasmStream' ? new Uint8Array(await readFile(path)) : undefined;
  const once = async (): Promise<[number, number]> => {
    switch (method) {
      case 'scanTasks': return scanOnce(task, DECODE_WORKERS);
      case 'scanTasksCallingThread': return scanOnce(task, 0);
      case 'readParquet': return readParquetOnce(bytes!, false);
      case 'readParquetWithArrow': return readParquetOnce(bytes!, true);
      case 'parquetWasmStream': return parquetWasmStreamOnce(bytes!);
      case 'readFileAndReadParquet': {
        const t = performance.now();
        return readParquetOnce(new Uint8Array(await readFile(path)), false, t);
      }
    }
  };
  await once();
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < passes; i++) {
    const [r, seconds] = await once();
    rows = r;
    times.push(seconds);
  }
  return { rows, seconds: median(times) };
}

async function main(): Promise<void> {
  const child = argValue('child') as Method | undefined;
  if (child !== undefined) {
    console.log(JSON.stringify(await childPass(child, argValue('file')!, Number(argValue('passes', '3')))));
    return;
  }
  const sizeArg = argValue('size', '256MB')!;
  const runs = Number(argValue('runs', '3'));
  const passes = argValue('passes', '3')!;
  const path = await ensureBenchFile(parseSize(sizeArg), (s) => console.log(s));
  const fileSize = (await stat(path)).size;
  // Each pass runs in its own process (warm-up pass, then a timed one) so heaps and wasm memory of
  // one method do not slow another; rounds alternate the methods so load changes hit all alike.
  const rate: Record<Method, number[]> = { scanTasks: [], scanTasksCallingThread: [], readParquet: [], readParquetWithArrow: [], readFileAndReadParquet: [], parquetWasmStream: [] };
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const line: string[] = [];
    for (const m of METHODS) {
      const r = await runChild<{ rows: number; seconds: number }>(new URL(import.meta.url), ['--child', m, '--file', path, '--passes', passes, ...(DECODE_WORKERS !== undefined ? ['--decode-workers', String(DECODE_WORKERS)] : [])]);
      if (rows !== 0 && r.rows !== rows) throw new Error(`row counts differ: ${r.rows} vs ${rows}`);
      rows = r.rows;
      rate[m].push(r.rows / r.seconds);
      line.push(`${m} ${(r.rows / r.seconds / 1e6).toFixed(2)}`);
    }
    console.log(`round ${i + 1} (M rows/s): ${line.join(', ')}`);
  }
  const m = (k: Method): number => median(rate[k]);
  const result = {
    size: sizeArg,
    fileSize,
    rows,
    runs,
    batchSize: DEFAULT_BATCH_SIZE,
    decodeWorkers: DECODE_WORKERS ?? 'default',
    scanTasksRowsPerSecond: m('scanTasks'),
    readParquetRowsPerSecond: m('readParquet'),
    ratioVsReadParquet: m('scanTasks') / m('readParquet'),
    readParquetWithArrowRowsPerSecond: m('readParquetWithArrow'),
    ratioVsReadParquetWithArrow: m('scanTasks') / m('readParquetWithArrow'),
    readFileAndReadParquetRowsPerSecond: m('readFileAndReadParquet'),
    ratioVsReadFileAndReadParquet: m('scanTasks') / m('readFileAndReadParquet'),
    parquetWasmStreamRowsPerSecond: m('parquetWasmStream'),
    ratioVsParquetWasmStream: m('scanTasks') / m('parquetWasmStream'),
    parquetWasmStreamRatioVsReadParquet: m('parquetWasmStream') / m('readParquet'),
    callingThreadRowsPerSecond: m('scanTasksCallingThread'),
    callingThreadRatioVsReadParquet: m('scanTasksCallingThread') / m('readParquet'),
    loadAverage: loadavg()[0],
  };
  console.log(JSON.stringify(result));
}

await main();
