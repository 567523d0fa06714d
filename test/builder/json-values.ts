/**
 * The spec's JSON single-value serialisation (Appendix D) of the table builder's canonical values,
 * with iceberg-rx's `ContentFile` conventions (exact longs, hex for fixed/binary).
 */
import { decimalOf, fixedLengthOf, type IcebergType, type NestedField } from '../../src/metadata/schema.ts';
import { floorDiv, toCanonical, type Canonical } from './values.ts';

const pad = (n: number | bigint, w: number) => String(n).padStart(w, '0');

function dateText(days: number): string {
  const d = new Date(days * 86_400_000);
  const y = d.getUTCFullYear();
  return `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

function timeText(micros: bigint): string {
  const s = micros / 1_000_000n;
  return `${pad(s / 3600n, 2)}:${pad((s / 60n) % 60n, 2)}:${pad(s % 60n, 2)}.${pad(micros % 1_000_000n, 6)}`;
}

function timestampText(units: bigint, perSec: bigint, digits: number): string {
  const days = floorDiv(units, 86_400n * perSec);
  const rest = units - days * 86_400n * perSec;
  const s = rest / perSec;
  const frac = rest % perSec;
  return `${dateText(Number(days))}T${pad(s / 3600n, 2)}:${pad((s / 60n) % 60n, 2)}:${pad(s % 60n, 2)}.${pad(frac, digits)}`;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Decimal text of an unscaled value with `scale` digits after the point (`1420n, 2` → `"14.20"`). */
export function decimalText(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${text}` : text;
}

/**
 * The spec's JSON single-value serialisation of a canonical value, with the FileScanTask convention
 * for longs (a number within ±2^53, else a decimal string) and lower-case hex for fixed/binary.
 */
export function toJsonValue(type: IcebergType, value: Canonical): unknown {
  if (value === null || value === undefined) return null;
  if (typeof type !== 'string') {
    if (type.type === 'list') return (value as Canonical[]).map((v) => toJsonValue(type.element, v));
    if (type.type === 'map') {
      const entries = value as [Canonical, Canonical][];
      return { keys: entries.map(([k]) => toJsonValue(type.key, k)), values: entries.map(([, v]) => toJsonValue(type.value, v)) };
    }
    const out: Record<string, unknown> = {};
    for (const f of type.fields) out[String(f.id)] = toJsonValue(f.type, (value as Record<string, Canonical>)[f.name]);
    return out;
  }
  switch (type) {
    case 'long': {
      const v = value as bigint;
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    }
    case 'date':
      return dateText(value as number);
    case 'time':
      return timeText(value as bigint);
    case 'timestamp':
      return timestampText(value as bigint, 1_000_000n, 6);
    case 'timestamptz':
      return `${timestampText(value as bigint, 1_000_000n, 6)}+00:00`;
    case 'timestamp_ns':
      return timestampText(value as bigint, 1_000_000_000n, 9);
    case 'timestamptz_ns':
      return `${timestampText(value as bigint, 1_000_000_000n, 9)}+00:00`;
    case 'uuid': {
      const h = hex(value as Uint8Array);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'binary':
      return hex(value as Uint8Array);
    default: {
      const dec = decimalOf(type);
      if (dec) return decimalText(value as bigint, dec.scale);
      if (fixedLengthOf(type) !== undefined) return hex(value as Uint8Array);
      return value; // boolean, int, float, double, string
    }
  }
}

/** Canonical value of a field's `initial-default`/`write-default` JSON (the field's own type). */
export function defaultToJson(field: Pick<NestedField, 'type'>, value: unknown): unknown {
  return toJsonValue(field.type, toCanonical(field.type, value));
}

