import { afterAll, describe, expect, it } from 'vitest';
import { firstValueFrom, take, toArray } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { isIcebergScanError } from '../../../src/errors.ts';
import type { InputFile } from '../../../src/io/input-file.ts';
import type { ByteRegion } from '../../../src/read/memory-blob.ts';
import { readParquetTail, type ParquetTail } from '../../../src/read/parquet-footer.ts';
import { openWasmParquetFile, streamRowGroup, toArrowBatch } from '../../../src/read/parquet-wasm.ts';
import { MemoryBlob } from '../../../src/read/memory-blob.ts';
import { createWorkerDecoder, type IsolatedDecodeRequest } from '../../../src/read/worker/worker-decoder.ts';
import { sequenceTable, toParquetBytes } from '../../helpers/parquet-files.ts';

/** An in-memory InputFile over `bytes`. */
function memoryInput(bytes: Uint8Array, location = 'mem.parquet'): InputFile {
  return {
    location,
    length: async () => bytes.length,
    read: async (start, end) => bytes.slice(start, end),
  };
}

/** The reader's view of a file: its tail and, per row group, the projected column chunks (one region each). */
async function plan(bytes: Uint8Array): Promise<{ tail: ParquetTail; chunks: (k: number, columns: readonly string[]) => ByteRegion[] }> {
  const tail = await readParquetTail(memoryInput(bytes));
  const chunks = (k: number, columns: readonly string[]): ByteRegion[] =>
    tail.metadata.row_groups[k]!.columns
      .filter((c) => columns.includes(c.meta_data!.path_in_schema.join('.')))
      .map((c) => {
        const m = c.meta_data!;
        const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
        return { start, bytes: bytes.slice(start, start + Number(m.total_compressed_size)) };
      });
  return { tail, chunks };
}

function request(bytes: Uint8Array, tail: ParquetTail, regions: ByteRegion[], rowGroup: number, extra: Partial<IsolatedDecodeRequest> = {}): IsolatedDecodeRequest {
  return {
    path: 'mem.parquet',
    fileSize: bytes.length,
    tail: { start: tail.start, bytes: tail.bytes },
    regions,
    rowGroup,
    columns: ['id', 'name', 'x'],
    batchSize: 4096,
    ...extra,
  };
}

