/**
 * Pruning against what the reader fills a column with when a data file lacks it: column metrics
 * are evidence about the file's column only, and a null partition value says nothing about a
 * column with an `initial-default`.
 */
import { describe, expect, it } from 'vitest';
import { absentColumns } from '../../../src/expr/absent-column.ts';
import { bindExpression, type BoundExpression } from '../../../src/expr/bind.ts';
import { manifestMightMatch } from '../../../src/expr/manifest-evaluator.ts';
import { metricsMightMatch, partitionMightMatch } from '../../../src/expr/metrics-evaluator.ts';
import { parseFilter } from '../../../src/expr/parse-filter.ts';
import { residualFor } from '../../../src/expr/residual.ts';
import { createScanFilter } from '../../../src/expr/scan-filter.ts';
import type { ContentFile } from '../../../src/metadata/content-file.ts';
import type { PartitionSpec } from '../../../src/metadata/partition-spec.ts';
import type { Schema } from '../../../src/metadata/schema.ts';

/** 1 id (required), 2 c (optional, added without a default), 3 e (initial-default 5), 4 r (required, default 'x'), 5 s struct { 6 n (default 9) }, 7 f float (default NaN). */
const SCHEMA: Schema = {
  type: 'struct', schemaId: 1, identifierFieldIds: [],
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'c', required: false, type: 'int' },
    { id: 3, name: 'e', required: false, type: 'int', initialDefault: 5 },
    { id: 4, name: 'r', required: true, type: 'string', initialDefault: 'x' },
    { id: 5, name: 's', required: false, type: { type: 'struct', fields: [{ id: 6, name: 'n', required: false, type: 'long', initialDefault: 9 }] } },
    { id: 7, name: 'f', required: false, type: 'float', initialDefault: 'NaN' },
  ],
};
const SPECS: PartitionSpec[] = [
  { specId: 0, fields: [] },
  { specId: 1, fields: [{ sourceId: 2, fieldId: 1000, name: 'c', transform: 'identity' }, { sourceId: 3, fieldId: 1001, name: 'e', transform: 'identity' }] },
  { specId: 2, fields: [{ sourceId: 3, fieldId: 1000, name: 'e_bucket', transform: 'bucket[4]' }] },
];
const absent = absentColumns(SCHEMA, SPECS);
const bind = (text: string): BoundExpression => bindExpression(parseFilter(text), SCHEMA);
const b64 = (b: Buffer): string => b.toString('base64');
const int32 = (v: number): string => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b64(b); };
const int64 = (v: bigint): string => { const b = Buffer.alloc(8); b.writeBigInt64LE(v); return b64(b); };
const file = (m: Partial<ContentFile>): ContentFile =>
  ({ content: 'data', path: 'f.parquet', format: 'parquet', recordCount: 2, fileSizeInBytes: 1, specId: 0, partition: {}, ...m }) as ContentFile;

/** Metrics claiming two non-null values 7 for field 2 and two nulls for field 3: the file holds neither column. */
const claims = file({
  valueCounts: { 2: 2, 3: 2, 6: 2 },
  nullValueCounts: { 2: 0, 3: 2, 6: 0 },
  lowerBounds: { 2: int32(7), 6: int64(1n) },
  upperBounds: { 2: int32(7), 6: int64(1n) },
});

