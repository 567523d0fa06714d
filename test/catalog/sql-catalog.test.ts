/**
 * PyIceberg's `sql` catalog on SQLite (the quick-start's pyiceberg_catalog.db), read by iceberg-rx
 * through sql.js: by options and through `.pyiceberg.yaml`, listed, read row for row as PyIceberg
 * reads it, refreshed after a new commit; and its errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCatalog } from '../../src/catalog/connect-catalog.ts';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { sqliteFile } from '../../src/catalog/sql-catalog.ts';
import { PYTHON_ENV, VENV_PYTHON, pyicebergAvailability } from '../pyiceberg/pyiceberg-env.ts';
import { sortedCanonical, tableRows, type JsonRow } from '../pyiceberg/row-multiset.ts';
import { runCli } from '../integration/cli-run.ts';

const SCRIPT = fileURLToPath(new URL('./write_sql_catalog.py', import.meta.url));
const py = pyicebergAvailability();

function python(args: string[]): string {
  const r = spawnSync(VENV_PYTHON, [SCRIPT, ...args], { encoding: 'utf8', env: PYTHON_ENV, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`write_sql_catalog.py ${args[0]} exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!py.available)('PyIceberg sql catalog (SQLite)', () => {
  let workdir: string;
  let written: { tables: { name: string; rows: JsonRow[] }[] };
  let catalog: Catalog;

  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'iceberg-rx-sql-catalog-'));
    written = JSON.parse(python(['write', workdir])) as typeof written;
    catalog = await connectCatalog({ type: 'sql', uri: `sqlite:///${workdir}/pyiceberg_catalog.db` });
  });
  afterAll(() => {
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it('lists namespaces and tables', async () => {
    expect(await catalog.listNamespaces()).toEqual([['docs']]);
    expect(await catalog.listNamespaces('docs')).toEqual([['docs', 'inner']]);
    expect(await catalog.listTables('docs')).toEqual([{ namespace: ['docs'], name: 'taxis' }]);
    expect(await catalog.listTables('docs.inner')).toEqual([{ namespace: ['docs', 'inner'], name: 'small' }]);
  });

  it.each(['docs.taxis', 'docs.inner.small'])('reads %s as PyIceberg reads it', async (name) => {
    const table = await catalog.loadTable(name);
    const rows = tableRows(await table.scan().toTable());
    const expected = written.tables.find((t) => t.name === name)!.rows;
    expect(rows.length).toBe(expected.length);
    expect(sortedCanonical(rows)).toEqual(sortedCanonical(expected));
  });

  it('refresh() reads the file again and sees a new commit', async () => {
    const before = await catalog.loadTable('docs.taxis');
    const after = JSON.parse(python(['append', workdir, '500', '9'])) as { rows: JsonRow[] };
    const refreshed = await before.refresh();
    expect(refreshed.snapshots().length).toBe(before.snapshots().length + 1);
    expect(sortedCanonical(tableRows(await refreshed.scan().toTable()))).toEqual(sortedCanonical(after.rows));
  });

  it('is usable by name from .pyiceberg.yaml, in the API and the CLI', async () => {
    const home = join(workdir, 'home');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, '.pyiceberg.yaml'), `catalog:\n  default:\n    type: sql\n    uri: sqlite:///${workdir}/pyiceberg_catalog.db\n    warehouse: file://${workdir}/warehouse\n`);
    const named = await connectCatalog('default', { config: { env: { PYICEBERG_HOME: home }, home: '/nonexistent', cwd: '/nonexistent' } });
    expect(named.type).toBe('sql');
    expect(await named.listTables('docs.inner')).toEqual([{ namespace: ['docs', 'inner'], name: 'small' }]);
    const saved = process.env.PYICEBERG_HOME;
    process.env.PYICEBERG_HOME = home;
    try {
      const r = await runCli(['count', '-c', 'default', 'docs.inner.small']);
      expect(r.stderr).toBe('');
      expect(r.text).toBe('7\n');
    } finally {
      if (saved === undefined) delete process.env.PYICEBERG_HOME;
      else process.env.PYICEBERG_HOME = saved;
    }
  });

  it('reports a missing table, namespace and file as not_found, a non-catalog file as data_invalid', async () => {
    await expect(catalog.loadTable('docs.nope')).rejects.toMatchObject({ code: 'not_found', message: 'sql catalog default: table docs.nope not found (file: ' + join(workdir, 'pyiceberg_catalog.db') + ')' });
    await expect(catalog.listTables('nope')).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('namespace nope not found') });
    const other = await connectCatalog({ type: 'sql', name: 'other', uri: `sqlite:///${workdir}/pyiceberg_catalog.db` });
    await expect(other.loadTable('docs.taxis')).rejects.toMatchObject({ code: 'not_found' });
    const missing = await connectCatalog({ type: 'sql', uri: `sqlite:///${workdir}/missing.db` });
    await expect(missing.listNamespaces()).rejects.toMatchObject({ code: 'not_found' });
    writeFileSync(join(workdir, 'junk.db'), 'not sqlite at all, just some text that is long enough to be a header');
    const junk = await connectCatalog({ type: 'sql', uri: join(workdir, 'junk.db') });
    await expect(junk.listNamespaces()).rejects.toMatchObject({ code: 'data_invalid' });
  });
});

describe('sql catalog URIs', () => {
  it('reads SQLAlchemy SQLite URLs and refuses other databases', () => {
    expect(sqliteFile('sqlite:////tmp/a.db')).toBe('/tmp/a.db');
    expect(sqliteFile('sqlite:///rel/a.db')).toBe('rel/a.db');
    expect(sqliteFile('/abs/b.db')).toBe('/abs/b.db');
    expect(() => sqliteFile('postgresql+psycopg2://user:pw@host/db')).toThrow(expect.objectContaining({ code: 'feature_unsupported', message: expect.not.stringContaining('pw') }));
    expect(() => sqliteFile('sqlite:///:memory:')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

if (!py.available) {
  describe('PyIceberg sql catalog (SQLite)', () => {
    it.skip(`skipped: ${py.reason}`, () => {});
  });
}
