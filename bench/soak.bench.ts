/**
 * Soak: many scans of the compare bench's 1 GB table (18 files of 2 row groups, 36M rows) in one
 * process, `--parallel` at a time, each ended at a seeded-random point, then checks that nothing
 * stays behind: file descriptors, threads, memory.
 *
 * Every scan runs `loadTable(metadataPath)` then `table.scan(...).batches()` (public API only). A
 * seeded PRNG (mulberry32, `--seed`) picks per scan, before anything runs:
 * - 40% `unsubscribe`: unsubscribe after k batches, k uniform in [0, batches of a full scan)
 *   (k = 0: right after subscribing);
 * - 40% `abort`: `table.scan({ signal })`, the AbortController aborted after a delay uniform in
 *   [0, 1.2 × a full scan's duration) (a scan that ends before its abort counts as
 *   `completedBeforeAbort`); the scan must then fail with code `aborted`;
 * - 20% `complete`: read to the end; it must count every row.
 *
 * Warm-up: `--parallel` full scans at once (they give the batch count and the full-scan duration
 * under the same contention, and let Node and the decode pool open whatever they open lazily).
 * Then the fd list (/proc/self/fd with readlink) and thread count (/proc/self/task) are taken.
 * The first 10 scans run, everything settles, gc runs, RSS is sampled (VmRSS of /proc/self/status
 * and process.memoryUsage().rss); then the rest run, settle, gc, sample again. "Settled" at the end:
 * polled every 100 ms (up to 5 s) until fds and threads are back at their warm-up counts.
 * (Node 20's process.getActiveResourcesInfo() does not list Worker threads, so threads are counted
 * in /proc/self/task; it is reported too, to show lingering timers or handles.)
 *
 * Usage: npm run bench:soak -- [--scans 200] [--parallel 4] [--seed 1] [--size 1GB] [--decode-workers N]
 * (needs conformance/pyiceberg/setup.sh; run with --expose-gc, as the npm script does).
 *
 * The last line is one JSON object: the plan and outcome counts, fds before / after and which
 * differ (by fd number and target; the bar compares kinds of target, pipes and sockets without
 * their inode numbers), threads after warm-up / at the end, RSS after the first 10 scans / at the end and their
 * ratios, the decode pool (size, live workers, jobs, stats) after warm-up and at the end, and
 * `bars` (each {bar, measured, pass}): noFdLeft, noExtraThreads, noWorkerBeyondPool (live workers
 * <= pool size, no job left, no crash), rssWithin10Percent (end <= 1.10 × after 10 scans, both
 * RSS readings), noUnexpectedErrors; plus load average and git commit.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { Subscription } from 'rxjs';
import { isIcebergScanError, loadTable, type TableScanOptions } from '../src/index.ts';
import { sharedDecodePool, type DecodePoolStats } from '../src/read/decoder/decode-pool.ts';
import { defaultDecodeWorkers } from '../src/read/decoder/start-worker.ts';
import { parseSize } from './lib/bench-table.ts';
import { argValue } from './lib/child-process.ts';
import { mulberry32 } from '../test/helpers/seeded-random.ts';
import { MiB, ensureLayoutTable, gitState, layoutFilesFor, machineState, median, round } from './lib/contenders.ts';

type Kind = 'unsubscribe' | 'abort' | 'complete';
type Outcome = 'unsubscribed' | 'aborted' | 'completedBeforeAbort' | 'completed' | 'error';

interface PlannedScan {
  index: number;
  kind: Kind;
  /** unsubscribe: after this many batches; abort: after this many ms. */
  after: number;
}

interface ScanOutcome {
  index: number;
  kind: Kind;
  outcome: Outcome;
  batches: number;
  rows: number;
  ms: number;
  error?: string;
}

const FIRST_SAMPLE_AFTER = 10;
const RSS_TOLERANCE = 1.1;

/** The open fds of this process and what each points to. */
function openFds(): Map<string, string> {
  const fds = new Map<string, string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      fds.set(fd, readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // the fd of the readdir itself, closed by now
    }
  }
  return fds;
}

/** Threads of this process by name (/proc/self/task/<tid>/comm). */
function threads(): { count: number; byName: Record<string, number> } {
  const byName: Record<string, number> = {};
  const tids = readdirSync('/proc/self/task');
  for (const tid of tids) {
    let name = '?';
    try {
      name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    } catch {
      // thread ended meanwhile
    }
    byName[name] = (byName[name] ?? 0) + 1;
  }
  return { count: tids.length, byName };
}

