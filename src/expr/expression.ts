/**
 * The unbound row-filter expression tree: plain JSON (it travels inside `FileScanTask.residual`),
 * built by the typed builders below or by `parseFilter`, and bound to a schema by `bindExpression`.
 *
 * Semantics (one definition, used by rows, metrics, manifests, partitions and row groups):
 * - `not` is pushed down to the leaves when binding (De Morgan; `not eq` → `notEq`, `not lt` →
 *   `gtEq`, `not isNull` → `notNull`, `not in` → `notIn`, `not startsWith` → `notStartsWith`…);
 *   a filter means what its rewritten form means.
 * - A comparison (`eq notEq lt ltEq gt gtEq in notIn startsWith notStartsWith`) with a null value
 *   is false — so `notEq(x, 1)` and `not (x = 1)` do NOT match null rows (SQL WHERE behaviour).
 * - NaN compares as IEEE 754: `eq`, `lt`, `ltEq`, `gt`, `gtEq`, `in` are false for NaN; `notEq`
 *   and `notIn` are true for NaN. NaN literals are rejected (use `isNaN`).
 * - `isNull`/`notNull` and `isNaN`/`notNaN` are exact complements: `notNaN` is true for null.
 * - Literals take the type of their column when bound. Integer and decimal columns compared with a
 *   literal they cannot hold (finer fraction, out of range) compare exactly: `i < 2.5` means
 *   `i < 3`, `i = 2.5` matches nothing, `i < 1e12` on an int column means `i is not null`.
 */

import { z } from 'zod';

/** A literal as it appears in the unbound (JSON) tree. */
export type Literal =
  | boolean
  | number
  | string
  /** Exact numeric text (longs beyond 2^53, decimals with trailing zeros, …). */
  | { readonly kind: 'number'; readonly text: string }
  /** Raw bytes for binary / fixed / uuid columns, as lower-case hex. */
  | { readonly kind: 'bytes'; readonly hex: string };

/** What the builders accept as a literal value. */
export type LiteralInput = Literal | bigint | Uint8Array | Date;

/** Operators of unary predicates. */
export type UnaryOp = 'isNull' | 'notNull' | 'isNaN' | 'notNaN';
/** Operators of single-literal predicates. */
export type LiteralOp = 'eq' | 'notEq' | 'lt' | 'ltEq' | 'gt' | 'gtEq' | 'startsWith' | 'notStartsWith';
/** Operators of set predicates. */
export type SetOp = 'in' | 'notIn';

/** Fields common to every predicate: the column (dotted name path) and where it was written. */
interface PredicateBase {
  /** Column name; nested struct fields as a dotted path (`a.b`). */
  readonly term: string;
  /** Field id: when present, binding uses it instead of the name (residuals carry it). */
  readonly fieldId?: number;
  /** Offset of the predicate in the filter text it was parsed from (for error messages). */
  readonly pos?: number;
  /** Offsets of the predicate's literals in the filter text (for error messages). */
  readonly valuePos?: readonly number[];
}

export interface UnaryPredicate extends PredicateBase {
  readonly op: UnaryOp;
}
export interface LiteralPredicate extends PredicateBase {
  readonly op: LiteralOp;
  readonly value: Literal;
}
export interface SetPredicate extends PredicateBase {
  readonly op: SetOp;
  readonly values: readonly Literal[];
}
/** A leaf of the tree. */
export type Predicate = UnaryPredicate | LiteralPredicate | SetPredicate;

