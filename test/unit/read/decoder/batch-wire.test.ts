import * as arrow from 'apache-arrow';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { batchFromWire, batchToWire, schemaFromWire, schemaToWire, type WireBatch, type WireSchema } from '../../../../src/read/decoder/batch-wire.ts';

const fid = (id: number): Map<string, string> => new Map([['PARQUET:field_id', String(id)]]);

function sample(): arrow.RecordBatch {
  const n = 9;
  const idx = Array.from({ length: n }, (_, i) => i);
  const vectors: Record<string, arrow.Vector> = {
    i32: arrow.vectorFromArray(idx.map((i) => (i % 4 === 1 ? null : i)), new arrow.Int32()),
    i64: arrow.vectorFromArray(idx.map((i) => BigInt(i) * 10n ** 12n), new arrow.Int64()),
    f32: arrow.vectorFromArray(idx.map((i) => i / 4), new arrow.Float32()),
    bool: arrow.vectorFromArray(idx.map((i) => (i % 3 === 0 ? null : i % 2 === 0)), new arrow.Bool()),
    str: arrow.vectorFromArray(idx.map((i) => (i === 4 ? null : `s${'x'.repeat(i)}`)), new arrow.Utf8()),
    large: arrow.vectorFromArray(idx.map((i) => `L${i}`), new arrow.LargeUtf8()),
    bin: arrow.vectorFromArray(idx.map((i) => Uint8Array.of(i, 255 - i)), new arrow.Binary()),
    fsb: arrow.vectorFromArray(idx.map((i) => Uint8Array.of(i, 0, i)), new arrow.FixedSizeBinary(3)),
    dec: arrow.makeVector(arrow.makeData({ type: new arrow.Decimal(2, 10, 128), length: n, data: Uint32Array.from({ length: n * 4 }, (_, k) => k) })),
    date: arrow.vectorFromArray(idx.map((i) => new Date(i * 86_400_000)), new arrow.DateDay()),
    ts: arrow.makeVector(arrow.makeData({ type: new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC'), length: n, data: BigInt64Array.from(idx, (i) => BigInt(i) * 1_000_000n) })),
    time: arrow.makeVector(arrow.makeData({ type: new arrow.TimeMicrosecond(), length: n, data: BigInt64Array.from(idx, (i) => BigInt(i) * 1000n) })),
    list: arrow.vectorFromArray(idx.map((i) => (i === 2 ? null : Array.from({ length: i % 3 }, (_, k) => i * 10 + k))), new arrow.List(new arrow.Field('element', new arrow.Int32(), true, fid(101)))),
    st: arrow.vectorFromArray(idx.map((i) => (i === 5 ? null : { a: i, b: `b${i}` })), new arrow.Struct([new arrow.Field('a', new arrow.Int32(), true, fid(201)), new arrow.Field('b', new arrow.Utf8(), true)])),
    map: arrow.vectorFromArray(idx.map((i) => new Map([[`k${i}`, i]])), new arrow.Map_(new arrow.Field('entries', new arrow.Struct([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', new arrow.Int32(), true)]), false) as never)),
    dict: arrow.vectorFromArray(idx.map((i) => (i % 2 ? 'odd' : i === 4 ? null : 'even'))),
    none: arrow.makeVector(arrow.makeData({ type: new arrow.Null(), length: n, nullCount: n })),
  };
  const fields = Object.entries(vectors).map(([name, v], i) => new arrow.Field(name, v.type, true, fid(i + 1)));
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children: Object.values(vectors).map((v) => v.data[0]!) });
  return new arrow.RecordBatch(new arrow.Schema(fields, new Map([['iceberg.schema', '{"type":"struct"}']])), data);
}

const rowsOf = (b: arrow.RecordBatch): unknown[] =>
  b.toArray().map((r) => JSON.parse(JSON.stringify(r.toJSON(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v instanceof Map ? [...v] : v))));
const shape = (s: arrow.Schema): unknown => [s.fields.map(function f(x: arrow.Field): unknown {
  return [x.name, String(x.type), x.nullable, [...x.metadata], x.type.children?.map(f) ?? []];
}), [...s.metadata]];

/** Posts through a real MessageChannel (structured clone with the transfer list), as the worker does. */
function postAndReceive(message: { schema: WireSchema; batch: WireBatch }, transfer: Set<ArrayBuffer>): { schema: WireSchema; batch: WireBatch } {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(message, [...transfer]);
  const received = receiveMessageOnPort(port2)!.message as { schema: WireSchema; batch: WireBatch };
  port1.close();
  return received;
}

describe('batch wire format (decode worker → main thread)', () => {
  it('rebuilds every column type, nulls, nested fields and metadata after a real transfer', () => {
    const original = sample();
    const expected = rowsOf(original);
    const expectedShape = shape(original.schema);
    const transfer = new Set<ArrayBuffer>();
    const received = postAndReceive({ schema: schemaToWire(original.schema), batch: batchToWire(original, transfer) }, transfer);
    const rebuilt = batchFromWire(schemaFromWire(received.schema), received.batch);
    expect(shape(rebuilt.schema)).toEqual(expectedShape);
    expect(rebuilt.numRows).toBe(9);
    expect(rowsOf(rebuilt)).toEqual(expected);
    expect(rebuilt.getChild('i32')!.nullCount).toBe(2);
    expect(rebuilt.getChild('dict')!.type).toBeInstanceOf(arrow.Dictionary);
  });

  it('moves the buffers instead of copying them (the sender’s copies are detached)', () => {
    const original = sample();
    const values = original.getChild('i64')!.data[0]!.values;
    const transfer = new Set<ArrayBuffer>();
    const wire = batchToWire(original, transfer);
    expect(transfer.has(values.buffer as ArrayBuffer)).toBe(true);
    postAndReceive({ schema: schemaToWire(original.schema), batch: wire }, transfer);
    expect(values.buffer.byteLength).toBe(0);
  });

  it('keeps a sliced batch’s offsets', () => {
    const original = sample().slice(3, 8);
    const expected = rowsOf(original);
    const transfer = new Set<ArrayBuffer>();
    const received = postAndReceive({ schema: schemaToWire(original.schema), batch: batchToWire(original, transfer) }, transfer);
    expect(rowsOf(batchFromWire(schemaFromWire(received.schema), received.batch))).toEqual(expected);
  });

  it('revives arrow-js-ffi’s own LargeList type (id 30), which apache-arrow’s IPC writer rejects', () => {
    const element = new arrow.Field('element', new arrow.Int64(), true, fid(7));
    // arrow-js-ffi builds LargeList as its own DataType subclass numbered 30
    const ffiLargeList = Object.assign(Object.create(arrow.DataType.prototype), { typeId: 30, children: [element] }) as arrow.DataType;
    const values = arrow.vectorFromArray([1n, 2n, 3n], new arrow.Int64()).data[0]!;
    const data = new arrow.Data(ffiLargeList, 0, 2, 0, [BigInt64Array.of(0n, 1n, 3n), undefined, undefined, undefined] as never, [values]);
    const fields = [new arrow.Field('lst', ffiLargeList, true, fid(6))];
    const batch = new arrow.RecordBatch(new arrow.Schema(fields), arrow.makeData({ type: new arrow.Struct(fields), length: 2, nullCount: 0, children: [data] }));
    const transfer = new Set<ArrayBuffer>();
    const received = postAndReceive({ schema: schemaToWire(batch.schema), batch: batchToWire(batch, transfer) }, transfer);
    const rebuilt = batchFromWire(schemaFromWire(received.schema), received.batch);
    const lst = rebuilt.schema.fields[0]!;
    expect(lst.type.typeId).toBe(arrow.Type.LargeList);
    expect(lst.metadata.get('PARQUET:field_id')).toBe('6');
    expect((lst.type as arrow.LargeList).children[0]!.metadata.get('PARQUET:field_id')).toBe('7');
    const d = rebuilt.data.children[0]!;
    expect(Array.from(d.valueOffsets as BigInt64Array)).toEqual([0n, 1n, 3n]);
    expect(Array.from(d.children[0]!.values as BigInt64Array).slice(0, 3)).toEqual([1n, 2n, 3n]);
  });

  it('names an Arrow type it cannot revive', () => {
    const odd = { fields: [{ name: 'x', type: { typeId: 99 }, nullable: true, metadata: new Map() }], metadata: new Map() } as unknown as WireSchema;
    expect(() => schemaFromWire(odd)).toThrow(/type id 99/);
  });
});
