/**
 * Table builder: format v1 and v3 tables (row lineage, deletion vectors, upgrade from v2), schema
 * evolution, files without field ids, generated tables and output options.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../../src/table/load-table.ts';
import { buildTable } from '../../builder/build-table.ts';
import { decodeDeletionVector, parquetFooter, puffinFooter, readAvro } from './read-back.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'builder-versions-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const ints = (rows: Record<string, unknown>[], key: string) => rows.map((r) => Number(r[key])).sort((a, b) => a - b);

describe('format v1', () => {
  it('writes v1 metadata, manifest lists and manifests without sequence numbers', async () => {
    const t = await buildTable(join(root, 'v1'), {
      formatVersion: 1,
      schema: [
        { id: 1, name: 'id', type: 'int', required: true },
        { id: 2, name: 'cat', type: 'string' },
      ],
      partitionSpec: [{ source: 'cat', transform: 'identity' }],
      steps: [{ append: [{ rows: [{ id: 1, cat: 'a' }] }, { rows: [{ id: 2, cat: 'b' }] }] }, { append: [{ rows: [{ id: 3, cat: 'a' }] }] }],
    });
    const md = json(t.metadataPath);
    expect(md['format-version']).toBe(1);
    expect(md).not.toHaveProperty(['last-sequence-number']);
    expect(md.schema.fields).toHaveLength(2);
    expect(md['partition-spec']).toEqual([{ name: 'cat', transform: 'identity', 'source-id': 2, 'field-id': 1000 }]);
    expect(md.snapshots.every((s: object) => !('sequence-number' in s))).toBe(true);
    const list = await readAvro(t.snapshots[1]!.manifestList);
    expect(list.meta).not.toHaveProperty(['sequence-number']);
    expect(list.records.map((r) => [r.added_snapshot_id, r.added_files_count, 'content' in r, 'sequence_number' in r])).toEqual([
      [t.snapshots[1]!.snapshotId, 1, false, false],
      [t.snapshots[0]!.snapshotId, 2, false, false],
    ]);
    const entries = (await readAvro(list.records[1]!.manifest_path as string)).records;
    expect(entries.map((e) => [e.status, e.snapshot_id, (e.data_file as { block_size_in_bytes: bigint }).block_size_in_bytes, 'content' in (e.data_file as object)])).toEqual([
      [1, t.snapshots[0]!.snapshotId, 67108864n, false],
      [1, t.snapshots[0]!.snapshotId, 67108864n, false],
    ]);
    expect(t.files['s1-data0']!.sequenceNumber).toBe(0);
    const table = await loadTable(t.dir);
    expect(ints((await table.scan().toTable()).toArray(), 'id')).toEqual([1, 2, 3]);
  });

  it('rejects delete files in v1 tables', async () => {
    await expect(
      buildTable(join(root, 'v1-bad'), {
        formatVersion: 1,
        schema: [{ id: 1, name: 'id', type: 'int' }],
        steps: [{ append: [{ name: 'f', rows: [{ id: 1 }] }] }, { positionDeletes: [{ positions: { f: [0] } }] }],
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('format v3', () => {
  it('assigns row ids (snapshot first-row-id, manifest first_row_id, next-row-id)', async () => {
    const t = await buildTable(join(root, 'v3'), {
      formatVersion: 3,
      schema: [{ id: 1, name: 'id', type: 'long', required: true }],
      steps: [
        { label: 'a', append: [{ name: 'f1', rows: [{ id: 1 }, { id: 2 }] }, { name: 'f2', rows: [{ id: 3 }] }] },
        { label: 'b', append: [{ name: 'f3', rows: [{ id: 4 }, { id: 5 }, { id: 6 }] }] },
      ],
    });
    const md = json(t.metadataPath);
    expect(md['next-row-id']).toBe(6);
    expect(md.snapshots.map((s: Record<string, number>) => [s['first-row-id'], s['added-rows']])).toEqual([
      [0, 3],
      [3, 3],
    ]);
    const list = await readAvro(t.snapshot('b').manifestList);
    expect(list.meta['first-row-id']).toBe('3');
    expect(list.records.map((r) => r.first_row_id)).toEqual([3n, 0n]);
    const entries = (await readAvro(list.records[1]!.manifest_path as string)).records;
    expect(entries.map((e) => (e.data_file as { first_row_id: unknown }).first_row_id)).toEqual([null, null]); // inherited
    expect([t.files.f1!.firstRowId, t.files.f2!.firstRowId, t.files.f3!.firstRowId]).toEqual([0, 2, 3]);
  });

  it('upgrades a v2 table with position deletes and adds deletion vectors that supersede them', async () => {
    const t = await buildTable(join(root, 'v2to3'), {
      formatVersion: 2,
      schema: [{ id: 1, name: 'id', type: 'int', required: true }],
      steps: [
        { label: 'data', append: [{ name: 'f1', rows: [0, 1, 2, 3, 4, 5].map((id) => ({ id })) }, { name: 'f2', rows: [{ id: 10 }] }] },
        { label: 'pos', positionDeletes: [{ name: 'pd', positions: { f1: [0] } }] },
        { upgradeFormatVersion: 3 },
        { label: 'dv1', deletionVectors: [{ dataFile: 'f1', positions: [1] }] },
        { label: 'dv2', deletionVectors: [{ dataFile: 'f1', positions: [2] }, { dataFile: 'f2', positions: [0] }] },
      ],
    });
    expect(json(t.metadataPath)['format-version']).toBe(3);
    // the first v3 snapshot assigns row ids to the carried-over data manifest
    expect(t.snapshot('dv1').firstRowId).toBe(0);
    expect(t.files.f2!.firstRowId).toBe(6);
    // a new DV keeps older deletes of its data file and replaces the older DV
    expect(t.snapshot('dv2').removed).toEqual(['dv1-dv0-f1']);
    const dv = t.files['dv2-dv0-f1']!;
    expect(dv).toMatchObject({ format: 'puffin', recordCount: 3, referencedDataFile: t.files.f1!.path, content: 'deletion_vector' });
    const puffin = readFileSync(dv.localPath);
    const footer = puffinFooter(puffin);
    expect(footer.blobs.map((b) => [b.offset, b.length, (b.properties as Record<string, string>)['referenced-data-file']])).toEqual([
      [dv.contentOffset, dv.contentSizeInBytes, t.files.f1!.path],
      [t.files['dv2-dv0-f2']!.contentOffset, t.files['dv2-dv0-f2']!.contentSizeInBytes, t.files.f2!.path],
    ]);
    const blob = decodeDeletionVector(puffin.subarray(dv.contentOffset!, dv.contentOffset! + dv.contentSizeInBytes!));
    expect(blob.positions).toEqual([0n, 1n, 2n]);
    expect(blob.storedCrc).toBe(crc32(blob.body));
    const list = await readAvro(t.snapshot('dv2').manifestList);
    const deleteManifests = list.records.filter((r) => r.content === 1);
    const dvEntries = (await readAvro(deleteManifests[0]!.manifest_path as string)).records.map((e) => e.data_file as Record<string, unknown>);
    expect(dvEntries.map((f) => [f.file_format, f.content, f.record_count, f.content_offset, f.content_size_in_bytes, f.referenced_data_file])).toEqual([
      ['PUFFIN', 1, 3n, BigInt(dv.contentOffset!), BigInt(dv.contentSizeInBytes!), t.files.f1!.path],
      ['PUFFIN', 1, 1n, BigInt(t.files['dv2-dv0-f2']!.contentOffset!), 42n, t.files.f2!.path],
    ]);
    const table = await loadTable(t.dir);
    expect(ints((await table.scan().toTable()).toArray(), 'id')).toEqual([3, 4, 5]);
    expect(ints((await table.scan({ snapshotId: t.snapshot('dv1').snapshotId }).toTable()).toArray(), 'id')).toEqual([2, 3, 4, 5, 10]);
  });

  it('can write a DV that does not repeat older position deletes (mergeExisting: false)', async () => {
    const t = await buildTable(join(root, 'nomerge'), {
      formatVersion: 2,
      schema: [{ id: 1, name: 'id', type: 'int' }],
      steps: [
        { append: [{ name: 'f', rows: [{ id: 0 }, { id: 1 }] }] },
        { positionDeletes: [{ positions: { f: [0] } }] },
        { upgradeFormatVersion: 3 },
        { deletionVectors: [{ dataFile: 'f', positions: [1], mergeExisting: false }] },
      ],
    });
    const dv = Object.values(t.files).find((f) => f.content === 'deletion_vector')!;
    expect(dv.recordCount).toBe(1);
  });
});

describe('schema evolution and name mapping', () => {
  it('keeps old files on their schema and records every schema', async () => {
    const t = await buildTable(join(root, 'evolve'), {
      formatVersion: 3,
      schema: [
        { id: 1, name: 'id', type: 'int', required: true },
        { id: 2, name: 'v', type: 'float' },
        { id: 3, name: 'gone', type: 'string' },
      ],
      steps: [
        { append: [{ name: 'old', rows: [{ id: 1, v: 1.5, gone: 'x' }] }] },
        { evolveSchema: { add: [{ name: 'extra', type: 'string', initialDefault: 'dflt' }], rename: { v: 'val' }, promote: { id: 'long', v: 'double' }, drop: ['gone'] } },
        { append: [{ name: 'new', rows: [{ id: 2, val: 2.5 }] }] },
      ],
    });
    const md = json(t.metadataPath);
    expect(md['current-schema-id']).toBe(1);
    expect(md['last-column-id']).toBe(4);
    expect(md.schemas[1].fields).toEqual([
      { id: 1, name: 'id', required: true, type: 'long' },
      { id: 2, name: 'val', required: false, type: 'double' },
      { id: 4, name: 'extra', required: false, type: 'string', 'initial-default': 'dflt', 'write-default': 'dflt' },
    ]);
    expect(md.snapshots.map((s: { 'schema-id': number }) => s['schema-id'])).toEqual([0, 1]);
    expect(parquetFooter(t.files.old!.localPath).schema.map((s) => s.name)).toEqual(['arrow_schema', 'id', 'v', 'gone']);
    // the new file takes the write default for the missing column
    const footer = parquetFooter(t.files.new!.localPath);
    expect(footer.schema.map((s) => [s.name, s.type])).toEqual([['arrow_schema', undefined], ['id', 'INT64'], ['val', 'DOUBLE'], ['extra', 'BYTE_ARRAY']]);
  });

  it('writes files without field ids under other names, with a name mapping', async () => {
    const t = await buildTable(join(root, 'noids'), {
      schema: [
        { id: 1, name: 'id', type: 'int', required: true },
        { id: 2, name: 'pt', type: { type: 'struct', fields: [{ id: 3, name: 'x', type: 'double', required: false }] } },
      ],
      steps: [{ append: [{ name: 'f', withoutFieldIds: true, fileColumnNames: { id: 'ID' }, rows: [{ id: 7, pt: { x: 1 } }] }] }],
    });
    const footer = parquetFooter(t.files.f!.localPath);
    expect(footer.schema.map((s) => [s.name, s.field_id])).toEqual([['arrow_schema', undefined], ['ID', undefined], ['pt', undefined], ['x', undefined]]);
    const md = json(t.metadataPath);
    expect(JSON.parse(md.properties['schema.name-mapping.default'])).toEqual([
      { 'field-id': 1, names: ['id', 'ID'] },
      { 'field-id': 2, names: ['pt'], fields: [{ 'field-id': 3, names: ['x'] }] },
    ]);
    const table = await loadTable(t.dir);
    expect((await table.scan({ select: ['id'] }).toTable()).toArray().map((r) => r.id)).toEqual([7]);
  });
});

describe('generated tables and output options', () => {
  it('writes batches from a generator into several row groups with exact metrics', async () => {
    const batchRows = 50_000;
    const t = await buildTable(join(root, 'gen'), {
      schema: [
        { id: 1, name: 'id', type: 'long', required: true },
        { id: 2, name: 'x', type: 'double', required: true },
        { id: 3, name: 's', type: 'string' },
      ],
      compression: 'snappy',
      steps: [
        {
          append: [
            {
              name: 'big',
              rowGroupSize: 60_000,
              generate: {
                batches: 4,
                batch: (b) => {
                  const id = new BigInt64Array(batchRows);
                  const x = new Float64Array(batchRows);
                  const s = new Array<string | null>(batchRows);
                  for (let i = 0; i < batchRows; i++) {
                    const n = b * batchRows + i;
                    id[i] = BigInt(n);
                    x[i] = n / 2;
                    s[i] = n % 10 === 0 ? null : `s${n % 7}`;
                  }
                  return { id, x, s };
                },
              },
            },
          ],
        },
      ],
    });
    const f = t.files.big!;
    expect(f.recordCount).toBe(200_000);
    expect(f.rowGroups).toBe(4);
    const footer = parquetFooter(f.localPath);
    expect(footer.row_groups.map((rg) => Number(rg.num_rows))).toEqual([60_000, 60_000, 60_000, 20_000]);
    expect(footer.row_groups[0]!.columns[0]!.meta_data!.codec).toBe('SNAPPY');
    const entry = (await readAvro((await readAvro(t.snapshots[0]!.manifestList)).records[0]!.manifest_path as string)).records[0]!;
    const df = entry.data_file as Record<string, { key: number; value: Buffer | bigint }[]>;
    const bound = (m: { key: number; value: Buffer | bigint }[], k: number) => m.find((e) => e.key === k)!.value;
    expect((bound(df.upper_bounds!, 1) as Buffer).readBigInt64LE(0)).toBe(199_999n);
    expect((bound(df.upper_bounds!, 2) as Buffer).readDoubleLE(0)).toBe(99_999.5);
    expect((bound(df.lower_bounds!, 3) as Buffer).toString()).toBe('s0');
    expect(bound(df.null_value_counts!, 3)).toBe(20_000n);
  });

  it('supports uuid metadata names, the null codec, large snapshot ids and a foreign location', async () => {
    const t = await buildTable(join(root, 'opts'), {
      schema: [{ id: 1, name: 'id', type: 'int' }],
      metadataNaming: 'uuid',
      manifestCodec: 'null',
      largeSnapshotIds: true,
      location: 's3://bucket/warehouse/opts',
      steps: [{ append: [{ rows: [{ id: 1 }] }] }],
    });
    const names = readdirSync(join(t.dir, 'metadata')).filter((n) => n.endsWith('.metadata.json'));
    expect(names.every((n) => /^\d{5}-[0-9a-f-]{36}\.metadata\.json$/.test(n))).toBe(true);
    expect(existsSync(join(t.dir, 'metadata', 'version-hint.text'))).toBe(false);
    expect(t.snapshots[0]!.snapshotId > 2n ** 53n).toBe(true);
    const text = readFileSync(t.metadataPath, 'utf8');
    expect(text).toContain(`"current-snapshot-id": ${t.snapshots[0]!.snapshotId}`); // exact, not rounded
    expect(t.files['s1-data0']!.path).toMatch(/^s3:\/\/bucket\/warehouse\/opts\/data\//);
    const localList = t.snapshots[0]!.manifestList.replace('s3://bucket/warehouse/opts', t.dir);
    const list = await readAvro(localList);
    expect(list.meta['avro.codec']).toBe('null');
    expect(list.records[0]!.added_snapshot_id).toBe(t.snapshots[0]!.snapshotId);
    const table = await loadTable(t.dir);
    expect((await table.scan().toTable()).numRows).toBe(1);
  });

  it('is deterministic for a given seed', async () => {
    const d = { schema: [{ id: 1, name: 'id', type: 'int' }], seed: 42, steps: [{ append: [{ rows: [{ id: 1 }] }] }] } as const;
    const a = await buildTable(join(root, 'seed-a'), d);
    const b = await buildTable(join(root, 'seed-b'), d);
    expect(a.snapshots[0]!.snapshotId).toBe(b.snapshots[0]!.snapshotId);
    expect(a.snapshots[0]!.manifestList.split('/').pop()).toBe(b.snapshots[0]!.manifestList.split('/').pop());
  });
});
