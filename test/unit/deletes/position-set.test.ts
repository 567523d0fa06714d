import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PositionSet, PositionSetBuilder } from '../../../src/deletes/position-set.ts';

function build(positions: readonly number[]): PositionSet {
  const b = new PositionSetBuilder();
  for (const p of positions) b.add(p);
  return b.build();
}

/** Deleted flags of `[first, first + count)` by markRange. */
function marks(set: PositionSet, first: number, count: number): number[] {
  const mask = new Uint8Array(count);
  set.markRange(first, count, mask);
  return Array.from(mask);
}

describe('PositionSet', () => {
  it('sorts and de-duplicates unordered input', () => {
    const set = build([9, 3, 3, 0, 9, 7]);
    expect(set.size).toBe(4);
    expect(set.max).toBe(9);
    expect(set.toArray()).toEqual([0, 3, 7, 9]);
  });

  it('mixes single positions and whole chunks, sorted or not', () => {
    const b = new PositionSetBuilder();
    b.add(5);
    b.addChunk(Float64Array.of(6, 9, 12));
    b.add(13);
    expect(b.build().toArray()).toEqual([5, 6, 9, 12, 13]);
    const u = new PositionSetBuilder();
    u.addChunk(Float64Array.of(10, 20));
    u.add(3);
    u.addChunk(Float64Array.of(20, 1));
    expect(u.build().toArray()).toEqual([1, 3, 10, 20]);
  });

  it('uses a bitmap when dense and a sorted array when sparse', () => {
    const dense = build(Array.from({ length: 1000 }, (_, i) => i * 2));
    expect(dense.byteLength).toBeLessThan(1000);
    const sparse = build([0, 1e9, 2e9]);
    expect(sparse.byteLength).toBe(12); // three u32
    const huge = build([0, 2 ** 40]);
    expect(huge.byteLength).toBe(16); // float64 beyond 2^32
    expect(huge.has(2 ** 40)).toBe(true);
    expect(huge.has(2 ** 40 - 1)).toBe(false);
  });

  it('marks a range and counts only newly deleted rows', () => {
    const set = build([2, 5, 6, 100]);
    const mask = new Uint8Array(8);
    mask[5] = 1; // already deleted by another set
    expect(set.markRange(0, 8, mask)).toBe(2);
    expect(Array.from(mask)).toEqual([0, 0, 1, 0, 0, 1, 1, 0]);
    expect(marks(set, 96, 10)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(marks(set, 101, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(PositionSet.EMPTY.markRange(0, 3, new Uint8Array(3))).toBe(0);
  });

  it('marks exactly the positions a naive Set holds, for any batch window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 400 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 5200 }),
        fc.integer({ min: 0, max: 700 }),
        (positions, spread, first, count) => {
          const ps = spread ? positions.map((p) => p * 100_003) : positions; // sparse → array form
          const start = spread ? first * 100_003 : first;
          const naive = new Set(ps);
          const set = build(ps);
          const mask = new Uint8Array(count);
          const marked = set.markRange(start, count, mask);
          let expected = 0;
          for (let i = 0; i < count; i++) {
            const hit = naive.has(start + i) ? 1 : 0;
            expected += hit;
            expect(mask[i]).toBe(hit);
          }
          expect(marked).toBe(expected);
          expect(set.size).toBe(naive.size);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});
