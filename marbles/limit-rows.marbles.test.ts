import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { limitRows } from '../src/operators/limit-rows.ts';
import { IcebergScanError } from '../src/errors.ts';
import { idBatch, idRange } from '../test/helpers/marble-batches.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const batches = { a: idBatch(0, 3), b: idBatch(3, 4), c: idBatch(7, 2), e: idBatch(0, 0) };

describe('limitRows (marbles)', () => {
  it('slices the batch that crosses the limit, completes and unsubscribes the source', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a----b-----c--|', batches);
      expectObservable(source.pipe(limitRows(5), map(idRange))).toBe('--a----(b|)', { a: '0-2', b: '3-4' });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('slices inside the first batch', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b|', batches);
      expectObservable(source.pipe(limitRows(2), map(idRange))).toBe('-(a|)', { a: '0-1' });
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('passes everything through when the limit is not reached', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c|', batches);
      expectObservable(source.pipe(limitRows(100), map(idRange))).toBe('-a-b-c|', { a: '0-2', b: '3-6', c: '7-8' });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('emits a batch that ends exactly at the limit unsliced and completes with it', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c|', batches);
      expectObservable(source.pipe(limitRows(7), map(idRange))).toBe('-a-(b|)', { a: '0-2', b: '3-6' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('limitRows(0) completes without subscribing', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b|', batches);
      expectObservable(source.pipe(limitRows(0))).toBe('|');
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('drops empty batches', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-e-a-e-b|', batches);
      expectObservable(source.pipe(limitRows(4), map(idRange))).toBe('---a---(b|)', { a: '0-2', b: '3' });
    });
  });

  it('passes a source error through', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new IcebergScanError('io_failed', 'x', { path: 'f' });
      const source = cold('-a-#', batches, error);
      expectObservable(source.pipe(limitRows(10), map(idRange))).toBe('-a-#', { a: '0-2' }, error);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('rejects a negative or fractional limit with invalid_argument', () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      try {
        limitRows(bad);
        expect.unreachable();
      } catch (e) {
        expect((e as IcebergScanError).code).toBe('invalid_argument');
      }
    }
  });
});
