/**
 * Binding: resolves an unbound expression's column names against a schema, converts its literals
 * to the columns' canonical values and pushes `not` down to the leaves.
 */
import { IcebergScanError } from '../errors.ts';
import { MAX_TABLE_FIELD_ID, METADATA_FIELD_IDS } from '../projection/metadata-columns.ts';
import type { IcebergType, NestedField, StructType } from '../metadata/schema.ts';
import { ExpressionWire, isPredicate, type Expression, type LiteralOp, type Predicate, type SetOp, type UnaryOp } from './expression.ts';
import { convertLiteral, integralBounds, LiteralError, valueToLiteral } from './literals.ts';
import { dedupe, isFloatKind, primType, type PrimType, type Value } from './types.ts';

/** A resolved column (or partition field) reference. */
export interface BoundRef {
  readonly fieldId: number;
  /** Full dotted name, as the schema spells it. */
  readonly name: string;
  readonly type: PrimType;
  readonly required: boolean;
}

export type BoundUnary = { readonly op: UnaryOp; readonly ref: BoundRef };
export type BoundLiteral = { readonly op: LiteralOp; readonly ref: BoundRef; readonly value: Value };
export type BoundSet = { readonly op: SetOp; readonly ref: BoundRef; readonly values: readonly Value[] };
/** A bound leaf. */
export type BoundPredicate = BoundUnary | BoundLiteral | BoundSet;

/** A bound expression: no `not` (pushed into the leaves), literals in canonical form. */
export type BoundExpression =
  | { readonly op: 'true' }
  | { readonly op: 'false' }
  | { readonly op: 'and'; readonly left: BoundExpression; readonly right: BoundExpression }
  | { readonly op: 'or'; readonly left: BoundExpression; readonly right: BoundExpression }
  | BoundPredicate;

/** Options of {@link bindExpression}. */
export interface BindOptions {
  /** Match column names case-sensitively (default true). */
  readonly caseSensitive?: boolean;
}

export const TRUE: BoundExpression = { op: 'true' };
export const FALSE: BoundExpression = { op: 'false' };

/** `and` with constant folding. */
export function andB(left: BoundExpression, right: BoundExpression): BoundExpression {
  if (left.op === 'false' || right.op === 'false') return FALSE;
  if (left.op === 'true') return right;
  if (right.op === 'true') return left;
  return { op: 'and', left, right };
}

/** `or` with constant folding. */
export function orB(left: BoundExpression, right: BoundExpression): BoundExpression {
  if (left.op === 'true' || right.op === 'true') return TRUE;
  if (left.op === 'false') return right;
  if (right.op === 'false') return left;
  return { op: 'or', left, right };
}

/** `expr` with every predicate replaced by `replace(predicate)`, constants folded through `and`/`or`. */
export function mapPredicates(expr: BoundExpression, replace: (p: BoundPredicate) => BoundExpression): BoundExpression {
  switch (expr.op) {
    case 'true':
    case 'false':
      return expr;
    case 'and': return andB(mapPredicates(expr.left, replace), mapPredicates(expr.right, replace));
    case 'or': return orB(mapPredicates(expr.left, replace), mapPredicates(expr.right, replace));
    default: return replace(expr);
  }
}

const NEGATE: Record<string, string> = {
  eq: 'notEq', notEq: 'eq', lt: 'gtEq', gtEq: 'lt', gt: 'ltEq', ltEq: 'gt', in: 'notIn', notIn: 'in',
  isNull: 'notNull', notNull: 'isNull', isNaN: 'notNaN', notNaN: 'isNaN', startsWith: 'notStartsWith',
  notStartsWith: 'startsWith',
};

/** The negation of a bound expression, pushed to the leaves (the module's definition of `not`). */
export function negate(e: BoundExpression): BoundExpression {
  switch (e.op) {
    case 'true': return FALSE;
    case 'false': return TRUE;
    case 'and': return orB(negate(e.left), negate(e.right));
    case 'or': return andB(negate(e.left), negate(e.right));
    default: return { ...e, op: NEGATE[e.op] } as BoundPredicate;
  }
}

interface IndexedField { field: NestedField; name: string; nestedInCollection: boolean }

const indexCache = new WeakMap<StructType, Map<string, IndexedField[]>>();

function indexOf(schema: StructType): Map<string, IndexedField[]> {
  let index = indexCache.get(schema);
  if (index) return index;
  index = new Map();
  const visit = (struct: StructType, prefix: string[], inCollection: boolean): void => {
    for (const field of struct.fields) {
      const path = [...prefix, field.name];
      const entry = { field, name: path.join('.'), nestedInCollection: inCollection };
      const list = index!.get(entry.name) ?? [];
      list.push(entry);
      index!.set(entry.name, list);
      visitType(field.type, path, inCollection);
    }
  };
  const visitType = (t: IcebergType, path: string[], inCollection: boolean): void => {
    if (typeof t === 'string') return;
    if (t.type === 'struct') visit(t, path, inCollection);
    else if (t.type === 'list') visitType(t.element, [...path, 'element'], true);
    else {
      visitType(t.key, [...path, 'key'], true);
      visitType(t.value, [...path, 'value'], true);
    }
  };
  visit(schema, [], false);
  indexCache.set(schema, index);
  return index;
}

