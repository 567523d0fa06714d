import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import type { Observable } from 'rxjs';
import { mergeMapInOrder } from '../src/operators/merge-map-in-order.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('mergeMapInOrder (marbles)', () => {
  it('runs up to `concurrency` inners and emits them in source order', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('a-b-c|');
      const inners: Record<string, Observable<string>> = { a: cold('--1--2|'), b: cold('-3|'), c: cold('-4|') };
      expectObservable(source.pipe(mergeMapInOrder((k: string) => inners[k]!, 2))).toBe('--1--234|');
      expectSubscriptions((inners.a as ReturnType<typeof cold>).subscriptions).toBe('^-----!');
      expectSubscriptions((inners.b as ReturnType<typeof cold>).subscriptions).toBe('--^-!');
      expectSubscriptions((inners.c as ReturnType<typeof cold>).subscriptions).toBe('------^-!');
    });
  });

  it('an inner error unsubscribes the source and the other inners', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('ab---c|');
      const a = cold('-1----2|');
      const b = cold('--#');
      const c = cold('-4|');
      const inners: Record<string, Observable<string>> = { a, b, c };
      expectObservable(source.pipe(mergeMapInOrder((k: string) => inners[k]!, 2))).toBe('-1-#');
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(b.subscriptions).toBe('-^-!');
      expectSubscriptions(c.subscriptions).toBe([]);
    });
  });

  it('unsubscribing tears down every inner', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('ab|');
      const a = cold('-1-----2|');
      const b = cold('---3----|');
      const inners: Record<string, Observable<string>> = { a, b };
      expectObservable(source.pipe(mergeMapInOrder((k: string) => inners[k]!, 2)), '^---!').toBe('-1--');
      expectSubscriptions(a.subscriptions).toBe('^---!');
      expectSubscriptions(b.subscriptions).toBe('-^--!');
    });
  });
});
