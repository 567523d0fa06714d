/**
 * `DecodePool` against real decode workers: batches equal to the calling thread's decoder, the
 * read-ahead bound, cancellation (`return()`, abort) freeing the job, a trapped or crashed worker
 * failing only its job (typed, naming file and row group) while the pool goes on decoding, and
 * `terminate()` leaving no live worker. Workers are captured as they start (`startDecodeWorker`
 * wrapped) so a test can crash one and see every one exit.
 */
import type { Worker } from 'node:worker_threads';
import type { RecordBatch } from 'apache-arrow';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isIcebergScanError, type IcebergScanError } from '../../../../src/errors.ts';
import { DecodePool } from '../../../../src/read/decoder/decode-pool.ts';
import { localDecoder } from '../../../../src/read/decoder/local-decoder.ts';
import type { DecodeJob } from '../../../../src/read/decoder/row-group-decoder.ts';
import { makeTable, sequenceTable } from '../../../helpers/parquet-files.ts';
import { sleep } from '../../../helpers/scan-fixtures.ts';
import {
  columnOf, drain, everyTypeTable, jobOf, parquetFixture, rowsOf, shapeOf, withBytes, withDictionaryEncodingClaimed,
} from './decoder-files.ts';

const workers = vi.hoisted(() => ({ started: [] as Worker[], exited: [] as Array<Promise<unknown>> }));
vi.mock(import('../../../../src/read/decoder/start-worker.ts'), async (importOriginal) => {
  const actual = await importOriginal();
  return {
    ...actual,
    startDecodeWorker: () => {
      const worker = actual.startDecodeWorker();
      workers.started.push(worker);
      workers.exited.push(new Promise((resolve) => worker.once('exit', resolve)));
      return worker;
    },
  };
});

const pools: DecodePool[] = [];
const pool = (size: number, aheadBytes?: number): DecodePool => {
  const p = new DecodePool(size, aheadBytes);
  pools.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.terminate()));
});

const never = new AbortController().signal;

/** Waits until `done()` holds (polling), failing after `ms`. */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !done(); await sleep(10)) {
    if (Date.now() > end) throw new Error('condition not reached in time');
  }
}
const ids = (batches: readonly RecordBatch[]): number[] => columnOf(batches, 'id').map((v) => Number(String(v).replace(/n$/, '')));
const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

async function rejection(p: Promise<unknown>): Promise<IcebergScanError> {
  try {
    await p;
  } catch (error) {
    expect(isIcebergScanError(error), `not an IcebergScanError: ${error}`).toBe(true);
    return error as IcebergScanError;
  }
  throw new Error('expected a rejection');
}

const good = parquetFixture('/data/good.parquet', sequenceTable(1000), 250, 25);
const panicsBase = parquetFixture('/data/panics.parquet', sequenceTable(300, 5000), 100, 20);
const panics = withBytes(panicsBase, withDictionaryEncodingClaimed(panicsBase, 1, 0));

describe('DecodePool: decoding', () => {
  it('decodes every row group of every column type as the calling thread does, jobs side by side', async () => {
    const file = parquetFixture('/data/every-type.parquet', everyTypeTable(300), 100);
    const p = pool(2);
    const selection = Uint32Array.of(3, 10, 40, 7, 40);
    const jobs = (): DecodeJob[] => [0, 1, 2].map((k) => jobOf(file, k, { batchSize: 32, ...(k === 1 ? { selection } : {}) }));
    const inPool = await Promise.all(jobs().map((j) => drain(p.decode(j, never))));
    const local = await Promise.all(jobs().map((j) => drain(localDecoder.decode(j, never))));
    expect(inPool.map((bs) => bs.map((b) => b.numRows))).toEqual(local.map((bs) => bs.map((b) => b.numRows)));
    expect(inPool[1]!.reduce((n, b) => n + b.numRows, 0)).toBe(83);
    for (const [k, batches] of inPool.entries()) {
      for (const b of batches) expect(b.schema.fields.map(shapeOf)).toEqual(local[k]![0]!.schema.fields.map(shapeOf));
      expect(rowsOf(batches)).toEqual(rowsOf(local[k]!));
    }
    expect(p.stats).toMatchObject({ jobs: 3, batches: inPool.flat().length, crashed: 0 });
    expect(p.stats.spawned).toBeLessThanOrEqual(2);
    expect(p.stats.maxWasmBytes).toBeGreaterThan(0);
    expect(p.activeJobs).toBe(0);
  });

  it('calls onDecoded once per job, when its last batch is decoded', async () => {
    const p = pool(1);
    let decoded = 0;
    const batches = await drain(p.decode(jobOf(good, 2, { batchSize: 100, onDecoded: () => decoded++ }), never));
    expect(ids(batches)).toEqual(range(500, 250));
    expect(decoded).toBe(1);
  });

  it('decodes at most aheadBytes ahead of the pulls (and one batch at least)', async () => {
    const p = pool(1, 1);
    const it = p.decode(jobOf(good, 0, { batchSize: 10 }), never);
    expect(ids([(await it.next()).value!])).toEqual(range(0, 10));
    await until(() => p.stats.batches >= 2);
    await sleep(300);
    // one batch pulled, the one after it decoded ahead: 25 batches would be there unbounded
    expect(p.stats.batches).toBe(2);
    expect(ids([(await it.next()).value!])).toEqual(range(10, 10));
    await it.return!();
  });
});

