/**
 * Decoder scaling: how much of the bare decoder's speed the scan keeps, and how it scales with
 * decode workers. Every method decodes the same data files of the compare table (PyIceberg-written,
 * zstd, 2 row groups of 1M rows per file; bench/lib/contenders.ts), preloaded into memory so that
 * I/O does not count:
 *
 * - `bare`: `WasmDecoder` on the calling thread over the in-memory bytes, no pipeline: per file
 *   the footer, then per row group every leaf column in batches of DEFAULT_BATCH_SIZE rows, each
 *   batch copied into apache-arrow (as the scan's decoders do) and dropped;
 * - `scan0`, `scan1`, `scan2`: `scanTasks` over the same files' planned tasks with the table's own
 *   projection (what `table.scan()` runs after planning) and `decodeWorkers` 0 (calling thread),
 *   1 and 2, reading through an in-memory FileIO (bench/lib/memory-file-io.ts).
 *
 * Each method runs in its own child process (fresh heap, fresh decoder memory, its own pool):
 * files preloaded, one untimed warm-up pass (wasm tier-up, worker start), then `--passes` timed
 * passes, median. Rounds rotate the method order, so load from other users of the machine hits
 * every method alike; ratios are taken per round (same round), and their median is the figure.
 *
 * Usage: npm run bench:decoder -- [--files 6] [--rounds 3] [--passes 2] [--size 1GB]
 * The last line is one JSON object with `bars`: scan1 ≥ 0.9 × bare rows/s, scan2 ≥ 1.7 × scan1.
 */
import type { RecordBatch } from 'apache-arrow';
import { lastValueFrom, reduce, toArray } from 'rxjs';
import { loadTable } from '../src/index.ts';
import { coalesceRanges } from '../src/io/coalesce.ts';
import { createProjectionPlanner } from '../src/projection/create-projection-planner.ts';
import { closeSharedDecodePool, sharedDecodePool } from '../src/read/decoder/decode-pool.ts';
import { decoderModule } from '../src/read/decoder/decoder-module.ts';
import { WasmDecoder, type ByteRegion } from '../src/read/decoder/wasm-decoder.ts';
import { readParquetTail } from '../src/read/parquet-footer.ts';
import { chunkRange } from '../src/read/row-group-plan.ts';
import { DEFAULT_BATCH_SIZE } from '../src/scan/scan-options.ts';
import { scanTasks } from '../src/scan/scan-tasks.ts';
import type { FileScanTask } from '../src/task/file-scan-task.ts';
import { parseSize } from './lib/bench-table.ts';
import { argValue, runChild } from './lib/child-process.ts';
import { bestAndMedian, ensureLayoutTable, gitState, layoutFilesFor, machineState, median, round } from './lib/contenders.ts';
import { MemoryFileIO } from './lib/memory-file-io.ts';

const SCAN1_VS_BARE_BAR = 0.9;
const SCAN2_VS_SCAN1_BAR = 1.7;

type Method = 'bare' | 'scan0' | 'scan1' | 'scan2';
const METHODS: readonly Method[] = ['bare', 'scan1', 'scan2', 'scan0'];

/** What a child prints. */
interface ChildResult {
  method: Method;
  rows: number;
  passes: number[];
  seconds: number;
  rowsPerSecond: number;
  /** CPU seconds of the whole process (every thread) per timed pass, median. */
  cpuSeconds: number;
  preloadedBytes: number;
  workersSpawned: number;
  maxRssBytes: number;
}

/** Every leaf of every row group of `bytes` through one decoder instance; returns the rows. */
async function bareDecode(decoder: WasmDecoder, files: readonly { path: string; bytes: Uint8Array }[]): Promise<number> {
  let rows = 0;
  for (const { path, bytes } of files) {
    const input = { location: path, length: async () => bytes.byteLength, read: async (s: number, e: number) => bytes.subarray(s, e) };
    const tail = await readParquetTail(input);
    const file = decoder.openFile(tail.bytes, tail.start, tail.fileSize);
    try {
      tail.metadata.row_groups.forEach((rg, k) => {
        const ranges = rg.columns.map((c) => chunkRange(c.meta_data)!);
        const regions: ByteRegion[] = coalesceRanges(ranges).map((r) => ({ start: r.start, bytes: bytes.subarray(r.start, r.end) }));
        const leaves = Uint32Array.from(rg.columns, (_, i) => i);
        const rowGroup = decoder.openRowGroup(file, { rowGroup: k, leaves, regions, batchSize: DEFAULT_BATCH_SIZE });
        try {
          for (let b: RecordBatch | undefined = rowGroup.next(); b !== undefined; b = rowGroup.next()) rows += b.numRows;
        } finally {
          rowGroup.close();
        }
      });
    } finally {
      file.close();
    }
  }
  return rows;
}

