/**
 * Table scans end to end on tables written by the test builder: snapshot selection (id, ref,
 * as-of), the snapshot's schema, empty tables, counts, the AsyncIterable and moved locations.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../../src/errors.ts';
import { loadTable } from '../../../src/table/load-table.ts';
import type { Table } from '../../../src/table/table.ts';
import { buildTable } from '../../builder/build-table.ts';

const FIRST_ID = 2n ** 60n + 1n;
let dir: string;
let table: Table;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'table-scan-'));
  await buildTable(dir, {
    location: 's3a://bucket/warehouse/t',
    schema: [
      { id: 1, name: 'id', type: 'long', required: true },
      { id: 2, name: 'name', type: 'string' },
    ],
    steps: [
      { label: 'first', snapshotId: FIRST_ID, timestampMs: 1_000, append: [{ rows: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] }] },
      { tag: 'v1', snapshot: 'first' },
      { evolveSchema: { add: [{ name: 'extra', type: 'int' }] } },
      { label: 'second', timestampMs: 2_000, append: [{ rows: [{ id: 3, name: 'c', extra: 30 }] }] },
    ],
  });
  table = await loadTable(dir);
});

const rowsOf = async (t: Table, options: Parameters<Table['scan']>[0] = {}) => {
  const arrow = await t.scan(options).toTable();
  return { names: arrow.schema.fields.map((f) => f.name), rows: arrow.toArray().map((r) => r.toJSON()) };
};

describe('table.scan', () => {
  it('reads the current snapshot with the current schema, through recorded s3a paths', async () => {
    const { names, rows } = await rowsOf(table);
    expect(names).toEqual(['id', 'name', 'extra']);
    expect(rows.map((r) => [Number(r.id), r.name, r.extra]).sort()).toEqual([
      [1, 'a', null],
      [2, 'b', null],
      [3, 'c', 30],
    ]);
    expect(table.snapshots()).toHaveLength(2);
    expect(table.specs()).toHaveLength(1);
  });

  it('time travels by id (exact beyond 2^53), by tag and as of a time, with the snapshot schema', async () => {
    for (const options of [{ snapshotId: FIRST_ID }, { snapshotId: FIRST_ID.toString() }, { ref: 'v1' }, { asOf: 1_500 }, { asOf: new Date(1_000).toISOString() }]) {
      const { names, rows } = await rowsOf(table, options);
      expect(names).toEqual(['id', 'name']);
      expect(rows).toHaveLength(2);
    }
  });

  it('fails with not_found for unknown snapshots, refs and times, and invalid_argument for conflicts', () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
        return 'ok';
      } catch (e) {
        return isIcebergScanError(e) ? e.code : 'crash';
      }
    };
    expect(codeOf(() => table.scan({ snapshotId: 42 }))).toBe('not_found');
    expect(codeOf(() => table.scan({ ref: 'nope' }))).toBe('not_found');
    expect(codeOf(() => table.scan({ asOf: 10 }))).toBe('not_found');
    expect(codeOf(() => table.scan({ snapshotId: 1, ref: 'v1' }))).toBe('invalid_argument');
    expect(codeOf(() => table.scan({ asOf: 'yesterday' }))).toBe('invalid_argument');
  });

  it('counts from record counts, selects columns, limits, and iterates asynchronously', async () => {
    expect(await table.scan().count()).toBe(3);
    expect(await table.scan({ ref: 'v1' }).count()).toBe(2);
    expect((await rowsOf(table, { select: ['name'] })).names).toEqual(['name']);
    expect((await rowsOf(table, { limit: 1 })).rows).toHaveLength(1);
    let n = 0;
    for await (const batch of table.scan().toAsyncIterable()) n += batch.numRows;
    expect(n).toBe(3);
    const tasks = await lastValueFrom(table.scan().planFiles().pipe(toArray()));
    expect(tasks.map((t) => t.dataFile.recordCount).sort()).toEqual([1, 2]);
  });

  it('scans a table without snapshots to an empty result that keeps the schema', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'table-empty-'));
    await buildTable(empty, { schema: [{ id: 1, name: 'id', type: 'long' }], steps: [] });
    const t = await loadTable(empty);
    const arrow = await t.scan().toTable();
    expect(arrow.numRows).toBe(0);
    expect(arrow.schema.fields.map((f) => f.name)).toEqual(['id']);
    expect(await t.scan().count()).toBe(0);
  });
});
