/**
 * Tables written by PyIceberg (conformance/pyiceberg/generate.py) read by iceberg-rx exactly as PyIceberg reads them.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR, pyicebergAvailability, runPython } from './pyiceberg-env.ts';
import { canonicalRow, notContained, sortedCanonical, type JsonRow } from './row-multiset.ts';
import { scanWithIcebergRx, type ScanRequest } from './scan-with-iceberg-rx.ts';

/** One scan as generate.py records it, with PyIceberg's result. */
interface RecordedScan extends ScanRequest {
  readonly name: string;
  readonly columns: string[];
  /** True when one data file holds every row, so PyIceberg's row order is the file order. */
  readonly ordered: boolean;
  /** The scan's rows without the limit. */
  readonly rows: JsonRow[];
  /** PyIceberg's rows with the limit (limit scans only). */
  readonly limitedRows?: JsonRow[];
  /** Where PyIceberg's null semantics differ from ours: what differs, and the filter PyIceberg ran instead. */
  readonly semantics?: string | null;
  readonly pyicebergFilter?: string | null;
}

interface RecordedTable {
  readonly name: string;
  readonly formatVersion: number;
  readonly metadataPath: string;
  readonly features: string[];
  readonly scans: RecordedScan[];
}

interface Expected {
  readonly writer: string;
  /** What the matrix leaves out because PyIceberg cannot write or read it (the only accepted gaps). */
  readonly limitations: string[];
  readonly tables: RecordedTable[];
}

/** Blocks for `ms` milliseconds (collection is synchronous). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs generate.py into a temp folder named after a hash of the Python side (scripts and pinned
 * requirements), reusing the folder when an earlier run completed it (expected.json is written
 * last). Whoever creates the folder generates; a concurrent run waits for expected.json.
 */
function generateTables(): Expected {
  const hash = createHash('sha256');
  for (const name of readdirSync(CONFORMANCE_DIR).filter((f) => f.endsWith('.py') || f === 'requirements.txt').sort()) {
    hash.update(name).update(readFileSync(join(CONFORMANCE_DIR, name)));
  }
  const prefix = 'iceberg-rx-pyiceberg-';
  const outDir = join(tmpdir(), `${prefix}${hash.digest('hex').slice(0, 16)}`);
  const expectedPath = join(outDir, 'expected.json');
  const deadline = Date.now() + 180_000;
  while (!existsSync(expectedPath)) {
    try {
      mkdirSync(outDir);
    } catch {
      if (Date.now() < deadline) {
        sleepSync(500);
        continue;
      }
      rmSync(outDir, { recursive: true, force: true }); // left behind by a run that died
      mkdirSync(outDir);
    }
    // Tables of older versions of the Python side are stale: remove them.
    for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(prefix) && join(tmpdir(), n) !== outDir)) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
    try {
      runPython('generate.py', [outDir]);
    } catch (error) {
      rmSync(outDir, { recursive: true, force: true });
      throw error;
    }
  }
  return JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected;
}

const availability = pyicebergAvailability();
// Generated at collection time (once per run) because the tables and scans name the tests.
const expected: Expected | undefined = availability.available ? generateTables() : undefined;
if (!availability.available) console.warn(`PyIceberg cross-check not run: ${availability.reason}`);

describe.skipIf(!availability.available)('tables written by PyIceberg, read by iceberg-rx', () => {
  it('records the PyIceberg limitations the matrix works around', () => {
    console.info(`written by ${expected!.writer}; PyIceberg limitations:\n- ${expected!.limitations.join('\n- ')}`);
    expect(expected!.tables.length).toBeGreaterThanOrEqual(20);
    expect(expected!.tables.map((t) => t.formatVersion)).toEqual(expect.arrayContaining([1, 2]));
  });

  for (const table of expected?.tables ?? []) {
    describe(`${table.name} (v${table.formatVersion}: ${table.features.join(', ')})`, () => {
      for (const scan of table.scans) {
        const title = scan.semantics ? `${scan.name} (PyIceberg ran "${scan.pyicebergFilter}": ${scan.semantics})` : scan.name;
        it(title, async () => {
          const ours = await scanWithIcebergRx(table.metadataPath, scan);
          expect([...ours.columns].sort()).toEqual([...scan.columns].sort());
          if (!scan.select) expect(ours.columns).toEqual(scan.columns);
          if (scan.limit !== null && scan.limit !== undefined) {
            expect(ours.rows).toHaveLength(Math.min(scan.limit, scan.rows.length));
            expect(notContained(ours.rows, scan.rows)).toEqual([]);
          } else if (scan.ordered) {
            expect(ours.rows.map(canonicalRow)).toEqual(scan.rows.map(canonicalRow));
          } else {
            expect(sortedCanonical(ours.rows)).toEqual(sortedCanonical(scan.rows));
          }
        });
      }
    });
  }
});

if (!availability.available) {
  describe('tables written by PyIceberg', () => {
    it.skip(`PyIceberg cross-check not run: ${availability.reason}`, () => {});
  });
}
