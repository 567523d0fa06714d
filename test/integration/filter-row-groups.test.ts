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
let paged: BuiltTable;
let pagedDeletes: BuiltTable;

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
beforeAll(async () => {
  // Pages of 100 ids (8 bytes each; payload pages are cut by size): the page index can skip
  const schema = [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 'payload', type: 'string' }];
  paged = await buildTable(join(root, 'paged'), {
    schema, compression: 'uncompressed',
    steps: [{ append: [{ name: 'data', columns: columns(), rowGroupSize: 4000, pageRows: 100 }] }],
  });
  pagedDeletes = await buildTable(join(root, 'paged-deletes'), {
    schema, compression: 'uncompressed',
    steps: [
      { append: [{ name: 'data', columns: columns(), rowGroupSize: 4000, pageRows: 100 }] },
      { positionDeletes: [{ positions: { data: [1250, 1251, ...Array.from({ length: 400 }, (_, i) => 2000 + i), 7999] } }] },
    ],
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

describe('page pruning by the Parquet page indexes', () => {
  it('the generated file has page indexes with pages of 100 ids', () => {
    const footer = parquetMetadata(readFileSync(paged.files.data!.localPath).buffer);
    expect(footer.row_groups.length).toBe(2);
    expect(footer.row_groups.every((g) => g.columns.every((c) => c.offset_index_offset !== undefined && c.column_index_offset !== undefined))).toBe(true);
  });

  it('decodes only the pages a range filter can match, with the same rows as without the page index', async () => {
    const some = await scan(paged.dir, 'id >= 1230 and id < 1270');
    expect(some.ids).toEqual(Array.from({ length: 40 }, (_, i) => 1230 + i));
    // the id pages 1200-1299 might match: the other 3900 rows of row group 0 are skipped, row group 1 is pruned
    expect(some.stats.rowGroupsSkipped).toBe(1);
    expect(some.stats.rowsSkipped).toBe(3900);
    expect(some.stats.rowsFiltered).toBe(60);
    // 39 of 40 id pages, and the payload pages holding only skipped rows
    expect(some.stats.pagesSkipped).toBeGreaterThanOrEqual(39);
  });

  it('an or of two ranges keeps the pages of both', async () => {
    const some = await scan(paged.dir, 'id < 50 or (id >= 3950 and id < 3960) or id = 2500');
    expect(some.ids).toEqual([...Array.from({ length: 50 }, (_, i) => i), 2500, ...Array.from({ length: 10 }, (_, i) => 3950 + i)]);
    expect(some.stats.rowsSkipped).toBe(4000 - 300);
  });

  it('skips pages and deleted rows together, positions staying absolute', async () => {
    const some = await scan(pagedDeletes.dir, '(id >= 1200 and id < 1300) or (id >= 1950 and id < 2450)');
    const deleted = new Set([1250, 1251, ...Array.from({ length: 400 }, (_, i) => 2000 + i)]);
    const expected = [...Array.from({ length: 100 }, (_, i) => 1200 + i), ...Array.from({ length: 500 }, (_, i) => 1950 + i)].filter((id) => !deleted.has(id));
    expect(some.ids).toEqual(expected);
    expect(some.stats.rowsDeleted.position).toBeGreaterThanOrEqual(402);
    const all = await scan(pagedDeletes.dir);
    expect(all.ids.length).toBe(ROWS - 403);
  });
});
