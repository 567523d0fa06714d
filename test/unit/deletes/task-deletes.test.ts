import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PositionSetBuilder, type PositionSet } from '../../../src/deletes/position-set.ts';
import { applyTaskDeletes } from '../../../src/deletes/task-deletes.ts';
import { takeRows } from '../../../src/deletes/take-rows.ts';
import { rowPosition } from '../../../src/task/file-batch.ts';
import { fakeTask } from '../../helpers/marble-batches.ts';
import { idBatchWithFieldId } from './delete-test-files.ts';

const setOf = (ps: readonly number[]): PositionSet => {
  const b = new PositionSetBuilder();
  for (const p of ps) b.add(p);
  return b.build();
};
const task = fakeTask('f.parquet');
const ids = (b: { batch: { getChild(n: string): { toArray(): unknown } | null } } | undefined): number[] =>
  b === undefined ? [] : Array.from(b.batch.getChild('id')!.toArray() as Int32Array);

describe('applyTaskDeletes', () => {
  it('equals a naive Set filter over batches at any absolute position, with several files and a DV (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 11_500 }), { maxLength: 200 }), { maxLength: 3 }),
        fc.option(fc.array(fc.integer({ min: 0, max: 11_500 }), { maxLength: 200 })),
        (start, sizes, files, dv) => {
          const deletes = { dataFilePath: 'f.parquet', positions: files.map(setOf), deletionVector: dv === null ? undefined : setOf(dv), equality: [] };
          const naive = new Set([...files.flat(), ...(dv ?? [])]);
          let first = start;
          const seen: number[] = [];
          let counted = 0;
          for (const n of sizes) {
            const { batch, deleted } = applyTaskDeletes(deletes, { task, batch: idBatchWithFieldId(first, n), firstRowPosition: first });
            counted += deleted.position + deleted.deletionVector;
            const kept = ids(batch);
            if (batch !== undefined) {
              expect(batch.batch.numRows).toBeGreaterThan(0);
              expect(batch.firstRowPosition).toBe(kept[0]);
            }
            seen.push(...kept);
            first += n;
          }
          const expected = Array.from({ length: first - start }, (_, i) => start + i).filter((p) => !naive.has(p));
          expect(seen).toEqual(expected);
          expect(counted).toBe(first - start - expected.length);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });

  it('reads the positions of a batch with gaps from its rowOffsets, and places the survivors', () => {
    // rows at positions 10, 12, 13, 17, 20 (ids equal positions)
    const offsets = Int32Array.from([0, 2, 3, 7, 10]);
    const batch = takeRows(idBatchWithFieldId(10, 11), Int32Array.from(offsets));
    const deletes = { dataFilePath: 'f.parquet', positions: [setOf([11, 13, 20])], deletionVector: undefined, equality: [] };
    const out = applyTaskDeletes(deletes, { task, batch, firstRowPosition: 10, rowOffsets: offsets });
    expect(out.deleted.position).toBe(2);
    expect(ids(out.batch)).toEqual([10, 12, 17]);
    const survivors = out.batch!;
    expect(Array.from({ length: survivors.batch.numRows }, (_, i) => rowPosition(survivors, i))).toEqual([10, 12, 17]);
  });

  it('counts a row deleted by both a DV and a position file once, for the DV', () => {
    const deletes = { dataFilePath: 'f.parquet', positions: [setOf([1, 2])], deletionVector: setOf([2, 3]), equality: [] };
    const { batch, deleted } = applyTaskDeletes(deletes, { task, batch: idBatchWithFieldId(0, 5), firstRowPosition: 0 });
    expect(ids(batch)).toEqual([0, 4]);
    expect(deleted).toEqual({ position: 1, deletionVector: 2, equality: 0 });
  });

  it('returns the input unchanged when nothing in the batch is deleted', () => {
    const input = { task, batch: idBatchWithFieldId(10, 5), firstRowPosition: 10 };
    expect(applyTaskDeletes({ dataFilePath: 'f.parquet', positions: [setOf([0, 100])], deletionVector: undefined, equality: [] }, input).batch).toBe(input);
  });
});
