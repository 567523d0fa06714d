/**
 * Partition transforms (identity, bucket[N], truncate[W], year, month, day, hour, void): parsing,
 * applicability, result types and application to canonical values.
 */
import { murmur3x86_32 } from './murmur3.ts';
import { civilFromDays } from '../metadata/civil-date.ts';
import { MICROS_PER_DAY, NANOS_PER_DAY, floorDiv, truncateCodePoints, type PrimType, type Value } from './types.ts';

/** A parsed transform. `unknown` covers transforms this reader does not know (never pruned on). */
export type Transform =
  | { readonly kind: 'identity' | 'year' | 'month' | 'day' | 'hour' | 'void' | 'unknown' }
  | { readonly kind: 'bucket'; readonly n: number }
  | { readonly kind: 'truncate'; readonly width: number };

/** Parses a transform as the spec spells it (`bucket[16]`, `truncate[4]`, `day`…). */
export function parseTransform(text: string): Transform {
  const t = text.trim().toLowerCase();
  const m = /^(bucket|truncate)\[\s*(\d+)\s*\]$/.exec(t);
  if (m) {
    const p = Number(m[2]);
    if (p <= 0) return { kind: 'unknown' };
    return m[1] === 'bucket' ? { kind: 'bucket', n: p } : { kind: 'truncate', width: p };
  }
  if (['identity', 'year', 'month', 'day', 'hour', 'void'].includes(t)) return { kind: t as 'identity' };
  return { kind: 'unknown' };
}

const TEMPORAL = new Set(['timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);

/** Whether `t` can be applied to a source of type `source` (otherwise it is treated as unknown). */
export function canApply(t: Transform, source: PrimType): boolean {
  switch (t.kind) {
    case 'identity':
    case 'void':
      return true;
    case 'bucket':
      return !['boolean', 'float', 'double'].includes(source.kind);
    case 'truncate':
      return ['int', 'long', 'decimal', 'string', 'binary'].includes(source.kind);
    case 'year':
    case 'month':
    case 'day':
      return source.kind === 'date' || TEMPORAL.has(source.kind);
    case 'hour':
      return TEMPORAL.has(source.kind);
    default:
      return false;
  }
}

/** The type of a transform's values for a source type. */
export function resultType(t: Transform, source: PrimType): PrimType {
  switch (t.kind) {
    case 'bucket':
    case 'year':
    case 'month':
    case 'hour':
      return { kind: 'int', name: 'int' };
    case 'day':
      return { kind: 'date', name: 'date' };
    default:
      return source;
  }
}

function longBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt.asIntN(64, v), true);
  return out;
}

/** Minimal big-endian two's-complement bytes of an unscaled decimal. */
export function decimalBytes(v: bigint): Uint8Array {
  const bytes: number[] = [];
  let x = v;
  for (;;) {
    bytes.unshift(Number(BigInt.asUintN(8, x)));
    x >>= 8n;
    const sign = (bytes[0] & 0x80) !== 0;
    if ((x === 0n && !sign) || (x === -1n && sign)) break;
  }
  return Uint8Array.from(bytes);
}

/** The murmur3 hash Iceberg's bucket transform uses for a canonical value of `type`. */
export function bucketHash(v: Value, type: PrimType): number {
  switch (type.kind) {
    case 'int':
    case 'date':
      return murmur3x86_32(longBytes(BigInt(v as number)));
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return murmur3x86_32(longBytes(v as bigint));
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return murmur3x86_32(longBytes(floorDiv(v as bigint, 1000n)));
    case 'decimal':
      return murmur3x86_32(decimalBytes(v as bigint));
    case 'string':
      return murmur3x86_32(new TextEncoder().encode(v as string));
    default:
      return murmur3x86_32(v as Uint8Array);
  }
}

function daysOf(v: Value, type: PrimType): bigint {
  if (type.kind === 'date') return BigInt(v as number);
  return floorDiv(v as bigint, type.kind.endsWith('_ns') ? NANOS_PER_DAY : MICROS_PER_DAY);
}

/**
 * Applies a transform to a canonical value of `source` type; null stays null (void: always null).
 * Callers check {@link canApply} first.
 */
export function applyTransform(t: Transform, source: PrimType, v: Value | null): Value | null {
  if (v === null || t.kind === 'void') return null;
  switch (t.kind) {
    case 'identity':
      return v;
    case 'bucket':
      return ((bucketHash(v, source) & 0x7fffffff) % t.n);
    case 'truncate':
      return truncateValue(v, source, t.width);
    case 'year':
      return civilFromDays(Number(daysOf(v, source))).year - 1970;
    case 'month': {
      const c = civilFromDays(Number(daysOf(v, source)));
      return (c.year - 1970) * 12 + (c.month - 1);
    }
    case 'day':
      return Number(daysOf(v, source));
    case 'hour':
      return Number(floorDiv(v as bigint, source.kind.endsWith('_ns') ? 3_600_000_000_000n : 3_600_000_000n));
    default:
      throw new Error(`cannot apply transform ${t.kind}`);
  }
}

function truncateValue(v: Value, source: PrimType, width: number): Value {
  switch (source.kind) {
    case 'int': {
      const x = v as number;
      return x - (((x % width) + width) % width);
    }
    case 'long':
    case 'decimal': {
      const x = v as bigint;
      const w = BigInt(width);
      return x - (((x % w) + w) % w);
    }
    case 'string':
      return truncateCodePoints(v as string, width);
    default:
      return (v as Uint8Array).subarray(0, width);
  }
}
