import { describe, expect, it } from 'vitest';
import { map, take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { applyDeletes } from '../src/operators/apply-deletes.ts';
import { PositionSetBuilder } from '../src/deletes/position-set.ts';
import type { TaskDeletes } from '../src/deletes/task-deletes.ts';
import type { FileBatch } from '../src/task/file-batch.ts';
import type { FileScanTask } from '../src/task/file-scan-task.ts';
import type { DeleteFile } from '../src/metadata/content-file.ts';
import { createScanStats } from '../src/task/scan-stats.ts';
import { fakeTask, fileBatch } from '../test/helpers/marble-batches.ts';
import { IcebergScanError } from '../src/errors.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const someDelete: DeleteFile = { content: 'position_deletes', path: 'd.parquet', format: 'parquet', recordCount: 1, fileSizeInBytes: 1, specId: 0, partition: {} };
const task: FileScanTask = { ...fakeTask('f.parquet'), deletes: [someDelete] };
const plainTask = fakeTask('plain.parquet');

function positions(...ps: number[]): TaskDeletes {
  const b = new PositionSetBuilder();
  for (const p of ps) b.add(p);
  return { dataFilePath: 'f.parquet', positions: [b.build()], deletionVector: undefined, equality: [] };
}

/** Ids of a file batch as text: "0,2,3". */
const ids = (fb: FileBatch): string => Array.from(fb.batch.getChild('id')!.toArray() as Int32Array).join(',');

function context() {
  return { io: { newInputFile: () => { throw new Error('no I/O in marble tests'); } }, signal: new AbortController().signal, stats: createScanStats(), projection: undefined as never };
}

describe('applyDeletes (marbles)', () => {
  it('subscribes to the file once its deletes are loaded, then removes deleted rows per batch', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const load = cold('----(d|)', { d: positions(1, 5) });
      const source = cold('--a--b--|', { a: fileBatch(task, 0, 4), b: fileBatch(task, 4, 2) });
      const ctx = context();
      const out = (source as Observable<FileBatch>).pipe(applyDeletes({ load: () => load })(task, ctx), map(ids));
      expectObservable(out).toBe('------a--b--|', { a: '0,2,3', b: '4' });
      expectSubscriptions(load.subscriptions).toBe('^---!');
      expectSubscriptions(source.subscriptions).toBe('----^-------!');
    });
  });

  it('passes a file without deletes through without loading anything', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const load = cold('-(d|)', { d: positions() });
      const source = cold('-a-b|', { a: fileBatch(plainTask, 0, 2), b: fileBatch(plainTask, 2, 2) });
      const out = (source as Observable<FileBatch>).pipe(applyDeletes({ load: () => load })(plainTask, context()), map(ids));
      expectObservable(out).toBe('-a-b|', { a: '0,1', b: '2,3' });
      expectSubscriptions(load.subscriptions).toBe([]);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('drops batches whose rows are all deleted and counts deleted rows', () => {
    const ctx = context();
    scheduler().run(({ cold, expectObservable }) => {
      const load = cold('(d|)', { d: positions(0, 1, 2, 4) });
      const source = cold('-a-b-c|', { a: fileBatch(task, 0, 2), b: fileBatch(task, 2, 2), c: fileBatch(task, 4, 1) });
      const out = (source as Observable<FileBatch>).pipe(applyDeletes({ load: () => load })(task, ctx), map(ids));
      expectObservable(out).toBe('---b--|', { b: '3' });
    });
    expect(ctx.stats.rowsDeleted.position).toBe(4);
  });

  it('errors without subscribing to the file when loading fails', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new IcebergScanError('data_invalid', 'bad delete file', { path: 'd.parquet' });
      const load = cold<TaskDeletes>('--#', {}, error);
      const source = cold('-a|', { a: fileBatch(task, 0, 2) });
      const out = (source as Observable<FileBatch>).pipe(applyDeletes({ load: () => load })(task, context()));
      expectObservable(out).toBe('--#', {}, error);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('unsubscribes the file and the loader when the consumer stops early', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const load = cold('--(d|)', { d: positions(0) });
      const source = cold('-a-b-c|', { a: fileBatch(task, 0, 2), b: fileBatch(task, 2, 2), c: fileBatch(task, 4, 2) });
      const out = (source as Observable<FileBatch>).pipe(applyDeletes({ load: () => load })(task, context()), take(2), map(ids));
      expectObservable(out).toBe('---a-(b|)', { a: '1', b: '2,3' });
      expectSubscriptions(load.subscriptions).toBe('^-!');
      expectSubscriptions(source.subscriptions).toBe('--^--!');
    });
  });

  it('stops loading when unsubscribed before the deletes arrive', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const load = cold('-----(d|)', { d: positions(0) });
      const source = cold('-a|', { a: fileBatch(task, 0, 2) });
      const out = (source as Observable<FileBatch>).pipe(applyDeletes({ load: () => load })(task, context()));
      expectObservable(out, '^--!').toBe('---');
      expectSubscriptions(load.subscriptions).toBe('^--!');
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });
});
