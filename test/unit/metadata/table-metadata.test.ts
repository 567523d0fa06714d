import { describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../../src/errors.ts';
import { parseTableMetadata } from '../../../src/metadata/table-metadata.ts';

const v2 = {
  'format-version': 2,
  'table-uuid': 'u',
  location: 's3://b/t',
  'last-sequence-number': 2,
  'last-updated-ms': 10,
  'last-column-id': 1,
  'current-schema-id': 1,
  schemas: [
    { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: false, type: 'int' }] },
    { type: 'struct', 'schema-id': 1, fields: [{ id: 1, name: 'a', required: false, type: 'long' }] },
  ],
  'default-spec-id': 0,
  'partition-specs': [{ 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'a_b', transform: 'bucket[4]' }] }],
  'last-partition-id': 1000,
  properties: { k: 'v' },
  'current-snapshot-id': 'BIG',
  snapshots: [
    { 'snapshot-id': 'BIG', 'sequence-number': 2, 'timestamp-ms': 10, 'manifest-list': 'l.avro', summary: { operation: 'append' }, 'schema-id': 0 },
  ],
  'snapshot-log': [{ 'timestamp-ms': 10, 'snapshot-id': 'BIG' }],
  refs: { tag1: { 'snapshot-id': 'BIG', type: 'tag' } },
};

const text = (o: unknown) => JSON.stringify(o).replaceAll('"BIG"', '7342794868382145167');

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('parseTableMetadata', () => {
  it('parses v2 into the camelCase domain with exact snapshot ids', () => {
    const m = parseTableMetadata(text(v2), 'x.json');
    expect(m.formatVersion).toBe(2);
    expect(m.currentSnapshotId).toBe('7342794868382145167');
    expect(m.snapshots[0]).toMatchObject({ snapshotId: '7342794868382145167', sequenceNumber: 2, manifestList: 'l.avro', schemaId: 0 });
    expect(m.refs).toEqual({ tag1: { snapshotId: '7342794868382145167', type: 'tag' }, main: { snapshotId: '7342794868382145167', type: 'branch' } });
    expect(m.specs).toEqual([{ specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'a_b', transform: 'bucket[4]' }] }]);
    expect(m.properties).toEqual({ k: 'v' });
  });

  it('parses v1 with a legacy partition-spec and schema, assigning field ids from 1000', () => {
    const v1 = {
      'format-version': 1,
      location: '/t',
      'last-updated-ms': 1,
      'last-column-id': 1,
      schema: { type: 'struct', fields: [{ id: 1, name: 'a', required: true, type: 'int' }] },
      'partition-spec': [{ 'source-id': 1, name: 'a', transform: 'identity' }],
      'current-snapshot-id': -1,
    };
    const m = parseTableMetadata(JSON.stringify(v1), 'v1.json');
    expect(m.specs[0]!.fields[0]!.fieldId).toBe(1000);
    expect(m.currentSnapshotId).toBeUndefined();
    expect(m.lastSequenceNumber).toBe(0);
  });

  it('fails with data_invalid naming the file and the JSON path', () => {
    const bad = { ...v2, snapshots: [{ ...v2.snapshots[0], 'timestamp-ms': 'soon' }] };
    const e = errorOf(() => parseTableMetadata(text(bad), 'm/v3.metadata.json'));
    expect(isIcebergScanError(e) && e.code).toBe('data_invalid');
    expect((e as { path?: string }).path).toBe('m/v3.metadata.json');
    expect((e as { context: Record<string, unknown> }).context.jsonPath).toBe('$.snapshots[0].timestamp-ms');
  });

  it('requires v2 fields in v2 metadata', () => {
    const { 'last-sequence-number': _, ...missing } = v2;
    const e = errorOf(() => parseTableMetadata(text(missing), 'a.json'));
    expect((e as { context: Record<string, unknown> }).context.jsonPath).toBe('$.last-sequence-number');
  });

  it('rejects a current-snapshot-id that names no snapshot, and non-JSON text', () => {
    expect((errorOf(() => parseTableMetadata(text({ ...v2, snapshots: [] }), 'a.json')) as { code: string }).code).toBe('data_invalid');
    expect((errorOf(() => parseTableMetadata('not json', 'a.json')) as { code: string }).code).toBe('data_invalid');
  });
});
