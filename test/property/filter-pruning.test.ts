/**
 * Property: for random small files and random filters, no pruning level (partition tuple, column
 * metrics, manifest summaries, Parquet row-group statistics) rejects a file or row group holding a
 * row the row evaluator accepts; residuals agree with the full filter on every row of their file;
 * and the vectorised Arrow evaluator agrees with the scalar semantics.
 */
import * as arrow from 'apache-arrow';
import fc from 'fast-check';
import { parquetMetadata } from 'hyparquet';
import * as pw from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { absentColumns } from '../../src/expr/absent-column.ts';
import { bindExpression, type BoundExpression } from '../../src/expr/bind.ts';
import { evaluateRows } from '../../src/expr/evaluate-rows.ts';
import type { Expression, Literal } from '../../src/expr/expression.ts';
import { formatDecimal } from '../../src/expr/literals.ts';
import { manifestMightMatch, type PartitionFieldSummary } from '../../src/expr/manifest-evaluator.ts';
import { metricsMightMatch, partitionMightMatch } from '../../src/expr/metrics-evaluator.ts';
import { residualFor } from '../../src/expr/residual.ts';
import { rowGroupMightMatch } from '../../src/expr/row-group-evaluator.ts';
import { decodeJsonValue } from '../../src/expr/serialized-values.ts';
import { evaluateRecord } from '../../src/expr/test-value.ts';
import { applyTransform, decimalBytes, parseTransform, resultType } from '../../src/expr/transforms.ts';
import { compareValues, primType, truncateCodePoints, type PrimType, type Value } from '../../src/expr/types.ts';
import type { ContentFile } from '../../src/metadata/content-file.ts';
import type { PartitionSpec } from '../../src/metadata/partition-spec.ts';
import type { Schema } from '../../src/metadata/schema.ts';

const COLUMNS = [
  { id: 1, name: 'a', type: 'int' },
  { id: 2, name: 'b', type: 'long' },
  { id: 3, name: 'c', type: 'double' },
  { id: 4, name: 's', type: 'string' },
  { id: 5, name: 'd', type: 'date' },
  { id: 6, name: 'ts', type: 'timestamp' },
  { id: 7, name: 'dec', type: 'decimal(9,2)' },
  { id: 8, name: 'flag', type: 'boolean' },
  { id: 9, name: 'fl', type: 'float' },
  { id: 10, name: 't', type: 'time' },
  { id: 11, name: 'u', type: 'uuid' },
  { id: 12, name: 'bin', type: 'binary' },
] as const;
type Row = (Value | null)[];

const SCHEMA: Schema = {
  type: 'struct', schemaId: 0, identifierFieldIds: [],
  fields: COLUMNS.map((c) => ({ id: c.id, name: c.name, required: false, type: c.type })),
};
const TYPES = COLUMNS.map((c) => primType(c.type)!);
/** Initial-defaults (JSON single values) of some columns, by index: what a file lacking them reads. */
const DEFAULTS: Record<number, unknown> = { 0: 3, 2: 1.5, 3: 'ab', 4: '1970-01-11', 6: '1.25', 7: true, 11: '0001' };
const SCHEMA_WITH_DEFAULTS: Schema = {
  ...SCHEMA,
  fields: SCHEMA.fields.map((f, i) => (i in DEFAULTS ? { ...f, initialDefault: DEFAULTS[i] } : f)),
};
/** The value the reader reads for column `i` of a file lacking it (identity-partition value, initial-default, null). */
function fillValue(i: number, file: ContentFile, spec: PartitionSpec): Value | null {
  const identity = spec.fields.find((f) => f.transform === 'identity' && f.sourceId === i + 1);
  const part = identity ? file.partition[String(identity.fieldId)] : null;
  if (part !== null && part !== undefined) return decodeJsonValue(part, TYPES[i]) ?? null;
  return i in DEFAULTS ? (decodeJsonValue(DEFAULTS[i], TYPES[i]) ?? null) : null;
}
const SPECS: PartitionSpec[] = [
  [], [[1, 'identity']], [[2, 'bucket[3]']], [[4, 'truncate[2]']], [[6, 'day']], [[5, 'month']], [[1, 'truncate[10]']],
  [[6, 'year'], [4, 'identity']], [[3, 'void']], [[7, 'truncate[50]']], [[4, 'bucket[2]'], [5, 'identity']], [[6, 'hour']],
].map((fields, specId) => ({ specId, fields: fields.map(([sourceId, transform], i) => ({ sourceId: sourceId as number, transform: transform as string, fieldId: 1000 + i, name: `p${i}` })) }));

