/**
 * Plans how one projected Iceberg field is produced for one data file: read from a file column
 * (found by field id) and reshaped, or filled per the spec's missing-column rules.
 */
import { Data, DataType, Type, makeData, type List, type Map_, type Struct } from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';
import type { IcebergType, NestedField } from '../metadata/schema.ts';
import { cachedColumn, constantData, nullData } from './constant-data.ts';
import { convertPrimitive } from './convert-data.ts';
import { firstLeafPath, type FileNode, type IdSource } from './file-schema.ts';
import { canReadAs, parquetIcebergType } from './type-promotion.ts';

/** Per-file context of field planning. */
export interface FieldPlanContext {
  readonly path: string;
  readonly idSource: IdSource;
  /** Identity-partition values of this file keyed by source field id (non-null JSON values only). */
  readonly partitionConstants: ReadonlyMap<number, unknown>;
  /** Parquet column paths to decode (collected while planning). */
  readonly columns: Set<string>;
}

/** How a field's column is produced for each batch. */
export type FieldSource =
  | { readonly kind: 'file'; readonly node: FileNode; readonly adapt: (decoded: Data) => Data }
  | { readonly kind: 'const'; readonly make: (n: number) => Data };

/** A file node matching `field` among `candidates`: by id, or by name for positional-fallback children. */
export function findNode(field: NestedField, candidates: readonly FileNode[], idSource: IdSource, nested: boolean): FileNode | undefined {
  const byId = candidates.find((c) => c.id === field.id);
  if (byId || idSource !== 'fallback' || !nested) return byId;
  return candidates.find((c) => c.id === undefined && c.name === field.name);
}

/** The constant source for a field absent from the file: partition value, initial-default, null, else error. */
export function missingSource(field: NestedField, type: IcebergType, arrowType: DataType, ctx: FieldPlanContext): FieldSource {
  if (ctx.partitionConstants.has(field.id)) {
    const v = ctx.partitionConstants.get(field.id);
    return { kind: 'const', make: cachedColumn((n) => constantData(type, arrowType, v, n)) };
  }
  if (field.initialDefault !== undefined && field.initialDefault !== null) {
    return { kind: 'const', make: cachedColumn((n) => constantData(type, arrowType, field.initialDefault, n)) };
  }
  if (field.required) {
    throw new IcebergScanError('data_invalid', `projection: required field ${field.name} (id ${field.id}) is missing from the data file and has no initial-default`, {
      path: ctx.path, expected: 'the column in the file, an identity-partition value or an initial-default',
      context: { fieldId: field.id, column: field.name },
    });
  }
  return { kind: 'const', make: cachedColumn((n) => nullData(arrowType, n)) };
}

/**
 * Plans a field given the file node found for it (or undefined). Spec order for ids not in the
 * file: identity-partition value, name-mapped column, `initial-default`, null. So for files without
 * embedded ids (name mapping or fallback ids) a non-null identity-partition value wins over a
 * column found by name; a file with embedded ids always uses its own column when it has the id
 * (PyIceberg and iceberg-rust do the same; Java replaces even a present column by the constant).
 */
export function planField(field: NestedField, type: IcebergType, arrowType: DataType, node: FileNode | undefined, ctx: FieldPlanContext, whole = false): FieldSource {
  const partitionFirst = ctx.idSource !== 'embedded' && ctx.partitionConstants.has(field.id);
  if (!node || partitionFirst || type === 'unknown') return missingSource(field, type, arrowType, ctx);
  return { kind: 'file', node, adapt: planAdapter(field.name, type, arrowType, node, ctx, whole) };
}

function mismatch(column: string, fileType: string, tableType: IcebergType, ctx: FieldPlanContext): IcebergScanError {
  const table = typeof tableType === 'string' ? tableType : tableType.type;
  return new IcebergScanError('type_mismatch', `projection: column ${column} is ${fileType} in the file and cannot be read as ${table}`, {
    path: ctx.path, expected: `a file type promotable to ${table}`, context: { column, fileType, tableType: table },
  });
}

function childData(parent: Data, name: string, column: string): Data {
  const idx = (parent.type as Struct).children.findIndex((c) => c.name === name);
  if (idx < 0) {
    throw new IcebergScanError('data_invalid', `projection: decoded column ${column} lacks child ${name}`, { expected: `a child named ${name}` });
  }
  return parent.children[idx];
}

