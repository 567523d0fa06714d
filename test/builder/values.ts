/**
 * Value conversion for the table builder: description values (friendly JS forms) to canonical
 * values, and canonical values to the spec's binary single-value serialisation (JSON: json-values.ts).
 *
 * Canonical forms: boolean → boolean; int, date (days) → number; long, time (µs), timestamp(tz)
 * (µs), timestamp(tz)_ns (ns) → bigint; float, double → number; decimal → bigint (unscaled);
 * string → string; uuid, fixed, binary → Uint8Array; struct → object by field name; list → array;
 * map → array of [key, value].
 */
import { IcebergScanError } from '../../src/errors.ts';
import { decimalOf, fixedLengthOf, type IcebergType } from '../../src/metadata/schema.ts';

/** A canonical value (see the module comment), or null. */
export type Canonical = unknown;

function bad(message: string, value: unknown): IcebergScanError {
  let shown: string;
  try {
    shown = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return new IcebergScanError('invalid_argument', `table builder: ${message}: ${shown}`);
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` string. */
export function parseDate(text: string): number {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw bad('not a date (YYYY-MM-DD)', text);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
}

function fractionTo(frac: string | undefined, digits: number, text: string): bigint {
  if (!frac) return 0n;
  if (frac.length > digits) throw bad(`more than ${digits} fractional digits`, text);
  return BigInt(frac.padEnd(digits, '0'));
}

/** Microseconds since midnight of `HH:MM:SS[.ffffff]`. */
export function parseTime(text: string): bigint {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(text);
  if (!m) throw bad('not a time (HH:MM:SS[.ffffff])', text);
  const secs = BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0));
  return secs * 1_000_000n + fractionTo(m[4], 6, text);
}

/** Units (µs or ns) since the epoch of an ISO timestamp; a zone suffix (`Z`, `±HH:MM`) is applied. */
export function parseTimestamp(text: string, nanos: boolean): bigint {
  const m = /^(-?\d{4,}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) throw bad('not a timestamp (YYYY-MM-DDTHH:MM:SS[.ffffff][Z])', text);
  const perSec = nanos ? 1_000_000_000n : 1_000_000n;
  let secs = BigInt(parseDate(m[1]!)) * 86_400n + BigInt(Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
  const zone = m[6];
  if (zone && zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const offset = BigInt(Number(z[2]) * 3600 + Number(z[3]) * 60);
    secs += z[1] === '+' ? -offset : offset;
  }
  return secs * perSec + fractionTo(m[5], nanos ? 9 : 6, text);
}

/** Unscaled value of a decimal given as text (`"-14.20"`), bigint (already unscaled) or number. */
export function parseDecimal(value: unknown, scale: number): bigint {
  if (typeof value === 'bigint') return value;
  const text = typeof value === 'number' ? value.toFixed(scale) : String(value);
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && !m[3])) throw bad('not a decimal', value);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > scale) throw bad(`decimal has more than ${scale} fractional digits`, value);
  const unscaled = BigInt((m[2] || '0') + (m[3] ?? '').padEnd(scale, '0').slice(0, scale));
  return m[1] === '-' ? -unscaled : unscaled;
}

function uuidBytes(text: string): Uint8Array {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw bad('not a uuid', text);
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

function toBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw bad(`expected an integer for ${what}`, value);
}

function epochUnits(value: unknown, type: string): bigint {
  const nanos = type.endsWith('_ns');
  if (typeof value === 'string') return parseTimestamp(value, nanos);
  if (value instanceof Date) return BigInt(value.getTime()) * (nanos ? 1_000_000n : 1000n);
  return toBigInt(value, type);
}

/** Converts a description value of `type` to its canonical form (null stays null). */
export function toCanonical(type: IcebergType, value: unknown): Canonical {
  if (value === null || value === undefined) return null;
  if (typeof type !== 'string') return nestedToCanonical(type, value);
  switch (type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('expected a boolean', value);
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
        throw bad('expected a 32-bit integer', value);
      }
      return value;
    case 'long':
      return toBigInt(value, 'long');
    case 'float':
      if (typeof value !== 'number') throw bad('expected a number', value);
      return Math.fround(value);
    case 'double':
      if (typeof value !== 'number') throw bad('expected a number', value);
      return value;
    case 'date':
      if (typeof value === 'string') return parseDate(value);
      if (value instanceof Date) return Math.floor(value.getTime() / 86_400_000);
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw bad('expected a date', value);
    case 'time':
      return typeof value === 'string' ? parseTime(value) : toBigInt(value, 'time');
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return epochUnits(value, type);
    case 'string':
      if (typeof value !== 'string') throw bad('expected a string', value);
      return value;
    case 'uuid':
      if (value instanceof Uint8Array && value.length === 16) return value;
      if (typeof value === 'string') return uuidBytes(value);
      throw bad('expected a uuid', value);
    case 'binary':
      if (value instanceof Uint8Array) return value;
      throw bad('expected a Uint8Array', value);
    default: {
      const dec = decimalOf(type);
      if (dec) return parseDecimal(value, dec.scale);
      const len = fixedLengthOf(type);
      if (len !== undefined) {
        if (value instanceof Uint8Array && value.length === len) return value;
        throw bad(`expected a Uint8Array of ${len} bytes`, value);
      }
      throw new IcebergScanError('feature_unsupported', `table builder: type ${type} is not supported`);
    }
  }
}

function nestedToCanonical(type: Exclude<IcebergType, string>, value: unknown): Canonical {
  switch (type.type) {
    case 'struct': {
      if (typeof value !== 'object') throw bad('expected an object for a struct', value);
      const src = value as Record<string, unknown>;
      const out: Record<string, Canonical> = {};
      for (const f of type.fields) out[f.name] = toCanonical(f.type, src[f.name]);
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) throw bad('expected an array for a list', value);
      return value.map((v) => toCanonical(type.element, v));
    case 'map': {
      const entries: [unknown, unknown][] =
        value instanceof Map ? [...value.entries()] : Array.isArray(value) ? value : Object.entries(value as object);
      return entries.map(([k, v]) => [toCanonical(type.key, k), toCanonical(type.value, v)]);
    }
  }
}

/** Minimum number of bytes of a two's-complement big-endian integer holding `value`. */
export function minBytes(value: bigint): number {
  let n = 1;
  while (value >= 1n << BigInt(8 * n - 1) || value < -(1n << BigInt(8 * n - 1))) n++;
  return n;
}

/** Two's-complement big-endian bytes of `value`, `size` bytes long. */
export function bigEndianBytes(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Bytes needed for a decimal of precision `p` (the Avro/Parquet fixed size). */
export function decimalBytesForPrecision(p: number): number {
  let n = 1;
  while (10n ** BigInt(p) > 1n << BigInt(8 * n - 1)) n++;
  return n;
}

/** The spec's binary single-value serialisation (Appendix D) of a canonical primitive value. */
export function toBinary(type: IcebergType, value: Canonical): Uint8Array {
  if (typeof type !== 'string') throw new IcebergScanError('invalid_argument', 'table builder: no binary form for nested types');
  const view = (n: number) => {
    const b = new Uint8Array(n);
    return { b, dv: new DataView(b.buffer) };
  };
  switch (type) {
    case 'boolean':
      return Uint8Array.of(value ? 1 : 0);
    case 'int':
    case 'date': {
      const { b, dv } = view(4);
      dv.setInt32(0, value as number, true);
      return b;
    }
    case 'float': {
      const { b, dv } = view(4);
      dv.setFloat32(0, value as number, true);
      return b;
    }
    case 'double': {
      const { b, dv } = view(8);
      dv.setFloat64(0, value as number, true);
      return b;
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const { b, dv } = view(8);
      dv.setBigInt64(0, value as bigint, true);
      return b;
    }
    case 'string':
      return new TextEncoder().encode(value as string);
    default:
      if (decimalOf(type)) return bigEndianBytes(value as bigint, minBytes(value as bigint));
      return value as Uint8Array; // uuid, fixed, binary
  }
}

/** Floor division of bigints (rounds towards negative infinity). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
