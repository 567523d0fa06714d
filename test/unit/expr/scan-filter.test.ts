import { describe, expect, it } from 'vitest';
import { createScanFilter } from '../../../src/expr/scan-filter.ts';
import { filterPlugin } from '../../../src/expr/filter-plugin.ts';
import type { ContentFile } from '../../../src/metadata/content-file.ts';
import type { PartitionSpec } from '../../../src/metadata/partition-spec.ts';
import type { TableMetadata } from '../../../src/metadata/table-metadata.ts';
import { SCHEMA } from './schema-fixture.ts';

const specs: PartitionSpec[] = [
  { specId: 0, fields: [] },
  { specId: 1, fields: [{ sourceId: 18, fieldId: 1000, name: 'i', transform: 'identity' }] },
];
const int32 = (v: number): string => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b.toString('base64'); };
const file = (specId: number, partition: Record<string, unknown>, extra: Partial<ContentFile> = {}): ContentFile =>
  ({ content: 'data', path: 'f', format: 'parquet', recordCount: 5, fileSizeInBytes: 1, specId, partition, ...extra }) as ContentFile;

describe('createScanFilter', () => {
  const f = createScanFilter({ filter: 'i = 1 and id > 5', schema: SCHEMA, specs });

  it('lists the referenced field ids for helper columns', () => {
    expect(f.referencedFieldIds).toEqual([1, 18]);
    expect(f.isAlwaysTrue).toBe(false);
  });

  it('prunes manifests with their own spec', () => {
    expect(f.manifestMatches({ partitionSpecId: 1, partitions: [{ containsNull: false, lowerBound: int32(2), upperBound: int32(3) }] })).toBe(false);
    expect(f.manifestMatches({ partitionSpecId: 1, partitions: [{ containsNull: false, lowerBound: int32(0), upperBound: int32(3) }] })).toBe(true);
    expect(f.manifestMatches({ partitionSpecId: 0, partitions: [] })).toBe(true);
    expect(f.manifestMatches({ partitionSpecId: 9, partitions: [] })).toBe(true);
  });

  it('prunes files by partition and metrics, and gives residuals', () => {
    expect(f.fileMatches(file(1, { 1000: 2 }))).toBe(false);
    expect(f.fileMatches(file(1, { 1000: 1 }))).toBe(true);
    expect(f.fileMatches(file(0, {}, { upperBounds: { 1: Buffer.alloc(8).toString('base64') } }))).toBe(false);
    expect(f.residualFor(file(1, { 1000: 1 }))).toEqual({ op: 'gt', term: 'id', fieldId: 1, value: { kind: 'number', text: '5' } });
    expect(f.residualFor(file(0, {}))).toMatchObject({ op: 'and' });
    const all = createScanFilter({ filter: 'i >= 1', schema: SCHEMA, specs });
    expect(all.residualFor(file(1, { 1000: 1 }))).toBeUndefined();
  });

  it('keeps everything without a filter', () => {
    const none = createScanFilter({ schema: SCHEMA, specs });
    expect(none.isAlwaysTrue).toBe(true);
    expect(none.fileMatches(file(1, { 1000: 2 }))).toBe(true);
    expect(none.residualFor(file(1, { 1000: 2 }))).toBeUndefined();
    expect(none.referencedFieldIds).toEqual([]);
  });
});

describe('filterPlugin', () => {
  const context = { schema: SCHEMA, specs, metadata: { properties: {} } as unknown as TableMetadata, caseSensitive: true };
  it('returns pruning hooks that answer "skip"', () => {
    const plan = filterPlugin('i = 1', context);
    expect(plan.pruneFile!(file(1, { 1000: 2 }), specs[1])).toBe(true);
    expect(plan.pruneFile!(file(1, { 1000: 1 }), specs[1])).toBe(false);
    expect(plan.pruneManifest!({ partitions: [{ containsNull: false, lowerBound: int32(5), upperBound: int32(6) }] } as never, specs[1])).toBe(true);
    expect(plan.pruneManifest!({ partitions: [] } as never, undefined)).toBe(false);
    expect(plan.residualFor!(file(1, { 1000: 1 }), specs[1])).toBeUndefined();
    expect(plan.extraFieldIds).toEqual([18]);
    expect(typeof plan.stage).toBe('function');
    expect(typeof plan.rowGroupFilter).toBe('function');
  });
  it('accepts expression JSON and rejects other values', () => {
    expect(filterPlugin({ op: 'eq', term: 'i', value: 1 }, context).extraFieldIds).toEqual([18]);
    expect(filterPlugin('true', context)).toEqual({});
    expect(filterPlugin('1 = 1', context)).toEqual({});
    expect(() => filterPlugin(42, context)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => filterPlugin('nope = 1', context)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('filterPlugin with a constant-false filter', () => {
  const context = { schema: SCHEMA, specs, metadata: { properties: {} } as unknown as TableMetadata, caseSensitive: true };
  it.each(['1 <> 1', 'false', 'not true', 'id is null', 'false and i = 1'])('%s prunes every manifest, even one of an unknown spec', (text) => {
    const plan = filterPlugin(text, context);
    expect(plan.pruneManifest!({ partitions: [] } as never, undefined)).toBe(true);
    expect(plan.pruneManifest!({ partitions: [] } as never, specs[1])).toBe(true);
    expect(plan.pruneFile!(file(1, { 1000: 1 }), specs[1])).toBe(true);
    expect(plan.residualFor!(file(0, {}), specs[0])).toEqual({ op: 'false' });
    expect(plan.extraFieldIds).toEqual([]);
  });
});
