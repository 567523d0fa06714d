import { Binary, Field, Struct, makeData, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { encodeColumnJson, jsonEncoderFor } from '../../../src/format/json-encoder.ts';
import { parseVariantMetadata, variantToJson } from '../../../src/format/variant-json.ts';

/** Metadata with the given dictionary (1-byte offsets). */
function metadata(names: string[]): Uint8Array {
  const bytes = names.map((n) => Buffer.from(n, 'utf8'));
  const out = [0x01, names.length];
  let offset = 0;
  out.push(0);
  for (const b of bytes) {
    offset += b.length;
    out.push(offset);
  }
  return Uint8Array.from([...out, ...bytes.flatMap((b) => [...b])]);
}

const prim = (type: number, ...data: number[]) => [type << 2, ...data];
const le = (v: bigint, n: number) => Array.from({ length: n }, (_, k) => Number((BigInt.asUintN(n * 8, v) >> BigInt(8 * k)) & 0xffn));
const shortString = (s: string) => {
  const b = [...Buffer.from(s, 'utf8')];
  return [(b.length << 2) | 1, ...b];
};
/** An object with 1-byte ids and offsets; `fields` in sorted key order: [fieldId, encodedValue]. */
function object(fields: [number, number[]][]): number[] {
  const out = [0x02, fields.length, ...fields.map(([id]) => id)];
  let offset = 0;
  const offsets = [0];
  for (const [, v] of fields) offsets.push((offset += v.length));
  return [...out, ...offsets, ...fields.flatMap(([, v]) => v)];
}
function array(items: number[][]): number[] {
  let offset = 0;
  const offsets = [0];
  for (const v of items) offsets.push((offset += v.length));
  return [0x03, items.length, ...offsets, ...items.flat()];
}

const json = (meta: Uint8Array, value: number[]) => variantToJson(meta, Uint8Array.from(value));

describe('variantToJson', () => {
  const empty = metadata([]);

  it('decodes primitives', () => {
    expect(json(empty, prim(0))).toBe('null');
    expect(json(empty, prim(1))).toBe('true');
    expect(json(empty, prim(2))).toBe('false');
    expect(json(empty, prim(3, 0xff))).toBe('-1');
    expect(json(empty, prim(4, ...le(-300n, 2)))).toBe('-300');
    expect(json(empty, prim(5, ...le(123456789n, 4)))).toBe('123456789');
    expect(json(empty, prim(6, ...le(9223372036854775807n, 8)))).toBe('9223372036854775807');
    const d = Buffer.alloc(8);
    d.writeDoubleLE(1.25);
    expect(json(empty, prim(7, ...d))).toBe('1.25');
    d.writeDoubleLE(NaN);
    expect(json(empty, prim(7, ...d))).toBe('"NaN"');
    const f = Buffer.alloc(4);
    f.writeFloatLE(0.1);
    expect(json(empty, prim(14, ...f))).toBe('0.1');
  });

  it('keeps decimals exact as raw JSON numbers', () => {
    expect(json(empty, prim(8, 2, ...le(1420n, 4)))).toBe('14.20');
    expect(json(empty, prim(9, 3, ...le(-5n, 8)))).toBe('-0.005');
    const big = 12345678901234567890123456789012345678n;
    expect(json(empty, prim(10, 10, ...le(big, 16)))).toBe('1234567890123456789012345678.9012345678');
  });

  it('decodes dates, times, timestamps, uuid, binary and long strings', () => {
    expect(json(empty, prim(11, ...le(17486n, 4)))).toBe('"2017-11-16"');
    expect(json(empty, prim(12, ...le(1_510_871_468_123_456n, 8)))).toBe('"2017-11-16T22:31:08.123456Z"');
    expect(json(empty, prim(13, ...le(1_510_871_468_123_456n, 8)))).toBe('"2017-11-16T22:31:08.123456"');
    expect(json(empty, prim(17, ...le(81_068_123_456n, 8)))).toBe('"22:31:08.123456"');
    expect(json(empty, prim(18, ...le(1_510_871_468_123_456_789n, 8)))).toBe('"2017-11-16T22:31:08.123456789Z"');
    expect(json(empty, prim(19, ...le(1n, 8)))).toBe('"1970-01-01T00:00:00.000000001"');
    const uuid = [...Buffer.from('f79c3e098ed2462d9f26b2f3a3a7b9d1', 'hex')];
    expect(json(empty, prim(20, ...uuid))).toBe('"f79c3e09-8ed2-462d-9f26-b2f3a3a7b9d1"');
    expect(json(empty, prim(15, ...le(3n, 4), 1, 2, 3))).toBe('"AQID"');
    const long = 'x'.repeat(70) + '"';
    expect(json(empty, prim(16, ...le(BigInt(long.length), 4), ...Buffer.from(long)))).toBe(JSON.stringify(long));
    expect(json(empty, shortString('héllo'))).toBe('"héllo"');
  });

  it('decodes objects (keys from the dictionary) and arrays, nested', () => {
    const meta = metadata(['a', 'b', 'c']);
    // {"a": 1, "b": ["x", null], "c": {"a": true}}
    const value = object([
      [0, prim(3, 1)],
      [1, array([shortString('x'), prim(0)])],
      [2, object([[0, prim(1)]])],
    ]);
    expect(json(meta, value)).toBe('{"a":1,"b":["x",null],"c":{"a":true}}');
    expect(JSON.parse(json(meta, value))).toEqual({ a: 1, b: ['x', null], c: { a: true } });
  });

  it('reads values stored out of offset order and 2-byte offsets', () => {
    const meta = metadata(['k1', 'k2']);
    // value bytes: [k2 value][k1 value]; offsets point backwards for k1.
    const v1 = prim(3, 7);
    const v2 = shortString('z');
    const header = 0x02 | (0x01 << 2); // object, field_offset_size = 2
    const value = [header, 2, 0, 1, ...le(BigInt(v2.length), 2), ...le(0n, 2), ...le(BigInt(v1.length + v2.length), 2), ...v2, ...v1];
    expect(json(meta, value)).toBe('{"k1":7,"k2":"z"}');
  });

  it('rejects malformed encodings with data_invalid', () => {
    expect(() => json(empty, prim(5, 1))).toThrow(expect.objectContaining({ code: 'data_invalid' }));
    expect(() => json(empty, prim(31))).toThrow(expect.objectContaining({ code: 'data_invalid' }));
    expect(() => parseVariantMetadata(Uint8Array.from([0x02, 0]))).toThrow(expect.objectContaining({ code: 'data_invalid' }));
    expect(() => json(metadata(['a']), object([[5, prim(0)]]))).toThrow(expect.objectContaining({ code: 'data_invalid' }));
  });

  it('formats a variant column (arrow.parquet.variant struct) as the JSON values it holds', () => {
    const meta = metadata(['n']);
    const values = [Uint8Array.from(object([[0, prim(8, 1, ...le(15n, 4))]])), Uint8Array.from(shortString('s')), null];
    const metaCol = vectorFromArray([meta, meta, meta], new Binary()).data[0];
    const valueCol = vectorFromArray(values, new Binary()).data[0];
    const type = new Struct([new Field('metadata', new Binary(), false), new Field('value', new Binary(), true)]);
    const data = makeData({ type, length: 3, nullCount: 0, children: [metaCol, valueCol] });
    const field = new Field('v', type, true, new Map([['ARROW:extension:name', 'arrow.parquet.variant']]));
    expect(encodeColumnJson(data, jsonEncoderFor(field))).toEqual(['{"n":1.5}', '"s"', 'null']);
  });
});
