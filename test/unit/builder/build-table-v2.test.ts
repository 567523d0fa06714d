/**
 * Table builder, format v2: metadata JSON, manifest lists, manifests, Parquet data files and
 * position/equality delete files, read back with avsc and hyparquet, then loaded and scanned.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../../src/table/load-table.ts';
import { buildTable } from '../../builder/build-table.ts';
import type { BuiltTable } from '../../builder/table-description.ts';
import { parquetFooter, readAvro } from './read-back.ts';

const schema = [
  { id: 1, name: 'id', type: 'long', required: true },
  { id: 2, name: 'name', type: 'string' },
  { id: 3, name: 'ts', type: 'timestamptz' },
  { id: 4, name: 'score', type: 'double' },
  { id: 5, name: 'tags', type: { type: 'list', elementId: 6, elementRequired: false, element: 'string' } },
  { id: 7, name: 'point', type: { type: 'struct', fields: [{ id: 8, name: 'x', type: 'int', required: false }] } },
] as const;

let root: string;
let t: BuiltTable;

const le64 = (b: Buffer | Uint8Array) => Buffer.from(b).readBigInt64LE(0);
const metadata = (n: number) => JSON.parse(readFileSync(join(root, 'metadata', `v${n}.metadata.json`), 'utf8'));
const localOf = (recorded: string) => recorded; // the table records its own absolute folder

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'builder-v2-'));
  t = await buildTable(root, {
    schema,
    partitionSpec: [{ source: 'ts', transform: 'day' }],
    properties: { owner: 'tests' },
    steps: [
      {
        label: 'first',
        append: [
          {
            name: 'a',
            rowGroupSize: 2,
            rows: [
              { id: 1, name: 'one', ts: '2024-01-01T01:00:00Z', score: 1.5, tags: ['x'], point: { x: 1 } },
              { id: 2, name: null, ts: '2024-01-01T02:00:00Z', score: NaN, tags: [], point: null },
              { id: 3, name: 'three', ts: '2024-01-01T03:00:00Z', score: -0.5, tags: null, point: { x: 3 } },
            ],
          },
          { name: 'b', rows: [{ id: 10, name: 'ten', ts: '2024-01-02T00:00:00Z', score: 10 }] },
        ],
      },
      {
        label: 'deletes',
        positionDeletes: [{ name: 'pd', positions: { a: [2, 0] } }],
        equalityDeletes: [{ name: 'eq', equalityIds: ['id'], rows: [{ id: 10, ts: '2024-01-02T05:00:00Z' }] }],
      },
      { tag: 'before-removal', snapshot: 'deletes' },
      { label: 'removal', removeFiles: ['b'] },
    ],
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('v2 table metadata', () => {
  it('writes one metadata file per step with the required v2 fields', () => {
    expect(t.metadataFiles.map((p) => p.split('/').pop())).toEqual(['v1.metadata.json', 'v2.metadata.json', 'v3.metadata.json', 'v4.metadata.json', 'v5.metadata.json']);
    expect(readFileSync(join(root, 'metadata', 'version-hint.text'), 'utf8')).toBe('5');
    const md = metadata(5);
    for (const key of ['format-version', 'table-uuid', 'location', 'last-sequence-number', 'last-updated-ms', 'last-column-id', 'schemas', 'current-schema-id', 'partition-specs', 'default-spec-id', 'last-partition-id', 'sort-orders', 'default-sort-order-id']) {
      expect(md, key).toHaveProperty([key]);
    }
    expect(md).not.toHaveProperty(['schema']);
    expect(md['format-version']).toBe(2);
    expect(md['last-sequence-number']).toBe(3);
    expect(md['last-column-id']).toBe(8);
    expect(md['partition-specs']).toEqual([{ 'spec-id': 0, fields: [{ name: 'ts_day', transform: 'day', 'source-id': 3, 'field-id': 1000 }] }]);
    expect(md['last-partition-id']).toBe(1000);
    expect(md.properties).toEqual({ owner: 'tests' });
    expect(md.snapshots.map((s: { 'sequence-number': number }) => s['sequence-number'])).toEqual([1, 2, 3]);
    expect(md.snapshots.map((s: { summary: { operation: string } }) => s.summary.operation)).toEqual(['append', 'delete', 'delete']);
    expect(md.refs).toEqual({
      main: { 'snapshot-id': Number(t.snapshot('removal').snapshotId), type: 'branch' },
      'before-removal': { 'snapshot-id': Number(t.snapshot('deletes').snapshotId), type: 'tag' },
    });
    expect(md['current-snapshot-id']).toBe(Number(t.currentSnapshotId));
    expect(md['snapshot-log'].map((e: { 'snapshot-id': number }) => e['snapshot-id'])).toEqual(t.snapshots.map((s) => Number(s.snapshotId)));
    expect(md['metadata-log']).toHaveLength(4);
    expect(md.snapshots[1]['parent-snapshot-id']).toBe(md.snapshots[0]['snapshot-id']);
  });

  it('summarises snapshots', () => {
    const md = metadata(5);
    expect(md.snapshots[0].summary).toMatchObject({ 'added-data-files': '2', 'added-records': '4', 'total-records': '4', 'total-data-files': '2' });
    expect(md.snapshots[1].summary).toMatchObject({ 'added-delete-files': '2', 'added-position-delete-files': '1', 'added-equality-delete-files': '1', 'added-position-deletes': '2', 'total-delete-files': '2' });
    expect(md.snapshots[2].summary).toMatchObject({ 'deleted-data-files': '1', 'deleted-records': '1', 'total-records': '3' });
  });
});

describe('v2 manifest lists and manifests', () => {
  it('lists new manifests with sequence numbers, counts and partition summaries', async () => {
    const list = await readAvro(localOf(t.snapshot('first').manifestList));
    expect(list.meta).toMatchObject({ 'snapshot-id': String(t.snapshot('first').snapshotId), 'parent-snapshot-id': 'null', 'sequence-number': '1', 'format-version': '2' });
    expect(list.records).toHaveLength(1);
    const m = list.records[0]!;
    expect(m).toMatchObject({ content: 0, sequence_number: 1n, min_sequence_number: 1n, added_files_count: 1 + 1, existing_files_count: 0, deleted_files_count: 0, added_rows_count: 4n });
    const [summary] = m.partitions as { contains_null: boolean; lower_bound: Buffer; upper_bound: Buffer }[];
    expect(summary!.contains_null).toBe(false);
    expect(summary!.lower_bound.readInt32LE(0)).toBe(19723); // 2024-01-01
    expect(summary!.upper_bound.readInt32LE(0)).toBe(19724);
    expect(statSync(m.manifest_path as string).size).toBe(Number(m.manifest_length));
  });

  it('writes ADDED entries that inherit sequence numbers, with metrics and partition values', async () => {
    const list = await readAvro(t.snapshot('first').manifestList);
    const manifest = await readAvro(list.records[0]!.manifest_path as string);
    expect(manifest.meta).toMatchObject({ 'format-version': '2', content: 'data', 'partition-spec-id': '0', 'schema-id': '0' });
    expect(JSON.parse(manifest.meta['partition-spec']!)).toEqual([{ name: 'ts_day', transform: 'day', 'source-id': 3, 'field-id': 1000 }]);
    expect(JSON.parse(manifest.meta.schema!).fields).toHaveLength(6);
    const entries = manifest.records as { status: number; snapshot_id: bigint; sequence_number: unknown; file_sequence_number: unknown; data_file: Record<string, unknown> }[];
    expect(entries.map((e) => [e.status, e.sequence_number, e.file_sequence_number, e.snapshot_id])).toEqual([
      [1, null, null, t.snapshot('first').snapshotId],
      [1, null, null, t.snapshot('first').snapshotId],
    ]);
    const a = entries[0]!.data_file;
    expect(a).toMatchObject({ content: 0, file_path: t.files.a!.path, file_format: 'PARQUET', partition: { ts_day: 19723 }, record_count: 3n });
    expect(Number(a.file_size_in_bytes)).toBe(statSync(t.files.a!.localPath).size);
    const kv = (m: unknown) => Object.fromEntries((m as { key: number; value: unknown }[]).map((x) => [x.key, x.value]));
    expect(kv(a.value_counts)).toEqual({ 1: 3n, 2: 3n, 3: 3n, 4: 3n, 8: 3n });
    expect(kv(a.null_value_counts)).toEqual({ 1: 0n, 2: 1n, 3: 0n, 4: 0n, 8: 1n });
    expect(kv(a.nan_value_counts)).toEqual({ 4: 1n });
    const lower = kv(a.lower_bounds) as Record<number, Buffer>;
    const upper = kv(a.upper_bounds) as Record<number, Buffer>;
    expect([le64(lower[1]!), le64(upper[1]!)]).toEqual([1n, 3n]);
    expect([lower[2]!.toString(), upper[2]!.toString()]).toEqual(['one', 'three']);
    expect([lower[4]!.readDoubleLE(0), upper[4]!.readDoubleLE(0)]).toEqual([-0.5, 1.5]);
    expect([lower[8]!.readInt32LE(0), upper[8]!.readInt32LE(0)]).toEqual([1, 3]);
    expect(le64(lower[3]!)).toBe(1704070800000000n);
    expect(Object.keys(kv(a.column_sizes)).map(Number).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 6, 8]);
    expect((a.split_offsets as bigint[]).length).toBe(2); // two row groups
  });

  it('puts delete files in a delete manifest with referenced data file and equality ids', async () => {
    const list = await readAvro(t.snapshot('deletes').manifestList);
    expect(list.records.map((r) => [r.content, r.sequence_number, r.added_snapshot_id])).toEqual([
      [1, 2n, t.snapshot('deletes').snapshotId],
      [0, 1n, t.snapshot('first').snapshotId], // carried over unchanged
    ]);
    const deletes = await readAvro(list.records[0]!.manifest_path as string);
    expect(deletes.meta.content).toBe('deletes');
    const files = deletes.records.map((e) => e.data_file as Record<string, unknown>);
    expect(files.map((f) => [f.content, f.record_count, f.referenced_data_file, f.equality_ids])).toEqual([
      [1, 2n, t.files.a!.path, null],
      [2, 1n, null, [1]],
    ]);
    expect(files[1]!.partition).toEqual({ ts_day: 19724 });
  });

  it('rewrites a manifest that loses a file: DELETED and EXISTING entries carry explicit sequence numbers', async () => {
    const list = await readAvro(t.snapshot('removal').manifestList);
    const rewritten = list.records.find((r) => r.content === 0)!;
    expect(rewritten).toMatchObject({ added_snapshot_id: t.snapshot('removal').snapshotId, sequence_number: 3n, min_sequence_number: 1n, existing_files_count: 1, deleted_files_count: 1, added_files_count: 0 });
    const entries = (await readAvro(rewritten.manifest_path as string)).records;
    expect(entries.map((e) => [(e.data_file as { file_path: string }).file_path, e.status, e.snapshot_id, e.sequence_number, e.file_sequence_number])).toEqual([
      [t.files.a!.path, 0, t.snapshot('first').snapshotId, 1n, 1n],
      [t.files.b!.path, 2, t.snapshot('removal').snapshotId, 1n, 1n],
    ]);
    expect(t.snapshot('removal').live).toEqual(['pd', 'eq', 'a']);
  });
});

describe('v2 Parquet files', () => {
  it('carry field ids on every column, nested ones included, and several row groups', () => {
    const footer = parquetFooter(t.files.a!.localPath);
    expect(footer.schema.map((s) => [s.name, s.field_id])).toEqual([
      ['arrow_schema', undefined],
      ['id', 1],
      ['name', 2],
      ['ts', 3],
      ['score', 4],
      ['tags', 5],
      ['list', undefined],
      ['element', 6],
      ['point', 7],
      ['x', 8],
    ]);
    expect(footer.schema[1]!.repetition_type).toBe('REQUIRED');
    expect(footer.row_groups.map((rg) => Number(rg.num_rows))).toEqual([2, 1]);
    const kv = Object.fromEntries((footer.key_value_metadata ?? []).map((e) => [e.key, e.value]));
    expect(JSON.parse(kv['iceberg.schema']!)).toMatchObject({ type: 'struct', 'schema-id': 0 });
  });

  it('write position deletes with the reserved field ids, sorted by position', () => {
    const footer = parquetFooter(t.files.pd!.localPath);
    expect(footer.schema.slice(1).map((s) => [s.name, s.field_id, s.repetition_type])).toEqual([
      ['file_path', 2147483546, 'REQUIRED'],
      ['pos', 2147483545, 'REQUIRED'],
    ]);
    expect(t.files.pd).toMatchObject({ recordCount: 2, referencedDataFile: t.files.a!.path, sequenceNumber: 2, partition: { 1000: 19723 } });
  });
});

describe('v2 round trip through loadTable', () => {
  it('scans the current snapshot with position and equality deletes applied', async () => {
    const table = await loadTable(root);
    const rows = (await table.scan({ select: ['id', 'name'] }).toTable()).toArray().map((r) => ({ id: Number(r.id), name: r.name }));
    expect(rows).toEqual([{ id: 2, name: null }]);
  });

  it('scans the tag before the removal: the equality delete removes id 10', async () => {
    const table = await loadTable(root);
    const ids = (await table.scan({ ref: 'before-removal', select: ['id'] }).toTable()).toArray().map((r) => Number(r.id));
    expect(ids.sort((x, y) => x - y)).toEqual([2]);
    const first = (await table.scan({ snapshotId: t.snapshot('first').snapshotId, select: ['id'] }).toTable()).toArray().map((r) => Number(r.id));
    expect(first.sort((x, y) => x - y)).toEqual([1, 2, 3, 10]);
  });
});

describe('description errors', () => {
  it('reject rows of several partitions, unknown columns and unknown targets with invalid_argument', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'builder-bad-'));
    try {
      const base = { schema, partitionSpec: [{ source: 'ts', transform: 'day' }] } as const;
      await expect(
        buildTable(join(dir, '1'), { ...base, steps: [{ append: [{ rows: [{ id: 1, ts: '2024-01-01T00:00:00Z' }, { id: 2, ts: '2024-01-03T00:00:00Z' }] }] }] }),
      ).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(buildTable(join(dir, '2'), { ...base, steps: [{ append: [{ rows: [{ id: 1, nope: 1 }] }] }] })).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(buildTable(join(dir, '3'), { ...base, steps: [{ positionDeletes: [{ positions: { missing: [0] } }] }] })).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(buildTable(join(dir, '4'), { ...base, steps: [{ append: [{ rows: [{ id: null }] }] }] })).rejects.toMatchObject({ code: 'invalid_argument' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
