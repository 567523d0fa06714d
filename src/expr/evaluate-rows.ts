/**
 * The row evaluator: applies a bound filter to the rows of an apache-arrow `RecordBatch` and
 * returns a selection (1 = row matches), using the leaf semantics of `test-value.ts`.
 */
import { DataType, DateUnit, makeVector, TimeUnit, type Data, type Field, type RecordBatch } from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';
import type { BoundExpression, BoundPredicate, BoundRef } from './bind.ts';
import { testValue } from './test-value.ts';
import { utf8Predicate } from './evaluate-utf8.ts';
import { floorDiv, type PrimType, type Value } from './types.ts';

/** Arrow field metadata keys that carry an Iceberg / Parquet field id. */
export const FIELD_ID_KEYS = ['PARQUET:field_id', 'iceberg.field_id', 'field_id'] as const;

type Getter = (row: number) => Value | null;

/** Direct access to a column whose typed-array values already are canonical (numbers or bigints). */
interface FastColumn {
  readonly values: ArrayLike<number> | ArrayLike<bigint>;
  /** Validity per row (all valid when undefined). */
  readonly valid?: (row: number) => boolean;
}

interface Column {
  readonly get: Getter;
  readonly fast?: FastColumn;
  /** The leaf data and the validity of its rows (parents included), for byte-level string predicates. */
  readonly leaf: Data;
  readonly valid?: (row: number) => boolean;
}

function fieldIdOf(f: Field): number | undefined {
  for (const k of FIELD_ID_KEYS) {
    const v = f.metadata?.get(k);
    if (v !== undefined && /^-?\d+$/.test(v)) return Number(v);
  }
  return undefined;
}

/** Path of child indexes from the batch to the column of `ref`, by field id, else by name. */
function findPath(fields: readonly Field[], ref: BoundRef): number[] | undefined {
  const byId = (fs: readonly Field[]): number[] | undefined => {
    for (let i = 0; i < fs.length; i++) {
      if (fieldIdOf(fs[i]) === ref.fieldId) return [i];
      if (DataType.isStruct(fs[i].type)) {
        const sub = byId(fs[i].type.children);
        if (sub) return [i, ...sub];
      }
    }
    return undefined;
  };
  const found = byId(fields);
  if (found) return found;
  const byName = (fs: readonly Field[], rest: string): number[] | undefined => {
    for (let i = 0; i < fs.length; i++) {
      const name = fs[i].name;
      if (name === rest) return [i];
      if (rest.startsWith(`${name}.`) && DataType.isStruct(fs[i].type)) {
        const sub = byName(fs[i].type.children, rest.slice(name.length + 1));
        if (sub) return [i, ...sub];
      }
    }
    return undefined;
  };
  return byName(fields, ref.name);
}

function timestampScale(unit: TimeUnit, target: PrimType): (raw: bigint) => bigint {
  const perSecond = target.kind.endsWith('_ns') ? 1_000_000_000n : 1_000_000n;
  const from = unit === TimeUnit.SECOND ? 1n : unit === TimeUnit.MILLISECOND ? 1000n : unit === TimeUnit.MICROSECOND ? 1_000_000n : 1_000_000_000n;
  if (from === perSecond) return (x) => x;
  if (from < perSecond) return (x) => x * (perSecond / from);
  return (x) => floorDiv(x, from / perSecond);
}

/** A getter of canonical values (of `target` type) for the rows of one Arrow column. */
function valueGetter(data: Data, target: PrimType): Getter {
  const t = data.type;
  const values = data.values as unknown;
  if (DataType.isInt(t) || DataType.isFloat(t) && t.precision !== 0) {
    const arr = values as ArrayLike<number | bigint>;
    const big = target.kind === 'long' || target.kind === 'decimal' || target.kind === 'time' || target.kind.startsWith('timestamp');
    if (big) return (i) => BigInt(arr[i] as number | bigint);
    if (typeof arr[0] === 'bigint') return (i) => Number(arr[i]);
    return (i) => arr[i] as number;
  }
  if (DataType.isDate(t)) {
    const vec = makeVector(data);
    return (i) => {
      const ms = vec.get(i) as unknown as number | Date;
      return Math.floor((typeof ms === 'number' ? ms : ms.getTime()) / 86_400_000);
    };
  }
  if (DataType.isTimestamp(t)) {
    const arr = values as BigInt64Array;
    const scale = timestampScale(t.unit, target);
    if (target.kind === 'date') return (i) => Number(floorDiv(scale(arr[i]), 86_400_000_000n));
    return (i) => scale(arr[i]);
  }
  if (DataType.isTime(t)) {
    const arr = values as ArrayLike<number | bigint>;
    const toMicros = t.unit === TimeUnit.SECOND ? 1_000_000n : t.unit === TimeUnit.MILLISECOND ? 1000n : 1n;
    if (t.unit === TimeUnit.NANOSECOND) return (i) => floorDiv(BigInt(arr[i]), 1000n);
    return (i) => BigInt(arr[i]) * toMicros;
  }
  if (DataType.isDecimal(t)) {
    const words = values as Uint32Array;
    const stride = t.bitWidth / 32;
    return (i) => {
      let v = 0n;
      for (let w = stride - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * stride + w]);
      return BigInt.asIntN(t.bitWidth, v);
    };
  }
  const vec = makeVector(data);
  if (target.kind === 'uuid' || target.kind === 'fixed' || target.kind === 'binary') {
    return (i) => {
      const v = vec.get(i) as unknown;
      return v instanceof Uint8Array ? v : typeof v === 'string' ? new TextEncoder().encode(v) : (v as Value);
    };
  }
  return (i) => vec.get(i) as Value;
}