function procStatusBytes(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** gc (three rounds, as settledRss does) and both RSS readings. */
async function rssAfterGc(): Promise<{ vmRssBytes: number; memoryUsageRssBytes: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench:soak does)');
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(50);
  }
  return { vmRssBytes: procStatusBytes('VmRSS'), memoryUsageRssBytes: process.memoryUsage().rss };
}

function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** Runs one planned scan to its end (completion, unsubscription, abort or error). */
async function runScan(metadataPath: string, plan: PlannedScan, baseOptions: TableScanOptions, expectRows: number): Promise<ScanOutcome> {
  const started = performance.now();
  let batches = 0;
  let rows = 0;
  const done = (outcome: Outcome, error?: unknown): ScanOutcome => ({
    index: plan.index,
    kind: plan.kind,
    outcome,
    batches,
    rows,
    ms: Math.round(performance.now() - started),
    ...(error !== undefined ? { error: String((error as Error)?.message ?? error) } : {}),
  });
  try {
    const table = await loadTable(metadataPath);
    if (plan.kind === 'abort') {
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      return await new Promise<ScanOutcome>((resolve) => {
        table.scan({ ...baseOptions, signal: controller.signal }).batches().subscribe({
          next(batch) {
            batches += 1;
            rows += batch.numRows;
          },
          error(error) {
            clearTimeout(timer);
            resolve(isIcebergScanError(error) && error.code === 'aborted' ? done('aborted') : done('error', error));
          },
          complete() {
            clearTimeout(timer);
            resolve(rows === expectRows ? done('completedBeforeAbort') : done('error', `completed with ${rows} of ${expectRows} rows`));
          },
        });
        timer = setTimeout(() => controller.abort(), plan.after);
      });
    }
    return await new Promise<ScanOutcome>((resolve) => {
      let stop = false;
      let subscription: Subscription | undefined;
      const unsubscribe = () => {
        stop = true;
        if (subscription === undefined) return; // next() ran inside subscribe(): unsubscribed below
        subscription.unsubscribe();
        resolve(done('unsubscribed'));
      };
      subscription = table.scan(baseOptions).batches().subscribe({
        next(batch) {
          if (stop) return;
          batches += 1;
          rows += batch.numRows;
          if (plan.kind === 'unsubscribe' && batches >= plan.after) unsubscribe();
        },
        error: (error) => resolve(done('error', error)),
        complete: () => resolve(rows === expectRows ? done('completed') : done('error', `completed with ${rows} of ${expectRows} rows`)),
      });
      if (plan.kind === 'unsubscribe' && (stop || plan.after === 0)) unsubscribe();
    });
  } catch (error) {
    return done('error', error);
  }
}

/** Runs `plans` at most `parallel` at a time; resolves when every one has ended. */
async function runPool(metadataPath: string, plans: readonly PlannedScan[], parallel: number, options: TableScanOptions, expectRows: number, log: (o: ScanOutcome) => void): Promise<ScanOutcome[]> {
  const outcomes: ScanOutcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < plans.length) {
      const plan = plans[next++]!;
      const outcome = await runScan(metadataPath, plan, options, expectRows);
      outcomes.push(outcome);
      log(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, plans.length) }, lane));
  return outcomes;
}

