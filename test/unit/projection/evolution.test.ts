import { describe, expect, test } from 'vitest';
import * as arrow from 'apache-arrow';
import { createProjectionPlanner } from '../../../src/projection/create-projection-planner.ts';
import type { NestedField, Schema } from '../../../src/metadata/schema.ts';
import { isIcebergScanError } from '../../../src/errors.ts';
import { columnOf, fid, footerOf, projectBytes, rowsOf, tableOf, taskOf, writeParquet } from './helpers.ts';

const { Field, Int32, Int64, Utf8, Float32, Float64, Struct, List, DateDay, Decimal, FixedSizeBinary, vectorFromArray } = arrow;

function schemaOf(...fields: NestedField[]): Schema {
  return { type: 'struct', schemaId: 1, identifierFieldIds: [], fields };
}
const opt = (id: number, name: string, type: NestedField['type'], extra: Partial<NestedField> = {}): NestedField => ({ id, name, required: false, type, ...extra });
const req = (id: number, name: string, type: NestedField['type'], extra: Partial<NestedField> = {}): NestedField => ({ id, name, required: true, type, ...extra });

/** File written with schema `1: a int, 2: b string, 3: c double`. */
const abc = writeParquet(tableOf(
  [new Field('a', new Int32(), true, fid(1)), new Field('b', new Utf8(), true, fid(2)), new Field('c', new Float64(), true, fid(3))],
  [vectorFromArray([1, 2, null], new Int32()), vectorFromArray(['x', null, 'z'], new Utf8()), vectorFromArray([1.5, 2.5, 3.5], new Float64())],
));

