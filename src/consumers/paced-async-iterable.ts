/**
 * Pull-based consumption: turns a pacer-aware Observable into an `AsyncIterable` whose read-ahead
 * is bounded by a high-water mark, so a slow `for await` consumer keeps memory flat.
 */
import type { Observable, Subscription } from 'rxjs';
import type { Pacer } from '../read/read-context.ts';

/**
 * Subscribes (lazily, on the first `next()`) to `makeSource(pace)` and queues its values. `pace`
 * tells the producers to wait while `highWaterMark` values are queued, so the queue holds at most
 * `highWaterMark` values plus one per producer already past its pace check. `break`/`return()`
 * unsubscribes, which cancels everything upstream. Errors are thrown from `next()` after the
 * values queued before them.
 *
 * @param makeSource Builds the Observable; its producers must honour `pace`.
 * @param highWaterMark Values queued before producers are held back (≥ 1).
 * @returns A single-use async iterable (each `[Symbol.asyncIterator]()` starts a new subscription).
 */
export function pacedAsyncIterable<T>(makeSource: (pace: Pacer) => Observable<T>, highWaterMark: number): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const queue: T[] = [];
      const paceWaiters: Array<() => void> = [];
      let consumer: (() => void) | undefined;
      let subscription: Subscription | undefined;
      let finished = false;
      let failure: { error: unknown } | undefined;

      const wakeConsumer = (): void => {
        const c = consumer;
        consumer = undefined;
        c?.();
      };
      const wakeProducers = (): void => {
        for (const w of paceWaiters.splice(0)) w();
      };
      const pace: Pacer = () =>
        queue.length < highWaterMark ? undefined : new Promise<void>((resolve) => paceWaiters.push(resolve));
      const stop = (): void => {
        finished = true;
        subscription?.unsubscribe();
        queue.length = 0;
        wakeProducers();
      };

      return {
        async next(): Promise<IteratorResult<T>> {
          if (subscription === undefined && !finished) {
            subscription = makeSource(pace).subscribe({
              next: (v) => {
                queue.push(v);
                wakeConsumer();
              },
              error: (error: unknown) => {
                failure = { error };
                finished = true;
                wakeConsumer();
              },
              complete: () => {
                finished = true;
                wakeConsumer();
              },
            });
          }
          for (;;) {
            if (queue.length > 0) {
              const value = queue.shift()!;
              if (queue.length < highWaterMark) wakeProducers();
              return { value, done: false };
            }
            if (failure !== undefined) {
              const { error } = failure;
              failure = undefined;
              throw error;
            }
            if (finished) return { value: undefined, done: true };
            await new Promise<void>((resolve) => (consumer = resolve));
          }
        },
        async return(): Promise<IteratorResult<T>> {
          stop();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
