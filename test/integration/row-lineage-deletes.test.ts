/**
 * Row lineage after deletes: an inherited `_row_id` is `first_row_id` plus the row's position in
 * the *file*, also when rows before it are deleted and some rows carry a stored `_row_id` (a file
 * a merge-on-read MERGE wrote on a v3 table). Deletes are pushed into the decoder, so the surviving
 * rows reach the projection with gaps in their positions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterPlugin } from '../../src/expr/filter-plugin.ts';
import { applyDeletes } from '../../src/operators/apply-deletes.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { buildTable } from '../builder/build-table.ts';
import type { BuiltTable } from '../builder/table-description.ts';

const ROWS = 3000;
/** Stored row ids on every fifth row (rows a MERGE moved keep theirs); the others inherit. */
const stored = (i: number): bigint | null => (i % 5 === 0 ? 1_000_000n + BigInt(i) : null);
const DELETED = [0, 1, 2, 7, 8, 1000, ...Array.from({ length: 300 }, (_, i) => 1500 + i), 2999];

let root: string;
let vectors: BuiltTable;

const append = () => ({
  append: [{
    name: 'data',
    columns: { id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)) },
    rowGroupSize: 1024,
    pageRows: 128,
    rowLineage: { rowIds: Array.from({ length: ROWS }, (_, i) => stored(i)) },
  }],
});

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'row-lineage-deletes-'));
  const schema = [{ id: 1, name: 'id', type: 'long', required: true }];
  // a first file, so the data file's first_row_id is not 0
  const first = { append: [{ name: 'first', columns: { id: BigInt64Array.from({ length: 10 }, (_, i) => BigInt(-1 - i)) } }] };
  vectors = await buildTable(join(root, 'dv'), {
    formatVersion: 3, schema, compression: 'snappy',
    steps: [first, append(), { deletionVectors: [{ dataFile: 'data', positions: DELETED }] }],
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function lineage(dir: string, options: { snapshotId?: bigint; decodeWorkers?: number } = {}) {
  const table = await loadTable(dir, { plugins: { filter: filterPlugin, deletes: applyDeletes() } });
  const t = await table.scan({
    select: ['id', '_row_id', '_pos'], filter: 'id >= 0',
    ...(options.snapshotId !== undefined ? { snapshotId: String(options.snapshotId) } : {}),
    ...(options.decodeWorkers !== undefined ? { decodeWorkers: options.decodeWorkers } : {}),
  }).toTable();
  const col = (name: string) => Array.from(t.getChild(name)!.toArray() as BigInt64Array);
  const ids = col('id');
  const rowIds = col('_row_id');
  const pos = col('_pos');
  return ids.map((id, i) => ({ id: Number(id), rowId: rowIds[i]!, pos: Number(pos[i]) }));
}

describe('_row_id after a deletion vector', () => {
  const table = () => vectors;
  it.each([0, 2])('is first_row_id + position in the file, stored ids kept (decodeWorkers %i)', async (decodeWorkers) => {
    const built = table();
    const before = await lineage(built.dir, { snapshotId: built.snapshots[1]!.snapshotId, decodeWorkers });
    expect(before).toHaveLength(ROWS);
    // inherited ids are first_row_id + pos: one constant offset, the one of the file's first row
    const firstRowId = before[1]!.rowId - 1n;
    expect(firstRowId).toBe(10n);
    for (const r of before) expect(r.rowId).toBe(stored(r.pos) ?? firstRowId + BigInt(r.pos));

    const after = await lineage(built.dir, { decodeWorkers });
    const gone = new Set(DELETED);
    expect(after.map((r) => r.id)).toEqual(before.filter((r) => !gone.has(r.pos)).map((r) => r.id));
    // each surviving row keeps exactly the _row_id it had before the delete
    expect(after).toEqual(before.filter((r) => !gone.has(r.pos)));
  });
});