describe('metrics of a column the file may lack', () => {
  it('keep the file for what the reader fills in: null, the initial-default', () => {
    // The reader reads c as null and e as 5 when the file lacks them, whatever the metrics say.
    expect(metricsMightMatch(bind('c is null'), claims, absent)).toBe(true);
    expect(metricsMightMatch(bind('e = 5'), claims, absent)).toBe(true);
    expect(metricsMightMatch(bind('e is not null'), claims, absent)).toBe(true);
    expect(metricsMightMatch(bind('s.n = 9'), claims, absent)).toBe(true);
    expect(metricsMightMatch(bind('s.n is null'), claims, absent)).toBe(true); // a null struct s
    // Taken at their word (no fill rules), the same metrics prune every one of these files.
    for (const f of ['c is null', 'e = 5', 'e is not null', 's.n = 9', 's.n is null']) expect(metricsMightMatch(bind(f), claims)).toBe(false);
  });

  it('still prune what neither the metrics nor the fill value can satisfy', () => {
    expect(metricsMightMatch(bind('c = 3'), claims, absent)).toBe(false);
    expect(metricsMightMatch(bind('c > 7'), claims, absent)).toBe(false);
    expect(metricsMightMatch(bind('e = 4'), claims, absent)).toBe(false);
    expect(metricsMightMatch(bind('e is null'), claims, absent)).toBe(true); // the metrics say nulls
    expect(metricsMightMatch(bind('s.n = 10'), claims, absent)).toBe(false);
    expect(metricsMightMatch(bind('s.n = 4'), claims, absent)).toBe(true); // between the metrics (1) and the default (9): one range covers both
  });

  it('prune by metrics alone for required fields nothing fills (the reader fails on a file lacking them)', () => {
    const ids = file({ valueCounts: { 1: 2 }, nullValueCounts: { 1: 0 }, lowerBounds: { 1: int64(10n) }, upperBounds: { 1: int64(20n) } });
    expect(metricsMightMatch(bind('id < 10'), ids, absent)).toBe(false);
    expect(metricsMightMatch(bind('id is null'), ids, absent)).toBe(false);
    expect(metricsMightMatch(bind("r = 'x'"), file({ lowerBounds: { 4: b64(Buffer.from('a')) }, upperBounds: { 4: b64(Buffer.from('b')) } }), absent)).toBe(true);
  });

  it('treat a NaN initial-default as NaN rows', () => {
    const f = file({ valueCounts: { 7: 2 }, nullValueCounts: { 7: 0 }, nanValueCounts: { 7: 0 } });
    expect(metricsMightMatch(bind('f is nan'), f, absent)).toBe(true);
    expect(metricsMightMatch(bind('f is nan'), f)).toBe(false);
  });

  it('keep the identity-partition value the reader uses for a file without the column', () => {
    // A name-mapped file's identity-partition value wins over its column (metrics say 1..2).
    const mapped = file({ specId: 1, partition: { 1000: 3, 1001: null }, valueCounts: { 2: 2 }, nullValueCounts: { 2: 0 }, lowerBounds: { 2: int32(1) }, upperBounds: { 2: int32(2) } });
    expect(metricsMightMatch(bind('c = 3'), mapped, absent)).toBe(true);
    expect(metricsMightMatch(bind('c = 4'), mapped, absent)).toBe(false);
    expect(metricsMightMatch(bind('c is null'), mapped, absent)).toBe(false);
  });

  it('ignore counts that contradict each other (nulls or NaN above the value count)', () => {
    const bad = file({ valueCounts: { 1: 1 }, nullValueCounts: { 1: 2 } });
    expect(metricsMightMatch(bind('id = 3'), bad, absent)).toBe(true);
    expect(metricsMightMatch(bind('id = 3'), file({ valueCounts: { 1: 2 }, nullValueCounts: { 1: 2 } }), absent)).toBe(false);
  });

  it('leave delete files to their own rows', () => {
    const eq = file({ content: 'equality_deletes', equalityIds: [2], valueCounts: { 2: 1 }, nullValueCounts: { 2: 0 }, lowerBounds: { 2: int32(7) }, upperBounds: { 2: int32(7) } });
    expect(metricsMightMatch(bind('c is null'), eq, absent)).toBe(false);
    expect(metricsMightMatch(bind('c = 7'), eq, absent)).toBe(true);
  });
});

