/**
 * The REST catalog client against Apache Iceberg's own REST catalog server (RESTCatalogServer of
 * iceberg-open-api 1.10.0 test fixtures, warehouse in moto S3): tables PyIceberg 0.12 wrote through
 * it are read by name row for row as PyIceberg reads them, with only the S3 key the catalog vends
 * (the S3 endpoint refuses every other key), and `refresh()` sees a commit made after `loadTable`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table as ArrowTable } from 'apache-arrow';
import { concatMap, map, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../integration/cli-run.ts';
import { connectCatalog } from '../../src/catalog/connect-catalog.ts';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { sortedCanonical, tableRows } from '../pyiceberg/row-multiset.ts';
import { VENDED_KEY, restTestsUnavailable, startCatalogFixture, withoutAmbientAwsCredentials, type CatalogFixture } from './catalog-fixture.ts';

const unavailable = restTestsUnavailable();

// One server, S3 store and set of tables for the whole file (started once: the CPU is shared).
let fixture: CatalogFixture;
let restore: (() => void) | undefined;
beforeAll(async () => {
  if (unavailable !== undefined) return;
  restore = withoutAmbientAwsCredentials();
  fixture = await startCatalogFixture();
});
afterAll(async () => {
  await fixture?.stop();
  restore?.();
});

describe.skipIf(unavailable !== undefined)('REST catalog: Apache Iceberg RESTCatalogServer', () => {
  let catalog: Catalog;

  beforeAll(async () => {
    // No S3 credentials: only the endpoint (the key-checking proxy). The catalog vends the key.
    catalog = await connectCatalog({ type: 'rest', uri: fixture.server.uri, properties: { 's3.endpoint': fixture.proxy.url } });
  });

  it('lists namespaces, nested namespaces and tables', async () => {
    expect(await catalog.listNamespaces()).toEqual([['rx']]);
    expect(await catalog.listNamespaces('rx')).toEqual([['rx', 'inner']]);
    const tables = (await catalog.listTables('rx')).map((t) => `${t.namespace.join('.')}.${t.name}`).sort();
    expect(tables).toEqual(['rx.deleted', 'rx.evolved', 'rx.parted', 'rx.plain']);
    expect(await catalog.listTables(['rx', 'inner'])).toEqual([{ namespace: ['rx', 'inner'], name: 'deep' }]);
  });

  it('follows next-page-token through every page (rest-page-size 1)', async () => {
    const urls: string[] = [];
    const paged = await connectCatalog({
      type: 'rest',
      uri: fixture.server.uri,
      properties: { 'rest-page-size': '1' },
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    const tables = (await paged.listTables('rx')).map((t) => t.name).sort();
    expect(tables).toEqual(['deleted', 'evolved', 'parted', 'plain']);
    const pages = urls.filter((u) => u.includes('/tables'));
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.slice(1).every((u) => /[?&]pageToken=/.test(u))).toBe(true);
  });

  it('exchanges an OAuth2 client credential at the server\'s token endpoint and sends the token', async () => {
    const sent: { url: string; authorization: string | null; body: string | null }[] = [];
    const oauth = await connectCatalog({
      type: 'rest',
      uri: fixture.server.uri,
      credential: 'rx-client:rx-secret',
      properties: { 's3.endpoint': fixture.proxy.url },
      fetch: (input, init) => {
        sent.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization'), body: typeof init?.body === 'string' ? init.body : null });
        return fetch(input, init);
      },
    });
    expect(await oauth.listNamespaces()).toEqual([['rx']]);
    expect(sent[0]!.url).toBe(`${fixture.server.uri}/v1/oauth/tokens`);
    expect(new URLSearchParams(sent[0]!.body ?? '').get('grant_type')).toBe('client_credentials');
    expect(sent.slice(1).every((r) => /^Bearer \S+/.test(r.authorization ?? ''))).toBe(true);
    expect(await (await oauth.loadTable('rx.inner.deep')).scan().count()).toBe(20);
  });

  it.each(['rx.plain', 'rx.parted', 'rx.deleted', 'rx.evolved', 'rx.inner.deep'])('reads %s by name as PyIceberg reads it', async (name) => {
    const written = fixture.tables.find((t) => t.name === name)!;
    const table = await catalog.loadTable(name);
    expect(table.snapshots()).toHaveLength(written.snapshots);
    const rows = tableRows(await table.scan().toTable());
    expect(rows.length).toBe(written.rows.length);
    expect(sortedCanonical(rows)).toEqual(sortedCanonical(written.rows));
  });

  it('reads with the vended key only: the S3 endpoint refuses any other', async () => {
    fixture.proxy.counts.faults = 0;
    fixture.proxy.counts.requests = 0;
    const table = await catalog.loadTable('rx.parted');
    expect(await table.scan().count()).toBe(240);
    expect(fixture.proxy.counts.requests).toBeGreaterThan(0);
    expect(fixture.proxy.counts.faults).toBe(0);
    // The same files with another key (no catalog, so nothing vended) are refused.
    const direct = loadTable(table.metadataLocation, {
      properties: { 's3.endpoint': fixture.proxy.url, 's3.access-key-id': 'someone-else', 's3.secret-access-key': VENDED_KEY.secretAccessKey },
      fileIO: { maxAttempts: 1 },
    });
    await expect(direct).rejects.toMatchObject({ message: expect.stringContaining('HTTP 403') });
    expect(fixture.proxy.counts.faults).toBeGreaterThan(0);
  });

  it('refresh() sees a snapshot committed after loadTable', async () => {
    const before = await catalog.loadTable('rx.plain');
    const snapshots = before.snapshots().length;
    const after = await fixture.append('rx.plain', 1000, 30);
    expect(tableRows(await before.scan().toTable())).toHaveLength(250);
    const refreshed = await before.refresh();
    expect(refreshed.snapshots()).toHaveLength(snapshots + 1);
    expect(refreshed.metadataLocation).not.toBe(before.metadataLocation);
    const rows = tableRows(await refreshed.scan().toTable());
    expect(rows).toHaveLength(280);
    expect(sortedCanonical(rows)).toEqual(sortedCanonical(after.rows));
  });

  it('watch() through the catalog emits each append PyIceberg commits, once, in commit order', async () => {
    const table = await catalog.loadTable('rx.plain');
    const seen: { snapshotId: string; ids: number[] }[] = [];
    let failure: unknown;
    const subscription = table
      .watch({ pollInterval: 100, select: ['id'] })
      .pipe(concatMap((commit) => commit.batches.pipe(toArray(), map((batches) => ({ snapshotId: commit.snapshotId, ids: tableRows(new ArrowTable(batches)).map((r) => Number(r.id)) })))))
      .subscribe({ next: (c) => seen.push(c), error: (e: unknown) => (failure = e) });
    try {
      await fixture.append('rx.plain', 2000, 10);
      await fixture.append('rx.plain', 3000, 5);
      const deadline = Date.now() + 30_000;
      while (seen.length < 2 && failure === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      subscription.unsubscribe();
    }
    expect(failure).toBeUndefined();
    const current = await table.refresh();
    const lastTwo = current.snapshots().slice(-2).map((s) => s.snapshotId);
    expect(seen.map((c) => c.snapshotId)).toEqual(lastTwo);
    expect(seen[0]!.ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 2000 + i));
    expect(seen[1]!.ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 5 }, (_, i) => 3000 + i));
  });

  it('reports a missing namespace and a missing table as not_found, naming catalog and name', async () => {
    await expect(catalog.listTables('nope')).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/rest catalog .*127\.0\.0\.1.*namespace nope not found/) });
    await expect(catalog.listNamespaces('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(catalog.loadTable('rx.nope')).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('table rx.nope not found') });
  });
});


describe.skipIf(unavailable !== undefined)('REST catalog: the CLI and PyIceberg configuration', () => {
  let home: string;
  const savedEnv = { ...process.env };

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'iceberg-rx-pyiceberg-home-'));
    // The yaml route: PyIceberg's file in $PYICEBERG_HOME, one catalog, nested and flat keys.
    writeFileSync(join(home, '.pyiceberg.yaml'), `catalog:\n  yamlcat:\n    uri: ${fixture.server.uri}\n    s3:\n      endpoint: ${fixture.proxy.url}\n`);
    process.env.PYICEBERG_HOME = home;
    // The environment route: PYICEBERG_CATALOG__<NAME>__<PROPERTY>.
    process.env.PYICEBERG_CATALOG__ENVCAT__URI = fixture.server.uri;
    process.env.PYICEBERG_CATALOG__ENVCAT__S3__ENDPOINT = fixture.proxy.url;
  });
  afterAll(() => {
    for (const k of ['PYICEBERG_HOME', 'PYICEBERG_CATALOG__ENVCAT__URI', 'PYICEBERG_CATALOG__ENVCAT__S3__ENDPOINT']) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('iceberg-rx list --uri URI [namespace]', async () => {
    const top = await runCli(['list', '--uri', fixture.server.uri]);
    expect(top.stderr).toBe('');
    expect(top.code).toBe(0);
    expect(top.text).toBe('namespace rx\n');
    const rx = await runCli(['list', '--uri', fixture.server.uri, 'rx']);
    expect(rx.text.split('\n').filter(Boolean).sort()).toEqual(['namespace rx.inner', 'table rx.deleted', 'table rx.evolved', 'table rx.parted', 'table rx.plain']);
    const json = await runCli(['list', '--uri', fixture.server.uri, 'rx.inner', '--json']);
    expect(JSON.parse(json.text)).toEqual({ namespaces: [], tables: ['rx.inner.deep'] });
  });

  it('iceberg-rx scan --uri URI ns.table prints the rows PyIceberg reads', async () => {
    const r = await runCli(['scan', '--uri', fixture.server.uri, '--prop', `s3.endpoint=${fixture.proxy.url}`, '--format', 'ndjson', '--quiet', 'rx.parted']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    expect(sortedCanonical(rows)).toEqual(sortedCanonical(fixture.tables.find((t) => t.name === 'rx.parted')!.rows));
  });

  it('the installed command (bin/iceberg-rx.mjs, its own process) lists and scans by --uri', async () => {
    const list = await spawnCli(['list', '--uri', fixture.server.uri, 'rx.inner']);
    expect(list.stderr).toBe('');
    expect(list.text).toBe('table rx.inner.deep\n');
    const scan = await spawnCli(['scan', '--uri', fixture.server.uri, '--prop', `s3.endpoint=${fixture.proxy.url}`, '--format', 'ndjson', 'rx.inner.deep']);
    expect(scan.code).toBe(0);
    const rows = scan.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    expect(sortedCanonical(rows)).toEqual(sortedCanonical(fixture.tables.find((t) => t.name === 'rx.inner.deep')!.rows));
  });

  it('iceberg-rx count / inspect / plan -c NAME read catalogs of .pyiceberg.yaml and PYICEBERG_CATALOG__* variables', async () => {
    const fromYaml = await runCli(['count', '-c', 'yamlcat', 'rx.deleted']);
    expect(fromYaml.stderr).toBe('');
    expect(fromYaml.text.trim()).toBe(String(fixture.tables.find((t) => t.name === 'rx.deleted')!.rows.length));
    const fromEnv = await runCli(['count', '-c', 'envcat', 'rx.inner.deep']);
    expect(fromEnv.text.trim()).toBe('20');
    const inspect = await runCli(['inspect', '-c', 'envcat', '--json', 'rx.evolved']);
    expect(inspect.code).toBe(0);
    expect(inspect.text).toContain('"points"');
    const plan = await runCli(['plan', '--catalog', 'yamlcat', '--json', 'rx.plain']);
    expect(plan.code).toBe(0);
    expect(plan.text.split('\n').filter(Boolean).length).toBeGreaterThan(1);
    const yamlCatalog = await connectCatalog('yamlcat');
    expect((await yamlCatalog.listTables('rx')).length).toBe(4);
  });

  it('reports CLI catalog errors with their code and exit code 1', async () => {
    const missing = await runCli(['count', '--uri', fixture.server.uri, 'rx.nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error \[not_found\]: rest catalog .*: load table rx\.nope: table rx\.nope not found/);
    const unknown = await runCli(['list', '-c', 'nosuchcatalog']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/\[not_found\].*nosuchcatalog/);
    const both = await runCli(['list', '-c', 'yamlcat', '--uri', fixture.server.uri]);
    expect(both.code).toBe(2);
  });
});

if (unavailable !== undefined) {
  describe('REST catalog: Apache Iceberg RESTCatalogServer', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
}
