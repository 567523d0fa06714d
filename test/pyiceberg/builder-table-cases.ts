/**
 * Tables for the reverse cross-check: descriptions for the test builder, each with the scans PyIceberg and iceberg-rx both run.
 */
import type { BuiltTable, DataFileInput, FieldInput, PartitionFieldInput, TableDescription } from '../builder/table-description.ts';
import { applyTransform } from '../builder/transforms.ts';
import { toCanonical } from '../builder/values.ts';
import type { ScanRequest } from './scan-with-iceberg-rx.ts';

/** A scan of a built table; `snapshot` names a builder snapshot label (resolved to its id). */
export interface BuilderScan extends Omit<ScanRequest, 'snapshotId'> {
  readonly name: string;
  readonly snapshot?: string;
  /**
   * Where PyIceberg's null semantics differ from iceberg-rx's documented ones (src/expr/expression.ts):
   * the filter PyIceberg runs instead, stating the difference explicitly, and what differs.
   */
  readonly pyicebergFilter?: string;
  readonly semantics?: string;
  /** Row count both readers must return (checked where deletes make it worth stating). */
  readonly rowCount?: number;
}

/** A table the builder writes and the scans to compare. */
export interface BuilderCase {
  readonly name: string;
  readonly description: TableDescription;
  readonly scans: readonly BuilderScan[];
  /**
   * Set when PyIceberg cannot read the table: the test then asserts that PyIceberg fails with an
   * error matching `pattern` (so the day it can read it, the test says so) and skips the comparison.
   */
  readonly pyicebergLimitation?: { readonly reason: string; readonly pattern: RegExp };
}

const TYPES: readonly FieldInput[] = [
  { id: 1, name: 'id', type: 'long', required: true },
  { id: 2, name: 'b', type: 'boolean' },
  { id: 3, name: 'i', type: 'int' },
  { id: 4, name: 'l', type: 'long' },
  { id: 5, name: 'f', type: 'float' },
  { id: 6, name: 'dbl', type: 'double' },
  { id: 7, name: 'dec', type: 'decimal(9,2)' },
  { id: 8, name: 'dec38', type: 'decimal(38,6)' },
  { id: 9, name: 'd', type: 'date' },
  { id: 10, name: 't', type: 'time' },
  { id: 11, name: 'ts', type: 'timestamp' },
  { id: 12, name: 'tstz', type: 'timestamptz' },
  { id: 13, name: 's', type: 'string' },
  { id: 14, name: 'u', type: 'uuid' },
  { id: 15, name: 'fx', type: 'fixed[3]' },
  { id: 16, name: 'bin', type: 'binary' },
  {
    id: 17,
    name: 'st',
    type: {
      type: 'struct',
      fields: [
        { id: 20, name: 'x', type: 'int', required: false },
        { id: 21, name: 'y', type: 'string', required: false },
      ],
    },
  },
  { id: 18, name: 'lst', type: { type: 'list', elementId: 22, elementRequired: false, element: 'long' } },
  {
    id: 19,
    name: 'mp',
    type: { type: 'map', keyId: 23, key: 'string', valueId: 24, valueRequired: false, value: 'double' },
  },
];

/** iceberg-rx keeps null rows for IS NOT NAN (as Java's Evaluator does); PyIceberg drops them. */
export const NOT_NAN_NULLS =
  'null rows: iceberg-rx (like Java\'s Evaluator) keeps null rows for IS NOT NAN; PyIceberg drops them (pyarrow null propagation)';
/** iceberg-rx treats != and NOT IN as false for null (SQL WHERE); PyIceberg keeps null rows (as Java's Evaluator does). */
export const NOT_EQUAL_NULLS =
  'null rows: iceberg-rx treats != and NOT IN as false for null (SQL WHERE); PyIceberg (like Java\'s Evaluator) keeps them';

