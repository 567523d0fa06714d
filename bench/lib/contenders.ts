/**
 * Shared parts of the compare, large-file and soak benches: the PyIceberg-written tables (cached
 * in bench/.data/, keyed by their parameters), the three contenders each run as a child process
 * under `/usr/bin/time -v`, and small statistics / machine-state helpers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, realpathSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DATA_DIR } from './bench-table.ts';
import { runUnderTimeV } from './time-v.ts';
import { CONFORMANCE_DIR, PYTHON_ENV, REPO_ROOT, VENV_PYTHON, runPython } from '../../test/pyiceberg/pyiceberg-env.ts';

export const MiB = 2 ** 20;

/** The fixed-layout table `bench_table.py --rows` writes (compare and soak). */
export interface LayoutTable {
  metadataPath: string;
  dataFiles: number;
  dataBytes: number;
  largestFileBytes: number;
  rows: number;
  rowGroupsPerFile: number[];
  dataFilePaths: string[];
  properties: Record<string, string>;
  /** Seconds PyIceberg took to write it (when it was written). */
  seconds: number;
}

/** What `bench_large_file.py` reports. */
export interface LargeFileTable {
  metadataPath: string;
  dataFile: string;
  fileBytes: number;
  rows: number;
  rowGroups: number;
  fieldIds: boolean;
  generatedFile: boolean;
  generateSeconds: number | null;
  seconds: number;
}

/** Rows per file and per row group of the compare table: 2 row groups of 1M rows per file. */
export const LAYOUT_FILE_ROWS = 2_000_000;
export const LAYOUT_ROW_GROUP_ROWS = 1_000_000;
/** Measured: ~30 MB of zstd Parquet per 1M rows of bench_columns.py (PyIceberg writer). */
const LAYOUT_BYTES_PER_FILE = 60_000_000;

/** Files of the compare table for a requested size: 1GB → 18 files, 36M rows. */
export function layoutFilesFor(bytes: number): number {
  return Math.max(1, Math.round(bytes / LAYOUT_BYTES_PER_FILE));
}

/** Throws unless conformance/pyiceberg/setup.sh has made the virtualenv. */
export function requireVenv(): void {
  if (!existsSync(VENV_PYTHON)) throw new Error(`no PyIceberg virtualenv at ${VENV_PYTHON}: run conformance/pyiceberg/setup.sh first`);
}

/**
 * The cache folder with symlinks resolved: the generators record absolute paths in the table
 * metadata, which should name the folder itself, not a link to it (a checkout's bench/.data may be one).
 */
function dataDir(): string {
  mkdirSync(BENCH_DATA_DIR, { recursive: true });
  return realpathSync(BENCH_DATA_DIR);
}

/** Reads a cached generator result when its marker and metadata file still exist. */
function cached<T extends { metadataPath: string }>(marker: string): T | undefined {
  if (!existsSync(marker)) return undefined;
  const value = JSON.parse(readFileSync(marker, 'utf8')) as T;
  return existsSync(value.metadataPath) ? value : undefined;
}

/** The compare / soak table of `files` files (each 2 row groups of 1M rows), written once by PyIceberg. */
export function ensureLayoutTable(files: number, log: (s: string) => void = console.log): LayoutTable {
  requireVenv();
  const rows = files * LAYOUT_FILE_ROWS;
  const folder = join(dataDir(), `pyiceberg-layout-${rows}r-${LAYOUT_FILE_ROWS}f-${LAYOUT_ROW_GROUP_ROWS}rg`);
  const marker = `${folder}.json`;
  const hit = cached<LayoutTable>(marker);
  if (hit !== undefined) return hit;
  log(`writing the bench table (${rows} rows, ${files} files) with PyIceberg into ${folder}...`);
  const args = [folder, '--rows', String(rows), '--file-rows', String(LAYOUT_FILE_ROWS), '--row-group-rows', String(LAYOUT_ROW_GROUP_ROWS)];
  const written = runPython('bench_table.py', args).trim().split('\n').pop()!;
  writeFileSync(marker, written);
  return JSON.parse(written) as LayoutTable;
}

