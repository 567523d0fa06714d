import { describe, expect, it } from 'vitest';
import { Observable, lastValueFrom, of, tap, toArray } from 'rxjs';
import { mergeMapInOrder } from '../../../src/operators/merge-map-in-order.ts';
import type { Pacer } from '../../../src/read/read-context.ts';
import { sleep } from '../../helpers/scan-fixtures.ts';

/** An inner that honours its pacer, emitting `n` values tagged with `name`, and records its backlog. */
function pacedInner(name: string, n: number, pace: Pacer, log: { produced: Record<string, number> }): Observable<string> {
  return new Observable<string>((sub) => {
    (async () => {
      for (let i = 0; i < n && !sub.closed; i++) {
        const wait = pace();
        if (wait) await wait;
        await sleep(1);
        log.produced[name] = (log.produced[name] ?? 0) + 1;
        sub.next(`${name}${i}`);
      }
      sub.complete();
    })();
  });
}

describe('mergeMapInOrder pacing', () => {
  it('emits in source order while read-ahead inners hold at most one pending value', async () => {
    const log = { produced: {} as Record<string, number> };
    const aheadWhenHeadDone: number[] = [];
    const values = await lastValueFrom(
      of('a', 'b', 'c').pipe(
        mergeMapInOrder((name, _i, pace) => pacedInner(name, 5, pace, log), 3),
        tap((v) => {
          if (v === 'a4') aheadWhenHeadDone.push(log.produced.b ?? 0, log.produced.c ?? 0);
        }),
        toArray(),
      ),
    );
    expect(values).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4', 'c0', 'c1', 'c2', 'c3', 'c4']);
    expect(aheadWhenHeadDone).toEqual([1, 1]);
  });

  it('holds a read-ahead inner at one pending value until it becomes the head', async () => {
    const log = { produced: {} as Record<string, number> };
    const values: string[] = [];
    const done = new Promise<void>((resolve) => {
      of('a', 'b').pipe(mergeMapInOrder((name, _i, pace) => pacedInner(name, name === 'a' ? 20 : 5, pace, log), 2)).subscribe({
        next: (v) => {
          values.push(v);
          if (v === 'a19') expect(log.produced.b).toBe(1);
        },
        complete: resolve,
      });
    });
    await done;
    expect(values.slice(-5)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
  });
});
