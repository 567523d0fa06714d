/**
 * Manifest pruning: whether a manifest can list a file holding a matching row, from its partition
 * field summaries (contains_null, contains_nan, lower/upper bound), using the manifest's own spec.
 */
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { AbsentColumns } from './absent-column.ts';
import type { BoundExpression, BoundRef } from './bind.ts';
import { mightMatch, saneFacts, type ColumnFacts } from './column-facts.ts';
import { projectExpression } from './project.ts';
import { base64ToBytes, decodeBinaryValue } from './serialized-values.ts';
import { isFloatKind, type Value } from './types.ts';

/** One `field_summary` of a manifest-list entry (bounds as bytes or base64). */
export interface PartitionFieldSummary {
  readonly containsNull: boolean;
  /** Absent / null in older manifest lists: unknown. */
  readonly containsNan?: boolean | null;
  readonly lowerBound?: Uint8Array | string | null;
  readonly upperBound?: Uint8Array | string | null;
}

/** The parts of a manifest-list entry the evaluator reads. */
export interface ManifestSummaryInput {
  /** Summaries in partition-spec field order; absent = no pruning. */
  readonly partitions?: readonly PartitionFieldSummary[] | null;
}

function decode(b: Uint8Array | string | null | undefined, ref: BoundRef): Value | undefined {
  if (b === null || b === undefined) return undefined;
  try {
    return decodeBinaryValue(typeof b === 'string' ? base64ToBytes(b) : b, ref.type);
  } catch {
    return undefined;
  }
}

/**
 * The facts one partition field summary gives (spec: a null lower bound = only nulls / NaN), or
 * undefined when they are unknown: `nullIsUnknown` says a null partition value says nothing.
 */
export function summaryFacts(s: PartitionFieldSummary, ref: BoundRef, nullIsUnknown = false): ColumnFacts | undefined {
  if (nullIsUnknown && s.containsNull !== false) return undefined;
  const lower = decode(s.lowerBound, ref);
  const upper = decode(s.upperBound, ref);
  const mayBeNaN = isFloatKind(ref.type.kind) && s.containsNan !== false;
  const hasLower = s.lowerBound !== null && s.lowerBound !== undefined;
  // A summary without bounds, nulls or NaN is an empty manifest or one whose writer kept no
  // bounds: only trust "no values" when the summary says nulls or NaN are there instead.
  const mayBeValue = hasLower || !(s.containsNull || s.containsNan === true);
  return saneFacts({ mayBeNull: s.containsNull !== false, mayBeNaN, mayBeValue, lower, upper });
}

/**
 * Whether a manifest might list a file with a row matching `filter`.
 *
 * @param filter The bound row filter.
 * @param spec The manifest's partition spec (`partition_spec_id`).
 * @param manifest Its partition field summaries.
 * @param projected The inclusive projection of `filter` through `spec`, when the caller has it.
 * @param absent The scan's fill rules: nulls of a partition whose source column has an
 *   `initial-default` may stand for rows reading the default (see `absent-column.ts`).
 */
export function manifestMightMatch(
  filter: BoundExpression,
  spec: PartitionSpec,
  manifest: ManifestSummaryInput,
  projected: BoundExpression = projectExpression(filter, spec, 'inclusive'),
  absent?: AbsentColumns,
): boolean {
  const summaries = manifest.partitions;
  if (!summaries || summaries.length !== spec.fields.length) return true;
  const position = new Map(spec.fields.map((f, i) => [f.fieldId, i]));
  const refs = new Map<number, BoundRef>();
  const collect = (e: BoundExpression): void => {
    if (e.op === 'and' || e.op === 'or') { collect(e.left); collect(e.right); }
    else if (e.op !== 'true' && e.op !== 'false') refs.set(e.ref.fieldId, e.ref);
  };
  collect(projected);
  const nullIsUnknown = absent?.nullIsUnknown(spec);
  return mightMatch(projected, (id) => {
    const i = position.get(id);
    const s = i === undefined ? undefined : summaries[i];
    return s ? summaryFacts(s, refs.get(id)!, nullIsUnknown?.has(id)) : undefined;
  });
}
