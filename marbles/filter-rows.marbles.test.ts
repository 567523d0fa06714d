import { describe, expect, it } from 'vitest';
import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { filterRows } from '../src/operators/filter-rows.ts';
import type { FileBatch } from '../src/task/file-batch.ts';
import type { FileScanTask } from '../src/task/file-scan-task.ts';
import type { FileStageContext } from '../src/task/file-stage.ts';
import { createScanStats, type ScanStats } from '../src/task/scan-stats.ts';
import type { Schema } from '../src/metadata/schema.ts';
import { fakeTask, fileBatch, idRange } from '../test/helpers/marble-batches.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const schema: Schema = { type: 'struct', schemaId: 0, identifierFieldIds: [], fields: [{ id: 1, name: 'id', required: false, type: 'int' }] };
const context = (stats: ScanStats): FileStageContext => ({
  io: { newInputFile: () => { throw new Error('no I/O in marble tests'); } },
  signal: new AbortController().signal,
  stats,
  projection: undefined as never,
});
const task = (residual?: unknown): FileScanTask => ({ ...fakeTask('f.parquet'), ...(residual !== undefined ? { residual } : {}) });
const ids = (b: FileBatch): string => `${idRange(b.batch)}@${b.firstRowPosition}`;

describe('filterRows (marbles)', () => {
  it('keeps matching rows, drops batches without a match, passes full matches through', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const t = task({ op: 'or', left: { op: 'lt', term: 'id', value: 2 }, right: { op: 'gtEq', term: 'id', value: 7 } });
      const source = cold('--a---b---c--|', { a: fileBatch(t, 0, 4), b: fileBatch(t, 4, 3), c: fileBatch(t, 7, 2) });
      const stats = createScanStats();
      expectObservable(source.pipe(filterRows({ schema })(t, context(stats)), map(ids))).toBe('--a-------c--|', { a: '0-1@0', c: '7-8@7' });
      expectSubscriptions(source.subscriptions).toBe('^------------!');
    });
  });

  it('counts filtered rows in stats.rowsFiltered', () => {
    const stats = createScanStats();
    scheduler().run(({ cold, expectObservable }) => {
      const t = task({ op: 'notEq', term: 'id', value: 5 });
      const source = cold('-a-b|', { a: fileBatch(t, 0, 4), b: fileBatch(t, 4, 4) });
      expectObservable(source.pipe(filterRows({ schema })(t, context(stats)), map(ids))).toBe('-a-b|', { a: '0-3@0', b: '4-7@4' });
    });
    // b keeps 4, 6, 7 (not contiguous): the text form shows first-last only, the count is exact.
    expect(stats.rowsFiltered).toBe(1);
  });

  it('is the identity for a task without residual', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const t = task();
      const source = cold('-a-b|', { a: fileBatch(t, 0, 2), b: fileBatch(t, 2, 2) });
      expectObservable(source.pipe(filterRows({ schema })(t, context(createScanStats())), map(ids))).toBe('-a-b|', { a: '0-1@0', b: '2-3@2' });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('unsubscribes the source when the consumer stops early', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const t = task({ op: 'gt', term: 'id', value: 0 });
      const source = cold('-a-b-c|', { a: fileBatch(t, 0, 2), b: fileBatch(t, 2, 2), c: fileBatch(t, 4, 2) });
      expectObservable(source.pipe(filterRows({ schema })(t, context(createScanStats())), take(1), map(ids))).toBe('-(a|)', { a: '1@1' });
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('passes source errors through and errors on a residual that does not bind', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const t = task({ op: 'gt', term: 'id', value: 0 });
      const source = cold('-a-#', { a: fileBatch(t, 0, 2) }, new Error('boom'));
      expectObservable(source.pipe(filterRows({ schema })(t, context(createScanStats())), map(ids))).toBe('-a-#', { a: '1@1' }, new Error('boom'));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const bad = task({ op: 'gt', term: 'missing', value: 0 });
      const source = cold('-a|', { a: fileBatch(bad, 0, 2) });
      const error = expect.objectContaining({ code: 'invalid_argument', path: 'f.parquet' });
      expectObservable(source.pipe(filterRows({ schema })(bad, context(createScanStats())))).toBe('#', undefined, error);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });
});
