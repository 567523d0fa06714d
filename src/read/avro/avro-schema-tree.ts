/**
 * An Avro data file's writer schema as a tree of Iceberg-shaped nodes (records, lists, maps,
 * primitives with logical types, nullability from `["null", T]` unions, Iceberg ids from the
 * `field-id`, `element-id`, `key-id` and `value-id` properties), and pruned reader schemas of it.
 */
import { IcebergScanError } from '../../errors.ts';

/** Avro primitive and named-primitive type names kept by a leaf. */
export type AvroPrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string' | 'fixed' | 'enum';

/** A field of a record node. */
export interface AvroField {
  readonly name: string;
  readonly fieldId: number | undefined;
  readonly node: AvroNode;
}

/** One node of the schema tree. `schema` is the node's JSON schema with named references resolved. */
export type AvroNode =
  | { readonly kind: 'primitive'; readonly nullable: boolean; readonly avro: AvroPrimitiveName; readonly logicalType?: string;
    readonly size?: number; readonly precision?: number; readonly scale?: number; readonly adjustToUtc?: boolean }
  | { readonly kind: 'record'; readonly nullable: boolean; readonly fields: readonly AvroField[] }
  | { readonly kind: 'list'; readonly nullable: boolean; readonly elementId: number | undefined; readonly element: AvroNode }
  /** `map`: an Avro map (string keys); `kv`: an array of key/value records (`logicalType: map`). */
  | { readonly kind: 'map'; readonly nullable: boolean; readonly encoding: 'map' | 'kv'; readonly keyId: number | undefined;
    readonly valueId: number | undefined; readonly key: AvroNode; readonly value: AvroNode };

type Json = unknown;
type JsonObject = Record<string, Json>;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Named type definitions by full name. */
export type AvroRegistry = Map<string, JsonObject>;

/** The parsed writer schema: the root record's fields and the named types it defines. */
export interface AvroSchemaTree {
  readonly fields: readonly AvroField[];
  readonly registry: AvroRegistry;
  readonly rootName: string;
}

