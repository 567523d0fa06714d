/**
 * Arrow side of the table builder: Iceberg fields to Arrow fields carrying `PARQUET:field_id`, and
 * columns of canonical values (or matching typed arrays) to Arrow data, built buffer by buffer.
 */
import * as arrow from 'apache-arrow';
import { IcebergScanError } from '../../src/errors.ts';
import { decimalOf, fixedLengthOf, type IcebergType, type NestedField } from '../../src/metadata/schema.ts';
import { bigEndianBytes, type Canonical } from './values.ts';

/** Options of {@link arrowField}. */
export interface ArrowFieldOptions {
  /** Leave out `PARQUET:field_id` (a file written without field ids). */
  readonly withoutFieldIds?: boolean;
  /** Name to use instead of the Iceberg name (top level only). */
  readonly fileName?: string;
}

function meta(id: number, o: ArrowFieldOptions): Map<string, string> {
  return o.withoutFieldIds ? new Map() : new Map([['PARQUET:field_id', String(id)]]);
}

/** The Arrow type the builder writes for an Iceberg type. */
export function arrowType(type: IcebergType, o: ArrowFieldOptions = {}): arrow.DataType {
  if (typeof type !== 'string') {
    switch (type.type) {
      case 'struct':
        return new arrow.Struct(type.fields.map((f) => arrowField(f, { withoutFieldIds: o.withoutFieldIds })));
      case 'list':
        return new arrow.List(
          new arrow.Field('element', arrowType(type.element, o), !type.elementRequired, meta(type.elementId, o)),
        );
      case 'map': {
        const entries = new arrow.Struct([
          new arrow.Field('key', arrowType(type.key, o), false, meta(type.keyId, o)),
          new arrow.Field('value', arrowType(type.value, o), !type.valueRequired, meta(type.valueId, o)),
        ]);
        return new arrow.Map_(new arrow.Field('key_value', entries, false));
      }
    }
  }
  switch (type) {
    case 'boolean':
      return new arrow.Bool();
    case 'int':
      return new arrow.Int32();
    case 'long':
      return new arrow.Int64();
    case 'float':
      return new arrow.Float32();
    case 'double':
      return new arrow.Float64();
    case 'date':
      return new arrow.DateDay();
    case 'time':
      return new arrow.TimeMicrosecond();
    case 'timestamp':
      return new arrow.TimestampMicrosecond();
    case 'timestamptz':
      return new arrow.TimestampMicrosecond('UTC');
    case 'timestamp_ns':
      return new arrow.TimestampNanosecond();
    case 'timestamptz_ns':
      return new arrow.TimestampNanosecond('UTC');
    case 'string':
      return new arrow.Utf8();
    case 'binary':
      return new arrow.Binary();
    case 'uuid':
      return new arrow.FixedSizeBinary(16);
    default: {
      const dec = decimalOf(type);
      if (dec) return new arrow.Decimal(dec.scale, dec.precision, 128);
      const len = fixedLengthOf(type);
      if (len !== undefined) return new arrow.FixedSizeBinary(len);
      throw new IcebergScanError('feature_unsupported', `table builder: cannot write type ${type}`);
    }
  }
}

/** The Arrow field of an Iceberg field (nullable unless required). */
export function arrowField(field: NestedField, o: ArrowFieldOptions = {}): arrow.Field {
  return new arrow.Field(o.fileName ?? field.name, arrowType(field.type, o), !field.required, meta(field.id, o));
}

function validity(values: ArrayLike<Canonical>): { bitmap: Uint8Array | undefined; nullCount: number } {
  const n = values.length;
  if (ArrayBuffer.isView(values)) return { bitmap: undefined, nullCount: 0 };
  let nullCount = 0;
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap: nullCount ? bitmap : undefined, nullCount };
}

function fill<T extends { [i: number]: unknown; length: number }>(out: T, values: ArrayLike<Canonical>, zero: unknown): T {
  for (let i = 0; i < values.length; i++) (out as Record<number, unknown>)[i] = values[i] ?? zero;
  return out;
}

function binaryData(type: arrow.DataType, values: ArrayLike<Canonical>, nullBitmap: Uint8Array | undefined, nullCount: number) {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const bytes = v === null || v === undefined ? new Uint8Array(0) : typeof v === 'string' ? enc.encode(v) : (v as Uint8Array);
    parts.push(bytes);
    total += bytes.length;
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return arrow.makeData({ type: type as arrow.Utf8, length: values.length, nullCount, nullBitmap, valueOffsets: offsets, data });
}

