/**
 * Schemas for the table builder: the description's field list to a domain `Schema`, schema
 * evolution (add, rename, promote, make optional, drop) and the `schema.name-mapping.default` JSON.
 */
import type { IcebergType, NestedField, Schema, StructType } from '../../src/metadata/schema.ts';
import { decimalOf, walkFields } from '../../src/metadata/schema.ts';
import { descriptionError } from './builder-state.ts';
import type { FieldInput, SchemaChange } from './table-description.ts';
import { defaultToJson } from './json-values.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A domain field from a description field (defaults converted to their JSON form). */
export function fieldFromInput(f: FieldInput): NestedField {
  const out: Mutable<NestedField> = { id: f.id, name: f.name, required: f.required ?? false, type: f.type };
  if (f.doc !== undefined) out.doc = f.doc;
  if (f.initialDefault !== undefined) out.initialDefault = defaultToJson(f, f.initialDefault);
  const write = f.writeDefault ?? f.initialDefault;
  if (write !== undefined) out.writeDefault = defaultToJson(f, write);
  return out;
}

/** The domain schema of a description's `schema`. */
export function schemaFromInput(input: readonly FieldInput[] | Schema): Schema {
  if (!Array.isArray(input)) return input as Schema;
  return { type: 'struct', schemaId: 0, identifierFieldIds: [], fields: (input as FieldInput[]).map(fieldFromInput) };
}

/** The highest field id used anywhere in `struct`. */
export function maxFieldId(struct: StructType): number {
  let max = 0;
  for (const { field } of walkFields(struct)) max = Math.max(max, field.id);
  return max;
}

function resolveId(struct: StructType, path: readonly string[]): number {
  let fields = struct.fields;
  let field: NestedField | undefined;
  for (const [i, name] of path.entries()) {
    field = fields.find((f) => f.name === name);
    if (!field) throw descriptionError(`no column ${path.join('.')}`);
    if (i < path.length - 1) {
      if (typeof field.type === 'string' || field.type.type !== 'struct') throw descriptionError(`${path.join('.')}: ${name} is not a struct`);
      fields = field.type.fields;
    }
  }
  return field!.id;
}

/** Rewrites (or, returning undefined, removes) the struct field with id `id`, wherever it is. */
function mapById(struct: StructType, id: number, fn: (f: NestedField) => NestedField | undefined): StructType {
  const fields: NestedField[] = [];
  for (const f of struct.fields) {
    if (f.id === id) {
      const next = fn(f);
      if (next) fields.push(next);
    } else if (typeof f.type !== 'string' && f.type.type === 'struct') {
      fields.push({ ...f, type: mapById(f.type, id, fn) });
    } else fields.push(f);
  }
  return { ...struct, fields };
}

function canPromote(from: IcebergType, to: string): boolean {
  if (from === 'int' && to === 'long') return true;
  if (from === 'float' && to === 'double') return true;
  if (from === 'date' && (to === 'timestamp' || to === 'timestamp_ns')) return true;
  const a = decimalOf(from);
  const b = decimalOf(to);
  return !!a && !!b && a.scale === b.scale && b.precision > a.precision;
}

/**
 * Applies `change` to `schema`, giving the next schema id. Added fields without an id get ids after
 * `lastColumnId`; the new last column id is returned too.
 */
export function evolveSchema(schema: Schema, change: SchemaChange, lastColumnId: number): { schema: Schema; lastColumnId: number } {
  // every name in `change` refers to the schema before the change
  const idOf = (name: string) => resolveId(schema, name.split('.'));
  const renames = Object.entries(change.rename ?? {}).map(([from, to]) => [idOf(from), to] as const);
  const promotions = Object.entries(change.promote ?? {}).map(([name, to]) => [idOf(name), to, name] as const);
  const optional = (change.makeOptional ?? []).map(idOf);
  const dropped = (change.drop ?? []).map(idOf);
  let struct: StructType = schema;
  let last = lastColumnId;
  for (const add of change.add ?? []) {
    const field = fieldFromInput({ ...add, id: add.id ?? ++last });
    last = Math.max(last, maxFieldId({ type: 'struct', fields: [field] }));
    if (add.parent) {
      struct = mapById(struct, idOf(add.parent), (p) => {
        if (typeof p.type === 'string' || p.type.type !== 'struct') throw descriptionError(`${add.parent} is not a struct`);
        return { ...p, type: { ...p.type, fields: [...p.type.fields, field] } };
      });
    } else {
      struct = { ...struct, fields: [...struct.fields, field] };
    }
  }
  for (const [id, to] of renames) struct = mapById(struct, id, (f) => ({ ...f, name: to }));
  for (const [id, to, name] of promotions) {
    struct = mapById(struct, id, (f) => {
      if (!canPromote(f.type, to)) throw descriptionError(`cannot promote ${name} from ${JSON.stringify(f.type)} to ${to}`);
      return { ...f, type: to };
    });
  }
  for (const id of optional) struct = mapById(struct, id, (f) => ({ ...f, required: false }));
  for (const id of dropped) struct = mapById(struct, id, () => undefined);
  const next: Schema = { ...schema, ...struct, type: 'struct', schemaId: schema.schemaId + 1, identifierFieldIds: schema.identifierFieldIds };
  return { schema: next, lastColumnId: last };
}

function mappingOf(type: IcebergType, aliases: ReadonlyMap<number, ReadonlySet<string>>): unknown[] | undefined {
  if (typeof type === 'string') return undefined;
  const entry = (id: number, name: string, t: IcebergType) => {
    const names = [name, ...[...(aliases.get(id) ?? [])].filter((a) => a !== name)];
    const fields = mappingOf(t, aliases);
    return { 'field-id': id, names, ...(fields ? { fields } : {}) };
  };
  if (type.type === 'struct') return type.fields.map((f) => entry(f.id, f.name, f.type));
  if (type.type === 'list') return [entry(type.elementId, 'element', type.element)];
  return [entry(type.keyId, 'key', type.key), entry(type.valueId, 'value', type.value)];
}

/** The `schema.name-mapping.default` JSON of a schema (plus extra names files used). */
export function nameMappingJson(schema: Schema, aliases: ReadonlyMap<number, ReadonlySet<string>>): string {
  return JSON.stringify(mappingOf(schema, aliases));
}
