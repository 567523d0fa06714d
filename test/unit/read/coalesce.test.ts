import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { coalesceRanges } from '../../../src/io/coalesce.ts';

describe('coalesceRanges', () => {
  it('merges overlapping and near ranges, keeps far ones apart, drops empty ones', () => {
    const out = coalesceRanges([{ start: 100, end: 200 }, { start: 0, end: 50 }, { start: 60, end: 70 }, { start: 500, end: 500 }, { start: 150, end: 180 }], 5);
    expect(out).toEqual([{ start: 0, end: 50 }, { start: 60, end: 70 }, { start: 100, end: 200 }]);
    expect(coalesceRanges([{ start: 0, end: 50 }, { start: 60, end: 70 }], 10)).toEqual([{ start: 0, end: 70 }]);
  });

  it('covers every input range with disjoint sorted ranges (property)', () => {
    const range = fc.tuple(fc.nat(10_000), fc.nat(500)).map(([s, l]) => ({ start: s, end: s + l }));
    fc.assert(
      fc.property(fc.array(range, { maxLength: 30 }), fc.nat(200), (ranges, gap) => {
        const out = coalesceRanges(ranges, gap);
        for (let i = 1; i < out.length; i++) expect(out[i]!.start - out[i - 1]!.end).toBeGreaterThan(gap);
        for (const r of ranges) {
          if (r.end > r.start) expect(out.some((o) => o.start <= r.start && o.end >= r.end)).toBe(true);
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
