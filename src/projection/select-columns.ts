/**
 * Resolves a scan's `select` list (top-level names, nested struct paths `a.b`, metadata column
 * names) against the snapshot schema into the ordered, pruned output fields.
 */
import { IcebergScanError } from '../errors.ts';
import type { NestedField, Schema, StructType } from '../metadata/schema.ts';
import { isMetadataColumnName, type MetadataColumnName } from './metadata-columns.ts';

/** One output column: a (possibly pruned) table field, or a metadata column. */
export type SelectedColumn =
  | { readonly kind: 'data'; readonly field: NestedField }
  | { readonly kind: 'meta'; readonly name: MetadataColumnName };

interface Node {
  readonly field: NestedField;
  whole: boolean;
  readonly children: Map<number, Node>;
}

function same(a: string, b: string, caseSensitive: boolean): boolean {
  return caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase();
}

/** Finds the field chain for `parts` under `struct`, trying longer names first (names may contain dots). */
function resolvePath(struct: StructType, parts: readonly string[], caseSensitive: boolean): NestedField[] | undefined {
  for (let i = parts.length; i >= 1; i--) {
    const name = parts.slice(0, i).join('.');
    const matches = struct.fields.filter((f) => same(f.name, name, caseSensitive));
    if (matches.length > 1) {
      throw new IcebergScanError('invalid_argument', `select: ${name} matches several columns case-insensitively`, {
        expected: 'an unambiguous column name (or caseSensitive: true)',
      });
    }
    const field = matches[0];
    if (!field) continue;
    if (i === parts.length) return [field];
    if (typeof field.type === 'string' || field.type.type !== 'struct') continue;
    const rest = resolvePath(field.type, parts.slice(i), caseSensitive);
    if (rest) return [field, ...rest];
  }
  return undefined;
}

function pruned(node: Node): NestedField {
  if (node.whole) return node.field;
  const t = node.field.type as StructType;
  const fields = t.fields.filter((f) => node.children.has(f.id)).map((f) => pruned(node.children.get(f.id)!));
  return { ...node.field, type: { type: 'struct', fields } };
}

/**
 * The output columns of `select` in requested order (default: every top-level field). A nested
 * path keeps its parent struct with only the selected children, in schema order. Table columns
 * win over metadata names (a data column named `_pos` is the data column).
 * Throws `not_found` for unknown names and `invalid_argument` for ambiguous ones.
 */
export function selectColumns(schema: Schema, select: readonly string[] | undefined, caseSensitive = true): SelectedColumn[] {
  if (select === undefined) return schema.fields.map((field) => ({ kind: 'data', field }));
  const order: (Node | MetadataColumnName)[] = [];
  const tops = new Map<number, Node>();
  for (const entry of select) {
    if (typeof entry !== 'string' || entry.length === 0) {
      throw new IcebergScanError('invalid_argument', `select: ${JSON.stringify(entry)} is not a column name`, { expected: 'non-empty column names' });
    }
    const chain = resolvePath(schema, entry.split('.'), caseSensitive);
    if (!chain) {
      const meta = caseSensitive ? entry : entry.toLowerCase();
      if (isMetadataColumnName(meta)) {
        if (!order.includes(meta)) order.push(meta);
        continue;
      }
      throw new IcebergScanError('not_found', `select: no column ${entry} in the schema`, {
        expected: `one of ${schema.fields.map((f) => f.name).join(', ')} or a metadata column`, context: { column: entry },
      });
    }
    let node = tops.get(chain[0].id);
    if (!node) {
      node = { field: chain[0], whole: false, children: new Map() };
      tops.set(chain[0].id, node);
      order.push(node);
    }
    for (const f of chain.slice(1)) {
      if (node.whole) break;
      let child = node.children.get(f.id);
      if (!child) { child = { field: f, whole: false, children: new Map() }; node.children.set(f.id, child); }
      node = child;
    }
    node.whole = true;
  }
  return order.map((o) => (typeof o === 'string' ? { kind: 'meta', name: o } : { kind: 'data', field: pruned(o) }));
}

/** A field found by id with its struct ancestors (outermost first); undefined when absent or under a list/map. */
export function findFieldPath(struct: StructType, id: number): { field: NestedField; ancestors: NestedField[] } | undefined {
  for (const f of struct.fields) {
    if (f.id === id) return { field: f, ancestors: [] };
    if (typeof f.type !== 'string' && f.type.type === 'struct') {
      const inner = findFieldPath(f.type, id);
      if (inner) return { field: inner.field, ancestors: [f, ...inner.ancestors] };
    }
  }
  return undefined;
}
