/**
 * Every metadata file under ../shared/fixtures/iceberg loads and plans, or fails with an
 * `IcebergScanError`: no crash, no hang (each file has a time limit).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../src/errors.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { FIXTURES_ROOT, HAVE_FIXTURES, locationMapFor } from './fixtures.ts';

/** Per-file time limit: metadata and manifests are small, so seconds mean a hang. */
const PER_FILE_MS = 10_000;

function metadataFiles(): { table: string; file: string }[] {
  if (!HAVE_FIXTURES) return [];
  const out: { table: string; file: string }[] = [];
  for (const owner of readdirSync(FIXTURES_ROOT)) {
    const ownerDir = join(FIXTURES_ROOT, owner);
    if (!statSync(ownerDir).isDirectory()) continue;
    for (const table of readdirSync(ownerDir)) {
      const metadataDir = join(ownerDir, table, 'metadata');
      let names: string[] = [];
      try {
        names = readdirSync(metadataDir);
      } catch {
        continue;
      }
      for (const name of names) if (name.endsWith('.metadata.json')) out.push({ table: `${owner}/${table}`, file: join(metadataDir, name) });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** Loads `file` and plans its current snapshot; resolves with the outcome, or `'timeout'`. */
async function loadAndPlan(table: string, file: string): Promise<{ tasks?: number; error?: unknown } | 'timeout'> {
  const attempt = (async () => {
    try {
      const t = await loadTable(file, { locationMap: locationMapFor(table) });
      const tasks = await lastValueFrom(t.scan().planFiles().pipe(toArray()));
      return { tasks: tasks.length };
    } catch (error) {
      return { error };
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), PER_FILE_MS);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const files = metadataFiles();

describe.skipIf(!HAVE_FIXTURES)('every fixture metadata file loads or fails with a typed error', () => {
  it('finds the metadata files', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  for (const { table, file } of files) {
    it(file.slice(FIXTURES_ROOT.length + 1), async () => {
      const outcome = await loadAndPlan(table, file);
      expect(outcome, 'loading and planning must finish').not.toBe('timeout');
      if (outcome !== 'timeout' && outcome.error !== undefined) {
        expect(isIcebergScanError(outcome.error), String(outcome.error)).toBe(true);
      }
    });
  }
});

// Only without the shared fixtures: one skipped test that says so (nothing is skipped when they are there).
if (!HAVE_FIXTURES) {
  describe('every fixture metadata file loads', () => {
    it.skip(`skipped: fixtures not found at ${FIXTURES_ROOT}`, () => {});
  });
}
