/**
 * The distributed scan end to end: a real redis-server, three worker processes, a shared fixture
 * table with position and equality deletes and a generated table of 42 files; one worker is
 * SIGKILLed while it holds a job (mid-write: its temporary file exists). The outputs must hold
 * exactly the rows of a local scan — count, checksum and the whole multiset — in one visible file
 * per task, with no temporary file left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadTable } from '../../src/table/load-table.ts';
import { dispatchScan, type ScanTaskResult } from '../../src/distributed/index.ts';
import { HAVE_ICEBERG_FIXTURES, ICEBERG_FIXTURES } from '../helpers/fixture-paths.ts';
import { redisUnavailable, startRedis, type RedisServer } from './redis-server.ts';
import {
  buildManyFileTable, filesIn, killWorker, readIpcOutputs, rowMultiset, startWorkerProcess, type WorkerProcess,
} from './distributed-helpers.ts';

const unavailable = redisUnavailable();
const FIXTURE = join(ICEBERG_FIXTURES, 'apache__impala', 'iceberg_v2_delete_both_eq_and_pos');

describe.skipIf(unavailable !== undefined)(`three worker processes over redis-server${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let redis: RedisServer;
  let root: string;
  let victim: WorkerProcess;
  let steady: WorkerProcess[] = [];
  const queue = 'scans';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'iceberg-rx-distributed-'));
    redis = await startRedis();
    // The victim reads slowly, so it is surely holding a job (its output half written) when killed.
    [victim, ...steady] = await Promise.all([
      startWorkerProcess(redis.url, queue, { SLOW_READS_MS: '300' }),
      startWorkerProcess(redis.url, queue),
      startWorkerProcess(redis.url, queue),
    ]);
  });

  afterAll(async () => {
    await Promise.all([victim, ...steady].filter(Boolean).map((w) => killWorker(w, 'SIGTERM')));
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test.skipIf(!HAVE_ICEBERG_FIXTURES)('a shared fixture table with position and equality deletes: exactly the local scan\'s rows', async () => {
    const table = await loadTable(FIXTURE);
    const local = rowMultiset([await table.scan().toTable()]);
    const tasks = await lastValueFrom(table.scan().planFiles().pipe(toArray()));
    expect(tasks.length).toBeGreaterThan(1);
    expect(tasks.some((t) => t.deletes.some((d) => d.content === 'equality_deletes'))).toBe(true);
    expect(tasks.some((t) => t.deletes.some((d) => d.content === 'position_deletes'))).toBe(true);

    const out = join(root, 'fixture-out');
    const results = await lastValueFrom(
      dispatchScan(table.scan(), { connection: redis.url, queue, output: { format: 'arrow', location: out }, pollIntervalMs: 250 }).pipe(toArray()),
    );
    expect(results).toHaveLength(tasks.length);
    expect(new Set(results.map((r) => r.jobId)).size).toBe(tasks.length);
    const distributed = rowMultiset(readIpcOutputs(out));
    expect(distributed.rows).toBe(local.rows);
    expect(distributed.checksum).toBe(local.checksum);
    expect(distributed.counts).toEqual(local.counts);
    expect(results.reduce((n, r) => n + r.rows, 0)).toBe(local.rows);
    expect(filesIn(out)).toEqual(results.map((r) => r.location!.split('/').at(-1)!).sort());
  });

  test('42 generated files, one worker SIGKILLed holding a job: its task is retried elsewhere, no duplicate, no partial file', async () => {
    const built = await buildManyFileTable(join(root, 'many'), 42);
    const table = await loadTable(built.metadataPath);
    const local = rowMultiset([await table.scan().toTable()]);
    expect(local.rows).toBe(42 * 600 - 4);
    const out = join(root, 'many-out');

    const seen = victim.lines.length;
    const dispatched = lastValueFrom(
      dispatchScan(table.scan(), { connection: redis.url, queue, output: { format: 'arrow', location: out }, pollIntervalMs: 250 }).pipe(toArray()),
    );
    const held = (await victim.waitFor(/^active /, 30_000, seen)).slice('active '.length);
    // Wait until its temporary output file exists: the kill then leaves a partial file behind.
    const deadline = Date.now() + 10_000;
    const victimTemp = (): string | undefined => filesIn(out).find((f) => f.startsWith('.') && f.includes(`.${victim.pid}-`) && f.endsWith('.tmp'));
    while (victimTemp() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(victimTemp()).toBeDefined();
    await killWorker(victim);
    expect(victim.lines).not.toContain(`completed ${held}`);

    const results: ScanTaskResult[] = await dispatched;
    expect(results).toHaveLength(42);
    expect(new Set(results.map((r) => r.jobId)).size).toBe(42);
    const retried = results.find((r) => r.jobId === held)!;
    expect(retried.attempt).toBeGreaterThanOrEqual(2);
    expect(retried.worker.endsWith(`:${victim.pid}`)).toBe(false);
    // Both remaining workers took part.
    expect(new Set(results.map((r) => r.worker)).size).toBeGreaterThanOrEqual(2);

    // One visible file per task, nothing else (the killed attempt's temporary file was removed).
    expect(filesIn(out)).toEqual(results.map((r) => r.location!.split('/').at(-1)!).sort());
    const distributed = rowMultiset(readIpcOutputs(out));
    expect(distributed.rows).toBe(local.rows);
    expect(distributed.checksum).toBe(local.checksum);
    expect(distributed.counts).toEqual(local.counts);
  });

  test('dispatching the same scan again adds no job and reports the finished tasks at once', async () => {
    const table = await loadTable(join(root, 'many'));
    const out = join(root, 'many-out');
    const again = await lastValueFrom(
      dispatchScan(table.scan(), { connection: redis.url, queue, output: { format: 'arrow', location: out }, pollIntervalMs: 250 }).pipe(toArray()),
    );
    expect(again).toHaveLength(42);
    // The same job ids as the first run, whose retried task kept its attempt count.
    expect(again.some((r) => r.attempt >= 2)).toBe(true);
    expect(filesIn(out).filter((f) => f.endsWith('.arrows'))).toHaveLength(42);
  });
});
