/**
 * `iceberg-rx inspect` and `plan` over every real table of ../shared/fixtures/iceberg, and
 * `inspect` over every metadata file there: each either works (exit 0) or fails with exit 1 and a
 * typed error code, never a crash. Runs `main` in-process (one process for ~75 tables).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
});
