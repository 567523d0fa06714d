/**
 * Runs a benchmark mode in a fresh Node process (so peaks of different modes do not mix) and
 * returns the JSON object printed on its last line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs `script` with `args` under `node --expose-gc --import tsx` and parses its last line. */
export function runChild<T>(script: string | URL, args: readonly string[]): Promise<T> {
  const file = script instanceof URL ? fileURLToPath(script) : script;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`child ${args.join(' ')} exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`child printed no JSON: ${out}`));
      }
    });
  });
}

/** Reads `--name value` from argv. */
export function argValue(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
