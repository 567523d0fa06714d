/**
 * `RowGroupSelection`: the run lengths it hands the decoder describe its skip mask exactly, and
 * `take()` walked over any split of the selected rows into batches places every decoded row at its
 * offset, in order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowGroupSelection } from '../../../src/read/row-selection.ts';

/** Masks of 0–600 rows made of runs (so long skips, single rows and edges all occur). */
const masks = fc
  .array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 60 })), { maxLength: 20 })
  .map((runs) => Uint8Array.from(runs.flatMap(([skip, n]) => Array.from({ length: n }, () => (skip ? 1 : 0)))));

/** Row offsets the mask keeps, ascending. */
const kept = (mask: Uint8Array): number[] => [...mask.keys()].filter((i) => mask[i] === 0);

/** Splits `total` into batch sizes from `cuts` (each at least 1). */
function split(total: number, cuts: readonly number[]): number[] {
  const sizes: number[] = [];
  let left = total;
  for (const c of cuts) {
    if (left === 0) break;
    const n = 1 + (c % left);
    sizes.push(n);
    left -= n;
  }
  if (left > 0) sizes.push(left);
  return sizes;
}

describe('RowGroupSelection', () => {
  it('without a mask selects every row, has no runs, and take() counts on contiguously', () => {
    const s = new RowGroupSelection(100);
    expect(s.selected).toBe(100);
    expect(s.runs).toBeUndefined();
    expect(s.take(30)).toEqual({ first: 0 });
    expect(s.take(70)).toEqual({ first: 30 });
  });

  it('a mask that skips nothing has no runs either', () => {
    const s = new RowGroupSelection(5, new Uint8Array(5));
    expect(s.runs).toBeUndefined();
    expect(s.selected).toBe(5);
    expect(s.take(5)).toEqual({ first: 0 });
  });

  it('a mask that skips everything selects nothing: one empty select run, one skip run', () => {
    const s = new RowGroupSelection(7, new Uint8Array(7).fill(1));
    expect(s.selected).toBe(0);
    expect(Array.from(s.runs!)).toEqual([0, 7]);
    expect(() => s.take(1)).toThrow(RangeError);
  });

  it('runs alternate select and skip from a select run, never empty after the first, and expand back to the mask', () => {
    fc.assert(
      fc.property(masks, (mask) => {
        const s = new RowGroupSelection(mask.length, mask);
        expect(s.selected).toBe(kept(mask).length);
        if (s.runs === undefined) {
          expect(s.selected).toBe(mask.length);
          return;
        }
        const runs = Array.from(s.runs);
        expect(runs.reduce((a, b) => a + b, 0)).toBe(mask.length);
        expect(runs.slice(1).every((n) => n > 0)).toBe(true);
        const expanded = runs.flatMap((n, i) => Array.from({ length: n }, () => (i % 2 === 0 ? 0 : 1)));
        expect(expanded).toEqual(Array.from(mask));
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('take() over any split of the selected rows reproduces exactly the unmasked rows, in order', () => {
    fc.assert(
      fc.property(masks, fc.array(fc.nat({ max: 1000 }), { maxLength: 40 }), (mask, cuts) => {
        const s = new RowGroupSelection(mask.length, mask);
        const placed: number[] = [];
        for (const n of split(s.selected, cuts)) {
          const rows = s.take(n);
          if (rows.offsets === undefined) {
            for (let i = 0; i < n; i++) placed.push(rows.first + i);
          } else {
            expect(rows.offsets).toBeInstanceOf(Int32Array);
            expect(rows.offsets.length).toBe(n);
            expect(rows.offsets[0]).toBe(0);
            // offsets are given only when the batch's rows are not contiguous
            expect(rows.offsets[n - 1]).toBeGreaterThan(n - 1);
            for (const o of rows.offsets) placed.push(rows.first + o);
          }
        }
        expect(placed).toEqual(kept(mask));
        // Past the end only a selection with runs notices (the contiguous case just counts on).
        if (s.runs !== undefined) expect(() => s.take(1)).toThrow(RangeError);
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('take() asking for more rows than remain throws a RangeError', () => {
    const mask = Uint8Array.from([0, 1, 0, 0, 1]);
    const s = new RowGroupSelection(5, mask);
    expect(s.take(2)).toEqual({ first: 0, offsets: Int32Array.from([0, 2]) });
    expect(() => s.take(2)).toThrow(/fewer than 2 more rows/);
  });
});
