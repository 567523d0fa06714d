import { describe, expect, test } from 'vitest';
import { selectColumns } from '../../../src/projection/select-columns.ts';
import { createProjectionPlanner } from '../../../src/projection/create-projection-planner.ts';
import type { NestedField, Schema } from '../../../src/metadata/schema.ts';

const opt = (id: number, name: string, type: NestedField['type']): NestedField => ({ id, name, required: false, type });
const schema: Schema = {
  type: 'struct', schemaId: 0, identifierFieldIds: [],
  fields: [
    opt(1, 'id', 'long'),
    opt(2, 'Loc', { type: 'struct', fields: [opt(3, 'lat', 'double'), opt(4, 'lon', 'double'), opt(5, 'inner', { type: 'struct', fields: [opt(6, 'z', 'int')] })] }),
    opt(7, 'a.b', 'string'),
    opt(8, 'tags', { type: 'list', elementId: 9, elementRequired: false, element: 'string' }),
  ],
};
const names = (cols: ReturnType<typeof selectColumns>) => cols.map((c) => (c.kind === 'meta' ? c.name : c.field.name));

describe('select', () => {
  test('default: every top-level column in schema order', () => {
    expect(names(selectColumns(schema, undefined))).toEqual(['id', 'Loc', 'a.b', 'tags']);
  });

  test('requested order, duplicates once, metadata columns anywhere', () => {
    expect(names(selectColumns(schema, ['tags', '_pos', 'id', 'tags', '_file']))).toEqual(['tags', '_pos', 'id', '_file']);
  });

  test('nested paths prune the parent struct; children keep schema order', () => {
    const [loc] = selectColumns(schema, ['Loc.lon', 'Loc.inner.z', 'Loc.lat']);
    expect(loc.kind === 'data' && loc.field.type).toEqual({ type: 'struct', fields: [opt(3, 'lat', 'double'), opt(4, 'lon', 'double'), opt(5, 'inner', { type: 'struct', fields: [opt(6, 'z', 'int')] })] });
    const [partial] = selectColumns(schema, ['Loc.lon']);
    expect(partial.kind === 'data' && partial.field.type).toEqual({ type: 'struct', fields: [opt(4, 'lon', 'double')] });
    const [whole] = selectColumns(schema, ['Loc.lon', 'Loc']);
    expect(whole.kind === 'data' && whole.field).toBe(schema.fields[1]);
  });

  test('a top-level name with a literal dot', () => {
    expect(names(selectColumns(schema, ['a.b']))).toEqual(['a.b']);
  });

  test('case-insensitive when asked', () => {
    expect(names(selectColumns(schema, ['loc.LAT', 'ID', '_POS'], false))).toEqual(['Loc', 'id', '_pos']);
    expect(() => selectColumns(schema, ['loc'])).toThrowError(expect.objectContaining({ code: 'not_found' }));
  });

  test('unknown names and paths through lists are not_found; empty names invalid', () => {
    expect(() => selectColumns(schema, ['nope'])).toThrowError(expect.objectContaining({ code: 'not_found' }));
    expect(() => selectColumns(schema, ['tags.element'])).toThrowError(expect.objectContaining({ code: 'not_found' }));
    expect(() => selectColumns(schema, [''])).toThrowError(expect.objectContaining({ code: 'invalid_argument' }));
  });

  test('the planner schema carries ids on nested fields of a pruned struct', () => {
    const planner = createProjectionPlanner({ schema, select: ['Loc.inner.z'] });
    const loc = planner.schema.fields[0];
    expect(String(loc.type)).toBe('Struct<{inner:Struct<{z:Int32}>}>');
    expect(loc.metadata.get('PARQUET:field_id')).toBe('2');
    expect((loc.type.children[0].type.children[0]).metadata.get('PARQUET:field_id')).toBe('6');
  });
});
