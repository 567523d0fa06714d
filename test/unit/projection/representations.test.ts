/**
 * Decoded representations that differ from the output mapping: INT96, millisecond units, large and
 * dictionary types, Hive/legacy list and map annotations, and every Iceberg type read as itself.
 */
import { describe, expect, test } from 'vitest';
import * as arrow from 'apache-arrow';
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { createProjectionPlanner } from '../../../src/projection/create-projection-planner.ts';
import { resolveFileSchema } from '../../../src/projection/file-schema.ts';
import type { NestedField, Schema } from '../../../src/metadata/schema.ts';
import { columnOf, decode, fid, footerOf, projectBytes, rowsOf, tableOf, taskOf, writeParquet } from './helpers.ts';
import { int96Parquet } from './int96-file.ts';

const { Field, vectorFromArray, makeData, makeVector } = arrow;
const schemaOf = (...fields: NestedField[]): Schema => ({ type: 'struct', schemaId: 0, identifierFieldIds: [], fields });
const opt = (id: number, name: string, type: NestedField['type']): NestedField => ({ id, name, required: false, type });
const longs = (b: arrow.RecordBatch, name: string) => Array.from(b.getChild(name)!.data[0].values as BigInt64Array);

describe('INT96 timestamps (Impala/Hive)', () => {
  const nanos = [0n, 1510871468123456789n, -1000n];

  test('parquet-wasm decodes INT96 as Timestamp(ns); read as timestamp (µs, floor) with field ids', async () => {
    const file = int96Parquet('ts', nanos, 7);
    const planner = createProjectionPlanner({ schema: schemaOf(opt(7, 'ts', 'timestamp')) });
    const batch = await projectBytes(planner, file);
    expect(String(batch.schema.fields[0].type)).toBe('Timestamp<MICROSECOND>');
    expect(longs(batch, 'ts')).toEqual([0n, 1510871468123456n, -1n]);
  });

  test('without ids (name mapping), read as timestamptz and timestamp_ns', async () => {
    const file = int96Parquet('event_time', nanos);
    const nameMapping = [{ fieldId: 3, names: ['event_time'], fields: [] }];
    const tz = await projectBytes(createProjectionPlanner({ schema: schemaOf(opt(3, 'ts', 'timestamptz')), nameMapping }), file);
    expect(String(tz.schema.fields[0].type)).toBe('Timestamp<MICROSECOND, UTC>');
    expect(longs(tz, 'ts')).toEqual([0n, 1510871468123456n, -1n]);
    const ns = await projectBytes(createProjectionPlanner({ schema: schemaOf(opt(3, 'ts', 'timestamp_ns')), nameMapping }), file);
    expect(longs(ns, 'ts')).toEqual(nanos);
  });

  test('INT96 cannot be read as a non-timestamp type', () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(7, 'ts', 'long')) });
    expect(() => planner.forFile(taskOf(), footerOf(int96Parquet('ts', nanos, 7)))).toThrowError(expect.objectContaining({ code: 'type_mismatch' }));
  });
});

