/**
 * Converts a decoded primitive column to the scan's Arrow type: zero-copy re-typing when the
 * storage already matches, vectorised typed-array loops for promotions and unit changes.
 */
import {
  Data, DataType, Type, TimeUnit, makeVector, makeBuilder,
  type Decimal, type FixedSizeBinary, type Int, type Timestamp, type Time, type Date_, type Float,
} from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';

const UNIT_PER_SECOND: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1n, [TimeUnit.MILLISECOND]: 1_000n, [TimeUnit.MICROSECOND]: 1_000_000n, [TimeUnit.NANOSECOND]: 1_000_000_000n,
};

/** Rebuilds `data` with a new values buffer of length `data.length` (validity and offset kept). */
function withValues(data: Data, type: DataType, values: ArrayBufferView): Data {
  return new Data(type, data.offset, data.length, data.nullCount, { [1]: values, [2]: data.nullBitmap } as never);
}

function scaleBigInts(src: ArrayLike<bigint> | ArrayLike<number>, n: number, mul: bigint, div: bigint): BigInt64Array {
  const out = new BigInt64Array(n);
  if (div === 1n) {
    for (let i = 0; i < n; i++) out[i] = BigInt(src[i]) * mul;
  } else {
    // floor division, so pre-epoch instants round towards -infinity like Java's floorDiv
    for (let i = 0; i < n; i++) {
      const v = BigInt(src[i]);
      const q = v / div;
      out[i] = v % div < 0n ? q - 1n : q;
    }
  }
  return out;
}

/** Sign- or zero-extends 8/16/32-bit integers to int64 by writing 32-bit words (no per-row BigInt). */
function widenToLong(src: ArrayLike<number>, n: number, signed: boolean): BigInt64Array {
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    words[2 * i] = v;
    words[2 * i + 1] = signed ? v >> 31 : 0;
  }
  return out;
}

function sameStorage(from: DataType, to: DataType): boolean {
  if (from.typeId !== to.typeId) {
    // Utf8 and Binary share the same layout.
    const textual = (t: DataType) => t.typeId === Type.Utf8 || t.typeId === Type.Binary;
    return textual(from) && textual(to);
  }
  switch (to.typeId) {
    case Type.Int: return (from as Int).bitWidth === (to as Int).bitWidth && (from as Int).isSigned === (to as Int).isSigned;
    case Type.Float: return (from as Float).precision === (to as Float).precision;
    case Type.Decimal: return (from as Decimal).scale === (to as Decimal).scale && (from as Decimal).bitWidth === (to as Decimal).bitWidth;
    case Type.Date: return (from as Date_).unit === (to as Date_).unit;
    case Type.Time: return (from as Time).unit === (to as Time).unit && (from as Time).bitWidth === (to as Time).bitWidth;
    case Type.Timestamp: return (from as Timestamp).unit === (to as Timestamp).unit;
    case Type.FixedSizeBinary: return (from as FixedSizeBinary).byteWidth === (to as FixedSizeBinary).byteWidth;
    default: return true;
  }
}

/**
 * Converts decoded primitive `data` to `to`. `column` names the output column for errors.
 * Throws `type_mismatch` when the decoded representation cannot hold the target's values.
 */
export function convertPrimitive(data: Data, to: DataType, column: string): Data {
  const from = data.type;
  if (sameStorage(from, to)) return data.clone(to);
  const n = data.length;
  const values = data.values as ArrayLike<number> & ArrayLike<bigint>;
  switch (to.typeId) {
    case Type.Int: {
      if (from.typeId !== Type.Int) break;
      const t = to as Int;
      if (t.bitWidth === 64) {
        if ((from as Int).bitWidth === 64) return data.clone(to); // uint64 read as long: same bits
        return withValues(data, to, widenToLong(values as ArrayLike<number>, n, (from as Int).isSigned));
      }
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(values[i]);
      return withValues(data, to, out);
    }
    case Type.Float:
      if (from.typeId !== Type.Float) break;
      return withValues(data, to, Float64Array.from(values as ArrayLike<number>));
    case Type.Date:
      if (from.typeId === Type.Date) { // Date64 (ms) -> days
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) out[i] = Math.floor(Number(values[i]) / 86_400_000);
        return withValues(data, to, out);
      }
      break;
    case Type.Time: {
      if (from.typeId !== Type.Time) break;
      const mul = UNIT_PER_SECOND[(to as Time).unit];
      const have = UNIT_PER_SECOND[(from as Time).unit];
      return withValues(data, to, mul >= have ? scaleBigInts(values, n, mul / have, 1n) : scaleBigInts(values, n, 1n, have / mul));
    }
    case Type.Timestamp: {
      const want = UNIT_PER_SECOND[(to as Timestamp).unit];
      if (from.typeId === Type.Date) { // date -> timestamp promotion (v3)
        const perDay = 86_400n * want;
        if ((from as Date_).unit === 0) return withValues(data, to, scaleBigInts(values, n, perDay, 1n));
        return withValues(data, to, scaleBigInts(values, n, want, 1_000n)); // Date64 ms
      }
      if (from.typeId !== Type.Timestamp) break;
      const have = UNIT_PER_SECOND[(from as Timestamp).unit];
      return withValues(data, to, want >= have ? scaleBigInts(values, n, want / have, 1n) : scaleBigInts(values, n, 1n, have / want));
    }
    case Type.Decimal:
      if (from.typeId === Type.Decimal && (from as Decimal).scale === (to as Decimal).scale) return valueWise(data, to);
      break;
    case Type.Utf8:
    case Type.Binary:
      if (from.typeId === Type.LargeUtf8 || from.typeId === Type.LargeBinary) {
        const offsets = data.valueOffsets as unknown as BigInt64Array;
        const out = new Int32Array(n + 1);
        const base = offsets[0];
        for (let i = 0; i <= n; i++) out[i] = Number(offsets[i] - base);
        const bytes = (data.values as Uint8Array).subarray(Number(base), Number(offsets[n]));
        return new Data(to, data.offset, n, data.nullCount, { [0]: out, [1]: bytes, [2]: data.nullBitmap } as never);
      }
      if (from.typeId === Type.Dictionary || from.typeId === Type.Utf8View || from.typeId === Type.BinaryView) return valueWise(data, to);
      break;
  }
  if (from.typeId === Type.Dictionary) return convertPrimitive(valueWise(data, (from as unknown as { dictionary: DataType }).dictionary), to, column);
  throw new IcebergScanError('type_mismatch', `projection: column ${column} decoded as ${String(from)} cannot be read as ${String(to)}`, {
    expected: `a representation of ${String(to)}`, context: { column, fileType: String(from), tableType: String(to) },
  });
}

/** Rebuilds a column value by value through an Arrow builder (rare representations only: dictionaries, views). */
function valueWise(data: Data, to: DataType): Data {
  const vector = makeVector(data);
  const builder = makeBuilder({ type: to, nullValues: [null, undefined] });
  for (let i = 0; i < data.length; i++) builder.append(vector.get(i) as never);
  return builder.finish().flush();
}