describe('DecodePool: cancelling frees the job', () => {
  it('return() frees the job (activeJobs back to 0) and the worker decodes the next job', async () => {
    const p = pool(1, 1);
    let decoded = 0;
    const it = p.decode(jobOf(good, 0, { batchSize: 10, onDecoded: () => decoded++ }), never);
    await it.next();
    expect(p.activeJobs).toBe(1);
    expect(await it.return!()).toEqual({ done: true, value: undefined });
    expect(p.activeJobs).toBe(0);
    expect(decoded).toBe(1);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(ids(await drain(p.decode(jobOf(good, 1), never)))).toEqual(range(250, 250));
    expect(p.stats.spawned).toBe(1);
  });

  it('aborting the signal fails the job with aborted and frees it', async () => {
    const p = pool(1, 1);
    const controller = new AbortController();
    const it = p.decode(jobOf(good, 0, { batchSize: 10 }), controller.signal);
    await it.next();
    expect(p.activeJobs).toBe(1);
    controller.abort();
    expect(p.activeJobs).toBe(0);
    const error = await rejection(it.next());
    expect(error.code).toBe('aborted');
    expect(error.path).toBe(good.path);
    expect(ids(await drain(p.decode(jobOf(good, 3), never)))).toEqual(range(750, 250));
  });

  it('a signal aborted before the first pull starts no job', async () => {
    const p = pool(1);
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(p.decode(jobOf(good, 0), controller.signal).next());
    expect(error.code).toBe('aborted');
    expect(p.stats.jobs).toBe(0);
    expect(p.activeJobs).toBe(0);
  });

  it('aborting while a pull waits for the worker ends that pull with aborted', async () => {
    const p = pool(1, 1);
    const controller = new AbortController();
    const it = p.decode(jobOf(good, 0, { batchSize: 10 }), controller.signal);
    await it.next();
    await until(() => p.stats.batches >= 2); // the batch decoded ahead arrives
    await it.next(); // taken from the queue: the worker now decodes the next one
    expect(p.stats.batches).toBe(2);
    const pending = it.next(); // nothing queued (no message can arrive between these lines): it waits
    controller.abort();
    expect((await rejection(pending)).code).toBe('aborted');
    expect(p.activeJobs).toBe(0);
  });
});