async function expectCode(p: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(isIcebergScanError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected an IcebergScanError ${code}`);
}

describe('projection by field id', () => {
  test('the spec example: renames, reorder and a missing column (3: measurement, 2: name, 4: a)', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(3, 'measurement', 'double'), opt(2, 'name', 'string'), opt(4, 'a', 'int')) });
    const batch = await projectBytes(planner, abc);
    expect(batch.schema.fields.map((f) => f.name)).toEqual(['measurement', 'name', 'a']);
    expect(batch.schema.fields.map((f) => f.metadata.get('PARQUET:field_id'))).toEqual(['3', '2', '4']);
    expect(rowsOf(batch)).toEqual([
      { measurement: 1.5, name: 'x', a: null }, { measurement: 2.5, name: null, a: null }, { measurement: 3.5, name: 'z', a: null },
    ]);
  });

  test('columns not requested are not decoded', () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'a', 'int'), opt(2, 'b', 'string'), opt(3, 'c', 'double')), select: ['c'] });
    expect(planner.forFile(taskOf(), footerOf(abc)).columns).toEqual(['c']);
  });

  test('unchanged columns reuse the decoded buffers (zero copy)', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'a', 'int'), opt(2, 'b', 'string')) });
    const fp = planner.forFile(taskOf(), footerOf(abc));
    const { decode } = await import('./helpers.ts');
    const decoded = (await decode(abc, fp.columns))!;
    const out = fp.project(decoded, 0, 3);
    expect(out.data.children[0].values).toBe(decoded.data.children[0].values);
    expect(out.data.children[1].values).toBe(decoded.data.children[1].values);
  });
});

describe('missing columns, in spec order', () => {
  const task = (partition: Record<string, unknown>) => taskOf({ specId: 0, partition: partition as never });
  const specs = [{ specId: 0, fields: [{ sourceId: 9, fieldId: 1000, name: 'p', transform: 'identity' }] }];

  test.each([
    ['int', 0, 0],
    ['boolean', false, false],
    ['string', '', ''],
    ['double', 0.0, 0],
    ['long', 12, '12'],
    ['date', '2022-02-22', 19045],
    ['decimal(6, 3)', '123.321', null],
  ])('1. identity-partition value of type %s (falsy values kept): %j', async (type, value, expected) => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'a', 'int'), opt(9, 'p', type, { initialDefault: type === 'int' ? 7 : undefined })), specs });
    const batch = await projectBytes(planner, abc, task({ 1000: value }));
    const got = columnOf(batch, 'p');
    if (type.startsWith('decimal')) {
      expect(batch.getChild('p')!.type.toString()).toBe('Decimal[6e+3]');
      expect(Array.from(batch.getChild('p')!.get(0) as Uint32Array).slice(0, 1)).toEqual([123321]);
    } else if (type === 'date') {
      expect((batch.getChild('p')!.data[0].values as Int32Array)[0]).toBe(expected);
    } else {
      expect(got).toEqual([expected, expected, expected]);
    }
  });

  test('a null partition value falls through to the initial-default', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'a', 'int'), opt(9, 'p', 'int', { initialDefault: 7 })), specs });
    expect(columnOf(await projectBytes(planner, abc, task({ 1000: null })), 'p')).toEqual([7, 7, 7]);
  });

  test('non-identity partition fields are not constants', async () => {
    const bucket = [{ specId: 0, fields: [{ sourceId: 9, fieldId: 1000, name: 'p_bucket', transform: 'bucket[4]' }] }];
    const planner = createProjectionPlanner({ schema: schemaOf(opt(9, 'p', 'int')), specs: bucket });
    expect(columnOf(await projectBytes(planner, abc, task({ 1000: 3 })), 'p')).toEqual([null, null, null]);
  });

  test('2. without file ids, the identity-partition value wins over the name-mapped column, which wins over the default', async () => {
    const noIds = writeParquet(tableOf([new Field('a', new Int32()), new Field('p', new Int32())],
      [vectorFromArray([1, 2], new Int32()), vectorFromArray([5, 6], new Int32())]));
    const nameMapping = [{ fieldId: 1, names: ['a'], fields: [] }, { fieldId: 9, names: ['p'], fields: [] }];
    const schema = schemaOf(opt(1, 'a', 'int'), opt(9, 'p', 'int', { initialDefault: 7 }));
    const withSpec = createProjectionPlanner({ schema, specs, nameMapping });
    expect(columnOf(await projectBytes(withSpec, noIds, task({ 1000: 0 })), 'p')).toEqual([0, 0]);
    const mappedOnly = createProjectionPlanner({ schema, nameMapping });
    expect(columnOf(await projectBytes(mappedOnly, noIds, task({})), 'p')).toEqual([5, 6]);
    const unmapped = createProjectionPlanner({ schema, nameMapping: [{ fieldId: 1, names: ['a'], fields: [] }] });
    expect(columnOf(await projectBytes(unmapped, noIds, task({})), 'p')).toEqual([7, 7]);
  });

  test('3. initial-default (v3) of every primitive kind', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(
      opt(1, 'a', 'int'),
      opt(10, 'i', 'int', { initialDefault: 42 }),
      opt(11, 'l', 'long', { initialDefault: '9007199254740993' }),
      opt(12, 's', 'string', { initialDefault: 'héllo' }),
      opt(13, 'b', 'boolean', { initialDefault: true }),
      opt(14, 'f', 'float', { initialDefault: 1.5 }),
      opt(15, 'ts', 'timestamptz', { initialDefault: '2017-11-16T22:31:08.123456+00:00' }),
      opt(16, 'u', 'uuid', { initialDefault: 'f79c3e09-677c-4bbd-a479-3f349cb785e7' }),
      opt(17, 'bin', 'binary', { initialDefault: '00ff' }),
      opt(18, 't', 'time', { initialDefault: '22:31:08.123456' }),
    ) });
    const batch = await projectBytes(planner, abc);
    const row = rowsOf(batch)[2] as Record<string, unknown>;
    expect(row).toMatchObject({ a: null, i: 42, l: '9007199254740993', s: 'héllo', b: true, f: 1.5, bin: [0, 255] });
    expect((batch.getChild('ts')!.data[0].values as BigInt64Array)[0]).toBe(1510871468123456n);
    expect((batch.getChild('t')!.data[0].values as BigInt64Array)[0]).toBe(81068123456n);
    expect(Array.from(batch.getChild('u')!.get(0) as Uint8Array).slice(0, 2)).toEqual([0xf7, 0x9c]);
  });

  test('3. nested struct defaults: {} takes each sub-field default, null stays null', async () => {
    const point = (d: unknown) => ({ type: 'struct' as const, fields: [opt(21, 'x', 'int', { initialDefault: 0 }), opt(22, 'y', 'int', { initialDefault: d })] });
    const planner = createProjectionPlanner({ schema: schemaOf(
      opt(1, 'a', 'int'), opt(20, 'p1', point(5), { initialDefault: {} }), opt(30, 'p2', { type: 'struct', fields: [opt(31, 'x', 'int', { initialDefault: 0 })] }),
    ) });
    const rows = rowsOf(await projectBytes(planner, abc)) as Record<string, unknown>[];
    expect(rows[0].p1).toEqual({ x: 0, y: 5 });
    expect(rows[0].p2).toBeNull();
  });

  test('3. a default fills a missing child of a present struct; present children are read', async () => {
    const st = new Struct([new Field('x', new Int32(), true, fid(21))]);
    const file = writeParquet(tableOf([new Field('p', st, true, fid(20))], [vectorFromArray([{ x: 3 }, null], st)]));
    const planner = createProjectionPlanner({ schema: schemaOf(opt(20, 'p', { type: 'struct', fields: [opt(21, 'x', 'int'), opt(22, 'y', 'int', { initialDefault: 0 })] })) });
    expect(columnOf(await projectBytes(planner, file), 'p')).toEqual([{ x: 3, y: 0 }, null]);
  });

  test('4. null, and a required column with nothing to fill it is an error', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'a', 'int'), req(5, 'must', 'int')) });
    await expectCode(() => planner.forFile(taskOf(), footerOf(abc)), 'data_invalid');
    const ok = createProjectionPlanner({ schema: schemaOf(req(5, 'must', 'int', { initialDefault: 1 })), specs });
    expect(columnOf(await projectBytes(ok, abc), 'must')).toEqual([1, 1, 1]);
    const byPartition = createProjectionPlanner({ schema: schemaOf(req(9, 'p', 'int')), specs });
    expect(columnOf(await projectBytes(byPartition, abc, task({ 1000: 0 })), 'p')).toEqual([0, 0, 0]);
  });
});

describe('type promotion', () => {
  const file = writeParquet(tableOf([
    new Field('i', new Int32(), true, fid(1)),
    new Field('f', new Float32(), true, fid(2)),
    new Field('d', new Decimal(2, 5, 128), true, fid(3)),
    new Field('dt', new DateDay(), true, fid(4)),
    new Field('fx', new FixedSizeBinary(16), true, fid(5)),
    new Field('s', new Utf8(), true, fid(6)),
  ], [
    vectorFromArray([1, -2, null], new Int32()),
    vectorFromArray([1.5, null, -0.25], new Float32()),
    arrow.makeVector(arrow.makeData({ type: new Decimal(2, 5, 128), length: 3, nullCount: 0, data: new Uint32Array([12345, 0, 0, 0, 1, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]) })),
    arrow.makeVector(arrow.makeData({ type: new DateDay(), length: 3, nullCount: 0, data: new Int32Array([0, 19045, -1]) })),
    arrow.makeVector(arrow.makeData({ type: new FixedSizeBinary(16), length: 3, nullCount: 0, data: new Uint8Array(48).map((_, i) => i) })),
    vectorFromArray(['a', 'b', 'c'], new Utf8()),
  ]));
  const promoted = createProjectionPlanner({ schema: schemaOf(
    opt(1, 'i', 'long'), opt(2, 'f', 'double'), opt(3, 'd', 'decimal(9, 2)'), opt(4, 'dt', 'timestamp'), opt(5, 'fx', 'uuid'),
  ) });

  test('int→long, float→double, decimal widening, date→timestamp, fixed[16]→uuid', async () => {
    const batch = await projectBytes(promoted, file);
    expect(batch.schema.fields.map((f) => String(f.type))).toEqual(['Int64', 'Float64', 'Decimal[9e+2]', 'Timestamp<MICROSECOND>', 'FixedSizeBinary[16]']);
    expect(columnOf(batch, 'i')).toEqual(['1', '-2', null]);
    expect(columnOf(batch, 'f')).toEqual([1.5, null, -0.25]);
    expect(Array.from(batch.getChild('d')!.data[0].values as Uint32Array).slice(0, 4)).toEqual([12345, 0, 0, 0]);
    expect(Array.from(batch.getChild('dt')!.data[0].values as BigInt64Array)).toEqual([0n, 19045n * 86400000000n, -86400000000n]);
    expect(batch.schema.fields[4].metadata.get('ARROW:extension:name')).toBe('arrow.uuid');
    expect(Array.from(batch.getChild('fx')!.get(1) as Uint8Array).slice(0, 2)).toEqual([16, 17]);
  });

  test('date→timestamp_ns (v3)', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(4, 'dt', 'timestamp_ns')) });
    const batch = await projectBytes(planner, file);
    expect(Array.from(batch.getChild('dt')!.data[0].values as BigInt64Array)).toEqual([0n, 19045n * 86400000000000n, -86400000000000n]);
  });

  test('unknown→any: a column typed unknown in an old schema reads as nulls', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'i', 'unknown'), opt(7, 'later', 'string')) });
    const batch = await projectBytes(planner, file);
    expect(String(batch.schema.fields[0].type)).toBe('Null');
    expect(columnOf(batch, 'i')).toEqual([null, null, null]);
  });

  test.each([
    [6, 'int', 'string'], [1, 'string', 'int'], [2, 'int', 'float'], [3, 'decimal(9, 3)', 'decimal(5, 2)'],
    [3, 'decimal(4, 2)', 'decimal(5, 2)'], [4, 'timestamptz', 'date'], [1, 'double', 'int'], [5, 'fixed[8]', 'fixed[16]'],
  ])('field %i read as %s (file %s) is a type_mismatch naming both types', (id, tableType, fileType) => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(id, 'col', tableType)) });
    try {
      planner.forFile(taskOf(), footerOf(file));
      throw new Error('no error');
    } catch (e) {
      expect((e as { code: string }).code).toBe('type_mismatch');
      expect((e as Error).message).toContain('col');
      expect((e as Error).message).toContain(fileType);
      expect((e as Error).message).toContain(tableType.split('(')[0]);
    }
  });
});

describe('nested evolution keeps null masks', () => {
  const elType = new Struct([new Field('x', new Int32(), true, fid(3)), new Field('gone', new Int32(), true, fid(4))]);
  const listType = new List(new Field('element', elType, true, fid(2)));
  const file = writeParquet(tableOf([new Field('l', listType, true, fid(1))], [
    vectorFromArray([[{ x: 1, gone: 9 }, null], null, []], listType),
  ]));

  test('list<struct>: added + renamed + dropped children; a null list stays null, not []', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'items', {
      type: 'list', elementId: 2, elementRequired: false,
      element: { type: 'struct', fields: [opt(5, 'y', 'long', { initialDefault: 7 }), opt(3, 'renamed', 'long')] },
    })) });
    const batch = await projectBytes(planner, file);
    expect(columnOf(batch, 'items')).toEqual([[{ y: '7', renamed: '1' }, null], null, []]);
    expect(String(batch.schema.fields[0].type)).toBe('List<Struct<{y:Int64, renamed:Int64}>>');
  });

  test('map<string, struct>: value struct evolves, null map stays null', async () => {
    const valueType = new Struct([new Field('a', new Int32(), true, fid(13))]);
    const mapType = new arrow.Map_<arrow.Utf8, arrow.Struct>(new Field('entries', new Struct<any>([new Field('key', new Utf8(), false, fid(11)), new Field('value', valueType, true, fid(12))]), false));
    const m = arrow.makeVector(arrow.makeData({
      type: mapType, length: 2, nullCount: 1, nullBitmap: new Uint8Array([1]), valueOffsets: new Int32Array([0, 1, 1]),
      child: arrow.makeData({ type: mapType.children[0].type, length: 1, nullCount: 0, children: [
        vectorFromArray(['k'], new Utf8()).data[0], arrow.makeData({ type: valueType, length: 1, nullCount: 0, children: [vectorFromArray([4], new Int32()).data[0]] }),
      ] }),
    }));
    const mfile = writeParquet(tableOf([new Field('m', mapType, true, fid(10))], [m]));
    const planner = createProjectionPlanner({ schema: schemaOf(opt(10, 'm', {
      type: 'map', keyId: 11, key: 'string', valueId: 12, valueRequired: false,
      value: { type: 'struct', fields: [opt(13, 'a', 'long'), opt(14, 'b', 'string')] },
    })) });
    const batch = await projectBytes(planner, mfile);
    expect(planner.forFile(taskOf(), footerOf(mfile)).columns).toEqual(['m']);
    expect(columnOf(batch, 'm')).toEqual([{ k: { a: '4', b: null } }, null]);
  });

  test('struct: a null parent struct stays null while its children are evolved', async () => {
    const st = new Struct([new Field('x', new Int32(), true, fid(21)), new Field('z', new Utf8(), true, fid(23))]);
    const sfile = writeParquet(tableOf([new Field('s', st, true, fid(20))], [vectorFromArray([{ x: 1, z: 'q' }, null, { x: null, z: null }], st)]));
    const planner = createProjectionPlanner({ schema: schemaOf(opt(20, 's', { type: 'struct', fields: [opt(22, 'y', 'int'), opt(21, 'x', 'long')] })) });
    const fp = planner.forFile(taskOf(), footerOf(sfile));
    expect(fp.columns).toEqual(['s.x']);
    expect(columnOf(await projectBytes(planner, sfile), 's')).toEqual([{ y: null, x: '1' }, null, { y: null, x: null }]);
  });

  test('a struct whose selected children are all new still reads one leaf for its null mask', async () => {
    const st = new Struct([new Field('x', new Int32(), true, fid(21))]);
    const sfile = writeParquet(tableOf([new Field('s', st, true, fid(20))], [vectorFromArray([{ x: 1 }, null], st)]));
    const planner = createProjectionPlanner({ schema: schemaOf(opt(20, 's', { type: 'struct', fields: [opt(22, 'y', 'int', { initialDefault: 3 })] })) });
    expect(planner.forFile(taskOf(), footerOf(sfile)).columns).toEqual(['s.x']);
    expect(columnOf(await projectBytes(planner, sfile), 's')).toEqual([{ y: 3 }, null]);
  });
});
