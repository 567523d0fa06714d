import { describe, expect, it } from 'vitest';
import { tableMetadataFromJson } from '../../../src/metadata/table-metadata.ts';
import { selectSnapshot } from '../../../src/table/select-snapshot.ts';

const schema = (id: number, names: string[]) => ({
  type: 'struct',
  'schema-id': id,
  fields: names.map((name, i) => ({ id: i + 1, name, required: false, type: 'int' })),
});
const snap = (id: number, ts: number, schemaId: number) => ({
  'snapshot-id': id,
  'sequence-number': id,
  'timestamp-ms': ts,
  'manifest-list': `snap-${id}.avro`,
  summary: { operation: 'append' },
  'schema-id': schemaId,
});

// Snapshot 3 was written, then the table was rolled back to 2 (the log says so), then 4 was written.
const metadata = tableMetadataFromJson(
  {
    'format-version': 2,
    'table-uuid': 'u',
    location: '/t',
    'last-sequence-number': 4,
    'last-updated-ms': 400,
    'last-column-id': 2,
    'current-schema-id': 1,
    schemas: [schema(0, ['a']), schema(1, ['a', 'b'])],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }],
    'last-partition-id': 999,
    'current-snapshot-id': 4,
    snapshots: [snap(1, 100, 0), snap(2, 200, 0), snap(3, 300, 1), snap(4, 400, 1)],
    'snapshot-log': [
      { 'timestamp-ms': 100, 'snapshot-id': 1 },
      { 'timestamp-ms': 200, 'snapshot-id': 2 },
      { 'timestamp-ms': 300, 'snapshot-id': 3 },
      { 'timestamp-ms': 350, 'snapshot-id': 2 },
      { 'timestamp-ms': 400, 'snapshot-id': 4 },
    ],
    refs: { main: { 'snapshot-id': 4, type: 'branch' }, old: { 'snapshot-id': 1, type: 'tag' }, dev: { 'snapshot-id': 2, type: 'branch' } },
  },
  'm.json',
);

const pick = (selection: Parameters<typeof selectSnapshot>[1]) => {
  const s = selectSnapshot(metadata, selection);
  return [s.snapshot?.snapshotId, s.schema.schemaId];
};

describe('selectSnapshot', () => {
  it('reads the current snapshot with the current schema', () => {
    expect(pick({})).toEqual(['4', 1]);
  });

  it('time travels by id with the snapshot schema', () => {
    expect(pick({ snapshotId: 2 })).toEqual(['2', 0]);
    expect(pick({ snapshotId: 3n })).toEqual(['3', 1]);
  });

  it('uses the snapshot schema for tags and the current schema for branches', () => {
    expect(pick({ ref: 'old' })).toEqual(['1', 0]);
    expect(pick({ ref: 'dev' })).toEqual(['2', 1]);
  });

  it('follows the snapshot log, so a rolled-back snapshot is not chosen after the rollback', () => {
    expect(pick({ asOf: 320 })).toEqual(['3', 1]);
    expect(pick({ asOf: 360 })).toEqual(['2', 0]);
    expect(pick({ asOf: 100 })).toEqual(['1', 0]);
  });
});
