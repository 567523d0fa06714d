/**
 * Iceberg schemas and types: the zod wire form of the spec's JSON and the domain model the rest of
 * iceberg-rx uses (camelCase, one parse per metadata file).
 */
import { z } from 'zod';

/** A primitive Iceberg type, as the spec spells it: `int`, `decimal(9,2)`, `fixed[16]`, `timestamp_ns`... */
export type PrimitiveType = string;

/** A field of a struct (including the top-level schema struct). */
export interface NestedField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
  readonly doc?: string;
  /** v3: value for rows written before the field existed (JSON single-value form). */
  readonly initialDefault?: unknown;
  /** v3: value writers use when a row does not supply one. */
  readonly writeDefault?: unknown;
}

/** A struct type: its fields, in order (each with its own field id). */
export interface StructType {
  readonly type: 'struct';
  readonly fields: readonly NestedField[];
}

/** A list type: the element's field id, whether elements may be null, and the element type. */
export interface ListType {
  readonly type: 'list';
  readonly elementId: number;
  readonly elementRequired: boolean;
  readonly element: IcebergType;
}

/** A map type: the key's and value's field ids and types, and whether values may be null. */
export interface MapType {
  readonly type: 'map';
  readonly keyId: number;
  readonly key: IcebergType;
  readonly valueId: number;
  readonly valueRequired: boolean;
  readonly value: IcebergType;
}

/** Any Iceberg type: a primitive (its name as text) or a nested struct, list or map. */
export type IcebergType = PrimitiveType | StructType | ListType | MapType;

/** A table schema: a struct with an id and optional identifier fields. */
export interface Schema extends StructType {
  readonly schemaId: number;
  readonly identifierFieldIds: readonly number[];
}

// ---- wire form (the spec's JSON) ----

const wireType: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), wireStruct, wireList, wireMap]),
);

const wireField = z.object({
  id: z.number().int(),
  name: z.string(),
  required: z.boolean(),
  type: wireType,
  doc: z.string().optional(),
  'initial-default': z.unknown().optional(),
  'write-default': z.unknown().optional(),
});

const wireStruct = z.object({ type: z.literal('struct'), fields: z.array(wireField) });

const wireList = z.object({
  type: z.literal('list'),
  'element-id': z.number().int(),
  'element-required': z.boolean(),
  element: wireType,
});

const wireMap = z.object({
  type: z.literal('map'),
  'key-id': z.number().int(),
  key: wireType,
  'value-id': z.number().int(),
  'value-required': z.boolean(),
  value: wireType,
});

/** The zod schema of a schema object in table metadata. */
export const SchemaWire = z.object({
  type: z.literal('struct'),
  'schema-id': z.number().int().optional(),
  'identifier-field-ids': z.array(z.number().int()).optional(),
  fields: z.array(wireField),
});

type WireField = z.infer<typeof wireField>;

function typeFromWire(t: unknown): IcebergType {
  if (typeof t === 'string') return t;
  const o = t as Record<string, unknown>;
  switch (o.type) {
    case 'struct':
      return { type: 'struct', fields: (o.fields as WireField[]).map(fieldFromWire) };
    case 'list':
      return {
        type: 'list',
        elementId: o['element-id'] as number,
        elementRequired: o['element-required'] as boolean,
        element: typeFromWire(o.element),
      };
    case 'map':
      return {
        type: 'map',
        keyId: o['key-id'] as number,
        key: typeFromWire(o.key),
        valueId: o['value-id'] as number,
        valueRequired: o['value-required'] as boolean,
        value: typeFromWire(o.value),
      };
    default:
      throw new Error(`unknown type ${JSON.stringify(t)}`);
  }
}

function fieldFromWire(f: WireField): NestedField {
  const out: { -readonly [K in keyof NestedField]: NestedField[K] } = {
    id: f.id,
    name: f.name,
    required: f.required,
    type: typeFromWire(f.type),
  };
  if (f.doc !== undefined) out.doc = f.doc;
  if ('initial-default' in f && f['initial-default'] !== undefined) out.initialDefault = f['initial-default'];
  if ('write-default' in f && f['write-default'] !== undefined) out.writeDefault = f['write-default'];
  return out;
}

