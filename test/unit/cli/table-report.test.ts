import { describe, expect, it } from 'vitest';
import { renderInspect } from '../../../src/cli/inspect-text.ts';
import { schemaRows, typeText, type TableReport } from '../../../src/cli/table-report.ts';
import type { Schema } from '../../../src/metadata/schema.ts';

const schema: Schema = {
  type: 'struct',
  schemaId: 3,
  identifierFieldIds: [1],
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'tags', required: false, type: { type: 'list', elementId: 5, elementRequired: true, element: 'string' } },
    { id: 3, name: 'attrs', required: false, type: { type: 'map', keyId: 6, key: 'string', valueId: 7, valueRequired: false, value: 'decimal(9,2)' } },
    { id: 4, name: 'point', required: false, type: { type: 'struct', fields: [{ id: 8, name: 'x', required: true, type: 'double' }] } },
  ],
};

describe('table report', () => {
  it('names nested types briefly', () => {
    expect(typeText('long')).toBe('long');
    expect(typeText(schema.fields[1].type)).toBe('list<string>');
    expect(typeText(schema.fields[2].type)).toBe('map<string, decimal(9,2)>');
    expect(typeText(schema.fields[3].type)).toBe('struct');
  });

  it('lists every field id depth-first, list elements and map keys/values included', () => {
    expect(schemaRows(schema).map((r) => [r.depth, r.id, r.name, r.type, r.required])).toEqual([
      [0, 1, 'id', 'long', true],
      [0, 2, 'tags', 'list<string>', false],
      [1, 5, 'element', 'string', true],
      [0, 3, 'attrs', 'map<string, decimal(9,2)>', false],
      [1, 6, 'key', 'string', true],
      [1, 7, 'value', 'decimal(9,2)', false],
      [0, 4, 'point', 'struct', false],
      [1, 8, 'x', 'double', true],
    ]);
  });

  it('renders the sections of inspect', () => {
    const report: TableReport = {
      metadataFile: '/t/metadata/v2.metadata.json',
      formatVersion: 2,
      location: 's3://b/t',
      lastUpdatedMs: 0,
      currentSchemaId: 3,
      currentSnapshotId: '9223372036854775807',
      schemas: [{ schemaId: 3, current: true, identifierFieldIds: [1], fields: schemaRows(schema) }, { schemaId: 1, current: false, identifierFieldIds: [], fields: [] }],
      specs: [{ specId: 0, default: true, fields: [{ fieldId: 1000, name: 'id_bucket', sourceId: 1, transform: 'bucket[16]' }] }],
      defaultSortOrderId: 1,
      sortOrders: [{ orderId: 1, fields: [{ sourceId: 1, transform: 'identity', direction: 'asc', nullOrder: 'nulls-first' }] }],
      snapshots: [{ snapshotId: '9223372036854775807', sequenceNumber: 1, timestampMs: 0, operation: 'append', summary: { 'total-records': '10' } }],
      refs: { main: { snapshotId: '9223372036854775807', type: 'branch' } },
      properties: { owner: 'me' },
    };
    const text = renderInspect(report);
    expect(text).toMatch(/^metadata file\s+\/t\/metadata\/v2\.metadata\.json$/m);
    expect(text).toMatch(/schema 3 \(current\), identifier fields 1/);
    expect(text).toMatch(/^\s+5\s+ {2}element\s+string\s+required$/m);
    expect(text).toMatch(/older schemas: 1/);
    expect(text).toMatch(/0 \(default\): id_bucket=bucket\[16\]\(1\) \[1000\]/);
    expect(text).toMatch(/1 \(default\): identity\(1\) asc nulls-first/);
    expect(text).toMatch(/9223372036854775807 \*\s+-\s+1\s+1970-01-01T00:00:00\.000Z\s+append\s+10/);
    expect(text).toMatch(/main\s+branch\s+9223372036854775807/);
    expect(text).toMatch(/owner\s+me/);
  });
});