// Small domains so that equalities and ranges hit.
const DAY = 86_400_000_000n;
const valueArb: fc.Arbitrary<Value>[] = [
  fc.integer({ min: -25, max: 25 }),
  fc.bigInt({ min: -6n, max: 6n }),
  fc.oneof(fc.constantFrom(NaN, -0, 0, 1.5, -2.25), fc.integer({ min: -3, max: 3 })),
  fc.constantFrom('', 'a', 'ab', 'abc', 'abd', 'b', 'ba', 'é', '😀', 'zz'),
  fc.integer({ min: -40, max: 40 }),
  fc.bigInt({ min: -3n * DAY, max: 3n * DAY }).map((v) => (v / 1_800_000_000n) * 1_800_000_000n + (v % 7n)),
  fc.bigInt({ min: -300n, max: 300n }),
  fc.boolean(),
  fc.constantFrom(NaN, -0, 0, 0.1, 1.5, -2.25, 3.4e38).map(Math.fround),
  fc.bigInt({ min: 0n, max: 5n }).map((v) => v * 1_000_000n + 1n),
  fc.constantFrom('00', '7f', '80', 'ff').map((b) => Uint8Array.from({ length: 16 }, (_, k) => (k === 0 ? parseInt(b, 16) : k))),
  fc.constantFrom('', '00', '0001', '01', 'ff', 'ff00').map((h) => Uint8Array.from(Buffer.from(h, 'hex'))),
];
const cellArb = (i: number): fc.Arbitrary<Value | null> => fc.option(valueArb[i], { freq: 4, nil: null });
const rowArb: fc.Arbitrary<Row> = fc.tuple(...COLUMNS.map((_, i) => cellArb(i)));

function literalOf(v: Value, type: PrimType): Literal {
  if (v instanceof Uint8Array) return { kind: 'bytes', hex: Buffer.from(v).toString('hex') };
  if (typeof v === 'bigint') return { kind: 'number', text: type.kind === 'decimal' ? formatDecimal(v, type.scale!) : v.toString() };
  return v as Literal;
}

const leafArb: fc.Arbitrary<Expression> = fc.integer({ min: 0, max: COLUMNS.length - 1 }).chain((i) => {
  const term = COLUMNS[i].name;
  const lit = valueArb[i].filter((v) => !(typeof v === 'number' && Number.isNaN(v))).map((v) => literalOf(v, TYPES[i]));
  const ops: fc.Arbitrary<Expression>[] = [
    fc.tuple(fc.constantFrom('eq', 'notEq', 'lt', 'ltEq', 'gt', 'gtEq'), lit).map(([op, value]) => ({ op, term, value }) as Expression),
    fc.tuple(fc.constantFrom('in', 'notIn'), fc.array(lit, { minLength: 1, maxLength: 3 })).map(([op, values]) => ({ op, term, values }) as Expression),
    fc.constantFrom('isNull', 'notNull').map((op) => ({ op, term }) as Expression),
  ];
  if (TYPES[i].kind === 'double' || TYPES[i].kind === 'float') ops.push(fc.constantFrom('isNaN', 'notNaN').map((op) => ({ op, term }) as Expression));
  if (TYPES[i].kind === 'string') {
    ops.push(fc.tuple(fc.constantFrom('startsWith', 'notStartsWith'), fc.constantFrom('', 'a', 'ab', 'abc', 'b', '😀')).map(([op, value]) => ({ op, term, value }) as Expression));
  }
  return fc.oneof(...ops);
});
const exprArb: fc.Arbitrary<Expression> = fc.letrec<{ e: Expression }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.tuple(tie('e'), tie('e')).map(([left, right]) => ({ op: 'and', left, right }) as Expression),
    fc.tuple(tie('e'), tie('e')).map(([left, right]) => ({ op: 'or', left, right }) as Expression),
    tie('e').map((child) => ({ op: 'not', child }) as Expression),
  ),
})).e;

