/**
 * Pruning never removes a row the filter keeps, on generated tables whose files predate schema
 * and partition changes: each filtered scan returns exactly the rows the row evaluator keeps on
 * the unfiltered scan, and the scenarios the planner used to get wrong are pinned down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindExpression } from '../../src/expr/bind.ts';
import { evaluateRows } from '../../src/expr/evaluate-rows.ts';
import { parseFilter } from '../../src/expr/parse-filter.ts';
import { loadTable } from '../../src/table/load-table.ts';
import type { Table } from '../../src/table/table.ts';
import { buildTable } from '../builder/build-table.ts';
import type { TableDescription } from '../builder/table-description.ts';

let root: string;
let n = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'prune-evolved-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function table(description: TableDescription): Promise<Table> {
  const built = await buildTable(join(root, `t${n++}`), description);
  return loadTable(built.dir);
}

/** Ids of the rows a filtered scan returns, and of the rows the row evaluator keeps unfiltered. */
async function scan(t: Table, filter: string): Promise<{ actual: number[]; expected: number[]; prunedFiles: number }> {
  const bound = bindExpression(parseFilter(filter), t.schema());
  const expected: number[] = [];
  for (const batch of (await t.scan().toTable()).batches) {
    const ids = batch.getChild('id')!;
    evaluateRows(bound, batch).forEach((keep, i) => keep && expected.push(Number(ids.get(i))));
  }
  const filtered = t.scan({ filter });
  const actual = Array.from((await filtered.toTable()).getChild('id')?.toArray() ?? [], Number);
  const sort = (a: number[]) => a.sort((x, y) => x - y);
  return { actual: sort(actual), expected: sort(expected), prunedFiles: filtered.stats.pruned.dataFiles };
}

async function expectRows(t: Table, filter: string, ids: number[]): Promise<number> {
  const r = await scan(t, filter);
  expect(r.expected, `row evaluator, ${filter}`).toEqual(ids);
  expect(r.actual, `filtered scan, ${filter}`).toEqual(ids);
  return r.prunedFiles;
}

describe('metrics keyed by a field id the reader does not find in the file', () => {
  it('a name-mapped file after rename b→c and a new b: its metrics for c describe what is now read as b', async () => {
    const t = await table({
      schema: [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 'b', type: 'int' }],
      steps: [
        { append: [{ name: 'migrated', rows: [{ id: 1, b: 7 }, { id: 2, b: 8 }], withoutFieldIds: true }] },
        { evolveSchema: { rename: { b: 'c' } } },
        { evolveSchema: { add: [{ name: 'b', type: 'int' }] } },
        { append: [{ name: 'new', rows: [{ id: 3, c: 1, b: 1 }] }] },
      ],
    });
    // The mapping now maps the file's column "b" to the new b (id 3), so c (id 2) reads as null.
    await expectRows(t, 'c is null', [1, 2]);
    await expectRows(t, 'b = 7', [1]);
    expect(await expectRows(t, 'c = 7', [])).toBe(1);
  });

  it('metrics a writer recorded for columns the file lacks (added later, with and without an initial-default)', async () => {
    const t = await table({
      formatVersion: 3,
      schema: [{ id: 1, name: 'id', type: 'long', required: true }],
      steps: [
        // Field ids 2 and 3 do not exist yet: these metrics describe no column of the file.
        { append: [{ name: 'old', rows: [{ id: 1 }, { id: 2 }], metricsOverride: { 2: { valueCount: 2, nullCount: 0, lower: 7, upper: 7, boundType: 'int' }, 3: { valueCount: 2, nullCount: 2 } } }] },
        { evolveSchema: { add: [{ name: 'c', type: 'int' }, { name: 'e', type: 'int', initialDefault: 5 }] } },
        { append: [{ name: 'new', rows: [{ id: 3, c: 1, e: 1 }] }] },
        // Omitted columns with metrics as a writer recording its whole schema would give them.
        { append: [{ name: 'sparse', rows: [{ id: 4 }], omitColumns: ['c', 'e'], metricsOverride: { 2: { valueCount: 1, nullCount: 0, lower: 2, upper: 2 }, 3: { valueCount: 1, nullCount: 1 } } }] },
      ],
    });
    await expectRows(t, 'c is null', [1, 2, 4]);
    await expectRows(t, 'e = 5', [1, 2, 4]);
    await expectRows(t, 'e is not null', [1, 2, 3, 4]);
    await expectRows(t, 'c = 7 or c = 2', []);
  });
});