function countBy<T extends string>(values: readonly T[]): Partial<Record<T, number>> {
  const out: Partial<Record<T, number>> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

async function main(): Promise<void> {
  const scans = Number(argValue('scans', '200'));
  const parallel = Number(argValue('parallel', '4'));
  const seed = Number(argValue('seed', '1'));
  const size = argValue('size', '1GB')!;
  const decodeWorkers = argValue('decode-workers');
  const options: TableScanOptions = decodeWorkers !== undefined ? { decodeWorkers: Number(decodeWorkers) } : {};
  const poolSize = decodeWorkers !== undefined ? Number(decodeWorkers) : defaultDecodeWorkers();
  /** The process-wide pool the scans use (the same instance while the size stays the same). */
  const pool = () => (poolSize > 0 ? sharedDecodePool(poolSize) : undefined);
  const poolState = () => {
    const p = pool();
    return p === undefined ? { size: 0, workers: 0, activeJobs: 0, stats: undefined as DecodePoolStats | undefined } : { size: p.size, workers: p.workers, activeJobs: p.activeJobs, stats: { ...p.stats } };
  };
  const machineBefore = machineState();
  const table = ensureLayoutTable(layoutFilesFor(parseSize(size)));
  console.log(`table: ${table.dataFiles} files, ${round(table.dataBytes / MiB, 1)} MiB, ${table.rows} rows; ${scans} scans, ${parallel} at a time, seed ${seed}`);
  const started = performance.now();
  const fdsAtStart = openFds().size;
  const threadsAtStart = threads();

  // Warm-up: `parallel` full scans at once.
  const warmPlans = Array.from({ length: parallel }, (_, i): PlannedScan => ({ index: -1 - i, kind: 'complete', after: 0 }));
  const warm = await runPool(table.metadataPath, warmPlans, parallel, options, table.rows, () => undefined);
  const warmErrors = warm.filter((o) => o.outcome !== 'completed');
  if (warmErrors.length > 0) throw new Error(`warm-up scan failed: ${JSON.stringify(warmErrors[0])}`);
  const fullBatches = warm[0]!.batches;
  const fullScanMs = median(warm.map((o) => o.ms));
  console.log(`warm-up: ${parallel} full scans, ${fullBatches} batches each, median ${fullScanMs} ms`);
  await rssAfterGc();
  const fdsBefore = openFds();
  const threadsAfterWarmup = threads();
  const resourcesAfterWarmup = activeResources();
  const poolAfterWarmup = poolState();

  const rand = mulberry32(seed);
  const plans: PlannedScan[] = Array.from({ length: scans }, (_, index) => {
    const r = rand();
    const kind: Kind = r < 0.4 ? 'unsubscribe' : r < 0.8 ? 'abort' : 'complete';
    const u = rand();
    const after = kind === 'unsubscribe' ? Math.floor(u * fullBatches) : kind === 'abort' ? Math.round(u * 1.2 * fullScanMs) : 0;
    return { index, kind, after };
  });

  let ended = 0;
  const log = (o: ScanOutcome) => {
    ended += 1;
    if (ended % 10 === 0 || o.outcome === 'error') {
      console.log(`  ${ended}/${scans} scans ended (last: #${o.index} ${o.kind} -> ${o.outcome}, ${o.batches} batches, ${o.ms} ms${o.error ? `, ${o.error}` : ''})`);
    }
  };
  const firstCount = Math.min(FIRST_SAMPLE_AFTER, scans);
  const outcomes = await runPool(table.metadataPath, plans.slice(0, firstCount), parallel, options, table.rows, log);
  const rssAfterFirst = await rssAfterGc();
  outcomes.push(...(await runPool(table.metadataPath, plans.slice(firstCount), parallel, options, table.rows, log)));

  // Settle: teardown after unsubscribe / abort may finish after the scan's promise resolved.
  const settleStarted = performance.now();
  let fdsAfter = openFds();
  let threadsAtEnd = threads();
  while ((fdsAfter.size > fdsBefore.size || threadsAtEnd.count > threadsAfterWarmup.count || (pool()?.activeJobs ?? 0) > 0) && performance.now() - settleStarted < 5000) {
    await sleep(100);
    fdsAfter = openFds();
    threadsAtEnd = threads();
  }
  const settleMs = Math.round(performance.now() - settleStarted);
  const rssAtEnd = await rssAfterGc();
  fdsAfter = openFds();
  threadsAtEnd = threads();

  // By kind of target: a pipe or socket re-created with a new inode (a decode worker replaced by
  // a new one opens its event loop's pipes again) is not a leak; one more of them is.
  const targets = (fds: Map<string, string>) => countBy([...fds.values()].map((t) => t.replace(/^(pipe|socket):\[\d+\]$/, '$1')));
  const before = targets(fdsBefore);
  const after = targets(fdsAfter);
  const added: string[] = [];
  const removed: string[] = [];
  for (const [target, n] of Object.entries(after)) for (let i = (before[target] ?? 0); i < n!; i++) added.push(target);
  for (const [target, n] of Object.entries(before)) for (let i = (after[target] ?? 0); i < n!; i++) removed.push(target);
  const fdChanges = {
    added: [...fdsAfter].filter(([fd, t]) => fdsBefore.get(fd) !== t).map(([fd, t]) => `${fd} -> ${t}`),
    removed: [...fdsBefore].filter(([fd, t]) => fdsAfter.get(fd) !== t).map(([fd, t]) => `${fd} -> ${t}`),
  };

  const poolAtEnd = poolState();
  const errors = outcomes.filter((o) => o.outcome === 'error');
  const vmRatio = rssAtEnd.vmRssBytes / rssAfterFirst.vmRssBytes;
  const muRatio = rssAtEnd.memoryUsageRssBytes / rssAfterFirst.memoryUsageRssBytes;
  const byKind = (kind: Kind) => outcomes.filter((o) => o.kind === kind);
  const result = {
    bench: 'soak',
    git: gitState(),
    machine: { ...machineBefore, loadAverageAtEnd: machineState().loadAverage },
    options: { scans, parallel, seed, size, decodeWorkers: decodeWorkers ?? 'default' },
    table: { metadataPath: table.metadataPath, dataFiles: table.dataFiles, dataBytes: table.dataBytes, rows: table.rows },
    seconds: round((performance.now() - started) / 1000, 1),
    warmup: { scans: parallel, batchesPerFullScan: fullBatches, fullScanMsMedian: fullScanMs, fullScanMs: warm.map((o) => o.ms) },
    planned: countBy(plans.map((p) => p.kind)),
    outcomes: countBy(outcomes.map((o) => o.outcome)),
    outcomesByKind: {
      unsubscribe: countBy(byKind('unsubscribe').map((o) => o.outcome)),
      abort: countBy(byKind('abort').map((o) => o.outcome)),
      complete: countBy(byKind('complete').map((o) => o.outcome)),
    },
    batchesRead: outcomes.reduce((n, o) => n + o.batches, 0),
    rowsRead: outcomes.reduce((n, o) => n + o.rows, 0),
    errors: errors.slice(0, 10),
    fds: {
      atStart: fdsAtStart,
      afterWarmup: fdsBefore.size,
      atEnd: fdsAfter.size,
      kindsAdded: added,
      kindsRemoved: removed,
      changedByFd: fdChanges,
      settleMs,
    },
    threads: {
      atStart: threadsAtStart.count,
      afterWarmup: threadsAfterWarmup.count,
      atEnd: threadsAtEnd.count,
      afterWarmupByName: threadsAfterWarmup.byName,
      atEndByName: threadsAtEnd.byName,
    },
    activeResources: { afterWarmup: resourcesAfterWarmup, atEnd: activeResources() },
    decodePool: { afterWarmup: poolAfterWarmup, atEnd: poolAtEnd },
    rss: {
      afterFirstScans: firstCount,
      afterFirst: { ...rssAfterFirst, vmRssMiB: round(rssAfterFirst.vmRssBytes / MiB, 1) },
      atEnd: { ...rssAtEnd, vmRssMiB: round(rssAtEnd.vmRssBytes / MiB, 1) },
      vmRssRatio: round(vmRatio, 3),
      memoryUsageRssRatio: round(muRatio, 3),
      vmHwmBytes: procStatusBytes('VmHWM'),
      vmHwmMiB: round(procStatusBytes('VmHWM') / MiB, 1),
    },
    bars: {
      noFdLeft: { bar: 'fds at end <= after warm-up, no new kind of target', measured: { afterWarmup: fdsBefore.size, atEnd: fdsAfter.size, kindsAdded: added }, pass: added.length === 0 && fdsAfter.size <= fdsBefore.size },
      noExtraThreads: { bar: 'threads at end <= after warm-up', measured: { afterWarmup: threadsAfterWarmup.count, atEnd: threadsAtEnd.count }, pass: threadsAtEnd.count <= threadsAfterWarmup.count },
      noWorkerBeyondPool: {
        bar: 'decode workers alive <= pool size, no job left, none crashed',
        measured: { size: poolAtEnd.size, workers: poolAtEnd.workers, activeJobs: poolAtEnd.activeJobs, spawned: poolAtEnd.stats?.spawned ?? 0, crashed: poolAtEnd.stats?.crashed ?? 0 },
        pass: poolAtEnd.workers <= poolAtEnd.size && poolAtEnd.activeJobs === 0 && (poolAtEnd.stats?.crashed ?? 0) === 0,
      },
      rssWithin10Percent: { bar: `RSS at end <= ${RSS_TOLERANCE} x after ${firstCount} scans (VmRSS and memoryUsage().rss)`, measured: { vmRssRatio: round(vmRatio, 3), memoryUsageRssRatio: round(muRatio, 3) }, pass: vmRatio <= RSS_TOLERANCE && muRatio <= RSS_TOLERANCE },
      noUnexpectedErrors: { bar: 'no scan ended in an error other than aborted', measured: errors.length, pass: errors.length === 0 },
    },
  };
  console.log(JSON.stringify(result));
}

await main();
// Idle decode workers do not keep the process alive, but a leaked handle would: do not hang on one.
process.exit(0);
