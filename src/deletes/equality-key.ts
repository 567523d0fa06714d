/**
 * Normalised equality keys: one canonical string per value, identical whether the value comes from
 * a delete file (hyparquet, raw Parquet values) or from a scan batch (apache-arrow), so that
 * "row equals delete row" becomes a hash-set lookup.
 *
 * Canonical forms (a column's type is the same on both sides up to allowed promotions):
 * - integers (int, long: promotion int → long compares equal), dates as days since epoch;
 * - time and timestamps as nanoseconds (so micro- and nanosecond columns agree);
 * - decimals as the unscaled integer (the scale is fixed by the column type);
 * - float/double as the double's text, with `NaN` equal to `NaN` and `-0` distinct from `0` (Java's
 *   `Float.equals`/`Double.equals`, which Iceberg's struct equality uses); float → double promotion
 *   compares the widened value;
 * - booleans `true`/`false`; strings as they are; binary, fixed and uuid as lower-case hex;
 * - null is `null`, and equals null.
 */
import { type Data, type DataType, Type, TimeUnit } from 'apache-arrow';
import type { SchemaElement } from 'hyparquet';

/** A canonical key part; `null` for a null value. */
export type KeyPart = string | null;

/** Canonical key of a float or double. */
export function floatKey(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === 0 && 1 / v < 0) return '-0';
  return String(v);
}

/** Lower-case hex of bytes. */
export function hexKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}

/** Two's complement big-endian bytes → bigint text. */
function bigEndianKey(bytes: Uint8Array): string {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (bytes.length > 0 && bytes[0]! & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return v.toString();
}

/**
 * hyparquet parsers that keep temporal values raw: timestamps become nanosecond bigints, dates day
 * numbers and uuids hex, so {@link parquetKeyOf} sees exact values.
 */
export const RAW_PARSERS = {
  timestampFromMilliseconds: (v: bigint): bigint | null => (v == null ? null : BigInt(v) * 1_000_000n),
  timestampFromMicroseconds: (v: bigint): bigint | null => (v == null ? null : BigInt(v) * 1_000n),
  timestampFromNanoseconds: (v: bigint): bigint | null => (v == null ? null : BigInt(v)),
  dateFromDays: (v: number): number => v,
  uuidFromBytes: (v: Uint8Array): string | undefined => (v ? hexKey(v) : undefined),
};

/** True when hyparquet would convert this element as a decimal (we read decimals raw instead). */
export function isParquetDecimal(e: SchemaElement): boolean {
  return e.converted_type === 'DECIMAL' || e.logical_type?.type === 'DECIMAL';
}

/**
 * A function turning values hyparquet decoded (with {@link RAW_PARSERS}, `utf8: false` and the
 * decimal annotation removed) from the leaf `e` into key parts.
 */
export function parquetKeyOf(e: SchemaElement): (v: unknown) => KeyPart {
  const lt = e.logical_type;
  const ct = e.converted_type;
  if (isParquetDecimal(e)) {
    return (v) => (v == null ? null : v instanceof Uint8Array ? bigEndianKey(v) : BigInt(v as number | bigint).toString());
  }
  const timeUnit = lt?.type === 'TIME' ? lt.unit : ct === 'TIME_MILLIS' ? 'MILLIS' : ct === 'TIME_MICROS' ? 'MICROS' : undefined;
  if (timeUnit !== undefined) {
    const f = timeUnit === 'MILLIS' ? 1_000_000n : timeUnit === 'MICROS' ? 1_000n : 1n;
    return (v) => (v == null ? null : (BigInt(v as number | bigint) * f).toString());
  }
  if (e.type === 'FLOAT' || e.type === 'DOUBLE') return (v) => (v == null ? null : floatKey(Number(v)));
  if (e.type === 'BOOLEAN') return (v) => (v == null ? null : v ? 'true' : 'false');
  return (v) => {
    if (v == null) return null;
    if (typeof v === 'string') return v;
    if (v instanceof Uint8Array) return hexKey(v);
    if (typeof v === 'bigint' || typeof v === 'number') return String(v);
    return String(v);
  };
}

const NANOS_PER: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1_000_000_000n,
  [TimeUnit.MILLISECOND]: 1_000_000n,
  [TimeUnit.MICROSECOND]: 1_000n,
  [TimeUnit.NANOSECOND]: 1n,
};

/**
 * A function returning the key part of row `i` (logical, relative to `data`) of an Arrow column.
 * Returns undefined for types an equality delete cannot use (nested types).
 */
export function arrowKeyOf(data: Data): ((i: number) => KeyPart) | undefined {
  const type = data.type as DataType;
  const valid = data.nullCount > 0 && data.nullBitmap !== undefined && data.nullBitmap.length > 0
    ? (i: number): boolean => (data.nullBitmap![(data.offset + i) >> 3]! & (1 << ((data.offset + i) & 7))) !== 0
    : (): boolean => true;
  const values = data.values as unknown as ArrayLike<number | bigint>;
  const withNulls = (f: (i: number) => string): ((i: number) => KeyPart) => (i) => (valid(i) ? f(i) : null);
  switch (type.typeId) {
    case Type.Null:
      return () => null;
    case Type.Int:
      return withNulls((i) => String(values[i])); // number and bigint print alike: int → long agrees
    case Type.Float:
      return withNulls((i) => floatKey(Number(values[i])));
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return withNulls((i) => ((bits[(data.offset + i) >> 3]! & (1 << ((data.offset + i) & 7))) !== 0 ? 'true' : 'false'));
    }
    case Type.Date:
      if ((type as unknown as { unit: number }).unit === 0) return withNulls((i) => String(values[i])); // DateUnit.DAY
      return withNulls((i) => String(Math.floor(Number(values[i]) / 86_400_000)));
    case Type.Time: case Type.Timestamp: {
      const f = NANOS_PER[(type as unknown as { unit: number }).unit]!;
      return withNulls((i) => (BigInt(values[i]!) * f).toString());
    }
    case Type.Decimal: {
      const words = data.values as Uint32Array;
      const stride = data.stride;
      return withNulls((i) => {
        let v = 0n;
        for (let k = stride - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[i * stride + k]!);
        if (words[i * stride + stride - 1]! & 0x80000000) v -= 1n << BigInt(32 * stride);
        return v.toString();
      });
    }
    case Type.Utf8: case Type.LargeUtf8: {
      const decoder = new TextDecoder();
      const bytes = data.values as Uint8Array;
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      return withNulls((i) => decoder.decode(bytes.subarray(Number(offsets[i]), Number(offsets[i + 1]))));
    }
    case Type.Binary: case Type.LargeBinary: {
      const bytes = data.values as Uint8Array;
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      return withNulls((i) => hexKey(bytes.subarray(Number(offsets[i]), Number(offsets[i + 1]))));
    }
    case Type.FixedSizeBinary: {
      const bytes = data.values as Uint8Array;
      const w = data.stride;
      return withNulls((i) => hexKey(bytes.subarray(i * w, i * w + w)));
    }
    case Type.Dictionary: {
      const inner = arrowKeyOf(data.dictionary!.data[0]!);
      if (inner === undefined) return undefined;
      return withNulls((i) => inner(Number(values[i])) ?? 'null');
    }
    default:
      return undefined;
  }
}

/** Joins the parts of one row into a set key (unambiguous for any number of columns). */
export function joinKey(parts: readonly KeyPart[]): string {
  return parts.length === 1 ? (parts[0] === null ? '\u0000null' : `=${parts[0]}`) : JSON.stringify(parts);
}