/** Typed-array values that are canonical for `target` as they are (no conversion needed). */
function fastValues(data: Data, target: PrimType): FastColumn['values'] | undefined {
  const t = data.type;
  const k = target.kind;
  const numeric = k === 'int' || k === 'float' || k === 'double';
  if (DataType.isInt(t) && t.bitWidth <= 32 && (numeric || k === 'date')) return data.values as ArrayLike<number>;
  if (DataType.isFloat(t) && t.precision !== 0 && (k === 'float' || k === 'double')) return data.values as ArrayLike<number>;
  if (DataType.isInt(t) && t.bitWidth === 64 && t.isSigned && k === 'long') return data.values as ArrayLike<bigint>;
  if (DataType.isDate(t) && t.unit === DateUnit.DAY && k === 'date') return data.values as ArrayLike<number>;
  const unit = k.endsWith('_ns') ? TimeUnit.NANOSECOND : TimeUnit.MICROSECOND;
  if (DataType.isTimestamp(t) && k.startsWith('timestamp') && t.unit === unit) return data.values as ArrayLike<bigint>;
  return undefined;
}

/** Canonical values of `ref`'s column in `batch` (null where the value or a parent is null). */
function columnOf(batch: RecordBatch, ref: BoundRef): Column {
  const path = findPath(batch.schema.fields, ref);
  if (!path) {
    throw new IcebergScanError('invalid_argument', `filter column '${ref.name}' (field id ${ref.fieldId}) is not in the batch`, {
      expected: 'the projection to read filter-only columns as helper columns (extraFieldIds)',
      context: { column: ref.name, fieldId: ref.fieldId },
    });
  }
  const chain: Data[] = [];
  let data: Data = batch.data;
  for (const i of path) {
    data = data.children[i];
    chain.push(data);
  }
  const leaf = chain[chain.length - 1];
  if (DataType.isNull(leaf.type)) return { get: () => null, leaf };
  const get = valueGetter(data, ref.type);
  const nullable = chain.filter((d) => d.nullCount !== 0);
  const valid = nullable.length === 0 ? undefined : (row: number): boolean => nullable.every((d) => d.getValid(row));
  const values = fastValues(leaf, ref.type);
  return {
    get: valid === undefined ? get : (row) => (valid(row) ? get(row) : null),
    ...(values !== undefined ? { fast: { values, ...(valid ? { valid } : {}) } } : {}),
    leaf,
    ...(valid ? { valid } : {}),
  };
}

const COMPARE = new Set(['eq', 'notEq', 'lt', 'ltEq', 'gt', 'gtEq']);

/**
 * Comparison over typed arrays. IEEE comparisons give exactly the documented semantics: false for
 * NaN except `notEq`; -0 equals 0. Null rows are false.
 */
function compareFast(op: string, fast: FastColumn, v: number | bigint, out: Uint8Array): void {
  const x = fast.values as ArrayLike<number>;
  const w = v as number;
  const n = out.length;
  switch (op) {
    case 'eq': for (let i = 0; i < n; i++) out[i] = x[i] === w ? 1 : 0; break;
    case 'notEq': for (let i = 0; i < n; i++) out[i] = x[i] !== w ? 1 : 0; break;
    case 'lt': for (let i = 0; i < n; i++) out[i] = x[i] < w ? 1 : 0; break;
    case 'ltEq': for (let i = 0; i < n; i++) out[i] = x[i] <= w ? 1 : 0; break;
    case 'gt': for (let i = 0; i < n; i++) out[i] = x[i] > w ? 1 : 0; break;
    default: for (let i = 0; i < n; i++) out[i] = x[i] >= w ? 1 : 0;
  }
  if (fast.valid) for (let i = 0; i < n; i++) if (out[i] && !fast.valid(i)) out[i] = 0;
}

function evalInto(e: BoundExpression, batch: RecordBatch, out: Uint8Array, getters: Map<number, Column>): void {
  const n = batch.numRows;
  switch (e.op) {
    case 'true': out.fill(1); return;
    case 'false': out.fill(0); return;
    case 'and':
    case 'or': {
      evalInto(e.left, batch, out, getters);
      const right = new Uint8Array(n);
      evalInto(e.right, batch, right, getters);
      if (e.op === 'and') for (let i = 0; i < n; i++) out[i] &= right[i];
      else for (let i = 0; i < n; i++) out[i] |= right[i];
      return;
    }
    default: {
      const p = e as BoundPredicate;
      let col = getters.get(p.ref.fieldId);
      if (!col) {
        col = columnOf(batch, p.ref);
        getters.set(p.ref.fieldId, col);
      }
      if (col.fast && COMPARE.has(p.op) && 'value' in p && (typeof p.value === 'number' || typeof p.value === 'bigint')) {
        compareFast(p.op, col.fast, p.value, out);
        return;
      }
      if (p.ref.type.kind === 'string' && 'value' in p && typeof p.value === 'string' && utf8Predicate(p.op, col.leaf, p.value, col.valid, out)) return;
      const get = col.get;
      for (let i = 0; i < n; i++) out[i] = testValue(p, get(i)) ? 1 : 0;
    }
  }
}

/**
 * Evaluates `filter` on every row of `batch`.
 *
 * @param filter A bound filter (typically a file's residual).
 * @param batch Rows whose schema holds every column the filter references (by Arrow field
 *   metadata `PARQUET:field_id`, else by name path).
 * @returns One byte per row: 1 when the row matches.
 * @throws IcebergScanError `invalid_argument` when a referenced column is not in the batch.
 */
export function evaluateRows(filter: BoundExpression, batch: RecordBatch): Uint8Array {
  const out = new Uint8Array(batch.numRows);
  evalInto(filter, batch, out, new Map());
  return out;
}