/**
 * Metadata columns a filter may reference (by name when no table column has that name). Their
 * values come from the reader, so statistics never prune on them.
 */
const METADATA_COLUMNS: Readonly<Record<string, string>> = {
  _file: 'string', _pos: 'long', _spec_id: 'int', _row_id: 'long', _last_updated_sequence_number: 'long',
};

function metadataColumn(name: string | undefined, id: number | undefined): IndexedField | undefined {
  for (const [n, type] of Object.entries(METADATA_COLUMNS)) {
    const fid = METADATA_FIELD_IDS[n as keyof typeof METADATA_FIELD_IDS];
    if (n === name || fid === id) {
      return { field: { id: fid, name: n, required: n === '_file' || n === '_pos' || n === '_spec_id', type }, name: n, nestedInCollection: false };
    }
  }
  return undefined;
}

/** True for reserved (metadata) field ids: no file statistics describe their values. */
export function isReservedFieldId(id: number): boolean {
  return id > MAX_TABLE_FIELD_ID;
}

function findById(schema: StructType, id: number): IndexedField | undefined {
  if (isReservedFieldId(id)) return metadataColumn(undefined, id);
  for (const list of indexOf(schema).values()) for (const f of list) if (f.field.id === id) return f;
  return undefined;
}

function bindError(message: string, p: Predicate, expected?: string, position = p.pos): IcebergScanError {
  const where = position !== undefined ? ` at offset ${position}` : '';
  return new IcebergScanError('invalid_argument', `filter: ${message}${where}`, {
    expected,
    context: { column: p.term, position },
  });
}

/** Resolves a predicate's column. */
export function resolveRef(schema: StructType, p: Predicate, caseSensitive: boolean): BoundRef {
  let found: IndexedField | undefined;
  if (p.fieldId !== undefined) found = findById(schema, p.fieldId);
  if (!found) {
    const index = indexOf(schema);
    if (caseSensitive) found = index.get(p.term)?.[0];
    else {
      const lower = p.term.toLowerCase();
      const hits = [...index.entries()].filter(([k]) => k.toLowerCase() === lower).flatMap(([, v]) => v);
      if (hits.length > 1) throw bindError(`column name '${p.term}' is ambiguous when case-insensitive`, p);
      found = hits[0];
    }
    found ??= metadataColumn(caseSensitive ? p.term : p.term.toLowerCase(), undefined);
  }
  if (!found) throw bindError(`unknown column '${p.term}'`, p, 'a column of the table schema');
  if (found.nestedInCollection) throw bindError(`column '${p.term}' is inside a list or map; filters cannot reference it`, p);
  const type = primType(found.field.type);
  if (!type) throw bindError(`column '${p.term}' has type ${JSON.stringify(found.field.type)}, which filters cannot compare`, p, 'a primitive column');
  return { fieldId: found.field.id, name: found.name, type, required: found.field.required };
}

function bindPredicate(p: Predicate, schema: StructType, caseSensitive: boolean): BoundExpression {
  const ref = resolveRef(schema, p, caseSensitive);
  const convert = (lit: unknown, index = 0): Value => {
    try {
      return convertLiteral(lit as never, ref.type);
    } catch (error) {
      if (error instanceof LiteralError) {
        throw bindError(`${error.message} (column '${p.term}')`, p, `a ${ref.type.name} literal`, p.valuePos?.[index] ?? p.pos);
      }
      throw error;
    }
  };
  if (ref.type.kind === 'int' || ref.type.kind === 'long' || ref.type.kind === 'decimal') {
    const widened = bindOutOfDomain(p, ref);
    if (widened !== undefined) return widened;
  }
  switch (p.op) {
    case 'isNull': return ref.required ? FALSE : { op: p.op, ref };
    case 'notNull': return ref.required ? TRUE : { op: p.op, ref };
    case 'isNaN':
    case 'notNaN':
      if (!isFloatKind(ref.type.kind)) throw bindError(`${p.op} needs a float or double column, '${p.term}' is ${ref.type.name}`, p);
      return { op: p.op, ref };
    case 'startsWith':
    case 'notStartsWith':
      if (ref.type.kind !== 'string') throw bindError(`${p.op} (LIKE) needs a string column, '${p.term}' is ${ref.type.name}`, p);
      return { op: p.op, ref, value: convert(p.value) };
    case 'in':
    case 'notIn': {
      const values = dedupe(p.values.map((v, i) => convert(v, i)));
      if (values.length === 0) return p.op === 'in' ? FALSE : notNullOf(ref);
      if (values.length === 1) return { op: p.op === 'in' ? 'eq' : 'notEq', ref, value: values[0] };
      return { op: p.op, ref, values };
    }
    default:
      return { op: p.op, ref, value: convert(p.value) };
  }
}

const notNullOf = (ref: BoundRef): BoundExpression => (ref.required ? TRUE : { op: 'notNull', ref });