// ---- building the metadata a writer would record ----
function binary(v: Value, type: PrimType): string {
  let bytes: Uint8Array;
  const buf = Buffer.alloc(8);
  switch (type.kind) {
    case 'int': case 'date': buf.writeInt32LE(v as number); bytes = buf.subarray(0, 4); break;
    case 'long': case 'timestamp': buf.writeBigInt64LE(v as bigint); bytes = buf; break;
    case 'double': buf.writeDoubleLE(v as number); bytes = buf; break;
    case 'float': buf.writeFloatLE(v as number); bytes = buf.subarray(0, 4); break;
    case 'time': buf.writeBigInt64LE(v as bigint); bytes = buf; break;
    case 'boolean': bytes = Uint8Array.of(v ? 1 : 0); break;
    case 'uuid': case 'binary': bytes = v as Uint8Array; break;
    case 'decimal': bytes = decimalBytes(v as bigint); break;
    default: bytes = new TextEncoder().encode(v as string);
  }
  return Buffer.from(bytes).toString('base64');
}

function minMax(values: (Value | null)[]): [Value, Value] | undefined {
  const vs = values.filter((v): v is Value => v !== null && !(typeof v === 'number' && Number.isNaN(v)));
  if (vs.length === 0) return undefined;
  const sorted = [...vs].sort(compareValues);
  return [sorted[0], sorted[sorted.length - 1]];
}

