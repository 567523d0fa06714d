/**
 * The one definition of what a leaf predicate means for one value (see `expression.ts` for the
 * semantics); rows, partition tuples and every pruning level agree with this function.
 */
import type { BoundExpression, BoundPredicate } from './bind.ts';
import { codePointLength, compareValues, truncateCodePoints, type Value } from './types.ts';

/** True when a value (null = no value) satisfies the leaf predicate. */
export function testValue(p: BoundPredicate, v: Value | null): boolean {
  switch (p.op) {
    case 'isNull': return v === null;
    case 'notNull': return v !== null;
    case 'isNaN': return typeof v === 'number' && v !== v;
    case 'notNaN': return !(typeof v === 'number' && v !== v);
    default: break;
  }
  if (v === null) return false;
  const nan = typeof v === 'number' && v !== v;
  switch (p.op) {
    case 'eq': return !nan && compareValues(v, p.value) === 0;
    case 'notEq': return nan || compareValues(v, p.value) !== 0;
    case 'lt': return !nan && compareValues(v, p.value) < 0;
    case 'ltEq': return !nan && compareValues(v, p.value) <= 0;
    case 'gt': return !nan && compareValues(v, p.value) > 0;
    case 'gtEq': return !nan && compareValues(v, p.value) >= 0;
    case 'in': return !nan && p.values.some((x) => compareValues(v, x) === 0);
    case 'notIn': return nan || !p.values.some((x) => compareValues(v, x) === 0);
    case 'startsWith': return startsWith(v as string, p.value as string);
    case 'notStartsWith': return !startsWith(v as string, p.value as string);
  }
}

function startsWith(v: string, prefix: string): boolean {
  return v.startsWith(prefix);
}

/** Whether `value` starts with `prefix` when both are cut to `prefix`'s code-point length. */
export function prefixCompare(value: string, prefix: string): number {
  return compareValues(truncateCodePoints(value, codePointLength(prefix)), prefix);
}

/**
 * Evaluates a bound expression on one record, given a lookup from field id to value. A lookup
 * that returns `undefined` (value unknown) makes that leaf evaluate to `unknownAs`.
 */
export function evaluateRecord(
  e: BoundExpression,
  get: (fieldId: number) => Value | null | undefined,
  unknownAs = false,
): boolean {
  switch (e.op) {
    case 'true': return true;
    case 'false': return false;
    case 'and': return evaluateRecord(e.left, get, unknownAs) && evaluateRecord(e.right, get, unknownAs);
    case 'or': return evaluateRecord(e.left, get, unknownAs) || evaluateRecord(e.right, get, unknownAs);
    default: {
      const v = get(e.ref.fieldId);
      return v === undefined ? unknownAs : testValue(e, v);
    }
  }
}
