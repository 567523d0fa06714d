/**
 * Table builder oracle (`expectedRows`): hand-checked delete and projection cases, then random
 * tables whose oracle rows must equal what `loadTable(...).scan()` returns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNdjsonFormatter } from '../../../src/format/ndjson.ts';
import { loadTable } from '../../../src/table/load-table.ts';
import { buildTable } from '../../builder/build-table.ts';
import type { CommitStep, TableDescription, TableStep } from '../../builder/table-description.ts';
import { readAvro } from './read-back.ts';

let root: string;
let n = 0;
const dir = () => join(root, `t${n++}`);
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'builder-oracle-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const schema = [
  { id: 1, name: 'id', type: 'int', required: true },
  { id: 2, name: 'v', type: 'string' },
  { id: 3, name: 'p', type: 'string' },
] as const;
const sortById = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => Number(a.id) - Number(b.id) || String(a.v).localeCompare(String(b.v)));

describe('expectedRows', () => {
  it('applies sequence-number boundaries, partition scope and global equality deletes', async () => {
    const t = await buildTable(dir(), {
      schema,
      steps: [
        { evolveSpec: [{ source: 'p', transform: 'identity' }] }, // spec 1; spec 0 stays unpartitioned
        { label: 'a', append: [{ name: 'x', rows: [0, 1, 2, 3].map((i) => ({ id: i, v: `x${i}`, p: 'x' })) }, { name: 'y', rows: [{ id: 1, v: 'y1', p: 'y' }] }] },
        // partition-scoped (only p=x), global (spec 0), and a position delete
        { label: 'b', equalityDeletes: [{ equalityIds: ['id'], rows: [{ id: 1, p: 'x' }] }, { specId: 0, equalityIds: ['id'], rows: [{ id: 2 }] }], positionDeletes: [{ positions: { x: [3] } }] },
        // rows added in the same commit as an equality delete survive it; a same-commit position delete applies
        { label: 'c', append: [{ name: 'z', rows: [{ id: 2, v: 'z2', p: 'x' }, { id: 5, v: 'z5', p: 'x' }] }], equalityDeletes: [{ specId: 0, equalityIds: ['id'], rows: [{ id: 2 }] }], positionDeletes: [{ positions: { z: [1] } }] },
      ],
    });
    expect(sortById(t.expectedRows('b'))).toEqual([
      { id: 0, v: 'x0', p: 'x' },
      { id: 1, v: 'y1', p: 'y' },
    ]);
    expect(sortById(t.expectedRows())).toEqual([
      { id: 0, v: 'x0', p: 'x' },
      { id: 1, v: 'y1', p: 'y' },
      { id: 2, v: 'z2', p: 'x' },
    ]);
    expect(sortById(t.expectedRows('a'))).toHaveLength(5);
  });

  it('projects by field id: renames, added columns with defaults, promotions, identity partition values', async () => {
    const t = await buildTable(dir(), {
      formatVersion: 3,
      schema: [
        { id: 1, name: 'id', type: 'int', required: true },
        { id: 2, name: 'p', type: 'string' },
      ],
      partitionSpec: [{ source: 'p', transform: 'identity' }],
      steps: [
        { append: [{ name: 'old', omitColumns: ['p'], partition: { p: 'from-metadata' }, rows: [{ id: 1 }] }] },
        { evolveSchema: { rename: { id: 'key' }, promote: { id: 'long' }, add: [{ name: 'd', type: 'double', initialDefault: 0.5 }] } },
        { append: [{ name: 'new', rows: [{ key: 2 ** 40, p: 'q', d: NaN }] }] },
      ],
    });
    expect(sortById(t.expectedRows().map((r) => ({ ...r, id: r.key })))).toEqual([
      { id: 1, key: 1, p: 'from-metadata', d: 0.5 },
      { id: 2 ** 40, key: 2 ** 40, p: 'q', d: 'NaN' },
    ]);
  });

  it('honours an explicit older data sequence number (a late file that older equality deletes still hit)', async () => {
    const t = await buildTable(dir(), {
      schema,
      steps: [
        { append: [{ name: 'f1', rows: [{ id: 1, v: 'a' }] }] },
        { equalityDeletes: [{ equalityIds: ['id'], rows: [{ id: 1 }] }] },
        { append: [{ name: 'late', sequenceNumber: 1, rows: [{ id: 1, v: 'late' }, { id: 2, v: 'kept' }] }, { name: 'new', rows: [{ id: 1, v: 'new' }] }] },
      ],
    });
    expect(t.files.late!.sequenceNumber).toBe(1);
    expect(sortById(t.expectedRows())).toEqual([
      { id: 1, v: 'new', p: null },
      { id: 2, v: 'kept', p: null },
    ]);
    const table = await loadTable(t.dir);
    const scanned = (await table.scan().toTable()).toArray().map((r) => ({ id: r.id, v: r.v, p: r.p }));
    expect(sortById(scanned)).toEqual(sortById(t.expectedRows()));
    const entries = (await readAvro((await readAvro(t.snapshots[2]!.manifestList)).records[0]!.manifest_path as string)).records;
    expect(entries.map((e) => [e.sequence_number, e.file_sequence_number])).toEqual([
      [1n, null],
      [null, null],
    ]);
  });

  it('lets a deletion vector supersede position delete files of the same data file', async () => {
    const t = await buildTable(dir(), {
      schema,
      steps: [
        { append: [{ name: 'f', rows: [0, 1, 2].map((i) => ({ id: i })) }] },
        { positionDeletes: [{ positions: { f: [0] } }] },
        { upgradeFormatVersion: 3 },
        { deletionVectors: [{ dataFile: 'f', positions: [1], mergeExisting: false }] },
      ],
    });
    // the DV (without position 0) wins: a reader must not also apply the older position delete file
    expect(sortById(t.expectedRows()).map((r) => r.id)).toEqual([0, 2]);
  });
});

/** A random history of appends and deletes over a small partitioned or unpartitioned table. */
const randomTable = fc
  .record({
    formatVersion: fc.constantFrom(2 as const, 3 as const),
    partitioned: fc.boolean(),
    steps: fc.array(
      fc.record({
        files: fc.array(fc.array(fc.record({ id: fc.integer({ min: 0, max: 6 }), p: fc.constantFrom('a', 'b') }), { minLength: 1, maxLength: 4 }), { maxLength: 2 }),
        posDeletes: fc.array(fc.nat(30), { maxLength: 3 }),
        eqIds: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 2 }),
        globalEq: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ formatVersion, partitioned, steps }) => {
    const out: TableStep[] = partitioned ? [{ evolveSpec: [{ source: 'p', transform: 'identity' }] }] : [];
    const live: { name: string; rows: number; p: string }[] = [];
    steps.forEach((s, i) => {
      const step: { -readonly [K in keyof CommitStep]: CommitStep[K] } = {};
      // one partition per file when partitioned
      step.append = s.files.map((rows, j) => {
        const name = `f${i}_${j}`;
        const p = rows[0]!.p;
        live.push({ name, rows: rows.length, p });
        return { name, rows: rows.map((r, k) => ({ id: r.id, v: `${name}:${k}`, p: partitioned ? p : r.p })) };
      });
      const targets = s.posDeletes.map((x) => live[x % Math.max(live.length, 1)]).filter((f) => f !== undefined);
      if (formatVersion === 2) {
        step.positionDeletes = targets.map((f, k) => ({ positions: { [f!.name]: [k % f!.rows] } }));
      } else {
        const byFile = new Map(targets.map((f) => [f!.name, f!]));
        step.deletionVectors = [...byFile.values()].map((f) => ({ dataFile: f.name, positions: [f.rows - 1] }));
      }
      if (s.eqIds.length) {
        const global = s.globalEq || !partitioned;
        step.equalityDeletes = [{ equalityIds: ['id'], ...(global ? { specId: 0 } : {}), rows: s.eqIds.map((id) => (global ? { id } : { id, p: 'a' })) }];
      }
      out.push(step);
    });
    return { formatVersion, schema, steps: out } satisfies TableDescription;
  });