function json(v: Value | null, type: PrimType): unknown {
  if (v === null) return null;
  if (type.kind === 'date') return new Date(Number(v) * 86_400_000).toISOString().slice(0, 10);
  if (type.kind === 'decimal') return formatDecimal(v as bigint, type.scale!);
  if (type.kind === 'time') return `${String(Number(v) / 1e6 / 3600 | 0).padStart(2, '0')}:00:0${Number(v) / 1e6 % 60 | 0}.${String(Number(v) % 1e6).padStart(6, '0')}`;
  if (type.kind === 'uuid') { const h = Buffer.from(v as Uint8Array).toString('hex'); return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`; }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'bigint') return v.toString();
  return v;
}

interface FileCase { file: ContentFile; rows: Row[] }

function makeFiles(rows: Row[], spec: PartitionSpec, dropMetrics: boolean[], truncateStrings: boolean): FileCase[] {
  const groups = new Map<string, { partition: Record<string, unknown>; rows: Row[] }>();
  for (const row of rows) {
    const partition: Record<string, unknown> = {};
    for (const f of spec.fields) {
      const source = TYPES[f.sourceId - 1];
      const t = parseTransform(f.transform);
      partition[f.fieldId] = json(applyTransform(t, source, row[f.sourceId - 1]), resultType(t, source));
    }
    const key = JSON.stringify(partition);
    const g = groups.get(key) ?? { partition, rows: [] };
    g.rows.push(row);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ partition, rows: fileRows }) => {
    const file: ContentFile = { content: 'data', path: 'x', format: 'parquet', recordCount: fileRows.length, fileSizeInBytes: 1, specId: spec.specId, partition: partition as ContentFile['partition'], valueCounts: {}, nullValueCounts: {}, nanValueCounts: {}, lowerBounds: {}, upperBounds: {} };
    COLUMNS.forEach((c, i) => {
      if (dropMetrics[i]) return;
      const col = fileRows.map((r) => r[i]);
      file.valueCounts![c.id] = col.length;
      file.nullValueCounts![c.id] = col.filter((v) => v === null).length;
      if (TYPES[i].kind === 'double' || TYPES[i].kind === 'float') file.nanValueCounts![c.id] = col.filter((v) => typeof v === 'number' && Number.isNaN(v)).length;
      const mm = minMax(col);
      if (!mm) return;
      let [lo, hi] = mm;
      if (truncateStrings && TYPES[i].kind === 'string') {
        lo = truncateCodePoints(lo as string, 1);
        const cut = truncateCodePoints(hi as string, 1);
        if (cut !== hi) hi = String.fromCodePoint(cut.codePointAt(0)! + 1);
      }
      file.lowerBounds![c.id] = binary(lo, TYPES[i]);
      file.upperBounds![c.id] = binary(hi, TYPES[i]);
    });
    return { file, rows: fileRows };
  });
}

function summaries(files: FileCase[], spec: PartitionSpec): PartitionFieldSummary[] {
  return spec.fields.map((f) => {
    const source = TYPES[f.sourceId - 1];
    const type = resultType(parseTransform(f.transform), source);
    const values = files.flatMap(({ rows }) => rows.map((r) => applyTransform(parseTransform(f.transform), source, r[f.sourceId - 1])));
    const mm = minMax(values);
    return {
      containsNull: values.some((v) => v === null),
      containsNan: values.some((v) => typeof v === 'number' && Number.isNaN(v)),
      ...(mm ? { lowerBound: binary(mm[0], type), upperBound: binary(mm[1], type) } : {}),
    };
  });
}

const get = (row: Row) => (id: number): Value | null => row[id - 1] ?? null;
const matches = (bound: BoundExpression, row: Row): boolean => evaluateRecord(bound, get(row));

// ---- Arrow / Parquet ----
const withId = (name: string, type: arrow.DataType, id: number): arrow.Field => new arrow.Field(name, type, true, new Map([['PARQUET:field_id', String(id)]]));
const ARROW_TYPES: arrow.DataType[] = [
  new arrow.Int32(), new arrow.Int64(), new arrow.Float64(), new arrow.Utf8(), new arrow.DateDay(), new arrow.TimestampMicrosecond(), new arrow.Decimal(2, 9, 128),
  new arrow.Bool(), new arrow.Float32(), new arrow.TimeMicrosecond(), new arrow.FixedSizeBinary(16), new arrow.Binary(),
];

function column(i: number, values: (Value | null)[]): arrow.Data {
  const type = ARROW_TYPES[i];
  const n = values.length;
  const nullBitmap = new Uint8Array(Math.ceil(n / 8) || 1);
  values.forEach((v, k) => { if (v !== null) nullBitmap[k >> 3] |= 1 << (k & 7); });
  const nullCount = values.filter((v) => v === null).length;
  const kind = TYPES[i].kind;
  if (kind === 'string') return arrow.vectorFromArray(values.map((v) => v as string | null), new arrow.Utf8()).data[0];
  if (kind === 'boolean') return arrow.vectorFromArray(values.map((v) => v as boolean | null), new arrow.Bool()).data[0];
  if (kind === 'binary') return arrow.vectorFromArray(values.map((v) => v as Uint8Array | null), new arrow.Binary()).data[0];
  if (kind === 'uuid') {
    const bytes = new Uint8Array(n * 16);
    values.forEach((v, k) => v && bytes.set(v as Uint8Array, k * 16));
    return arrow.makeData({ type: type as arrow.FixedSizeBinary, length: n, nullCount, nullBitmap, data: bytes });
  }
  if (kind === 'decimal') {
    const words = new Uint32Array(n * 4);
    values.forEach((v, k) => { let x = BigInt.asUintN(128, (v as bigint | null) ?? 0n); for (let w = 0; w < 4; w++) { words[k * 4 + w] = Number(x & 0xffffffffn); x >>= 32n; } });
    return arrow.makeData({ type: type as arrow.Decimal, length: n, nullCount, nullBitmap, data: words });
  }
  const big = kind === 'long' || kind === 'timestamp' || kind === 'time';
  const data = big ? BigInt64Array.from(values, (v) => (v as bigint | null) ?? 0n)
    : kind === 'double' ? Float64Array.from(values, (v) => (v as number | null) ?? 0)
      : kind === 'float' ? Float32Array.from(values, (v) => (v as number | null) ?? 0) : Int32Array.from(values, (v) => (v as number | null) ?? 0);
  return arrow.makeData({ type: type as arrow.Int32, length: n, nullCount, nullBitmap, data: data as Int32Array });
}

function batchOf(rows: Row[]): arrow.RecordBatch {
  const fields = COLUMNS.map((c, i) => withId(c.name, ARROW_TYPES[i], c.id));
  const children = COLUMNS.map((_, i) => column(i, rows.map((r) => r[i])));
  return new arrow.RecordBatch(new arrow.Schema(fields), arrow.makeData({ type: new arrow.Struct(fields), length: rows.length, nullCount: 0, children }));
}

describe('pruning never disagrees with the row filter', () => {
  it('partition, metrics, manifest and residual evaluation keep every file with a matching row', () => {
    const pruned = { manifests: 0, partitions: 0, metrics: 0, residualTrue: 0 };
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 12 }), exprArb, fc.integer({ min: 0, max: SPECS.length - 1 }),
        fc.array(fc.boolean(), { minLength: COLUMNS.length, maxLength: COLUMNS.length }), fc.boolean(),
        (rows, expr, specIndex, dropMetrics, truncateStrings) => {
          const bound = bindExpression(expr, SCHEMA);
          const spec = SPECS[specIndex];
          const files = makeFiles(rows, spec, dropMetrics, truncateStrings);
          const anyMatch = rows.some((r) => matches(bound, r));
          const manifestKept = manifestMightMatch(bound, spec, { partitions: summaries(files, spec) });
          if (anyMatch) expect(manifestKept).toBe(true);
          if (!manifestKept) pruned.manifests++;
          for (const { file, rows: fileRows } of files) {
            const hit = fileRows.some((r) => matches(bound, r));
            const partitionKept = partitionMightMatch(bound, spec, file);
            const metricsKept = metricsMightMatch(bound, file);
            if (hit) {
              expect(partitionKept).toBe(true);
              expect(metricsKept).toBe(true);
            }
            if (!partitionKept) pruned.partitions++;
            if (!metricsKept) pruned.metrics++;
            const residual = residualFor(bound, spec, file);
            if (residual.op === 'true' && bound.op !== 'true') pruned.residualTrue++;
            for (const r of fileRows) expect(matches(residual, r)).toBe(matches(bound, r));
          }
        },
      ),
      { numRuns: 2000, seed: 20261126 },
    );
    // The property is only meaningful if every level does prune in these runs.
    expect(pruned.manifests).toBeGreaterThan(3);
    expect(pruned.partitions).toBeGreaterThan(10);
    expect(pruned.metrics).toBeGreaterThan(10);
    expect(pruned.residualTrue).toBeGreaterThan(10);
  });

  it('files lacking columns: partitions, metrics, manifests and residuals keep what the reader fills in', () => {
    const absent = absentColumns(SCHEMA_WITH_DEFAULTS, SPECS);
    const pruned = { partitions: 0, metrics: 0, manifests: 0, lackingHits: 0 };
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 10 }), exprArb, fc.integer({ min: 0, max: SPECS.length - 1 }),
        fc.array(fc.constantFrom('held', 'held', 'lacking', 'lackingWithMetrics', 'importedPartition'), { minLength: COLUMNS.length, maxLength: COLUMNS.length }),
        rowArb, fc.boolean(),
        (rows, expr, specIndex, layout, constants, dropSomeMetrics) => {
          const bound = bindExpression(expr, SCHEMA_WITH_DEFAULTS);
          const spec = SPECS[specIndex];
          const identity = (i: number) => spec.fields.some((f) => f.transform === 'identity' && f.sourceId === i + 1);
          // The writer's view: a lacking column is null, except an identity-partition column of an
          // import (a Hive partition folder), which holds one value for the whole file.
          const written: Row[] = rows.map((r) => r.map((v, i) => {
            if (layout[i] === 'held') return v;
            return layout[i] === 'importedPartition' && identity(i) ? constants[i] : null;
          }));
          const dropMetrics = COLUMNS.map((_, i) => layout[i] === 'lacking' || (dropSomeMetrics && i % 3 === 0));
          const files = makeFiles(written, spec, dropMetrics, false).map(({ file, rows: fileRows }) => {
            // Metrics of a lacking column describe values the file does not hold (the original rows).
            const claims = makeFiles(rows, { specId: spec.specId, fields: [] }, [], false)[0]!.file;
            COLUMNS.forEach((c, i) => {
              if (layout[i] !== 'lackingWithMetrics') return;
              for (const k of ['valueCounts', 'nullValueCounts', 'nanValueCounts', 'lowerBounds', 'upperBounds'] as const) {
                const v = claims[k]?.[c.id];
                if (v !== undefined) (file[k] as Record<string, unknown>)[c.id] = v;
                else delete (file[k] as Record<string, unknown>)[c.id];
              }
            });
            // The reader's view: a lacking column reads the identity-partition value, else its initial-default, else null.
            const read = fileRows.map((r) => r.map((v, i) => (layout[i] === 'held' ? v : fillValue(i, file, spec))));
            return { file, written: fileRows, read };
          });
          const anyMatch = files.some((f) => f.read.some((r) => matches(bound, r)));
          const manifestKept = manifestMightMatch(bound, spec, { partitions: summaries(files.map((f) => ({ file: f.file, rows: f.written })), spec) }, undefined, absent);
          if (anyMatch) expect(manifestKept).toBe(true);
          if (!manifestKept) pruned.manifests++;
          for (const { file, read } of files) {
            const hit = read.some((r) => matches(bound, r));
            const partitionKept = partitionMightMatch(bound, spec, file, absent);
            const metricsKept = metricsMightMatch(bound, file, absent);
            if (hit) {
              expect(partitionKept).toBe(true);
              expect(metricsKept).toBe(true);
              if (layout.some((l) => l !== 'held')) pruned.lackingHits++;
            }
            if (!partitionKept) pruned.partitions++;
            if (!metricsKept) pruned.metrics++;
            const residual = residualFor(bound, spec, file, absent);
            for (const r of read) expect(matches(residual, r)).toBe(matches(bound, r));
          }
        },
      ),
      { numRuns: 1500, seed: 20261127 },
    );
    expect(pruned.manifests).toBeGreaterThan(3);
    expect(pruned.partitions).toBeGreaterThan(10);
    expect(pruned.metrics).toBeGreaterThan(10);
    expect(pruned.lackingHits).toBeGreaterThan(100);
  });

  it('the vectorised Arrow evaluator equals the scalar semantics', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 12 }), exprArb, (rows, expr) => {
        const bound = bindExpression(expr, SCHEMA);
        const selection = Array.from(evaluateRows(bound, batchOf(rows)));
        expect(selection).toEqual(rows.map((r) => (matches(bound, r) ? 1 : 0)));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('Parquet row-group statistics keep every row group with a matching row', () => {
    let skipped = 0;
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 12 }), exprArb, fc.integer({ min: 1, max: 4 }), (rows, expr, groupSize) => {
        const bound = bindExpression(expr, SCHEMA);
        const table = new arrow.Table([batchOf(rows)]);
        const props = new pw.WriterPropertiesBuilder().setMaxRowGroupSize(groupSize).build();
        const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
        const footer = parquetMetadata(bytes.slice().buffer);
        let start = 0;
        footer.row_groups.forEach((rg, k) => {
          if (!rowGroupMightMatch(bound, footer, k)) skipped++;
          const groupRows = rows.slice(start, start + Number(rg.num_rows));
          start += Number(rg.num_rows);
          if (groupRows.some((r) => matches(bound, r))) expect(rowGroupMightMatch(bound, footer, k)).toBe(true);
        });
      }),
      { numRuns: 100, seed: 11 },
    );
    expect(skipped).toBeGreaterThan(10);
  });
});
