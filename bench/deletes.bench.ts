/**
 * Delete benchmark: 10 million deleted positions against one large data file (the shared bench
 * table, ~1 GB, 26M rows in 1M-row groups), as a position delete file and as a deletion vector.
 * Measures scan throughput with deletes against the same scan without, and the memory the loaded
 * deletes keep. Usage: `node --expose-gc --import tsx bench/deletes.bench.ts [--size 1GB]
 * [--positions 10000000] [--runs 2]`. Reports wall and CPU time (CPU time is the fairer measure on a
 * shared machine). `bars`: every variant within 1.1x of the scan without deletes (wall and CPU),
 * loaded deletes retaining <= 100 MB. The last printed line is one JSON object.
 */
import { crc32 } from 'node:zlib';
import { stat, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { lastValueFrom, reduce } from 'rxjs';
import { DeleteLoader } from '../src/deletes/delete-loader.ts';
import { LocalFileIO } from '../src/io/local-file-io.ts';
import { applyDeletes } from '../src/operators/apply-deletes.ts';
import { readParquetTail } from '../src/read/parquet-footer.ts';
import type { FileScanTask } from '../src/task/file-scan-task.ts';
import type { DeleteFile } from '../src/metadata/content-file.ts';
import type { FileStage } from '../src/task/file-stage.ts';
import { createScanStats, type ScanStats } from '../src/task/scan-stats.ts';
import { scanTasks } from '../src/scan/scan-tasks.ts';
import { BENCH_DATA_DIR, BENCH_SCHEMA, ensureBenchFile, ensureWarmupFile, parseSize } from './lib/bench-table.ts';
import { argValue } from './lib/child-process.ts';
import { gitState, machineState } from './lib/contenders.ts';
import { passThroughProjection } from './lib/pass-through-projection.ts';

const MB = 2 ** 20;
const BATCH_SIZE = 131_072;
/** The bar: a scan with 10M deleted positions within 1.1x of the same scan without deletes. */
const MAX_SLOWDOWN = 1.1;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** How the deleted positions lie: evenly spread (worst case: no kept run is long) or in blocks of 1000. */
type Pattern = 'spread' | 'clustered';
const BLOCK = 1000;

/** The i-th of n deleted positions of a `rows`-row file. */
function positionAt(pattern: Pattern, i: number, rows: number, n: number): number {
  if (pattern === 'spread') return Math.floor((i * rows) / n);
  const stride = Math.floor(rows / Math.ceil(n / BLOCK));
  return Math.floor(i / BLOCK) * stride + (i % BLOCK);
}

/** Writes (once) a position delete file naming `dataPath` with `n` positions (zstd, like Iceberg's default). */
async function ensurePositionDeletes(dataPath: string, rows: number, n: number, pattern: Pattern): Promise<DeleteFile> {
  const path = join(BENCH_DATA_DIR, `pos-deletes-${pattern}-${n}-of-${rows}.parquet`);
  if (!(await stat(path).then(() => true, () => false))) {
    const pos = new BigInt64Array(n);
    for (let i = 0; i < n; i++) pos[i] = BigInt(positionAt(pattern, i, rows, n));
    const dictType = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    const dict = arrow.vectorFromArray([dataPath], new arrow.Utf8());
    const schema = new arrow.Schema([
      new arrow.Field('file_path', dictType, false, new Map([['PARQUET:field_id', '2147483546']])),
      new arrow.Field('pos', new arrow.Int64(), false, new Map([['PARQUET:field_id', '2147483545']])),
    ]);
    const table = new arrow.Table(schema, {
      file_path: arrow.makeVector(arrow.makeData({ type: dictType, length: n, nullCount: 0, data: new Int32Array(n), dictionary: dict })),
      pos: arrow.makeVector(pos),
    });
    const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setColumnDictionaryEnabled('pos', false).build();
    await writeFile(path, pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props));
  }
  const size = (await stat(path)).size;
  return { content: 'position_deletes', path, format: 'parquet', recordCount: n, fileSizeInBytes: size, specId: 0, partition: {} };
}

