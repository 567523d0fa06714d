import { describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { scanTasks } from '../src/scan/scan-tasks.ts';
import type { FileBatch } from '../src/task/file-batch.ts';
import type { FileIO } from '../src/io/input-file.ts';
import type { ProjectionPlanner } from '../src/task/file-projection.ts';
import { IcebergScanError } from '../src/errors.ts';
import { fakeTask, fileBatch, idBatch, idRange } from '../test/helpers/marble-batches.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const io: FileIO = { newInputFile: () => { throw new Error('marble tests do not read files'); } };
const projection: ProjectionPlanner = {
  schema: new arrow.Schema([new arrow.Field('id', new arrow.Int32())]),
  outputColumns: 1,
  forFile: () => { throw new Error('unused'); },
};
const tasks = ['f0', 'f1', 'f2'].map(fakeTask);
const [t0, t1, t2] = tasks as [ReturnType<typeof fakeTask>, ReturnType<typeof fakeTask>, ReturnType<typeof fakeTask>];

/** Per-file values: f0 ids 0.., f1 ids 10.., f2 ids 20.. */
const v = {
  a: fileBatch(t0, 0, 2), b: fileBatch(t0, 2, 2),
  c: fileBatch(t1, 10, 2), d: fileBatch(t1, 12, 2),
  e: fileBatch(t2, 20, 2), z: { task: t1, batch: idBatch(0, 0), firstRowPosition: 0 },
};

function scan(files: Record<string, Observable<FileBatch>>, extra: object = {}) {
  return scanTasks(tasks, { io, projection, concurrency: 2, readFile: (task) => files[task.dataFile.path]!, ...extra }).pipe(map(idRange));
}

describe('scanTasks pipeline (marbles, injected reader)', () => {
  it('subscribes at most `concurrency` files at once, the next one when a file completes', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const f0 = cold('--a--b|', v);
      const f1 = cold('-c--d-------|', v);
      const f2 = cold('-e|', v);
      // f1's batches wait for f0 to complete; f2 starts when f0 completes and waits for f1.
      expectObservable(scan({ f0, f1, f2 })).toBe('--a--b(cd)--(e|)', { a: '0-1', b: '2-3', c: '10-11', d: '12-13', e: '20-21' });
      expectSubscriptions(f0.subscriptions).toBe('^-----!');
      expectSubscriptions(f1.subscriptions).toBe('^-----------!');
      expectSubscriptions(f2.subscriptions).toBe('------^-!');
    });
  });

  it("order 'arrival' emits as batches come", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const f0 = cold('--a--b|', v);
      const f1 = cold('-c--d----|', v);
      const f2 = cold('-e|', v);
      expectObservable(scan({ f0, f1, f2 }, { order: 'arrival' })).toBe('-ca-db-e-|', { a: '0-1', b: '2-3', c: '10-11', d: '12-13', e: '20-21' });
    });
  });

  it('limit slices across files and unsubscribes every in-flight file', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const f0 = cold('-a-b|', v);
      const f1 = cold('--c---d|', v);
      const f2 = cold('-e|', v);
      // f1's first batch (buffered since frame 2) is sliced to the 5th row when f0 completes.
      expectObservable(scan({ f0, f1, f2 }, { limit: 5 })).toBe('-a-b(c|)', { a: '0-1', b: '2-3', c: '10' });
      expectSubscriptions(f0.subscriptions).toBe('^---!');
      expectSubscriptions(f1.subscriptions).toBe('^---!');
      expectSubscriptions(f2.subscriptions).toBe([]);
    });
  });

  it('an error in one file unsubscribes the others and reaches the subscriber', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new IcebergScanError('io_failed', 'boom', { path: 'f1' });
      const f0 = cold('-a------b|', v);
      const f1 = cold('---#', v, error);
      const f2 = cold('-e|', v);
      expectObservable(scan({ f0, f1, f2 })).toBe('-a-#', { a: '0-1' }, error);
      expectSubscriptions(f0.subscriptions).toBe('^--!');
      expectSubscriptions(f1.subscriptions).toBe('^--!');
      expectSubscriptions(f2.subscriptions).toBe([]);
    });
  });

  it('unsubscribing tears down every in-flight read', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const f0 = cold('-a-----b|', v);
      const f1 = cold('--c-----d|', v);
      const f2 = cold('-e|', v);
      expectObservable(scan({ f0, f1, f2 }), '^---!').toBe('-a--', { a: '0-1' });
      expectSubscriptions(f0.subscriptions).toBe('^---!');
      expectSubscriptions(f1.subscriptions).toBe('^---!');
      expectSubscriptions(f2.subscriptions).toBe([]);
    });
  });

  it('never emits empty batches', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const f0 = cold('-a|', v);
      const f1 = cold('-z-c|', v);
      const f2 = cold('-z|', v);
      expectObservable(scan({ f0, f1, f2 })).toBe('-a-c|', { a: '0-1', c: '10-11' });
    });
  });
});
