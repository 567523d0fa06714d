import { describe, expect, it } from 'vitest';
import avsc from 'avsc';
import { parseAvroSchemaTree, prunedReaderSchema } from '../../../src/read/avro/avro-schema-tree.ts';
import { avroFileMetadata } from '../../../src/read/avro/avro-file-metadata.ts';
import { resolveFileSchema } from '../../../src/projection/file-schema.ts';
import { parquetIcebergType } from '../../../src/projection/type-promotion.ts';
import { isIcebergScanError } from '../../../src/errors.ts';

const opt = (t: unknown) => ['null', t];
const SCHEMA = {
  type: 'record', name: 'table', fields: [
    { name: 'id', type: 'long', 'field-id': 1 },
    { name: 'tstz', type: opt({ type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true }), 'field-id': 2 },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false }, 'field-id': 3 },
    { name: 'dec', type: { type: 'fixed', name: 'decimal_9_2', size: 4, logicalType: 'decimal', precision: 9, scale: 2 }, 'field-id': 4 },
    { name: 'dec_again', type: opt('decimal_9_2'), 'field-id': 5 },
    { name: 'u', type: { type: 'fixed', name: 'uuid_fixed', size: 16, logicalType: 'uuid' }, 'field-id': 6 },
    { name: 'st', type: opt({ type: 'record', name: 'r7', fields: [{ name: 'x', type: 'string', 'field-id': 8 }] }), 'field-id': 7 },
    { name: 'lst', type: { type: 'array', items: opt('int'), 'element-id': 10 }, 'field-id': 9 },
    { name: 'm', type: { type: 'map', values: 'double', 'key-id': 12, 'value-id': 13 }, 'field-id': 11 },
    { name: 'km', type: { type: 'array', logicalType: 'map', items: { type: 'record', name: 'k15_v16', fields: [
      { name: 'key', type: 'int', 'field-id': 15 }, { name: 'value', type: opt('date_t'), 'field-id': 16 },
    ] } }, 'field-id': 14 },
  ],
};
// `date_t` is not defined: replace it with a real int/date before use.
const FULL = JSON.parse(JSON.stringify(SCHEMA).replace('"date_t"', '{"type":"int","logicalType":"date"}'));

describe('avro schema → synthetic Parquet footer', () => {
  const tree = parseAvroSchemaTree(FULL, 'f.avro');
  const footer = avroFileMetadata(tree.fields, 3);
  const file = resolveFileSchema(footer, undefined, 'f.avro');

  it('gives every field, element, key and value its Iceberg id', () => {
    expect(file.idSource).toBe('embedded');
    expect(file.fields.map((f) => [f.name, f.id, f.kind])).toEqual([
      ['id', 1, 'primitive'], ['tstz', 2, 'primitive'], ['ts', 3, 'primitive'], ['dec', 4, 'primitive'], ['dec_again', 5, 'primitive'],
      ['u', 6, 'primitive'], ['st', 7, 'struct'], ['lst', 9, 'list'], ['m', 11, 'map'], ['km', 14, 'map'],
    ]);
    const byName = Object.fromEntries(file.fields.map((f) => [f.name, f]));
    expect(byName.st!.children.map((c) => [c.name, c.id, c.path.join('.')])).toEqual([['x', 8, 'st.x']]);
    expect(byName.lst!.elementNode!.id).toBe(10);
    expect([byName.m!.key!.id, byName.m!.value!.id, byName.km!.key!.id, byName.km!.value!.id]).toEqual([12, 13, 15, 16]);
  });

  it('describes primitives with the Parquet types an Iceberg writer uses', () => {
    const types = Object.fromEntries(file.fields.filter((f) => f.kind === 'primitive').map((f) => [f.name, parquetIcebergType(f.element)]));
    expect(types).toEqual({ id: 'long', tstz: 'timestamptz', ts: 'timestamp', dec: 'decimal(9, 2)', dec_again: 'decimal(9, 2)', u: 'uuid' });
    const byName = Object.fromEntries(file.fields.map((f) => [f.name, f]));
    expect(byName.id!.element.repetition_type).toBe('REQUIRED');
    expect(byName.tstz!.element.repetition_type).toBe('OPTIONAL');
    expect(parquetIcebergType(byName.km!.value!.element)).toBe('date');
    expect(parquetIcebergType(byName.st!.children[0]!.element)).toBe('string');
  });

  it('falls back to name mapping when the file has no field ids', () => {
    const plain = parseAvroSchemaTree({ type: 'record', name: 't', fields: [{ name: 'a', type: 'int' }] }, 'p.avro');
    const mapped = resolveFileSchema(avroFileMetadata(plain.fields, 1), [{ fieldId: 4, names: ['a'] }] as never, 'p.avro');
    expect(mapped.idSource).toBe('name-mapping');
    expect(mapped.fields[0]!.id).toBe(4);
  });

  it('rejects unions other than ["null", T] and unknown named types', () => {
    const union = () => parseAvroSchemaTree({ type: 'record', name: 't', fields: [{ name: 'a', type: ['int', 'string'] }] }, 'u.avro');
    expect(union).toThrowError(expect.objectContaining({ code: 'feature_unsupported', path: 'u.avro' }));
    let error: unknown;
    try { parseAvroSchemaTree(SCHEMA, 'x.avro'); } catch (e) { error = e; }
    expect(isIcebergScanError(error) && error.code).toBe('data_invalid');
  });
});

describe('prunedReaderSchema', () => {
  it('keeps only the named fields and defines named types at their first kept use', () => {
    const pruned = prunedReaderSchema(FULL, new Set(['dec_again', 'lst']));
    expect((pruned.fields as { name: string }[]).map((f) => f.name)).toEqual(['dec_again', 'lst']);
    // The decimal type was defined by the dropped field `dec`: it is now defined inline.
    expect(JSON.stringify(pruned)).toContain('"size":4');
    const writer = avsc.Type.forSchema(FULL as avsc.Schema, { wrapUnions: false } as never);
    const reader = avsc.Type.forSchema(pruned as avsc.Schema, { wrapUnions: false } as never);
    const record = {
      id: 1, tstz: null, ts: 2, dec: Buffer.alloc(4), dec_again: Buffer.from([0, 0, 0, 9]), u: Buffer.alloc(16),
      st: { x: 'x' }, lst: [1, null], m: { k: 1.5 }, km: [{ key: 1, value: 3 }],
    };
    const decoded = reader.fromBuffer(writer.toBuffer(record), reader.createResolver(writer));
    expect({ ...decoded }).toEqual({ dec_again: Buffer.from([0, 0, 0, 9]), lst: [1, null] });
  });
});
