/**
 * Literal conversion: turns a filter literal (JSON form) into the canonical value of a column's
 * type, exactly (decimals and longs via bigint, timestamps to µs/ns bigint, dates to days).
 */
import type { Literal } from './expression.ts';
import { civilFromDays, daysFromCivil } from '../metadata/civil-date.ts';
import { NANOS_PER_DAY, type PrimType, type Value } from './types.ts';

/** Thrown by the converters below; the binder turns it into an `invalid_argument` error with context. */
export class LiteralError extends Error {}

const fail = (message: string): never => {
  throw new LiteralError(message);
};

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;


const DATE_RE = /^([+-]?\d{4,})-(\d{1,2})-(\d{1,2})$/;
const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const TS_RE =
  /^([+-]?\d{4,})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

function checkDate(y: number, m: number, d: number, text: string): number {
  if (m < 1 || m > 12 || d < 1 || d > 31) fail(`invalid date '${text}'`);
  const days = daysFromCivil(y, m, d);
  const back = civilFromDays(days);
  if (back.month !== m || back.day !== d) fail(`invalid date '${text}'`);
  return days;
}

/** Parses `YYYY-MM-DD` into days since the epoch. */
export function parseDateText(text: string): number {
  const m = DATE_RE.exec(text.trim());
  if (!m) return fail(`invalid date '${text}'`);
  return checkDate(Number(m[1]), Number(m[2]), Number(m[3]), text);
}

function fractionNanos(frac: string | undefined): bigint {
  return frac ? BigInt(frac.padEnd(9, '0')) : 0n;
}

function timeOfDayNanos(h: string | undefined, mi: string | undefined, s: string | undefined, f: string | undefined, text: string): bigint {
  const hh = Number(h ?? 0);
  const mm = Number(mi ?? 0);
  const ss = Number(s ?? 0);
  if (hh > 23 || mm > 59 || ss > 59) fail(`invalid time of day in '${text}'`);
  return (BigInt(hh * 3600 + mm * 60 + ss) * 1_000_000_000n) + fractionNanos(f);
}

/** Parses `HH:MM[:SS[.fraction]]` into microseconds from midnight (sub-µs digits must be zero). */
export function parseTimeText(text: string): bigint {
  const m = TIME_RE.exec(text.trim());
  if (!m) return fail(`invalid time '${text}'`);
  const nanos = timeOfDayNanos(m[1], m[2], m[3], m[4], text);
  if (nanos % 1000n !== 0n) fail(`time '${text}' has more than microsecond precision`);
  return nanos / 1000n;
}

/**
 * Parses a timestamp (`YYYY-MM-DD[ T]HH:MM[:SS[.fraction]][Z|±HH[:MM]]`, or a bare date meaning
 * midnight) into epoch microseconds or nanoseconds. An offset converts to UTC; none means UTC.
 */
export function parseTimestampText(text: string, unit: 'us' | 'ns'): bigint {
  const m = TS_RE.exec(text.trim());
  if (!m) return fail(`invalid timestamp '${text}'`);
  const days = checkDate(Number(m[1]), Number(m[2]), Number(m[3]), text);
  let nanos = BigInt(days) * NANOS_PER_DAY + timeOfDayNanos(m[4], m[5], m[6], m[7], text);
  const zone = m[8];
  if (zone && !/^(z|utc)$/i.test(zone)) {
    const sign = zone[0] === '-' ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const offMin = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
    nanos -= sign * offMin * 60_000_000_000n;
  }
  if (unit === 'ns') return nanos;
  if (nanos % 1000n !== 0n) fail(`timestamp '${text}' has more than microsecond precision`);
  return nanos / 1000n;
}

