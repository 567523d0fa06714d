/**
 * PyIceberg side by side with iceberg-rx: both stream the same PyIceberg-written multi-file table
 * (≥ 1 GB, cached in bench/.data/), one after the other, each in its own child process, and report
 * peak RSS, time to first batch and rows/s. Usage: `npm run bench:pyiceberg [-- --size 1GB]`
 * (needs conformance/pyiceberg/setup.sh). The last printed line is one JSON object with every figure.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DATA_DIR, parseSize } from './lib/bench-table.ts';
import { argValue } from './lib/child-process.ts';
import { CONFORMANCE_DIR, PYTHON_ENV, VENV_PYTHON, runPython } from '../test/pyiceberg/pyiceberg-env.ts';

const MB = 2 ** 20;

/** What conformance/pyiceberg/bench_table.py wrote. */
interface BenchTable {
  metadataPath: string;
  dataFiles: number;
  dataBytes: number;
  largestFileBytes: number;
  rows: number;
}

/** One reader's figures, as each child prints them. */
interface ReaderResult {
  reader: string;
  rows: number;
  batches: number;
  seconds: number;
  firstBatchSeconds: number;
  rowsPerSecond: number;
  /** Kernel-measured peak resident set (getrusage maxrss) of the child process. */
  peakRssBytes: number;
  /** RSS after imports, before the scan started. */
  baselineRssBytes: number;
}

/** Streams the whole table with iceberg-rx (`table.scan().batches()`), in this process. */
async function readWithIcebergRx(metadataPath: string): Promise<ReaderResult> {
  const { loadTable } = await import('../src/table/load-table.ts');
  const baseline = process.resourceUsage().maxRSS * 1024;
  const started = performance.now();
  const table = await loadTable(metadataPath);
  let firstBatch: number | undefined;
  let rows = 0;
  let batches = 0;
  await new Promise<void>((resolve, reject) => {
    table.scan().batches().subscribe({
      next(batch) {
        firstBatch ??= performance.now() - started;
        rows += batch.numRows;
        batches += 1;
      },
      error: reject,
      complete: resolve,
    });
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    reader: 'iceberg-rx',
    rows,
    batches,
    seconds: round(seconds, 3),
    firstBatchSeconds: round((firstBatch ?? seconds * 1000) / 1000, 3),
    rowsPerSecond: Math.round(rows / seconds),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    baselineRssBytes: baseline,
  };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** Runs a command and parses the JSON object on the last line of its stdout. */
function runJson<T>(command: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: PYTHON_ENV });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as T);
      } catch {
        reject(new Error(`${command} printed no JSON: ${out}`));
      }
    });
  });
}

/** Returns the cached PyIceberg-written bench table of at least `bytes` of data, writing it when missing. */
function ensureTable(bytes: number): BenchTable {
  const folder = join(BENCH_DATA_DIR, `pyiceberg-${Math.round(bytes / MB)}mb`);
  const marker = `${folder}.json`;
  if (existsSync(marker)) {
    const cached = JSON.parse(readFileSync(marker, 'utf8')) as BenchTable;
    if (existsSync(cached.metadataPath)) return cached;
  }
  console.log(`writing the bench table with PyIceberg into ${folder}...`);
  const written = runPython('bench_table.py', [folder, String(bytes)]).trim().split('\n').pop()!;
  writeFileSync(marker, written);
  return JSON.parse(written) as BenchTable;
}

function summary(r: ReaderResult, table: BenchTable) {
  const aboveBaseline = r.peakRssBytes - r.baselineRssBytes;
  return {
    ...r,
    peakRssMB: round(r.peakRssBytes / MB, 1),
    peakAboveBaselineMB: round(aboveBaseline / MB, 1),
    peakOverLargestFile: round(r.peakRssBytes / table.largestFileBytes, 2),
    peakAboveBaselineOverLargestFile: round(aboveBaseline / table.largestFileBytes, 2),
    peakOverTableBytes: round(r.peakRssBytes / table.dataBytes, 3),
  };
}

async function main(): Promise<void> {
  const reader = argValue('reader');
  if (reader === 'iceberg-rx') {
    console.log(JSON.stringify(await readWithIcebergRx(argValue('metadata')!)));
    return;
  }
  if (!existsSync(VENV_PYTHON)) {
    throw new Error(`no PyIceberg virtualenv at ${VENV_PYTHON}: run conformance/pyiceberg/setup.sh first`);
  }
  const table = ensureTable(parseSize(argValue('size', '1GB')!));
  console.log(
    `table: ${table.dataFiles} files, ${round(table.dataBytes / MB, 1)} MB, largest ${round(table.largestFileBytes / MB, 1)} MB, ${table.rows} rows`,
  );
  const pyiceberg = await runJson<ReaderResult>(VENV_PYTHON, [join(CONFORMANCE_DIR, 'bench_read.py'), table.metadataPath]);
  console.log(`pyiceberg  : ${JSON.stringify(pyiceberg)}`);
  const self = fileURLToPath(import.meta.url);
  const ours = await runJson<ReaderResult>(process.execPath, ['--import', 'tsx', self, '--reader', 'iceberg-rx', '--metadata', table.metadataPath]);
  console.log(`iceberg-rx : ${JSON.stringify(ours)}`);
  for (const r of [pyiceberg, ours]) {
    if (r.rows !== table.rows) throw new Error(`${r.reader} read ${r.rows} rows, the table has ${table.rows}`);
  }
  const result = {
    bench: 'pyiceberg',
    // Timings are only comparable on a quiet machine: the load average says how quiet it was.
    machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0]!, 2) },
    table: { dataFiles: table.dataFiles, dataBytes: table.dataBytes, largestFileBytes: table.largestFileBytes, rows: table.rows },
    pyiceberg: summary(pyiceberg, table),
    icebergRx: summary(ours, table),
    peakRssRatioPyicebergOverIcebergRx: round(pyiceberg.peakRssBytes / ours.peakRssBytes, 2),
    rowsPerSecondRatioIcebergRxOverPyiceberg: round(ours.rowsPerSecond / pyiceberg.rowsPerSecond, 2),
  };
  console.log(JSON.stringify(result));
}

await main();
