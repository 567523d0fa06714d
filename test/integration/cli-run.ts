/** Helpers of the CLI integration tests: spawn `bin/iceberg-rx.mjs`, or run `main` in-process. */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The shared real tables (beside the clone). */
export const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/iceberg/', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/iceberg-rx.mjs', import.meta.url));

/** What a CLI run printed and returned. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly text: string;
}

/** Spawns `node bin/iceberg-rx.mjs ...args` (or `node <nodeArgs>`) from the repo root and collects its output. */
export function spawnCli(args: readonly string[], options: { closeStdoutAfter?: number; nodeArgs?: readonly string[] } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const argv = options.nodeArgs !== undefined ? [...options.nodeArgs] : [BIN, ...args];
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let seen = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      seen += chunk.length;
      // Like `| head`: the reader goes away after the first bytes.
      if (options.closeStdoutAfter !== undefined && seen >= options.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      resolve({ code, stdout, stderr: err, text: stdout.toString('utf8') });
    });
  });
}

/** Runs `main(args)` in this process with captured streams (fast, for sweeps over many tables). */
export async function runCli(args: readonly string[], tty: { stdout?: boolean; stderr?: boolean } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  let err = '';
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(args, { stdout, stderr, stdoutIsTTY: tty.stdout === true, stderrIsTTY: tty.stderr === true });
  const buffer = Buffer.concat(out);
  return { code, stdout: buffer, stderr: err, text: buffer.toString('utf8') };
}