function isObject(v: Json): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function intProp(o: JsonObject, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

/**
 * Parses the writer schema of an Avro data file. Throws `feature_unsupported` for unions other
 * than `["null", T]` and `data_invalid` for a schema that is not a record.
 *
 * @param schema The parsed `avro.schema` header value.
 * @param path The file, for errors.
 */
export function parseAvroSchemaTree(schema: Json, path: string): AvroSchemaTree {
  const registry: AvroRegistry = new Map();
  const bad = (code: 'data_invalid' | 'feature_unsupported', what: string) =>
    new IcebergScanError(code, `avro data file: ${what}`, { path, expected: 'an Iceberg Avro data file schema (record of fields with field-id)' });

  const define = (o: JsonObject, namespace: string | undefined): string | undefined => {
    const ns = typeof o.namespace === 'string' ? o.namespace : namespace;
    if (typeof o.name !== 'string') return namespace;
    const name = fullName(o.name, ns);
    registry.set(name, o);
    return name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : ns;
  };

  const walk = (s: Json, namespace: string | undefined, nullable: boolean): AvroNode => {
    if (Array.isArray(s)) {
      const others = s.filter((b) => b !== 'null' && !(isObject(b) && b.type === 'null'));
      if (others.length === 1 && s.length === 2) return walk(others[0], namespace, true);
      if (others.length === 0) return { kind: 'primitive', nullable: true, avro: 'null' };
      throw bad('feature_unsupported', `union ${JSON.stringify(s).slice(0, 120)} (only ["null", T] unions are read)`);
    }
    if (typeof s === 'string') {
      if (PRIMITIVES.has(s)) return { kind: 'primitive', nullable, avro: s as AvroPrimitiveName };
      const def = registry.get(fullName(s, namespace)) ?? registry.get(s);
      if (!def) throw bad('data_invalid', `unknown named type ${s}`);
      return walkObject(def, namespace, nullable, false);
    }
    if (isObject(s)) return walkObject(s, namespace, nullable, true);
    throw bad('data_invalid', `bad schema node ${JSON.stringify(s)}`);
  };

  const walkObject = (o: JsonObject, namespace: string | undefined, nullable: boolean, fresh: boolean): AvroNode => {
    const t = o.type;
    const logicalType = typeof o.logicalType === 'string' ? o.logicalType : undefined;
    if (typeof t !== 'string' || !PRIMITIVES.has(t) && !['record', 'error', 'array', 'map', 'fixed', 'enum'].includes(t)) {
      if (isObject(t) || Array.isArray(t) || typeof t === 'string') return walk(t, namespace, nullable);
      throw bad('data_invalid', `bad schema node ${JSON.stringify(o).slice(0, 120)}`);
    }
    const ns = fresh && (t === 'record' || t === 'error' || t === 'fixed' || t === 'enum') ? define(o, namespace) : namespace;
    switch (t) {
      case 'record':
      case 'error': {
        const fields = Array.isArray(o.fields) ? o.fields : [];
        return {
          kind: 'record', nullable,
          fields: fields.filter(isObject).map((f) => ({ name: String(f.name), fieldId: intProp(f, 'field-id'), node: walk(f.type, ns, false) })),
        };
      }
      case 'array': {
        const items = walk(o.items, ns, false);
        if (logicalType === 'map' && items.kind === 'record' && items.fields.length === 2) {
          const [k, v] = items.fields as [AvroField, AvroField];
          return { kind: 'map', nullable, encoding: 'kv', keyId: k.fieldId, valueId: v.fieldId, key: k.node, value: v.node };
        }
        return { kind: 'list', nullable, elementId: intProp(o, 'element-id'), element: items };
      }
      case 'map':
        return {
          kind: 'map', nullable, encoding: 'map', keyId: intProp(o, 'key-id'), valueId: intProp(o, 'value-id'),
          key: { kind: 'primitive', nullable: false, avro: 'string' }, value: walk(o.values, ns, false),
        };
      case 'fixed':
        return { kind: 'primitive', nullable, avro: 'fixed', size: intProp(o, 'size') ?? 0, ...decimalProps(o, logicalType) };
      case 'enum':
        return { kind: 'primitive', nullable, avro: 'enum' };
      default:
        return {
          kind: 'primitive', nullable, avro: t as AvroPrimitiveName, ...decimalProps(o, logicalType),
          ...(o['adjust-to-utc'] !== undefined ? { adjustToUtc: o['adjust-to-utc'] === true || o['adjust-to-utc'] === 'true' } : {}),
        };
    }
  };

  if (!isObject(schema) || schema.type !== 'record') throw bad('data_invalid', 'the writer schema is not a record');
  const root = walkObject(schema, undefined, false, true);
  if (root.kind !== 'record') throw bad('data_invalid', 'the writer schema is not a record');
  return { fields: root.fields, registry, rootName: fullName(String(schema.name), typeof schema.namespace === 'string' ? schema.namespace : undefined) };
}

function decimalProps(o: JsonObject, logicalType: string | undefined): { logicalType?: string; precision?: number; scale?: number } {
  if (logicalType === undefined) return {};
  if (logicalType !== 'decimal') return { logicalType };
  return { logicalType, precision: intProp(o, 'precision') ?? 0, scale: intProp(o, 'scale') ?? 0 };
}

/**
 * A reader schema holding only the root fields named in `keep`, for avsc schema resolution (the
 * decoder then skips the other fields). Named types are emitted by full name, each defined at its
 * first use in the pruned schema, so fields referring to types defined in dropped fields still resolve.
 */
export function prunedReaderSchema(writer: JsonObject, keep: ReadonlySet<string>): JsonObject {
  const emitted = new Set<string>();
  const registry: AvroRegistry = new Map();
  // Collect every definition first (a kept field may refer to a type defined in a dropped one).
  const collect = (s: Json, ns: string | undefined): void => {
    if (Array.isArray(s)) { for (const b of s) collect(b, ns); return; }
    if (!isObject(s)) return;
    let inner = ns;
    if (typeof s.name === 'string' && ['record', 'error', 'fixed', 'enum'].includes(String(s.type))) {
      const name = fullName(s.name, typeof s.namespace === 'string' ? s.namespace : ns);
      registry.set(name, s);
      inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : (typeof s.namespace === 'string' ? s.namespace : ns);
    }
    if (Array.isArray(s.fields)) for (const f of s.fields) if (isObject(f)) collect(f.type, inner);
    collect(s.items, inner);
    collect(s.values, inner);
    if (isObject(s.type) || Array.isArray(s.type)) collect(s.type, inner);
  };
  collect(writer, undefined);

  const emit = (s: Json, ns: string | undefined): Json => {
    if (Array.isArray(s)) return s.map((b) => emit(b, ns));
    if (typeof s === 'string') {
      if (PRIMITIVES.has(s)) return s;
      const name = registry.has(fullName(s, ns)) ? fullName(s, ns) : s;
      if (emitted.has(name)) return name;
      const def = registry.get(name);
      return def ? emit(def, ns) : s;
    }
    if (!isObject(s)) return s;
    const out: JsonObject = { ...s };
    let inner = ns;
    if (typeof s.name === 'string' && ['record', 'error', 'fixed', 'enum'].includes(String(s.type))) {
      const name = fullName(s.name, typeof s.namespace === 'string' ? s.namespace : ns);
      if (emitted.has(name)) return name;
      emitted.add(name);
      out.name = name;
      delete out.namespace;
      inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
    }
    if (Array.isArray(s.fields)) {
      const fields = s === writer ? s.fields.filter((f) => isObject(f) && keep.has(String(f.name))) : s.fields;
      out.fields = fields.map((f) => (isObject(f) ? { ...f, type: emit(f.type, inner) } : f));
    }
    if (s.items !== undefined) out.items = emit(s.items, inner);
    if (s.values !== undefined) out.values = emit(s.values, inner);
    if (isObject(s.type) || Array.isArray(s.type)) out.type = emit(s.type, inner);
    return out;
  };
  return emit(writer, undefined) as JsonObject;
}
