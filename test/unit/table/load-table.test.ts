import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../../src/errors.ts';
import { loadTable, versionOf } from '../../../src/table/load-table.ts';

function metadata(updated: number, location = 's3://b/t'): string {
  return JSON.stringify({
    'format-version': 2,
    'table-uuid': 'u',
    location,
    'last-sequence-number': 0,
    'last-updated-ms': updated,
    'last-column-id': 1,
    'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: false, type: 'int' }] }],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }],
    'last-partition-id': 999,
    properties: { updated: String(updated) },
  });
}

function table(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'load-table-'));
  mkdirSync(join(dir, 'metadata'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, 'metadata', name), content);
  return dir;
}

const updatedOf = async (location: string) => (await loadTable(location)).properties().updated;

describe('loadTable', () => {
  it('follows a numeric version-hint', async () => {
    const dir = table({ 'version-hint.text': '2\n', 'v1.metadata.json': metadata(1), 'v2.metadata.json': metadata(2), 'v3.metadata.json': metadata(3) });
    expect(await updatedOf(dir)).toBe('2');
  });

  it('follows a version-hint that names a file stem', async () => {
    const dir = table({ 'version-hint.text': '00001-abc', '00001-abc.metadata.json': metadata(7), '00002-def.metadata.json': metadata(8) });
    expect(await updatedOf(dir)).toBe('7');
  });

  it('takes the highest version without a hint (or with an empty one)', async () => {
    expect(await updatedOf(table({ 'v9.metadata.json': metadata(9), 'v10.metadata.json': metadata(10) }))).toBe('10');
    expect(await updatedOf(table({ 'version-hint.text': '', '00001-a.metadata.json': metadata(1), '00003-b.metadata.json': metadata(3) }))).toBe('3');
  });

  it('picks the newest valid file by last-updated-ms when names carry no version', async () => {
    const dir = table({ 'vfinal.metadata.json': metadata(50), 'v1.metadata.json': metadata(5), 'v0.metadata.json': '{"broken": true}' });
    expect(await updatedOf(dir)).toBe('50');
  });

  it('reads gzip metadata, by hint and directly', async () => {
    const dir = table({ 'version-hint.text': '1', 'v1.gz.metadata.json': gzipSync(metadata(11)) });
    expect(await updatedOf(dir)).toBe('11');
    expect(await updatedOf(join(dir, 'metadata', 'v1.gz.metadata.json'))).toBe('11');
  });

  it('loads a metadata file directly and roots the table at its folder', async () => {
    const dir = table({ 'v1.metadata.json': metadata(1, 's3://b/t') });
    const t = await loadTable(join(dir, 'metadata', 'v1.metadata.json'));
    expect(t.io.resolve('s3://b/t/data/x.parquet')).toBe(join(dir, 'data', 'x.parquet'));
    expect(t.snapshots()).toEqual([]);
    expect(t.schema().fields.map((f) => f.name)).toEqual(['a']);
  });

  it('fails with not_found for a folder without metadata, and data_invalid for a broken file', async () => {
    const empty = table({});
    const e1 = await loadTable(empty).catch((e: unknown) => e);
    expect(isIcebergScanError(e1) && e1.code).toBe('not_found');
    const broken = table({ 'v1.metadata.json': '{"format-version": 2}' });
    const e2 = await loadTable(broken).catch((e: unknown) => e);
    expect(isIcebergScanError(e2) && e2.code).toBe('data_invalid');
    expect((e2 as { path: string }).path).toBe(join(broken, 'metadata', 'v1.metadata.json'));
  });

  it('parses versions from metadata file names', () => {
    expect(versionOf('v12.metadata.json')).toBe(12);
    expect(versionOf('v3.gz.metadata.json')).toBe(3);
    expect(versionOf('00004-v3-upgraded.metadata.json')).toBe(4);
    expect(versionOf('vfinal.metadata.json')).toBeUndefined();
  });
});
