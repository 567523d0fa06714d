/**
 * `localDecoder` (decodeWorkers 0): the calling thread's decoder as a `RowGroupDecoder` — pulled
 * batches, cancellation, abort, and failures as `data_invalid` naming file and row group, with the
 * thread's host replacing its instance after a trap.
 */
import { describe, expect, it } from 'vitest';
import { isIcebergScanError, type IcebergScanError } from '../../../../src/errors.ts';
import { localDecoder, localDecoderHost } from '../../../../src/read/decoder/local-decoder.ts';
import { sequenceTable } from '../../../helpers/parquet-files.ts';
import { columnOf, drain, jobOf, parquetFixture, withBytes, withDictionaryEncodingClaimed } from './decoder-files.ts';

const never = new AbortController().signal;
const good = parquetFixture('/data/good.parquet', sequenceTable(400), 200, 25);
const base = parquetFixture('/data/panics.parquet', sequenceTable(400, 9000), 200, 25);
const panics = withBytes(base, withDictionaryEncodingClaimed(base, 1, 0));
const ids = (batches: Parameters<typeof columnOf>[0]): number[] => columnOf(batches, 'id').map((v) => Number(String(v).replace(/n$/, '')));
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

describe('localDecoder', () => {
  it('decodes a row group in batches and calls onDecoded once at its end', async () => {
    let decoded = 0;
    const batches = await drain(localDecoder.decode(jobOf(good, 1, { batchSize: 64, onDecoded: () => decoded++ }), never));
    expect(batches.map((b) => b.numRows)).toEqual([64, 64, 64, 8]);
    expect(ids(batches)).toEqual(range(200, 200));
    expect(decoded).toBe(1);
  });

  it('return() ends the job and calls onDecoded; later pulls are done', async () => {
    let decoded = 0;
    const it = localDecoder.decode(jobOf(good, 0, { batchSize: 10, onDecoded: () => decoded++ }), never);
    await it.next();
    await it.return!();
    expect(decoded).toBe(1);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('an aborted signal fails the next pull with aborted naming the file', async () => {
    const controller = new AbortController();
    const it = localDecoder.decode(jobOf(good, 0, { batchSize: 10 }), controller.signal);
    await it.next();
    controller.abort();
    expect(await rejection(it.next())).toMatchObject({ code: 'aborted', path: good.path });
  });

  it('a trap fails the job as data_invalid naming file and row group; the thread decodes on with a fresh instance', async () => {
    const host = await localDecoderHost();
    const resets = host.resets;
    const error = await rejection(drain(localDecoder.decode(jobOf(panics, 1), never)));
    expect(error).toMatchObject({ code: 'data_invalid', path: panics.path, context: { rowGroup: 1 } });
    expect(error.message).toMatch(/the Parquet decoder trapped in row group 1/);
    expect(host.resets).toBe(resets + 1);
    expect(ids(await drain(localDecoder.decode(jobOf(good, 1), never)))).toEqual(range(200, 200));
    expect(ids(await drain(localDecoder.decode(jobOf(panics, 0), never)))).toEqual(range(9000, 200));
  });

  it('a reported error is data_invalid too, and no reset', async () => {
    const host = await localDecoderHost();
    const resets = host.resets;
    const job = jobOf(good, 0);
    const error = await rejection(drain(localDecoder.decode({ ...job, leaves: Uint32Array.of(7), regions: [] }, never)));
    expect(error).toMatchObject({ code: 'data_invalid', path: good.path, context: { rowGroup: 0 } });
    expect(error.message).toMatch(/cannot decode Parquet data in row group 0: leaf column 7 does not exist/);
    expect(host.resets).toBe(resets);
  });
});
