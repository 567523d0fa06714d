/**
 * `limitRows`: the row-counting `take` that ends a scan once enough rows have been emitted.
 */
import { EMPTY, defer, filter, map, takeWhile, type MonoTypeOperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';

/**
 * Emits at most `limit` rows in total, slicing the batch that crosses the limit.
 *
 * Like `take`, but counts rows instead of batches. Empty batches are dropped.
 *
 *     source:        --a(3)----b(4)-----c(2)--|
 *     limitRows(5):  --a(3)----(b'(2)|)
 *     subscription:  ^---------!
 *
 * Completes as soon as `limit` rows have been emitted and unsubscribes from the source in the
 * same turn, which aborts in-flight file reads so no later read starts. `limitRows(0)` completes
 * without subscribing. Source errors before the limit pass through unchanged.
 *
 * @example
 * ```ts
 * scanTasks(tasks, options).pipe(limitRows(10)).subscribe((b) => console.log(b.numRows));
 * // Logs (batches of 8 rows): 8, 2
 * ```
 * @see {@link take}
 * @param limit Maximum number of rows; a non-negative safe integer.
 * @returns An operator emitting record batches that total `min(limit, sourceRows)` rows.
 * @throws IcebergScanError `invalid_argument` when `limit` is not a non-negative safe integer.
 */
export function limitRows<B extends RecordBatch>(limit: number): MonoTypeOperatorFunction<B> {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new IcebergScanError('invalid_argument', `limitRows: limit ${limit}`, { expected: 'a non-negative safe integer' });
  }
  return (source) =>
    limit === 0
      ? EMPTY
      : defer(() => {
          let seen = 0;
          return source.pipe(
            filter((batch) => batch.numRows > 0),
            map((batch) => {
              const room = limit - seen;
              seen += Math.min(room, batch.numRows);
              return (batch.numRows <= room ? batch : batch.slice(0, room)) as B;
            }),
            // inclusive: the batch that reaches the limit is emitted, then takeWhile completes
            // and unsubscribes the source.
            takeWhile(() => seen < limit, true),
          );
        });
}
