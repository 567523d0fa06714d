/**
 * Memory benchmark: peak RSS of a streaming scan of one large Parquet file against its size, next
 * to a materializing scan (each file collected before emitting, PyIceberg 0.11's behaviour), each
 * in its own process. Usage: `node --expose-gc --import tsx bench/memory.bench.ts --size 1GB
 * [--no-materializing] [--decode-rows N] [--decode worker|in-process]` (default: the
 * library's default, `worker`). The last printed line is one JSON object.
 *
 * Baselines (settled RSS, taken just before the scan starts): `cold` = after importing the library
 * only; `compiled` = after also decoding a tiny file of the bench schema (1000 rows), so V8 has
 * compiled the decoder's wasm code but parquet-wasm's linear memory (which never shrinks) has not
 * grown materially. No mode decodes a large file before its baseline: that would pre-grow wasm
 * memory and hide part of the scan's own peak.
 */
import { stat } from 'node:fs/promises';
import { from, mergeMap, toArray, lastValueFrom, type Observable } from 'rxjs';
import { LocalFileIO } from '../src/io/local-file-io.ts';
import { CountingFileIO, type FileIO } from '../src/io/input-file.ts';
import { scanTasks } from '../src/scan/scan-tasks.ts';
import { readParquetTail } from '../src/read/parquet-footer.ts';
import { projectedCompressedBytes } from '../src/read/row-group-plan.ts';
import { DEFAULT_DECODE_ROWS } from '../src/read/row-group-slices.ts';
import { wasmMemoryBytes } from '../src/read/parquet-wasm.ts';
import { sharedWorkerDecoder } from '../src/read/worker/decode-isolated.ts';
import type { FileBatch } from '../src/task/file-batch.ts';
import type { FileScanTask } from '../src/task/file-scan-task.ts';
import { BENCH_SCHEMA, ensureBenchFile, ensureWarmupFile, parseSize } from './lib/bench-table.ts';
import { RssSampler, batchBytes, settledRss } from './lib/rss-sampler.ts';
import { passThroughProjection } from './lib/pass-through-projection.ts';
import { argValue, runChild } from './lib/child-process.ts';

/** Where parquet-wasm decodes (`--decode`; default the library's, `worker`). */
const DECODE = argValue('decode', 'worker') as 'worker' | 'in-process';
const BATCH_SIZE = 100_000;
/** Rows of the file decoded before the `compiled` baseline: enough to compile, too few to grow wasm memory. */
const TINY_ROWS = 1_000;

type Baseline = 'cold' | 'compiled';
const MB = 2 ** 20;

