/**
 * Idle decode workers never keep the process alive: a script that scans (the pool is started with
 * the scan, see `DecodePool.warm`) and stops exits by itself, without `closeSharedDecodePool()`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function runScript(source: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('an idle decode pool and the process', () => {
  it('a scan answered from metadata (workers started, never used) exits by itself', () => {
    const r = runScript(`
      import { loadTable } from './src/index.ts';
      const t = await loadTable('examples/sample-table');
      console.log(await t.scan({ decodeWorkers: 2 }).count());
    `);
    expect(r.signal).toBeNull(); // killed by the timeout: the process did not exit
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('299226');
  });

  it('a scan that decoded on two workers exits by itself', () => {
    const r = runScript(`
      import { loadTable } from './src/index.ts';
      const t = await loadTable('examples/sample-table');
      console.log((await t.scan({ decodeWorkers: 2, limit: 5000 }).toTable()).numRows);
    `);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('5000');
  });
});
