/**
 * Builds Arrow column data of a repeated constant (partition values, initial defaults, metadata
 * columns) or of nulls, vectorised: one typed-array fill per column, never per-row JS objects.
 */
import {
  Data, DataType, Field, List, Map_, Struct, Type, makeBuilder, makeData, type Bool,
} from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';
import type { IcebergType } from '../metadata/schema.ts';
import { storageValueOf } from './json-value.ts';

/** An all-null column of `type` with `n` rows (nested children are all-null / empty too). */
export function nullData(type: DataType, n: number): Data {
  const validity = new Uint8Array(Math.ceil(n / 8));
  const t = type as DataType & { children?: Field[] };
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type: type as never, length: n });
    case Type.Struct:
      return makeData({ type: type as Struct, length: n, nullCount: n, nullBitmap: validity,
        children: (t.children ?? []).map((c) => nullData(c.type, n)) });
    case Type.List:
      return makeData({ type: type as List, length: n, nullCount: n, nullBitmap: validity,
        valueOffsets: new Int32Array(n + 1), child: nullData((type as List).children[0].type, 0) });
    case Type.Map:
      return makeData({ type: type as Map_, length: n, nullCount: n, nullBitmap: validity,
        valueOffsets: new Int32Array(n + 1), child: nullData((type as Map_).children[0].type, 0) });
    case Type.Utf8:
    case Type.Binary:
      return makeData({ type: type as never, length: n, nullCount: n, nullBitmap: validity,
        valueOffsets: new Int32Array(n + 1), data: new Uint8Array(0) } as never);
    case Type.Bool:
      return makeData({ type: type as Bool, length: n, nullCount: n, nullBitmap: validity, data: new Uint8Array(validity.length) });
    default: {
      const stride = (type as unknown as { byteWidth?: number }).byteWidth ?? strideOf(type);
      const ArrayType = type.ArrayType as unknown as new (len: number) => ArrayLike<unknown>;
      return makeData({ type: type as never, length: n, nullCount: n, nullBitmap: validity, data: new ArrayType(n * stride) } as never);
    }
  }
}

function strideOf(type: DataType): number {
  if (type.typeId === Type.Decimal) return 4;
  return 1;
}

function repeatBytes(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(bytes.length * n);
  if (!out.length) return out;
  out.set(bytes, 0);
  for (let filled = bytes.length; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
  return out;
}

/**
 * A column of `n` copies of a JSON single value of Iceberg type `icebergType` (null → all nulls).
 * Struct values are objects keyed by field id (or name); `{}` uses each field's `initial-default`.
 */
export function constantData(icebergType: IcebergType, type: DataType, value: unknown, n: number): Data {
  if (value === null || value === undefined) return nullData(type, n);
  if (typeof icebergType !== 'string') return nestedConstant(icebergType, type, value, n);
  if (icebergType === 'unknown' || type.typeId === Type.Null) return nullData(type, n);
  if (icebergType === 'variant' || icebergType.startsWith('geo')) {
    throw new IcebergScanError('data_invalid', `projection: a ${icebergType} column cannot have a non-null default`, {
      expected: 'null (spec: variant, geometry, geography and unknown default to null)',
    });
  }
  const v = storageValueOf(icebergType, value);
  switch (type.typeId) {
    case Type.Bool:
      return makeData({ type: type as Bool, length: n, nullCount: 0, data: new Uint8Array(Math.ceil(n / 8)).fill(v ? 255 : 0) });
    case Type.Utf8:
    case Type.Binary: {
      const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : (v as Uint8Array);
      const offsets = new Int32Array(n + 1);
      for (let i = 1; i <= n; i++) offsets[i] = i * bytes.length;
      return makeData({ type: type as never, length: n, nullCount: 0, valueOffsets: offsets, data: repeatBytes(bytes, n) } as never);
    }
    case Type.FixedSizeBinary:
      return makeData({ type: type as never, length: n, nullCount: 0, data: repeatBytes(v as Uint8Array, n) } as never);
    case Type.Decimal: {
      const words = new Uint32Array(4);
      let x = BigInt.asUintN(128, v as bigint);
      for (let i = 0; i < 4; i++) { words[i] = Number(x & 0xffffffffn); x >>= 32n; }
      return makeData({ type: type as never, length: n, nullCount: 0,
        data: new Uint32Array(repeatBytes(new Uint8Array(words.buffer), n).buffer) } as never);
    }
    default: {
      const ArrayType = type.ArrayType as unknown as new (len: number) => { fill(x: unknown): unknown };
      const values = new ArrayType(n);
      values.fill(typeof v === 'bigint' && !isBigIntArray(type) ? Number(v) : v);
      return makeData({ type: type as never, length: n, nullCount: 0, data: values } as never);
    }
  }
}

function isBigIntArray(type: DataType): boolean {
  const A = type.ArrayType as unknown;
  return A === BigInt64Array || A === BigUint64Array;
}

function nestedConstant(icebergType: Exclude<IcebergType, string>, type: DataType, value: unknown, n: number): Data {
  if (icebergType.type === 'struct') {
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new IcebergScanError('data_invalid', `projection: struct default ${JSON.stringify(value)} is not an object`, { expected: 'a JSON object' });
    }
    const obj = value as Record<string, unknown>;
    const fields = (type as Struct).children;
    const children = icebergType.fields.map((f, i) => {
      const own = obj[String(f.id)] ?? obj[f.name];
      return constantData(f.type, fields[i].type, own !== undefined ? own : f.initialDefault, n);
    });
    return makeData({ type: type as Struct, length: n, nullCount: 0, children });
  }
  // Lists and maps: rare; built once per file through an Arrow builder.
  const builder = makeBuilder({ type, nullValues: [null, undefined] });
  const js = jsValue(icebergType, value);
  for (let i = 0; i < n; i++) builder.append(js);
  return builder.finish().flush();
}

function jsValue(t: IcebergType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof t === 'string') {
    const v = storageValueOf(t, value);
    if (t === 'boolean') return v === 1;
    if (t === 'date') return new Date((v as number) * 86_400_000);
    return v;
  }
  if (t.type === 'list') return (value as unknown[]).map((e) => jsValue(t.element, e));
  if (t.type === 'map') {
    const m = value as { keys: unknown[]; values: unknown[] };
    return new Map(m.keys.map((k, i) => [jsValue(t.key, k), jsValue(t.value, m.values[i])]));
  }
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(t.fields.map((f) => [f.name, jsValue(f.type, obj[String(f.id)] ?? obj[f.name] ?? f.initialDefault)]));
}

/** Caches a per-file constant column and slices it for each batch (rebuilt only when a batch is longer). */
export function cachedColumn(build: (n: number) => Data): (n: number) => Data {
  let cached: Data | undefined;
  return (n) => {
    if (!cached || cached.length < n) cached = build(n);
    return cached.length === n ? cached : cached.slice(0, n);
  };
}
