/**
 * Partition projections of a bound row filter: the inclusive projection (a partition that fails it
 * holds no matching row → prune) and the strict projection (a partition that passes it holds only
 * matching rows → residual `true`).
 */
import type { PartitionField, PartitionSpec } from '../metadata/partition-spec.ts';
import { andB, FALSE, mapPredicates, orB, TRUE, type BoundExpression, type BoundPredicate, type BoundRef } from './bind.ts';
import { applyTransform, canApply, parseTransform, resultType, type Transform } from './transforms.ts';
import { codePointLength, dedupe, truncateCodePoints, type Value } from './types.ts';

/** A partition field resolved against the filter's schema. */
interface ResolvedField {
  readonly field: PartitionField;
  readonly transform: Transform;
  readonly ref: BoundRef;
}

function resolve(field: PartitionField, source: BoundRef): ResolvedField | undefined {
  const transform = parseTransform(field.transform);
  if (!canApply(transform, source.type)) return undefined;
  return {
    field,
    transform,
    ref: { fieldId: field.fieldId, name: field.name, type: resultType(transform, source.type), required: false },
  };
}

const INTEGRAL = new Set(['int', 'long', 'decimal', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);
const isTemporal = (t: Transform): boolean => t.kind === 'year' || t.kind === 'month' || t.kind === 'day' || t.kind === 'hour';

function step(v: Value, by: number): Value {
  return typeof v === 'bigint' ? v + BigInt(by) : (v as number) + by;
}


function inValues(ref: BoundRef, op: 'in' | 'notIn', values: Value[]): BoundExpression {
  const vs = dedupe(values);
  if (vs.length === 1) return { op: op === 'in' ? 'eq' : 'notEq', ref, value: vs[0] };
  return { op, ref, values: vs };
}

/** Inclusive projection of one predicate through one partition field. */
function inclusive(p: BoundPredicate, r: ResolvedField): BoundExpression {
  const { transform: t, ref } = r;
  const src = p.ref.type;
  const apply = (v: Value): Value => applyTransform(t, src, v)!;
  if (t.kind === 'void' || t.kind === 'unknown') return TRUE;
  if (p.op === 'isNull' || p.op === 'notNull') return { op: p.op, ref };
  if (t.kind === 'identity') return { ...p, ref } as BoundPredicate;
  if (p.op === 'isNaN' || p.op === 'notNaN') return TRUE;
  if (t.kind === 'bucket') {
    if (p.op === 'eq') return { op: 'eq', ref, value: apply(p.value) };
    if (p.op === 'in') return inValues(ref, 'in', p.values.map(apply));
    return TRUE;
  }
  const integral = INTEGRAL.has(src.kind);
  let out: BoundExpression;
  switch (p.op) {
    case 'lt': out = { op: 'ltEq', ref, value: apply(integral ? step(p.value, -1) : p.value) }; break;
    case 'ltEq': out = { op: 'ltEq', ref, value: apply(p.value) }; break;
    case 'gt': out = { op: 'gtEq', ref, value: apply(integral ? step(p.value, 1) : p.value) }; break;
    case 'gtEq': out = { op: 'gtEq', ref, value: apply(p.value) }; break;
    case 'eq': out = { op: 'eq', ref, value: apply(p.value) }; break;
    case 'in': out = inValues(ref, 'in', p.values.map(apply)); break;
    case 'startsWith':
      if (t.kind !== 'truncate') return TRUE;
      return { op: 'startsWith', ref, value: truncateCodePoints(p.value as string, t.width) };
    case 'notStartsWith':
      if (t.kind !== 'truncate' || codePointLength(p.value as string) > t.width) return TRUE;
      return { op: 'notStartsWith', ref, value: p.value };
    default:
      return TRUE;
  }
  return isTemporal(t) ? widenForOldWriters(out) : out;
}

/**
 * Old writers computed time transforms of pre-1970 values one too high (rounding toward zero), so
 * negative projected bounds are widened by one: inclusive pruning must never drop their files.
 */
function widenForOldWriters(e: BoundExpression): BoundExpression {
  if (e.op === 'ltEq' && (e.value as number) < 0) return { ...e, value: (e.value as number) + 1 };
  if (e.op === 'eq' && (e.value as number) < 0) return { op: 'in', ref: e.ref, values: [e.value, (e.value as number) + 1] };
  if (e.op === 'in') {
    const extra = e.values.filter((v) => (v as number) < 0).map((v) => (v as number) + 1);
    return extra.length ? inValues(e.ref, 'in', [...e.values, ...extra]) : e;
  }
  return e;
}

/** Strict projection of one predicate through one partition field. */
function strict(p: BoundPredicate, r: ResolvedField): BoundExpression {
  const { transform: t, ref } = r;
  const src = p.ref.type;
  const apply = (v: Value): Value => applyTransform(t, src, v)!;
  if (t.kind === 'void' || t.kind === 'unknown') return FALSE;
  if (p.op === 'isNull' || p.op === 'notNull') return { op: p.op, ref };
  if (t.kind === 'identity') return { ...p, ref } as BoundPredicate;
  if (p.op === 'isNaN' || p.op === 'notNaN') return FALSE;
  if (t.kind === 'bucket') {
    if (p.op === 'notEq') return { op: 'notEq', ref, value: apply(p.value) };
    if (p.op === 'notIn') return inValues(ref, 'notIn', p.values.map(apply));
    return FALSE;
  }
  const integral = INTEGRAL.has(src.kind);
  let out: BoundExpression;
  switch (p.op) {
    case 'lt': out = { op: 'lt', ref, value: apply(p.value) }; break;
    case 'ltEq': out = { op: 'lt', ref, value: apply(integral ? step(p.value, 1) : p.value) }; break;
    case 'gt': out = { op: 'gt', ref, value: apply(p.value) }; break;
    case 'gtEq': out = { op: 'gt', ref, value: apply(integral ? step(p.value, -1) : p.value) }; break;
    case 'notEq': out = { op: 'notEq', ref, value: apply(p.value) }; break;
    case 'notIn': out = inValues(ref, 'notIn', p.values.map(apply)); break;
    case 'startsWith':
      if (t.kind !== 'truncate' || codePointLength(p.value as string) > t.width) return FALSE;
      return { op: 'startsWith', ref, value: p.value };
    case 'notStartsWith':
      if (t.kind !== 'truncate') return FALSE;
      return { op: 'notStartsWith', ref, value: truncateCodePoints(p.value as string, t.width) };
    default:
      return FALSE;
  }
  // Old writers' pre-1970 time partitions may be one too high: only lt is safe for negative bounds.
  if (isTemporal(t) && out.op !== 'lt') {
    const vals = 'values' in out ? out.values : 'value' in out ? [out.value] : [];
    if (vals.some((v) => (v as number) < 0)) return FALSE;
  }
  return out;
}

/** Which projection. */
export type ProjectionKind = 'inclusive' | 'strict';

/**
 * Projects a bound row filter onto a partition spec. The result references partition field ids
 * (and partition result types) and can be evaluated on partition tuples or manifest summaries.
 *
 * @param expr The bound row filter (no `not`: binding pushed it down).
 * @param spec The partition spec of the file or manifest.
 * @param kind `inclusive` (for pruning) or `strict` (for residuals).
 */
export function projectExpression(expr: BoundExpression, spec: PartitionSpec, kind: ProjectionKind): BoundExpression {
  return mapPredicates(expr, (p) => projectPredicate(p, spec, kind));
}

/** Projects one predicate onto every partition field of its column (AND for inclusive, OR for strict). */
export function projectPredicate(p: BoundPredicate, spec: PartitionSpec, kind: ProjectionKind): BoundExpression {
  let out: BoundExpression = kind === 'inclusive' ? TRUE : FALSE;
  for (const field of spec.fields) {
    if (field.sourceId !== p.ref.fieldId || (field.sourceIds && field.sourceIds.length > 1)) continue;
    const r = resolve(field, p.ref);
    if (!r) continue;
    out = kind === 'inclusive' ? andB(out, inclusive(p, r)) : orB(out, strict(p, r));
  }
  return out;
}
