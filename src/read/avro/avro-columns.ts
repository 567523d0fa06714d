/**
 * Builds Arrow columns from records decoded by avsc, with the Arrow types the Parquet decoder produces
 * for the equivalent Parquet columns and `PARQUET:field_id` metadata on every field.
 */
import {
  Binary, Bool, Data, DataType, DateDay, Decimal, Field, FixedSizeBinary, Float32, Float64, Int32, Int64,
  List, Map_, Null, RecordBatch, Schema, Struct, Time, TimeUnit, Timestamp, Utf8, makeData,
} from 'apache-arrow';
import { IcebergScanError } from '../../errors.ts';
import { isUtc, timestampUnit } from './avro-file-metadata.ts';
import type { AvroField, AvroNode } from './avro-schema-tree.ts';

type Primitive = Extract<AvroNode, { kind: 'primitive' }>;

const UNITS = { MILLIS: TimeUnit.MILLISECOND, MICROS: TimeUnit.MICROSECOND, NANOS: TimeUnit.NANOSECOND } as const;
const encoder = new TextEncoder();

function fieldOf(name: string, node: AvroNode, id: number | undefined): Field {
  const md = id === undefined ? undefined : new Map([['PARQUET:field_id', String(id)]]);
  return new Field(name, arrowTypeOfNode(node), node.nullable, md);
}

/** The decoded Arrow type of a node (what the Parquet decoder gives for the equivalent Parquet column). */
export function arrowTypeOfNode(node: AvroNode): DataType {
  switch (node.kind) {
    case 'record': return new Struct(node.fields.map((f) => fieldOf(f.name, f.node, f.fieldId)));
    case 'list': return new List(fieldOf('element', node.element, node.elementId));
    case 'map':
      return new Map_(new Field('entries', new Struct([
        fieldOf('key', { ...node.key, nullable: false } as AvroNode, node.keyId), fieldOf('value', node.value, node.valueId),
      ]), false) as never);
    case 'primitive': return primitiveType(node);
  }
}

function primitiveType(node: Primitive): DataType {
  const lt = node.logicalType;
  if (lt === 'decimal' && (node.avro === 'bytes' || node.avro === 'fixed')) return new Decimal(node.scale ?? 0, node.precision ?? 0, 128);
  switch (node.avro) {
    case 'null': return new Null();
    case 'boolean': return new Bool();
    case 'int':
      if (lt === 'date') return new DateDay();
      if (lt === 'time-millis') return new Time(TimeUnit.MILLISECOND, 32);
      return new Int32();
    case 'long': {
      const unit = timestampUnit(lt);
      if (unit) return new Timestamp(UNITS[unit], isUtc(node) ? 'UTC' : null);
      if (lt === 'time-micros') return new Time(TimeUnit.MICROSECOND, 64);
      return new Int64();
    }
    case 'float': return new Float32();
    case 'double': return new Float64();
    case 'bytes': return new Binary();
    case 'string': case 'enum': return new Utf8();
    case 'fixed': return new FixedSizeBinary(node.size ?? 0);
  }
}

/** Validity bitmap and null count of `values` (undefined bitmap when nothing is null). */
function validity(values: readonly unknown[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  for (const v of values) if (v === null || v === undefined) nullCount++;
  if (nullCount === 0) return { nullBitmap: undefined, nullCount };
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => { if (v !== null && v !== undefined) nullBitmap[i >> 3] |= 1 << (i & 7); });
  return { nullBitmap, nullCount };
}

/**
 * The Arrow column of `values` (one decoded Avro value per row, `null` for null) of `node`.
 * Throws `data_invalid` naming `column` when a value does not fit (e.g. a decimal wider than 128 bits).
 */
