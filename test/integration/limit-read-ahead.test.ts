/**
 * Limit-aware read-ahead: while a `limit` is not yet met, no more row groups are fetched than it
 * can still need. `limit: 10` over files of several row groups reads the footers of the files in
 * flight and one row group's projected chunks, not a row group ahead per file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../src/table/load-table.ts';
import { buildTable } from '../builder/build-table.ts';
import type { BuiltTable } from '../builder/table-description.ts';

const FILES = 6;
const ROWS = 20_000;
const GROUP = 5_000;
let root: string;
let table: BuiltTable;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'limit-read-ahead-'));
  table = await buildTable(join(root, 't'), {
    schema: [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 'payload', type: 'string' }],
    compression: 'uncompressed',
    steps: [{
      append: Array.from({ length: FILES }, (_, f) => ({
        name: `f${f}`,
        rowGroupSize: GROUP,
        columns: {
          id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(f * ROWS + i)),
          payload: Array.from({ length: ROWS }, (_, i) => `${f}-${i}-${'x'.repeat(60)}`),
        },
      })),
    }],
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('read-ahead under a limit', () => {
  it.each([0, 2])('limit 10 fetches one row group, whatever the concurrency (decodeWorkers %i)', async (decodeWorkers) => {
    const t = await loadTable(table.dir);
    const full = t.scan({ decodeWorkers });
    await full.toTable();
    const rowGroupBytes = full.stats.bytesRead / (FILES * (ROWS / GROUP));
    const scan = t.scan({ limit: 10, concurrency: 4, decodeWorkers });
    const result = await scan.toTable();
    expect(result.numRows).toBe(10);
    expect(Array.from(result.getChild('id')!.toArray() as BigInt64Array, Number)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(scan.stats.rowGroupsRead).toBe(1);
    // one row group's chunks plus the footers of the files opened meanwhile (64 KiB reads each)
    expect(scan.stats.bytesRead).toBeLessThan(rowGroupBytes + 4 * 65_536 + 1);
  });

  it('a limit larger than a row group reads just the row groups it needs', async () => {
    const t = await loadTable(table.dir);
    const scan = t.scan({ limit: GROUP + 1, concurrency: 4 });
    expect((await scan.toTable()).numRows).toBe(GROUP + 1);
    expect(scan.stats.rowGroupsRead).toBe(2);
  });
});
