import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keptRowPositions, rowPosition, type FileBatch } from '../../../src/task/file-batch.ts';

/** The positions of the rows a FileBatch-like placement describes. */
const positions = (first: number, offsets: Int32Array | undefined, n: number): number[] =>
  Array.from({ length: n }, (_, i) => rowPosition({ firstRowPosition: first, rowOffsets: offsets } as FileBatch, i));

/** Ascending distinct indices below n, picked by a boolean per row. */
const subset = (picks: boolean[]): Int32Array => Int32Array.from(picks.flatMap((p, i) => (p ? [i] : [])));

describe('keptRowPositions', () => {
  it('places a contiguous selection without offsets, and a gapped one with offsets from its first row', () => {
    expect(keptRowPositions(100, undefined, Int32Array.from([3, 4, 5]))).toEqual({ firstRowPosition: 103, rowOffsets: undefined });
    expect(keptRowPositions(100, undefined, Int32Array.from([3, 5, 9]))).toEqual({ firstRowPosition: 103, rowOffsets: Int32Array.from([0, 2, 6]) });
    // rows already gapped (offsets 0, 2, 6, 7): keeping rows 2 and 3 leaves positions 106, 107 (contiguous)
    expect(keptRowPositions(100, Int32Array.from([0, 2, 6, 7]), Int32Array.from([2, 3]))).toEqual({ firstRowPosition: 106, rowOffsets: undefined });
  });

  it('selecting twice places the rows where one selection of the same rows does (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 80 }), (first, picks) => {
        const once = subset(picks.map(([a]) => a));
        const placed = keptRowPositions(first, undefined, once);
        // second selection over the rows left by the first
        const second = subset(Array.from(once, (_row, j) => picks[j]![1]));
        const twice = keptRowPositions(placed.firstRowPosition, placed.rowOffsets, second);
        const expected = Array.from(second, (j) => first + once[j]!);
        expect(positions(twice.firstRowPosition, twice.rowOffsets, second.length)).toEqual(expected);
        if (twice.rowOffsets !== undefined) expect(twice.rowOffsets[0]).toBe(0);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
