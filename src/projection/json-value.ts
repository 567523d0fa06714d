/**
 * Decodes the spec's JSON single-value serialisation (Appendix D: partition values, initial
 * defaults) of a primitive Iceberg type into the raw Arrow storage value of our type mapping.
 */
import { IcebergScanError } from '../errors.ts';
import { decimalOf, fixedLengthOf } from '../metadata/schema.ts';
import { LiteralError, parseDecimalText } from '../expr/literals.ts';

/** Raw storage value: number (int32/float/date/bool as 0|1), bigint (64-bit units, decimal unscaled), bytes, or string. */
export type StorageValue = number | bigint | Uint8Array | string;

function bad(type: string, value: unknown): IcebergScanError {
  return new IcebergScanError('data_invalid', `projection: value ${JSON.stringify(value)} is not a valid ${type}`, {
    expected: `the JSON single-value form of ${type}`,
  });
}

/** Days since 1970-01-01 of `YYYY-MM-DD` (proleptic Gregorian, years may be signed). */
function parseDate(text: string, type: string): number {
  const m = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw bad(type, text);
  const d = new Date(Date.UTC(2000, Number(m[2]) - 1, Number(m[3])));
  // set the year separately: Date.UTC maps years 0-99 to 1900-1999
  d.setUTCFullYear(Number(m[1]));
  if (Number.isNaN(d.getTime()) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) throw bad(type, text);
  return Math.round(d.getTime() / 86_400_000);
}

/** Sub-second units of `HH:MM:SS[.fffffffff]` as (seconds of day, fraction digits). */
function parseTime(text: string, type: string): { seconds: bigint; fraction: string } {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text);
  if (!m) throw bad(type, text);
  const seconds = BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0));
  return { seconds, fraction: m[4] ?? '' };
}

function fractionIn(fraction: string, digits: number): bigint {
  return BigInt((fraction + '000000000').slice(0, digits) || '0');
}

/** Timestamp text `YYYY-MM-DDTHH:MM:SS[.f][Z|+00:00]` in micro- or nanoseconds. */
function parseTimestamp(text: string, nanos: boolean, type: string): bigint {
  const m = /^([+-]?\d{4,}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) throw bad(type, text);
  const days = BigInt(parseDate(m[1], type));
  const { seconds, fraction } = parseTime(m[2], type);
  let offsetSeconds = 0n;
  if (m[3] && m[3] !== 'Z') {
    const o = /^([+-])(\d{2}):?(\d{2})$/.exec(m[3]);
    if (!o) throw bad(type, text);
    offsetSeconds = BigInt((Number(o[2]) * 3600 + Number(o[3]) * 60) * (o[1] === '-' ? -1 : 1));
  }
  const unit = nanos ? 1_000_000_000n : 1_000_000n;
  const frac = fractionIn(fraction, nanos ? 9 : 6);
  return (days * 86_400n + seconds - offsetSeconds) * unit + frac;
}

/** Unscaled value of a decimal text at `scale`. */
function parseDecimal(value: unknown, scale: number, type: string): bigint {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') throw bad(type, value);
  try {
    return parseDecimalText(text, scale);
  } catch (error) {
    if (error instanceof LiteralError) throw bad(type, value);
    throw error;
  }
}

function hexBytes(value: unknown, type: string): Uint8Array {
  if (typeof value !== 'string' || value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) throw bad(type, value);
  const out = new Uint8Array(value.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function toBigInt(value: unknown, type: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw bad(type, value);
}

/**
 * The storage value of a non-null JSON single value of primitive type `type`, in the units of our
 * Arrow mapping (date: days; time, timestamp: µs; *_ns: ns; decimal: unscaled bigint).
 * Numbers are accepted for temporal types too (already in those units). Throws `data_invalid`.
 */
export function storageValueOf(type: string, value: unknown): StorageValue {
  switch (type) {
    case 'boolean':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (value === 'true' || value === 'false') return value === 'true' ? 1 : 0;
      throw bad(type, value);
    case 'int': {
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw bad(type, value);
      return n;
    }
    case 'long': return BigInt.asIntN(64, toBigInt(value, type));
    case 'float':
    case 'double': {
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number') throw bad(type, value);
      return n;
    }
    case 'date':
      return typeof value === 'number' ? value : parseDate(String(value), type);
    case 'time': {
      if (typeof value === 'number') return BigInt(value);
      const { seconds, fraction } = parseTime(String(value), type);
      return seconds * 1_000_000n + fractionIn(fraction, 6);
    }
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      if (typeof value === 'number') return BigInt(value);
      return parseTimestamp(String(value), type.endsWith('_ns'), type);
    case 'string':
      if (typeof value !== 'string') throw bad(type, value);
      return value;
    case 'uuid': {
      if (typeof value !== 'string' || !/^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$/.test(value)) throw bad(type, value);
      return hexBytes(value.replace(/-/g, ''), type);
    }
    case 'binary':
      return hexBytes(value, type);
  }
  const dec = decimalOf(type);
  if (dec) return parseDecimal(value, dec.scale, type);
  const len = fixedLengthOf(type);
  if (len !== undefined) {
    const bytes = hexBytes(value, type);
    if (bytes.length !== len) throw bad(type, value);
    return bytes;
  }
  throw new IcebergScanError('feature_unsupported', `projection: no constant values of type ${type}`, {
    expected: 'a primitive type with a JSON single-value form',
  });
}
