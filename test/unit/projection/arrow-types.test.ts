import { describe, expect, test } from 'vitest';
import { arrowFieldOf, arrowTypeOf } from '../../../src/projection/arrow-types.ts';

describe('Iceberg → Arrow types', () => {
  test.each([
    ['boolean', 'Bool'], ['int', 'Int32'], ['long', 'Int64'], ['float', 'Float32'], ['double', 'Float64'],
    ['decimal(38, 10)', 'Decimal[38e+10]'], ['date', 'Date32<DAY>'], ['time', 'Time64<MICROSECOND>'],
    ['timestamp', 'Timestamp<MICROSECOND>'], ['timestamptz', 'Timestamp<MICROSECOND, UTC>'],
    ['timestamp_ns', 'Timestamp<NANOSECOND>'], ['timestamptz_ns', 'Timestamp<NANOSECOND, UTC>'],
    ['string', 'Utf8'], ['uuid', 'FixedSizeBinary[16]'], ['fixed[7]', 'FixedSizeBinary[7]'], ['binary', 'Binary'],
    ['unknown', 'Null'], ['variant', 'Struct<{metadata:Binary, value:Binary}>'],
    ['geometry', 'Binary'], ['geography(srid:4326, spherical)', 'Binary'],
  ])('%s → %s', (iceberg, arrowText) => {
    expect(String(arrowTypeOf(iceberg))).toBe(arrowText);
  });

  test('decimal is 128-bit', () => {
    expect((arrowTypeOf('decimal(9, 2)') as unknown as { bitWidth: number }).bitWidth).toBe(128);
  });

  test('struct, list, map carry field ids and nullability on every child', () => {
    const f = arrowFieldOf({ id: 1, name: 'm', required: true, type: {
      type: 'map', keyId: 2, key: 'string', valueId: 3, valueRequired: false,
      value: { type: 'list', elementId: 4, elementRequired: true, element: { type: 'struct', fields: [{ id: 5, name: 'x', required: false, type: 'uuid' }] } },
    } });
    expect(String(f.type)).toBe('Map<{key:Utf8, value:List<Struct<{x:FixedSizeBinary[16]}>>}>');
    expect(f.nullable).toBe(false);
    const entries = f.type.children[0];
    const [key, value] = entries.type.children;
    expect([key.metadata.get('PARQUET:field_id'), key.nullable, value.metadata.get('PARQUET:field_id'), value.nullable]).toEqual(['2', false, '3', true]);
    const element = value.type.children[0];
    expect([element.name, element.metadata.get('PARQUET:field_id'), element.nullable]).toEqual(['element', '4', false]);
    const x = element.type.children[0];
    expect([x.metadata.get('PARQUET:field_id'), x.metadata.get('ARROW:extension:name')]).toEqual(['5', 'arrow.uuid']);
  });

  test('extension names: variant and geo types', () => {
    expect(arrowFieldOf({ id: 1, name: 'v', required: false, type: 'variant' }).metadata.get('ARROW:extension:name')).toBe('arrow.parquet.variant');
    expect(arrowFieldOf({ id: 1, name: 'g', required: false, type: 'geometry' }).metadata.get('ARROW:extension:name')).toBe('geoarrow.wkb');
  });

  test('an unknown type name is feature_unsupported', () => {
    expect(() => arrowTypeOf('int128')).toThrowError(expect.objectContaining({ code: 'feature_unsupported' }));
  });
});