const WORDS = ['alpha', 'beta', 'gamma', '', 'ünïcode ☃', 'alpine'];
const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.1, 1e300];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Friendly-form rows for the all-types table; every 5th value of a column is null. */
export function typeRows(start: number, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, k) => {
    const r = start + k;
    const nul = <T>(v: T, every = 5): T | null => (r % every === every - 1 ? null : v);
    return {
      id: BigInt(r),
      b: nul(r % 2 === 0, 4),
      i: nul(r * 3 - 10),
      l: nul([BigInt(r), 2n ** 53n + BigInt(r), -(2n ** 62n), 2n ** 63n - 1n][r % 4], 7),
      f: nul(r % 3 === 0 ? SPECIAL[r % 6] : r * 0.75),
      dbl: nul(r % 4 === 1 ? SPECIAL[r % 6] : r / 7),
      dec: nul(`${r % 2 ? '-' : ''}${r}.${pad(r % 100)}`),
      dec38: nul(`${r}12345678901234567890123456.${pad(r, 6)}`, 6),
      d: nul(`20${pad(20 + (r % 9))}-${pad(1 + (r % 12))}-${pad(1 + (r % 28))}`),
      t: nul(`${pad(r % 24)}:${pad((r * 7) % 60)}:${pad((r * 13) % 60)}.${pad(r * 37, 6)}`),
      ts: nul(`2024-0${1 + (r % 9)}-1${r % 10}T${pad(r % 24)}:30:00.${pad(r, 6)}`),
      tstz: nul(`2023-12-31T23:${pad(r % 60)}:59.999999Z`),
      s: nul(WORDS[r % WORDS.length]!, 6),
      u: nul(`${pad(r % 100)}345678-1234-5678-9abc-def012345678`),
      fx: nul(new Uint8Array([r % 256, 7, 255])),
      bin: nul(new Uint8Array(Array.from({ length: r % 5 }, (_, j) => j * 31))),
      st: r % 9 === 8 ? null : { x: nul(r), y: `y${r}` },
      lst: r % 8 === 7 ? null : [BigInt(r), null, BigInt(r * 2)].slice(0, r % 4),
      mp: r % 6 === 5 ? null : Array.from({ length: r % 3 }, (_, j) => [`k${j}`, j === 1 ? null : r + j / 2]),
    };
  });
}

const PART_FIELDS: readonly FieldInput[] = [
  { id: 1, name: 'id', type: 'long', required: true },
  { id: 2, name: 'cat', type: 'string' },
  { id: 3, name: 'name', type: 'string' },
  { id: 4, name: 'ts', type: 'timestamp' },
  { id: 5, name: 'd', type: 'date' },
  { id: 6, name: 'n', type: 'int' },
];

/** Friendly-form rows for the partitioned tables. */
export function partRows(start: number, count: number, cat?: string): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, k) => {
    const r = start + k;
    return {
      id: BigInt(r),
      cat: cat ?? (r % 7 === 6 ? null : ['a', 'b', 'c'][r % 3]),
      name: ['apple', 'apricot', 'banana', 'cherry'][r % 4] + String(r),
      ts: `2024-01-${pad(1 + (r % 3))}T${pad((r * 5) % 24)}:15:00`,
      d: r % 11 === 10 ? null : `2023-${pad(1 + (r % 12))}-15`,
      n: r * 4 - 30,
    };
  });
}

const PART_SCANS: readonly BuilderScan[] = [
  { name: 'full' },
  { name: 'projection', select: ['name', 'id'] },
  { name: 'partition eq', filter: "cat = 'a'" },
  { name: 'partition null', filter: 'cat is null' },
  { name: 'id range', filter: 'id >= 5 and id < 30' },
  { name: 'timestamp', filter: "ts < '2024-01-02T06:00:00'" },
  { name: 'prefix', filter: "name like 'ap%'" },
  { name: 'limit', limit: 7 },
];

/** Splits rows into one data file per partition (the builder writes one partition per file). */
function filesByPartition(rows: readonly Record<string, unknown>[], spec: readonly PartitionFieldInput[]): DataFileInput[] {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    const key = spec.map((p) => {
      const field = PART_FIELDS.find((f) => f.name === p.source)!;
      const value = applyTransform(p.transform, field.type, toCanonical(field.type, row[field.name] ?? null));
      return typeof value === 'bigint' ? `${value}n` : JSON.stringify(value ?? null);
    });
    const k = key.join('|');
    groups.set(k, [...(groups.get(k) ?? []), row]);
  }
  return [...groups.values()].map((group) => ({ rows: group }));
}

