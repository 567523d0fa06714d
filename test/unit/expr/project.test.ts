import { describe, expect, it } from 'vitest';
import { bindExpression, unbindExpression, type BoundExpression } from '../../../src/expr/bind.ts';
import { partitionMightMatch } from '../../../src/expr/metrics-evaluator.ts';
import { parseFilter } from '../../../src/expr/parse-filter.ts';
import { projectExpression } from '../../../src/expr/project.ts';
import { residualFor } from '../../../src/expr/residual.ts';
import type { ContentFile } from '../../../src/metadata/content-file.ts';
import type { PartitionSpec } from '../../../src/metadata/partition-spec.ts';
import { SCHEMA } from './schema-fixture.ts';

const bind = (text: string): BoundExpression => bindExpression(parseFilter(text), SCHEMA);
const spec = (...fields: [number, string][]): PartitionSpec => ({
  specId: 1,
  fields: fields.map(([sourceId, transform], i) => ({ sourceId, transform, fieldId: 1000 + i, name: `p${i}` })),
});
const show = (e: BoundExpression): unknown => JSON.parse(JSON.stringify(unbindExpression(e), (k, v) => (k === 'term' ? undefined : v)));
const file = (partition: Record<string, unknown>): ContentFile =>
  ({ content: 'data', path: 'f', format: 'parquet', recordCount: 1, fileSizeInBytes: 1, specId: 1, partition }) as ContentFile;

describe('inclusive projection', () => {
  it('identity keeps the predicate on the partition field', () => {
    expect(show(projectExpression(bind('i > 5'), spec([18, 'identity']), 'inclusive'))).toEqual({ op: 'gt', fieldId: 1000, value: 5 });
  });
  it('bucket projects eq and in, nothing else', () => {
    expect(show(projectExpression(bind('i = 34'), spec([18, 'bucket[16]']), 'inclusive'))).toEqual({ op: 'eq', fieldId: 1000, value: 3 });
    expect(projectExpression(bind('i < 34'), spec([18, 'bucket[16]']), 'inclusive')).toEqual({ op: 'true' });
    expect(projectExpression(bind('i != 34'), spec([18, 'bucket[16]']), 'inclusive')).toEqual({ op: 'true' });
  });
  it('truncate projects ranges through the boundary', () => {
    expect(show(projectExpression(bind('i < 100'), spec([18, 'truncate[10]']), 'inclusive'))).toEqual({ op: 'ltEq', fieldId: 1000, value: 90 });
    expect(show(projectExpression(bind('i <= 100'), spec([18, 'truncate[10]']), 'inclusive'))).toEqual({ op: 'ltEq', fieldId: 1000, value: 100 });
    expect(show(projectExpression(bind('i > 99'), spec([18, 'truncate[10]']), 'inclusive'))).toEqual({ op: 'gtEq', fieldId: 1000, value: 100 });
    expect(show(projectExpression(bind("name like 'abcdef%'"), spec([2, 'truncate[3]']), 'inclusive'))).toEqual({ op: 'startsWith', fieldId: 1000, value: 'abc' });
  });
  it('time transforms widen negative bounds for old writers', () => {
    expect(show(projectExpression(bind("d = '1969-12-15'"), spec([5, 'month']), 'inclusive'))).toEqual({ op: 'in', fieldId: 1000, values: [-1, 0] });
    expect(show(projectExpression(bind("d = '2017-11-16'"), spec([5, 'month']), 'inclusive'))).toEqual({ op: 'eq', fieldId: 1000, value: 574 });
    expect(show(projectExpression(bind("ts < '2017-11-16'"), spec([4, 'day']), 'inclusive'))).toEqual({ op: 'ltEq', fieldId: 1000, value: 17485 });
  });
  it('void and unknown transforms project to true; isNull projects through any non-void transform', () => {
    expect(projectExpression(bind('i = 1'), spec([18, 'void']), 'inclusive')).toEqual({ op: 'true' });
    expect(projectExpression(bind('i = 1'), spec([18, 'zorder']), 'inclusive')).toEqual({ op: 'true' });
    expect(show(projectExpression(bind('i is null'), spec([18, 'bucket[2]']), 'inclusive'))).toEqual({ op: 'isNull', fieldId: 1000 });
  });
});