describe('unit conversions and large / dictionary types', () => {
  test('millisecond timestamps and times are widened to microseconds', async () => {
    const tsType = new arrow.TimestampMillisecond();
    const timeType = new arrow.TimeMillisecond();
    const file = writeParquet(tableOf(
      [new Field('ts', tsType, true, fid(1)), new Field('t', timeType, true, fid(2))],
      [makeVector(makeData({ type: tsType, length: 2, nullCount: 0, data: new BigInt64Array([1500n, -1n]) })),
        makeVector(makeData({ type: timeType, length: 2, nullCount: 0, data: new Int32Array([1000, 86399999]) }))],
    ));
    const batch = await projectBytes(createProjectionPlanner({ schema: schemaOf(opt(1, 'ts', 'timestamp'), opt(2, 't', 'time')) }), file);
    expect(batch.schema.fields.map((f) => String(f.type))).toEqual(['Timestamp<MICROSECOND>', 'Time64<MICROSECOND>']);
    expect(longs(batch, 'ts')).toEqual([1500000n, -1000n]);
    expect(longs(batch, 't')).toEqual([1000000n, 86399999000n]);
  });

  test('nanosecond file timestamps read as a µs table timestamp (v2 writers)', async () => {
    const t = new arrow.TimestampNanosecond();
    const file = writeParquet(tableOf([new Field('ts', t, true, fid(1))], [makeVector(makeData({ type: t, length: 2, nullCount: 0, data: new BigInt64Array([1999n, -1n]) }))]));
    const batch = await projectBytes(createProjectionPlanner({ schema: schemaOf(opt(1, 'ts', 'timestamp')) }), file);
    expect(longs(batch, 'ts')).toEqual([1n, -1n]);
  });

  test('narrow and unsigned integers (INT(8), INT(16), UINT(32)) widen to int / long', async () => {
    const file = writeParquet(tableOf(
      [new Field('a', new arrow.Int8(), true, fid(1)), new Field('b', new arrow.Int16(), true, fid(2)), new Field('c', new arrow.Uint32(), true, fid(3))],
      [vectorFromArray([-1, 127], new arrow.Int8()), vectorFromArray([-300, 300], new arrow.Int16()), vectorFromArray([4294967295, 1], new arrow.Uint32())],
    ));
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'a', 'int'), opt(2, 'b', 'long'), opt(3, 'c', 'long')) });
    const batch = await projectBytes(planner, file);
    expect(batch.schema.fields.map((f) => String(f.type))).toEqual(['Int32', 'Int64', 'Int64']);
    expect(rowsOf(batch)).toEqual([{ a: -1, b: '-300', c: '4294967295' }, { a: 127, b: '300', c: '1' }]);
    expect(() => createProjectionPlanner({ schema: schemaOf(opt(3, 'c', 'int')) }).forFile(taskOf(), footerOf(file)))
      .toThrowError(expect.objectContaining({ code: 'type_mismatch' }));
  });

  test('LargeUtf8 / LargeBinary (pyarrow large types) become Utf8 / Binary', async () => {
    const file = writeParquet(tableOf(
      [new Field('s', new arrow.LargeUtf8(), true, fid(1)), new Field('b', new arrow.LargeBinary(), true, fid(2))],
      [vectorFromArray(['ab', null, 'cde'], new arrow.LargeUtf8()), vectorFromArray([new Uint8Array([1]), new Uint8Array([]), null], new arrow.LargeBinary())],
    ));
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 's', 'string'), opt(2, 'b', 'binary')) });
    const fp = planner.forFile(taskOf(), footerOf(file));
    const decoded = (await decode(file, fp.columns))!;
    expect(String(decoded.schema.fields[0].type)).toBe('LargeUtf8');
    const batch = fp.project(decoded, 0, 3);
    expect(batch.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Binary']);
    expect(rowsOf(batch)).toEqual([{ s: 'ab', b: [1] }, { s: null, b: [] }, { s: 'cde', b: null }]);
  });

  test('dictionary-decoded strings are materialised as Utf8', async () => {
    const dictType = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    const file = writeParquet(tableOf([new Field('s', dictType, true, fid(1))], [vectorFromArray(['x', 'y', 'x', null], dictType)]));
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 's', 'string')) });
    const fp = planner.forFile(taskOf(), footerOf(file));
    const decoded = (await decode(file, fp.columns))!;
    expect(decoded.schema.fields[0].type.typeId).toBe(arrow.Type.Dictionary);
    const batch = fp.project(decoded, 0, 4);
    expect(String(batch.schema.fields[0].type)).toBe('Utf8');
    expect(columnOf(batch, 's')).toEqual(['x', 'y', 'x', null]);
  });
});

describe('every Iceberg type read as itself', () => {
  test('primitive and nested types round-trip with the exact output types', async () => {
    const types: [string, arrow.DataType, unknown[]][] = [
      ['boolean', new arrow.Bool(), [true, false]],
      ['int', new arrow.Int32(), [1, -1]],
      ['long', new arrow.Int64(), [1n, -(2n ** 62n)]],
      ['float', new arrow.Float32(), [0.5, -1]],
      ['double', new arrow.Float64(), [0.1, 1e300]],
      ['date', new arrow.DateDay(), [new Date(0), new Date(86400000)]],
      ['time', new arrow.TimeMicrosecond(), [1n, 86399999999n]],
      ['timestamp', new arrow.TimestampMicrosecond(), [1n, -1n]],
      ['timestamptz', new arrow.TimestampMicrosecond('UTC'), [2n, -2n]],
      ['timestamp_ns', new arrow.TimestampNanosecond(), [3n, -3n]],
      ['timestamptz_ns', new arrow.TimestampNanosecond('UTC'), [4n, -4n]],
      ['string', new arrow.Utf8(), ['é', '']],
      ['binary', new arrow.Binary(), [new Uint8Array([0]), new Uint8Array([])]],
      ['fixed[3]', new arrow.FixedSizeBinary(3), [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6])]],
    ];
    const fields = types.map(([, t], i) => new Field(`c${i}`, t, true, fid(i + 1)));
    const vectors = types.map(([, t, v]) => (t.typeId === arrow.Type.Int || t.typeId === arrow.Type.Timestamp || t.typeId === arrow.Type.Time) && typeof v[0] === 'bigint'
      ? makeVector(makeData({ type: t as arrow.Int64, length: 2, nullCount: 0, data: new BigInt64Array(v as bigint[]) }))
      : vectorFromArray(v, t));
    const file = writeParquet(tableOf(fields, vectors));
    const schema = schemaOf(...types.map(([type], i) => opt(i + 1, `c${i}`, type)));
    const planner = createProjectionPlanner({ schema });
    const fp = planner.forFile(taskOf(), footerOf(file));
    const decoded = (await decode(file, fp.columns))!;
    const batch = fp.project(decoded, 0, 2);
    expect(batch.schema.fields.map((f) => String(f.type))).toEqual(types.map(([, t]) => String(t)));
    for (let i = 0; i < types.length; i++) {
      expect([i, batch.getChildAt(i)!.toArray()]).toEqual([i, decoded.getChildAt(i)!.toArray()]);
    }
  });
});

