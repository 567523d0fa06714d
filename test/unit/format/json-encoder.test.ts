import {
  Binary,
  Bool,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  FixedSizeBinary,
  Float16,
  Float32,
  Float64,
  Int32,
  Int64,
  Int8,
  LargeUtf8,
  List,
  Map_,
  Null,
  Struct,
  TimeMicrosecond,
  TimeNanosecond,
  TimestampMicrosecond,
  TimestampNanosecond,
  Utf8,
  makeData,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { encodeColumnJson, jsonEncoderFor } from '../../../src/format/json-encoder.ts';
import { bitmap, field, primitive } from './format-helpers.ts';

function encode(f: Field, data: ReturnType<typeof primitive>): string[] {
  return encodeColumnJson(data, jsonEncoderFor(f));
}

function utf8Data(values: (string | null)[]) {
  return vectorFromArray(values, new Utf8()).data[0];
}

describe('jsonEncoderFor', () => {
  it('writes int as numbers and nulls as null', () => {
    const f = field('i', new Int32());
    expect(encode(f, primitive(new Int32(), new Int32Array([1, -2, 0]), [true, true, false]))).toEqual(['1', '-2', 'null']);
    expect(encode(field('b', new Int8()), primitive(new Int8(), new Int8Array([-128, 127])))).toEqual(['-128', '127']);
  });

  it('writes long as a number within ±2^53 and as a string beyond', () => {
    const values = new BigInt64Array([9007199254740991n, -9007199254740991n, 9007199254740992n, -9223372036854775808n, 5n]);
    expect(encode(field('l', new Int64()), primitive(new Int64(), values))).toEqual([
      '9007199254740991',
      '-9007199254740991',
      '"9007199254740992"',
      '"-9223372036854775808"',
      '5',
    ]);
  });

  it('writes doubles as numbers with NaN and infinities as strings', () => {
    const values = new Float64Array([1.5, NaN, Infinity, -Infinity, -0.1, 1e300]);
    expect(encode(field('d', new Float64()), primitive(new Float64(), values))).toEqual([
      '1.5', '"NaN"', '"Infinity"', '"-Infinity"', '-0.1', '1e+300',
    ]);
  });

  it('writes floats with the shortest text that reads back as the same float32', () => {
    const values = new Float32Array([0.1, 3.4028234663852886e38, 1, NaN, -2.5]);
    const out = encode(field('f', new Float32()), primitive(new Float32(), values));
    expect(out).toEqual(['0.1', '3.4028235e+38', '1', '"NaN"', '-2.5']);
    expect(Math.fround(Number(out[1]))).toBe(values[1]);
  });

  it('writes float16 values', () => {
    // 0x3c00 = 1.0, 0xc000 = -2.0, 0x7c00 = +Infinity
    expect(encode(field('h', new Float16()), primitive(new Float16(), new Uint16Array([0x3c00, 0xc000, 0x7c00])))).toEqual([
      '1', '-2', '"Infinity"',
    ]);
  });

  it('writes booleans', () => {
    const data = makeData({ type: new Bool(), length: 3, nullCount: 1, data: bitmap([true, false, false]), nullBitmap: bitmap([true, true, false]) });
    expect(encode(field('b', new Bool()), data)).toEqual(['true', 'false', 'null']);
  });

  it('writes decimals as exact strings with their scale', () => {
    const type = new Decimal(2, 38, 128);
    // little-endian 32-bit words of 1420, -5, 10^30 and 0
    const big = 10n ** 30n;
    const words = (v: bigint) => {
      const u = BigInt.asUintN(128, v);
      return [0, 1, 2, 3].map((k) => Number((u >> BigInt(32 * k)) & 0xffffffffn));
    };
    const values = new Uint32Array([...words(1420n), ...words(-5n), ...words(big), ...words(0n), ...words(-(big + 7n))]);
    expect(encode(field('d', type), primitive(type, values, undefined, 5))).toEqual([
      '"14.20"', '"-0.05"', '"10000000000000000000000000000.00"', '"0.00"', '"-10000000000000000000000000000.07"',
    ]);
    const scale0 = new Decimal(0, 9, 128);
    expect(encode(field('d0', scale0), primitive(scale0, new Uint32Array([...words(-42n)]), undefined, 1))).toEqual(['"-42"']);
  });

  it('writes dates as YYYY-MM-DD, including before 1970 and beyond year 9999', () => {
    const values = new Int32Array([0, 17486, -1, -719528, 2932897, 19723]);
    expect(encode(field('d', new DateDay()), primitive(new DateDay(), values))).toEqual([
      '"1970-01-01"', '"2017-11-16"', '"1969-12-31"', '"0000-01-01"', '"+10000-01-01"', '"2024-01-01"',
    ]);
    const ms = new BigInt64Array([1_510_790_400_000n]);
    expect(encode(field('dm', new DateMillisecond()), primitive(new DateMillisecond(), ms))).toEqual(['"2017-11-16"']);
  });

  it('writes times as HH:MM:SS.ffffff (nanoseconds for ns)', () => {
    const micros = new BigInt64Array([0n, 81_068_123_456n, 86_399_999_999n]);
    expect(encode(field('t', new TimeMicrosecond()), primitive(new TimeMicrosecond(), micros))).toEqual([
      '"00:00:00.000000"', '"22:31:08.123456"', '"23:59:59.999999"',
    ]);
    const nanos = new BigInt64Array([81_068_123_456_789n]);
    expect(encode(field('tn', new TimeNanosecond()), primitive(new TimeNanosecond(), nanos))).toEqual(['"22:31:08.123456789"']);
  });

  it('writes timestamps as ISO-8601 with microseconds, Z for tz types', () => {
    const values = new BigInt64Array([1_510_871_468_123_456n, -1n, 0n]);
    expect(encode(field('ts', new TimestampMicrosecond()), primitive(new TimestampMicrosecond(), values))).toEqual([
      '"2017-11-16T22:31:08.123456"', '"1969-12-31T23:59:59.999999"', '"1970-01-01T00:00:00.000000"',
    ]);
    const tz = new TimestampMicrosecond('UTC');
    expect(encode(field('tz', tz), primitive(tz, values))[0]).toBe('"2017-11-16T22:31:08.123456Z"');
    const far = new BigInt64Array([253_402_300_799_999_999n * 1n]); // 9999-12-31T23:59:59.999999
    expect(encode(field('far', tz), primitive(tz, far))[0]).toBe('"9999-12-31T23:59:59.999999Z"');
  });

  it('writes timestamp_ns with nanoseconds', () => {
    const values = new BigInt64Array([1_510_871_468_123_456_789n, -1n]);
    const ns = new TimestampNanosecond('+00:00');
    expect(encode(field('ns', ns), primitive(ns, values))).toEqual([
      '"2017-11-16T22:31:08.123456789Z"', '"1969-12-31T23:59:59.999999999Z"',
    ]);
    const ntz = new TimestampNanosecond();
    expect(encode(field('ntz', ntz), primitive(ntz, values))[0]).toBe('"2017-11-16T22:31:08.123456789"');
  });

  it('writes strings JSON-escaped', () => {
    const data = utf8Data(['plain', 'quote " and \\ and \n', 'ünïcødé ✓', null, '']);
    expect(encode(field('s', new Utf8()), data)).toEqual([
      '"plain"', '"quote \\" and \\\\ and \\n"', '"ünïcødé ✓"', 'null', '""',
    ]);
    const large = vectorFromArray(['x'], new LargeUtf8()).data[0];
    expect(encode(field('ls', new LargeUtf8()), large)).toEqual(['"x"']);
  });

  it('writes binary and fixed as base64, uuid as canonical text', () => {
    const bin = vectorFromArray([new Uint8Array([0, 1, 2, 255]), null], new Binary()).data[0];
    expect(encode(field('b', new Binary()), bin)).toEqual(['"AAEC/w=="', 'null']);
    const fixed = new FixedSizeBinary(3);
    expect(encode(field('f', fixed), primitive(fixed, new Uint8Array([1, 2, 3, 4, 5, 6]), undefined, 2))).toEqual(['"AQID"', '"BAUG"']);
    const uuid = new FixedSizeBinary(16);
    const bytes = Uint8Array.from(Buffer.from('f79c3e098ed2462d9f26b2f3a3a7b9d10123456789abcdef0123456789abcdef', 'hex'));
    expect(encode(field('u', uuid, { 'ARROW:extension:name': 'arrow.uuid' }), primitive(uuid, bytes, undefined, 2))).toEqual([
      '"f79c3e09-8ed2-462d-9f26-b2f3a3a7b9d1"', '"01234567-89ab-cdef-0123-456789abcdef"',
    ]);
    // Unmarked fixed(16) stays base64.
    expect(encode(field('f16', uuid), primitive(uuid, bytes, undefined, 2))[0]).toBe(`"${Buffer.from(bytes.subarray(0, 16)).toString('base64')}"`);
  });

  it('writes structs as objects, lists as arrays, maps as key/value arrays', () => {
    const ints = primitive(new Int32(), new Int32Array([1, 2, 3, 4]), [true, true, false, true]);
    const names = utf8Data(['a', 'b', 'c', 'd']);
    const structType = new Struct([field('x', new Int32()), field('y', new Utf8())]);
    const struct = makeData({ type: structType, length: 4, nullCount: 1, nullBitmap: bitmap([true, false, true, true]), children: [ints, names] });
    expect(encode(field('s', structType), struct)).toEqual(['{"x":1,"y":"a"}', 'null', '{"x":null,"y":"c"}', '{"x":4,"y":"d"}']);

    const listType = new List(field('element', new Int32()));
    const list = makeData({ type: listType, length: 3, nullCount: 1, nullBitmap: bitmap([true, true, false]), valueOffsets: new Int32Array([0, 3, 3, 4]), child: ints });
    expect(encode(field('l', listType), list)).toEqual(['[1,2,null]', '[]', 'null']);

    const entriesType = new Struct([new Field('key', new Utf8(), false), field('value', new Int32())]);
    const entries = makeData({ type: entriesType, length: 4, nullCount: 0, children: [names, ints] });
    const mapType = new Map_(new Field('entries', entriesType, false));
    const map = makeData({ type: mapType, length: 2, nullCount: 0, valueOffsets: new Int32Array([0, 2, 4]), child: entries });
    expect(encode(field('m', mapType), map)).toEqual([
      '[{"key":"a","value":1},{"key":"b","value":2}]', '[{"key":"c","value":null},{"key":"d","value":4}]',
    ]);
  });

  it('honours slices (offsets into buffers and bitmaps)', () => {
    const v = vectorFromArray([1, null, 3, 4, null], new Int32());
    const sliced = v.slice(1, 4).data[0];
    expect(encode(field('i', new Int32()), sliced)).toEqual(['null', '3', '4']);
    const s = vectorFromArray(['a', 'b', null, 'd'], new Utf8()).slice(2).data[0];
    expect(encode(field('s', new Utf8()), s)).toEqual(['null', '"d"']);
  });

  it('writes the Null type (Iceberg unknown) as null', () => {
    const data = makeData({ type: new Null(), length: 2 });
    expect(encode(field('n', new Null()), data)).toEqual(['null', 'null']);
  });

  it('writes dictionary-encoded strings by their values', () => {
    const dict = vectorFromArray(['x', 'y', 'x', null]).data[0]; // vectorFromArray of strings gives Dictionary<Utf8>
    const f = new Field('d', dict.type, true);
    expect(encode(f, dict)).toEqual(['"x"', '"y"', '"x"', 'null']);
  });
});