/** The large-file table: one pyarrow-written file of `rowGroups` × 1M rows, registered with add_files. */
export function ensureLargeFileTable(rowGroups: number, log: (s: string) => void = console.log): LargeFileTable {
  requireVenv();
  const folder = join(dataDir(), `pyarrow-large-${rowGroups}x${LAYOUT_ROW_GROUP_ROWS}`);
  const marker = `${folder}.json`;
  const hit = cached<LargeFileTable>(marker);
  if (hit !== undefined) return hit;
  log(`writing the large file (${rowGroups} row groups) with pyarrow and registering it with PyIceberg in ${folder}...`);
  const args = [folder, '--row-groups', String(rowGroups), '--row-group-rows', String(LAYOUT_ROW_GROUP_ROWS)];
  const written = runPython('bench_large_file.py', args).trim().split('\n').pop()!;
  writeFileSync(marker, written);
  return JSON.parse(written) as LargeFileTable;
}

/** One reader's figures as its child prints them (the Python readers print the same fields). */
export interface ReaderFigures {
  reader: string;
  rows: number;
  batches: number;
  seconds: number;
  firstBatchSeconds: number;
  loadSeconds: number;
  rowsPerSecond: number;
  baselineRssBytes: number;
  consumer?: string;
  from?: string;
  options?: Record<string, number>;
  /** The scan's I/O stats (iceberg-rx only). */
  io?: { bytesRead: number; readCalls: number; retries: number };
}

/** A contender's run: its own figures plus what `/usr/bin/time -v` measured. */
export interface ContenderRun extends ReaderFigures {
  maxRssBytes: number;
  maxRssMiB: number;
  userSeconds: number;
  systemSeconds: number;
  wallSeconds: number;
}

const SCAN_CHILD = fileURLToPath(new URL('./scan-child.mjs', import.meta.url));

/** Where the iceberg-rx child imports the library from: the built package (default) or the sources. */
export type IcebergRxFrom = 'dist' | 'src';

/** Scan options of the iceberg-rx child, as command-line values (absent: the library's default). */
export interface IcebergRxOptions {
  readonly from?: IcebergRxFrom;
  readonly decodeWorkers?: string;
  readonly readAheadBytes?: string;
  readonly batchSize?: string;
  /** `loadTable` options as JSON (`--load-options`): properties, locationMap. */
  readonly loadOptions?: string;
}

/** The iceberg-rx options given on the bench's own command line (`--from`, `--decode-workers`, ...). */
export function icebergRxOptionsFromArgs(argValue: (name: string) => string | undefined): IcebergRxOptions {
  const from = (argValue('from') ?? 'dist') as IcebergRxFrom;
  if (from !== 'dist' && from !== 'src') throw new Error(`--from must be dist or src, not ${from}`);
  const pick = (name: string) => argValue(name);
  return {
    from,
    ...(pick('decode-workers') !== undefined ? { decodeWorkers: pick('decode-workers')! } : {}),
    ...(pick('read-ahead-bytes') !== undefined ? { readAheadBytes: pick('read-ahead-bytes')! } : {}),
    ...(pick('batch-size') !== undefined ? { batchSize: pick('batch-size')! } : {}),
  };
}

/**
 * Brings dist/ up to date with src/ (`scripts/build.mjs --if-stale`, what `npm test`'s pretest
 * runs) so that the `dist` contender runs the current sources; returns the build's report line.
 */
export function ensureDist(): string {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const report = (r.stderr ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0) throw new Error(`scripts/build.mjs --if-stale failed (${r.status}): ${report}`);
  return report;
}

