/**
 * Helpers of the distributed tests: worker processes, an order-independent row multiset of Arrow
 * tables (with a checksum), and the tables of the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC, type Table as ArrowTable } from 'apache-arrow';
import { buildTable } from '../builder/build-table.ts';
import type { BuiltTable } from '../builder/table-description.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER_SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

/** A worker child process and the lines it printed. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly lines: string[];
  /** Resolves with the first line matching `re` printed at index `from` or later (already printed or to come). */
  waitFor(re: RegExp, ms?: number, from?: number): Promise<string>;
}

/** Starts `worker-process.ts` and waits for its `ready` line. */
export async function startWorkerProcess(url: string, queue: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT, url, queue], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const waitFor = (re: RegExp, ms = 30_000, from = 0): Promise<string> => {
    const seen = lines.slice(from).find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker ${child.pid} printed no ${re} in ${ms} ms; stderr: ${stderr}`)), ms);
      waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
      child.once('exit', (code) => reject(new Error(`worker ${child.pid} exited (${code}) before ${re}; stderr: ${stderr}`)));
    });
  };
  await waitFor(/^ready$/, 60_000);
  return { child, pid: child.pid!, lines, waitFor };
}

/** Stops a worker process (SIGKILL) and waits for it to exit. */
export async function killWorker(w: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  const exited = new Promise((r) => w.child.once('exit', r));
  w.child.kill(signal);
  await exited;
}

function rowKey(row: unknown): string {
  return JSON.stringify(row, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    return v;
  });
}

/** Rows of Arrow tables as a multiset (row key → count), with the row count and a sum of row hashes. */
export interface RowMultiset {
  readonly rows: number;
  readonly checksum: bigint;
  readonly counts: Map<string, number>;
}

/** The multiset of every row of `tables` (row order ignored). */
export function rowMultiset(tables: readonly ArrowTable[]): RowMultiset {
  const counts = new Map<string, number>();
  let rows = 0;
  let checksum = 0n;
  for (const t of tables) {
    for (const row of t) {
      const key = rowKey(row?.toJSON());
      counts.set(key, (counts.get(key) ?? 0) + 1);
      checksum = (checksum + createHash('sha256').update(key).digest().readBigUInt64LE(0)) & 0xffff_ffff_ffff_ffffn;
      rows += 1;
    }
  }
  return { rows, checksum, counts };
}

/** Every file in `dir` (names). */
export const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** The Arrow tables of every `.arrows` file in `dir`. */
export function readIpcOutputs(dir: string): ArrowTable[] {
  return filesIn(dir).filter((f) => f.endsWith('.arrows')).map((f) => tableFromIPC(readFileSync(join(dir, f))));
}

/** A generated table of `files` data files (3 row groups each) with position deletes on two of them. */
export function buildManyFileTable(dir: string, files: number, rowsPerFile = 600): Promise<BuiltTable> {
  return buildTable(dir, {
    formatVersion: 2,
    seed: 7,
    schema: [
      { id: 1, name: 'id', type: 'long', required: true },
      { id: 2, name: 'name', type: 'string' },
      { id: 3, name: 'v', type: 'double' },
    ],
    steps: [
      {
        label: 'load',
        append: Array.from({ length: files }, (_, f) => ({
          name: `f${f}`,
          rowGroupSize: Math.ceil(rowsPerFile / 3),
          rows: Array.from({ length: rowsPerFile }, (_, r) => {
            const id = f * rowsPerFile + r;
            return { id: BigInt(id), name: id % 7 === 0 ? null : `n${id % 101}`, v: id / 8 };
          }),
        })),
      },
      { label: 'del', positionDeletes: [{ positions: { f1: [0, 5, rowsPerFile - 1], f2: [10] } }] },
    ],
  });
}
