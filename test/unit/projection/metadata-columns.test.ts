import { describe, expect, test } from 'vitest';
import * as arrow from 'apache-arrow';
import { createProjectionPlanner } from '../../../src/projection/create-projection-planner.ts';
import { METADATA_FIELD_IDS } from '../../../src/projection/metadata-columns.ts';
import type { NestedField, Schema } from '../../../src/metadata/schema.ts';
import { columnOf, decode, fid, footerOf, projectBytes, rowsOf, tableOf, taskOf, writeParquet } from './helpers.ts';

const { Field, Int32, Int64, vectorFromArray } = arrow;
const schemaOf = (...fields: NestedField[]): Schema => ({ type: 'struct', schemaId: 0, identifierFieldIds: [], fields });
const opt = (id: number, name: string, type: NestedField['type']): NestedField => ({ id, name, required: false, type });

const file = writeParquet(tableOf([new Field('a', new Int32(), true, fid(1))], [vectorFromArray([10, 11, 12], new Int32())]));
const schema = schemaOf(opt(1, 'a', 'int'), opt(2, 'b', 'string'));
const specs = [
  { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'a', transform: 'identity' }] },
  { specId: 1, fields: [{ sourceId: 1, fieldId: 1000, name: 'a', transform: 'identity' }, { sourceId: 2, fieldId: 1001, name: 'b_trunc', transform: 'truncate[2]' }, { sourceId: 1, fieldId: 1002, name: 'a_bucket', transform: 'bucket[8]' }] },
];

describe('metadata columns', () => {
  test('_file, _pos (absolute), _spec_id with reserved ids and types', async () => {
    const planner = createProjectionPlanner({ schema, select: ['_file', 'a', '_pos', '_spec_id'] });
    const batch = await projectBytes(planner, file, taskOf({ path: 's3://b/t/data/f.parquet', specId: 3 }), 100);
    expect(batch.schema.fields.map((f) => `${f.name}:${f.type}:${f.metadata.get('PARQUET:field_id')}:${f.nullable}`)).toEqual([
      `_file:Utf8:${METADATA_FIELD_IDS._file}:false`, 'a:Int32:1:true', `_pos:Int64:${METADATA_FIELD_IDS._pos}:false`, `_spec_id:Int32:${METADATA_FIELD_IDS._spec_id}:false`,
    ]);
    expect(rowsOf(batch)).toEqual([
      { _file: 's3://b/t/data/f.parquet', a: 10, _pos: '100', _spec_id: 3 },
      { _file: 's3://b/t/data/f.parquet', a: 11, _pos: '101', _spec_id: 3 },
      { _file: 's3://b/t/data/f.parquet', a: 12, _pos: '102', _spec_id: 3 },
    ]);
  });

  test('_pos of rows left by a pushed-down selection: firstRowPosition + rowOffsets[i], also beyond 2^31 and 2^32', () => {
    const planner = createProjectionPlanner({ schema, select: ['_pos'] });
    const fp = planner.forFile(taskOf(), footerOf(file));
    const offsets = Int32Array.from([0, 2, 7]);
    for (const first of [10, 2 ** 31 - 3, 2 ** 32 + 5]) {
      const batch = fp.project(undefined, first, 8, offsets);
      expect(batch.numRows).toBe(3);
      expect(columnOf(batch, '_pos')).toEqual([String(first), String(first + 2), String(first + 7)]);
    }
  });

  test('_pos beyond 2^32', async () => {
    const planner = createProjectionPlanner({ schema, select: ['_pos'] });
    const fp = planner.forFile(taskOf(), footerOf(file));
    expect(columnOf(fp.project(undefined, 2 ** 32 + 5, 2), '_pos')).toEqual([String(2 ** 32 + 5), String(2 ** 32 + 6)]);
  });

  test('only metadata selected: no column decoded, project(undefined, pos, n) builds n rows; constants are sliced per batch', () => {
    const planner = createProjectionPlanner({ schema, select: ['_file', '_pos'] });
    const fp = planner.forFile(taskOf({ path: 'p' }), footerOf(file));
    expect(fp.columns).toEqual([]);
    expect(fp.project(undefined, 0, 5).numRows).toBe(5);
    const small = fp.project(undefined, 5, 2);
    expect(rowsOf(small)).toEqual([{ _file: 'p', _pos: '5' }, { _file: 'p', _pos: '6' }]);
    expect(fp.project(undefined, 7, 0).numRows).toBe(0);
  });

  test('_partition: struct over the union of all specs, null for fields not in the file\'s spec', async () => {
    const planner = createProjectionPlanner({ schema, select: ['_partition'], specs });
    const type = planner.schema.fields[0].type as arrow.Struct;
    expect(String(type)).toBe('Struct<{a:Int32, b_trunc:Utf8, a_bucket:Int32}>');
    expect(type.children.map((c) => c.metadata.get('PARQUET:field_id'))).toEqual(['1000', '1001', '1002']);
    const old = await projectBytes(planner, file, taskOf({ specId: 0, partition: { 1000: 0 } }));
    expect(columnOf(old, '_partition')[0]).toEqual({ a: 0, b_trunc: null, a_bucket: null });
    const cur = await projectBytes(planner, file, taskOf({ specId: 1, partition: { 1000: 1, 1001: 'ab', 1002: 5 } }));
    expect(columnOf(cur, '_partition')[2]).toEqual({ a: 1, b_trunc: 'ab', a_bucket: 5 });
  });

  test('_partition of an unpartitioned table is a null empty struct', async () => {
    const planner = createProjectionPlanner({ schema, select: ['_partition'], specs: [{ specId: 0, fields: [] }] });
    expect(columnOf(await projectBytes(planner, file), '_partition')).toEqual([null, null, null]);
  });

  test('_row_id = first_row_id + _pos, null when first_row_id is null', async () => {
    const planner = createProjectionPlanner({ schema, select: ['_row_id', '_last_updated_sequence_number'] });
    const batch = await projectBytes(planner, file, taskOf({ firstRowId: 1000, sequenceNumber: 7 }), 10);
    expect(rowsOf(batch)).toEqual([0, 1, 2].map((i) => ({ _row_id: String(1010 + i), _last_updated_sequence_number: '7' })));
    const none = await projectBytes(planner, file, taskOf({ firstRowId: null }));
    expect(rowsOf(none)).toEqual([0, 1, 2].map(() => ({ _row_id: null, _last_updated_sequence_number: null })));
  });

  test('row lineage columns written in the file win; their nulls inherit', async () => {
    const lineage = writeParquet(tableOf([
      new Field('a', new Int32(), true, fid(1)),
      new Field('_row_id', new Int64(), true, fid(METADATA_FIELD_IDS._row_id)),
      new Field('_last_updated_sequence_number', new Int64(), true, fid(METADATA_FIELD_IDS._last_updated_sequence_number)),
    ], [vectorFromArray([1, 2, 3], new Int32()), vectorFromArray([500n, null, 502n], new Int64()), vectorFromArray([3n, 3n, null], new Int64())]));
    const planner = createProjectionPlanner({ schema, select: ['a', '_row_id', '_last_updated_sequence_number'] });
    const batch = await projectBytes(planner, lineage, taskOf({ firstRowId: 100, sequenceNumber: 9 }));
    expect(rowsOf(batch)).toEqual([
      { a: 1, _row_id: '500', _last_updated_sequence_number: '3' },
      { a: 2, _row_id: '101', _last_updated_sequence_number: '3' },
      { a: 3, _row_id: '502', _last_updated_sequence_number: '9' },
    ]);
  });

  test('a data column named _pos is the data column, not the metadata column', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, '_pos', 'int')), select: ['_pos'] });
    expect(columnOf(await projectBytes(planner, file), '_pos')).toEqual([10, 11, 12]);
  });
});

