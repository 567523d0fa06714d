/**
 * `table.scan().count()` and `iceberg-rx count`: exact rows after deletes and the filter, from the
 * manifests' record counts where no delete and no residual applies, otherwise by reading only what
 * the count needs (no data column for position deletes; the filter's column for a residual).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../src/table/load-table.ts';
import { buildTable } from '../builder/build-table.ts';
import type { BuiltTable } from '../builder/table-description.ts';
import { runCli } from './cli-run.ts';

const ROWS = 4000;
let root: string;
let plain: BuiltTable;
let deleted: BuiltTable;
let positional: BuiltTable;

const columns = (offset: number) => ({
  id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(offset + i)),
  payload: Array.from({ length: ROWS }, (_, i) => `payload-${offset + i}-${'p'.repeat(200)}`),
});

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'count-rows-'));
  const schema = [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 'payload', type: 'string' }];
  const files = { append: [{ name: 'a', columns: columns(0), rowGroupSize: 1000 }, { name: 'b', columns: columns(ROWS), rowGroupSize: 1000 }] };
  plain = await buildTable(join(root, 'plain'), { schema, compression: 'uncompressed', steps: [files] });
  deleted = await buildTable(join(root, 'deleted'), {
    schema, compression: 'uncompressed',
    steps: [
      files,
      { positionDeletes: [{ positions: { a: [0, 1, 2, 3999] } }] },
      { equalityDeletes: [{ name: 'eq', equalityIds: ['id'], rows: [{ id: 5000 }, { id: 5001 }] }] },
    ],
  });
  positional = await buildTable(join(root, 'positional'), {
    schema, compression: 'uncompressed',
    steps: [files, { positionDeletes: [{ positions: { a: [0, 1, 2, 3999], b: [7] } }] }],
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('table.scan().count()', () => {
  it('answers from the record counts alone when nothing applies to the files', async () => {
    const scan = (await loadTable(plain.dir)).scan();
    expect(await scan.count()).toBe(2 * ROWS);
    expect(scan.stats.filesCountedFromMetadata).toBe(2);
    expect(scan.stats.files).toBe(0);
    expect(scan.stats.bytesRead).toBe(0);
  });

  it('counts a filter exactly, reading only the filter column', async () => {
    const table = await loadTable(plain.dir);
    const full = table.scan({ filter: 'id >= 3500' });
    await full.toTable();
    const scan = table.scan({ filter: 'id >= 3500' });
    expect(await scan.count()).toBe(ROWS + 500);
    // the residual (partition-based, as in Iceberg's ResidualEvaluator) applies to both files
    expect(scan.stats.files).toBe(2);
    expect(scan.stats.filesCountedFromMetadata).toBe(0);
    // no payload column: a small fraction of what the scan of the same rows read
    expect(scan.stats.bytesRead).toBeLessThan(full.stats.bytesRead / 4);
  });

  it('counts after position deletes without decoding any column: footers and delete files only', async () => {
    const table = await loadTable(positional.dir);
    const scan = table.scan();
    expect(await scan.count()).toBe(2 * ROWS - 5);
    expect(scan.stats.rowsDeleted.position).toBe(5);
    for (const name of ['a', 'b']) {
      const file = positional.files[name]!.localPath;
      const [, reads] = Object.entries(scan.stats.perFile).find(([p]) => p.endsWith(file.split('/').pop()!))!;
      expect(reads.reads).toBe(1); // the footer
    }
  });

  it('counts after position and equality deletes, without reading data columns for positions', async () => {
    const table = await loadTable(deleted.dir);
    const rows = (await table.scan().toTable()).numRows;
    expect(rows).toBe(2 * ROWS - 6);
    const scan = table.scan();
    expect(await scan.count()).toBe(rows);
    expect(scan.stats.filesCountedFromMetadata).toBe(0);
    expect(scan.stats.rowsDeleted).toEqual({ position: 4, equality: 2, deletionVector: 0 });
    // the equality deletes need the id column, never the payload
    const full = table.scan();
    await full.toTable();
    expect(scan.stats.bytesRead).toBeLessThan(full.stats.bytesRead / 4);
  });

  it('applies the limit to the count', async () => {
    expect(await (await loadTable(deleted.dir)).scan({ limit: 10 }).count()).toBe(10);
    expect(await (await loadTable(plain.dir)).scan({ limit: 10 }).count()).toBe(10);
  });
});

describe('iceberg-rx count', () => {
  it('prints the count, and with --stats what answered it', async () => {
    const plainRun = await runCli(['count', plain.dir, '--stats']);
    expect(plainRun.code).toBe(0);
    expect(plainRun.text).toBe(`${2 * ROWS}\n`);
    expect(JSON.parse(plainRun.stderr)).toMatchObject({ filesCountedFromMetadata: 2, files: 0 });
    const filtered = await runCli(['count', deleted.dir, '--filter', 'id < 100', '--stats']);
    expect(filtered.code).toBe(0);
    expect(filtered.text).toBe('97\n'); // ids 0-99 but the deleted positions 0, 1 and 2
    expect(JSON.parse(filtered.stderr)).toMatchObject({ filesCountedFromMetadata: 0, files: 1 });
  });

  it('rejects a bad filter with a message, and prints its help', async () => {
    const bad = await runCli(['count', plain.dir, '--filter', 'nope >']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/filter/i);
    const help = await runCli(['count', '--help']);
    expect(help.code).toBe(0);
    expect(help.text).toMatch(/Usage: iceberg-rx count <table>/);
  });
});
