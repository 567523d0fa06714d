/**
 * `iceberg-rx worker` and `iceberg-rx dispatch` as processes against a real redis-server: two
 * workers, a dispatch to Parquet files (read back with hyparquet: exactly the local scan's rows),
 * and SIGTERM closing each worker with exit code 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadTable } from '../../src/table/load-table.ts';
import { ROOT, spawnCli } from '../integration/cli-run.ts';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server.ts';
import { buildManyFileTable, filesIn } from './distributed-helpers.ts';
import { dispatchProgressLine } from '../../src/cli/dispatch-command.ts';

const unavailable = redisUnavailable();
const BIN = join(ROOT, 'bin', 'iceberg-rx.mjs');

function startCliWorker(url: string, queue: string): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'worker', '--redis', url, '--queue', queue, '--decode-workers', '0', '--grace', '5'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('waiting for tasks')) {
        clearTimeout(t);
        resolve({ child, stderr: () => err });
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  });
}

const key = (r: { id: unknown; name: unknown; v: unknown }): string => `${String(r.id)}|${String(r.name)}|${String(r.v)}`;

describe.skipIf(unavailable !== undefined)(`iceberg-rx dispatch and worker${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let redis: RedisServer;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'iceberg-rx-cli-dist-'));
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('two workers, dispatch to Parquet files: the local scan\'s rows; SIGTERM stops each worker with exit 0', async () => {
    const built = await buildManyFileTable(join(root, 't'), 12, 300);
    const table = await loadTable(built.metadataPath);
    const local = (await table.scan().toTable()).toArray().map((r) => key(r.toJSON() as { id: unknown; name: unknown; v: unknown })).sort();
    const workers = await Promise.all([startCliWorker(redis.url, 'cli'), startCliWorker(redis.url, 'cli')]);
    const out = join(root, 'out');
    const r = await spawnCli(['dispatch', join(root, 't'), '--redis', redis.url, '--queue', 'cli', '--out', out, '--format', 'parquet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(String(r.stdout)) as { tasks: number; rows: number; bytes: number };
    expect(summary.tasks).toBe(12);
    expect(summary.rows).toBe(local.length);

    const files = filesIn(out);
    expect(files).toHaveLength(12);
    expect(files.every((f) => /^part-\d{5}-[0-9a-f]{16}\.parquet$/.test(f))).toBe(true);
    const rows: string[] = [];
    for (const f of files) {
      const bytes = readFileSync(join(out, f));
      const objects = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, compressors });
      for (const o of objects) rows.push(key(o as { id: unknown; name: unknown; v: unknown }));
    }
    expect(rows.sort()).toEqual(local);
    expect(summary.bytes).toBe(files.reduce((n, f) => n + readFileSync(join(out, f)).byteLength, 0));

    for (const w of workers) {
      const exited = new Promise<number | null>((resolve) => w.child.once('exit', resolve));
      w.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(w.stderr()).toMatch(/worker: stopping/);
    }
  });

  test('dispatch without --redis is a usage error (exit 2)', async () => {
    const r = await spawnCli(['dispatch', join(root, 't'), '--out', join(root, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--redis <url> is required/);
  });

  test('the progress line: a bar over tasks, rows and bytes, cut to the terminal width', () => {
    expect(dispatchProgressLine(0, 8, 0, 0)).toBe(`[${'░'.repeat(20)}] 0/8 tasks · 0 rows · 0 B written`);
    expect(dispatchProgressLine(2, 8, 1234567, 3 * 1024 * 1024)).toBe(`[${'█'.repeat(5)}${'░'.repeat(15)}] 2/8 tasks · 1,234,567 rows · 3.0 MB written`);
    expect(dispatchProgressLine(8, 8, 1, 1, 30)).toHaveLength(29);
  });
});
