/**
 * Memory benchmark: peak RSS of a streaming scan of one large Parquet file against its size, next
 * to a materializing scan (each file collected before emitting, PyIceberg 0.11's behaviour), each
 * in its own process under `/usr/bin/time -v` (whole-process max RSS, decode workers included).
 *
 * Usage: npm run bench:memory -- [--size 1GB] [--no-materializing] [--decode-workers N]
 *          [--read-ahead-bytes N] [--batch-size N]
 * (defaults: the library's, i.e. one decode worker per core, 64 MiB read-ahead; batches of 100,000
 * rows). The file is bench/lib/bench-table.ts's (parquet-wasm-written, snappy, row groups of 1M
 * rows, ~41 MB each; 4GB gives 103 row groups, the most its wasm32 writer can write).
 *
 * Baselines (settled RSS, taken in the child just before the scan starts): `cold` = after
 * importing the library only (no decoder instantiated, no worker started); `compiled` = after also
 * scanning a tiny file of the bench schema (1000 rows), so the decoder module is compiled and the
 * decode workers are running, but no decoder memory has grown materially. No mode decodes a large
 * file before its baseline: that would pre-grow wasm memory and hide part of the scan's own peak.
 * The peak is the larger of the in-process sampler's (5 ms + per batch) and time -v's max RSS.
 *
 * Bars (`bars` in the JSON, on the cold baseline, the stricter one): peak above baseline ÷ file
 * size < 0.1 for files below 2 GiB, ≤ 0.03 from 2 GiB up. The last line is one JSON object.
 */
import { stat } from 'node:fs/promises';
import { from, mergeMap, toArray, lastValueFrom, type Observable } from 'rxjs';
import { LocalFileIO } from '../src/io/local-file-io.ts';
import { CountingFileIO, type FileIO } from '../src/io/input-file.ts';
import { scanTasks } from '../src/scan/scan-tasks.ts';
import type { ScanTasksOptions } from '../src/scan/scan-options.ts';
import { readParquetTail } from '../src/read/parquet-footer.ts';
import { projectedCompressedBytes } from '../src/read/row-group-plan.ts';
import { DEFAULT_READ_AHEAD_BYTES } from '../src/read/read-ahead.ts';
import { sharedDecodePool } from '../src/read/decoder/decode-pool.ts';
import { localDecoderHost } from '../src/read/decoder/local-decoder.ts';
import { defaultDecodeWorkers } from '../src/read/decoder/start-worker.ts';
import type { FileBatch } from '../src/task/file-batch.ts';
import type { FileScanTask } from '../src/task/file-scan-task.ts';
import { BENCH_SCHEMA, ensureBenchFile, ensureWarmupFile, parseSize } from './lib/bench-table.ts';
import { RssSampler, batchBytes, settledRss } from './lib/rss-sampler.ts';
import { passThroughProjection } from './lib/pass-through-projection.ts';
import { argValue } from './lib/child-process.ts';
import { gitState, machineState, round } from './lib/contenders.ts';
import { runUnderTimeV } from './lib/time-v.ts';

const BATCH_SIZE = Number(argValue('batch-size', '100000'));
/** Rows of the file decoded before the `compiled` baseline: enough to compile, too few to grow wasm memory. */
const TINY_ROWS = 1_000;
const MB = 2 ** 20;
/** Ratio bars: below 2 GiB files, peak above baseline < 0.1 × file size; from 2 GiB, ≤ 0.03 ×. */
const SMALL_FILE_RATIO_BAR = 0.1;
const LARGE_FILE_RATIO_BAR = 0.03;
const LARGE_FILE_BYTES = 2 * 2 ** 30;

type Baseline = 'cold' | 'compiled';
type Mode = 'streaming' | 'materializing';