describe('strict projection', () => {
  it('projects only what holds for every row of the partition', () => {
    expect(show(projectExpression(bind('i < 100'), spec([18, 'truncate[10]']), 'strict'))).toEqual({ op: 'lt', fieldId: 1000, value: 100 });
    expect(show(projectExpression(bind('i >= 100'), spec([18, 'truncate[10]']), 'strict'))).toEqual({ op: 'gt', fieldId: 1000, value: 90 });
    expect(show(projectExpression(bind('i != 34'), spec([18, 'bucket[16]']), 'strict'))).toEqual({ op: 'notEq', fieldId: 1000, value: 3 });
    expect(projectExpression(bind('i = 34'), spec([18, 'bucket[16]']), 'strict')).toEqual({ op: 'false' });
    expect(projectExpression(bind("d < '1969-12-15'"), spec([5, 'month']), 'strict')).toMatchObject({ op: 'lt' });
    expect(projectExpression(bind("d > '1969-10-15'"), spec([5, 'month']), 'strict')).toEqual({ op: 'false' });
  });
});

describe('partition pruning and residuals', () => {
  const identity = spec([18, 'identity']);
  it('prunes by identity partition values with the row semantics for null', () => {
    expect(partitionMightMatch(bind('i = 1'), identity, file({ 1000: 1 }))).toBe(true);
    expect(partitionMightMatch(bind('i = 1'), identity, file({ 1000: 2 }))).toBe(false);
    expect(partitionMightMatch(bind('i != 1'), identity, file({ 1000: null }))).toBe(false);
    expect(partitionMightMatch(bind('i is null'), identity, file({ 1000: null }))).toBe(true);
    expect(partitionMightMatch(bind('i = 1'), identity, file({}))).toBe(true);
  });

  it('gives alwaysTrue, alwaysFalse or the remaining predicates', () => {
    expect(residualFor(bind('i = 1 and id > 5'), identity, file({ 1000: 1 }))).toMatchObject({ op: 'gt', ref: { fieldId: 1 } });
    expect(residualFor(bind('i = 1 and id > 5'), identity, file({ 1000: 2 }))).toEqual({ op: 'false' });
    expect(residualFor(bind('i >= 1 or id > 5'), identity, file({ 1000: 1 }))).toEqual({ op: 'true' });
    const day = spec([4, 'day']);
    const f = file({ 1000: '2021-10-31' });
    expect(residualFor(bind("ts >= '2021-10-31' and ts < '2021-11-01'"), day, f)).toEqual({ op: 'true' });
    expect(residualFor(bind("ts >= '2021-10-31 02:00:00'"), day, f)).toMatchObject({ op: 'gtEq' });
    expect(residualFor(bind("ts >= '2021-11-01 02:00:00'"), day, f)).toEqual({ op: 'false' });
    expect(residualFor(bind('i = 1'), spec(), file({}))).toMatchObject({ op: 'eq' });
  });

  it('decodes JSON single-value partition tuples of every type', () => {
    const p = (sourceId: number, filter: string, value: unknown, transform = 'identity'): boolean =>
      partitionMightMatch(bind(filter), spec([sourceId, transform]), file({ 1000: value }));
    expect(p(1, 'id = 9223372036854775807', '9223372036854775807')).toBe(true);
    expect(p(3, 'Amount = 14.2', '14.200')).toBe(true);
    expect(p(3, 'Amount = 14.2', '14.201')).toBe(false);
    expect(p(4, "ts = '2017-11-16 22:31:08.123456'", '2017-11-16T22:31:08.123456+00:00')).toBe(true);
    expect(p(12, "u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7'", 'f79c3e09-677c-4bbd-a479-3f349cb785e7')).toBe(true);
    expect(p(13, "b = X'0aff'", '0aff')).toBe(true);
    expect(p(13, "b = X'0afe'", '0aff')).toBe(false);
    expect(p(16, "t = '22:31:08.123456'", '22:31:08.123456')).toBe(true);
    expect(p(4, "ts = '2017-11-16 22:31:08'", 17486, 'day')).toBe(true);
    expect(p(4, "ts = '2017-11-16 22:31:08'", '2017-11-15', 'day')).toBe(false);
    expect(p(18, 'i = 1', 'not a number')).toBe(true);
  });
});
