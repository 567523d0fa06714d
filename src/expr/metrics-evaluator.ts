/**
 * File-level pruning: whether a data or delete file can hold a row matching the filter, from its
 * partition tuple (inclusive projection through its spec) and its column metrics (value, null and
 * NaN counts, lower/upper bounds). A missing metric means "unknown", never "all null".
 */
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { ContentFile } from '../metadata/content-file.ts';
import { isReservedFieldId, type BoundExpression, type BoundRef } from './bind.ts';
import { mightMatch, saneFacts, type ColumnFacts } from './column-facts.ts';
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

/** The facts a file's metrics give about one column. */
export function metricsFacts(file: ContentFile, ref: BoundRef): ColumnFacts {
  const key = String(ref.fieldId);
  const valueCount = file.valueCounts?.[key];
  const nullCount = file.nullValueCounts?.[key];
  const float = isFloatKind(ref.type.kind);
  const nanCount = float ? file.nanValueCounts?.[key] : 0;
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
 */
export function metricsMightMatch(filter: BoundExpression, file: ContentFile): boolean {
  const refs = refsOf(filter);
  const cache = new Map<number, ColumnFacts>();
  const usable = file.content === 'equality_deletes' ? new Set(file.equalityIds ?? []) : undefined;
  return mightMatch(filter, (id) => {
    if ((usable && !usable.has(id)) || isReservedFieldId(id)) return undefined;
    let f = cache.get(id);
    if (!f) {
      f = metricsFacts(file, refs.get(id)!);
      cache.set(id, f);
    }
    return f;
  });
}

/** Decodes a file's partition tuple value of one partition field (undefined = unknown). */
export function partitionValue(file: ContentFile, ref: BoundRef): Value | null | undefined {
  const key = String(ref.fieldId);
  if (!(key in file.partition)) return undefined;
  return decodeJsonValue(file.partition[key], ref.type);
}

/**
 * Whether `file`'s partition tuple satisfies the inclusive projection of `filter` through `spec`
 * (false = no row of the file can match). Unknown or undecodable values never prune.
 */
export function partitionMightMatch(filter: BoundExpression, spec: PartitionSpec, file: ContentFile): boolean {
  const projected = projectExpression(filter, spec, 'inclusive');
  return evaluatePartition(projected, file, true);
}

/** Evaluates a partition-projected expression on a file's partition tuple. */
export function evaluatePartition(projected: BoundExpression, file: ContentFile, unknownAs: boolean): boolean {
  const refs = refsOf(projected);
  return evaluateRecord(projected, (id) => partitionValue(file, refs.get(id)!), unknownAs);
}
