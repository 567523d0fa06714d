/**
 * Row-group pruning end to end: a generated file of 8 row groups sorted by `id`; a selective range
 * filter reads only the row groups whose statistics can match (asserted on bytes read), also when
 * the file has position deletes (positions stay absolute).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterPlugin } from '../../src/expr/filter-plugin.ts';
import { applyDeletes } from '../../src/operators/apply-deletes.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { buildTable } from '../builder/build-table.ts';
import type { BuiltTable } from '../builder/table-description.ts';

const ROWS = 8000;
const GROUP = 1000;
let root: string;
let plain: BuiltTable;
let withDeletes: BuiltTable;
let noIds: BuiltTable;

const columns = () => ({
  id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)),
  payload: Array.from({ length: ROWS }, (_, i) => `row-${i}-${'x'.repeat(40)}`),
});

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'filter-row-groups-'));
  const schema = [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 'payload', type: 'string' }];
  plain = await buildTable(join(root, 'plain'), {
    schema, compression: 'uncompressed',
    steps: [{ append: [{ name: 'data', columns: columns(), rowGroupSize: GROUP }] }],
  });
  withDeletes = await buildTable(join(root, 'deletes'), {
    schema, compression: 'uncompressed',
    steps: [
      { append: [{ name: 'data', columns: columns(), rowGroupSize: GROUP }] },
      { positionDeletes: [{ positions: { data: [3500, 3501, 4100, 10] } }] },
    ],
  });
});
beforeAll(async () => {
  noIds = await buildTable(join(root, 'no-ids'), {
    schema: [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 'payload', type: 'string' }],
    compression: 'uncompressed',
    steps: [{ append: [{ name: 'data', columns: columns(), rowGroupSize: GROUP, withoutFieldIds: true }] }],
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const plugins = { filter: filterPlugin, deletes: applyDeletes() };

async function scan(dir: string, filter?: string) {
  const table = await loadTable(dir, { plugins });
  const s = table.scan(filter !== undefined ? { filter } : {});
  const t = await s.toTable();
  const ids = t.getChild('id')!.toArray() as BigInt64Array;
  return { ids: Array.from(ids, Number), stats: s.stats };
}

describe('row-group pruning by Parquet statistics', () => {
  it('the generated file has 8 row groups sorted by id', () => {
    const footer = parquetMetadata(readFileSync(plain.files.data!.localPath).buffer);
    expect(footer.row_groups.length).toBe(8);
  });

  it('reads only the row groups a range filter can match, and the bytes show it', async () => {
    const all = await scan(plain.dir);
    const some = await scan(plain.dir, 'id >= 3500 and id < 4200');
    expect(all.ids.length).toBe(ROWS);
    expect(some.ids).toEqual(Array.from({ length: 700 }, (_, i) => 3500 + i));
    expect(some.stats.rowGroupsSkipped).toBe(6);
    expect(all.stats.rowGroupsSkipped).toBe(0);
    // Two of eight equally sized row groups (plus the footer): well under a third of a full read.
    expect(some.stats.bytesRead).toBeLessThan(all.stats.bytesRead * 0.34);
    expect(some.stats.bytesRead).toBeGreaterThan(all.stats.bytesRead * 0.2);
    expect(some.stats.rowsFiltered).toBe(2000 - 700);
  });

  it('prunes row groups in a file with position deletes, keeping positions absolute', async () => {
    const some = await scan(withDeletes.dir, 'id >= 3500 and id < 4200');
    const expected = Array.from({ length: 700 }, (_, i) => 3500 + i).filter((id) => ![3500, 3501, 4100].includes(id));
    expect(some.ids).toEqual(expected);
    expect(some.stats.rowGroupsSkipped).toBe(6);
    const all = await scan(withDeletes.dir);
    expect(all.ids.length).toBe(ROWS - 4);
  });

  it('uses the table name mapping for files written without field ids', async () => {
    const some = await scan(noIds.dir, 'id >= 3500 and id < 4200');
    expect(some.ids).toEqual(Array.from({ length: 700 }, (_, i) => 3500 + i));
    expect(some.stats.rowGroupsSkipped).toBe(6);
  });

  it('a filter no row can match prunes the file by its metrics and never opens it', async () => {
    const none = await scan(plain.dir, 'id < 0 or id > 100000');
    expect(none.ids).toEqual([]);
    expect(none.stats.pruned.dataFiles).toBe(1);
    expect(none.stats.files).toBe(0);
  });
});