/** An unbound filter expression (JSON-serialisable). */
export type Expression =
  | { readonly op: 'true' }
  | { readonly op: 'false' }
  | { readonly op: 'and'; readonly left: Expression; readonly right: Expression }
  | { readonly op: 'or'; readonly left: Expression; readonly right: Expression }
  | { readonly op: 'not'; readonly child: Expression }
  | Predicate;

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Normalises a builder literal into its JSON form. */
export function toLiteral(value: LiteralInput): Literal {
  if (typeof value === 'bigint') return { kind: 'number', text: value.toString() };
  if (value instanceof Uint8Array) return { kind: 'bytes', hex: hex(value) };
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** The expression that matches every row. */
export const alwaysTrue = (): Expression => ({ op: 'true' });
/** The expression that matches no row. */
export const alwaysFalse = (): Expression => ({ op: 'false' });

/** Conjunction of any number of expressions (`alwaysTrue` when empty). */
export function and(...exprs: Expression[]): Expression {
  if (exprs.length === 0) return alwaysTrue();
  return exprs.reduce((left, right) => ({ op: 'and', left, right }));
}
/** Disjunction of any number of expressions (`alwaysFalse` when empty). */
export function or(...exprs: Expression[]): Expression {
  if (exprs.length === 0) return alwaysFalse();
  return exprs.reduce((left, right) => ({ op: 'or', left, right }));
}
/** Negation (pushed to the leaves when bound). */
export const not = (child: Expression): Expression => ({ op: 'not', child });

const unary = (op: UnaryOp) => (term: string): Expression => ({ op, term });
const binary = (op: LiteralOp) => (term: string, value: LiteralInput): Expression => ({ op, term, value: toLiteral(value) });
const set = (op: SetOp) => (term: string, values: readonly LiteralInput[]): Expression => ({
  op,
  term,
  values: values.map(toLiteral),
});

/** `term IS NULL`. */
export const isNull = unary('isNull');
/** `term IS NOT NULL`. */
export const notNull = unary('notNull');
/** `term IS NAN` (float and double columns). */
export const isNaN = unary('isNaN');
/** `term IS NOT NAN` (true for null). */
export const notNaN = unary('notNaN');
/** `term = value`. */
export const eq = binary('eq');
/** `term != value` (false for null, true for NaN). */
export const notEq = binary('notEq');
/** `term < value`. */
export const lt = binary('lt');
/** `term <= value`. */
export const ltEq = binary('ltEq');
/** `term > value`. */
export const gt = binary('gt');
/** `term >= value`. */
export const gtEq = binary('gtEq');
/** `term LIKE 'prefix%'` (string columns). */
export const startsWith = binary('startsWith');
/** `term NOT LIKE 'prefix%'` (false for null). */
export const notStartsWith = binary('notStartsWith');
/** `term IN (values…)`. */
export const isIn = set('in');
/** `term NOT IN (values…)` (false for null, true for NaN). */
export const notIn = set('notIn');
export { isIn as in_ };

/** True when `e` is a leaf predicate. */
export function isPredicate(e: Expression): e is Predicate {
  return 'term' in e;
}

const literalWire = z.union([
  z.boolean(),
  z.number(),
  z.string(),
  z.object({ kind: z.literal('number'), text: z.string() }),
  z.object({ kind: z.literal('bytes'), hex: z.string() }),
]);
const predicateBase = {
  term: z.string(),
  fieldId: z.number().int().optional(),
  pos: z.number().int().optional(),
  valuePos: z.array(z.number().int()).optional(),
};

/** The zod schema of an expression tree (validates filters and residuals that arrive as JSON). */
export const ExpressionWire: z.ZodType<Expression> = z.lazy(() =>
  z.union([
    z.object({ op: z.enum(['true', 'false']) }),
    z.object({ op: z.enum(['and', 'or']), left: ExpressionWire, right: ExpressionWire }),
    z.object({ op: z.literal('not'), child: ExpressionWire }),
    z.object({ op: z.enum(['isNull', 'notNull', 'isNaN', 'notNaN']), ...predicateBase }),
    z.object({ op: z.enum(['eq', 'notEq', 'lt', 'ltEq', 'gt', 'gtEq', 'startsWith', 'notStartsWith']), value: literalWire, ...predicateBase }),
    z.object({ op: z.enum(['in', 'notIn']), values: z.array(literalWire), ...predicateBase }),
  ]),
) as z.ZodType<Expression>;