/** Parses decimal text (optional sign, fraction and exponent) into an unscaled value at `scale`. */
export function parseDecimalText(text: string, scale: number): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return fail(`invalid number '${text}'`);
  const digits = `${m[2]}${m[3] ?? ''}`;
  const exp = Number(m[4] ?? 0) - (m[3] ?? '').length; // value = digits * 10^exp
  const shift = exp + scale;
  let unscaled: bigint;
  if (shift >= 0) unscaled = BigInt(digits) * 10n ** BigInt(shift);
  else {
    const p = 10n ** BigInt(-shift);
    const n = BigInt(digits);
    if (n % p !== 0n) fail(`'${text}' has more fractional digits than the scale ${scale}`);
    unscaled = n / p;
  }
  return m[1] === '-' ? -unscaled : unscaled;
}

/**
 * Floor and ceiling of a numeric literal at `scale` decimal places (as unscaled bigints), or
 * undefined when the literal is not a finite number. Used to compare integer and decimal columns
 * with literals that have more fractional digits than the column.
 */
export function integralBounds(lit: Literal, scale: number): { floor: bigint; ceil: bigint } | undefined {
  let text: string;
  if (typeof lit === 'number') {
    if (!Number.isFinite(lit)) return undefined;
    text = String(lit);
  } else if (typeof lit === 'string' || (typeof lit === 'object' && lit.kind === 'number')) {
    text = (typeof lit === 'string' ? lit : lit.text).trim();
  } else return undefined;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const digits = BigInt(`${m[2]}${m[3] ?? ''}` || '0');
  const shift = Number(m[4] ?? 0) - (m[3] ?? '').length + scale;
  if (Math.abs(shift) > 400) return undefined;
  const neg = m[1] === '-';
  if (shift >= 0) {
    const v = digits * 10n ** BigInt(shift);
    return { floor: neg ? -v : v, ceil: neg ? -v : v };
  }
  const p = 10n ** BigInt(-shift);
  const q = digits / p;
  const exact = q * p === digits;
  const lo = neg ? -(exact ? q : q + 1n) : q;
  const hi = neg ? -q : exact ? q : q + 1n;
  return { floor: lo, ceil: hi };
}

/** Formats an unscaled decimal at `scale` as text (`1420`, 2 → `14.20`). */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let s = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = `${s.slice(0, -scale)}.${s.slice(-scale)}`;
  }
  return neg ? `-${s}` : s;
}

/** Hex text (even length, optional spaces) to bytes. */
export function hexToBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) return fail(`invalid hex '${text}'`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Canonical uuid text (`8-4-4-4-12`, or 32 hex digits) to its 16 big-endian bytes. */
export function parseUuidText(text: string): Uint8Array {
  const clean = text.trim();
  if (!/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(clean)) {
    return fail(`invalid uuid '${text}'`);
  }
  return hexToBytes(clean.replace(/-/g, ''));
}

function integerOf(lit: Literal, what: string): bigint {
  if (typeof lit === 'number') {
    if (!Number.isInteger(lit)) fail(`${what} needs an integer, got ${lit}`);
    return BigInt(lit);
  }
  const text = typeof lit === 'string' ? lit : typeof lit === 'object' && lit.kind === 'number' ? lit.text : undefined;
  const m = text === undefined ? null : /^\s*([+-]?\d+)(?:\.0*)?\s*$/.exec(text);
  if (!m) return fail(`${what} needs an integer, got ${JSON.stringify(lit)}`);
  return BigInt(m[1]);
}

function numberOf(lit: Literal, what: string): number {
  let n: number;
  if (typeof lit === 'number') n = lit;
  else if (typeof lit === 'string' || (typeof lit === 'object' && lit.kind === 'number')) {
    const text = (typeof lit === 'string' ? lit : lit.text).trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$/i.test(text)) fail(`${what} needs a number, got '${text}'`);
    n = /inf/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
  } else return fail(`${what} needs a number, got ${JSON.stringify(lit)}`);
  if (n !== n) fail('NaN is not a valid literal (use isNaN / IS NAN)');
  return n;
}

function bytesOf(lit: Literal, what: string): Uint8Array {
  if (typeof lit === 'object' && lit.kind === 'bytes') return hexToBytes(lit.hex);
  if (typeof lit === 'string') return new TextEncoder().encode(lit);
  return fail(`${what} needs bytes (X'hex') or a string, got ${JSON.stringify(lit)}`);
}

