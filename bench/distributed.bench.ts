/**
 * Distributed scan benchmark: the 1 GB bench table (18 PyIceberg-written files of 2 M rows, 36 M
 * rows) dispatched through BullMQ on a local redis-server to ONE worker process, then to TWO,
 * each writing one output file per task (Arrow IPC by default) into a tmpfs folder. Every worker
 * process decodes on its own main thread (`decodeWorkers: 0`), runs one task at a time and is
 * pinned to its own core (`taskset -c i`), so a worker process is one core's worth of scanning:
 * the unit a deployment adds (a 1-CPU container, or one worker per core of a machine). Unpinned
 * (`--no-pin`), one process already uses ~1.5 cores of this 2-core machine (V8's GC threads, the
 * libuv threads writing the output), which leaves a second process little to add.
 *
 *   npm run bench:distributed -- [--size 1GB] [--runs 3] [--format arrow|parquet] [--no-pin]
 *
 * Workers are started and connected before the clock starts (a fleet is running already); the
 * clock covers planning, enqueueing the flow, every task (table load per worker, read, decode,
 * deletes/filter, output, atomic commit) and the dispatcher seeing the last result. Runs
 * alternate 1, 2, 1, 2, … after a page-cache warm-up. Bar: median(1 worker) / median(2 workers)
 * >= 1.6. The last line of output is one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { parseSize } from './lib/bench-table.ts';
import { ensureLayoutTable, gitState, layoutFilesFor, machineState, median, round, warmPageCache } from './lib/contenders.ts';
import { loadTable } from '../src/table/load-table.ts';
import { dispatchScan, runScanWorker, type ScanTaskResult } from '../src/distributed/index.ts';
import { startRedis } from '../test/distributed/redis-server.ts';

const RATIO_BAR = 1.6;
const SELF = fileURLToPath(import.meta.url);

function argValue(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Child mode: one worker process (`--child-worker <redis url> <queue>`). */
async function childWorker(url: string, queue: string): Promise<void> {
  const worker = runScanWorker({ connection: url, queue, concurrency: 1, read: { decodeWorkers: 0 } });
  await worker.worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
}

/** Starts a worker process; `core`: pinned to that CPU with taskset (all its threads). */
function startWorker(url: string, queue: string, core: number | undefined): Promise<ChildProcess> {
  const argv = [process.execPath, '--import', 'tsx', SELF, '--child-worker', url, queue];
  const child = core === undefined
    ? spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('taskset', ['-c', String(core), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`bench worker exited (${code}) before it was ready`)));
  });
}

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise((r) => {
    c.once('exit', r);
    c.kill('SIGTERM');
  })));
}

interface Run {
  readonly workers: number;
  readonly seconds: number;
  readonly rows: number;
  readonly bytesWritten: number;
  readonly tasksPerWorker: number[];
  /** CPU seconds each worker process used during the run (all its threads). */
  readonly workerCpuSeconds: number[];
  /** CPU seconds of this (dispatching) process during the run. */
  readonly dispatcherCpuSeconds: number;
  readonly cpuPressureAfter?: { avg10: number; avg60: number };
}

