/**
 * The shared core of every statistics-based pruning level (file metrics, manifest partition
 * summaries, Parquet row-group statistics): what a set of values may contain, and whether a bound
 * filter might match one of them under the semantics of `test-value.ts`.
 */
import type { BoundExpression, BoundPredicate } from './bind.ts';
import { prefixCompare } from './test-value.ts';
import { compareValues, type Value } from './types.ts';

/**
 * What is known about one column over a set of rows. Each `mayBe*` flag is true unless the
 * statistics prove the contrary; bounds cover the non-null, non-NaN values (undefined = unknown).
 */
export interface ColumnFacts {
  readonly mayBeNull: boolean;
  readonly mayBeNaN: boolean;
  /** Some row may hold a non-null, non-NaN value. */
  readonly mayBeValue: boolean;
  readonly lower?: Value;
  readonly upper?: Value;
}

/** Drops bounds that cannot be trusted (NaN, or lower above upper). */
export function saneFacts(f: ColumnFacts): ColumnFacts {
  const bad = (v: Value | undefined): boolean => typeof v === 'number' && v !== v;
  let { lower, upper } = f;
  if (bad(lower)) lower = undefined;
  if (bad(upper)) upper = undefined;
  if (lower !== undefined && upper !== undefined && compareValues(lower, upper) > 0) {
    lower = undefined;
    upper = undefined;
  }
  return { ...f, lower, upper };
}

/** Facts of no rows at all (the identity of {@link unionFacts}). */
export const NO_ROWS: ColumnFacts = { mayBeNull: false, mayBeNaN: false, mayBeValue: false };

/** Facts of rows that all hold one value (null: all null). */
export function valueFacts(v: Value | null): ColumnFacts {
  if (v === null) return { mayBeNull: true, mayBeNaN: false, mayBeValue: false };
  if (typeof v === 'number' && v !== v) return { mayBeNull: false, mayBeNaN: true, mayBeValue: false };
  return { mayBeNull: false, mayBeNaN: false, mayBeValue: true, lower: v, upper: v };
}

/** Facts true of every row when each row is described by `a` or by `b` (bounds widen; unknown wins). */
export function unionFacts(a: ColumnFacts, b: ColumnFacts): ColumnFacts {
  // A side without values contributes no bounds (its own bounds, if any, describe nothing).
  const pick = (x: Value | undefined, y: Value | undefined, sign: 1 | -1): Value | undefined => {
    if (!a.mayBeValue) return y;
    if (!b.mayBeValue) return x;
    if (x === undefined || y === undefined) return undefined;
    return sign * compareValues(x, y) <= 0 ? x : y;
  };
  return {
    mayBeNull: a.mayBeNull || b.mayBeNull,
    mayBeNaN: a.mayBeNaN || b.mayBeNaN,
    mayBeValue: a.mayBeValue || b.mayBeValue,
    lower: pick(a.lower, b.lower, 1),
    upper: pick(a.upper, b.upper, -1),
  };
}

/** Whether some row described by `f` might satisfy the leaf predicate. */
export function predicateMightMatch(p: BoundPredicate, f: ColumnFacts): boolean {
  const { lower, upper } = f;
  switch (p.op) {
    case 'isNull': return f.mayBeNull;
    case 'notNull': return f.mayBeNaN || f.mayBeValue;
    case 'isNaN': return f.mayBeNaN;
    case 'notNaN': return f.mayBeNull || f.mayBeValue;
    case 'notEq':
    case 'notIn':
      return f.mayBeNaN || f.mayBeValue;
    default:
      break;
  }
  if (!f.mayBeValue) return false;
  switch (p.op) {
    case 'lt': return lower === undefined || compareValues(lower, p.value) < 0;
    case 'ltEq': return lower === undefined || compareValues(lower, p.value) <= 0;
    case 'gt': return upper === undefined || compareValues(upper, p.value) > 0;
    case 'gtEq': return upper === undefined || compareValues(upper, p.value) >= 0;
    case 'eq': return inRange(p.value, lower, upper);
    case 'in': return p.values.some((v) => inRange(v, lower, upper));
    case 'startsWith': {
      const s = p.value as string;
      if (lower !== undefined && prefixCompare(lower as string, s) > 0) return false;
      if (upper !== undefined && prefixCompare(upper as string, s) < 0) return false;
      return true;
    }
    case 'notStartsWith': {
      const s = p.value as string;
      // Strings starting with `s` form one contiguous range: bounds inside it mean every value is.
      const inside = (b: Value | undefined): boolean => b !== undefined && (b as string).startsWith(s);
      return !(inside(lower) && inside(upper));
    }
  }
}

function inRange(v: Value, lower: Value | undefined, upper: Value | undefined): boolean {
  if (lower !== undefined && compareValues(v, lower) < 0) return false;
  if (upper !== undefined && compareValues(v, upper) > 0) return false;
  return true;
}

/**
 * Whether some row might satisfy `e`, given per-field facts (`undefined` facts = unknown → might).
 *
 * @param e A bound expression (row filter, or a partition projection for partition facts).
 * @param factsOf Facts by field id.
 */
export function mightMatch(e: BoundExpression, factsOf: (fieldId: number) => ColumnFacts | undefined): boolean {
  switch (e.op) {
    case 'true': return true;
    case 'false': return false;
    case 'and': return mightMatch(e.left, factsOf) && mightMatch(e.right, factsOf);
    case 'or': return mightMatch(e.left, factsOf) || mightMatch(e.right, factsOf);
    default: {
      const f = factsOf(e.ref.fieldId);
      return f === undefined ? true : predicateMightMatch(e, f);
    }
  }
}
