/**
 * The shared fixture tables uploaded into a real S3-compatible server (moto) and read from there:
 * every EXPECTED.json result that passes from local disk passes from S3, through `loadTable` with
 * PyIceberg-named properties and through the CLI's `--prop`.
 */
import { relative } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sortedCanonical, tableRows } from '../pyiceberg/row-multiset.ts';
import { FIXTURES_ROOT, HAVE_FIXTURES, expectationId, tableDir } from '../conformance/fixtures.ts';
import { runExpectation, type ExpectationSource } from '../conformance/run-expectation.ts';
import { spawnCli } from '../integration/cli-run.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { remoteExpectations } from './remote-tables.ts';
import { TEST_CREDENTIALS, motoUnavailable, startMoto, uploadFolder, type MotoServer } from './moto-server.ts';


const BUCKET = 'fixtures';
const unavailable = HAVE_FIXTURES ? motoUnavailable() : `fixtures not found at ${FIXTURES_ROOT}`;
const expectations = remoteExpectations();

/** `s3://fixtures/<path below the fixtures folder>`. */
function s3Location(local: string): string {
  return `s3://${BUCKET}/${relative(FIXTURES_ROOT, local).split('\\').join('/')}`;
}

describe.skipIf(unavailable !== undefined)('fixture tables read from S3 (moto)', () => {
  let moto: MotoServer;
  let source: ExpectationSource;

  beforeAll(async () => {
    moto = await startMoto();
    const tables = [...new Set(expectations.map((e) => e.table))];
    for (const t of tables) await uploadFolder(moto.client, tableDir(t), BUCKET, t);
    source = { locate: s3Location, rebase: s3Location, properties: { ...TEST_CREDENTIALS, 's3.endpoint': moto.endpoint } };
  });
  afterAll(async () => moto?.stop());

  for (const e of expectations) {
    it(expectationId(e), async () => {
      const outcome = await runExpectation(e, source);
      expect(outcome.pass, `${e.query}\n${outcome.reason}`).toBe(true);
    });
  }

  it('s3a:// and s3n:// locations read through the same FileIO', async () => {
    const location = s3Location(tableDir('hyparam__icebird/java_bunnies'));
    for (const scheme of ['s3a', 's3n']) {
      const table = await loadTable(location.replace(/^s3:/, `${scheme}:`), { properties: source.properties });
      expect(await table.scan().count()).toBeGreaterThan(0);
    }
  });

  it('data files are read through the FileIO of their own scheme: local metadata, data mapped onto S3', async () => {
    const dir = tableDir('hyparam__icebird/spark_bunnies');
    const local = await loadTable(dir);
    const remote = await loadTable(dir, { locationMap: { [local.metadata.location]: s3Location(dir) }, properties: source.properties });
    const [task] = await lastValueFrom(remote.scan().planFiles().pipe(toArray()));
    expect(remote.io.resolve(task!.dataFile.path)).toMatch(/^s3:\/\/fixtures\//);
    const rows = async (t: typeof local) => sortedCanonical(tableRows(await t.scan().toTable()));
    expect(await rows(remote)).toEqual(await rows(local));
  });

  it('a missing object is not_found, naming bucket and key', async () => {
    const error = await loadTable(`s3://${BUCKET}/no/such/metadata/v1.metadata.json`, { properties: source.properties }).catch((x: unknown) => x);
    expect(error).toMatchObject({ code: 'not_found', context: { bucket: BUCKET, key: 'no/such/metadata/v1.metadata.json', status: 404 } });
  });

  it('a metadata file cannot make the scanner read another bucket', async () => {
    // The table's own location is s3://fixtures/...; a locationMap onto another bucket is the only way out.
    const table = await loadTable(s3Location(tableDir('hyparam__icebird/java_bunnies')), { properties: source.properties });
    expect(() => table.io.resolve('s3://other-bucket/secret/data.parquet')).toThrow(expect.objectContaining({ code: 'path_refused' }));
    expect(() => table.io.resolve('https://evil.example/data.parquet')).toThrow(expect.objectContaining({ code: 'path_refused' }));
  });

  it('iceberg-rx scan s3://…/metadata.json --prop s3.endpoint=… prints the rows', async () => {
    const table = await loadTable(s3Location(tableDir('hyparam__icebird/java_bunnies')), { properties: source.properties });
    const expected = await table.scan().count();
    const props = Object.entries(source.properties!).flatMap(([k, v]) => ['--prop', `${k}=${v}`]);
    const result = await spawnCli(['scan', table.metadataLocation, '--format', 'ndjson', ...props]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.text.trim().split('\n')).toHaveLength(expected);
    const count = await spawnCli(['count', table.metadataLocation, ...props]);
    expect(count.text.trim()).toBe(String(expected));
  });
});

if (unavailable !== undefined) {
  describe('fixture tables read from S3 (moto)', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
}