interface ModeResult {
  mode: Mode;
  baseline: Baseline;
  rows: number;
  batches: number;
  seconds: number;
  baselineRss: number;
  /** In-process sampler peak. */
  sampledPeakRss: number;
  /** Decoder memory on the calling thread (decodeWorkers 0) at the baseline and at the end. */
  localWasmAtBaseline: number;
  localWasmBytes: number;
  /** Largest decoder memory a worker reported (0 when decoding on the calling thread). */
  workerWasmBytes: number;
  workersSpawned: number;
  firstBatchMs: number;
  footerMs: number;
  firstBatchAfterFooterMs: number;
  batchBytes: number;
}

/** A child's figures with what `/usr/bin/time -v` measured of its process. */
interface MeasuredMode extends ModeResult {
  timeVMaxRss: number;
  peakRss: number;
  peakAboveBaseline: number;
  ratio: number;
}

async function taskFor(path: string): Promise<FileScanTask> {
  const size = (await stat(path)).size;
  return { dataFile: { content: 'data', path, format: 'parquet', recordCount: 0, fileSizeInBytes: size, specId: 0, partition: {} }, deletes: [] };
}

/** A FileIO that records when the first read (the footer tail) resolves. */
function timedIO(inner: FileIO, onFirstRead: () => void): FileIO {
  let first = true;
  return {
    newInputFile(location) {
      const f = inner.newInputFile(location);
      return {
        location: f.location,
        length: (s) => f.length(s),
        read: async (a, b, s) => {
          const bytes = await f.read(a, b, s);
          if (first) {
            first = false;
            onFirstRead();
          }
          return bytes;
        },
      };
    },
  };
}

/** Collects each file's batches before emitting any (PyIceberg 0.11's `list()` per file). */
const materializeFile = () => (source: Observable<FileBatch>) => source.pipe(toArray(), mergeMap((all) => from(all)));

/** The scan options the flags ask for (only the given ones; the library's defaults otherwise). */
function tunables(): Pick<ScanTasksOptions, 'decodeWorkers' | 'readAheadBytes'> {
  const workers = argValue('decode-workers');
  const readAhead = argValue('read-ahead-bytes');
  return {
    ...(workers !== undefined ? { decodeWorkers: Number(workers) } : {}),
    ...(readAhead !== undefined ? { readAheadBytes: Number(readAhead) } : {}),
  };
}

function decodeWorkers(): number {
  const workers = argValue('decode-workers');
  return workers !== undefined ? Number(workers) : defaultDecodeWorkers();
}

async function localWasmBytes(): Promise<number> {
  return decodeWorkers() === 0 ? (await localDecoderHost()).memoryBytes : 0;
}

async function runMode(mode: Mode, path: string, baseline: Baseline): Promise<ModeResult> {
  const task = await taskFor(path);
  const projection = passThroughProjection(BENCH_SCHEMA);
  if (baseline === 'compiled') {
    // The decoder module compiles on first use and workers start then: scan a tiny file of the
    // same schema so that one-off cost is in the baseline, while decoder memory stays near its start.
    const tiny = await taskFor(await ensureWarmupFile(TINY_ROWS));
    await lastValueFrom(scanTasks([tiny], { io: new LocalFileIO(), projection, batchSize: BATCH_SIZE, ...tunables() }).pipe(toArray()));
  }
  const localWasmAtBaseline = baseline === 'compiled' ? await localWasmBytes() : 0;
  const baselineRss = await settledRss();
  const sampler = new RssSampler().start(5);
  const started = performance.now();
  let footerAt = 0;
  let firstAt = 0;
  let rows = 0;
  let batches = 0;
  let oneBatchBytes = 0;
  const io = timedIO(new LocalFileIO(), () => (footerAt = performance.now()));
  const scan$ = scanTasks([task], {
    io,
    projection,
    batchSize: BATCH_SIZE,
    ...tunables(),
    ...(mode === 'materializing' ? { deletes: materializeFile } : {}),
  });
  await new Promise<void>((resolve, reject) =>
    scan$.subscribe({
      next: (batch) => {
        if (firstAt === 0) firstAt = performance.now();
        if (batch.numRows === BATCH_SIZE && oneBatchBytes === 0) oneBatchBytes = batchBytes(batch);
        rows += batch.numRows;
        batches += 1;
        sampler.sample();
      },
      error: reject,
      complete: resolve,
    }),
  );
  const sampledPeakRss = sampler.stop();
  const workers = decodeWorkers();
  const pool = workers > 0 ? sharedDecodePool(workers) : undefined;
  return {
    mode,
    baseline,
    rows,
    batches,
    seconds: (performance.now() - started) / 1000,
    baselineRss,
    sampledPeakRss,
    localWasmAtBaseline,
    localWasmBytes: await localWasmBytes(),
    workerWasmBytes: pool?.stats.maxWasmBytes ?? 0,
    workersSpawned: pool?.stats.spawned ?? 0,
    firstBatchMs: firstAt - started,
    footerMs: footerAt - started,
    firstBatchAfterFooterMs: firstAt - footerAt,
    batchBytes: oneBatchBytes,
  };
}

