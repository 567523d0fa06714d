/**
 * Partition transforms for the table builder (identity, bucket[N], truncate[W], year, month, day,
 * hour, void) over canonical values, with Iceberg's 32-bit Murmur3 (x86, seed 0) for buckets.
 */
import { IcebergScanError } from '../../src/errors.ts';
import { decimalOf, type IcebergType } from '../../src/metadata/schema.ts';
import { murmur3x86_32 } from '../../src/expr/murmur3.ts';
import { bigEndianBytes, floorDiv, minBytes, type Canonical } from './values.ts';


function longBytes(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, v), true);
  return b;
}

/** Iceberg's bucket hash (Appendix B) of a canonical value of `type`. */
export function bucketHash(type: IcebergType, value: Canonical): number {
  switch (type) {
    case 'int':
    case 'date':
      return murmur3x86_32(longBytes(BigInt(value as number)));
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return murmur3x86_32(longBytes(value as bigint));
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return murmur3x86_32(longBytes(floorDiv(value as bigint, 1000n)));
    case 'string':
      return murmur3x86_32(new TextEncoder().encode(value as string));
    default:
      if (decimalOf(type)) return murmur3x86_32(bigEndianBytes(value as bigint, minBytes(value as bigint)));
      if (value instanceof Uint8Array) return murmur3x86_32(value); // uuid, fixed, binary
      throw new IcebergScanError('invalid_argument', `table builder: bucket does not support ${JSON.stringify(type)}`);
  }
}

/** Result type of `transform` applied to a source column of `source` type (Java's choice: day → date). */
export function transformResultType(transform: string, source: IcebergType): IcebergType {
  if (transform === 'identity' || transform === 'void' || transform.startsWith('truncate[')) return source;
  if (transform === 'day') return 'date';
  if (['year', 'month', 'hour'].includes(transform) || transform.startsWith('bucket[')) return 'int';
  throw new IcebergScanError('invalid_argument', `table builder: unknown transform ${transform}`);
}

function param(transform: string): number {
  const m = /\[(\d+)\]$/.exec(transform);
  if (!m || Number(m[1]) <= 0) throw new IcebergScanError('invalid_argument', `table builder: bad transform ${transform}`);
  return Number(m[1]);
}

function microsOf(type: IcebergType, value: Canonical): bigint {
  if (type === 'date') return BigInt(value as number) * 86_400_000_000n;
  if (type === 'timestamp_ns' || type === 'timestamptz_ns') return floorDiv(value as bigint, 1000n);
  if (type === 'timestamp' || type === 'timestamptz') return value as bigint;
  throw new IcebergScanError('invalid_argument', `table builder: time transform of ${JSON.stringify(type)}`);
}

function truncateString(s: string, width: number): string {
  return Array.from(s).slice(0, width).join('');
}

/** Applies a partition transform to a canonical source value; the result is canonical too. */
export function applyTransform(transform: string, type: IcebergType, value: Canonical): Canonical {
  if (value === null || value === undefined || transform === 'void') return null;
  if (transform === 'identity') return value;
  if (transform.startsWith('bucket[')) return (bucketHash(type, value) & 0x7fffffff) % param(transform);
  if (transform.startsWith('truncate[')) {
    const w = param(transform);
    if (type === 'int') return (value as number) - ((((value as number) % w) + w) % w);
    if (type === 'long' || decimalOf(type)) {
      const v = value as bigint;
      const bw = BigInt(w);
      return v - (((v % bw) + bw) % bw);
    }
    if (type === 'string') return truncateString(value as string, w);
    if (type === 'binary') return (value as Uint8Array).subarray(0, w);
    throw new IcebergScanError('invalid_argument', `table builder: truncate of ${JSON.stringify(type)}`);
  }
  const micros = microsOf(type, value);
  const days = floorDiv(micros, 86_400_000_000n);
  switch (transform) {
    case 'day':
      return Number(days);
    case 'hour':
      return Number(floorDiv(micros, 3_600_000_000n));
    case 'month':
    case 'year': {
      const d = new Date(Number(days) * 86_400_000);
      const years = d.getUTCFullYear() - 1970;
      return transform === 'year' ? years : years * 12 + d.getUTCMonth();
    }
  }
  throw new IcebergScanError('invalid_argument', `table builder: unknown transform ${transform}`);
}
