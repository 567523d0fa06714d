/**
 * Faults of a distributed scan against a real redis-server: a task failing with a data error fails
 * the scan after its attempt budget with the error's code and file; a Redis restart mid-scan is
 * survived by the workers and the dispatcher, and the scan completes with every row once.
 */
import { mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, take, tap, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { isIcebergScanError } from '../../src/errors.ts';
import { LocalFileIO } from '../../src/io/local-file-io.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { dispatchScan, runScanWorker, type ScanWorker } from '../../src/distributed/index.ts';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server.ts';
import { buildManyFileTable, filesIn, readIpcOutputs, rowMultiset } from './distributed-helpers.ts';
import { slowIO } from './slow-io.ts';
import { freePort } from '../s3/moto-server.ts';

const unavailable = redisUnavailable();

describe.skipIf(unavailable !== undefined)(`faults of a distributed scan${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let root: string;
  let redis: RedisServer | undefined;
  let workers: ScanWorker[] = [];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'iceberg-rx-faults-'));
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close({ handBackAfterMs: 0 })));
    workers = [];
    await redis?.stop();
    redis = undefined;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('a corrupt data file fails the scan after its attempt budget, with code data_invalid and the file', async () => {
    redis = await startRedis();
    const built = await buildManyFileTable(join(root, 'corrupt'), 6, 300);
    const bad = built.files.f3!.localPath;
    // Overwrite the middle of the file (its column chunks), keeping footer and size.
    const fd = openSync(bad, 'r+');
    const size = statSync(bad).size;
    writeSync(fd, Buffer.alloc(Math.floor(size / 3), 0x5a), 0, Math.floor(size / 3), Math.floor(size / 3));
    closeSync(fd);
    const failedAttempts: number[] = [];
    workers.push(runScanWorker({
      connection: redis.url, queue: 'q', read: { decodeWorkers: 0 },
      onTask: (e) => (e.type === 'failed' ? failedAttempts.push(e.failure.attempt) : undefined),
    }));
    const table = await loadTable(built.metadataPath);
    const error = await lastValueFrom(
      dispatchScan(table.scan(), { connection: redis.url, queue: 'q', output: { location: join(root, 'corrupt-out') }, attempts: 2, backoffMs: 50, pollIntervalMs: 200 }),
    ).then(() => undefined, (e: unknown) => e);
    expect(isIcebergScanError(error)).toBe(true);
    if (!isIcebergScanError(error)) return;
    expect(error.code).toBe('data_invalid');
    expect(error.path).toBe(built.files.f3!.path);
    expect(error.context.attempts).toBe(2);
    expect(error.message).toMatch(/failed after 2 attempt/);
    expect(failedAttempts).toEqual([1, 2]);
    // The failing task left no file, neither final nor temporary.
    expect(filesIn(join(root, 'corrupt-out')).filter((f) => f.includes(`part-00003-`))).toEqual([]);
  });

  test('Redis restarted mid-scan: workers and dispatcher reconnect and the scan completes with every row once', async () => {
    redis = await startRedis({ persist: true });
    const built = await buildManyFileTable(join(root, 'restart'), 16, 300);
    const slow = (ref: { location: string }) => loadTable(ref.location, { io: slowIO(new LocalFileIO(), 60) });
    for (let i = 0; i < 2; i++) {
      workers.push(runScanWorker({ connection: redis.url, queue: 'r', read: { decodeWorkers: 0 }, loadTable: slow, lockDuration: 3000, stalledInterval: 1000, maxStalledCount: 5 }));
    }
    const table = await loadTable(built.metadataPath);
    const local = rowMultiset([await table.scan().toTable()]);
    const out = join(root, 'restart-out');
    let restarted = false;
    const server = redis;
    const results = await lastValueFrom(
      dispatchScan(table.scan(), { connection: redis.url, queue: 'r', output: { location: out }, pollIntervalMs: 300 }).pipe(
        tap(() => {
          if (restarted) return;
          restarted = true;
          void server.restart(700);
        }),
        toArray(),
      ),
    );
    expect(restarted).toBe(true);
    expect(results).toHaveLength(16);
    expect(new Set(results.map((r) => r.jobId)).size).toBe(16);
    const distributed = rowMultiset(readIpcOutputs(out));
    expect(distributed.rows).toBe(local.rows);
    expect(distributed.counts).toEqual(local.counts);
    expect(filesIn(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('closing a worker with a grace period hands its running job back to the queue: another worker finishes it, no failed attempt', async () => {
    redis = await startRedis();
    const built = await buildManyFileTable(join(root, 'handback'), 3, 300);
    const events: string[] = [];
    const slowWorker = runScanWorker({
      connection: redis.url, queue: 'h', read: { decodeWorkers: 0 },
      loadTable: (ref) => loadTable(ref.location, { io: slowIO(new LocalFileIO(), 400) }),
      onTask: (e) => events.push(e.type),
    });
    workers.push(slowWorker);
    const table = await loadTable(built.metadataPath);
    const out = join(root, 'handback-out');
    const results = lastValueFrom(dispatchScan(table.scan(), { connection: redis.url, queue: 'h', output: { location: out }, pollIntervalMs: 200 }).pipe(toArray()));
    await new Promise<void>((resolve) => slowWorker.worker.once('active', () => resolve()));
    await slowWorker.close({ handBackAfterMs: 100 });
    expect(events).toEqual(['handed-back']);
    workers.push(runScanWorker({ connection: redis.url, queue: 'h', read: { decodeWorkers: 0 } }));
    const done = await results;
    expect(done).toHaveLength(3);
    expect(done.reduce((n, r) => n + r.rows, 0)).toBe(900 - 4);
    // Handed back, not failed: the slow worker recorded no failure, and the scan did not fail.
    expect(events).toEqual(['handed-back']);
    expect(filesIn(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('no Redis at the address: the dispatch fails with unavailable instead of waiting forever', async () => {
    const built = await buildManyFileTable(join(root, 'noredis'), 3, 30);
    const table = await loadTable(built.metadataPath);
    const port = await freePort();
    const started = Date.now();
    const error = await lastValueFrom(
      dispatchScan(table.scan(), { connection: `redis://127.0.0.1:${port}`, queue: 'x', output: { location: join(root, 'noredis-out') }, connectTimeoutMs: 500 }),
    ).then(() => undefined, (e: unknown) => e);
    expect(isIcebergScanError(error) && error.code).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