/** Builds the batch-time reshaping function of a file column; validates types now. */
function planAdapter(column: string, type: IcebergType, arrowType: DataType, node: FileNode, ctx: FieldPlanContext, whole: boolean): (d: Data) => Data {
  if (type === 'variant') return planVariant(column, arrowType, node, ctx, whole);
  if (typeof type === 'string') {
    if (node.kind !== 'primitive') throw mismatch(column, node.kind, type, ctx);
    const fileType = parquetIcebergType(node.element);
    if (!canReadAs(fileType, type)) throw mismatch(column, fileType, type, ctx);
    if (!whole) ctx.columns.add(node.path.join('.'));
    return (d) => convertPrimitive(d, arrowType, column);
  }
  if (type.type === 'struct') {
    if (node.kind !== 'struct') throw mismatch(column, node.kind, type, ctx);
    const fields = (arrowType as Struct).children;
    const before = ctx.columns.size;
    const sources = type.fields.map((f, i) => {
      const child = findNode(f, node.children, ctx.idSource, true);
      return planField(f, f.type, fields[i].type, child, ctx, whole);
    });
    if (!whole && ctx.columns.size === before) ctx.columns.add(firstLeafPath(node).join('.')); // keep the struct's validity
    return (d) => {
      const children = sources.map((s) => (s.kind === 'file' ? s.adapt(childData(d, s.node.name, column)) : s.make(d.length)));
      return makeData({ type: arrowType as Struct, offset: d.offset, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, children });
    };
  }
  if (!whole) ctx.columns.add(node.path.join('.')); // lists and maps are decoded whole
  if (type.type === 'list') {
    if (node.kind !== 'list' || !node.elementNode) throw mismatch(column, node.kind, type, ctx);
    const elField = (arrowType as List).children[0];
    const elAdapt = planAdapter(`${column}.element`, type.element, elField.type, node.elementNode, ctx, true);
    return (d) => listLike(d, arrowType, elAdapt(d.children[0]), column);
  }
  if (node.kind !== 'map' || !node.key || !node.value) throw mismatch(column, node.kind, type, ctx);
  const entries = (arrowType as Map_).children[0].type as Struct;
  const keyAdapt = planAdapter(`${column}.key`, type.key, entries.children[0].type, node.key, ctx, true);
  const valueAdapt = planAdapter(`${column}.value`, type.value, entries.children[1].type, node.value, ctx, true);
  return (d) => {
    const e = d.children[0];
    const kv = makeData({ type: entries, offset: e.offset, length: e.length, nullCount: e.nullCount, nullBitmap: e.nullBitmap,
      children: [keyAdapt(e.children[0]), valueAdapt(e.children[1])] });
    return listLike(d, arrowType, kv, column);
  };
}

/** Rebuilds a list or map around an adapted child, keeping offsets and the null mask (LargeList offsets narrowed). */
function listLike(d: Data, arrowType: DataType, child: Data, column: string): Data {
  let offsets = d.valueOffsets as Int32Array | BigInt64Array;
  if (offsets instanceof BigInt64Array) {
    const narrow = new Int32Array(offsets.length);
    for (let i = 0; i < offsets.length; i++) narrow[i] = Number(offsets[i]);
    offsets = narrow;
  } else if (d.type.typeId !== Type.List && d.type.typeId !== Type.Map) {
    throw new IcebergScanError('type_mismatch', `projection: column ${column} decoded as ${String(d.type)} is not a list or map`, { expected: String(arrowType) });
  }
  return new Data(arrowType, d.offset, d.length, d.nullCount, { [0]: offsets, [2]: d.nullBitmap } as never, [child]);
}

/** Variant: a group with binary `metadata` and `value` children, found by name (they carry no ids). */
function planVariant(column: string, arrowType: DataType, node: FileNode, ctx: FieldPlanContext, whole: boolean): (d: Data) => Data {
  const names = node.children.map((c) => c.name);
  if (node.kind !== 'struct' || !names.includes('metadata')) throw mismatch(column, node.kind, 'variant', ctx);
  if (names.includes('typed_value')) {
    throw new IcebergScanError('feature_unsupported', `projection: column ${column} is a shredded variant (typed_value)`, {
      path: ctx.path, expected: 'an unshredded variant (metadata, value)',
    });
  }
  if (!whole) ctx.columns.add(node.path.join('.'));
  const binary = (arrowType as Struct).children[0].type;
  return (d) => {
    const metadata = convertPrimitive(childData(d, 'metadata', column), binary, column);
    const value = names.includes('value') ? convertPrimitive(childData(d, 'value', column), binary, column) : nullData(binary, d.length);
    return makeData({ type: arrowType as Struct, offset: d.offset, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, children: [metadata, value] });
  };
}
