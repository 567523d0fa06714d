/**
 * Property: on generated append-only tables (any number of commits, files per commit, one
 * manifest per commit or per file, compactions in between), the incremental scan (a, b] equals the
 * builder oracle's rows at b minus its rows at a, as multisets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../../src/table/load-table.ts';
import { buildTable } from '../../builder/build-table.ts';
import type { TableDescription } from '../../builder/table-description.ts';
import { canonicalRow, tableRows } from '../../pyiceberg/row-multiset.ts';

const root = mkdtempSync(join(tmpdir(), 'incremental-property-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A commit: files of row counts, one manifest per file or not, or a compaction of the first live file. */
const commit = fc.oneof(
  { weight: 4, arbitrary: fc.record({ files: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), perFile: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant('compact' as const) },
);

function multisetMinus(whole: string[], part: string[]): string[] {
  const left = new Map<string, number>();
  for (const r of part) left.set(r, (left.get(r) ?? 0) + 1);
  return whole.filter((r) => {
    const n = left.get(r) ?? 0;
    if (n === 0) return true;
    left.set(r, n - 1);
    return false;
  });
}

let run = 0;

describe('incremental scan (property)', () => {
  it('(a, b] equals rows(b) minus rows(a) on append-only histories', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commit, { minLength: 2, maxLength: 5 }), fc.nat(), fc.nat(), fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>, async (commits, x, y, formatVersion) => {
        if (commits[0] === 'compact') commits[0] = { files: [1], perFile: false };
        let nextId = 0;
        const live: { name: string; rows: { id: number }[] }[] = [];
        const steps: TableDescription['steps'][number][] = [];
        commits.forEach((c, i) => {
          const label = `c${i}`;
          if (c === 'compact') {
            const victim = live.find((f) => f.rows.length > 0);
            if (victim === undefined) {
              steps.push({ label, append: [{ name: `${label}f0`, rows: [{ id: nextId++ }] }] });
              return;
            }
            const name = `${label}r`;
            steps.push({ label, operation: 'replace', removeFiles: [victim.name], append: [{ name, rows: victim.rows }] });
            live.splice(live.indexOf(victim), 1, { name, rows: victim.rows });
            return;
          }
          const files = c.files.map((n, j) => ({ name: `${label}f${j}`, rows: Array.from({ length: n }, () => ({ id: nextId++ })) }));
          live.push(...files);
          steps.push({ label, ...(c.perFile ? { manifestPerFile: true } : {}), append: files });
        });
        const dir = join(root, `t${run++}`);
        const built = await buildTable(dir, { formatVersion, schema: [{ id: 1, name: 'id', type: 'long', required: true }], steps });
        const table = await loadTable(dir);
        const labels = steps.map((s) => (s as { label: string }).label);
        const [i, j] = [x % labels.length, y % labels.length].sort((p, q) => p - q) as [number, number];
        const from = built.snapshot(labels[i]!).snapshotId;
        const to = built.snapshot(labels[j]!).snapshotId;
        const expected = multisetMinus(built.expectedRows(labels[j]).map(canonicalRow), built.expectedRows(labels[i]).map(canonicalRow));
        const actual = tableRows(await table.scan({ fromSnapshotId: from, toSnapshotId: to }).toTable()).map(canonicalRow);
        expect(actual.sort()).toEqual(expected.sort());
      }),
      { numRuns: 12, seed: 18 },
    );
  }, 60_000);
});
