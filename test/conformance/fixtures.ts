/**
 * Where the shared Iceberg fixtures are (beside the repo root) and how their expectations
 * (`EXPECTED.json`) are typed and identified.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared/fixtures/iceberg` relative to the repository root. */
export const FIXTURES_ROOT = resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'iceberg');

/** True when the fixtures folder is present (it is beside the clone in CI). */
export const HAVE_FIXTURES = existsSync(join(FIXTURES_ROOT, 'EXPECTED.json'));

/** One expectation of `EXPECTED.json` (fields as recorded there). */
export interface Expectation {
  readonly table: string;
  readonly source: string;
  readonly query: string;
  readonly kind: 'count' | 'rows' | 'rows_ordered';
  readonly snapshot_id: string | number | null;
  readonly as_of_timestamp?: string | null;
  readonly scan_options?: Record<string, string> | null;
  readonly columns: string[] | null;
  readonly filter: string | null;
  readonly limit: number | null;
  readonly expected: unknown;
  readonly types?: string[] | null;
  readonly engine: string;
  readonly subset?: boolean | null;
  readonly notes: string;
}

/** Every expectation, in file order (empty when the fixtures are absent). */
export function loadExpectations(): Expectation[] {
  if (!HAVE_FIXTURES) return [];
  // Snapshot ids above 2^53 must stay exact: quote long integer literals before parsing.
  const text = readFileSync(join(FIXTURES_ROOT, 'EXPECTED.json'), 'utf8').replace(
    /("snapshot_id":\s*)(-?\d{16,})/g,
    '$1"$2"',
  );
  return JSON.parse(text) as Expectation[];
}

/** The stable id of an expectation: `<table> @ <test file>:<line>` (unique in EXPECTED.json). */
export function expectationId(e: Expectation): string {
  const where = e.source.slice(e.source.indexOf(':') + 1);
  return `${e.table} @ ${where.slice(where.lastIndexOf('/') + 1)}`;
}

/** The folder of a fixture table. */
export function tableDir(table: string): string {
  return join(FIXTURES_ROOT, table);
}

/**
 * Location maps for the tables whose files live outside their own folder (CATALOG.md): the
 * copied sibling folders, and tables whose paths were recorded relative to another repository.
 */
export function locationMapFor(table: string): Record<string, string> | undefined {
  const dir = tableDir(table);
  if (table === 'apache__impala/iceberg_multiple_storage_locations') {
    const base = '/test-warehouse/iceberg_test/hadoop_catalog/ice/';
    const map: Record<string, string> = {};
    for (const suffix of ['_data', '_data01', '_data02']) {
      const name = `iceberg_multiple_storage_locations${suffix}`;
      map[`${base}${name}`] = join(dir, '__siblings__', name);
    }
    return map;
  }
  if (table === 'duckdb__duckdb-iceberg/column_mapping__warehouse__default.db__my_table') {
    return { 'data/persistent/column_mapping/warehouse/example': join(dir, '__siblings__', 'example') };
  }
  if (table === 'duckdb__duckdb-iceberg/big_query_error') {
    return { 'data/persistent/big_query_error': dir };
  }
  return undefined;
}
