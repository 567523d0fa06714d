/**
 * `iceberg-rx tail` (spawned: commits published while it runs, rows on stdout, a line per commit
 * on stderr, exit 0 on SIGINT / SIGTERM) and `scan --from-snapshot / --to-snapshot` (in-process).
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInterval, parseTailCommand, runTail, type TailCommandOptions } from '../../src/cli/tail-command.ts';
import type { TableDescription } from '../builder/table-description.ts';
import { stagedTable, type StagedTable } from '../watch/staged-table.ts';
import { ROOT, runCli } from './cli-run.ts';

const BIN = fileURLToPath(new URL('../../bin/iceberg-rx.mjs', import.meta.url));

const description: TableDescription = {
  schema: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'name', type: 'string' },
  ],
  steps: [
    { label: 's1', append: [{ name: 'a', rows: [{ id: 1, name: 'a' }] }] },
    { label: 's2', append: [{ name: 'b', rows: [{ id: 2, name: 'b' }, { id: 3, name: 'c' }] }] },
    { label: 's3', append: [{ name: 'c', rows: [{ id: 4, name: 'd' }] }] },
    { label: 's4', removeFiles: ['a'] },
  ],
};

/** Spawns `iceberg-rx tail ...args`; resolves `until(stdout)` is true, then sends `signal`. */
function tail(args: string[], onOutput: (stdout: string, stderr: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, [BIN, 'tail', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => ((stdout += c.toString()), onOutput(stdout, stderr, child)));
  child.stderr!.on('data', (c: Buffer) => ((stderr += c.toString()), onOutput(stdout, stderr, child)));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('iceberg-rx tail', () => {
  it('prints the rows of each new commit, a line per commit on stderr, and exits 0 on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-tail-'));
    const staged = await stagedTable(dir, description, 1);
    let published = false;
    let signalled = false;
    const result = await tail([dir, '--interval', '50ms', '--select', 'id'], (stdout, stderr, child) => {
      if (!published && stderr.includes('watching')) {
        published = true;
        staged.publish(3);
      }
      if (!signalled && stdout.split('\n').filter(Boolean).length >= 3 && (stderr.match(/^snapshot /gm) ?? []).length >= 2) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual([{ id: 2 }, { id: 3 }, { id: 4 }]);
    const commitLines = result.stderr.split('\n').filter((l) => l.startsWith('snapshot '));
    expect(commitLines.map((l) => l.replace(/committed \S+:/, 'committed T:'))).toEqual([
      `snapshot ${staged.built.snapshot('s2').snapshotId} committed T: 2 rows`,
      `snapshot ${staged.built.snapshot('s3').snapshotId} committed T: 1 row`,
    ]);
  }, 30_000);

  it('starts after --from as CSV, exits 0 on SIGTERM; an overwrite exits 1 with non_append_snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-tail-from-'));
    const staged: StagedTable = await stagedTable(dir, description, 4);
    let signalled = false;
    const from = String(staged.built.snapshot('s1').snapshotId);
    const csv = await tail([dir, '--from', from, '--format', 'csv', '--interval', '1s', '--skip-non-appends', '-q'], (stdout, _stderr, child) => {
      if (!signalled && stdout.split('\r\n').filter(Boolean).length >= 4) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n').filter(Boolean)).toEqual(['id,name', '2,b', '3,c', '4,d']);
    expect(csv.stderr).toBe('');
    const failed = await tail([dir, '--from', from, '--interval', '50ms'], () => undefined);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('[non_append_snapshot]');
    expect(failed.stderr).toContain(String(staged.built.snapshot('s4').snapshotId));
  }, 30_000);

  it('on SIGINT during a write, finishes that batch, writes no other and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-tail-inflight-'));
    const staged = await stagedTable(dir, description, 3);
    const signals = new EventEmitter();
    let written = '';
    // A slow reader: each chunk is taken 30 ms later; SIGINT arrives while the first is pending.
    const stdout = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, done) {
        if (written === '') setImmediate(() => signals.emit('SIGINT'));
        setTimeout(() => ((written += chunk.toString()), done()), 30);
      },
    });
    const options = parseTailCommand([dir, '--from', String(staged.built.snapshot('s1').snapshotId), '--batch-size', '1', '--select', 'id', '-q']) as TailCommandOptions;
    const code = await runTail(options, { stdout, stderr: new PassThrough(), stdoutIsTTY: false, stderrIsTTY: false }, signals);
    expect(code).toBe(0);
    expect(written).toBe('{"id":2}\n');
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('rejects bad arguments with exit code 2', async () => {
    expect((await runCli(['tail'])).code).toBe(2);
    expect((await runCli(['tail', '/x', '--format', 'arrow'])).code).toBe(2);
    expect((await runCli(['tail', '/x', '--interval', 'soon'])).code).toBe(2);
    expect(parseInterval('250ms')).toBe(250);
    expect(parseInterval('1.5s')).toBe(1500);
    expect(parseInterval('2m')).toBe(120_000);
    expect(parseInterval('3')).toBe(3000);
  });
});

describe('iceberg-rx scan --from-snapshot / --to-snapshot', () => {
  let staged: StagedTable;
  beforeAll(async () => {
    staged = await stagedTable(mkdtempSync(join(tmpdir(), 'cli-incremental-')), description, 4);
  });
  const id = (l: string) => String(staged.built.snapshot(l).snapshotId);

  it('prints the rows appended in (from, to]', async () => {
    const r = await runCli(['scan', staged.built.dir, '--from-snapshot', id('s1'), '--to-snapshot', id('s3'), '--select', 'id', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(r.text.split('\n').filter(Boolean).map((l) => JSON.parse(l).id).sort()).toEqual([2, 3, 4]);
    const count = await runCli(['count', staged.built.dir, '--from-snapshot', id('s2'), '--to-snapshot', id('s3')]);
    expect(count.text.trim()).toBe('1');
  });

  it('fails on a delete in the range unless --skip-non-appends, and refuses --snapshot with it', async () => {
    const failed = await runCli(['scan', staged.built.dir, '--from-snapshot', id('s1')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('[non_append_snapshot]');
    const skipped = await runCli(['scan', staged.built.dir, '--from-snapshot', id('s1'), '--skip-non-appends', '--select', 'id', '--format', 'csv']);
    expect(skipped.text.split('\r\n').filter(Boolean)).toEqual(['id', '2', '3', '4']);
    expect((await runCli(['scan', staged.built.dir, '--from-snapshot', id('s1'), '--snapshot', id('s2')])).code).toBe(2);
  });
});