/** Converts a parsed wire schema into the domain model. */
export function schemaFromWire(wire: z.infer<typeof SchemaWire>, fallbackId = 0): Schema {
  return {
    type: 'struct',
    schemaId: wire['schema-id'] ?? fallbackId,
    identifierFieldIds: wire['identifier-field-ids'] ?? [],
    fields: wire.fields.map(fieldFromWire),
  };
}

/** Converts a domain type back to the spec's JSON form (for writers and serialisation). */
export function typeToWire(t: IcebergType): unknown {
  if (typeof t === 'string') return t;
  switch (t.type) {
    case 'struct':
      return { type: 'struct', fields: t.fields.map(fieldToWire) };
    case 'list':
      return { type: 'list', 'element-id': t.elementId, 'element-required': t.elementRequired, element: typeToWire(t.element) };
    case 'map':
      return {
        type: 'map',
        'key-id': t.keyId,
        key: typeToWire(t.key),
        'value-id': t.valueId,
        'value-required': t.valueRequired,
        value: typeToWire(t.value),
      };
  }
}

/** Converts a domain field back to the spec's JSON form. */
export function fieldToWire(f: NestedField): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.id, name: f.name, required: f.required, type: typeToWire(f.type) };
  if (f.doc !== undefined) out.doc = f.doc;
  if (f.initialDefault !== undefined) out['initial-default'] = f.initialDefault;
  if (f.writeDefault !== undefined) out['write-default'] = f.writeDefault;
  return out;
}

/** Converts a domain schema back to the spec's JSON form. */
export function schemaToWire(s: Schema): Record<string, unknown> {
  return {
    type: 'struct',
    'schema-id': s.schemaId,
    ...(s.identifierFieldIds.length ? { 'identifier-field-ids': s.identifierFieldIds } : {}),
    fields: s.fields.map(fieldToWire),
  };
}

/** Every field of `struct`, depth first, with its dotted name path (list element / map key-value included). */
export function* walkFields(
  struct: StructType,
  prefix: readonly string[] = [],
): Generator<{ field: NestedField; path: readonly string[] }> {
  for (const field of struct.fields) {
    const path = [...prefix, field.name];
    yield { field, path };
    yield* walkType(field.type, path);
  }
}

function* walkType(t: IcebergType, path: readonly string[]): Generator<{ field: NestedField; path: readonly string[] }> {
  if (typeof t === 'string') return;
  if (t.type === 'struct') {
    yield* walkFields(t, path);
  } else if (t.type === 'list') {
    const field: NestedField = { id: t.elementId, name: 'element', required: t.elementRequired, type: t.element };
    yield { field, path: [...path, 'element'] };
    yield* walkType(t.element, [...path, 'element']);
  } else {
    const key: NestedField = { id: t.keyId, name: 'key', required: true, type: t.key };
    const value: NestedField = { id: t.valueId, name: 'value', required: t.valueRequired, type: t.value };
    yield { field: key, path: [...path, 'key'] };
    yield* walkType(t.key, [...path, 'key']);
    yield { field: value, path: [...path, 'value'] };
    yield* walkType(t.value, [...path, 'value']);
  }
}

/** Finds a field anywhere in `struct` by id. */
export function findFieldById(struct: StructType, id: number): NestedField | undefined {
  for (const { field } of walkFields(struct)) if (field.id === id) return field;
  return undefined;
}

/** Parses `decimal(P,S)` into precision and scale, or undefined for other types. */
export function decimalOf(t: IcebergType): { precision: number; scale: number } | undefined {
  if (typeof t !== 'string') return undefined;
  const m = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

/** Parses `fixed[L]` into its length, or undefined for other types. */
export function fixedLengthOf(t: IcebergType): number | undefined {
  if (typeof t !== 'string') return undefined;
  const m = /^fixed\[\s*(\d+)\s*\]$/.exec(t);
  return m ? Number(m[1]) : undefined;
}
