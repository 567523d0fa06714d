/**
 * `mergeMapInOrder`: a bounded-concurrency `mergeMap` that emits in source order, buffering each
 * read-ahead inner and pacing it so it never holds more than one pending value.
 */
import { Observable, from, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';
import type { Pacer } from '../read/read-context.ts';

interface Slot<R> {
  readonly buffer: R[];
  done: boolean;
  subscription: Subscription | undefined;
  waiters: Array<() => void>;
}

/**
 * Maps each source value to an inner Observable, subscribing to at most `concurrency` of them at
 * once, and emits their values in source order: all of the first inner's values, then the
 * second's, and so on. Inners ahead of the current one run but their values wait in a buffer.
 * Each inner receives a {@link Pacer} that holds it back while its buffer is not empty, so a
 * cooperating inner (like `readDataFile`) keeps at most one pending value.
 *
 *     source:     a-b-c|
 *     a:          --1--2|
 *     b:            -3|          (subscribed at once; 3 waits until a completes)
 *     c:                -4|      (its slot frees when a and b have been emitted)
 *     result(2):  --1--234|
 *
 * Completes when the source and every inner have completed. An inner error tears down the source
 * and every other inner. Unsubscribing tears everything down.
 *
 * @example
 * ```ts
 * tasks$.pipe(mergeMapInOrder((task, i, pace) => readDataFile(task, { ...ctx, pace }), 4));
 * ```
 * @param project Maps a source value (with its index and pacer) to an inner Observable.
 * @param concurrency Maximum number of inners subscribed at once (≥ 1).
 * @returns An operator emitting inner values in source order.
 */
export function mergeMapInOrder<T, R>(
  project: (value: T, index: number, pace: Pacer) => ObservableInput<R>,
  concurrency: number,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const pending: T[] = [];
      const active: Array<Slot<R>> = [];
      let index = 0;
      let sourceDone = false;
      let draining = false;
      let again = false;

      const start = (value: T): void => {
        const slot: Slot<R> = { buffer: [], done: false, subscription: undefined, waiters: [] };
        active.push(slot);
        const pace: Pacer = () =>
          slot === active[0] || slot.buffer.length === 0 ? undefined : new Promise<void>((r) => slot.waiters.push(r));
        let inner: ObservableInput<R>;
        try {
          inner = project(value, index++, pace);
        } catch (error) {
          subscriber.error(error);
          return;
        }
        slot.subscription = from(inner).subscribe({
          next: (v) => {
            slot.buffer.push(v);
            drain();
          },
          error: (e) => subscriber.error(e),
          complete: () => {
            slot.done = true;
            drain();
          },
        });
      };

      const drain = (): void => {
        if (draining) {
          again = true;
          return;
        }
        draining = true;
        do {
          again = false;
          while (!subscriber.closed && active.length < concurrency && pending.length > 0) start(pending.shift()!);
          while (!subscriber.closed && active.length > 0) {
            const head = active[0]!;
            while (!subscriber.closed && head.buffer.length > 0) subscriber.next(head.buffer.shift()!);
            for (const wake of head.waiters.splice(0)) wake();
            if (!head.done || head.buffer.length > 0) break;
            active.shift();
            again = true;
          }
          if (!subscriber.closed && sourceDone && active.length === 0 && pending.length === 0) subscriber.complete();
        } while (again && !subscriber.closed);
        draining = false;
      };

      const sourceSubscription = source.subscribe({
        next: (value) => {
          pending.push(value);
          drain();
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });
      return () => {
        sourceSubscription.unsubscribe();
        for (const slot of active.splice(0)) slot.subscription?.unsubscribe();
        pending.length = 0;
      };
    });
}
