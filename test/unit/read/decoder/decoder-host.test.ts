/**
 * `DecoderHost`: the parsed footers it keeps (reused by key, evicted least recently used beyond 16
 * unreferenced ones, dropped by `forget`), and its replacement of a trapped instance — `resets`
 * counts it, row groups of the old instance fail with a plain error, the next job decodes correctly.
 */
import type { RecordBatch } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecoderHost, type HostedJob, type HostedRowGroup } from '../../../../src/read/decoder/decoder-host.ts';
import { decoderModule } from '../../../../src/read/decoder/decoder-module.ts';
import { DecoderError } from '../../../../src/read/decoder/wasm-decoder.ts';
import { sequenceTable } from '../../../helpers/parquet-files.ts';
import { columnOf, jobOf, parquetFixture, withBytes, withDictionaryEncodingClaimed, type ParquetFixture } from './decoder-files.ts';

let module: WebAssembly.Module;
let good: ParquetFixture;
let panics: ParquetFixture;
beforeAll(async () => {
  module = await decoderModule();
  good = parquetFixture('good.parquet', sequenceTable(300), 100, 20);
  const base = parquetFixture('panics.parquet', sequenceTable(300, 5000), 100, 20);
  panics = withBytes(base, withDictionaryEncodingClaimed(base, 1, 0));
});

function all(rowGroup: HostedRowGroup): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (let b = rowGroup.next(); b !== undefined; b = rowGroup.next()) out.push(b);
  return out;
}

const ids = (batches: readonly RecordBatch[]): number[] => columnOf(batches, 'id').map((v) => Number(String(v).replace(/n$/, '')));
const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

/** The job with its tail replaced by garbage: only a kept footer lets it decode. */
function withGarbageTail(job: HostedJob): HostedJob {
  return { ...job, tail: { start: job.tail.start, bytes: job.tail.bytes.map(() => 0x55) } };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('DecoderHost: footers kept by file key', () => {
  it('decodes each row group of a file with the footer parsed once', () => {
    const host = new DecoderHost(module);
    expect(ids(all(host.open(jobOf(good, 0))))).toEqual(range(0, 100));
    // The footer is kept under the file key: a job whose tail is garbage still decodes.
    expect(ids(all(host.open(withGarbageTail(jobOf(good, 1)))))).toEqual(range(100, 100));
    expect(ids(all(host.open(withGarbageTail(jobOf(good, 2, { batchSize: 7 })))))).toEqual(range(200, 100));
  });

  it('forget() drops the footer, so the tail is parsed again', () => {
    const host = new DecoderHost(module);
    all(host.open(jobOf(good, 0)));
    host.forget(jobOf(good, 0).fileKey);
    const error = thrown(() => host.open(withGarbageTail(jobOf(good, 1))));
    expect(error).toBeInstanceOf(DecoderError);
    expect(error).toMatchObject({ trapped: false });
    expect(host.resets).toBe(0);
  });

  it('forget() keeps the footer of a file with an open row group', () => {
    const host = new DecoderHost(module);
    const open = host.open(jobOf(good, 0, { batchSize: 10 }));
    expect(open.next()!.numRows).toBe(10);
    host.forget(jobOf(good, 0).fileKey);
    expect(ids(all(host.open(withGarbageTail(jobOf(good, 2)))))).toEqual(range(200, 100));
    expect(ids(all(open))).toEqual(range(10, 90));
  });

  it('keeps the 16 most recently used footers', () => {
    const host = new DecoderHost(module);
    const files = Array.from({ length: 17 }, (_, i) => ({ ...good, path: `file-${i}.parquet` }));
    for (const f of files) all(host.open(jobOf(f, 0)));
    // file-0 was evicted; file-16 (most recent) and file-1 are kept.
    expect(thrown(() => host.open(withGarbageTail(jobOf(files[0]!, 1))))).toBeInstanceOf(DecoderError);
    expect(ids(all(host.open(withGarbageTail(jobOf(files[16]!, 1)))))).toEqual(range(100, 100));
    expect(ids(all(host.open(withGarbageTail(jobOf(files[1]!, 1)))))).toEqual(range(100, 100));
  });

  it('a bad request is a reported error: the instance and its footers stay', () => {
    const host = new DecoderHost(module);
    all(host.open(jobOf(good, 0)));
    const error = thrown(() => host.open({ ...jobOf(good, 1), rowGroup: 9 }));
    expect(error).toMatchObject({ name: 'DecoderError', trapped: false, message: expect.stringMatching(/row group 9 does not exist/) });
    expect(host.resets).toBe(0);
    expect(ids(all(host.open(withGarbageTail(jobOf(good, 1)))))).toEqual(range(100, 100));
  });
});

describe('DecoderHost: a trap replaces the instance', () => {
  it('the trapping job fails with a trapped DecoderError and resets goes to 1; the next job decodes correctly', () => {
    const host = new DecoderHost(module);
    expect(ids(all(host.open(jobOf(panics, 0))))).toEqual(range(5000, 100));
    const before = host.memoryBytes;
    const rowGroup = host.open(jobOf(panics, 1));
    const error = thrown(() => rowGroup.next());
    expect(error).toBeInstanceOf(DecoderError);
    expect(error).toMatchObject({ trapped: true, message: expect.stringMatching(/decoder trapped/) });
    expect(host.resets).toBe(1);
    expect(() => rowGroup.next()).toThrow(DecoderError); // its instance is gone
    rowGroup.close();
    expect(host.memoryBytes).toBeLessThanOrEqual(before); // a fresh instance
    expect(ids(all(host.open(jobOf(good, 2))))).toEqual(range(200, 100));
    expect(ids(all(host.open(jobOf(panics, 2))))).toEqual(range(5200, 100));
    expect(host.resets).toBe(1);
  });

  it('row groups open in the trapped instance fail with a plain DecoderError; footers are parsed again', () => {
    const host = new DecoderHost(module);
    const bystander = host.open(jobOf(good, 0, { batchSize: 10 }));
    expect(bystander.next()!.numRows).toBe(10);
    expect(thrown(() => all(host.open(jobOf(panics, 1))))).toMatchObject({ trapped: true });
    const error = thrown(() => bystander.next());
    expect(error).toMatchObject({ name: 'DecoderError', trapped: false, message: expect.stringMatching(/reset after a trap/) });
    bystander.close(); // closing a dead row group is harmless
    // The kept footers went with the old instance.
    expect(thrown(() => host.open(withGarbageTail(jobOf(good, 1))))).toMatchObject({ trapped: false });
    expect(ids(all(host.open(jobOf(good, 1))))).toEqual(range(100, 100));
  });

  it('each trap is one reset, and the host keeps working after several', () => {
    const host = new DecoderHost(module);
    for (let i = 1; i <= 3; i++) {
      expect(thrown(() => all(host.open(jobOf(panics, 1))))).toMatchObject({ trapped: true });
      expect(host.resets).toBe(i);
      expect(ids(all(host.open(jobOf(good, i - 1))))).toEqual(range((i - 1) * 100, 100));
    }
  });
});