/** Arrow data of one column of canonical values (or a typed array matching the Arrow type). */
export function columnData(type: IcebergType, arrowT: arrow.DataType, values: ArrayLike<Canonical>): arrow.Data {
  const n = values.length;
  const { bitmap: nullBitmap, nullCount } = validity(values);
  const base = { type: arrowT, length: n, nullCount, nullBitmap } as const;
  if (typeof type !== 'string') return nestedData(type, arrowT, values, nullBitmap, nullCount);
  switch (type) {
    case 'boolean': {
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (values[i]) bits[i >> 3]! |= 1 << (i & 7);
      return arrow.makeData({ ...base, type: arrowT as arrow.Bool, data: bits });
    }
    case 'int':
    case 'date':
      return arrow.makeData({ ...base, type: arrowT as arrow.Int32, data: values instanceof Int32Array ? values : fill(new Int32Array(n), values, 0) });
    case 'float':
      return arrow.makeData({ ...base, type: arrowT as arrow.Float32, data: values instanceof Float32Array ? values : fill(new Float32Array(n), values, 0) });
    case 'double':
      return arrow.makeData({ ...base, type: arrowT as arrow.Float64, data: values instanceof Float64Array ? values : fill(new Float64Array(n), values, 0) });
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return arrow.makeData({ ...base, type: arrowT as arrow.Int64, data: values instanceof BigInt64Array ? values : fill(new BigInt64Array(n), values, 0n) });
    case 'string':
    case 'binary':
      return binaryData(arrowT, values, nullBitmap, nullCount);
    default: {
      if (decimalOf(type)) {
        const words = new Uint8Array(n * 16);
        for (let i = 0; i < n; i++) {
          const v = values[i];
          if (v === null || v === undefined) continue;
          words.set(bigEndianBytes(v as bigint, 16).reverse(), i * 16); // little-endian 128-bit
        }
        return arrow.makeData({ ...base, type: arrowT as arrow.Decimal, data: new Uint32Array(words.buffer) });
      }
      const len = (arrowT as arrow.FixedSizeBinary).byteWidth;
      const bytes = new Uint8Array(n * len);
      for (let i = 0; i < n; i++) if (values[i]) bytes.set(values[i] as Uint8Array, i * len);
      return arrow.makeData({ ...base, type: arrowT as arrow.FixedSizeBinary, data: bytes });
    }
  }
}

function nestedData(
  type: Exclude<IcebergType, string>,
  arrowT: arrow.DataType,
  values: ArrayLike<Canonical>,
  nullBitmap: Uint8Array | undefined,
  nullCount: number,
): arrow.Data {
  const n = values.length;
  if (type.type === 'struct') {
    const st = arrowT as arrow.Struct;
    const children = type.fields.map((f, j) => {
      const col = Array.from(values, (v) => (v == null ? null : (v as Record<string, Canonical>)[f.name]));
      return columnData(f.type, st.children[j]!.type, col);
    });
    return arrow.makeData({ type: st, length: n, nullCount, nullBitmap, children });
  }
  const offsets = new Int32Array(n + 1);
  const flat: Canonical[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i] as Canonical[] | null;
    if (v) flat.push(...v);
    offsets[i + 1] = flat.length;
  }
  if (type.type === 'list') {
    const lt = arrowT as arrow.List;
    const child = columnData(type.element, lt.children[0]!.type, flat);
    return arrow.makeData({ type: lt, length: n, nullCount, nullBitmap, valueOffsets: offsets, child });
  }
  const mt = arrowT as arrow.Map_;
  const entryType = mt.children[0]!.type as arrow.Struct;
  const pairs = flat as [Canonical, Canonical][];
  const keys = columnData(type.key, entryType.children[0]!.type, pairs.map((p) => p[0]));
  const vals = columnData(type.value, entryType.children[1]!.type, pairs.map((p) => p[1]));
  const entries = arrow.makeData({ type: entryType, length: pairs.length, nullCount: 0, children: [keys, vals] });
  return arrow.makeData({ type: mt, length: n, nullCount, nullBitmap, valueOffsets: offsets, child: entries });
}
