/**
 * Iceberg primitive types as the filter code sees them: a kind per type, and the canonical
 * in-memory value of each kind (the one representation every evaluator compares).
 *
 * Canonical values: boolean → boolean; int, date (days) → number; long, time (µs), timestamp and
 * timestamptz (µs), timestamp_ns and timestamptz_ns (ns) → bigint; float, double → number;
 * decimal → bigint unscaled value; string → string; uuid, fixed, binary → Uint8Array.
 */
import { decimalOf, fixedLengthOf, type IcebergType } from '../metadata/schema.ts';

/** The primitive kinds a filter can reference. */
export type TypeKind =
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'decimal'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'timestamp_ns'
  | 'timestamptz_ns'
  | 'string'
  | 'uuid'
  | 'fixed'
  | 'binary';

/** A canonical value (see the module comment); null is "no value". */
export type Value = boolean | number | bigint | string | Uint8Array;

/** A resolved primitive type. */
export interface PrimType {
  readonly kind: TypeKind;
  /** The type as the spec spells it. */
  readonly name: string;
  readonly precision?: number;
  readonly scale?: number;
  readonly length?: number;
}

const SIMPLE = new Set<string>([
  'boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz',
  'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'binary',
]);

/** Resolves a primitive Iceberg type, or undefined for nested / unsupported types (variant, unknown…). */
export function primType(t: IcebergType): PrimType | undefined {
  if (typeof t !== 'string') return undefined;
  const name = t.trim().toLowerCase();
  if (SIMPLE.has(name)) return { kind: name as TypeKind, name };
  const dec = decimalOf(name);
  if (dec) return { kind: 'decimal', name, precision: dec.precision, scale: dec.scale };
  const len = fixedLengthOf(name);
  if (len !== undefined) return { kind: 'fixed', name, length: len };
  return undefined;
}

/** Kinds whose canonical value is a bigint. */
export function isBigintKind(kind: TypeKind): boolean {
  return kind === 'long' || kind === 'time' || kind === 'decimal' || kind.startsWith('timestamp');
}

/** Kinds whose canonical value is a byte array. */
export function isBytesKind(kind: TypeKind): boolean {
  return kind === 'uuid' || kind === 'fixed' || kind === 'binary';
}

/** Kinds that can hold NaN. */
export function isFloatKind(kind: TypeKind): boolean {
  return kind === 'float' || kind === 'double';
}

/** Unsigned lexicographic byte comparison. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Code-point order comparison of two strings (equals the UTF-8 byte order Iceberg and Parquet use). */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code-point order only between surrogates and U+E000..U+FFFF.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Total order of two non-null canonical values of the same kind (numbers: numeric order; NaN is
 * never passed here — callers handle NaN first).
 */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (a instanceof Uint8Array) return compareBytes(a, b as Uint8Array);
  if (typeof a === 'boolean') return (a ? 1 : 0) - (b ? 1 : 0);
  if (typeof a === 'bigint') {
    const bb = b as bigint;
    return a < bb ? -1 : a > bb ? 1 : 0;
  }
  const bn = b as number;
  return a < bn ? -1 : a > bn ? 1 : 0;
}

/** Number of code points of a string. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** The first `n` code points of a string. */
export function truncateCodePoints(s: string, n: number): string {
  let i = 0;
  let count = 0;
  while (i < s.length && count < n) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    count++;
  }
  return s.slice(0, i);
}

/** Days ↔ epoch units. */
export const MICROS_PER_DAY = 86_400_000_000n;
export const NANOS_PER_DAY = 86_400_000_000_000n;

/** Integer division rounding toward negative infinity (bigint `/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b !== a && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** The distinct values, sorted by {@link compareValues}. */
export function dedupe(values: Value[]): Value[] {
  const sorted = [...values].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1], v) !== 0);
}