export function columnOf(node: AvroNode, values: readonly unknown[], column: string): Data {
  const n = values.length;
  const type = arrowTypeOfNode(node);
  const { nullBitmap, nullCount } = validity(values);
  switch (node.kind) {
    case 'record': {
      const children = node.fields.map((f) => columnOf(f.node, values.map((v) => (v == null ? null : (v as Record<string, unknown>)[f.name] ?? null)), `${column}.${f.name}`));
      return makeData({ type: type as Struct, length: n, nullCount, nullBitmap, children });
    }
    case 'list': {
      const offsets = new Int32Array(n + 1);
      const items: unknown[] = [];
      values.forEach((v, i) => { if (v != null) for (const x of v as unknown[]) items.push(x); offsets[i + 1] = items.length; });
      const child = columnOf(node.element, items, `${column}.element`);
      return makeData({ type: type as List, length: n, nullCount, nullBitmap, valueOffsets: offsets, child });
    }
    case 'map': {
      const offsets = new Int32Array(n + 1);
      const keys: unknown[] = [];
      const vals: unknown[] = [];
      values.forEach((v, i) => {
        if (v != null) {
          if (node.encoding === 'map') for (const [k, x] of Object.entries(v as Record<string, unknown>)) { keys.push(k); vals.push(x); }
          else for (const kv of v as { key: unknown; value: unknown }[]) { keys.push(kv.key); vals.push(kv.value); }
        }
        offsets[i + 1] = keys.length;
      });
      const entriesType = (type as Map_).children[0]!.type as Struct;
      const entries = makeData({ type: entriesType, length: keys.length, nullCount: 0,
        children: [columnOf({ ...node.key, nullable: false } as AvroNode, keys, `${column}.key`), columnOf(node.value, vals, `${column}.value`)] });
      return makeData({ type: type as Map_, length: n, nullCount, nullBitmap, valueOffsets: offsets, child: entries });
    }
    case 'primitive':
      return primitiveColumn(node, type, values, nullBitmap, nullCount, column);
  }
}

function primitiveColumn(node: Primitive, type: DataType, values: readonly unknown[], nullBitmap: Uint8Array | undefined, nullCount: number, column: string): Data {
  const n = values.length;
  const base = { type: type as never, length: n, nullCount, nullBitmap };
  if (type instanceof Null) return makeData({ type, length: n });
  if (type instanceof Decimal) return makeData({ ...base, data: decimalWords(values, column) } as never);
  if (type instanceof Bool) {
    const bits = new Uint8Array(Math.ceil(n / 8));
    values.forEach((v, i) => { if (v === true) bits[i >> 3] |= 1 << (i & 7); });
    return makeData({ ...base, data: bits } as never);
  }
  if (type instanceof FixedSizeBinary) {
    const w = type.byteWidth;
    const out = new Uint8Array(n * w);
    values.forEach((v, i) => { if (v != null) out.set((v as Uint8Array).subarray(0, w), i * w); });
    return makeData({ ...base, data: out } as never);
  }
  if (type instanceof Binary || type instanceof Utf8) {
    const parts = values.map((v) => (v == null ? undefined : typeof v === 'string' ? encoder.encode(v) : (v as Uint8Array)));
    const offsets = new Int32Array(n + 1);
    let total = 0;
    parts.forEach((p, i) => { total += p?.length ?? 0; offsets[i + 1] = total; });
    const bytes = new Uint8Array(total);
    parts.forEach((p, i) => { if (p) bytes.set(p, offsets[i]!); });
    return makeData({ ...base, valueOffsets: offsets, data: bytes } as never);
  }
  const ArrayType = type.ArrayType as unknown as new (len: number) => ArrayLike<unknown> & { [i: number]: unknown };
  const out = new ArrayType(n);
  const big = out instanceof BigInt64Array;
  values.forEach((v, i) => { if (v != null) out[i] = big ? BigInt(v as number | bigint) : Number(v); });
  if (node.avro === 'long' && !big) {
    throw new IcebergScanError('data_invalid', `avro data file: column ${column} has no 64-bit storage`, { expected: String(type) });
  }
  return makeData({ ...base, data: out } as never);
}

/** Big-endian two's-complement decimal bytes → Decimal128 little-endian 32-bit words. */
function decimalWords(values: readonly unknown[], column: string): Uint32Array {
  const out = new Uint8Array(values.length * 16);
  values.forEach((v, i) => {
    if (v == null) return;
    const b = v as Uint8Array;
    if (b.length > 16) {
      throw new IcebergScanError('data_invalid', `avro data file: decimal in column ${column} is ${b.length} bytes`, { expected: 'at most 16 bytes (Decimal128)' });
    }
    const negative = b.length > 0 && (b[0]! & 0x80) !== 0;
    const at = i * 16;
    for (let k = 0; k < 16; k++) out[at + k] = k < b.length ? b[b.length - 1 - k]! : negative ? 0xff : 0;
  });
  return new Uint32Array(out.buffer);
}

/** A batch of the given root fields holding `records` (decoded with the pruned reader schema). */
export function recordBatchOf(fields: readonly AvroField[], records: readonly Record<string, unknown>[]): RecordBatch {
  const schema = new Schema(fields.map((f) => fieldOf(f.name, f.node, f.fieldId)));
  const children = fields.map((f) => columnOf(f.node, records.map((r) => r[f.name] ?? null), f.name));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: records.length, nullCount: 0, children }));
}
