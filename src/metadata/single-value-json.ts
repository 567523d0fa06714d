/**
 * Converts values decoded from Avro manifests (partition tuples) into the Iceberg spec's JSON
 * single-value form used by `FileScanTask.dataFile.partition` (see file-scan-task.ts).
 */
import { decimalOf, fixedLengthOf, type IcebergType } from './schema.ts';

type JsonValue = null | boolean | number | string;

/**
 * Converts one Avro-decoded value (number, bigint, string, boolean or Buffer) of Iceberg type
 * `type` into its JSON single-value form. Unknown or mismatched inputs fall back on a neutral
 * form: numbers stay numbers, bytes become hex.
 *
 * @param value The decoded value (null for a null partition value).
 * @param type The Iceberg type of the value, or undefined when unknown.
 */
export function singleValueToJson(value: unknown, type: IcebergType | undefined): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof type !== 'string') return fallback(value);
  if (type === 'boolean') return Boolean(value);
  if (type === 'int') return Number(value);
  if (type === 'long') return longJson(value);
  if (type === 'float' || type === 'double') return floatJson(Number(value));
  if (type === 'date') return typeof value === 'string' ? value : formatDate(Number(value));
  if (type === 'time') return typeof value === 'string' ? value : formatTime(BigInt(value as number | bigint));
  if (type === 'timestamp' || type === 'timestamptz' || type === 'timestamp_ns' || type === 'timestamptz_ns') {
    if (typeof value === 'string') return value;
    const nanos = type.endsWith('_ns');
    const text = formatTimestamp(BigInt(value as number | bigint), nanos ? 9 : 6);
    return type.startsWith('timestamptz') ? `${text}+00:00` : text;
  }
  if (type === 'string') return typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('utf8');
  if (type === 'uuid') return typeof value === 'string' ? value : formatUuid(value as Uint8Array);
  const decimal = decimalOf(type);
  if (decimal !== undefined) {
    if (typeof value === 'string') return value;
    const unscaled = typeof value === 'number' || typeof value === 'bigint' ? BigInt(value) : unscaledOf(value as Uint8Array);
    return formatDecimal(unscaled, decimal.scale);
  }
  if (type === 'binary' || fixedLengthOf(type) !== undefined) {
    return typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('hex');
  }
  return fallback(value);
}

function fallback(value: unknown): JsonValue {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return longJson(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return JSON.stringify(value);
}

function longJson(value: unknown): number | string {
  const n = BigInt(value as number | bigint);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function floatJson(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
export function formatDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** Microseconds since midnight → `HH:MM:SS.ffffff`. */
export function formatTime(micros: bigint): string {
  const us = Number(micros % 1_000_000n);
  const s = Number(micros / 1_000_000n);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}.${pad(us, 6)}`;
}

/** Units (micro- or nanoseconds, by `digits`) since the epoch → `YYYY-MM-DDTHH:MM:SS.f…`. */
export function formatTimestamp(units: bigint, digits: 6 | 9): string {
  const perSecond = digits === 6 ? 1_000_000n : 1_000_000_000n;
  let seconds = units / perSecond;
  let fraction = units % perSecond;
  if (fraction < 0n) {
    fraction += perSecond;
    seconds -= 1n;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${iso}.${fraction.toString().padStart(digits, '0')}`;
}

/** Big-endian two's-complement bytes → bigint. */
export function unscaledOf(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes[0]! & 0x80) n -= 1n << BigInt(bytes.length * 8);
  return n;
}

/** Unscaled value and scale → decimal text with exactly `scale` fraction digits (`"-1.50"`). */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

function formatUuid(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