async function timed(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ContenderRun> {
  const run = await runUnderTimeV<ReaderFigures>(command, args, { cwd: REPO_ROOT, ...(env !== undefined ? { env } : {}) });
  const { reader, rows, batches, seconds, firstBatchSeconds, loadSeconds, rowsPerSecond, baselineRssBytes, consumer, from, options, io } = run.result;
  return {
    reader, rows, batches, seconds, firstBatchSeconds, loadSeconds, rowsPerSecond, baselineRssBytes,
    ...(io !== undefined ? { io } : {}),
    ...(consumer !== undefined ? { consumer } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(options !== undefined ? { options } : {}),
    maxRssBytes: run.maxRssBytes,
    maxRssMiB: round(run.maxRssBytes / MiB, 1),
    userSeconds: run.userSeconds,
    systemSeconds: run.systemSeconds,
    wallSeconds: run.wallSeconds,
  };
}

/**
 * iceberg-rx with default options (others only when given), Observable consumer. From dist/ it
 * runs on plain node (no TypeScript loader in the process), from src/ under `--import tsx`.
 */
export function runIcebergRx(metadataPath: string, options: IcebergRxOptions = {}): Promise<ContenderRun> {
  const from = options.from ?? 'dist';
  const extra = [
    ...(options.decodeWorkers !== undefined ? ['--decode-workers', options.decodeWorkers] : []),
    ...(options.readAheadBytes !== undefined ? ['--read-ahead-bytes', options.readAheadBytes] : []),
    ...(options.batchSize !== undefined ? ['--batch-size', options.batchSize] : []),
    ...(options.loadOptions !== undefined ? ['--load-options', options.loadOptions] : []),
  ];
  const loader = from === 'src' ? ['--import', 'tsx'] : [];
  return timed(process.execPath, ['--expose-gc', ...loader, SCAN_CHILD, '--metadata', metadataPath, '--from', from, ...extra]);
}

/** PyIceberg 0.12: `StaticTable.from_metadata(path).scan().to_arrow_batch_reader()`. */
export function runPyIceberg(metadataPath: string): Promise<ContenderRun> {
  return timed(VENV_PYTHON, [join(CONFORMANCE_DIR, 'bench_read.py'), metadataPath], PYTHON_ENV);
}

/** pyarrow: `pq.ParquetFile(f).iter_batches()` over `files`, one after another. */
export function runPyArrow(files: readonly string[]): Promise<ContenderRun> {
  return timed(VENV_PYTHON, [join(CONFORMANCE_DIR, 'bench_read_pyarrow.py'), ...files], PYTHON_ENV);
}

/** Reads every file once so that the first contender does not pay for a cold page cache. */
export function warmPageCache(files: readonly string[]): number {
  const started = performance.now();
  const buffer = Buffer.allocUnsafe(8 * MiB);
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      while (readSync(fd, buffer, 0, buffer.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  }
  return round((performance.now() - started) / 1000, 1);
}

export function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Best (largest) and median of per-run figures. */
export function bestAndMedian(values: readonly number[], digits = 3): { best: number; median: number; all: number[] } {
  return { best: round(Math.max(...values), digits), median: round(median(values), digits), all: values.map((v) => round(v, digits)) };
}

/**
 * Load average now (1, 5, 15 min), the core count, and the kernel's CPU pressure (PSI "some"
 * avg10/avg60: % of time runnable tasks waited for a core): others share this machine, and a
 * high pressure means the figures of the run are less certain.
 */
export function machineState(): { cpus: number; loadAverage: number[]; cpuPressureSome?: { avg10: number; avg60: number } } {
  let pressure: { avg10: number; avg60: number } | undefined;
  try {
    const m = /^some avg10=([\d.]+) avg60=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (m) pressure = { avg10: Number(m[1]), avg60: Number(m[2]) };
  } catch {
    // no PSI on this kernel
  }
  return { cpus: cpus().length, loadAverage: loadavg().map((v) => round(v, 2)), ...(pressure ? { cpuPressureSome: pressure } : {}) };
}

/** HEAD's commit and whether src/ had uncommitted changes when the bench ran. */
export function gitState(): { commit: string; srcDirty: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), srcDirty: git('status', '--porcelain', '--', 'src').length > 0 };
  } catch {
    return { commit: 'unknown', srcDirty: false };
  }
}

/** Per-contender summary over runs: median / best rows/s, median first batch, worst max RSS. */
export function contenderSummary(runs: readonly ContenderRun[]) {
  return {
    rows: runs[0]!.rows,
    rowsPerSecond: bestAndMedian(runs.map((r) => r.rowsPerSecond), 0),
    seconds: { best: round(Math.min(...runs.map((r) => r.seconds))), median: round(median(runs.map((r) => r.seconds))) },
    firstBatchSeconds: { best: round(Math.min(...runs.map((r) => r.firstBatchSeconds))), median: round(median(runs.map((r) => r.firstBatchSeconds))) },
    loadSeconds: { median: round(median(runs.map((r) => r.loadSeconds))) },
    maxRssBytes: { max: Math.max(...runs.map((r) => r.maxRssBytes)), median: median(runs.map((r) => r.maxRssBytes)) },
    maxRssMiB: { max: round(Math.max(...runs.map((r) => r.maxRssBytes)) / MiB, 1), median: round(median(runs.map((r) => r.maxRssBytes)) / MiB, 1) },
    cpuSecondsMedian: round(median(runs.map((r) => r.userSeconds + r.systemSeconds)), 2),
  };
}
