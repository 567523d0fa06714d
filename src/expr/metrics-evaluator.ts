/**
 * File-level pruning: whether a data or delete file can hold a row matching the filter, from its
 * partition tuple (inclusive projection through its spec) and its column metrics (value, null and
 * NaN counts, lower/upper bounds). A missing metric means "unknown", never "all null"; metrics
 * describe the file's column, so for data files the value a file lacking it reads (see
 * `absent-column.ts`) is allowed as well.
 */
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { ContentFile } from '../metadata/content-file.ts';
import type { AbsentColumns } from './absent-column.ts';
import { isReservedFieldId, type BoundExpression, type BoundRef } from './bind.ts';
import { mightMatch, saneFacts, unionFacts, type ColumnFacts } from './column-facts.ts';
import { projectExpression } from './project.ts';
import { base64ToBytes, decodeBinaryValue, decodeJsonValue } from './serialized-values.ts';
import { evaluateRecord } from './test-value.ts';
import { isFloatKind, type PrimType, type Value } from './types.ts';

function refsOf(e: BoundExpression, into = new Map<number, BoundRef>()): Map<number, BoundRef> {
  if (e.op === 'and' || e.op === 'or') {
    refsOf(e.left, into);
    refsOf(e.right, into);
  } else if (e.op !== 'true' && e.op !== 'false') into.set(e.ref.fieldId, e.ref);
  return into;
}

function bound(map: Record<string, string> | undefined, id: number, type: PrimType): Value | undefined {
  const text = map?.[String(id)];
  if (text === undefined) return undefined;
  try {
    return decodeBinaryValue(base64ToBytes(text), type);
  } catch {
    return undefined;
  }
}

/** The facts a file's metrics give about its column `ref` (nothing about a column it lacks). */
export function metricsFacts(file: ContentFile, ref: BoundRef): ColumnFacts {
  const key = String(ref.fieldId);
  let valueCount = file.valueCounts?.[key];
  let nullCount = file.nullValueCounts?.[key];
  const float = isFloatKind(ref.type.kind);
  let nanCount = float ? file.nanValueCounts?.[key] : 0;
  // Value counts include nulls and NaN (spec): counts that contradict that are not trusted.
  if (valueCount !== undefined && (nullCount ?? 0) + (nanCount ?? 0) > valueCount) {
    valueCount = nullCount = undefined;
    nanCount = float ? undefined : 0;
  }
  let mayBeValue = true;
  if (valueCount !== undefined && nullCount !== undefined) {
    mayBeValue = valueCount - nullCount - (nanCount ?? 0) > 0;
  }
  return saneFacts({
    mayBeNull: nullCount === undefined || nullCount > 0,
    mayBeNaN: float && (nanCount === undefined || nanCount > 0),
    mayBeValue,
    lower: bound(file.lowerBounds, ref.fieldId, ref.type),
    upper: bound(file.upperBounds, ref.fieldId, ref.type),
  });
}

/**
 * Whether `file` might hold a row matching `filter` according to its column metrics alone.
 *
 * @param filter The bound row filter.
 * @param file The data or delete file (delete files: metrics of their own rows). An equality
 *   delete file's extra columns need not equal the rows it deletes, so only its equality columns
 *   are used.
 * @param absent The scan's fill rules. A data file's metrics describe the columns it holds, and
 *   planning cannot tell which those are, so each field may also hold the value a file lacking it
 *   reads. Without `absent` the metrics are taken as the values read: only for callers that know
 *   the file holds every column the filter references.
 */
export function metricsMightMatch(filter: BoundExpression, file: ContentFile, absent?: AbsentColumns): boolean {
  const refs = refsOf(filter);
  const cache = new Map<number, ColumnFacts | undefined>();
  const usable = file.content === 'equality_deletes' ? new Set(file.equalityIds ?? []) : undefined;
  const fill = file.content === 'data' ? absent : undefined;
  return mightMatch(filter, (id) => {
    if ((usable && !usable.has(id)) || isReservedFieldId(id)) return undefined;
    if (cache.has(id)) return cache.get(id);
    const ref = refs.get(id)!;
    let f: ColumnFacts | undefined = metricsFacts(file, ref);
    if (fill) {
      const filled = fill.factsFor(file, ref);
      f = filled === undefined ? undefined : unionFacts(f, filled);
    }
    cache.set(id, f);
    return f;
  });
}

/**
 * Decodes a file's partition tuple value of one partition field (undefined = unknown).
 *
 * @param nullIsUnknown Partition field ids whose null value is read as unknown (see
 *   {@link AbsentColumns.nullIsUnknown}).
 */
export function partitionValue(file: ContentFile, ref: BoundRef, nullIsUnknown?: ReadonlySet<number>): Value | null | undefined {
  const key = String(ref.fieldId);
  if (!(key in file.partition)) return undefined;
  const v = decodeJsonValue(file.partition[key], ref.type);
  return v === null && nullIsUnknown?.has(ref.fieldId) ? undefined : v;
}

/**
 * Whether `file`'s partition tuple satisfies the inclusive projection of `filter` through `spec`
 * (false = no row of the file can match). Unknown or undecodable values never prune.
 *
 * @param absent The scan's fill rules: a null value of a partition whose source column has an
 *   `initial-default` is unknown. Without it every null is taken as the rows' value.
 */
export function partitionMightMatch(filter: BoundExpression, spec: PartitionSpec, file: ContentFile, absent?: AbsentColumns): boolean {
  const projected = projectExpression(filter, spec, 'inclusive');
  return evaluatePartition(projected, file, true, absent?.nullIsUnknown(spec));
}

/** Evaluates a partition-projected expression on a file's partition tuple (`nullIsUnknown` as for {@link partitionValue}). */
export function evaluatePartition(projected: BoundExpression, file: ContentFile, unknownAs: boolean, nullIsUnknown?: ReadonlySet<number>): boolean {
  const refs = refsOf(projected);
  return evaluateRecord(projected, (id) => partitionValue(file, refs.get(id)!, nullIsUnknown), unknownAs);
}
