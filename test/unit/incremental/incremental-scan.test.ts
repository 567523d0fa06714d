/**
 * Incremental append scans (`fromSnapshotId` / `toSnapshotId`) on a builder table whose history
 * mixes appends, a delete, a compaction (`replace`) and an overwrite: which snapshots are read,
 * the typed errors, and that planning opens only the manifests the range's snapshots added.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../../src/errors.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import { loadTable } from '../../../src/table/load-table.ts';
import type { Table } from '../../../src/table/table.ts';
import type { TableScanOptions } from '../../../src/table/table-scan.ts';
import { buildTable } from '../../builder/build-table.ts';
import type { BuiltTable } from '../../builder/table-description.ts';

let built: BuiltTable;
let table: Table;
let opened: string[];
const id = (label: string) => built.snapshot(label).snapshotId;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'incremental-scan-'));
  built = await buildTable(dir, {
    schema: [
      { id: 1, name: 'id', type: 'long', required: true },
      { id: 2, name: 'name', type: 'string' },
    ],
    steps: [
      { label: 's1', append: [{ name: 'a', rows: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] }] },
      { label: 's2', append: [{ name: 'b', rows: [{ id: 3, name: 'c' }] }] },
      { label: 's3', manifestPerFile: true, append: [{ name: 'c', rows: [{ id: 4, name: 'd' }] }, { name: 'c2', rows: [{ id: 5, name: 'e' }] }] },
      { label: 's4', positionDeletes: [{ positions: { a: [0] } }] },
      { label: 's5', append: [{ name: 'd', rows: [{ id: 6, name: 'f' }] }] },
      { label: 's6', operation: 'replace', removeFiles: ['b'], append: [{ name: 'b2', rows: [{ id: 3, name: 'c' }] }] },
      { label: 's7', append: [{ name: 'e', rows: [{ id: 7, name: 'g' }] }] },
      { label: 's8', removeFiles: ['e'], append: [{ name: 'e2', rows: [{ id: 70, name: 'g' }] }] },
      { label: 's9', append: [{ name: 'f', rows: [{ id: 8, name: 'h' }] }] },
    ],
  });
  opened = [];
  const local = new LocalFileIO();
  table = await loadTable(dir, { io: { newInputFile: (location: string) => (opened.push(location), local.newInputFile(location)) } });
});

const ids = async (options: TableScanOptions) => {
  const arrow = await table.scan(options).toTable();
  return arrow.toArray().map((r) => Number(r.toJSON().id)).sort((a, b) => a - b);
};
const failure = (options: TableScanOptions) => {
  try {
    table.scan(options);
  } catch (error) {
    return isIcebergScanError(error) ? { code: error.code, context: error.context } : error;
  }
  return undefined;
};

describe('incremental append scan', () => {
  it('reads the rows the appends after from (exclusive) up to to (inclusive) added', async () => {
    expect(await ids({ fromSnapshotId: id('s1'), toSnapshotId: id('s3') })).toEqual([3, 4, 5]);
    expect(await ids({ fromSnapshotId: id('s2'), toSnapshotId: id('s3') })).toEqual([4, 5]);
    expect(await ids({ fromSnapshotId: id('s4'), toSnapshotId: id('s5') })).toEqual([6]);
    expect(table.scan({ fromSnapshotId: id('s1'), toSnapshotId: id('s3') }).appendSnapshots?.map((s) => s.snapshotId)).toEqual([String(id('s2')), String(id('s3'))]);
  });

  it('takes ids as bigint, number or decimal string, and to defaults to the current snapshot', async () => {
    expect(await ids({ fromSnapshotId: String(id('s8')) })).toEqual([8]);
    expect(await ids({ fromSnapshotId: id('s8'), toSnapshotId: String(id('s9')) })).toEqual([8]);
  });

  it('reads every append of the ancestry with toSnapshotId alone', async () => {
    expect(await ids({ toSnapshotId: id('s3') })).toEqual([1, 2, 3, 4, 5]);
  });

  it('is empty when from equals to', async () => {
    expect(await ids({ fromSnapshotId: id('s3'), toSnapshotId: id('s3') })).toEqual([]);
  });

  it('skips a replace (compaction) and never re-emits its rewritten files', async () => {
    expect(await ids({ fromSnapshotId: id('s5'), toSnapshotId: id('s7') })).toEqual([7]);
  });

  it('fails with non_append_snapshot naming the first delete or overwrite in the range', () => {
    expect(failure({ fromSnapshotId: id('s1') })).toEqual({ code: 'non_append_snapshot', context: { snapshotId: String(id('s4')), operation: 'delete' } });
    expect(failure({ fromSnapshotId: id('s7') })).toEqual({ code: 'non_append_snapshot', context: { snapshotId: String(id('s8')), operation: 'overwrite' } });
  });

  it('skips deletes and overwrites with skipNonAppends (an overwrite\'s added files are not read)', async () => {
    expect(await ids({ fromSnapshotId: id('s1'), skipNonAppends: true })).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it('fails with not_found for an unknown from or to, invalid_argument for ids off one ancestry line', () => {
    expect(failure({ fromSnapshotId: 12345 })).toMatchObject({ code: 'not_found' });
    expect(failure({ fromSnapshotId: id('s1'), toSnapshotId: 12345 })).toMatchObject({ code: 'not_found' });
    expect(failure({ fromSnapshotId: id('s3'), toSnapshotId: id('s2') })).toMatchObject({ code: 'invalid_argument' });
    expect(failure({ fromSnapshotId: 'x1' })).toMatchObject({ code: 'invalid_argument' });
    expect(failure({ fromSnapshotId: id('s1'), ref: 'main' })).toMatchObject({ code: 'invalid_argument' });
  });

  it('applies select, filter, limit and count as a full scan does', async () => {
    const scan = table.scan({ fromSnapshotId: id('s1'), toSnapshotId: id('s3'), select: ['name'], filter: 'id >= 4' });
    const arrow = await scan.toTable();
    expect(arrow.schema.fields.map((f) => f.name)).toEqual(['name']);
    expect(arrow.toArray().map((r) => r.toJSON().name).sort()).toEqual(['d', 'e']);
    expect(await table.scan({ fromSnapshotId: id('s1'), toSnapshotId: id('s3') }).count()).toBe(3);
    expect((await table.scan({ fromSnapshotId: id('s1'), toSnapshotId: id('s3'), limit: 2 }).toTable()).numRows).toBe(2);
  });

  it('plans from the manifests the range added: no older manifest and no delete manifest is opened', async () => {
    opened.length = 0;
    expect(await ids({ fromSnapshotId: id('s8'), toSnapshotId: id('s9') })).toEqual([8]);
    const avro = opened.filter((p) => p.endsWith('.avro'));
    const s9 = built.snapshots.find((s) => s.label === 's9')!;
    // s9's manifest list, then only the one manifest s9 added (s9 carries over the older ones).
    expect(avro.length).toBe(2);
    expect(avro[0]!.endsWith(s9.manifestList.slice(s9.manifestList.lastIndexOf('/')))).toBe(true);
    const full = await table.scan().planFiles().forEach(() => undefined).then(() => opened.filter((p) => p.endsWith('.avro')).length - 2);
    expect(full).toBeGreaterThan(2);
  });
});
