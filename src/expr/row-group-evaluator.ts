/**
 * Row-group pruning: whether a Parquet row group can hold a matching row, from the column chunk
 * statistics in hyparquet's `FileMetaData` (min_value / max_value / null_count), columns matched by
 * Parquet field id. hyparquet's decoded statistics are lossy for timestamps (Date, ms) and
 * decimals (float), so those bounds are widened; binary stats decoded as text are ignored.
 */
import type { ColumnChunk, FileMetaData, SchemaElement, Statistics } from 'hyparquet';

type MinMaxType = NonNullable<Statistics['min_value']>;
import { findMappedField, type NameMapping } from '../metadata/name-mapping.ts';
import { isReservedFieldId, type BoundExpression, type BoundRef } from './bind.ts';
import { mightMatch, saneFacts, type ColumnFacts } from './column-facts.ts';
import { parseUuidText } from './literals.ts';
import { floorDiv, isFloatKind, type PrimType, type Value } from './types.ts';

interface LeafColumn {
  readonly element: SchemaElement;
  readonly path: string;
}

const leafCache = new WeakMap<FileMetaData, { mapping: NameMapping | undefined; leaves: Map<number, LeafColumn> }>();

/**
 * Leaf columns of a Parquet schema by field id (leaves under repeated groups are left out). As
 * Java readers do, a file with any field id uses its ids; a file without any uses `nameMapping`.
 */
export function leavesByFieldId(footer: FileMetaData, nameMapping?: NameMapping): Map<number, LeafColumn> {
  const cached = leafCache.get(footer);
  if (cached && cached.mapping === nameMapping) return cached.leaves;
  const out = new Map<number, LeafColumn>();
  const hasIds = footer.schema.some((el, k) => k > 0 && el.field_id !== undefined);
  let i = 1;
  const walk = (count: number, prefix: string[], repeated: boolean, mapping: NameMapping | undefined): void => {
    for (let c = 0; c < count; c++) {
      const el = footer.schema[i++];
      if (!el) return;
      const path = [...prefix, el.name];
      const rep = repeated || el.repetition_type === 'REPEATED';
      const mapped = !hasIds && mapping ? findMappedField(mapping, el.name) : undefined;
      const id = hasIds ? el.field_id : mapped?.fieldId;
      if (el.num_children) walk(el.num_children, path, rep || el.converted_type === 'LIST' || el.converted_type === 'MAP', mapped?.fields);
      else if (id !== undefined && !rep) out.set(id, { element: el, path: path.join('\u0000') });
    }
  };
  walk(footer.schema[0]?.num_children ?? 0, [], false, nameMapping);
  leafCache.set(footer, { mapping: nameMapping, leaves: out });
  return out;
}

/** [low, high] range (column units) that the true statistic lies in, or undefined if unusable. */
function statRange(v: MinMaxType, el: SchemaElement, type: PrimType): [Value, Value] | undefined {
  const exact = (x: Value): [Value, Value] => [x, x];
  switch (type.kind) {
    case 'boolean':
      return typeof v === 'boolean' ? exact(v) : undefined;
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? exact(v) : typeof v === 'bigint' ? exact(Number(v)) : undefined;
    case 'long':
      return typeof v === 'number' && Number.isInteger(v) ? exact(BigInt(v)) : typeof v === 'bigint' ? exact(v) : undefined;
    case 'float':
    case 'double':
      return typeof v === 'number' ? exact(v) : undefined;
    case 'date':
      if (v instanceof Date) return exact(Math.round(v.getTime() / 86_400_000));
      return typeof v === 'number' ? exact(v) : undefined;
    case 'time':
      return typeof v === 'bigint' ? exact(v) : undefined;
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      if (!(v instanceof Date)) return undefined;
      const ms = BigInt(v.getTime());
      const unit = el.logical_type?.type === 'TIMESTAMP' ? el.logical_type.unit : el.converted_type === 'TIMESTAMP_MILLIS' ? 'MILLIS' : el.converted_type === 'TIMESTAMP_MICROS' ? 'MICROS' : undefined;
      if (el.type === 'INT32' && el.converted_type === 'DATE') {
        const ns = ms * 1_000_000n;
        return toUnit(ns, ns, type);
      }
      if (unit === undefined) return undefined;
      const slack = unit === 'MILLIS' ? 0n : unit === 'MICROS' ? 999_000n : 999_999n;
      return toUnit(ms * 1_000_000n - slack, ms * 1_000_000n + slack, type);
    }
    case 'decimal': {
      if (typeof v === 'bigint') return exact(v);
      if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
      const x = v * 10 ** (type.scale ?? 0);
      const slack = Math.abs(x) * 1e-12 + 1;
      return [BigInt(Math.floor(x - slack)), BigInt(Math.ceil(x + slack))];
    }
    case 'string':
      // U+FFFD marks bytes hyparquet could not decode (e.g. a bound cut inside a character): unusable.
      return typeof v === 'string' && !v.includes('\ufffd') ? exact(v) : undefined;
    case 'uuid':
      if (v instanceof Uint8Array) return v.length === 16 ? exact(v) : undefined;
      if (typeof v === 'string' && el.logical_type?.type === 'UUID') return exact(parseUuidText(v));
      return undefined;
    case 'fixed':
    case 'binary':
      return v instanceof Uint8Array ? exact(v) : undefined;
  }
}

