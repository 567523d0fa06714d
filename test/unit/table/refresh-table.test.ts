import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../../src/errors.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import { loadTable } from '../../../src/table/load-table.ts';
import { Table } from '../../../src/table/table.ts';
import { minimalMetadataJson } from '../../helpers/minimal-metadata.ts';

const metadata = minimalMetadataJson;

/** A table folder whose metadata/ holds `v1.metadata.json` … `vN.metadata.json`, hinted at N. */
function tableFolder(versions: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'refresh-table-'));
  mkdirSync(join(dir, 'metadata'));
  for (let v = 1; v <= versions; v++) commit(dir, v);
  return dir;
}

/** Writes version `v` the way a committer does: the file, then the hint (each replaced atomically). */
function commit(dir: string, v: number): void {
  writeFileSync(join(dir, 'metadata', `v${v}.metadata.json`), metadata(v));
  writeFileSync(join(dir, 'metadata', 'version-hint.tmp'), `${v}\n`);
  renameSync(join(dir, 'metadata', 'version-hint.tmp'), join(dir, 'metadata', 'version-hint.text'));
}

describe('Table.refresh', () => {
  it('sees a commit made after a table folder was loaded, and leaves the loaded table as it was', async () => {
    const dir = tableFolder(1);
    const before = await loadTable(dir);
    commit(dir, 2);
    const after = await before.refresh();
    expect(after.properties().updated).toBe('2');
    expect(after.metadataLocation).toBe(join(dir, 'metadata', 'v2.metadata.json'));
    expect(before.properties().updated).toBe('1');
    expect((await after.refresh()).properties().updated).toBe('2');
  });

  it('from a table loaded by one metadata file, reads its metadata folder for the current version', async () => {
    const dir = tableFolder(3);
    const old = await loadTable(join(dir, 'metadata', 'v1.metadata.json'));
    expect(old.properties().updated).toBe('1');
    expect((await old.refresh()).properties().updated).toBe('3');
  });

  it('re-reads a metadata file kept outside a metadata/ folder as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refresh-loose-'));
    const file = join(dir, 'snapshot.metadata.json');
    writeFileSync(file, metadata(5));
    const t = await loadTable(file);
    writeFileSync(file, metadata(6));
    expect((await t.refresh()).properties().updated).toBe('6');
  });

  it('reads the new version through the FileIO of the first load', async () => {
    const dir = tableFolder(1);
    const opened: string[] = [];
    const local = new LocalFileIO();
    const io = { newInputFile: (location: string) => (opened.push(location), local.newInputFile(location)) };
    const t = await loadTable(dir, { io });
    commit(dir, 2);
    opened.length = 0;
    expect((await t.refresh()).properties().updated).toBe('2');
    expect(opened).toContain(join(dir, 'metadata', 'v2.metadata.json'));
  });

  it('fails with invalid_argument for a table constructed without a source', async () => {
    const loaded = await loadTable(tableFolder(1));
    const bare = new Table(loaded.metadata, loaded.io, loaded.metadataLocation);
    const error = await bare.refresh().catch((e: unknown) => e);
    expect(isIcebergScanError(error) && error.code).toBe('invalid_argument');
  });

  it('passes its signal to the reload', async () => {
    const t = await loadTable(tableFolder(1));
    const controller = new AbortController();
    controller.abort();
    const error = await t.refresh(controller.signal).catch((e: unknown) => e);
    expect(isIcebergScanError(error) && error.code).toBe('aborted');
  });
});
