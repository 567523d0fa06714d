/**
 * Runs a command under GNU `/usr/bin/time -v` and returns the JSON object its stdout ends with,
 * plus what the kernel measured for the whole process: max RSS (every thread, worker threads
 * included, since they share the process), user and system CPU seconds and wall time.
 *
 * `time` writes its report to a file of its own (`-o`), so the command's stderr passes through.
 * Run node as `node --import tsx script.ts` (not via a wrapper such as the tsx CLI or npx, which
 * would start the script in a grandchild: `time` reports the largest process of the tree only).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `/usr/bin/time -v` measured, with the command's JSON result. */
export interface TimedRun<T> {
  readonly result: T;
  /** "Maximum resident set size", in bytes. */
  readonly maxRssBytes: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
  readonly wallSeconds: number;
}

/** Options of {@link runUnderTimeV}. */
export interface TimeVOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs `command args` under `/usr/bin/time -v`; rejects on a non-zero exit or no JSON last line. */
export function runUnderTimeV<T>(command: string, args: readonly string[], options: TimeVOptions = {}): Promise<TimedRun<T>> {
  const dir = mkdtempSync(join(tmpdir(), 'time-v-'));
  const report = join(dir, 'time.txt');
  return new Promise<TimedRun<T>>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', '-o', report, command, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const what = `${command} ${args.join(' ')}`;
        if (code !== 0) throw new Error(`${what} exited with ${code}: ${out.slice(-4000)}`);
        const figures = parseTimeV(readFileSync(report, 'utf8'));
        const last = out.trim().split('\n').pop() ?? '';
        let result: T;
        try {
          result = JSON.parse(last) as T;
        } catch {
          throw new Error(`${what} printed no JSON last line: ${out.slice(-4000)}`);
        }
        resolve({ result, ...figures });
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** Parses the figures of a `time -v` report. */
export function parseTimeV(text: string): Omit<TimedRun<never>, 'result'> {
  const number = (label: string): number => {
    const m = new RegExp(`${label.replace(/[()]/g, '\\$&')}:\\s*([0-9.:]+)`).exec(text);
    if (!m) throw new Error(`no "${label}" in the /usr/bin/time -v report:\n${text}`);
    return m[1]!.includes(':') ? clockSeconds(m[1]!) : Number(m[1]);
  };
  return {
    maxRssBytes: number('Maximum resident set size (kbytes)') * 1024,
    userSeconds: number('User time (seconds)'),
    systemSeconds: number('System time (seconds)'),
    wallSeconds: number('Elapsed (wall clock) time (h:mm:ss or m:ss)'),
  };
}

/** `h:mm:ss` or `m:ss.ss` into seconds. */
function clockSeconds(text: string): number {
  return text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}