function toUnit(loNs: bigint, hiNs: bigint, type: PrimType): [Value, Value] {
  if (type.kind.endsWith('_ns')) return [loNs, hiNs];
  return [floorDiv(loNs, 1000n), -floorDiv(-hiNs, 1000n)];
}

/** The facts a column chunk's statistics give about one column. */
export function chunkFacts(chunk: ColumnChunk, el: SchemaElement, numRows: bigint, ref: BoundRef): ColumnFacts {
  return statisticsFacts(chunk.meta_data?.statistics, el, numRows, ref);
}

/** The facts Parquet statistics (of a column chunk, or of one page from the column index) give. */
export function statisticsFacts(s: Statistics | undefined, el: SchemaElement, numRows: bigint, ref: BoundRef): ColumnFacts {
  if (!s) return { mayBeNull: true, mayBeNaN: isFloatKind(ref.type.kind), mayBeValue: true };
  const nulls = s.null_count;
  const numeric = el.type === 'INT32' || el.type === 'INT64' || el.type === 'FLOAT' || el.type === 'DOUBLE' || el.type === 'BOOLEAN';
  // Deprecated min/max used signed byte order for binary columns: trust them for numbers only.
  const min = s.min_value ?? (numeric ? s.min : undefined);
  const max = s.max_value ?? (numeric ? s.max : undefined);
  let lower: Value | undefined;
  let upper: Value | undefined;
  try {
    lower = min === undefined ? undefined : statRange(min, el, ref.type)?.[0];
    upper = max === undefined ? undefined : statRange(max, el, ref.type)?.[1];
  } catch {
    lower = upper = undefined;
  }
  return saneFacts({
    mayBeNull: nulls === undefined || nulls > 0n,
    mayBeNaN: isFloatKind(ref.type.kind),
    mayBeValue: nulls === undefined || BigInt(nulls) < numRows,
    lower,
    upper,
  });
}

/**
 * Whether row group `index` of a Parquet file might hold a row matching `filter`. Columns without
 * a field id in the file (nor one from `nameMapping`), or missing from it, are unknown (never
 * pruned on).
 */
export function rowGroupMightMatch(filter: BoundExpression, footer: FileMetaData, index: number, nameMapping?: NameMapping): boolean {
  const rg = footer.row_groups[index];
  if (!rg) return true;
  const leaves = leavesByFieldId(footer, nameMapping);
  const refs = new Map<number, BoundRef>();
  const collect = (e: BoundExpression): void => {
    if (e.op === 'and' || e.op === 'or') { collect(e.left); collect(e.right); }
    else if (e.op !== 'true' && e.op !== 'false') refs.set(e.ref.fieldId, e.ref);
  };
  collect(filter);
  const chunkByPath = new Map(rg.columns.map((c) => [(c.meta_data?.path_in_schema ?? []).join('\u0000'), c]));
  return mightMatch(filter, (id) => {
    if (isReservedFieldId(id)) return undefined; // e.g. _row_id: nulls in the file are inherited values
    const leaf = leaves.get(id);
    const chunk = leaf && chunkByPath.get(leaf.path);
    if (!leaf || !chunk) return undefined;
    return chunkFacts(chunk, leaf.element, BigInt(rg.num_rows), refs.get(id)!);
  });
}