/** Writes (once) a Puffin file with one DV of the same positions (bitmap containers, no runs). */
async function ensureDeletionVector(dataPath: string, rows: number, n: number, pattern: Pattern): Promise<DeleteFile> {
  const path = join(BENCH_DATA_DIR, `dv-${pattern}-${n}-of-${rows}.puffin`);
  const containers = Math.ceil(rows / 65536);
  const roaringBytes = 8 + 4 + 4 + 4 + containers * 4 + containers * 4 + containers * 8192;
  const blobLength = 4 + 4 + roaringBytes + 4;
  if (!(await stat(path).then(() => true, () => false))) {
    const bits = new Uint8Array(containers * 8192);
    const cards = new Uint32Array(containers);
    for (let i = 0; i < n; i++) {
      const p = positionAt(pattern, i, rows, n);
      bits[p >> 3] |= 1 << (p & 7);
      cards[p >>> 16]++;
    }
    const body = new Uint8Array(4 + roaringBytes);
    const v = new DataView(body.buffer);
    body.set([0xd1, 0xd3, 0x39, 0x64]);
    let o = 4;
    v.setBigUint64(o, 1n, true); o += 8; // one bucket, key 0
    v.setUint32(o, 0, true); o += 4;
    v.setUint32(o, 12346, true); o += 4; // no run containers
    v.setUint32(o, containers, true); o += 4;
    for (let c = 0; c < containers; c++) {
      if (cards[c]! <= 4096) throw new Error('bench DV expects > 4096 positions per 65536 rows (bitmap containers)');
      v.setUint16(o, c, true); v.setUint16(o + 2, cards[c]! - 1, true); o += 4;
    }
    const containerStart = o + containers * 4 - 4 - 8 - 4; // offsets count from the 32-bit bitmap's start
    for (let c = 0; c < containers; c++) { v.setUint32(o, containerStart + c * 8192, true); o += 4; }
    body.set(bits, o);
    const blob = new Uint8Array(blobLength);
    const bv = new DataView(blob.buffer);
    bv.setUint32(0, body.length, false);
    blob.set(body, 4);
    bv.setUint32(4 + body.length, crc32(body) >>> 0, false);
    const footer = new TextEncoder().encode(JSON.stringify({ blobs: [{ type: 'deletion-vector-v1', fields: [2147483645], 'snapshot-id': -1, 'sequence-number': -1, offset: 4, length: blob.length }] }));
    const file = new Uint8Array(4 + blob.length + 4 + footer.length + 12);
    const magic = [0x50, 0x46, 0x41, 0x31];
    file.set(magic, 0);
    file.set(blob, 4);
    let f = 4 + blob.length;
    file.set(magic, f); f += 4;
    file.set(footer, f); f += footer.length;
    new DataView(file.buffer).setUint32(f, footer.length, true); f += 8;
    file.set(magic, f);
    await writeFile(path, file);
  }
  const size = (await stat(path)).size;
  return {
    content: 'position_deletes', path, format: 'puffin', recordCount: n, fileSizeInBytes: size, specId: 0, partition: {},
    referencedDataFile: dataPath, contentOffset: 4, contentSizeInBytes: blobLength,
  };
}

async function scanOnce(task: FileScanTask, deletes?: FileStage): Promise<{ seconds: number; cpuSeconds: number; rows: number; stats: ScanStats }> {
  const stats = createScanStats();
  gc();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const rows = await lastValueFrom(
    scanTasks([task], { io: new LocalFileIO(), projection: passThroughProjection(BENCH_SCHEMA), batchSize: BATCH_SIZE, concurrency: 1, deletes, stats })
      .pipe(reduce((n, b) => n + b.numRows, 0)),
  );
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, rows, stats };
}

/** Memory the loaded deletes of `task` keep (heap + array buffers, after GC), and the load time. */
async function deleteMemory(task: FileScanTask): Promise<{ retainedMB: number; setMB: number; loadSeconds: number }> {
  gc(); gc();
  const before = process.memoryUsage();
  const started = performance.now();
  const loader = new DeleteLoader({ io: new LocalFileIO(), signal: new AbortController().signal });
  const loaded = await loader.load(task);
  const loadSeconds = (performance.now() - started) / 1000;
  gc(); gc();
  const after = process.memoryUsage();
  const sets = [...loaded.positions, ...(loaded.deletionVector ? [loaded.deletionVector] : [])];
  const setMB = sets.reduce((s, p) => s + p.byteLength, 0) / MB;
  const retainedMB = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / MB;
  void loader; // keep the loader (and its cache) alive until measured
  return { retainedMB: Math.round(retainedMB * 10) / 10, setMB: Math.round(setMB * 10) / 10, loadSeconds: Math.round(loadSeconds * 1000) / 1000 };
}