async function child(method: Method, metadataPath: string, fileCount: number, passes: number): Promise<ChildResult> {
  const io = new MemoryFileIO();
  const table = await loadTable(metadataPath, { io });
  const scan = table.scan();
  const tasks: FileScanTask[] = (await lastValueFrom(scan.planFiles().pipe(toArray()))).slice(0, fileCount);
  const preloadedBytes = io.preload(tasks.map((t) => t.dataFile.path));
  const files = tasks.map((t) => ({ path: t.dataFile.path, bytes: io.bytesOf(t.dataFile.path)! }));
  // The projection table.scan() builds (TableScan.projection): every column, the table's names.
  const nameMapping = table.nameMapping();
  const projection = createProjectionPlanner({
    schema: scan.schema,
    ...(nameMapping !== undefined ? { nameMapping } : {}),
    specs: [...table.metadata.specs],
    allSchemas: [...table.metadata.schemas],
    formatVersion: table.metadata.formatVersion,
    extraFieldIds: [],
  });
  const decoder = method === 'bare' ? new WasmDecoder(await decoderModule()) : undefined;
  const workers = method === 'bare' ? 0 : Number(method.slice(4));
  const once = async (): Promise<number> => {
    if (decoder !== undefined) return bareDecode(decoder, files);
    return lastValueFrom(scanTasks(tasks, { io: table.io, projection, decodeWorkers: workers }).pipe(reduce((n, b) => n + b.numRows, 0)));
  };
  await once(); // warm-up: wasm tiers up, workers start
  const times: number[] = [];
  const cpu: number[] = [];
  let rows = 0;
  for (let i = 0; i < passes; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const c = process.cpuUsage();
    const t = performance.now();
    rows = await once();
    times.push((performance.now() - t) / 1000);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1e6);
  }
  const spawned = workers > 0 ? sharedDecodePool(workers).stats.spawned : 0;
  await closeSharedDecodePool();
  const seconds = median(times);
  return {
    method, rows, passes: times.map((s) => round(s)), seconds: round(seconds), rowsPerSecond: Math.round(rows / seconds),
    cpuSeconds: round(median(cpu), 2), preloadedBytes, workersSpawned: spawned, maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

async function main(): Promise<void> {
  const method = argValue('child') as Method | undefined;
  const fileCount = Number(argValue('files', '6'));
  const passes = Number(argValue('passes', '2'));
  if (method !== undefined) {
    console.log(JSON.stringify(await child(method, argValue('metadata')!, fileCount, passes)));
    process.exit(0);
  }
  const rounds = Number(argValue('rounds', '3'));
  const size = argValue('size', '1GB')!;
  const machineBefore = machineState();
  const table = ensureLayoutTable(layoutFilesFor(parseSize(size)));
  const results: Record<Method, ChildResult[]> = { bare: [], scan0: [], scan1: [], scan2: [] };
  for (let r = 0; r < rounds; r++) {
    const order = METHODS.map((_, i) => METHODS[(i + r) % METHODS.length]!);
    const line: string[] = [];
    for (const m of order) {
      const res = await runChild<ChildResult>(new URL(import.meta.url), [
        '--child', m, '--metadata', table.metadataPath, '--files', String(fileCount), '--passes', String(passes),
      ]);
      if (results.bare[0] !== undefined && res.rows !== results.bare[0].rows) throw new Error(`${m} decoded ${res.rows} rows, bare ${results.bare[0].rows}`);
      results[m].push(res);
      line.push(`${m} ${(res.rowsPerSecond / 1e6).toFixed(2)} M rows/s (cpu ${res.cpuSeconds} s)`);
    }
    console.log(`round ${r + 1}/${rounds}: ${line.join(', ')}`);
  }
  const perRound = (a: Method, b: Method) => results[a].map((x, i) => x.rowsPerSecond / results[b][i]!.rowsPerSecond);
  const scan1VsBare = bestAndMedian(perRound('scan1', 'bare'));
  const scan2VsScan1 = bestAndMedian(perRound('scan2', 'scan1'));
  const summary = Object.fromEntries(
    (Object.keys(results) as Method[]).map((m) => [m, {
      rowsPerSecond: bestAndMedian(results[m].map((x) => x.rowsPerSecond), 0),
      cpuSecondsPerPass: round(median(results[m].map((x) => x.cpuSeconds)), 2),
      maxRssMiB: round(Math.max(...results[m].map((x) => x.maxRssBytes)) / 2 ** 20, 1),
    }]),
  );
  console.log(JSON.stringify({
    bench: 'decoder',
    git: gitState(),
    machine: { ...machineBefore, loadAverageAtEnd: machineState().loadAverage },
    options: { files: fileCount, rounds, passes, batchSize: DEFAULT_BATCH_SIZE, table: table.metadataPath },
    rows: results.bare[0]!.rows,
    preloadedBytes: results.bare[0]!.preloadedBytes,
    summary,
    ratios: {
      scan1VsBare,
      scan2VsScan1,
      scan2VsBare: bestAndMedian(perRound('scan2', 'bare')),
      scan0VsBare: bestAndMedian(perRound('scan0', 'bare')),
    },
    bars: {
      scan1VsBare: { bar: `>= ${SCAN1_VS_BARE_BAR}`, measured: scan1VsBare.median, pass: scan1VsBare.median >= SCAN1_VS_BARE_BAR },
      scan2VsScan1: { bar: `>= ${SCAN2_VS_SCAN1_BAR}`, measured: scan2VsScan1.median, pass: scan2VsScan1.median >= SCAN2_VS_SCAN1_BAR },
    },
    runs: results,
  }));
}

await main();
