/**
 * End-to-end property: for random small tables (random partition specs, several files, one with
 * several row groups) and random filters, a filtered scan returns exactly the rows the row
 * evaluator accepts on an unfiltered scan — pruning at every level never changes results.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindExpression } from '../../src/expr/bind.ts';
import { evaluateRows } from '../../src/expr/evaluate-rows.ts';
import type { Expression } from '../../src/expr/expression.ts';
import { filterPlugin } from '../../src/expr/filter-plugin.ts';
import { parseDateText } from '../../src/expr/literals.ts';
import { applyTransform, parseTransform } from '../../src/expr/transforms.ts';
import { primType, type Value } from '../../src/expr/types.ts';
import { applyDeletes } from '../../src/operators/apply-deletes.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { buildTable } from '../builder/build-table.ts';
import type { PartitionFieldInput } from '../builder/table-description.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'filter-scan-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SCHEMA = [
  { id: 1, name: 'id', type: 'long', required: true },
  { id: 2, name: 'a', type: 'int' },
  { id: 3, name: 's', type: 'string' },
  { id: 4, name: 'ts', type: 'timestamp' },
  { id: 5, name: 'c', type: 'double' },
  { id: 6, name: 'd', type: 'date' },
];
const SPECS: PartitionFieldInput[][] = [
  [], [{ source: 'a', transform: 'identity' }], [{ source: 'id', transform: 'bucket[4]' }], [{ source: 's', transform: 'truncate[1]' }],
  [{ source: 'ts', transform: 'day' }], [{ source: 'd', transform: 'month' }, { source: 's', transform: 'identity' }],
  [{ source: 'a', transform: 'truncate[5]' }], [{ source: 'ts', transform: 'hour' }], [{ source: 'c', transform: 'void' }],
];
const HOUR = 3_600_000_000n;
const S_VALUES = ['', 'a', 'ab', 'abc', 'b', 'ba', 'zz'];
const D_VALUES = ['1969-12-31', '1970-01-01', '1970-02-15', '2024-01-26', '2024-03-01'];
const rowArb = fc.record({
  a: fc.option(fc.integer({ min: -12, max: 12 }), { nil: null, freq: 5 }),
  s: fc.option(fc.constantFrom(...S_VALUES), { nil: null, freq: 5 }),
  ts: fc.option(fc.bigInt({ min: -30n * HOUR, max: 30n * HOUR }).map((v) => (v / 900_000_000n) * 900_000_000n), { nil: null, freq: 5 }),
  c: fc.option(fc.constantFrom(NaN, -1.5, 0, 2, 3.25), { nil: null, freq: 5 }),
  d: fc.option(fc.constantFrom(...D_VALUES), { nil: null, freq: 5 }),
});

const tsText = (v: bigint): string => new Date(Number(v / 1000n)).toISOString().replace('Z', '');
const leafArb: fc.Arbitrary<Expression> = fc.oneof(
  fc.tuple(fc.constantFrom('eq', 'notEq', 'lt', 'ltEq', 'gt', 'gtEq'), fc.integer({ min: -13, max: 13 })).map(([op, value]) => ({ op, term: 'a', value }) as Expression),
  fc.tuple(fc.constantFrom('in', 'notIn'), fc.array(fc.integer({ min: -13, max: 13 }), { minLength: 1, maxLength: 3 })).map(([op, values]) => ({ op, term: 'a', values }) as Expression),
  fc.tuple(fc.constantFrom('eq', 'notEq', 'lt', 'gtEq', 'startsWith', 'notStartsWith'), fc.constantFrom(...S_VALUES)).map(([op, value]) => ({ op, term: 's', value }) as Expression),
  fc.tuple(fc.constantFrom('eq', 'lt', 'ltEq', 'gt', 'gtEq', 'notEq'), fc.bigInt({ min: -31n * HOUR, max: 31n * HOUR })).map(([op, v]) => ({ op, term: 'ts', value: tsText((v / 900_000_000n) * 900_000_000n) }) as Expression),
  fc.tuple(fc.constantFrom('eq', 'lt', 'gt', 'notEq'), fc.constantFrom(-1.5, 0, 2, 2.5)).map(([op, value]) => ({ op, term: 'c', value }) as Expression),
  fc.tuple(fc.constantFrom('eq', 'lt', 'gtEq', 'notEq'), fc.constantFrom(...D_VALUES)).map(([op, value]) => ({ op, term: 'd', value }) as Expression),
  fc.tuple(fc.constantFrom('lt', 'gtEq', 'eq'), fc.integer({ min: 0, max: 40 })).map(([op, value]) => ({ op, term: 'id', value }) as Expression),
  fc.tuple(fc.constantFrom('isNull', 'notNull'), fc.constantFrom('a', 's', 'ts', 'c', 'd')).map(([op, term]) => ({ op, term }) as Expression),
  fc.constantFrom('isNaN', 'notNaN').map((op) => ({ op, term: 'c' }) as Expression),
);
const exprArb: fc.Arbitrary<Expression> = fc.letrec<{ e: Expression }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    leafArb,
    fc.tuple(tie('e'), tie('e')).map(([left, right]) => ({ op: 'and', left, right }) as Expression),
    fc.tuple(tie('e'), tie('e')).map(([left, right]) => ({ op: 'or', left, right }) as Expression),
    tie('e').map((child) => ({ op: 'not', child }) as Expression),
  ),
})).e;

const plugins = { filter: filterPlugin, deletes: applyDeletes() };

type Row = { id: number; a: number | null; s: string | null; ts: bigint | null; c: number | null; d: string | null };
const TYPE_OF: Record<string, string> = { id: 'long', a: 'int', s: 'string', ts: 'timestamp', c: 'double', d: 'date' };
function canonical(name: string, v: unknown): Value | null {
  if (v === null) return null;
  if (name === 'id') return BigInt(v as number);
  if (name === 'd') return parseDateText(v as string);
  return v as Value;
}
/** Rows grouped so that each group has one partition tuple (the builder requires it). */
function splitByPartition(rows: Row[], spec: PartitionFieldInput[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify(spec.map((f) => {
      const name = f.source as string;
      const v = applyTransform(parseTransform(f.transform), primType(TYPE_OF[name])!, canonical(name, r[name as keyof Row]));
      return typeof v === 'bigint' ? v.toString() : v;
    }));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

describe('filtered scans equal the row evaluator on unpruned scans', () => {
  it('holds for random tables and filters', async () => {
    let run = 0;
    const pruned = { files: 0, rowGroups: 0, manifests: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: SPECS.length - 1 }), fc.integer({ min: 1, max: 3 }), exprArb,
        async (rows, specIndex, fileCount, expr) => {
          const dir = join(root, `t${run++}`);
          const withIds: Row[] = rows.map((r, i) => ({ id: i, ...r }));
          const chunk = Math.ceil(withIds.length / fileCount);
          const files = Array.from({ length: fileCount }, (_, k) => withIds.slice(k * chunk, (k + 1) * chunk))
            .flatMap((f) => splitByPartition(f, SPECS[specIndex]));
          const built = await buildTable(dir, {
            schema: SCHEMA,
            partitionSpec: SPECS[specIndex],
            steps: files.map((f, k) => ({ append: [{ rows: f, rowGroupSize: k === 0 ? 3 : 1_000_000 }] })),
          });
          const table = await loadTable(built.dir, { plugins });
          const bound = bindExpression(expr, table.schema());
          const expected: number[] = [];
          for (const batch of (await table.scan().toTable()).batches) {
            const sel = evaluateRows(bound, batch);
            const ids = batch.getChild('id')!;
            sel.forEach((keep, i) => keep && expected.push(Number(ids.get(i))));
          }
          const filtered = table.scan({ filter: expr });
          const actual = Array.from((await filtered.toTable()).getChild('id')?.toArray() ?? [], Number);
          expect(actual.sort((x, y) => x - y)).toEqual(expected.sort((x, y) => x - y));
          pruned.files += filtered.stats.pruned.dataFiles;
          pruned.rowGroups += filtered.stats.rowGroupsSkipped;
          pruned.manifests += filtered.stats.pruned.manifests;
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 30, seed: 424242 },
    );
    // Meaningful only if pruning happened at every level along the way.
    expect(pruned.files).toBeGreaterThan(0);
    expect(pruned.rowGroups).toBeGreaterThan(0);
    expect(pruned.manifests).toBeGreaterThan(0);
  });
});
