/**
 * `iceberg-rx inspect` and `plan` over every real table of ../shared/fixtures/iceberg, and
 * `inspect` over every metadata file there: each either works (exit 0) or fails with exit 1 and a
 * typed error code, never a crash. Runs `main` in-process (one process for ~75 tables).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './cli-run.ts';

const present = existsSync(FIXTURES);

/** Tables whose files were recorded under a path that only a location map resolves. */
const LOCATION_MAPS: Record<string, string[]> = {
  'duckdb__duckdb-iceberg/big_query_error': ['--map', `data/persistent/big_query_error=${join(FIXTURES, 'duckdb__duckdb-iceberg/big_query_error')}`],
};

function tables(): string[] {
  if (!present) return [];
  return readdirSync(FIXTURES)
    .filter((owner) => statSync(join(FIXTURES, owner)).isDirectory())
    .flatMap((owner) => readdirSync(join(FIXTURES, owner)).map((t) => `${owner}/${t}`))
    .filter((t) => existsSync(join(FIXTURES, t, 'metadata')))
    .sort();
}

function metadataFiles(): string[] {
  return tables().flatMap((t) =>
    readdirSync(join(FIXTURES, t, 'metadata'))
      .filter((f) => f.endsWith('.metadata.json'))
      .map((f) => join(FIXTURES, t, 'metadata', f)),
  );
}

describe.skipIf(!present)(`inspect and plan on every table of ${FIXTURES}`, () => {
  if (!present) it.skip('shared fixtures folder absent: skipped', () => undefined);

  it('finds the tables', () => {
    expect(tables().length).toBeGreaterThan(50);
  });

  it.each(tables())('inspect %s', async (table) => {
    const r = await runCli(['inspect', join(FIXTURES, table)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/format version\s+[123]/);
    expect(r.text).toMatch(/partition specs/);
    const json = await runCli(['inspect', join(FIXTURES, table), '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.text).schemas.length).toBeGreaterThan(0);
  });

  it.each(tables())('plan %s', async (table) => {
    const r = await runCli(['plan', join(FIXTURES, table), ...(LOCATION_MAPS[table] ?? [])]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/(snapshot \d+|no snapshot): [\d,]+ tasks/);
  });

  it('plan of a table recorded elsewhere without a location map fails with exit 1 and path_refused', async () => {
    const r = await runCli(['plan', join(FIXTURES, 'duckdb__duckdb-iceberg/big_query_error')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error \[path_refused\]/);
    expect(r.stderr).toMatch(/file: /);
  });

  it('inspect of every metadata file either works or fails with a typed error (exit 1)', async () => {
    const failures: string[] = [];
    for (const file of metadataFiles()) {
      const r = await runCli(['inspect', file]);
      if (r.code === 0) continue;
      expect(r.code, file).toBe(1);
      expect(r.stderr, file).toMatch(/^iceberg-rx: error \[(data_invalid|not_found|io_failed|feature_unsupported)\]/);
      failures.push(relative(FIXTURES, file));
    }
    // The one file that is not table metadata at all (BigQuery's placeholder: no format-version).
    expect(failures).toEqual(['duckdb__duckdb-iceberg/big_query_error/metadata/v0.metadata.json']);
  });

  it('scan --format ndjson writes each variant as the JSON it holds (Trino-written v3 table, vs Impala\'s expectations)', async () => {
    const table = 'apache__impala/trino_variant';
    const expectations = JSON.parse(readFileSync(join(FIXTURES, 'EXPECTED.json'), 'utf8')) as { table: string; source: string; expected: [number, string | null][] }[];
    const expected = expectations.find((e) => e.table === table && e.source.endsWith('iceberg-v3-variant.test:72'))!.expected;
    const r = await runCli(['scan', join(FIXTURES, table), '--select', 'id,v']);
    expect(r.code).toBe(0);
    // v is the last key: its raw JSON text is everything after `"v":` (numbers compared as written).
    const raw = new Map(r.text.trim().split('\n').map((line) => [JSON.parse(line).id as number, line.slice(line.indexOf(',"v":') + 5, -1)]));
    expect(raw.size).toBe(expected.length);
    for (const [id, text] of expected) {
      // Impala prints temporal variants its own way (or not at all); NDJSON uses ISO-8601 (below).
      if (text !== null && (text.includes('<unsupported-type>') || /^"\d{4}-\d{2}-\d{2} /.test(text))) continue;
      expect(raw.get(id), `id ${id}`).toBe(text ?? 'null');
    }
    expect(raw.get(53)).toBe('9876543210.123456789'); // decimal16 kept exact
    expect(raw.get(58)).toBe('"12:33:54.123456"');
    expect(raw.get(59)).toBe('"2024-11-07T12:33:54.123456"');
    expect(raw.get(60)).toBe('"1957-11-07T12:33:54.123456789"');
    expect(raw.get(61)).toBe('"2024-11-07T12:33:54.123456Z"');
    expect(raw.get(62)).toBe('"f24f9b64-81fa-49d1-b74e-8c09a6e31c56"');
  });

  it('scan --map resolves data files written outside the table folder (repeatable --map)', async () => {
    const table = join(FIXTURES, 'apache__impala/iceberg_multiple_storage_locations');
    const recorded = '/test-warehouse/iceberg_test/hadoop_catalog/ice/iceberg_multiple_storage_locations';
    const maps = ['_data', '_data01', '_data02'].flatMap((s) => ['--map', `${recorded}${s}=${table}/__siblings__/iceberg_multiple_storage_locations${s}`]);
    const r = await runCli(['scan', table, '--select', 'col_int,col_bigint,col_string', ...maps]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.text.trim().split('\n').map((l) => JSON.parse(l) as { col_int: number; col_bigint: number; col_string: string });
    const key = (x: { col_int: number; col_bigint: number; col_string: string }) => `${x.col_int}/${x.col_bigint}/${x.col_string}`;
    const expectations = JSON.parse(readFileSync(join(FIXTURES, 'EXPECTED.json'), 'utf8')) as { table: string; query: string; expected: unknown[][] }[];
    const all = expectations.find((e) => e.table === 'apache__impala/iceberg_multiple_storage_locations' && !e.query.includes('where'))!.expected;
    expect(rows.map(key).sort()).toEqual(all.map((e) => `${e[0]}/${e[1]}/${e[4]}`).sort());
  });

  it('scan of a table without snapshots prints the CSV header / an Arrow stream with the schema and no rows', async () => {
    const table = join(FIXTURES, 'duckdb__duckdb-iceberg/timestamptz_ns');
    const csv = await runCli(['scan', table, '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.text).toBe('id,val\r\n');
    const arrow = await runCli(['scan', table, '--format', 'arrow']);
    expect(arrow.code).toBe(0);
    const t = tableFromIPC(arrow.stdout);
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Int32', 'val:Timestamp<NANOSECOND, UTC>']);
    const ndjson = await runCli(['scan', table]);
    expect(ndjson.code).toBe(0);
    expect(ndjson.text).toBe('');
  });
});