function textOf(lit: Literal, what: string): string {
  if (typeof lit === 'string') return lit;
  return fail(`${what} needs a quoted string, got ${JSON.stringify(lit)}`);
}

function temporal(lit: Literal, type: PrimType, unit: 'us' | 'ns'): bigint {
  if (typeof lit === 'string') return parseTimestampText(lit, unit);
  return integerOf(lit, type.name);
}

/**
 * Converts a literal to the canonical value of `type`.
 *
 * @throws LiteralError when the literal does not fit the type (range, precision, syntax).
 */
export function convertLiteral(lit: Literal, type: PrimType): Value {
  const what = `a ${type.name} column`;
  switch (type.kind) {
    case 'boolean': {
      if (typeof lit === 'boolean') return lit;
      if (typeof lit === 'string' && /^(true|false)$/i.test(lit.trim())) return lit.trim().toLowerCase() === 'true';
      return fail(`${what} needs true or false, got ${JSON.stringify(lit)}`);
    }
    case 'int': {
      const v = integerOf(lit, what);
      if (v < BigInt(INT_MIN) || v > BigInt(INT_MAX)) fail(`${v} is out of range for int`);
      return Number(v);
    }
    case 'long': {
      const v = integerOf(lit, what);
      if (v < LONG_MIN || v > LONG_MAX) fail(`${v} is out of range for long`);
      return v;
    }
    case 'float': {
      const n = numberOf(lit, what);
      const f = Math.fround(n);
      if (Number.isFinite(n) && !Number.isFinite(f)) fail(`${n} is out of range for float`);
      return f;
    }
    case 'double':
      return numberOf(lit, what);
    case 'decimal': {
      const text = typeof lit === 'number' ? String(lit) : typeof lit === 'object' && lit.kind === 'number' ? lit.text : typeof lit === 'string' ? lit : fail(`${what} needs a number`);
      const v = parseDecimalText(text, type.scale ?? 0);
      const abs = v < 0n ? -v : v;
      if (abs.toString().length > (type.precision ?? 38)) fail(`${text} does not fit ${type.name}`);
      return v;
    }
    case 'date':
      if (typeof lit === 'string') {
        const t = lit.trim();
        if (DATE_RE.test(t)) return parseDateText(t);
        const nanos = parseTimestampText(t, 'ns');
        if (nanos % NANOS_PER_DAY !== 0n) fail(`'${lit}' is not a date`);
        return Number(nanos / NANOS_PER_DAY);
      }
      return Number(integerOf(lit, what));
    case 'time':
      return typeof lit === 'string' ? parseTimeText(lit) : integerOf(lit, what);
    case 'timestamp':
    case 'timestamptz':
      return temporal(lit, type, 'us');
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return temporal(lit, type, 'ns');
    case 'string':
      return textOf(lit, what);
    case 'uuid':
      if (typeof lit === 'string') return parseUuidText(lit);
      return checkLength(bytesOf(lit, what), 16, type.name);
    case 'fixed':
      return checkLength(bytesOf(lit, what), type.length ?? 0, type.name);
    case 'binary':
      return bytesOf(lit, what);
  }
}

function checkLength(bytes: Uint8Array, length: number, name: string): Uint8Array {
  if (bytes.length !== length) fail(`${name} needs exactly ${length} bytes, got ${bytes.length}`);
  return bytes;
}

/** Converts a canonical value back to its JSON literal (used to serialise residuals). */
export function valueToLiteral(v: Value, type: PrimType): Literal {
  if (v instanceof Uint8Array) {
    return { kind: 'bytes', hex: Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('') };
  }
  if (typeof v === 'bigint') {
    return type.kind === 'decimal' ? { kind: 'number', text: formatDecimal(v, type.scale ?? 0) } : { kind: 'number', text: v.toString() };
  }
  return v;
}