function partitioned(version: 1 | 2, spec: readonly PartitionFieldInput[]): TableDescription {
  return {
    formatVersion: version,
    schema: PART_FIELDS,
    partitionSpec: spec,
    steps: [
      { label: 'first', append: filesByPartition(partRows(0, 20), spec) },
      { append: filesByPartition(partRows(20, 20), spec) },
    ],
  };
}

/** Every case of the reverse cross-check. */
export const BUILDER_CASES: readonly BuilderCase[] = [
  ...([1, 2] as const).map((version): BuilderCase => ({
    name: `types_v${version}`,
    description: {
      formatVersion: version,
      schema: TYPES,
      steps: [
        { label: 'first', append: [{ rows: typeRows(0, 15) }] },
        { tag: 'first_tag', snapshot: 'first' },
        { append: [{ rows: typeRows(15, 15) }, { rows: typeRows(30, 6) }] },
      ],
    },
    scans: [
      { name: 'full' },
      { name: 'projection', select: ['id', 'st', 'mp'] },
      { name: 'long', filter: 'l > 20' },
      { name: 'string in', filter: "s in ('alpha', '')" },
      { name: 'double not nan', filter: 'dbl is not nan', pyicebergFilter: 'dbl is not nan or dbl is null', semantics: NOT_NAN_NULLS },
      { name: 'string not in', filter: "s not in ('alpha')", pyicebergFilter: "s not in ('alpha') and s is not null", semantics: NOT_EQUAL_NULLS },
      { name: 'date', filter: "d >= '2024-06-01'" },
      { name: 'older snapshot', snapshot: 'first' },
      { name: 'tag', ref: 'first_tag' },
      { name: 'limit', limit: 4 },
    ],
  })),
  ...([1, 2] as const).map((version): BuilderCase => ({
    name: `partitioned_v${version}`,
    description: partitioned(version, [
      { source: 'cat', transform: 'identity' },
      { source: 'id', transform: 'bucket[3]' },
      { source: 'name', transform: 'truncate[2]' },
    ]),
    scans: PART_SCANS,
  })),
  {
    name: 'partitioned_by_time_v2',
    description: partitioned(2, [
      { source: 'ts', transform: 'day' },
      { source: 'd', transform: 'month' },
    ]),
    scans: PART_SCANS,
  },
  {
    name: 'partitioned_by_year_hour_v2',
    description: partitioned(2, [
      { source: 'd', transform: 'year' },
      { source: 'ts', transform: 'hour' },
    ]),
    scans: PART_SCANS,
  },
  ...([1, 2] as const).map((version): BuilderCase => ({
    name: `spec_evolution_v${version}`,
    description: {
      formatVersion: version,
      schema: PART_FIELDS,
      steps: [
        { label: 'unpartitioned', append: [{ rows: partRows(0, 10) }] },
        { evolveSpec: [{ source: 'cat', transform: 'identity' }] },
        { append: filesByPartition(partRows(10, 12), [{ source: 'cat', transform: 'identity' }]) },
      ],
    },
    scans: [
      { name: 'full', rowCount: 22 },
      { name: 'partition eq', filter: "cat = 'b'" },
      { name: 'older snapshot', snapshot: 'unpartitioned', filter: 'id < 5' },
    ],
  })),
  {
    name: 'position_deletes_v2',
    description: {
      formatVersion: 2,
      schema: PART_FIELDS,
      steps: [
        { label: 'data', append: [{ name: 'a', rows: partRows(0, 30) }, { name: 'b', rows: partRows(30, 30) }] },
        { label: 'deleted', positionDeletes: [{ positions: { a: [0, 3, 29], b: [10, 11] } }] },
        { positionDeletes: [{ positions: { a: [4], b: [0, 59 - 30] } }] },
      ],
    },
    scans: [
      { name: 'full', rowCount: 52 },
      { name: 'before deletes', snapshot: 'data', rowCount: 60 },
      { name: 'after first delete', snapshot: 'deleted', rowCount: 55 },
      { name: 'filtered', filter: 'n > 10' },
      { name: 'limit', limit: 12 },
    ],
  },
  {
    name: 'equality_deletes_v2',
    description: {
      formatVersion: 2,
      schema: PART_FIELDS,
      steps: [
        { append: [{ rows: partRows(0, 20) }] },
        { equalityDeletes: [{ equalityIds: ['cat'], rows: [{ cat: 'b' }] }] },
      ],
    },
    scans: [{ name: 'full' }],
    pyicebergLimitation: {
      reason: 'PyIceberg 0.12 does not read equality delete files',
      pattern: /does not yet support equality deletes/,
    },
  },
  {
    name: 'name_mapping_v2',
    description: {
      formatVersion: 2,
      schema: PART_FIELDS,
      nameMapping: true,
      steps: [{ append: [{ rows: partRows(0, 12), withoutFieldIds: true }, { rows: partRows(12, 12) }] }],
    },
    scans: [{ name: 'full' }, { name: 'projection', select: ['n', 'cat'] }, { name: 'filtered', filter: 'n >= 0' }],
  },
  {
    name: 'v3_plain',
    description: {
      formatVersion: 3,
      schema: PART_FIELDS,
      steps: [{ label: 'first', append: [{ rows: partRows(0, 15) }] }, { append: [{ rows: partRows(15, 15) }] }],
    },
    scans: [{ name: 'full' }, { name: 'older snapshot', snapshot: 'first' }, { name: 'filtered', filter: "cat = 'b'" }],
  },
  {
    name: 'v3_deletion_vectors',
    description: {
      formatVersion: 3,
      schema: PART_FIELDS,
      steps: [
        { append: [{ name: 'a', rows: partRows(0, 20) }, { name: 'b', rows: partRows(20, 20) }] },
        { deletionVectors: [{ dataFile: 'a', positions: [0, 5, 19] }, { dataFile: 'b', positions: [7] }] },
      ],
    },
    scans: [{ name: 'full', rowCount: 36 }, { name: 'filtered', filter: 'id > 10' }],
  },
  ...([1, 2] as const).map((version): BuilderCase => ({
    name: `schema_evolution_v${version}`,
    description: {
      formatVersion: version,
      schema: [
        { id: 1, name: 'id', type: 'int', required: true },
        { id: 2, name: 'f', type: 'float' },
        { id: 3, name: 'name', type: 'string' },
        { id: 4, name: 'extra', type: 'string' },
      ],
      steps: [
        { label: 'v0', append: [{ rows: [{ id: 1, f: 0.5, name: 'one', extra: 'x' }, { id: 2, f: null, name: null, extra: 'y' }] }] },
        { evolveSchema: { add: [{ id: 5, name: 'added', type: 'string' }] } },
        { append: [{ rows: [{ id: 3, f: 3.25, name: 'three', extra: null, added: 'a3' }] }] },
        { evolveSchema: { rename: { name: 'label' } } },
        { label: 'renamed', append: [{ rows: [{ id: 4, f: 4.5, label: 'four', extra: 'z', added: null }] }] },
        { evolveSchema: { drop: ['extra'], promote: { id: 'long', f: 'double' } } },
        { append: [{ rows: [{ id: 2n ** 40n, f: 1e300, label: 'big', added: 'a5' }] }] },
      ],
    },
    scans: [
      { name: 'full' },
      { name: 'projection', select: ['label', 'added'] },
      { name: 'filter promoted', filter: 'id > 2' },
      { name: 'filter added null', filter: 'added is null' },
      { name: 'snapshot before changes', snapshot: 'v0' },
      { name: 'snapshot after rename', snapshot: 'renamed' },
    ],
  })),
];

/** The snapshot id (decimal string) of a builder label. */
export function snapshotIdOf(built: BuiltTable, label: string): string {
  return built.snapshot(label).snapshotId.toString();
}