async function main(): Promise<void> {
  const size = argValue('size', '1GB')!;
  const runs = Number(argValue('runs', '3'));
  const format = argValue('format', 'arrow') as 'arrow' | 'parquet';
  // Default: each worker process pinned to its own core, so one worker is one core's worth
  // (GC and I/O threads included); --no-pin lets each process use every core.
  const pin = !process.argv.includes('--no-pin');
  const cpus = machineState().cpus;
  const table = ensureLayoutTable(layoutFilesFor(parseSize(size)), (s) => console.error(s));
  const machineBefore = machineState();
  const warmSeconds = warmPageCache(table.dataFilePaths);
  const outRoot = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'iceberg-rx-distributed-bench-'));
  const redis = await startRedis();
  const results: Run[] = [];
  try {
    const loaded = await loadTable(table.metadataPath);
    let n = 0;
    for (let run = 0; run < runs; run++) {
      for (const workers of [1, 2]) {
        const queue = `bench-${run}-${workers}`;
        const children = await Promise.all(Array.from({ length: workers }, (_, i) => startWorker(redis.url, queue, pin ? i % cpus : undefined)));
        const out = join(outRoot, `run-${n++}`);
        try {
          const cpuBefore = children.map((c) => cpuSeconds(c.pid));
          const selfBefore = process.cpuUsage();
          const started = performance.now();
          const done: ScanTaskResult[] = await lastValueFrom(
            dispatchScan(loaded.scan(), { connection: redis.url, queue, output: { format, location: out }, pollIntervalMs: 500 }).pipe(toArray()),
          );
          const seconds = (performance.now() - started) / 1000;
          const workerCpu = children.map((c, i) => round(cpuSeconds(c.pid) - cpuBefore[i]!, 2));
          const self = process.cpuUsage(selfBefore);
          const perWorker = new Map<string, number>();
          for (const r of done) perWorker.set(r.worker, (perWorker.get(r.worker) ?? 0) + 1);
          const result: Run = {
            workers,
            seconds: round(seconds),
            rows: done.reduce((s, r) => s + r.rows, 0),
            bytesWritten: done.reduce((s, r) => s + r.bytes, 0),
            tasksPerWorker: [...perWorker.values()].sort((a, b) => b - a),
            workerCpuSeconds: workerCpu,
            dispatcherCpuSeconds: round((self.user + self.system) / 1e6, 2),
            ...(machineState().cpuPressureSome !== undefined ? { cpuPressureAfter: machineState().cpuPressureSome } : {}),
          };
          if (result.rows !== table.rows) throw new Error(`run ${run} with ${workers} worker(s) produced ${result.rows} rows, expected ${table.rows}`);
          results.push(result);
          console.error(`run ${run + 1}/${runs}, ${workers} worker process(es): ${result.seconds} s, ${result.rows} rows, tasks per worker ${result.tasksPerWorker.join('/')}, worker CPU s ${result.workerCpuSeconds.join('/')}`);
        } finally {
          await stopWorkers(children);
          rmSync(out, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await redis.stop();
    rmSync(outRoot, { recursive: true, force: true });
  }
  const one = results.filter((r) => r.workers === 1).map((r) => r.seconds);
  const two = results.filter((r) => r.workers === 2).map((r) => r.seconds);
  const ratio = round(median(one) / median(two), 3);
  const pairRatios = one.map((s, i) => round(s / two[i]!, 3));
  console.log(JSON.stringify({
    bench: 'distributed',
    git: gitState(),
    machine: { ...machineBefore, loadAverageAtEnd: machineState().loadAverage, cpuPressureAtEnd: machineState().cpuPressureSome },
    options: { size, runs, format, pinnedToOneCoreEach: pin, perWorker: { concurrency: 1, decodeWorkers: 0 }, output: 'tmpfs folder, one file per task, temp name + rename', redis: 'local redis-server, no persistence' },
    table: { metadataPath: table.metadataPath, dataFiles: table.dataFiles, dataBytes: table.dataBytes, rows: table.rows },
    pageCacheWarmSeconds: warmSeconds,
    seconds: { oneWorker: { median: median(one), all: one }, twoWorkers: { median: median(two), all: two } },
    rowsPerSecond: { oneWorker: Math.round(table.rows / median(one)), twoWorkers: Math.round(table.rows / median(two)) },
    pairRatios,
    ratio,
    bar: { bar: `>= ${RATIO_BAR} (median 1-worker seconds / median 2-worker seconds)`, measured: ratio, pass: ratio >= RATIO_BAR },
    runs: results,
  }));
}

if (process.argv[2] === '--child-worker') await childWorker(process.argv[3]!, process.argv[4]!);
else await main();