describe('DecodePool: failures fail only their job', () => {
  it('a trap in the worker fails the job as data_invalid naming file and row group; the same worker decodes on', async () => {
    const p = pool(1);
    expect(ids(await drain(p.decode(jobOf(panics, 0), never)))).toEqual(range(5000, 100));
    const error = await rejection(drain(p.decode(jobOf(panics, 1), never)));
    expect(error.code).toBe('data_invalid');
    expect(error.path).toBe(panics.path);
    expect(error.context).toMatchObject({ rowGroup: 1 });
    expect(error.message).toMatch(/trapped in row group 1/);
    expect(p.activeJobs).toBe(0);
    expect(ids(await drain(p.decode(jobOf(good, 1), never)))).toEqual(range(250, 250));
    expect(ids(await drain(p.decode(jobOf(panics, 2), never)))).toEqual(range(5200, 100));
    expect(p.stats).toMatchObject({ spawned: 1, crashed: 0 });
  });

  it('a job sharing the worker with a trapping one fails too (its decoder state is gone), as data_invalid', async () => {
    const p = pool(1, 1);
    const bystander = p.decode(jobOf(good, 0, { batchSize: 10 }), never);
    await bystander.next();
    await rejection(drain(p.decode(jobOf(panics, 1), never)));
    const error = await rejection(drain(bystander));
    expect(error).toMatchObject({ code: 'data_invalid', path: good.path, context: { rowGroup: 0 } });
    expect(p.activeJobs).toBe(0);
  });

  it('a reported decoder error (a column chunk missing) is data_invalid naming file and row group', async () => {
    const p = pool(1);
    const job = jobOf(good, 2);
    const error = await rejection(drain(p.decode({ ...job, regions: job.regions.slice(1) }, never)));
    expect(error).toMatchObject({ code: 'data_invalid', path: good.path, context: { rowGroup: 2 } });
    expect(error.message).toMatch(/cannot decode Parquet data in row group 2: .*not in the regions/);
  });

  it('a crashed worker fails its job as data_invalid naming file and row group, and the pool decodes on', async () => {
    const p = pool(1, 1);
    const from = workers.started.length;
    const it = p.decode(jobOf(good, 1, { batchSize: 10 }), never);
    await it.next();
    const worker = workers.started[from]!;
    // A real crash: the worker's message handler throws (no module to instantiate), uncaught.
    worker.postMessage({ kind: 'init', module: 42 });
    await workers.exited[from];
    const error = await rejection(drain(it));
    expect(error.path).toBe(good.path);
    expect(error.context).toMatchObject({ rowGroup: 1 });
    expect(p.stats.crashed).toBe(1);
    expect(p.activeJobs).toBe(0);
    expect(ids(await drain(p.decode(jobOf(good, 2), never)))).toEqual(range(500, 250));
    expect(p.stats.spawned).toBe(2);
    // The contract of RowGroupDecoder (row-group-decoder.ts) and the decode pool's module comment:
    // failures are data_invalid naming the file and row group.
    expect(error.code).toBe('data_invalid');
  });
});

describe('DecodePool: terminate', () => {
  it('terminate() leaves no live worker, and jobs in flight fail with aborted', async () => {
    const p = pool(2, 1);
    const from = workers.started.length;
    const a = p.decode(jobOf(good, 0, { batchSize: 10 }), never);
    const b = p.decode(jobOf(good, 1, { batchSize: 10 }), never);
    await Promise.all([a.next(), b.next()]);
    expect(p.workers).toBe(2);
    await p.terminate();
    expect(p.workers).toBe(0);
    const mine = workers.started.slice(from);
    expect(mine).toHaveLength(2);
    await Promise.all(workers.exited.slice(from));
    for (const w of mine) expect(w.threadId).toBe(-1);
    for (const it of [a, b]) expect((await rejection(drain(it))).code).toBe('aborted');
  });

  it('every worker any pool of this file started has exited once the pools are terminated', async () => {
    await Promise.all(pools.map((p) => p.terminate()));
    await Promise.all(workers.exited);
    expect(workers.started.every((w) => w.threadId === -1)).toBe(true);
  });
});

describe('DecodePool: dictionary columns', () => {
  it('a dictionary column (ARROW:schema) decodes in the pool as on the calling thread', async () => {
    const table = makeTable([
      { name: 'id', fieldId: 1, vector: arrow.makeVector(BigInt64Array.from({ length: 6 }, (_, i) => BigInt(i))), nullable: false },
      { name: 'd', fieldId: 2, vector: arrow.vectorFromArray(['a', 'b', null, 'a', 'c', 'b']) },
    ]);
    const file = parquetFixture('/data/dictionary.parquet', table, 6);
    expect(columnOf(await drain(localDecoder.decode(jobOf(file, 0), never)), 'd')).toEqual(['a', 'b', null, 'a', 'c', 'b']);
    // arrow-js-ffi builds malformed Dictionary types (a Field for the value type), which could not
    // cross between threads: the decoder reads dictionaries as their values (wasm-decoder.test.ts).
    const inPool = await drain(pool(1).decode(jobOf(file, 0), never));
    expect(columnOf(inPool, 'd')).toEqual(['a', 'b', null, 'a', 'c', 'b']);
  });
});