/** The in-process path the reader uses today. */
async function inProcess(bytes: Uint8Array, rowGroup: number, columns: readonly string[], batchSize: number, slice?: { offset: number; limit: number }): Promise<RecordBatch[]> {
  const file = await openWasmParquetFile(new MemoryBlob(bytes.length, [{ start: 0, bytes }]));
  try {
    const reader = await streamRowGroup(file, rowGroup, columns, batchSize, slice);
    const out: RecordBatch[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(toArrowBatch(r.value));
    return out;
  } finally {
    file.free();
  }
}

async function collect(it: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

const rowsOf = (batches: readonly RecordBatch[]) =>
  batches.map((b) => ({ n: b.numRows, cols: b.schema.fields.map((f, i) => [f.name, f.metadata.get('PARQUET:field_id'), b.getChildAt(i)!.toArray()]) }));

/** Bytes that crash parquet-wasm (a wasm trap): 64 bytes flipped in the middle of the data pages. */
function corrupt(bytes: Uint8Array): Uint8Array {
  const bad = bytes.slice();
  const mid = Math.floor(bytes.length * 0.5);
  for (let i = mid; i < mid + 64; i++) bad[i] = bad[i]! ^ 0xff;
  return bad;
}

const good = toParquetBytes(sequenceTable(30_000), 10_000);
const crashing = corrupt(toParquetBytes(sequenceTable(20_000), 20_000));
const pool = createWorkerDecoder({ size: 1, credit: 2 });
afterAll(() => pool.terminate());

describe('createWorkerDecoder', () => {
  it('decodes every row group exactly like the in-process path, from the tail plus transferred chunks', async () => {
    const { tail, chunks } = await plan(good);
    for (const k of [0, 1, 2]) {
      const regions = chunks(k, ['id', 'name', 'x']);
      const batches = await collect(pool.decodeRowGroupBatches(request(good, tail, regions, k)));
      expect(regions.every((r) => r.bytes.byteLength === 0)).toBe(true); // transferred, not copied
      expect(rowsOf(batches)).toEqual(rowsOf(await inProcess(good, k, ['id', 'name', 'x'], 4096)));
      expect(batches.map((b) => b.numRows)).toEqual([4096, 4096, 1808]);
    }
  });

  it('decodes a slice and a column subset like the in-process path; kept bytes are loaded only for a worker that lacks them', async () => {
    const { tail, chunks } = await plan(good);
    const path = 'slices.parquet';
    const load = async (): Promise<ByteRegion[]> => chunks(1, ['name']);
    const decode = (slice: { offset: number; limit: number }) =>
      collect(pool.decodeRowGroupBatches(request(good, tail, [], 1, { path, columns: ['name'], shared: { key: '1', load }, slice, batchSize: 1000 })));
    const before = { ...pool.stats };
    const first = await decode({ offset: 5000, limit: 3000 });
    expect(rowsOf(first)).toEqual(rowsOf(await inProcess(good, 1, ['name'], 1000, { offset: 5000, limit: 3000 })));
    expect(String(first[0]!.getChild('name')!.get(0))).toBe('name-15000');
    const second = await decode({ offset: 8000, limit: 2000 });
    expect(rowsOf(second)).toEqual(rowsOf(await inProcess(good, 1, ['name'], 1000, { offset: 8000, limit: 2000 })));
    // one tail and one load for both requests: the worker kept them
    expect(pool.stats.tailsSent - before.tailsSent).toBe(1);
    expect(pool.stats.sharedLoads - before.sharedLoads).toBe(1);
    pool.forget(path);
    expect(rowsOf(await decode({ offset: 0, limit: 1000 }))).toEqual(rowsOf(await inProcess(good, 1, ['name'], 1000, { offset: 0, limit: 1000 })));
    expect(pool.stats.tailsSent - before.tailsSent).toBe(2);
    expect(pool.stats.sharedLoads - before.sharedLoads).toBe(2);
    // the workers' wasm memory, as they report it (at least the one 64 KiB page every instance has)
    expect(pool.stats.maxWasmBytes).toBeGreaterThanOrEqual(65536);
    expect(pool.stats.maxWasmBytes % 65536).toBe(0);
  });

  it('keeps byte ranges of a first slice for the later slices of the row group (no load)', async () => {
    const { tail, chunks } = await plan(good);
    const path = 'kept.parquet';
    const regions = chunks(2, ['name']);
    const ranges = regions.map((r) => ({ start: r.start, end: r.start + r.bytes.byteLength }));
    const before = pool.stats.sharedLoads;
    const firstSlice = { offset: 0, limit: 1000 };
    await collect(pool.decodeRowGroupBatches(request(good, tail, regions, 2, { path, columns: ['name'], keep: { key: '2', ranges }, slice: firstSlice, batchSize: 1000 })));
    const load = async (): Promise<ByteRegion[]> => {
      throw new Error('must not be called');
    };
    const later = { offset: 6000, limit: 1500 };
    const batches = await collect(pool.decodeRowGroupBatches(request(good, tail, [], 2, { path, columns: ['name'], shared: { key: '2', load }, slice: later, batchSize: 1000 })));
    expect(rowsOf(batches)).toEqual(rowsOf(await inProcess(good, 2, ['name'], 1000, later)));
    expect(pool.stats.sharedLoads).toBe(before);
    pool.forget(path);
  });

  it('serves two announcements of the same kept bytes (the file forgotten in between) without a hang', async () => {
    const { tail, chunks } = await plan(good);
    const path = 'twice.parquet';
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowLoad = async (): Promise<ByteRegion[]> => {
      await gate;
      return chunks(1, ['name']);
    };
    const fastLoad = async (): Promise<ByteRegion[]> => chunks(1, ['name']);
    const first = { offset: 100, limit: 900 };
    const second = { offset: 2000, limit: 1000 };
    const decode = (slice: typeof first, load: () => Promise<ByteRegion[]>) =>
      collect(pool.decodeRowGroupBatches(request(good, tail, [], 1, { path, columns: ['name'], shared: { key: '1', load }, slice, batchSize: 1000 })));
    const a = decode(first, slowLoad);
    await new Promise((resolve) => setTimeout(resolve, 20)); // a's request is in the worker, waiting
    pool.forget(path);
    const b = decode(second, fastLoad); // announced again; its load arrives first
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect(rowsOf(await a)).toEqual(rowsOf(await inProcess(good, 1, ['name'], 1000, first)));
    expect(rowsOf(await b)).toEqual(rowsOf(await inProcess(good, 1, ['name'], 1000, second)));
    pool.forget(path);
  });

  it('fails the request with io_failed naming the file when kept bytes cannot be loaded', async () => {
    const { tail } = await plan(good);
    const load = async (): Promise<ByteRegion[]> => {
      throw new Error('disk gone');
    };
    const error = await collect(
      pool.decodeRowGroupBatches(request(good, tail, [], 1, { path: 'gone.parquet', columns: ['name'], shared: { key: '1', load }, slice: { offset: 10, limit: 10 } })),
    ).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'io_failed', path: 'gone.parquet' });
    expect(String((error as Error).message)).toMatch(/disk gone/);
    pool.forget('gone.parquet');
  });

  it('serves the Observable API with the same batches', async () => {
    const { tail, chunks } = await plan(good);
    const batches = await firstValueFrom(pool.decodeRowGroup(request(good, tail, chunks(2, ['id', 'name', 'x']), 2)).pipe(toArray()));
    expect(rowsOf(batches)).toEqual(rowsOf(await inProcess(good, 2, ['id', 'name', 'x'], 4096)));
  });

  it('turns a wasm panic into data_invalid naming the file, replaces the worker, and keeps decoding', async () => {
    const crashedBefore = pool.stats.crashed;
    const bad = request(crashing, { start: 0, bytes: crashing } as ParquetTail, [], 0, { path: 's3://b/t/data/bad.parquet' });
    const error = await collect(pool.decodeRowGroupBatches(bad)).then(() => undefined, (e: unknown) => e);
    expect(isIcebergScanError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'data_invalid', path: 's3://b/t/data/bad.parquet' });
    expect(pool.stats.crashed).toBe(crashedBefore + 1);
    const { tail, chunks } = await plan(good);
    const after = await collect(pool.decodeRowGroupBatches(request(good, tail, chunks(0, ['id', 'name', 'x']), 0)));
    expect(after.reduce((n, b) => n + b.numRows, 0)).toBe(10_000);
    expect(pool.workers).toBe(1);
  });

  it('fails a request that was waiting on the crashed worker with io_failed, not data_invalid', async () => {
    const { tail, chunks } = await plan(good);
    const innocent = pool.decodeRowGroupBatches(request(good, tail, chunks(0, ['id', 'name', 'x']), 0, { path: 'innocent.parquet', batchSize: 1000 }))[Symbol.asyncIterator]();
    expect((await innocent.next()).done).toBe(false); // started, paused for credit on the only worker
    const bad = request(crashing, { start: 0, bytes: crashing } as ParquetTail, [], 0, { path: 'bad.parquet' });
    await expect(collect(pool.decodeRowGroupBatches(bad))).rejects.toMatchObject({ code: 'data_invalid', path: 'bad.parquet' });
    const rest = await (async () => {
      for (;;) if ((await innocent.next()).done) return 'done';
    })().catch((e: unknown) => e);
    // Its two credited batches may already have arrived; the rest is lost with the worker.
    expect(rest).toMatchObject({ code: 'io_failed', path: 'innocent.parquet' });
  });

  it('never runs more than the credit window ahead of the consumer', async () => {
    const big = toParquetBytes(sequenceTable(40_000), 40_000);
    const { tail, chunks } = await plan(big);
    const before = pool.stats.batchesReceived;
    const it = pool.decodeRowGroupBatches(request(big, tail, chunks(0, ['id', 'name', 'x']), 0, { batchSize: 1000 }))[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 300));
    expect(pool.stats.batchesReceived - before).toBe(3); // 1 consumed + credit 2, out of 40
    await it.next();
    await new Promise((r) => setTimeout(r, 200));
    expect(pool.stats.batchesReceived - before).toBe(4);
    await it.return!();
  });

  it('cancels the worker stream on unsubscribe', async () => {
    const big = toParquetBytes(sequenceTable(40_000), 40_000);
    const { tail, chunks } = await plan(big);
    const received = pool.stats.batchesReceived;
    const done = pool.stats.requestsDone;
    const first = await firstValueFrom(pool.decodeRowGroup(request(big, tail, chunks(0, ['id', 'name', 'x']), 0, { batchSize: 1000 })).pipe(take(1)));
    expect(first.numRows).toBe(1000);
    await waitFor(() => pool.stats.requestsDone === done + 1);
    expect(pool.stats.batchesReceived - received).toBeLessThanOrEqual(3);
  });

  it('rejects with aborted when the signal aborts before or during the decode', async () => {
    const big = toParquetBytes(sequenceTable(40_000), 40_000);
    const { tail, chunks } = await plan(big);
    const aborted = AbortSignal.abort();
    await expect(collect(pool.decodeRowGroupBatches(request(big, tail, chunks(0, ['id']), 0), aborted))).rejects.toMatchObject({ code: 'aborted' });
    const controller = new AbortController();
    const done = pool.stats.requestsDone;
    const it = pool.decodeRowGroupBatches(request(big, tail, chunks(0, ['id', 'name', 'x']), 0, { batchSize: 1000 }), controller.signal)[Symbol.asyncIterator]();
    await it.next();
    controller.abort();
    await expect(it.next()).rejects.toMatchObject({ code: 'aborted', path: 'mem.parquet' });
    await waitFor(() => pool.stats.requestsDone === done + 1);
  });

  it('retires a worker past its wasm memory ceiling once idle', async () => {
    const small = createWorkerDecoder({ maxWasmBytes: 1 });
    try {
      const { tail, chunks } = await plan(good);
      await collect(small.decodeRowGroupBatches(request(good, tail, chunks(0, ['id']), 0, { columns: ['id'] })));
      await waitFor(() => small.stats.retired === 1);
      expect(small.workers).toBe(0);
      const again = await collect(small.decodeRowGroupBatches(request(good, tail, chunks(1, ['id']), 1, { columns: ['id'] })));
      expect(again.reduce((n, b) => n + b.numRows, 0)).toBe(10_000);
      expect(small.stats).toMatchObject({ spawned: 2, crashed: 0 });
    } finally {
      await small.terminate();
    }
  });
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}