describe('a null partition value of a column with an initial-default', () => {
  const nullE = file({ specId: 1, partition: { 1000: 1, 1001: null } });
  const nullBucket = file({ specId: 2, partition: { 1000: null } });

  it('does not prune the file: a file lacking e reads 5', () => {
    expect(partitionMightMatch(bind('e = 5'), SPECS[1], nullE, absent)).toBe(true);
    expect(partitionMightMatch(bind('e is not null'), SPECS[1], nullE, absent)).toBe(true);
    expect(partitionMightMatch(bind('e = 5'), SPECS[2], nullBucket, absent)).toBe(true);
    expect(partitionMightMatch(bind('e = 5'), SPECS[1], nullE)).toBe(false);
    // Non-null values and columns without a default still prune.
    expect(partitionMightMatch(bind('c = 2'), SPECS[1], nullE, absent)).toBe(false);
    expect(partitionMightMatch(bind('e = 5'), SPECS[1], file({ specId: 1, partition: { 1000: 1, 1001: 4 } }), absent)).toBe(false);
  });

  it('leaves the predicate in the residual instead of deciding it', () => {
    expect(residualFor(bind('e is null'), SPECS[1], nullE)).toEqual({ op: 'true' });
    expect(residualFor(bind('e is null'), SPECS[1], nullE, absent)).toMatchObject({ op: 'isNull', ref: { fieldId: 3 } });
    expect(residualFor(bind('c is null'), SPECS[1], file({ specId: 1, partition: { 1000: null, 1001: 5 } }), absent)).toEqual({ op: 'true' });
  });

  it('does not let a manifest of null partitions be pruned', () => {
    const summaries = { partitions: [{ containsNull: false, lowerBound: int32(1), upperBound: int32(1) }, { containsNull: true }] };
    expect(manifestMightMatch(bind('e = 5'), SPECS[1], summaries, undefined, absent)).toBe(true);
    expect(manifestMightMatch(bind('e = 5'), SPECS[1], summaries)).toBe(false);
    expect(manifestMightMatch(bind('c = 2'), SPECS[1], summaries, undefined, absent)).toBe(false);
    const noNulls = { partitions: [{ containsNull: false, lowerBound: int32(1), upperBound: int32(1) }, { containsNull: false, lowerBound: int32(1), upperBound: int32(2) }] };
    expect(manifestMightMatch(bind('e = 5'), SPECS[1], noNulls, undefined, absent)).toBe(false);
  });

  it('is applied by the scan filter at every planning level', () => {
    const scan = createScanFilter({ filter: 'e = 5', schema: SCHEMA, specs: SPECS });
    expect(scan.fileMatches(nullE)).toBe(true);
    expect(scan.fileMatches(claims)).toBe(true);
    expect(scan.manifestMatches({ partitionSpecId: 1, partitions: [{ containsNull: false }, { containsNull: true }] })).toBe(true);
    expect(createScanFilter({ filter: 'e is null', schema: SCHEMA, specs: SPECS }).residualFor(nullE)).toMatchObject({ op: 'isNull', term: 'e' });
  });
});

describe('absentColumns', () => {
  const ref = (column: string) => (bind(`${column} = 1`) as { ref: Parameters<typeof absent.factsFor>[1] }).ref;
  it('gives the fill value of each kind of field', () => {
    expect(absent.factsFor(file({}), ref('c'))).toEqual({ mayBeNull: true, mayBeNaN: false, mayBeValue: false });
    expect(absent.factsFor(file({}), ref('e'))).toMatchObject({ mayBeNull: false, mayBeValue: true, lower: 5, upper: 5 });
    expect(absent.factsFor(file({}), ref('id'))).toEqual({ mayBeNull: false, mayBeNaN: false, mayBeValue: false });
    expect(absent.factsFor(file({}), ref('s.n'))).toMatchObject({ mayBeNull: true, mayBeValue: true, lower: 9n, upper: 9n });
    expect(absent.factsFor(file({ specId: 1, partition: { 1000: 3, 1001: null } }), ref('c'))).toMatchObject({ mayBeNull: false, lower: 3, upper: 3 });
    expect(absent.factsFor(file({ specId: 1, partition: { 1000: 3, 1001: null } }), ref('e'))).toMatchObject({ mayBeNull: true, mayBeValue: true, lower: 5 });
    expect(absent.factsFor(file({ specId: 1, partition: { 1000: 'x', 1001: null } }), ref('c'))).toBeUndefined(); // undecodable
    expect([...absent.nullIsUnknown(SPECS[1])]).toEqual([1001]);
    expect([...absent.nullIsUnknown(SPECS[2])]).toEqual([1000]);
  });
});