describe('helper columns (extraFieldIds)', () => {
  test('appended after the output columns; outputColumns counts only the requested ones', async () => {
    const planner = createProjectionPlanner({ schema, select: ['b'], extraFieldIds: [1, METADATA_FIELD_IDS._pos] });
    expect(planner.outputColumns).toBe(1);
    expect(planner.schema.fields.map((f) => f.name)).toEqual(['b', 'a', '_pos']);
    expect(planner.columnIndexOf(1)).toBe(1);
    expect(rowsOf(await projectBytes(planner, file))[1]).toEqual({ b: null, a: 11, _pos: '1' });
  });

  test('a field dropped from the current schema is typed from allSchemas and read by id', async () => {
    const current = schemaOf(opt(2, 'b', 'string'));
    const planner = createProjectionPlanner({ schema: current, allSchemas: [schema], extraFieldIds: [1] });
    expect(columnOf(await projectBytes(planner, file), 'a')).toEqual([10, 11, 12]);
    expect(() => createProjectionPlanner({ schema: current, extraFieldIds: [1] })).toThrowError(expect.objectContaining({ code: 'invalid_argument' }));
  });

  test('a nested helper leaf is null where its parent struct is null even if the child slot is valid (sliced bool)', async () => {
    const st = new arrow.Struct([new Field('flag', new arrow.Bool(), true, fid(21))]);
    const sfile = writeParquet(tableOf([new Field('s', st, true, fid(20))], [vectorFromArray([{ flag: true }], st)]));
    const planner = createProjectionPlanner({ schema: schemaOf(opt(20, 's', { type: 'struct', fields: [opt(21, 'flag', 'boolean')] })), select: [], extraFieldIds: [21] });
    const fp = planner.forFile(taskOf(), footerOf(sfile));
    // hand-built decoded batch: child all valid [false, true, false, true], parent null at row 1; slice off row 0
    const flag = arrow.makeData({ type: new arrow.Bool(), length: 4, nullCount: 0, data: new Uint8Array([0b1010]) });
    const sdata = arrow.makeData({ type: st, length: 4, nullCount: 1, nullBitmap: new Uint8Array([0b1101]), children: [flag] });
    const whole = new arrow.RecordBatch(new arrow.Schema([new Field('s', st, true)]), arrow.makeData({ type: new arrow.Struct([new Field('s', st, true)]), length: 4, nullCount: 0, children: [sdata] }));
    const batch = fp.project(whole.slice(1, 4), 1, 3);
    expect(columnOf(batch, 's.flag')).toEqual([null, false, true]);
  });

  test('a nested helper leaf carries its parent struct\'s nulls', async () => {
    const st = new arrow.Struct([new Field('x', new Int32(), true, fid(21))]);
    const sfile = writeParquet(tableOf([new Field('s', st, true, fid(20))], [vectorFromArray([{ x: 1 }, null, { x: null }], st)]));
    const nested = schemaOf(opt(20, 's', { type: 'struct', fields: [opt(21, 'x', 'int')] }));
    const planner = createProjectionPlanner({ schema: nested, select: [], extraFieldIds: [21] });
    const fp = planner.forFile(taskOf(), footerOf(sfile));
    expect(fp.columns).toEqual(['s.x']);
    const batch = fp.project(await decode(sfile, fp.columns), 0, 3);
    expect(columnOf(batch, 's.x')).toEqual([1, null, null]);
  });
});