async function main(): Promise<void> {
  const size = parseSize(argValue('size') ?? '1GB');
  const n = Number(argValue('positions') ?? 10_000_000);
  const runs = Number(argValue('runs') ?? 2);
  const log = (s: string): void => console.error(s);
  const dataPath = await ensureBenchFile(size, log);
  const tail = await readParquetTail(new LocalFileIO().newInputFile(dataPath));
  const rows = Number(tail.metadata.num_rows);
  if (rows < n) throw new Error(`data file has ${rows} rows, fewer than ${n} positions`);
  const base: FileScanTask = {
    dataFile: { content: 'data', path: dataPath, format: 'parquet', recordCount: rows, fileSizeInBytes: tail.fileSize, specId: 0, partition: {} },
    deletes: [],
  };
  const variants: { name: string; task: FileScanTask }[] = [];
  for (const pattern of ['spread', 'clustered'] as const) {
    variants.push({ name: `${pattern}PositionDeletes`, task: { ...base, deletes: [await ensurePositionDeletes(dataPath, rows, n, pattern)] } });
    variants.push({ name: `${pattern}DeletionVector`, task: { ...base, deletes: [await ensureDeletionVector(dataPath, rows, n, pattern)] } });
  }
  const warm = await ensureWarmupFile();
  await scanOnce({ ...base, dataFile: { ...base.dataFile, path: warm, fileSizeInBytes: (await stat(warm)).size } });

  const baseline = { seconds: Infinity, cpuSeconds: Infinity };
  const measured = new Map<string, { seconds: number; cpuSeconds: number; rowsDeleted: number }>();
  for (let r = 0; r < runs; r++) {
    const b = await scanOnce(base);
    if (b.rows !== rows) throw new Error(`baseline read ${b.rows} of ${rows} rows`);
    baseline.seconds = Math.min(baseline.seconds, b.seconds);
    baseline.cpuSeconds = Math.min(baseline.cpuSeconds, b.cpuSeconds);
    const line = [`run ${r + 1} wall/cpu s: baseline ${b.seconds.toFixed(2)}/${b.cpuSeconds.toFixed(2)}`];
    for (const v of variants) {
      const m = await scanOnce(v.task, applyDeletes());
      if (m.rows !== rows - n) throw new Error(`${v.name} left ${m.rows} rows, expected ${rows - n}`);
      const prev = measured.get(v.name);
      const deleted = m.stats.rowsDeleted.position + m.stats.rowsDeleted.deletionVector;
      measured.set(v.name, { seconds: Math.min(prev?.seconds ?? Infinity, m.seconds), cpuSeconds: Math.min(prev?.cpuSeconds ?? Infinity, m.cpuSeconds), rowsDeleted: deleted });
      line.push(`${v.name} ${m.seconds.toFixed(2)}/${m.cpuSeconds.toFixed(2)}`);
    }
    log(line.join(', '));
  }
  const rate = (s: number): number => Math.round(rows / s);
  const results: Record<string, unknown> = {};
  let memoryOk = true;
  let throughputOk = true;
  let cpuThroughputOk = true;
  const slowdowns: Record<string, number> = {};
  for (const v of variants) {
    const m = measured.get(v.name)!;
    const mem = await deleteMemory(v.task);
    const slowdown = m.seconds / baseline.seconds;
    const cpuSlowdown = m.cpuSeconds / baseline.cpuSeconds;
    memoryOk &&= mem.retainedMB <= 100;
    throughputOk &&= slowdown <= MAX_SLOWDOWN;
    cpuThroughputOk &&= cpuSlowdown <= MAX_SLOWDOWN;
    slowdowns[v.name] = round(slowdown);
    results[v.name] = {
      seconds: round(m.seconds), cpuSeconds: round(m.cpuSeconds), rowsPerSecond: rate(m.seconds),
      slowdown: round(slowdown), cpuSlowdown: round(cpuSlowdown), rowsDeleted: m.rowsDeleted,
      deleteBytes: v.task.deletes[0]!.contentSizeInBytes ?? v.task.deletes[0]!.fileSizeInBytes, ...mem,
    };
  }
  const result = {
    bench: 'deletes',
    dataFile: { rows, bytes: tail.fileSize, rowGroups: tail.metadata.row_groups.length },
    deletedPositions: n,
    loadAverage1m: round(loadavg()[0]!),
    baseline: { seconds: round(baseline.seconds), cpuSeconds: round(baseline.cpuSeconds), rowsPerSecond: rate(baseline.seconds) },
    ...results,
    machine: machineState(),
    git: gitState(),
    bars: {
      slowdown: { bar: `every variant's best scan <= ${MAX_SLOWDOWN} x the best scan without deletes (wall)`, measured: slowdowns, pass: throughputOk },
      cpuSlowdown: { bar: `the same in CPU seconds (fairer on a shared machine)`, measured: Object.fromEntries(variants.map((v) => [v.name, (results[v.name] as { cpuSlowdown: number }).cpuSlowdown])), pass: cpuThroughputOk },
      retainedMemory: { bar: 'loaded deletes retain <= 100 MB', measured: Object.fromEntries(variants.map((v) => [v.name, (results[v.name] as { retainedMB: number }).retainedMB])), pass: memoryOk },
    },
  };
  console.log(JSON.stringify(result));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

await main();
