/**
 * Tables written by the test builder, read by PyIceberg (conformance/pyiceberg/read_tables.py) and by iceberg-rx: same rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTable } from '../builder/build-table.ts';
import type { BuiltTable } from '../builder/table-description.ts';
import { BUILDER_CASES, snapshotIdOf, type BuilderScan } from './builder-table-cases.ts';
import { pyicebergAvailability, runPython } from './pyiceberg-env.ts';
import { notContained, sortedCanonical, type JsonRow } from './row-multiset.ts';
import { scanWithIcebergRx, type ScanRequest } from './scan-with-iceberg-rx.ts';

/** PyIceberg's answer for one scan: rows, or the error it raised. */
interface PyIcebergScan {
  readonly columns?: string[];
  readonly rows?: JsonRow[];
  readonly error?: string;
}

const availability = pyicebergAvailability();
if (!availability.available) console.warn(`PyIceberg cross-check not run: ${availability.reason}`);

let workDir = '';
const built = new Map<string, BuiltTable>();
/** PyIceberg results by case name, then scan name; unlimited twins of limit scans under `<name> (unlimited)`. */
const pyiceberg = new Map<string, Map<string, PyIcebergScan>>();

function request(table: BuiltTable, scan: BuilderScan, reader: 'pyiceberg' | 'iceberg-rx'): ScanRequest {
  return {
    select: scan.select ?? null,
    filter: (reader === 'pyiceberg' ? scan.pyicebergFilter : undefined) ?? scan.filter ?? null,
    snapshotId: scan.snapshot ? snapshotIdOf(table, scan.snapshot) : null,
    ref: scan.ref ?? null,
    limit: scan.limit ?? null,
  };
}

describe.skipIf(!availability.available)('tables written by the test builder, read by PyIceberg and iceberg-rx', () => {
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'iceberg-rx-builder-pyiceberg-'));
    for (const c of BUILDER_CASES) built.set(c.name, await buildTable(join(workDir, c.name), c.description));
    // One Python process reads every table (PyIceberg's import alone takes about a second).
    const tables = BUILDER_CASES.map((c) => {
      const table = built.get(c.name)!;
      const scans = c.scans.flatMap((s) => {
        const r = request(table, s, 'pyiceberg');
        return r.limit === null ? [r] : [r, { ...r, limit: null }];
      });
      return { metadataLocation: table.metadataPath, scans };
    });
    const answer = JSON.parse(runPython('read_tables.py', [], JSON.stringify({ tables }))) as {
      tables: { scans: PyIcebergScan[] }[];
    };
    BUILDER_CASES.forEach((c, i) => {
      const results = [...answer.tables[i]!.scans];
      const byName = new Map<string, PyIcebergScan>();
      for (const s of c.scans) {
        byName.set(s.name, results.shift()!);
        if (s.limit !== undefined && s.limit !== null) byName.set(`${s.name} (unlimited)`, results.shift()!);
      }
      pyiceberg.set(c.name, byName);
    });
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  for (const c of BUILDER_CASES) {
    describe(c.name, () => {
      if (c.pyicebergLimitation) {
        const { reason, pattern } = c.pyicebergLimitation;
        it(`PyIceberg limitation: ${reason}`, () => {
          for (const s of c.scans) expect(pyiceberg.get(c.name)!.get(s.name)!.error).toMatch(pattern);
        });
        return;
      }
      for (const scan of c.scans) {
        const title = scan.semantics ? `${scan.name} (PyIceberg ran "${scan.pyicebergFilter}": ${scan.semantics})` : scan.name;
        it(title, async () => {
          const theirs = pyiceberg.get(c.name)!.get(scan.name)!;
          expect(theirs.error).toBeUndefined();
          const ours = await scanWithIcebergRx(built.get(c.name)!.metadataPath, request(built.get(c.name)!, scan, 'iceberg-rx'));
          expect([...ours.columns].sort()).toEqual([...theirs.columns!].sort());
          if (scan.name === 'full') expect(ours.rows.length).toBeGreaterThan(0);
          if (scan.rowCount !== undefined) expect(ours.rows).toHaveLength(scan.rowCount);
          const limit = scan.limit ?? undefined;
          if (limit !== undefined) {
            const whole = pyiceberg.get(c.name)!.get(`${scan.name} (unlimited)`)!.rows!;
            expect(ours.rows).toHaveLength(Math.min(limit, whole.length));
            expect(theirs.rows).toHaveLength(Math.min(limit, whole.length));
            expect(notContained(ours.rows, whole)).toEqual([]);
          } else {
            expect(sortedCanonical(ours.rows)).toEqual(sortedCanonical(theirs.rows!));
          }
        });
      }
    });
  }
});

if (!availability.available) {
  describe('tables written by the test builder, read by PyIceberg', () => {
    it.skip(`PyIceberg cross-check not run: ${availability.reason}`, () => {});
  });
}
