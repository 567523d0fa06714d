import { describe, expect, test } from 'vitest';
import * as arrow from 'apache-arrow';
import { createProjectionPlanner } from '../../../src/projection/create-projection-planner.ts';
import { hasFieldIds, resolveFileSchema } from '../../../src/projection/file-schema.ts';
import { nameMappingFromProperties, parseNameMapping } from '../../../src/metadata/name-mapping.ts';
import type { NestedField, Schema } from '../../../src/metadata/schema.ts';
import { columnOf, fid, footerOf, projectBytes, rowsOf, tableOf, taskOf, writeParquet } from './helpers.ts';

const { Field, Int32, Utf8, Struct, List, vectorFromArray } = arrow;
const schemaOf = (...fields: NestedField[]): Schema => ({ type: 'struct', schemaId: 0, identifierFieldIds: [], fields });
const opt = (id: number, name: string, type: NestedField['type'], extra: Partial<NestedField> = {}): NestedField => ({ id, name, required: false, type, ...extra });

const pointType = new Struct([new Field('x', new Int32(), true), new Field('y', new Int32(), true)]);
const tagsType = new List(new Field('item', new Utf8(), true));
/** A file without any field id: `id`, `dotted.name`, `point{x,y}`, `tags list<string>`. */
const noIds = writeParquet(tableOf(
  [new Field('id', new Int32(), true), new Field('dotted.name', new Utf8(), true), new Field('point', pointType, true), new Field('tags', tagsType, true)],
  [vectorFromArray([1, 2], new Int32()), vectorFromArray(['a', 'b'], new Utf8()), vectorFromArray([{ x: 1, y: 2 }, null], pointType), vectorFromArray([['t'], null], tagsType)],
));
const tableSchema = schemaOf(
  opt(1, 'key', 'int'),
  opt(2, 'label', 'string'),
  opt(3, 'pt', { type: 'struct', fields: [opt(5, 'y', 'int'), opt(4, 'x', 'int')] }),
  opt(6, 'tags', { type: 'list', elementId: 7, elementRequired: false, element: 'string' }),
);

describe('has ids', () => {
  test('Java rule: any field with an id means the file has ids (mixed case)', async () => {
    const mixed = writeParquet(tableOf([new Field('a', new Int32(), true, fid(1)), new Field('b', new Int32())],
      [vectorFromArray([1], new Int32()), vectorFromArray([2], new Int32())]));
    expect(hasFieldIds(footerOf(mixed))).toBe(true);
    expect(hasFieldIds(footerOf(noIds))).toBe(false);
    // b has no id: with ids present, it is invisible (not name-mapped), so field 2 is missing -> null.
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'a', 'int'), opt(2, 'b', 'int')), nameMapping: parseNameMapping('[{"field-id":2,"names":["b"]}]') });
    expect(rowsOf(await projectBytes(planner, mixed))).toEqual([{ a: 1, b: null }]);
  });
});

describe('name mapping', () => {
  const mapping = parseNameMapping(JSON.stringify([
    { 'field-id': 1, names: ['id', 'ident'] },
    { 'field-id': 2, names: ['dotted.name'] },
    { 'field-id': 3, names: ['point'], fields: [{ 'field-id': 4, names: ['x'] }, { 'field-id': 5, names: ['y'] }] },
    { 'field-id': 6, names: ['tags'], fields: [{ 'field-id': 7, names: ['element'] }] },
    { names: ['not_in_table'] },
  ]));

  test('parses aliases, nested fields, literal dots and fields without ids', () => {
    expect(mapping[0].names).toEqual(['id', 'ident']);
    expect(mapping[2].fields.map((f) => f.fieldId)).toEqual([4, 5]);
    expect(mapping[4].fieldId).toBeUndefined();
    expect(() => parseNameMapping('{nope')).toThrowError(expect.objectContaining({ code: 'data_invalid' }));
    expect(() => parseNameMapping([{ names: 'x' }])).toThrowError(expect.objectContaining({ code: 'data_invalid' }));
  });

  test('reads schema.name-mapping.default from table properties', () => {
    expect(nameMappingFromProperties({})).toBeUndefined();
    expect(nameMappingFromProperties({ 'schema.name-mapping.default': '[{"field-id":1,"names":["a"]}]' })).toEqual([{ fieldId: 1, names: ['a'], fields: [] }]);
  });

  test('assigns ids by name (aliases, literal dots, nested struct children, list element)', async () => {
    const planner = createProjectionPlanner({ schema: tableSchema, nameMapping: mapping });
    const fp = planner.forFile(taskOf(), footerOf(noIds));
    expect(resolveFileSchema(footerOf(noIds), mapping, 'f').idSource).toBe('name-mapping');
    expect([...fp.columns].sort()).toEqual(['dotted.name', 'id', 'point.x', 'point.y', 'tags']);
    expect(rowsOf(await projectBytes(planner, noIds))).toEqual([
      { key: 1, label: 'a', pt: { y: 2, x: 1 }, tags: ['t'] },
      { key: 2, label: 'b', pt: null, tags: null },
    ]);
  });

  test('an alias matches a differently named file column', async () => {
    const other = writeParquet(tableOf([new Field('ident', new Int32())], [vectorFromArray([9], new Int32())]));
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'key', 'int')), nameMapping: mapping });
    expect(columnOf(await projectBytes(planner, other), 'key')).toEqual([9]);
  });

  test('unmapped file columns are not read; unmapped table columns are missing', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(opt(1, 'key', 'int'), opt(2, 'label', 'string')), nameMapping: parseNameMapping('[{"field-id":1,"names":["id"]}]') });
    const fp = planner.forFile(taskOf(), footerOf(noIds));
    expect(fp.columns).toEqual(['id']);
    expect(columnOf(await projectBytes(planner, noIds), 'label')).toEqual([null, null]);
  });
});

describe('fallback positional ids (no ids, no mapping)', () => {
  test('top-level column N gets id N (Java addFallbackIds); nested children match by name', async () => {
    const planner = createProjectionPlanner({ schema: schemaOf(
      opt(2, 'label', 'string'), opt(1, 'key', 'int'), opt(3, 'point', { type: 'struct', fields: [opt(50, 'y', 'int')] }),
    ) });
    expect(resolveFileSchema(footerOf(noIds), undefined, 'f').idSource).toBe('fallback');
    expect(rowsOf(await projectBytes(planner, noIds))).toEqual([
      { label: 'a', key: 1, point: { y: 2 } }, { label: 'b', key: 2, point: null },
    ]);
  });
});
