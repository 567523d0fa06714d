/**
 * The shared fixture tables served by a static HTTP server with `Range` support, read with
 * `loadTable('http://…/metadata.json')` and the CLI (every EXPECTED.json result that passes from
 * local disk); and by a server that ignores `Range` (200
 * with the whole body), which must be read right with each object downloaded once.
 */
import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_ROOT, HAVE_FIXTURES, expectationId, tableDir } from '../conformance/fixtures.ts';
import { runExpectation, type ExpectationSource } from '../conformance/run-expectation.ts';
import { spawnCli } from '../integration/cli-run.ts';
import { sortedCanonical, tableRows } from '../pyiceberg/row-multiset.ts';
import { HttpFileIO } from '../../src/io/http-file-io.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { remoteExpectations } from './remote-tables.ts';
import { startStaticServer, type StaticServer } from './static-range-server.ts';

const expectations = remoteExpectations();

describe.skipIf(!HAVE_FIXTURES)('fixture tables read over HTTP', () => {
  let server: StaticServer;
  let source: ExpectationSource;
  const rebase = (local: string) => `${server.url}/${relative(FIXTURES_ROOT, local).split('\\').join('/')}`;

  beforeAll(async () => {
    server = await startStaticServer(FIXTURES_ROOT);
    source = {
      rebase,
      // HTTP cannot list: a table folder is given as its current metadata file, found locally.
      locate: async (local, locationMap) =>
        rebase(/\.json(\.gz)?$/.test(local) ? local : (await loadTable(local, locationMap !== undefined ? { locationMap } : {})).metadataLocation),
    };
  });
  afterAll(async () => server?.close());

  for (const e of expectations) {
    it(expectationId(e), async () => {
      const outcome = await runExpectation(e, source);
      expect(outcome.pass, `${e.query}\n${outcome.reason}`).toBe(true);
    });
  }

  it('a table folder over HTTP is feature_unsupported (no listing), naming the way out', async () => {
    const error = await loadTable(rebase(tableDir('duckdb__duckdb-iceberg/iceberg__lineitem_iceberg_no_hint'))).catch((x: unknown) => x);
    expect(error).toMatchObject({ code: 'feature_unsupported' });
  });

  it('a metadata file cannot make the scanner read another host', async () => {
    const table = await loadTable(await source.locate(tableDir('hyparam__icebird/java_bunnies'), undefined));
    expect(() => table.io.resolve('http://127.0.0.2:1/data.parquet')).toThrow(expect.objectContaining({ code: 'path_refused' }));
  });

  it('iceberg-rx scan http://…/metadata.json prints the rows', async () => {
    const table = await loadTable(await source.locate(tableDir('hyparam__icebird/java_bunnies'), undefined));
    const expected = await table.scan().count();
    const result = await spawnCli(['scan', table.metadataLocation, '--format', 'ndjson']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.text.trim().split('\n')).toHaveLength(expected);
  });
});

describe.skipIf(!HAVE_FIXTURES)('servers without Range support', () => {
  const TABLE = 'hyparam__icebird/spark_bunnies';

  for (const options of [{ ignoreRange: true }, { ignoreRange: true, noHead: true }, { noHead: true }]) {
    it(`${JSON.stringify(options)}: rows right, each object downloaded at most once`, async () => {
      const local = await loadTable(tableDir(TABLE));
      const expected = sortedCanonical(tableRows(await local.scan().toTable()));
      const server = await startStaticServer(FIXTURES_ROOT, options);
      try {
        const table = await loadTable(`${server.url}/${relative(FIXTURES_ROOT, local.metadataLocation)}`);
        expect(sortedCanonical(tableRows(await table.scan().toTable()))).toEqual(expected);
        if (options.ignoreRange) {
          for (const [path, gets] of server.counts.perPath) expect(gets, path).toBe(1);
          const whole = [...server.counts.perPath.keys()].reduce((n, p) => n + statSync(join(FIXTURES_ROOT, p)).size, 0);
          expect(server.counts.bytes).toBe(whole);
        }
      } finally {
        await server.close();
      }
    });
  }

  it('keeps whole bodies within the bound, dropping the least recently used', async () => {
    const local = await loadTable(tableDir(TABLE));
    const [task] = await lastValueFrom(local.scan().planFiles().pipe(toArray()));
    const metadata = relative(FIXTURES_ROOT, local.metadataLocation);
    const a = `/${metadata}`;
    const b = `/${relative(FIXTURES_ROOT, local.io.resolve(task!.dataFile.path))}`;
    const server = await startStaticServer(FIXTURES_ROOT, { ignoreRange: true });
    try {
      const sizeA = statSync(join(FIXTURES_ROOT, a)).size;
      const sizeB = statSync(join(FIXTURES_ROOT, b)).size;
      const io = new HttpFileIO({ wholeBodyCacheBytes: Math.max(sizeA, sizeB) + 1 });
      const read = async (p: string, size: number) => io.newInputFile(`${server.url}${p}`).read(size - 4, size);
      await read(a, sizeA);
      await read(a, sizeA); // kept
      expect(server.counts.perPath.get(a)).toBe(1);
      await read(b, sizeB); // kept; a dropped (both do not fit)
      await read(b, sizeB);
      expect(server.counts.perPath.get(b)).toBe(1);
      await read(a, sizeA);
      expect(server.counts.perPath.get(a)).toBe(2);
    } finally {
      await server.close();
    }
  });
});
