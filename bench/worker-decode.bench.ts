/**
 * Worker-decode benchmark: decoding a Parquet file row group by row group in a decode worker
 * (IPC back to the main thread) against the in-process parquet-wasm path (arrow-js-ffi copy), on
 * the same bytes in the same process, methods alternating, median of `--runs` passes.
 * Usage: `node --expose-gc --import tsx bench/worker-decode.bench.ts [--file bench/.data/bench-7rg.parquet] [--runs 3]`.
 * The last printed line is one JSON object.
 */
import { stat } from 'node:fs/promises';
import type { RecordBatch } from 'apache-arrow';
import { LocalInputFile } from '../src/io/local-file-io.ts';
import { MemoryBlob, type ByteRegion } from '../src/read/memory-blob.ts';
import { readParquetTail, type ParquetTail } from '../src/read/parquet-footer.ts';
import { openWasmParquetFile, streamRowGroup, toArrowBatch, wasmMemoryBytes } from '../src/read/parquet-wasm.ts';
import { createWorkerDecoder, type WorkerDecoder } from '../src/read/worker/worker-decoder.ts';
import { DEFAULT_BATCH_SIZE } from '../src/scan/scan-options.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const path = arg('file', 'bench/.data/bench-7rg.parquet');
const runs = Number(arg('runs', '3'));
const batchSize = Number(arg('batch', String(DEFAULT_BATCH_SIZE)));

/** All column chunks of row group `k` as one region (they are contiguous). */
async function fetchRowGroup(input: LocalInputFile, tail: ParquetTail, k: number): Promise<ByteRegion[]> {
  const cols = tail.metadata.row_groups[k]!.columns.map((c) => c.meta_data!);
  const start = Math.min(...cols.map((m) => Number(m.dictionary_page_offset ?? m.data_page_offset)));
  const end = Math.max(...cols.map((m) => Number(m.dictionary_page_offset ?? m.data_page_offset) + Number(m.total_compressed_size)));
  return [{ start, bytes: await input.read(start, end) }];
}

const columnsOf = (tail: ParquetTail): string[] => tail.metadata.row_groups[0]!.columns.map((c) => c.meta_data!.path_in_schema.join('.'));

/** Sum of a batch's row count (what a consumer at least touches). */
const consume = (b: RecordBatch): number => b.numRows;

async function inProcess(input: LocalInputFile, tail: ParquetTail): Promise<number> {
  const blob = new MemoryBlob(tail.fileSize, [{ start: tail.start, bytes: tail.bytes }]);
  const file = await openWasmParquetFile(blob);
  let rows = 0;
  try {
    for (let k = 0; k < tail.metadata.row_groups.length; k++) {
      blob.setChunks(await fetchRowGroup(input, tail, k));
      const reader = await streamRowGroup(file, k, columnsOf(tail), batchSize);
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        blob.setChunks([]);
        rows += consume(toArrowBatch(r.value));
      }
    }
  } finally {
    file.free();
  }
  return rows;
}

/**
 * Worker decode; `ahead` row groups are fetched and decoded concurrently (1 = sequential; 2 on a
 * one-worker pool = the worker decodes the next row group while the main thread takes this one's batches).
 */
async function inWorker(pool: WorkerDecoder, input: LocalInputFile, tail: ParquetTail, ahead: number): Promise<number> {
  const n = tail.metadata.row_groups.length;
  const one = async (k: number): Promise<number> => {
    let rows = 0;
    const request = { path, fileSize: tail.fileSize, tail, regions: await fetchRowGroup(input, tail, k), rowGroup: k, columns: columnsOf(tail), batchSize };
    for await (const b of pool.decodeRowGroupBatches(request)) rows += consume(b);
    return rows;
  };
  let rows = 0;
  for (let k = 0; k < n; k += ahead) {
    const group = Array.from({ length: Math.min(ahead, n - k) }, (_, i) => one(k + i));
    for (const r of await Promise.all(group)) rows += r;
  }
  return rows;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const size = (await stat(path)).size;
  const input = new LocalInputFile(path);
  const tail = await readParquetTail(input);
  const pool1 = createWorkerDecoder({ size: 1 });
  const pool2 = createWorkerDecoder({ size: 2 });
  const methods: Record<string, () => Promise<number>> = {
    inProcess: () => inProcess(input, tail),
    worker1: () => inWorker(pool1, input, tail, 1),
    worker1x2: () => inWorker(pool1, input, tail, 2),
    worker2x2: () => inWorker(pool2, input, tail, 2),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(methods).map((m) => [m, []]));
  let rows = 0;
  let peakRss = 0;
  for (let run = 0; run <= runs; run++) {
    for (const [name, method] of Object.entries(methods)) {
      (globalThis as { gc?: () => void }).gc?.();
      const t = performance.now();
      rows = await method();
      const s = (performance.now() - t) / 1000;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (run > 0) times[name]!.push(s); // run 0 warms up (worker start, tsx compile)
      console.log(`${name} run ${run}: ${rows} rows ${s.toFixed(3)} s ${(size / 1e6 / s).toFixed(1)} MB/s`);
    }
  }
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const result = {
    file: path,
    fileMB: +(size / 1e6).toFixed(1),
    rowGroups: tail.metadata.row_groups.length,
    rows,
    batchSize,
    seconds: med,
    mbPerSecond: Object.fromEntries(Object.entries(med).map(([k, v]) => [k, +(size / 1e6 / v).toFixed(1)])),
    workerVsInProcess: +(med.inProcess! / med.worker1!).toFixed(3),
    worker1x2VsInProcess: +(med.inProcess! / med.worker1x2!).toFixed(3),
    worker2x2VsInProcess: +(med.inProcess! / med.worker2x2!).toFixed(3),
    mainWasmMB: +(wasmMemoryBytes() / 1e6).toFixed(1),
    peakRssMB: +(peakRss / 1e6).toFixed(1),
    workerStats: pool1.stats,
  };
  await pool1.terminate();
  await pool2.terminate();
  console.log(JSON.stringify(result));
}

await main();
