import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { limitRows } from '../../../src/operators/limit-rows.ts';
import { idBatch, idRange } from '../../helpers/marble-batches.ts';

describe('limitRows (property)', () => {
  it('emits the first min(limit, total) rows, in order, with no empty batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(20), { maxLength: 12 }), fc.nat(150), async (sizes, limit) => {
        let start = 0;
        const batches = sizes.map((n) => {
          const b = idBatch(start, n);
          start += n;
          return b;
        });
        const out = await lastValueFrom(from(batches).pipe(limitRows(limit), toArray()));
        const ids = out.flatMap((b) => Array.from(b.getChild('id')!.toArray() as Int32Array));
        expect(ids).toEqual(Array.from({ length: Math.min(limit, start) }, (_, i) => i));
        expect(out.every((b) => b.numRows > 0)).toBe(true);
        expect(out.map(idRange)).not.toContain('empty');
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
