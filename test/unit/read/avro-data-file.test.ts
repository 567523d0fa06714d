import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import avsc from 'avsc';
import { Field, type RecordBatch } from 'apache-arrow';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { deflateRawSync } from 'node:zlib';
import { makeTempDir, type TempDir } from '../../helpers/parquet-files.ts';
import { dataTask, readContext } from '../../helpers/scan-fixtures.ts';
import { readAvroDataFile } from '../../../src/read/avro/read-avro-data-file.ts';
import { createProjectionPlanner } from '../../../src/projection/create-projection-planner.ts';
import { schemaFromWire, type Schema } from '../../../src/metadata/schema.ts';
import { encodeColumnJson, jsonEncoderFor } from '../../../src/format/json-encoder.ts';
import { CountingFileIO } from '../../../src/io/input-file.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import type { FileScanTask } from '../../../src/task/file-scan-task.ts';
import { isIcebergScanError } from '../../../src/errors.ts';
import { BigIntLongType as exactLong } from '../../../src/metadata/avro-long.ts';
import { encodeVerbatim } from '../../builder/avro-file.ts';

// ---- writing Avro data files (as Iceberg's Java writer lays out their schemas) ----


/** Literal-only snappy stream (valid Snappy; enough to exercise the decoder) + 4-byte CRC. */
function snappyLiteral(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let n = data.length;
  const len: number[] = [];
  do { len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0)); n >>>= 7; } while (n > 0);
  parts.push(Buffer.from(len));
  for (let at = 0; at < data.length; at += 65536) {
    const chunk = data.subarray(at, at + 65536);
    const head = Buffer.alloc(3);
    head[0] = 61 << 2;
    head.writeUInt16LE(chunk.length - 1, 1);
    parts.push(head, chunk);
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

/** A zstd frame holding one raw (uncompressed) block. */
function zstdRaw(data: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUInt32LE(0xfd2fb528, 0);
  head[4] = 0xa0; // single segment, 4-byte content size
  head.writeUInt32LE(data.length, 5);
  const block = Buffer.alloc(3);
  const h = 1 | (data.length << 3);
  block[0] = h & 0xff; block[1] = (h >> 8) & 0xff; block[2] = (h >> 16) & 0xff;
  return Buffer.concat([head, block, data]);
}

const codecs = {
  null: (b: Buffer, cb: (e: Error | null, out?: Buffer) => void) => cb(null, b),
  deflate: (b: Buffer, cb: (e: Error | null, out?: Buffer) => void) => cb(null, deflateRawSync(b)),
  snappy: (b: Buffer, cb: (e: Error | null, out?: Buffer) => void) => cb(null, snappyLiteral(b)),
  zstandard: (b: Buffer, cb: (e: Error | null, out?: Buffer) => void) => cb(null, zstdRaw(b)),
  xz: (b: Buffer, cb: (e: Error | null, out?: Buffer) => void) => cb(null, b), // header only matters
};

/** Encodes a container file with `schema` written verbatim into the header (field ids kept). */
function encodeAvro(schema: unknown, records: readonly unknown[], codec: keyof typeof codecs = 'deflate', blockSize = 65536): Promise<Buffer> {
  const type = avsc.Type.forSchema(schema as avsc.Schema, {
    registry: { long: exactLong } as never,
    typeHook: (s: unknown) => ((s as { type?: unknown } | null)?.type === 'long' ? exactLong : undefined),
    wrapUnions: false,
  } as never);
  return encodeVerbatim(type, schema, records, { codec, codecs, blockSize });
}

// ---- the table: every primitive type, a struct, a list and both map encodings ----

const opt = (t: unknown) => ['null', t];
const AVRO_SCHEMA = {
  type: 'record', name: 'table', fields: [
    { name: 'id', type: 'long', 'field-id': 1 },
    { name: 'b', type: opt('boolean'), default: null, 'field-id': 2 },
    { name: 'i', type: opt('int'), default: null, 'field-id': 3 },
    { name: 'l', type: opt('long'), default: null, 'field-id': 4 },
    { name: 'f', type: opt('float'), default: null, 'field-id': 5 },
    { name: 'd', type: opt('double'), default: null, 'field-id': 6 },
    { name: 's', type: opt('string'), default: null, 'field-id': 7 },
    { name: 'bin', type: opt('bytes'), default: null, 'field-id': 8 },
    { name: 'dec', type: opt({ type: 'fixed', name: 'decimal_9_2', size: 4, logicalType: 'decimal', precision: 9, scale: 2 }), default: null, 'field-id': 9 },
    { name: 'date', type: opt({ type: 'int', logicalType: 'date' }), default: null, 'field-id': 10 },
    { name: 'time', type: opt({ type: 'long', logicalType: 'time-micros' }), default: null, 'field-id': 11 },
    { name: 'ts', type: opt({ type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false }), default: null, 'field-id': 12 },
    { name: 'tstz', type: opt({ type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true }), default: null, 'field-id': 13 },
    { name: 'u', type: opt({ type: 'fixed', name: 'uuid_fixed', size: 16, logicalType: 'uuid' }), default: null, 'field-id': 14 },
    { name: 'fx', type: opt({ type: 'fixed', name: 'fixed_3', size: 3 }), default: null, 'field-id': 15 },
    { name: 'st', type: opt({ type: 'record', name: 'r16', fields: [
      { name: 'x', type: 'int', 'field-id': 17 },
      { name: 'y', type: opt('string'), default: null, 'field-id': 18 },
    ] }), default: null, 'field-id': 16 },
    { name: 'lst', type: opt({ type: 'array', items: opt('int'), 'element-id': 20 }), default: null, 'field-id': 19 },
    { name: 'm', type: opt({ type: 'map', values: opt('int'), 'key-id': 22, 'value-id': 23 }), default: null, 'field-id': 21 },
    { name: 'km', type: opt({ type: 'array', logicalType: 'map', items: { type: 'record', name: 'k24_v25', fields: [
      { name: 'key', type: 'int', 'field-id': 24 },
      { name: 'value', type: opt('string'), default: null, 'field-id': 25 },
    ] } }), default: null, 'field-id': 26 },
    { name: 'dec2', type: opt({ type: 'bytes', logicalType: 'decimal', precision: 20, scale: 3 }), default: null, 'field-id': 27 },
  ],
};

const field = (id: number, name: string, type: unknown, required = false, extra: Record<string, unknown> = {}) => ({ id, name, type, required, ...extra });
const ICEBERG_FIELDS = [
  field(1, 'id', 'long', true), field(2, 'b', 'boolean'), field(3, 'i', 'int'), field(4, 'l', 'long'), field(5, 'f', 'float'),
  field(6, 'd', 'double'), field(7, 's', 'string'), field(8, 'bin', 'binary'), field(9, 'dec', 'decimal(9, 2)'),
  field(10, 'date', 'date'), field(11, 'time', 'time'), field(12, 'ts', 'timestamp'), field(13, 'tstz', 'timestamptz'),
  field(14, 'u', 'uuid'), field(15, 'fx', 'fixed[3]'),
  field(16, 'st', { type: 'struct', fields: [field(17, 'x', 'int', true), field(18, 'y', 'string')] }),
  field(19, 'lst', { type: 'list', 'element-id': 20, element: 'int', 'element-required': false }),
  field(21, 'm', { type: 'map', 'key-id': 22, key: 'string', 'value-id': 23, value: 'int', 'value-required': false }),
  field(26, 'km', { type: 'map', 'key-id': 24, key: 'int', 'value-id': 25, value: 'string', 'value-required': false }),
  field(27, 'dec2', 'decimal(20, 3)'),
];
const schemaOf = (fields: unknown[]): Schema => schemaFromWire({ type: 'struct', 'schema-id': 0, fields } as never);

const UUID = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const FULL = {
  id: 2n ** 62n + 1n, b: true, i: -7, l: -(2n ** 60n), f: 1.5, d: -2.25, s: 'héllo', bin: Buffer.from([0, 255]),
  dec: Buffer.from([0xff, 0xff, 0xff, 0x85]), // -123 → -1.23
  date: 19_000, time: 3_600_000_001n, ts: 1_700_000_000_000_000n, tstz: -1n, u: UUID, fx: Buffer.from('abc'),
  st: { x: 5, y: null }, lst: [1, null, 3], m: { a: 1, b: null }, km: [{ key: 7, value: 'seven' }],
  dec2: Buffer.from([0x01, 0x00]), // 256 → 0.256
};
const NULLS = {
  id: 1n, b: null, i: null, l: null, f: null, d: null, s: null, bin: null, dec: null, date: null, time: null, ts: null, tstz: null,
  u: null, fx: null, st: null, lst: null, m: null, km: null, dec2: null,
};

let dir: TempDir;
beforeAll(async () => { dir = await makeTempDir('iceberg-rx-avro-'); });
afterAll(() => dir.cleanup());

async function writeAvro(name: string, schema: unknown, records: readonly unknown[], codec: keyof typeof codecs = 'deflate', blockSize?: number) {
  const bytes = await encodeAvro(schema, records, codec, blockSize);
  const path = await dir.write(name, bytes);
  return { path, size: bytes.length, rows: records.length };
}

function avroTask(file: { path: string; size: number; rows: number }, split?: { start: number; length: number }): FileScanTask {
  const t = dataTask(file.path, file.size, file.rows, split);
  return { ...t, dataFile: { ...t.dataFile, format: 'avro' } };
}

function read(task: FileScanTask, schema: Schema, opts: { select?: string[]; batchSize?: number; io?: CountingFileIO; signal?: AbortSignal } = {}) {
  const projection = createProjectionPlanner({ schema, ...(opts.select ? { select: opts.select } : {}), formatVersion: 3 });
  const ctx = readContext(opts.io ?? new LocalFileIO(), projection, opts.batchSize ?? 1024, opts.signal);
  return { ctx, batches$: readAvroDataFile(task, ctx) };
}

/** Rows as JSON values through the library's JSON encoder (same text as the CLI prints). */
function jsonRows(batches: readonly RecordBatch[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const b of batches) {
    const cols = b.schema.fields.map((f: Field, j) => encodeColumnJson(b.data.children[j]!, jsonEncoderFor(f)));
    for (let i = 0; i < b.numRows; i++) rows.push(Object.fromEntries(b.schema.fields.map((f, j) => [f.name, JSON.parse(cols[j]![i]!)])));
  }
  return rows;
}

async function errorOf(p: Promise<unknown>) {
  try { await p; } catch (e) { return e; }
  throw new Error('expected an error');
}

describe('readAvroDataFile', () => {
  it('reads every Iceberg type with the scan schema, values and nulls exact', async () => {
    const file = await writeAvro('types.avro', AVRO_SCHEMA, [FULL, NULLS]);
    const schema = schemaOf(ICEBERG_FIELDS);
    const fbs = await lastValueFrom(read(avroTask(file), schema).batches$.pipe(toArray()));
    expect(fbs).toHaveLength(1);
    const batch = fbs[0]!.batch;
    expect(batch.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(
      createProjectionPlanner({ schema }).schema.fields.map((f) => `${f.name}:${String(f.type)}`),
    );
    const [full, nulls] = jsonRows([batch]);
    expect(full).toMatchObject({
      id: '4611686018427387905', b: true, i: -7, l: '-1152921504606846976', f: 1.5, d: -2.25, s: 'héllo',
      dec: '-1.23', date: '2022-01-08', time: '01:00:00.000001', u: '01234567-89ab-cdef-0123-456789abcdef',
      st: { x: 5, y: null }, lst: [1, null, 3], dec2: '0.256',
    });
    expect(String(full!.ts)).toMatch(/^2023-11-14T22:13:20(\.0+)?$/);
    expect(String(full!.tstz)).toMatch(/^1969-12-31T23:59:59\.999999/);
    expect(batch.getChild('bin')!.get(0)).toEqual(new Uint8Array([0, 255]));
    expect(batch.getChild('fx')!.get(0)).toEqual(new Uint8Array([97, 98, 99]));
    expect(batch.getChild('m')!.get(0)!.toJSON()).toEqual({ a: 1, b: null });
    expect([...batch.getChild('km')!.get(0)!].map(([k, v]: [number, string]) => [k, v])).toEqual([[7, 'seven']]);
    expect(Object.entries(nulls!).filter(([k, v]) => k !== 'id' && v !== null)).toEqual([]);
  });

  it('fills columns missing from the file with initial-default, nulls, or fails for required ones', async () => {
    const file = await writeAvro('old.avro', { type: 'record', name: 'table', fields: [{ name: 'i', type: 'int', 'field-id': 1 }] }, [{ i: 1 }, { i: 2 }]);
    const schema = schemaOf([field(1, 'i', 'int'), field(2, 'j', 'int', false, { 'initial-default': -1, 'write-default': 5 }), field(3, 'k', 'string')]);
    const fbs = await lastValueFrom(read(avroTask(file), schema).batches$.pipe(toArray()));
    expect(jsonRows(fbs.map((f) => f.batch))).toEqual([{ i: 1, j: -1, k: null }, { i: 2, j: -1, k: null }]);
    const strict = schemaOf([field(1, 'i', 'int'), field(4, 'r', 'int', true)]);
    const error = await errorOf(lastValueFrom(read(avroTask(file), strict).batches$));
    expect(isIcebergScanError(error) && error.code).toBe('data_invalid');
    expect(isIcebergScanError(error) && error.path).toBe(file.path);
  });

  it('promotes int to long and reads renamed columns by field id', async () => {
    const file = await writeAvro('promote.avro', { type: 'record', name: 'table', fields: [{ name: 'old_name', type: 'int', 'field-id': 1 }] }, [{ old_name: 3 }]);
    const fbs = await lastValueFrom(read(avroTask(file), schemaOf([field(1, 'n', 'long')])).batches$.pipe(toArray()));
    expect(String(fbs[0]!.batch.schema.fields[0]!.type)).toBe('Int64');
    expect(fbs[0]!.batch.getChild('n')!.get(0)).toBe(3n);
  });

  it('splits rows into batches of batchSize across blocks, positions absolute', async () => {
    const schema = { type: 'record', name: 'table', fields: [{ name: 'n', type: 'long', 'field-id': 1 }, { name: 's', type: 'string', 'field-id': 2 }] };
    const records = Array.from({ length: 1000 }, (_, i) => ({ n: i, s: `row-${i}` }));
    const file = await writeAvro('many.avro', schema, records, 'deflate', 256);
    const table = schemaOf([field(1, 'n', 'long', true), field(2, 's', 'string', true)]);
    const { ctx, batches$ } = read(avroTask(file), table, { batchSize: 128, select: ['n', '_pos'] });
    const fbs = await lastValueFrom(batches$.pipe(toArray()));
    expect(fbs.map((f) => f.batch.numRows)).toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
    expect(fbs.map((f) => f.firstRowPosition)).toEqual([0, 128, 256, 384, 512, 640, 768, 896]);
    const rows = jsonRows(fbs.map((f) => f.batch));
    expect(rows.map((r) => Number(r.n))).toEqual(records.map((r) => r.n));
    expect(rows.every((r) => Number(r._pos) === Number(r.n))).toBe(true);
    expect(ctx.stats.rowGroupsRead).toBeGreaterThan(10); // blocks
  });

  it('reads each block in exactly one byte split (sync-marker rule)', async () => {
    const schema = { type: 'record', name: 'table', fields: [{ name: 'n', type: 'int', 'field-id': 1 }] };
    const file = await writeAvro('split.avro', schema, Array.from({ length: 500 }, (_, i) => ({ n: i })), 'null', 200);
    const table = schemaOf([field(1, 'n', 'int', true)]);
    const seen: number[] = [];
    for (const cut of [1, 333, 800, file.size - 5]) {
      seen.length = 0;
      for (const [start, end] of [[0, cut], [cut, file.size]] as const) {
        const fbs = await lastValueFrom(read(avroTask(file, { start, length: end - start }), table, { select: ['n', '_pos'] }).batches$.pipe(toArray()));
        for (const r of jsonRows(fbs.map((f) => f.batch))) {
          expect(r._pos).toBe(r.n);
          seen.push(r.n as number);
        }
      }
      expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i));
    }
  });

  it('decodes null, deflate, snappy and zstandard blocks', async () => {
    const schema = { type: 'record', name: 'table', fields: [{ name: 's', type: 'string', 'field-id': 1 }] };
    const records = Array.from({ length: 300 }, (_, i) => ({ s: `value ${i}` }));
    for (const codec of ['null', 'deflate', 'snappy', 'zstandard'] as const) {
      const file = await writeAvro(`codec-${codec}.avro`, schema, records, codec, 512);
      const fbs = await lastValueFrom(read(avroTask(file), schemaOf([field(1, 's', 'string')])).batches$.pipe(toArray()));
      expect(jsonRows(fbs.map((f) => f.batch)).map((r) => r.s), codec).toEqual(records.map((r) => r.s));
    }
  });

  it('decodes only the selected fields, even when they refer to types defined in skipped ones', async () => {
    const schema = { type: 'record', name: 'table', fields: [
      { name: 'a', type: { type: 'fixed', name: 'fixed_2', size: 2 }, 'field-id': 1 },
      { name: 'big', type: 'string', 'field-id': 2 },
      { name: 'c', type: opt('fixed_2'), default: null, 'field-id': 3 },
    ] };
    const file = await writeAvro('refs.avro', schema, [{ a: Buffer.from('aa'), big: 'x'.repeat(100), c: Buffer.from('cc') }]);
    const table = schemaOf([field(1, 'a', 'fixed[2]', true), field(2, 'big', 'string', true), field(3, 'c', 'fixed[2]')]);
    const { batches$ } = read(avroTask(file), table, { select: ['c'] });
    const fb = await firstValueFrom(batches$);
    expect(fb.batch.schema.fields.map((f) => f.name)).toEqual(['c']);
    expect(fb.batch.getChild('c')!.get(0)).toEqual(new Uint8Array([99, 99]));
  });

  it('emits row counts without decoding when no column is needed', async () => {
    const schema = { type: 'record', name: 'table', fields: [{ name: 'n', type: 'int', 'field-id': 1 }] };
    const file = await writeAvro('count.avro', schema, Array.from({ length: 300 }, (_, i) => ({ n: i })), 'deflate', 100);
    const fbs = await lastValueFrom(read(avroTask(file), schemaOf([field(1, 'n', 'int')]), { select: ['_pos'], batchSize: 1000 }).batches$.pipe(toArray()));
    expect(fbs.reduce((n, f) => n + f.batch.numRows, 0)).toBe(300);
    expect(jsonRows(fbs.map((f) => f.batch)).map((r) => r._pos)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('stops reading when unsubscribed and fails with aborted when the signal aborts', async () => {
    const schema = { type: 'record', name: 'table', fields: [{ name: 's', type: 'string', 'field-id': 1 }] };
    const file = await writeAvro('big.avro', schema, Array.from({ length: 20_000 }, (_, i) => ({ s: `${i}`.repeat(20) })), 'null', 4096);
    const io = new CountingFileIO(new LocalFileIO());
    const table = schemaOf([field(1, 's', 'string')]);
    const first = await firstValueFrom(read(avroTask(file), table, { io, batchSize: 10 }).batches$.pipe(take(1)));
    expect(first.batch.numRows).toBe(10);
    expect(io.totalBytes).toBeLessThan(file.size / 2);

    const controller = new AbortController();
    controller.abort();
    const error = await errorOf(lastValueFrom(read(avroTask(file), table, { signal: controller.signal }).batches$));
    expect(isIcebergScanError(error) && error.code).toBe('aborted');
  });

  it('waits for the pacer before fetching each block', async () => {
    const schema = { type: 'record', name: 'table', fields: [{ name: 'n', type: 'int', 'field-id': 1 }] };
    const file = await writeAvro('paced.avro', schema, Array.from({ length: 5000 }, (_, i) => ({ n: i })), 'null', 64);
    const io = new CountingFileIO(new LocalFileIO());
    const projection = createProjectionPlanner({ schema: schemaOf([field(1, 'n', 'int')]) });
    let calls = 0;
    const ctx = { ...readContext(io, projection, 10), pace: () => (++calls <= 3 ? undefined : new Promise<void>(() => undefined)) };
    let emitted = 0;
    const sub = readAvroDataFile(avroTask(file), ctx).subscribe(() => emitted++);
    await new Promise((r) => setTimeout(r, 50));
    // Start, first block fetch and first batch pass; the second batch waits (and nothing after it runs).
    expect([calls, emitted]).toEqual([4, 1]);
    sub.unsubscribe();
  });

  it('is cold: nothing is read before subscription', async () => {
    const file = await writeAvro('cold.avro', { type: 'record', name: 'table', fields: [{ name: 'n', type: 'int', 'field-id': 1 }] }, [{ n: 1 }]);
    const io = new CountingFileIO(new LocalFileIO());
    const { batches$ } = read(avroTask(file), schemaOf([field(1, 'n', 'int', true)]), { io });
    await new Promise((r) => setTimeout(r, 20)); // an eager reader would have read by now
    expect(io.totalReads).toBe(0);
    await lastValueFrom(batches$);
    expect(io.totalReads).toBeGreaterThan(0);
  });

  it('rejects bad files with IcebergScanErrors naming the file', async () => {
    const table = schemaOf([field(1, 'n', 'int')]);
    const junk = { path: await dir.write('junk.avro', new Uint8Array([1, 2, 3, 4, 5])), size: 5, rows: 1 };
    const e1 = await errorOf(lastValueFrom(read(avroTask(junk), table).batches$));
    expect(isIcebergScanError(e1) && [e1.code, e1.path]).toEqual(['data_invalid', junk.path]);

    const good = await encodeAvro({ type: 'record', name: 'table', fields: [{ name: 'n', type: 'int', 'field-id': 1 }] }, [{ n: 1 }, { n: 2 }], 'null');
    const cut = { path: await dir.write('cut.avro', good.subarray(0, good.length - 3)), size: good.length - 3, rows: 2 };
    const e2 = await errorOf(lastValueFrom(read(avroTask(cut), table).batches$));
    expect(isIcebergScanError(e2) && [e2.code, e2.path]).toEqual(['data_invalid', cut.path]);

    const union = await writeAvro('union.avro', { type: 'record', name: 'table', fields: [{ name: 'n', type: ['int', 'string'], 'field-id': 1 }] }, [{ n: 1 }]);
    const e3 = await errorOf(lastValueFrom(read(avroTask(union), table).batches$));
    expect(isIcebergScanError(e3) && [e3.code, e3.path]).toEqual(['feature_unsupported', union.path]);

    const mismatch = await writeAvro('mismatch.avro', { type: 'record', name: 'table', fields: [{ name: 'n', type: 'string', 'field-id': 1 }] }, [{ n: 'x' }]);
    const e4 = await errorOf(lastValueFrom(read(avroTask(mismatch), table).batches$));
    expect(isIcebergScanError(e4) && [e4.code, e4.path]).toEqual(['type_mismatch', mismatch.path]);

    const xz = await writeAvro('xz.avro', { type: 'record', name: 'table', fields: [{ name: 'n', type: 'int', 'field-id': 1 }] }, [{ n: 1 }], 'xz');
    const e5 = await errorOf(lastValueFrom(read(avroTask(xz), table).batches$));
    expect(isIcebergScanError(e5) && [e5.code, e5.path]).toEqual(['feature_unsupported', xz.path]);
  });
});