/** Runs one mode in its own process under time -v; the peak is the larger of both measures. */
async function measure(mode: Mode, path: string, baseline: Baseline, fileSize: number): Promise<MeasuredMode> {
  const passOn = ['decode-workers', 'read-ahead-bytes', 'batch-size'].flatMap((f) => (argValue(f) !== undefined ? [`--${f}`, argValue(f)!] : []));
  const script = new URL(import.meta.url).pathname;
  const run = await runUnderTimeV<ModeResult>(process.execPath, [
    '--expose-gc', '--import', 'tsx', script, '--child', mode, '--file', path, '--baseline', baseline, ...passOn,
  ]);
  const r = run.result;
  const peakRss = Math.max(r.sampledPeakRss, run.maxRssBytes);
  return { ...r, timeVMaxRss: run.maxRssBytes, peakRss, peakAboveBaseline: peakRss - r.baselineRss, ratio: round((peakRss - r.baselineRss) / fileSize, 4) };
}

async function limitBytes(path: string): Promise<{ bytes: number; reads: number; rows: number }> {
  const io = new CountingFileIO(new LocalFileIO());
  const out = await lastValueFrom(scanTasks([await taskFor(path)], { io, projection: passThroughProjection(BENCH_SCHEMA), limit: 10, ...tunables() }).pipe(toArray()));
  return { bytes: io.totalBytes, reads: io.totalReads, rows: out.reduce((n, b) => n + b.numRows, 0) };
}