describe('legacy and Hive annotations of lists and maps', () => {
  const el = (e: SchemaElement) => e;
  const footer = (elements: SchemaElement[]): FileMetaData => ({ version: 1, schema: elements, num_rows: 0n, row_groups: [], metadata_length: 0 }) as FileMetaData;

  test('a map group without annotation whose repeated child is MAP_KEY_VALUE (Hive) is a map', () => {
    const f = footer([
      el({ name: 'hive_schema', num_children: 1 }),
      el({ name: 'm', repetition_type: 'OPTIONAL', num_children: 1 }),
      el({ name: 'map', repetition_type: 'REPEATED', num_children: 2, converted_type: 'MAP_KEY_VALUE' }),
      el({ name: 'key', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED', converted_type: 'UTF8' }),
      el({ name: 'value', type: 'INT32', repetition_type: 'OPTIONAL' }),
    ]);
    const schema = resolveFileSchema(f, [{ fieldId: 1, names: ['m'], fields: [{ fieldId: 2, names: ['key'], fields: [] }, { fieldId: 3, names: ['value'], fields: [] }] }], 'f');
    const m = schema.fields[0];
    expect([m.kind, m.id, m.key?.id, m.value?.id]).toEqual(['map', 1, 2, 3]);
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'm', { type: 'map', keyId: 2, key: 'string', valueId: 3, valueRequired: false, value: 'long' })),
      nameMapping: [{ fieldId: 1, names: ['m'], fields: [{ fieldId: 2, names: ['key'], fields: [] }, { fieldId: 3, names: ['value'], fields: [] }] }] });
    expect(planner.forFile(taskOf(), f).columns).toEqual(['m']);
  });

  test('a map group itself annotated MAP_KEY_VALUE (old parquet-mr) is a map', () => {
    const f = footer([
      el({ name: 'schema', num_children: 1 }),
      el({ name: 'm', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'MAP_KEY_VALUE', field_id: 1 }),
      el({ name: 'key_value', repetition_type: 'REPEATED', num_children: 2 }),
      el({ name: 'key', type: 'INT32', repetition_type: 'REQUIRED', field_id: 2 }),
      el({ name: 'value', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 3 }),
    ]);
    expect(resolveFileSchema(f, undefined, 'f').fields[0].kind).toBe('map');
  });

  test('2-level and named legacy lists find their element', () => {
    const f = footer([
      el({ name: 'schema', num_children: 3 }),
      el({ name: 'a', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', field_id: 1 }),
      el({ name: 'array', type: 'INT32', repetition_type: 'REPEATED', field_id: 2 }),
      el({ name: 'b', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', field_id: 3 }),
      el({ name: 'b_tuple', repetition_type: 'REPEATED', num_children: 1, field_id: 4 }),
      el({ name: 'x', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 5 }),
      el({ name: 'c', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', field_id: 6 }),
      el({ name: 'list', repetition_type: 'REPEATED', num_children: 1 }),
      el({ name: 'element', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 7 }),
    ]);
    const [a, b, c] = resolveFileSchema(f, undefined, 'f').fields;
    expect([a.kind, a.elementNode?.name, a.elementNode?.kind]).toEqual(['list', 'array', 'primitive']);
    expect([b.kind, b.elementNode?.name, b.elementNode?.kind]).toEqual(['list', 'b_tuple', 'struct']);
    expect([c.kind, c.elementNode?.name, c.elementNode?.id]).toEqual(['list', 'element', 7]);
  });
});

describe('variant and geo', () => {
  test('a shredded variant (typed_value) is feature_unsupported, not silently partial', () => {
    const f = { version: 1, num_rows: 0n, row_groups: [], metadata_length: 0, schema: [
      { name: 'schema', num_children: 1 },
      { name: 'v', repetition_type: 'OPTIONAL', num_children: 3, field_id: 1 },
      { name: 'metadata', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' },
      { name: 'value', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'typed_value', type: 'INT64', repetition_type: 'OPTIONAL' },
    ] } as unknown as FileMetaData;
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'v', 'variant')) });
    expect(() => planner.forFile(taskOf(), f)).toThrowError(expect.objectContaining({ code: 'feature_unsupported' }));
  });

  test('geometry reads WKB binary', async () => {
    const file = writeParquet(tableOf([new Field('g', new arrow.Binary(), true, fid(1))], [vectorFromArray([new Uint8Array([1, 1, 0, 0, 0])], new arrow.Binary())]));
    const batch = await projectBytes(createProjectionPlanner({ schema: schemaOf(opt(1, 'g', 'geometry')) }), file);
    expect(batch.schema.fields[0].metadata.get('ARROW:extension:name')).toBe('geoarrow.wkb');
    expect(columnOf(batch, 'g')).toEqual([[1, 1, 0, 0, 0]]);
  });
});