/**
 * Integer and decimal columns compared with literals they cannot hold exactly (a fraction finer
 * than the scale, or beyond the type's range): rewritten to the equivalent predicate on the
 * representable values (`i < 2.5` → `i < 3`, `i < 1e10` → `i is not null`, `i = 2.5` → false).
 * Returns undefined when every literal converts exactly (the normal path applies).
 */
function bindOutOfDomain(p: Predicate, ref: BoundRef): BoundExpression | undefined {
  if (!('value' in p) && !('values' in p)) return undefined;
  const lits = 'values' in p ? p.values : [p.value];
  const fits = (lit: unknown): boolean => {
    try {
      convertLiteral(lit as never, ref.type);
      return true;
    } catch (error) {
      if (error instanceof LiteralError) return false;
      throw error;
    }
  };
  if (lits.every(fits)) return undefined;
  const scale = ref.type.kind === 'decimal' ? ref.type.scale ?? 0 : 0;
  const bounds = lits.map((l) => integralBounds(l, scale));
  if (bounds.some((b) => b === undefined)) return undefined; // not numeric: the normal path reports it
  const max = ref.type.kind === 'int' ? 2n ** 31n - 1n : ref.type.kind === 'long' ? 2n ** 63n - 1n : 10n ** BigInt(ref.type.precision ?? 38) - 1n;
  const min = ref.type.kind === 'decimal' ? -max : -max - 1n;
  const out = (v: bigint): Value => (ref.type.kind === 'int' ? Number(v) : v);
  const { floor, ceil } = bounds[0]!;
  switch (p.op) {
    case 'lt': return ceil > max ? notNullOf(ref) : ceil <= min ? FALSE : { op: 'lt', ref, value: out(ceil) };
    case 'ltEq': return floor >= max ? notNullOf(ref) : floor < min ? FALSE : { op: 'ltEq', ref, value: out(floor) };
    case 'gt': return floor >= max ? FALSE : floor < min ? notNullOf(ref) : { op: 'gt', ref, value: out(floor) };
    case 'gtEq': return ceil > max ? FALSE : ceil <= min ? notNullOf(ref) : { op: 'gtEq', ref, value: out(ceil) };
    case 'eq':
    case 'notEq':
    case 'in':
    case 'notIn': {
      const exact = dedupe(bounds.filter((b) => b!.floor === b!.ceil && b!.floor >= min && b!.floor <= max).map((b) => out(b!.floor)));
      const positive = p.op === 'eq' || p.op === 'in';
      if (exact.length === 0) return positive ? FALSE : notNullOf(ref);
      if (exact.length === 1) return { op: positive ? 'eq' : 'notEq', ref, value: exact[0] };
      return { op: positive ? 'in' : 'notIn', ref, values: exact };
    }
    default:
      return undefined;
  }
}


/**
 * Binds `expr` to `schema`.
 *
 * @throws IcebergScanError `invalid_argument` naming the column and the filter-text offset when a
 *   column is unknown, not primitive, or a literal does not fit its type.
 */
export function bindExpression(expr: Expression, schema: StructType, options: BindOptions = {}): BoundExpression {
  const caseSensitive = options.caseSensitive ?? true;
  const checked = ExpressionWire.safeParse(expr);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new IcebergScanError('invalid_argument', `filter: not an expression tree: ${issue?.message ?? 'invalid'} at ${JSON.stringify(issue?.path ?? [])}`, {
      expected: 'an expression built by the expression builders or parseFilter',
      cause: checked.error,
    });
  }
  const go = (e: Expression): BoundExpression => {
    if (isPredicate(e)) return bindPredicate(e, schema, caseSensitive);
    switch (e.op) {
      case 'true': return TRUE;
      case 'false': return FALSE;
      case 'and': return andB(go(e.left), go(e.right));
      case 'or': return orB(go(e.left), go(e.right));
      case 'not': return negate(go(e.child));
      default:
        throw new IcebergScanError('invalid_argument', `filter: unknown expression ${JSON.stringify(e)}`, {
          expected: 'an expression built by the expression builders or parseFilter',
        });
    }
  };
  return go(expr);
}

/** Turns a bound expression back into JSON (field ids kept), e.g. to store a residual in a task. */
export function unbindExpression(e: BoundExpression): Expression {
  switch (e.op) {
    case 'true':
    case 'false':
      return { op: e.op };
    case 'and':
    case 'or':
      return { op: e.op, left: unbindExpression(e.left), right: unbindExpression(e.right) };
    default: {
      const base = { term: e.ref.name, fieldId: e.ref.fieldId };
      if ('values' in e) return { ...base, op: e.op, values: e.values.map((v) => valueToLiteral(v, e.ref.type)) };
      if ('value' in e) return { ...base, op: e.op, value: valueToLiteral(e.value, e.ref.type) };
      return { ...base, op: e.op };
    }
  }
}

/** Field ids referenced by a bound expression. */
export function referencedFieldIds(e: BoundExpression, into: Set<number> = new Set()): Set<number> {
  if (e.op === 'and' || e.op === 'or') {
    referencedFieldIds(e.left, into);
    referencedFieldIds(e.right, into);
  } else if (e.op !== 'true' && e.op !== 'false') into.add(e.ref.fieldId);
  return into;
}
