import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative as relativePath } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTable } from '../../builder/build-table.ts';
import { isIcebergScanError } from '../../../src/errors.ts';
import { loadTable, versionOf } from '../../../src/table/load-table.ts';
import { minimalMetadataJson } from '../../helpers/minimal-metadata.ts';

const metadata = minimalMetadataJson;

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

describe('loadTable with files outside the table location (add_files, migrations)', () => {
  let external: string;
  let tableDir: string;

  const scanError = async (t: Awaited<ReturnType<typeof loadTable>>): Promise<{ code: string; message: string }> => {
    try {
      await t.scan().toTable();
    } catch (error) {
      return error as { code: string; message: string };
    }
    throw new Error('the scan did not fail');
  };

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'load-table-outside-'));
    external = join(root, 'external');
    tableDir = join(root, 't');
    // The data file is recorded where it really is: outside the table's location, like add_files.
    await buildTable(tableDir, {
      schema: [{ id: 1, name: 'id', type: 'long', required: true }],
      dataLocation: { recorded: external, local: external },
      steps: [{ append: [{ name: 'f', rows: [{ id: 1 }, { id: 2 }, { id: 3 }] }] }],
    });
  });

  it('refuses them by default, naming allowedLocations and --allow-location', async () => {
    const e = await scanError(await loadTable(tableDir));
    expect(e.code).toBe('path_refused');
    expect(e.message).toContain('allowedLocations');
    expect(e.message).toContain('--allow-location');
    expect(e.message).toContain(external);
  });

  it('reads them with allowedLocations naming their prefix', async () => {
    expect((await (await loadTable(tableDir, { allowedLocations: [external] })).scan().toTable()).numRows).toBe(3);
    expect(await (await loadTable(tableDir, { allowedLocations: [`${external}/`] })).scan().count()).toBe(3);
    const relative = relativePath(process.cwd(), external);
    expect((await (await loadTable(tableDir, { allowedLocations: [relative] })).scan().toTable()).numRows).toBe(3);
  });

  it("reads them with '*'", async () => {
    expect((await (await loadTable(tableDir, { allowedLocations: '*' })).scan().toTable()).numRows).toBe(3);
  });

  it('still refuses them under a prefix that only shares a name start or is another folder', async () => {
    for (const prefix of [external.slice(0, -1), `${external}-other`, join(external, 'sub')]) {
      const e = await scanError(await loadTable(tableDir, { allowedLocations: [prefix] }));
      expect(e.code, prefix).toBe('path_refused');
    }
  });

  it('fails fast with invalid_argument for an unusable prefix', async () => {
    await expect(loadTable(tableDir, { allowedLocations: [''] })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(loadTable(tableDir, { allowedLocations: 'all' as never })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