describe('expectedRows agrees with loadTable + scan on random tables', () => {
  it('for every snapshot of 12 random histories', async () => {
    await fc.assert(
      fc.asyncProperty(randomTable, async (description) => {
        const t = await buildTable(dir(), description);
        const table = await loadTable(t.dir);
        for (const s of t.snapshots) {
          const scanned = (await table.scan({ snapshotId: s.snapshotId }).toTable()).toArray().map((r) => ({ id: r.id, v: r.v, p: r.p }));
          expect(sortById(scanned), `snapshot ${s.label}`).toEqual(sortById(t.expectedRows(s.label)));
        }
      }),
      { numRuns: 12, seed: 20261126 },
    );
  }, 60_000);
});

describe('expectedRows agrees with loadTable + scan + NDJSON across schema evolution', () => {
  it('for 10 random tables with promoted, renamed, dropped and added columns', async () => {
    const rowsBefore = fc.array(
      fc.record({ id: fc.integer({ min: -5, max: 5 }), v: fc.option(fc.float({ noNaN: true }), { nil: null }), s: fc.option(fc.string({ maxLength: 3 }), { nil: null }) }),
      { minLength: 1, maxLength: 4 },
    );
    const rowsAfter = fc.array(fc.record({ id: fc.integer({ min: -5, max: 5 }), v: fc.option(fc.double({ noNaN: true }), { nil: null }), e: fc.option(fc.integer(), { nil: null }) }), { maxLength: 4 });
    const cases = fc.record({ v3: fc.boolean(), before: rowsBefore, after: rowsAfter, rename: fc.boolean(), drop: fc.boolean(), partitioned: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const t = await buildTable(dir(), {
          formatVersion: c.v3 ? 3 : 2,
          schema: [
            { id: 1, name: 'id', type: 'int', required: true },
            { id: 2, name: 'v', type: 'float' },
            { id: 3, name: 's', type: 'string' },
          ],
          partitionSpec: c.partitioned ? [{ source: 'id', transform: 'bucket[2]' }] : [],
          steps: [
            { label: 'old', append: c.before.map((r) => ({ rows: [r] })) },
            {
              evolveSchema: {
                promote: { id: 'long', v: 'double' },
                add: [{ name: 'e', type: 'int', ...(c.v3 ? { initialDefault: 42 } : {}) }],
                ...(c.rename ? { rename: { v: 'w' } } : {}),
                ...(c.drop ? { drop: ['s'] } : {}),
              },
            },
            ...(c.after.length ? [{ append: c.after.map((r) => ({ rows: [c.rename ? { id: r.id, w: r.v, e: r.e } : r] })) }] : []),
          ],
        });
        const table = await loadTable(t.dir);
        const ndjson = async (scan: ReturnType<typeof table.scan>) => {
          const batches = await lastValueFrom(scan.batches().pipe(toArray()));
          return batches.flatMap((b) => createNdjsonFormatter(b.schema)(b).split('\n').filter(Boolean).map((l) => JSON.parse(l)));
        };
        const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
        expect(sorted(await ndjson(table.scan()))).toEqual(sorted(t.expectedRows()));
        // time travel to the first snapshot reads with that snapshot's schema
        expect(sorted(await ndjson(table.scan({ snapshotId: t.snapshot('old').snapshotId })))).toEqual(sorted(t.expectedRows('old')));
      }),
      { numRuns: 10, seed: 7 },
    );
  }, 60_000);
});
