/**
 * The smallest valid v2 table metadata file as JSON text, for tests of finding, loading and
 * refreshing metadata files: one int column, no snapshot; `last-updated-ms` and the `updated`
 * property both carry `updated`, so a test can tell which file was read.
 */
export function minimalMetadataJson(updated: number, location = 's3://b/t'): string {
  return JSON.stringify({
    'format-version': 2,
    'table-uuid': 'u',
    location,
    'last-sequence-number': 0,
    'last-updated-ms': updated,
    'last-column-id': 1,
    'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: false, type: 'int' }] }],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }],
    'last-partition-id': 999,
    properties: { updated: String(updated) },
  });
}
