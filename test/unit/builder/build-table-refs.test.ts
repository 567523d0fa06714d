/**
 * Table builder: branches, tags, rollback, column input, one manifest per file, multi-file position
 * deletes, gzip metadata, outside data locations, truncated bounds and row-lineage columns.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTable } from '../../builder/build-table.ts';
import { gunzipSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { loadTable } from '../../../src/table/load-table.ts';
import { readAvro } from './read-back.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'builder-refs-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const schema = [{ id: 1, name: 'id', type: 'int', required: true }] as const;

describe('refs', () => {
  it('commits to branches without moving main, tags snapshots and rolls back', async () => {
    const t = await buildTable(join(root, 'refs'), {
      schema,
      steps: [
        { label: 'm1', append: [{ rows: [{ id: 1 }] }] },
        { label: 'b1', branch: 'audit', append: [{ rows: [{ id: 2 }] }] },
        { label: 'm2', append: [{ rows: [{ id: 3 }] }] },
        { tag: 'first', snapshot: 'm1' },
        { createBranch: 'copy', snapshot: 'b1' },
        { setCurrent: 'm1' },
      ],
    });
    expect(t.snapshot('b1').parentSnapshotId).toBe(t.snapshot('m1').snapshotId);
    expect(t.snapshot('m2').parentSnapshotId).toBe(t.snapshot('m1').snapshotId);
    expect(t.snapshot('b1').live).toEqual(['b1-data0', 'm1-data0']);
    expect(t.snapshot('m2').live).toEqual(['m2-data0', 'm1-data0']);
    expect(t.snapshots.map((s) => s.sequenceNumber)).toEqual([1, 2, 3]);
    const md = JSON.parse(readFileSync(t.metadataPath, 'utf8'));
    expect(md.refs).toEqual({
      main: { 'snapshot-id': Number(t.snapshot('m1').snapshotId), type: 'branch' },
      audit: { 'snapshot-id': Number(t.snapshot('b1').snapshotId), type: 'branch' },
      first: { 'snapshot-id': Number(t.snapshot('m1').snapshotId), type: 'tag' },
      copy: { 'snapshot-id': Number(t.snapshot('b1').snapshotId), type: 'branch' },
    });
    expect(md['current-snapshot-id']).toBe(Number(t.snapshot('m1').snapshotId));
    // branch commits do not enter the snapshot log; the rollback does
    expect(md['snapshot-log'].map((e: { 'snapshot-id': number }) => e['snapshot-id'])).toEqual(
      [t.snapshot('m1'), t.snapshot('m2'), t.snapshot('m1')].map((s) => Number(s.snapshotId)),
    );
    expect(t.expectedRows('audit').map((r) => r.id)).toEqual([2, 1]);
    expect(t.expectedRows().map((r) => r.id)).toEqual([1]);
  });

  it('refuses to commit to a tag', async () => {
    await expect(
      buildTable(join(root, 'tagcommit'), { schema, steps: [{ append: [{ rows: [{ id: 1 }] }] }, { tag: 't' }, { branch: 't', append: [{ rows: [{ id: 2 }] }] }] }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('inputs and manifests', () => {
  it('accepts columns and writes one manifest per file on request', async () => {
    const t = await buildTable(join(root, 'cols'), {
      schema: [...schema, { id: 2, name: 's', type: 'string' }],
      steps: [{ manifestPerFile: true, append: [{ columns: { id: Int32Array.of(1, 2), s: ['a', null] } }, { columns: { id: [3], s: ['c'] } }, { rows: [{ id: 4 }] }] }],
    });
    const list = await readAvro(t.snapshots[0]!.manifestList);
    expect(list.records.map((r) => Number(r.added_rows_count))).toEqual([2, 1, 1]);
    expect(t.expectedRows().map((r) => [r.id, r.s])).toEqual([
      [1, 'a'],
      [2, null],
      [3, 'c'],
      [4, null],
    ]);
  });

  it('writes one position delete file for several data files, sorted by path then position, without referenced_data_file', async () => {
    const t = await buildTable(join(root, 'multi'), {
      schema,
      steps: [
        { append: [{ name: 'b', rows: [{ id: 1 }, { id: 2 }, { id: 3 }] }, { name: 'a', rows: [{ id: 4 }, { id: 5 }] }] },
        { positionDeletes: [{ name: 'pd', positions: { b: [2, 0], a: [1] } }] },
      ],
    });
    expect(t.files.pd).toMatchObject({ recordCount: 3 });
    expect(t.files.pd!.referencedDataFile).toBeUndefined();
    const bytes = readFileSync(t.files.pd!.localPath);
    const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, compressors });
    expect(rows).toEqual([
      { file_path: t.files.a!.path, pos: 1n },
      { file_path: t.files.b!.path, pos: 0n },
      { file_path: t.files.b!.path, pos: 2n },
    ]);
    expect(t.expectedRows().map((r) => r.id)).toEqual([2, 4]);
  });

  it('can gzip the metadata files', async () => {
    const t = await buildTable(join(root, 'gz'), { schema, gzipMetadata: true, steps: [{ append: [{ rows: [{ id: 1 }] }] }] });
    expect(t.metadataPath.endsWith('v2.gz.metadata.json')).toBe(true);
    expect(JSON.parse(gunzipSync(readFileSync(t.metadataPath)).toString('utf8'))['current-snapshot-id']).toBe(Number(t.currentSnapshotId));
    expect((await (await loadTable(t.dir)).scan().toTable()).numRows).toBe(1);
  });

  it('writes data files outside the table folder when given a data location', async () => {
    const local = join(root, 'outside-data');
    const t = await buildTable(join(root, 'outside'), {
      schema,
      location: '/warehouse/t',
      dataLocation: { recorded: '/warehouse/t_data', local },
      steps: [{ append: [{ name: 'f', rows: [{ id: 1 }] }] }],
    });
    expect(t.files.f).toMatchObject({ path: '/warehouse/t_data/f.parquet', localPath: join(local, 'f.parquet') });
    expect(readFileSync(t.files.f!.localPath).subarray(0, 4).toString()).toBe('PAR1');
    await expect(loadTable(t.dir).then((table) => table.scan().toTable())).rejects.toMatchObject({ code: 'path_refused' });
    const mapped = await loadTable(t.dir, { locationMap: { '/warehouse/t_data': local } });
    expect((await mapped.scan().toTable()).numRows).toBe(1);
  });

  it('rejects default values before format v3', async () => {
    await expect(
      buildTable(join(root, 'v2defaults'), { schema, steps: [{ evolveSchema: { add: [{ name: 'x', type: 'int', initialDefault: 1 }] } }] }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('metrics and lineage options', () => {
  it('truncates string and binary bounds as Java does, rounding upper bounds up', async () => {
    const t = await buildTable(join(root, 'trunc'), {
      schema: [
        { id: 1, name: 's', type: 'string' },
        { id: 2, name: 'b', type: 'binary' },
        { id: 3, name: 'n', type: 'int' },
      ],
      metrics: { truncate: 3 },
      steps: [{ append: [{ rows: [{ s: 'apple pie', b: Uint8Array.of(1, 2, 0xff, 9), n: 5 }, { s: 'zz\u{10ffff}\u{10ffff}', b: Uint8Array.of(0), n: 7 }] }] }],
    });
    const entry = (await readAvro((await readAvro(t.snapshots[0]!.manifestList)).records[0]!.manifest_path as string)).records[0]!;
    const df = entry.data_file as Record<string, { key: number; value: Buffer }[]>;
    const bounds = (m: { key: number; value: Buffer }[]) => Object.fromEntries(m.map((e) => [e.key, e.value]));
    const lower = bounds(df.lower_bounds!);
    const upper = bounds(df.upper_bounds!);
    expect(lower[1]!.toString()).toBe('app');
    expect(upper[1]!.toString()).toBe('z{'); // 'zz' + U+10FFFF cannot grow: the 2nd 'z' becomes '{'
    expect([...lower[2]!]).toEqual([0]);
    expect([...upper[2]!]).toEqual([1, 3]); // [1, 2, 0xff] rounds up to [1, 3]
    expect([lower[3]!.readInt32LE(0), upper[3]!.readInt32LE(0)]).toEqual([5, 7]);
  });

  it('writes v3 row-lineage columns with their reserved field ids', async () => {
    const t = await buildTable(join(root, 'lineage'), {
      formatVersion: 3,
      schema,
      steps: [{ append: [{ name: 'f', rows: [{ id: 1 }, { id: 2 }], rowLineage: { rowIds: [100, null], lastUpdatedSequenceNumbers: [3n, null] } }] }],
    });
    const bytes = readFileSync(t.files.f!.localPath);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const rows = await parquetReadObjects({ file, compressors });
    expect(rows).toEqual([
      { id: 1, _row_id: 100n, _last_updated_sequence_number: 3n },
      { id: 2, _row_id: null, _last_updated_sequence_number: null },
    ]);
    expect(parquetMetadata(file).schema.slice(1).map((s) => s.field_id)).toEqual([1, 2147483540, 2147483539]);
  });
});

describe('nested partition sources', () => {
  it('partitions by a struct child with Java default naming and an Avro-safe field name', async () => {
    const t = await buildTable(join(root, 'nested-part'), {
      schema: [
        { id: 1, name: 'id', type: 'int', required: true },
        { id: 2, name: 'pt', type: { type: 'struct', fields: [{ id: 3, name: 'x', type: 'int', required: false }] } },
      ],
      partitionSpec: [{ source: 'pt.x', transform: 'truncate[10]' }],
      steps: [{ append: [{ name: 'f', rows: [{ id: 1, pt: { x: 11 } }, { id: 2, pt: { x: 19 } }] }, { name: 'g', rows: [{ id: 3, pt: null }] }] }],
    });
    expect(JSON.parse(readFileSync(t.metadataPath, 'utf8'))['partition-specs'][0].fields).toEqual([{ name: 'pt.x_trunc', transform: 'truncate[10]', 'source-id': 3, 'field-id': 1000 }]);
    expect([t.files.f!.partition, t.files.g!.partition]).toEqual([{ 1000: 10 }, { 1000: null }]);
    const manifest = await readAvro((await readAvro(t.snapshots[0]!.manifestList)).records[0]!.manifest_path as string);
    expect(manifest.records.map((e) => (e.data_file as { partition: unknown }).partition)).toEqual([{ pt_x2Ex_trunc: 10 }, { pt_x2Ex_trunc: null }]);
    const list = await readAvro(t.snapshots[0]!.manifestList);
    expect((list.records[0]!.partitions as { contains_null: boolean }[])[0]!.contains_null).toBe(true);
  });
});