async function main(): Promise<void> {
  const child = argValue('child') as Mode | undefined;
  const file = argValue('file');
  if (child !== undefined && file !== undefined) {
    const result = await runMode(child, file, argValue('baseline', 'cold') as Baseline);
    console.log(JSON.stringify(result));
    process.exit(0); // idle decode workers do not keep the process alive, but do not wait for them either
  }
  const sizeArg = argValue('size', '1GB')!;
  const machineBefore = machineState();
  const path = await ensureBenchFile(parseSize(sizeArg), (s) => console.log(s));
  const fileSize = (await stat(path)).size;
  const tail = await readParquetTail(new LocalFileIO().newInputFile(path));
  const columns = BENCH_SCHEMA.fields.map((f) => f.name);
  const rowGroups = tail.metadata.row_groups.length;
  const largestRowGroupCompressed = Math.max(...tail.metadata.row_groups.map((_, k) => projectedCompressedBytes(tail.metadata, k, columns)));
  await ensureWarmupFile(TINY_ROWS);
  const cold = await measure('streaming', path, 'cold', fileSize);
  console.log(`streaming, cold baseline: +${(cold.peakAboveBaseline / MB).toFixed(1)} MiB (ratio ${cold.ratio}), ${cold.seconds.toFixed(1)} s`);
  const compiled = await measure('streaming', path, 'compiled', fileSize);
  console.log(`streaming, compiled baseline: +${(compiled.peakAboveBaseline / MB).toFixed(1)} MiB (ratio ${compiled.ratio}), ${compiled.seconds.toFixed(1)} s`);
  // --no-materializing skips the materializing child (it needs ~1.5x the file size in RAM).
  const materializing = process.argv.includes('--no-materializing') ? undefined : await measure('materializing', path, 'compiled', fileSize);
  if (materializing) console.log(`materializing: +${(materializing.peakAboveBaseline / MB).toFixed(1)} MiB (ratio ${materializing.ratio})`);
  for (const m of [cold, compiled, ...(materializing ? [materializing] : [])]) {
    if (m.rows !== Number(tail.metadata.num_rows)) throw new Error(`${m.mode}/${m.baseline} read ${m.rows} of ${tail.metadata.num_rows} rows`);
  }
  const limit = await limitBytes(path);
  const readAhead = Number(argValue('read-ahead-bytes', String(DEFAULT_READ_AHEAD_BYTES)));
  const fourBatches = 4 * compiled.batchBytes;
  const ratioBar = fileSize < LARGE_FILE_BYTES ? SMALL_FILE_RATIO_BAR : LARGE_FILE_RATIO_BAR;
  const ratioPass = fileSize < LARGE_FILE_BYTES ? cold.ratio < ratioBar : cold.ratio <= ratioBar;
  const result = {
    bench: 'memory',
    git: gitState(),
    machine: { ...machineBefore, loadAverageAtEnd: machineState().loadAverage },
    options: { size: sizeArg, batchSize: BATCH_SIZE, decodeWorkers: decodeWorkers(), readAheadBytes: readAhead },
    file: { path, bytes: fileSize, rowGroups, rows: cold.rows, largestRowGroupCompressed },
    baselines: {
      cold: 'settled RSS after importing the library; nothing decoded, no worker started',
      compiled: `settled RSS after also scanning a ${TINY_ROWS}-row file (decoder compiled, ${cold.workersSpawned} workers running)`,
    },
    streamingCold: summary(cold),
    streamingCompiled: summary(compiled),
    materializing: materializing ? summary(materializing) : null,
    /** What the scan may hold by design: the read-ahead of compressed row groups, one row group more, and a few batches. */
    designBound: { bytes: readAhead + largestRowGroupCompressed + fourBatches, readAhead, largestRowGroupCompressed, fourBatchesBytes: fourBatches },
    limit10: limit,
    bars: {
      peakAboveBaselineRatio: { bar: `${fileSize < LARGE_FILE_BYTES ? '<' : '<='} ${ratioBar}`, measured: cold.ratio, baseline: 'cold', pass: ratioPass },
    },
  };
  console.log(
    `file ${(fileSize / MB).toFixed(0)} MiB, ${rowGroups} row groups; peak above cold baseline +${(cold.peakAboveBaseline / MB).toFixed(1)} MiB ` +
      `(ratio ${cold.ratio}, bar ${ratioBar}: ${ratioPass ? 'pass' : 'FAIL'}); compiled +${(compiled.peakAboveBaseline / MB).toFixed(1)} MiB (${compiled.ratio}); ` +
      `first batch ${cold.firstBatchMs.toFixed(0)} ms; limit 10 read ${limit.bytes} bytes`,
  );
  console.log(JSON.stringify(result));
}

function summary(m: MeasuredMode) {
  return {
    peakAboveBaseline: m.peakAboveBaseline,
    peakAboveBaselineMiB: round(m.peakAboveBaseline / MB, 1),
    ratio: m.ratio,
    baselineRssMiB: round(m.baselineRss / MB, 1),
    timeVMaxRssMiB: round(m.timeVMaxRss / MB, 1),
    sampledPeakRssMiB: round(m.sampledPeakRss / MB, 1),
    localWasmMiB: round(m.localWasmBytes / MB, 1),
    workerWasmMiB: round(m.workerWasmBytes / MB, 1),
    workersSpawned: m.workersSpawned,
    seconds: round(m.seconds, 2),
    rowsPerSecond: Math.round(m.rows / m.seconds),
    firstBatchMs: Math.round(m.firstBatchMs),
    firstBatchAfterFooterMs: Math.round(m.firstBatchAfterFooterMs),
    batchBytes: m.batchBytes,
  };
}

await main();