describe('a column with an initial-default that a file lacks', () => {
  it('reads the default, so a filter on the default keeps the file (no metrics for the column)', async () => {
    const t = await table({
      formatVersion: 3,
      schema: [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 'name', type: 'string' }],
      steps: [
        { append: [{ name: 'before', rows: [{ id: 1, name: 'Alice' }] }] },
        { evolveSchema: { add: [{ name: 'c', type: 'string', initialDefault: 'US' }] } },
        { append: [{ name: 'after', rows: [{ id: 2, name: 'Bob', c: 'CA' }] }] },
      ],
    });
    await expectRows(t, "c = 'US'", [1]);
    await expectRows(t, 'c is not null', [1, 2]);
    await expectRows(t, "c like 'U%'", [1]);
    await expectRows(t, 'c is null', []);
  });

  it('under a null identity or bucket partition value: the file is kept and the residual still filters', async () => {
    for (const transform of ['identity', 'bucket[4]']) {
      const t = await table({
        formatVersion: 3,
        schema: [{ id: 1, name: 'id', type: 'long', required: true }],
        steps: [
          { evolveSchema: { add: [{ name: 'e', type: 'int', initialDefault: 5 }] } },
          { evolveSpec: [{ source: 'e', transform, name: 'p' }] },
          // An imported file without e, partitioned by the null its importer saw.
          { append: [{ name: 'imported', rows: [{ id: 1 }, { id: 2 }], omitColumns: ['e'], partition: { p: null } }] },
          { append: [{ name: 'written', rows: [{ id: 3, e: 6 }] }] },
        ],
      });
      await expectRows(t, 'e = 5', [1, 2]);
      await expectRows(t, 'e is not null', [1, 2, 3]);
      await expectRows(t, 'e is null', []);
      await expectRows(t, 'e > 5', [3]);
    }
  });
});

describe('bounds written before a type promotion, and truncated bounds', () => {
  it('int→long, float→double, decimal widening and date→timestamp bounds decode with the type the file wrote', async () => {
    const t = await table({
      formatVersion: 3,
      schema: [
        { id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 'i', type: 'int' }, { id: 3, name: 'f', type: 'float' },
        { id: 4, name: 'm', type: 'decimal(9,2)' }, { id: 5, name: 'd', type: 'date' },
      ],
      steps: [
        { append: [{ name: 'old', rows: [{ id: 1, i: -5, f: 0.1, m: '-1.25', d: '2024-01-01' }, { id: 2, i: 2_000_000_000, f: 2.5, m: '99.99', d: '2024-01-03' }] }] },
        { evolveSchema: { promote: { i: 'long', f: 'double', m: 'decimal(18,2)', d: 'timestamp' } } },
        { append: [{ name: 'new', rows: [{ id: 3, i: 5_000_000_000, f: 0.1, m: '123456789.01', d: '2024-01-02T12:00:00' }] }] },
      ],
    });
    expect(await expectRows(t, 'i > 2000000000', [3])).toBe(1);
    await expectRows(t, 'i >= 2000000000', [2, 3]);
    await expectRows(t, 'i = -5', [1]);
    // The old file's float 0.1 reads as 0.10000000149011612, not as the double 0.1.
    await expectRows(t, 'f = 0.1', [3]);
    await expectRows(t, 'f > 0.1 and f < 0.2', [1]);
    await expectRows(t, 'f >= 2.5', [2]);
    await expectRows(t, 'm < -1.24', [1]);
    await expectRows(t, 'm > 99.98', [2, 3]);
    await expectRows(t, "d >= '2024-01-03'", [2]);
    await expectRows(t, "d < '2024-01-01 00:00:01'", [1]);
    await expectRows(t, "d > '2024-01-02'", [2, 3]);
  });

  it('Java-style truncated string bounds prune ranges and prefixes without losing rows', async () => {
    const t = await table({
      metrics: { truncate: 2 },
      schema: [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 's', type: 'string' }],
      steps: [
        { append: [{ name: 'a', rows: [{ id: 1, s: 'abcdef' }, { id: 2, s: 'abzzzz' }] }] },
        { append: [{ name: 'b', rows: [{ id: 3, s: 'b\u{10ffff}\u{10ffff}x' }, { id: 4, s: 'ba' }] }] },
      ],
    });
    await expectRows(t, "s like 'abz%'", [2]);
    await expectRows(t, "s not like 'ab%'", [3, 4]);
    await expectRows(t, "s = 'abzzzz'", [2]);
    await expectRows(t, "s > 'abzzzz'", [3, 4]);
    await expectRows(t, "s >= 'b\u{10ffff}'", [3]);
    await expectRows(t, "s like 'b\u{10ffff}\u{10ffff}%'", [3]);
  });
});
