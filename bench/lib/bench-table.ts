/**
 * Benchmark data: writes (once, cached) a single Parquet file of a requested size with long,
 * double, string, timestamp and decimal columns in row groups of 1M rows, streaming the write
 * through parquet-wasm's `transformParquetStream` so memory stays at one row group.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';

/** Rows per row group: 1M, the Parquet writers' default (arrow-rs 1Mi, parquet-mr ~128 MB). */
export const BENCH_ROW_GROUP_ROWS = 1_000_000;
/** Compressed bytes per row this generator produces (measured), used to pick the row count. */
const BYTES_PER_ROW = 41;

/**
 * Largest file parquet-wasm's writer can produce correctly: it is 32-bit wasm, and offsets past
 * 2^32 bytes wrap (seen: page-index and column offsets of a 4.3 GB file modulo 2^32). 103 row groups
 * of ~41.1 MB end below 2^32 with room for the page index and footer.
 */
const MAX_ROW_GROUPS = 103;

/** The cache folder (gitignored). */
export const BENCH_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.data');

/** Parses `1GB`, `512MB`, `4GB` into bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)?$/i.exec(text.trim());
  if (!m) throw new Error(`bad size ${text}: expected e.g. 1GB or 512MB`);
  const unit = { KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30 }[(m[2] ?? 'MB').toUpperCase() as 'KB' | 'MB' | 'GB'];
  return Math.round(Number(m[1]) * unit);
}

/** The bench schema, with Parquet field ids 1..5. */
export const BENCH_SCHEMA = new arrow.Schema([
  field('id', new arrow.Int64(), 1, false),
  field('value', new arrow.Float64(), 2),
  field('name', new arrow.Utf8(), 3),
  field('ts', new arrow.TimestampMicrosecond(), 4),
  field('amount', new arrow.Decimal(2, 18, 128), 5),
]);

function field(name: string, type: arrow.DataType, id: number, nullable = true): arrow.Field {
  return new arrow.Field(name, type, nullable, new Map([['PARQUET:field_id', String(id)]]));
}

/** Returns the path of a cached bench file of about `bytes` bytes, writing it when missing. */
export async function ensureBenchFile(bytes: number, log: (s: string) => void = () => undefined): Promise<string> {
  let rowGroups = Math.max(1, Math.round(bytes / (BYTES_PER_ROW * BENCH_ROW_GROUP_ROWS)));
  if (rowGroups > MAX_ROW_GROUPS) {
    log(`capping at ${MAX_ROW_GROUPS} row groups: parquet-wasm's writer (wasm32) wraps file offsets past 4 GiB`);
    rowGroups = MAX_ROW_GROUPS;
  }
  const path = join(BENCH_DATA_DIR, `bench-${rowGroups}rg.parquet`);
  if (await stat(path).then(() => true, () => false)) return path;
  await mkdir(BENCH_DATA_DIR, { recursive: true });
  log(`writing ${path} (${rowGroups} row groups of ${BENCH_ROW_GROUP_ROWS} rows)...`);
  const tmp = `${path}.tmp`;
  let next = 0;
  const batches = new ReadableStream<pw.RecordBatch>({
    async pull(controller) {
      // Yield to the event loop so file writes drain between row groups; without this the whole
      // pipeline runs in microtasks and the output piles up in memory until the end.
      await new Promise((resolve) => setImmediate(resolve));
      if (next >= rowGroups) return controller.close();
      controller.enqueue(wasmBatch(next++));
      if (next % 10 === 0) log(`  ${next}/${rowGroups} row groups, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`);
    },
  }, { highWaterMark: 0 });
  const props = new pw.WriterPropertiesBuilder()
    .setMaxRowGroupSize(BENCH_ROW_GROUP_ROWS)
    .setCompression(pw.Compression.SNAPPY)
    .build();
  const parquet = await pw.transformParquetStream(batches, props);
  await parquet.pipeTo(Writable.toWeb(createWriteStream(tmp)) as WritableStream<Uint8Array>);
  await rename(tmp, path);
  return path;
}

/**
 * Writes (once) a small file of the bench schema, 4 row groups of `rows / 4`, used to warm up the
 * decoder (V8 compiles wasm functions lazily on first use) before a baseline is taken.
 */
export async function ensureWarmupFile(rows = 400_000): Promise<string> {
  const path = join(BENCH_DATA_DIR, `warmup-${rows}.parquet`);
  if (await stat(path).then(() => true, () => false)) return path;
  await mkdir(BENCH_DATA_DIR, { recursive: true });
  const table = new arrow.Table(BENCH_SCHEMA, [jsBatch(0, rows)]);
  const props = new pw.WriterPropertiesBuilder().setMaxRowGroupSize(rows / 4).setCompression(pw.Compression.SNAPPY).build();
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
  await writeFile(`${path}.tmp`, bytes);
  await rename(`${path}.tmp`, path);
  return path;
}

/** One row group's worth of rows as a wasm record batch (via IPC). */
function wasmBatch(index: number): pw.RecordBatch {
  const table = new arrow.Table(BENCH_SCHEMA, [jsBatch(index)]);
  const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  const batch = wasmTable.recordBatch(0)!;
  wasmTable.free();
  return batch;
}

function jsBatch(index: number, n = BENCH_ROW_GROUP_ROWS): arrow.RecordBatch {
  const first = index * n;
  let seed = (index + 1) * 2654435761;
  const rand = (): number => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const ids = new BigInt64Array(n);
  const values = new Float64Array(n);
  const ts = new BigInt64Array(n);
  const amount = new Uint32Array(n * 4);
  const offsets = new Int32Array(n + 1);
  const chars = new Uint8Array(n * 24);
  let pos = 0;
  const base = 1_700_000_000_000_000n;
  for (let i = 0; i < n; i++) {
    ids[i] = BigInt(first + i);
    values[i] = rand() * 1000;
    ts[i] = base + BigInt((first + i) * 1000 + Math.floor(rand() * 1000));
    const cents = Math.floor(rand() * 10_000_000);
    amount[i * 4] = cents; // low word; value < 2^32, upper words zero
    const len = 8 + Math.floor(rand() * 16);
    for (let k = 0; k < len; k++) chars[pos++] = 97 + Math.floor(rand() * 26);
    offsets[i + 1] = pos;
  }
  const children = [
    arrow.makeData({ type: new arrow.Int64(), length: n, data: ids }),
    arrow.makeData({ type: new arrow.Float64(), length: n, data: values }),
    arrow.makeData({ type: new arrow.Utf8(), length: n, valueOffsets: offsets, data: chars.subarray(0, pos) }),
    arrow.makeData({ type: new arrow.TimestampMicrosecond(), length: n, data: ts }),
    arrow.makeData({ type: new arrow.Decimal(2, 18, 128), length: n, data: amount }),
  ];
  return new arrow.RecordBatch(BENCH_SCHEMA, arrow.makeData({ type: new arrow.Struct(BENCH_SCHEMA.fields), length: n, nullCount: 0, children }));
}