interface ModeResult {
  mode: string;
  baseline: Baseline;
  /** RSS and wasm memory when the baseline was taken. */
  wasmMemoryAtBaseline: number;
  rows: number;
  batches: number;
  seconds: number;
  baselineRss: number;
  peakRss: number;
  peakAboveBaseline: number;
  wasmMemoryBytes: number;
  /** The decode worker's wasm memory (largest reported; 0 when decoding in process). */
  workerWasmMemoryBytes: number;
  firstBatchMs: number;
  footerMs: number;
  firstBatchAfterFooterMs: number;
  batchBytes: number;
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

async function runMode(mode: 'streaming' | 'materializing', path: string, baseline: Baseline, decodeRows: number | undefined): Promise<ModeResult> {
  const task = await taskFor(path);
  const projection = passThroughProjection(BENCH_SCHEMA);
  if (baseline === 'compiled') {
    // V8 compiles wasm functions lazily on first use: decode a tiny file of the same schema so
    // that one-off code memory is in the baseline, while wasm linear memory stays near its start size.
    const tiny = await taskFor(await ensureWarmupFile(TINY_ROWS));
    await lastValueFrom(scanTasks([tiny], { io: new LocalFileIO(), projection, batchSize: BATCH_SIZE, decode: DECODE }).pipe(toArray()));
  }
  const wasmMemoryAtBaseline = wasmMemoryBytes();
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
    decodeRows,
    decode: DECODE,
    deletes: mode === 'materializing' ? materializeFile : undefined,
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
  const peakRss = sampler.stop();
  return {
    mode,
    baseline,
    wasmMemoryAtBaseline,
    rows,
    batches,
    seconds: (performance.now() - started) / 1000,
    baselineRss,
    peakRss,
    peakAboveBaseline: peakRss - baselineRss,
    wasmMemoryBytes: wasmMemoryBytes(),
    workerWasmMemoryBytes: DECODE === 'worker' ? sharedWorkerDecoder().stats.maxWasmBytes : 0,
    firstBatchMs: firstAt - started,
    footerMs: footerAt - started,
    firstBatchAfterFooterMs: firstAt - footerAt,
    batchBytes: oneBatchBytes,
  };
}

async function limitBytes(path: string): Promise<{ bytes: number; reads: number; rows: number }> {
  const io = new CountingFileIO(new LocalFileIO());
  const out = await lastValueFrom(scanTasks([await taskFor(path)], { io, projection: passThroughProjection(BENCH_SCHEMA), limit: 10 }).pipe(toArray()));
  return { bytes: io.totalBytes, reads: io.totalReads, rows: out.reduce((n, b) => n + b.numRows, 0) };
}

async function main(): Promise<void> {
  const child = argValue('child');
  const file = argValue('file');
  const decodeRowsArg = argValue('decode-rows');
  const decodeRows = decodeRowsArg === undefined ? undefined : Number(decodeRowsArg);
  if (child !== undefined && file !== undefined) {
    const result = await runMode(child as 'streaming' | 'materializing', file, argValue('baseline', 'cold') as Baseline, decodeRows);
    console.log(JSON.stringify(result));
    return;
  }
  const sizeArg = argValue('size', '1GB')!;
  const path = await ensureBenchFile(parseSize(sizeArg), (s) => console.log(s));
  const fileSize = (await stat(path)).size;
  const tail = await readParquetTail(new LocalFileIO().newInputFile(path));
  const columns = BENCH_SCHEMA.fields.map((f) => f.name);
  const rowGroups = tail.metadata.row_groups.length;
  const largestRowGroupCompressed = Math.max(...tail.metadata.row_groups.map((_, k) => projectedCompressedBytes(tail.metadata, k, columns)));
  await ensureWarmupFile(TINY_ROWS);
  const self = new URL(import.meta.url);
  const extra = [...(decodeRowsArg === undefined ? [] : ['--decode-rows', decodeRowsArg]), '--decode', DECODE];
  const cold = await runChild<ModeResult>(self, ['--child', 'streaming', '--file', path, '--baseline', 'cold', ...extra]);
  const streaming = await runChild<ModeResult>(self, ['--child', 'streaming', '--file', path, '--baseline', 'compiled', ...extra]);
  // --no-materializing skips the materializing child (it needs ~1.5x the file size in RAM).
  const materializing = process.argv.includes('--no-materializing')
    ? undefined
    : await runChild<ModeResult>(self, ['--child', 'materializing', '--file', path, '--baseline', 'compiled', ...extra]);
  const limit = await limitBytes(path);
  const fourBatches = 4 * streaming.batchBytes;
  const bound = 2.5 * largestRowGroupCompressed + fourBatches;
  const worst = Math.max(cold.peakAboveBaseline, streaming.peakAboveBaseline);
  const result = {
    size: sizeArg,
    fileSize,
    rowGroups,
    rows: streaming.rows,
    batchSize: BATCH_SIZE,
    decodeRows: decodeRows ?? DEFAULT_DECODE_ROWS,
    decode: DECODE,
    baselines: {
      cold: 'settled RSS after importing the library; nothing decoded',
      compiled: `settled RSS after importing the library and decoding a ${TINY_ROWS}-row file (wasm code compiled; wasm memory ${(streaming.wasmMemoryAtBaseline / MB).toFixed(1)} MiB vs ${(cold.wasmMemoryAtBaseline / MB).toFixed(1)} MiB cold)`,
    },
    streamingPeakAboveBaseline: streaming.peakAboveBaseline,
    streamingRatio: streaming.peakAboveBaseline / fileSize,
    coldStreamingPeakAboveBaseline: cold.peakAboveBaseline,
    coldStreamingRatio: cold.peakAboveBaseline / fileSize,
    coldStreamingWasmMemory: cold.wasmMemoryBytes,
    coldFirstBatchMs: cold.firstBatchMs,
    coldFirstBatchAfterFooterMs: cold.firstBatchAfterFooterMs,
    materializingPeakAboveBaseline: materializing?.peakAboveBaseline ?? null,
    materializingRatio: materializing ? materializing.peakAboveBaseline / fileSize : null,
    largestRowGroupCompressed,
    fourBatchesBytes: fourBatches,
    peakBound: bound,
    peakWithinBound: streaming.peakAboveBaseline <= bound,
    coldPeakWithinBound: cold.peakAboveBaseline <= bound,
    worstPeakAboveBaseline: worst,
    worstRatio: worst / fileSize,
    streamingWasmMemory: streaming.wasmMemoryBytes,
    streamingWorkerWasmMemory: streaming.workerWasmMemoryBytes,
    firstBatchMs: streaming.firstBatchMs,
    footerMs: streaming.footerMs,
    firstBatchAfterFooterMs: streaming.firstBatchAfterFooterMs,
    materializingFirstBatchMs: materializing?.firstBatchMs ?? null,
    streamingSeconds: streaming.seconds,
    materializingSeconds: materializing?.seconds ?? null,
    limit10BytesRead: limit.bytes,
    limit10ReadCalls: limit.reads,
    limit10Rows: limit.rows,
    loadAverage: (await import('node:os')).loadavg()[0],
  };
  console.log(
    `file ${(fileSize / MB).toFixed(0)} MiB, ${rowGroups} row groups; streaming peak above compiled baseline +${(streaming.peakAboveBaseline / MB).toFixed(1)} MiB ` +
      `(ratio ${result.streamingRatio.toFixed(4)}), ` +
      (materializing ? `materializing +${(materializing.peakAboveBaseline / MB).toFixed(1)} MiB (ratio ${result.materializingRatio!.toFixed(3)}); ` : 'materializing skipped; ') +
      `bound 2.5×${(largestRowGroupCompressed / MB).toFixed(1)} + ${(fourBatches / MB).toFixed(1)} = ${(bound / MB).toFixed(1)} MiB; ` +
      `first batch ${streaming.firstBatchMs.toFixed(0)} ms (${streaming.firstBatchAfterFooterMs.toFixed(0)} ms after footer); limit 10 read ${limit.bytes} bytes; ` +
      `cold baseline (library imported, nothing decoded): peak +${(cold.peakAboveBaseline / MB).toFixed(1)} MiB (ratio ${result.coldStreamingRatio.toFixed(4)}), ` +
      `first batch ${cold.firstBatchMs.toFixed(0)} ms (${cold.firstBatchAfterFooterMs.toFixed(0)} ms after footer)`,
  );
  console.log(JSON.stringify(result));
}

await main();
