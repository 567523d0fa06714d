/**
 * A decode worker opens few jobs at once (their chunks copied into its memory), but never lets that
 * limit hold back the job the consumer waits for: a job earlier in scan order than every open one
 * opens even when the open ones are blocked on batches nobody has pulled yet. Without that, a scan
 * deadlocks (the consumer waits for the early job, the open jobs wait for the consumer).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DecodePool } from '../../../../src/read/decoder/decode-pool.ts';
import { sequenceTable } from '../../../helpers/parquet-files.ts';
import { jobOf, parquetFixture } from './decoder-files.ts';

const never = new AbortController().signal;
const pool = new DecodePool(1, 1); // one worker, one byte of decode-ahead: a job blocks after one unpulled batch
afterAll(() => pool.terminate());

const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms))]);

describe('decode worker scheduling', () => {
  it('opens a job earlier in scan order while two later open jobs wait for pulls', async () => {
    const file = parquetFixture('/data/order.parquet', sequenceTable(3000), 1000);
    // two later jobs (priorities 5 and 6), started and then left unpulled: both open and blocked
    const late = [5, 6].map((priority) => pool.decode({ ...jobOf(file, 1, { batchSize: 100 }), priority }, never));
    for (const j of late) expect((await within(j.next(), 10_000)).done).toBe(false);
    await new Promise((r) => setTimeout(r, 200)); // let both run ahead until blocked
    // the consumer now needs an earlier row group (priority 1)
    const early = pool.decode({ ...jobOf(file, 0, { batchSize: 100 }), priority: 1 }, never);
    const first = await within(early.next(), 10_000);
    expect(first.done).toBe(false);
    expect(first.value!.numRows).toBe(100);
    for (const j of [early, ...late]) await j.return!();
    expect(pool.activeJobs).toBe(0);
  });
});
